"""Timers the platform service runs beside its consumers: the deadline worker, which raises
warnings, overdue notices and escalations (督办) as phases' clocks run out (``deadlines``)."""

from __future__ import annotations

from . import consumers
from .deadlines import DeadlineWorker


def timers(runtime) -> list:
    return [
        DeadlineWorker(
            runtime.sessionmaker, interval=runtime.settings.deadline_interval_seconds, registry=runtime.registry
        )
    ]


def background(runtime) -> list:
    """What the process runs beside requests (in the app, or alone with ``consume``): the feeds it
    follows and its timers."""
    return consumers.consumers(runtime) + timers(runtime)
