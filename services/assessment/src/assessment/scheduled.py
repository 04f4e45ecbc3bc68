"""Timers the assessment service runs beside its consumers: none. Deadlines of the assessment (the
objection period) are checked when someone acts, not by a clock."""

from __future__ import annotations

from . import consumers


def timers(runtime) -> list:
    return []


def background(runtime) -> list:
    """What the process runs beside requests (in the app, or alone with ``consume``): the feeds it
    follows and its timers."""
    return consumers.consumers(runtime) + timers(runtime)
