"""Fixtures of the assessment tests; the shared data and helpers live in ``assessment_world`` (a unique module
name, so that test modules never depend on which ``conftest`` was imported last)."""

from assessment_world import assessment_settings, session  # noqa: F401
