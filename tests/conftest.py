"""Test-run wide fixtures: one PostgreSQL server, a database prefix per run, cleanup at the end.

Each test folder keeps its data and helpers in a uniquely named module (``personnel_world``,
``assessment_world``, ``platform_world``, ``stackutil``) that its ``conftest.py`` and its tests
import: the name ``conftest`` itself is shared by every folder, so nothing imports it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))


@pytest.fixture(scope="session")
def database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    from servicekit import embedded_pg

    return embedded_pg.start(ROOT / ".data" / "pg-test")


@pytest.fixture(scope="session")
def run_prefix(database_url) -> str:
    """Every database this run creates starts with this prefix; all are dropped at the end."""
    prefix = f"t{os.getpid()}_"
    yield prefix
    from stackutil import drop_databases

    drop_databases(database_url, prefix)
