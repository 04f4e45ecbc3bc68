"""Faults under load, short version of `make chaos` (tools/chaos.py): kill -9 the platform service,
then the personnel service, then take this stack's databases away, all while a department system
keeps reporting; nothing accepted is lost or doubled, feeds catch up, audit chains verify, the
deadline worker sweeps again. On a stack of its own."""

from __future__ import annotations

import chaos
import pytest
from stackutil import running_stack


@pytest.fixture(scope="module")
def fault_stack(database_url, run_prefix):
    with running_stack(database_url, f"{run_prefix}ch_", extra_env={"DEADLINE_INTERVAL_SECONDS": "1"}) as s:
        yield s


def test_faults_under_load_lose_and_double_nothing(fault_stack):
    figures = chaos.run(fault_stack, phase_seconds=1.5, workers=3)
    assert [f["fault"] for f in figures["faults"]] == ["kill -9 platform", "kill -9 personnel", "database down"]
    assert figures["accepted_events"] > 0
    felt = {f["fault"]: f["refused_attempts"] for f in figures["faults"]}
    # Intake is the platform's: it is refused while the platform or the database is down (and then
    # recovers: run() waited for an accepted report after each fault), not while personnel is.
    assert felt["kill -9 platform"] > 0 and felt["database down"] > 0, figures
