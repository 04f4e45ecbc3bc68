"""Approved assessment results land in the cadre's file (the real consumer handler, idempotent)."""

from __future__ import annotations

import uuid

from personnel_world import cadre_in
from sqlalchemy import func, select

from personnel.consumers import record_results
from personnel.models import AssessmentResult


async def test_approved_results_are_recorded_once_per_cadre_and_year(session):
    cadre = await cadre_in(session, "sfj", min_years=1)
    event = {
        "type": "assessment.results_approved",
        "payload": {
            "cycle_id": str(uuid.uuid4()),
            "year": 2026,
            "results": [
                {"cadre_id": str(cadre.id), "grade": "EXCELLENT"},
                {"cadre_id": str(uuid.uuid4()), "grade": "COMPETENT"},
            ],
        },
    }  # someone personnel does not know
    await record_results(session, event)
    await record_results(session, event)  # delivered twice: applied once
    rows = (await session.scalars(select(AssessmentResult).where(AssessmentResult.cadre_id == cadre.id))).all()
    assert [(r.year, r.grade) for r in rows] == [(2026, "EXCELLENT")]
    assert await session.scalar(select(func.count()).select_from(AssessmentResult)) == 1


async def test_the_workload_factor_is_the_platforms_last_twelve_months(session):
    from personnel_world import TOWN

    from personnel.consumers import record_workload
    from personnel.models import Township

    town = TOWN["diankou"]

    def month(period: str, events: int) -> dict:
        return {
            "type": "township.workload",
            "payload": {
                "township_id": str(town),
                "period": period,
                "events": events,
                "urgent": 0,
                "stationed": 50,
                "per_cadre": events / 50,
            },
        }

    for m in range(1, 13):
        await record_workload(session, month(f"2026-{m:02d}", 100))
    await record_workload(session, month("2025-12", 999))  # older than the latest twelve: not counted
    await record_workload(session, month("2026-12", 160))  # redelivered with a correction: replaces the month
    await record_workload(
        session,
        {
            "type": "township.workload",
            "payload": {  # a township personnel does not know
                "township_id": str(uuid.uuid4()),
                "period": "2026-12",
                "events": 5,
                "per_cadre": None,
            },
        },
    )
    assert (await session.get(Township, town)).workload == 11 * 100 + 160
