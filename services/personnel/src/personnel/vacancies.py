"""Live vacancies (缺额): available places = quota − in post − approved arrivals not yet in post.

One grouped query per question, whatever the number of agencies.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Adjustment, Agency, Cadre

OCCUPYING = ("IN_POST", "SECONDED", "ON_LEAVE")  # 实有: a person on leave or seconded still holds the post
ON_DUTY = ("IN_POST",)  # 在岗 (真沉真下): really working in the township; seconded or on leave is a gap
INBOUND = ("IN", "TRANSFER")


@dataclass(frozen=True)
class Occupancy:
    agency_id: uuid.UUID
    quota: int
    in_post: int
    incoming: int

    @property
    def available(self) -> int:
        return self.quota - self.in_post - self.incoming

    @property
    def vacancy(self) -> int:
        """Places not filled by people in post (what reminder notices are about)."""
        return max(self.quota - self.in_post, 0)


def _occupancy_query():
    in_post = (
        select(
            Cadre.agency_id,
            func.count().label("n"),
            func.count().filter(Cadre.status.in_(ON_DUTY)).label("on_duty"),
        )
        .where(Cadre.status.in_(OCCUPYING))
        .group_by(Cadre.agency_id)
        .subquery()
    )
    incoming = (
        select(Adjustment.to_agency_id.label("agency_id"), func.count().label("n"))
        .where(Adjustment.status == "APPROVED", Adjustment.kind.in_(INBOUND))
        .group_by(Adjustment.to_agency_id)
        .subquery()
    )
    return (
        select(
            Agency.id.label("agency_id"),
            Agency.department_id,
            Agency.township_id,
            Agency.quota,
            func.coalesce(in_post.c.n, 0).label("in_post"),
            func.coalesce(incoming.c.n, 0).label("incoming"),
            func.coalesce(in_post.c.on_duty, 0).label("on_duty"),
        )
        .join(in_post, in_post.c.agency_id == Agency.id, isouter=True)
        .join(incoming, incoming.c.agency_id == Agency.id, isouter=True)
    )


async def occupancy(session: AsyncSession, agency_ids: list[uuid.UUID] | None = None) -> dict[uuid.UUID, Occupancy]:
    stmt = _occupancy_query()
    if agency_ids is not None:
        stmt = stmt.where(Agency.id.in_(agency_ids))
    return {
        r.agency_id: Occupancy(r.agency_id, r.quota, r.in_post, r.incoming) for r in (await session.execute(stmt)).all()
    }


@dataclass(frozen=True)
class Summary:
    key: uuid.UUID
    quota: int
    in_post: int  # 实有
    incoming: int
    on_duty: int = 0  # 在岗

    @property
    def on_duty_gap(self) -> int:
        """Places without someone really working there (缺额 plus the seconded and on leave)."""
        return max(self.quota - self.on_duty, 0)

    @property
    def vacancy(self) -> int:
        return max(self.quota - self.in_post, 0)

    @property
    def fill_rate(self) -> float:
        return round(self.in_post / self.quota, 4) if self.quota else 1.0


async def summary(session: AsyncSession, by: str) -> list[Summary]:
    """Vacancies grouped by ``department`` or ``township``."""
    occ = _occupancy_query().subquery()
    key = {"department": occ.c.department_id, "township": occ.c.township_id}[by]
    rows = (
        await session.execute(
            select(
                key,
                func.sum(occ.c.quota),
                func.sum(occ.c.in_post),
                func.sum(occ.c.incoming),
                func.sum(occ.c.on_duty),
            ).group_by(key)
        )
    ).all()
    return [Summary(r[0], int(r[1]), int(r[2]), int(r[3]), int(r[4])) for r in rows]
