"""Where a cadre spent the assessment period (年内调动): each township stay from personnel's events,
and the county's rule for who assesses a cadre who moved, stated in the cycle:

- ``TOWNSHIP_AT_OPENING``: the township they are in when the cycle opens;
- ``LONGEST_STAY``: the township where they spent the most days of the period (up to today); a tie
  goes to the later stay, the township that knows them most recently.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from .models import RosterStay

RULES = ("TOWNSHIP_AT_OPENING", "LONGEST_STAY")


@dataclass(frozen=True)
class Stay:
    township_id: uuid.UUID
    agency_id: uuid.UUID
    start: dt.date
    end: dt.date | None  # exclusive; None while it lasts


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """[first day, day after the last) of ``2026``, ``2026-Q4`` or ``2026-11``."""
    year, _, rest = period.partition("-")
    y = int(year)
    if not rest:
        return dt.date(y, 1, 1), dt.date(y + 1, 1, 1)
    first = 3 * int(rest[1:]) - 2 if rest.startswith("Q") else int(rest)
    last = first + 2 if rest.startswith("Q") else first
    return dt.date(y, first, 1), dt.date(y + (last == 12), last % 12 + 1, 1)


def longest(stays: list[Stay], start: dt.date, end: dt.date) -> Stay | None:
    """The stay with the most days inside [start, end); the later one on a tie."""
    best, best_days = None, 0
    for s in sorted(stays, key=lambda s: s.start):
        days = (min(s.end or end, end) - max(s.start, start)).days
        if days > 0 and days >= best_days:
            best, best_days = s, days
    return best


async def record(session: AsyncSession, event: dict) -> None:
    """Idempotent: a redelivered event finds the stay already opened or closed."""
    p = event["payload"]
    cadre = uuid.UUID(p["cadre_id"])
    town, agency = uuid.UUID(p["township_id"]), uuid.UUID(p["agency_id"])
    if event["type"] == "cadre.left":
        on = dt.date.fromisoformat(p.get("effective_date") or event["occurred_at"][:10])
    else:
        on = dt.date.fromisoformat(p.get("effective_date") or p["posted_on"])
    current = await session.scalar(
        select(RosterStay).where(RosterStay.cadre_id == cadre, RosterStay.end.is_(None)).with_for_update()
    )
    if event["type"] == "cadre.left":
        if current is not None:
            current.end = max(on, current.start)
        return
    if current is not None and current.township_id == town:
        current.agency_id = agency
        return
    if current is not None:
        current.end = max(on, current.start)
    session.add(RosterStay(cadre_id=cadre, township_id=town, agency_id=agency, start=on))


async def assign_longest_stay(
    session: AsyncSession, cycle_id: uuid.UUID, period: str, today: dt.date, member_model
) -> int:
    """Move each member who changed township during the period to the township of their longest
    stay. Returns how many members moved. Two statements plus one update per moved member."""
    start, end = period_bounds(period)
    end = min(end, today + dt.timedelta(days=1))
    rows = (
        await session.scalars(
            select(RosterStay).where(
                RosterStay.cadre_id.in_(select(member_model.cadre_id).where(member_model.cycle_id == cycle_id)),
                RosterStay.start < end,
                (RosterStay.end.is_(None)) | (RosterStay.end > start),
            )
        )
    ).all()
    by_cadre: dict[uuid.UUID, list[Stay]] = {}
    for r in rows:
        by_cadre.setdefault(r.cadre_id, []).append(Stay(r.township_id, r.agency_id, r.start, r.end))
    moved = 0
    for cadre, stays in by_cadre.items():
        if len({s.township_id for s in stays}) < 2:
            continue
        best = longest(stays, start, end)
        result = await session.execute(
            update(member_model)
            .where(
                member_model.cycle_id == cycle_id,
                member_model.cadre_id == cadre,
                member_model.township_id != best.township_id,
            )
            .values(township_id=best.township_id, agency_id=best.agency_id)
        )
        moved += result.rowcount
    return moved
