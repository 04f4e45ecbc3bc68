"""Assessment's view of the roster (projection), filtered by dual management."""

from __future__ import annotations

import uuid

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import visibility
from servicekit.ids import parse_id
from servicekit.pagination import Page, decode_key, make_page, page_size
from servicekit.principal import Principal

from .models import RosterEntry


def _visible(principal: Principal):
    return visibility.cadre_rows(
        principal,
        department=RosterEntry.department_id,
        township=RosterEntry.township_id,
        agency=RosterEntry.agency_id,
        cadre=RosterEntry.cadre_id,
    )


async def list_entries(
    session: AsyncSession, principal: Principal, *, first: int | None, after: str | None, township_id: str | None = None
) -> Page[RosterEntry]:
    size = page_size(first)
    stmt = select(RosterEntry).order_by(RosterEntry.name, RosterEntry.cadre_id).limit(size + 1)
    if (cond := _visible(principal)) is not None:
        stmt = stmt.where(cond)
    if township_id:
        stmt = stmt.where(RosterEntry.township_id == parse_id(township_id, "乡镇"))
    if key := decode_key(after, str, uuid.UUID):
        stmt = stmt.where(tuple_(RosterEntry.name, RosterEntry.cadre_id) > key)
    return make_page((await session.scalars(stmt)).all(), size, lambda r: (r.name, str(r.cadre_id)))


async def entries_by_id(
    session: AsyncSession, principal: Principal, ids: list[uuid.UUID]
) -> dict[uuid.UUID, RosterEntry]:
    stmt = select(RosterEntry).where(RosterEntry.cadre_id.in_(ids))
    if (cond := _visible(principal)) is not None:
        stmt = stmt.where(cond)
    return {r.cadre_id: r for r in (await session.scalars(stmt)).all()}
