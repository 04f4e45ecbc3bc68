"""Events personnel consumes: the assessment service's approved results go into the cadre's file."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.outbox import FeedConsumer

from .models import AssessmentResult, Cadre


async def record_results(session: AsyncSession, event: dict) -> None:
    p = event["payload"]
    results = {uuid.UUID(r["cadre_id"]): r["grade"] for r in p["results"]}
    known = set((await session.scalars(select(Cadre.id).where(Cadre.id.in_(list(results))))).all())
    rows = [{"cadre_id": c, "year": p["year"], "grade": g, "cycle_id": uuid.UUID(p["cycle_id"])}
            for c, g in results.items() if c in known]
    if not rows:
        return
    stmt = insert(AssessmentResult).values(rows)
    await session.execute(stmt.on_conflict_do_update(
        index_elements=[AssessmentResult.cadre_id, AssessmentResult.year],
        set_={"grade": stmt.excluded.grade, "cycle_id": stmt.excluded.cycle_id}))


def consumers(runtime) -> list[FeedConsumer]:
    return [FeedConsumer.following(runtime, name="assessment", base_url=runtime.settings.assessment_url,
                                   handlers={"assessment.results_approved": record_results})]
