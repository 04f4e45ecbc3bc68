"""Events assessment consumes: personnel's roster changes, applied idempotently to ``roster_entry``;
the platform service's monthly per-cadre summaries, kept as evidence for the assessors."""

from __future__ import annotations

import uuid

from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.feed import FeedConsumer

from . import stays
from .models import PlatformEvidence, RosterEntry, UnitName


async def apply_cadre(session: AsyncSession, event: dict) -> None:
    await stays.record(session, event)
    p = event["payload"]
    values = dict(
        cadre_id=uuid.UUID(p["cadre_id"]),
        name=p["name"],
        department_id=uuid.UUID(p["department_id"]),
        township_id=uuid.UUID(p["township_id"]),
        agency_id=uuid.UUID(p["agency_id"]),
        status="LEFT" if event["type"] == "cadre.left" else p["status"],
        events_applied=1,
    )
    stmt = insert(RosterEntry).values(**values)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[RosterEntry.cadre_id],
            set_={
                **{k: stmt.excluded[k] for k in ("name", "department_id", "township_id", "agency_id", "status")},
                "events_applied": RosterEntry.events_applied + 1,
                "updated_at": func.now(),
            },
        )
    )


async def apply_unit(session: AsyncSession, event: dict) -> None:
    p = event["payload"]
    head = uuid.UUID(p["head_cadre_id"]) if p.get("head_cadre_id") else None
    stmt = insert(UnitName).values(id=uuid.UUID(p["id"]), kind=p["kind"], name=p["name"], head_cadre_id=head)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[UnitName.id],
            set_={"name": stmt.excluded.name, "kind": stmt.excluded.kind, "head_cadre_id": stmt.excluded.head_cadre_id},
        )
    )


async def apply_head(session: AsyncSession, event: dict) -> None:
    """An agency's head changed (or left): the head a 双述职 review names."""
    p = event["payload"]
    head = uuid.UUID(p["head_cadre_id"]) if p.get("head_cadre_id") else None
    await session.execute(update(UnitName).where(UnitName.id == uuid.UUID(p["agency_id"])).values(head_cadre_id=head))


async def apply_monthly_summary(session: AsyncSession, event: dict) -> None:
    p = event["payload"]
    figures = {k: v for k, v in p.items() if k not in ("cadre_id", "period")}
    stmt = insert(PlatformEvidence).values(cadre_id=uuid.UUID(p["cadre_id"]), period=p["period"], figures=figures)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[PlatformEvidence.cadre_id, PlatformEvidence.period],
            set_={"figures": stmt.excluded.figures, "received_at": func.now()},
        )
    )


def consumers(runtime) -> list[FeedConsumer]:
    return [
        FeedConsumer.following(
            runtime,
            name="personnel",
            base_url=runtime.settings.personnel_url,
            handlers={
                "cadre.stationed": apply_cadre,
                "cadre.updated": apply_cadre,
                "cadre.moved": apply_cadre,
                "cadre.left": apply_cadre,
                "unit.upserted": apply_unit,
                "agency.head_changed": apply_head,
            },
        ),
        FeedConsumer.following(
            runtime,
            name="platform",
            base_url=runtime.settings.platform_url,
            handlers={"cadre.monthly_summary": apply_monthly_summary},
        ),
    ]
