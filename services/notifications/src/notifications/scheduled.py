"""Timers the notifications service runs beside its consumers: none. Items open and close only by
events; an item's deadline is shown as overdue when it is read."""

from __future__ import annotations

from . import consumers


def timers(runtime) -> list:
    return []


def background(runtime) -> list:
    """What the process runs beside requests (in the app, or alone with ``consume``)."""
    return consumers.consumers(runtime) + timers(runtime)
