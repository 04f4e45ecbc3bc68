"""Fixtures of the platform tests; the shared data and helpers live in ``platform_world`` (a unique module
name, so that test modules never depend on which ``conftest`` was imported last)."""

from platform_world import platform_settings, session  # noqa: F401
