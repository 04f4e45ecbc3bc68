"""Events the platform service consumes: personnel's roster changes → ``stationed_cadre``."""

from __future__ import annotations

import uuid

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.outbox import FeedConsumer

from .models import StationedCadre


async def apply_cadre(session: AsyncSession, event: dict) -> None:
    p = event["payload"]
    stmt = insert(StationedCadre).values(
        cadre_id=uuid.UUID(p["cadre_id"]), department_id=uuid.UUID(p["department_id"]),
        township_id=uuid.UUID(p["township_id"]), agency_id=uuid.UUID(p["agency_id"]),
        professional_line=p["professional_line"], status="LEFT" if event["type"] == "cadre.left" else p["status"],
        events_applied=1)
    await session.execute(stmt.on_conflict_do_update(
        index_elements=[StationedCadre.cadre_id],
        set_={**{k: stmt.excluded[k] for k in ("department_id", "township_id", "agency_id", "professional_line", "status")},
              "events_applied": StationedCadre.events_applied + 1, "updated_at": func.now()},
    ))


def consumers(runtime) -> list[FeedConsumer]:
    return [FeedConsumer.following(runtime, name="personnel", base_url=runtime.settings.personnel_url, handlers={
        "cadre.stationed": apply_cadre, "cadre.updated": apply_cadre, "cadre.moved": apply_cadre,
        "cadre.left": apply_cadre})]
