"""Fixtures of the personnel tests; the shared data and helpers live in ``personnel_world`` (a unique module
name, so that test modules never depend on which ``conftest`` was imported last)."""

from personnel_world import personnel_settings, session  # noqa: F401
