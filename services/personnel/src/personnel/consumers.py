"""Events personnel consumes: the assessment service's approved results go into the cadre's file;
the platform service's monthly workload per township feeds the quota model's workload factor."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.feed import FeedConsumer

from .models import AssessmentResult, Cadre, Township, TownshipWorkload

WORKLOAD_MONTHS = 12


async def record_results(session: AsyncSession, event: dict) -> None:
    p = event["payload"]
    results = {uuid.UUID(r["cadre_id"]): r["grade"] for r in p["results"]}
    known = set((await session.scalars(select(Cadre.id).where(Cadre.id.in_(list(results))))).all())
    rows = [
        {"cadre_id": c, "year": p["year"], "grade": g, "cycle_id": uuid.UUID(p["cycle_id"])}
        for c, g in results.items()
        if c in known
    ]
    if not rows:
        return
    stmt = insert(AssessmentResult).values(rows)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[AssessmentResult.cadre_id, AssessmentResult.year],
            set_={"grade": stmt.excluded.grade, "cycle_id": stmt.excluded.cycle_id},
        )
    )


async def record_workload(session: AsyncSession, event: dict) -> None:
    """A month's events of a township; the factor is the sum of the latest twelve months, so one
    busy or quiet month does not swing a quota proposal."""
    p = event["payload"]
    township_id = uuid.UUID(p["township_id"])
    if await session.get(Township, township_id) is None:
        return
    stmt = insert(TownshipWorkload).values(
        township_id=township_id, period=p["period"], events=p["events"], per_cadre=p.get("per_cadre")
    )
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[TownshipWorkload.township_id, TownshipWorkload.period],
            set_={"events": stmt.excluded.events, "per_cadre": stmt.excluded.per_cadre},
        )
    )
    latest = (
        select(TownshipWorkload.events)
        .where(TownshipWorkload.township_id == township_id)
        .order_by(TownshipWorkload.period.desc())
        .limit(WORKLOAD_MONTHS)
        .subquery()
    )
    await session.execute(
        update(Township)
        .where(Township.id == township_id)
        .values(workload=select(func.coalesce(func.sum(latest.c.events), 0)).scalar_subquery())
    )


def consumers(runtime) -> list[FeedConsumer]:
    return [
        FeedConsumer.following(
            runtime,
            name="assessment",
            base_url=runtime.settings.assessment_url,
            handlers={"assessment.results_approved": record_results},
        ),
        FeedConsumer.following(
            runtime,
            name="platform",
            base_url=runtime.settings.platform_url,
            handlers={"township.workload": record_workload},
        ),
    ]
