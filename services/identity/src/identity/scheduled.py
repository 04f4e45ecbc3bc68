"""Timers the identity service runs: none. Expired codes and tokens are refused when presented."""

from __future__ import annotations

from . import consumers


def timers(runtime) -> list:
    return []


def background(runtime) -> list:
    """What the process runs beside requests: the feeds it follows (personnel's head changes) and
    its timers (none here)."""
    return consumers.consumers(runtime) + timers(runtime)
