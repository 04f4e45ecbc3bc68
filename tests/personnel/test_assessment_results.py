"""Approved assessment results land in the cadre's file (the real consumer handler, idempotent)."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from personnel_world import cadre_in
from personnel.consumers import record_results
from personnel.models import AssessmentResult


async def test_approved_results_are_recorded_once_per_cadre_and_year(session):
    cadre = await cadre_in(session, "sfj", min_years=1)
    event = {"type": "assessment.results_approved", "payload": {
        "cycle_id": str(uuid.uuid4()), "year": 2026,
        "results": [{"cadre_id": str(cadre.id), "grade": "EXCELLENT"},
                    {"cadre_id": str(uuid.uuid4()), "grade": "COMPETENT"}]}}  # someone personnel does not know
    await record_results(session, event)
    await record_results(session, event)  # delivered twice: applied once
    rows = (await session.scalars(select(AssessmentResult).where(AssessmentResult.cadre_id == cadre.id))).all()
    assert [(r.year, r.grade) for r in rows] == [(2026, "EXCELLENT")]
    assert await session.scalar(select(func.count()).select_from(AssessmentResult)) == 1
