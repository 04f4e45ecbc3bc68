"""Fixtures of the notifications tests; data and helpers live in ``notifications_world``."""

from notifications_world import notifications_settings, session  # noqa: F401
