"""Events the platform service consumes from personnel: the roster → ``stationed_cadre``; agencies
and townships → ``unit`` and ``township``; agency heads. The deadline worker is in ``scheduled``."""

from __future__ import annotations

import uuid

from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.feed import FeedConsumer

from .models import StationedCadre, Township, Unit


async def apply_cadre(session: AsyncSession, event: dict) -> None:
    p = event["payload"]
    stmt = insert(StationedCadre).values(
        cadre_id=uuid.UUID(p["cadre_id"]),
        name=p.get("name") or "",
        department_id=uuid.UUID(p["department_id"]),
        township_id=uuid.UUID(p["township_id"]),
        agency_id=uuid.UUID(p["agency_id"]),
        professional_line=p["professional_line"],
        status="LEFT" if event["type"] == "cadre.left" else p["status"],
        events_applied=1,
    )
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[StationedCadre.cadre_id],
            set_={
                **{
                    k: stmt.excluded[k]
                    for k in ("name", "department_id", "township_id", "agency_id", "professional_line", "status")
                },
                "events_applied": StationedCadre.events_applied + 1,
                "updated_at": func.now(),
            },
        )
    )


async def apply_unit(session: AsyncSession, event: dict) -> None:
    p = event["payload"]
    if p["kind"] == "TOWNSHIP":
        stmt = insert(Township).values(id=uuid.UUID(p["id"]), name=p["name"])
        await session.execute(stmt.on_conflict_do_update(index_elements=[Township.id], set_={"name": p["name"]}))
    elif p["kind"] == "AGENCY" and p.get("township_id"):
        values = {
            "township_id": uuid.UUID(p["township_id"]),
            "name": p["name"],
            "department_id": uuid.UUID(p["department_id"]),
            "head_cadre_id": uuid.UUID(p["head_cadre_id"]) if p.get("head_cadre_id") else None,
        }
        stmt = insert(Unit).values(id=uuid.UUID(p["id"]), kind="AGENCY", **values)
        await session.execute(stmt.on_conflict_do_update(index_elements=[Unit.id], set_=values))


async def apply_head(session: AsyncSession, event: dict) -> None:
    p = event["payload"]
    await session.execute(
        update(Unit).where(Unit.id == uuid.UUID(p["agency_id"])).values(head_cadre_id=uuid.UUID(p["head_cadre_id"]))
    )


def consumers(runtime) -> list:
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
        )
    ]
