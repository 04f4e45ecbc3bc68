"""Timers the notifications service runs beside its consumers: the delivery worker (deliveries.py).
Items open and close only by events; an item's deadline is shown as overdue when it is read."""

from __future__ import annotations

from . import consumers
from .deliveries import DeliveryWorker


def timers(runtime) -> list:
    return [DeliveryWorker(runtime.sessionmaker, runtime.settings, registry=runtime.registry)]


def background(runtime) -> list:
    """What the process runs beside requests (in the app, or alone with ``consume``)."""
    return consumers.consumers(runtime) + timers(runtime)
