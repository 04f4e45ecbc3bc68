"""The demo's annual cycle (``python -m assessment demo-cycle``, run by ``make run`` once the roster
projection has arrived): last year's cycle on the demo roster, scored by each side, through the
excellence flow with default settings, published — so a newcomer finds 公示 open, the 优秀 list of
25% of the assessed, and can object. Deterministic: every score is derived from the cadre's id.
Then this year's 述职评议会 is convened for two weeks ahead, so the county offices, the townships,
the departments and the agency heads each find it in their 待办.

It calls the rule modules as each side's administrator would (the same checks, the same audit
records, actor ``demo-seed``); it is not a shortcut around them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import uuid
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.calendar import today
from servicekit.principal import ROLE_SCOPE, Principal, Role, RoleBinding

from . import cycles, reviews
from .models import Cycle, Member, ReviewMeeting, RosterEntry

OBJECTION_DAYS = 14


def _as(role: Role, scope: uuid.UUID | None = None) -> Principal:
    binding = RoleBinding(role, ROLE_SCOPE[role], str(scope) if scope else None)
    return Principal(
        subject="demo-seed", kind="user", client_id="demo", token_id="demo", bindings=(binding,), scopes=frozenset()
    )


def _score(cadre_id: uuid.UUID, side: str) -> Decimal:
    digest = int(hashlib.sha256(f"{side}:{cadre_id}".encode()).hexdigest()[:8], 16)
    return Decimal(6000 + digest % 3900) / 100  # 60.00 – 98.99


async def _best(session: AsyncSession, cycle_id: uuid.UUID, *where) -> list[Member]:
    stmt = select(Member).where(Member.cycle_id == cycle_id, *where).order_by(Member.total.desc(), Member.cadre_id)
    return list((await session.scalars(stmt)).all())


async def annual_cycle(session: AsyncSession, year: int | None = None) -> dict:
    """Last year's annual cycle, published; skipped if that year already has one."""
    year = year or today().year - 1
    if await session.scalar(select(Cycle.id).where(Cycle.year == year, Cycle.kind == "ANNUAL")):
        return {"skipped": f"{year} already has an annual cycle"}
    org = _as(Role.ORG_DEPARTMENT)
    cycle = await cycles.open_cycle(
        session, org, year=year, township_share=Decimal("0.6"), rounding="FLOOR", ties="EXCLUDE_TIED"
    )
    members = (
        await session.execute(
            select(Member.cadre_id, Member.township_id, Member.department_id).where(Member.cycle_id == cycle.id)
        )
    ).all()
    for side, index, role in (("TOWNSHIP", 1, Role.TOWNSHIP_ADMIN), ("DEPARTMENT", 2, Role.DEPARTMENT_ADMIN)):
        for unit in sorted({m[index] for m in members}):
            mine = [m.cadre_id for m in members if m[index] == unit]
            for start in range(0, len(mine), cycles.MAX_SCORES_PER_CALL):
                items = [
                    cycles.ScoreItem(cadre_id=c, score=_score(c, side))
                    for c in mine[start : start + cycles.MAX_SCORES_PER_CALL]
                ]
                await cycles.set_scores(session, _as(role, unit), cycle_id=cycle.id, side=side, items=items)
    departments = sorted({m.department_id for m in members})
    for d in departments:
        flow = await cycles.make_shortlist(session, _as(Role.DEPARTMENT_ADMIN, d), cycle_id=cycle.id, department_id=d)
        best = await _best(session, cycle.id, Member.department_id == d, Member.shortlisted.is_(True))
        await cycles.submit_round1(
            session,
            _as(Role.DEPARTMENT_ADMIN, d),
            cycle_id=cycle.id,
            department_id=d,
            cadre_ids={m.cadre_id for m in best[: flow.round1_quota]},
        )
    places = await cycles.county_places(session, cycle)
    for t in sorted({m.township_id for m in members}):
        left = await _best(
            session, cycle.id, Member.township_id == t, Member.shortlisted.is_(True), Member.excellent_round.is_(None)
        )
        chosen = left[: places.township.get(t, 0)]
        stationed = {m.department_id for m in members if m.township_id == t}
        picks = {d: {m.cadre_id for m in chosen if m.department_id == d} for d in sorted(stationed)}
        await cycles.submit_township_round2(
            session, _as(Role.TOWNSHIP_ADMIN, t), cycle_id=cycle.id, township_id=t, picks=picks
        )
    await cycles.publish(session, org, cycle_id=cycle.id, objection_days=OBJECTION_DAYS)
    excellent = await session.scalar(
        select(func.count()).where(Member.cycle_id == cycle.id, Member.grade == "EXCELLENT")
    )
    return {"year": year, "assessed": len(members), "excellent": excellent, "places": places.total}


async def review_meeting(session: AsyncSession) -> dict:
    """This year's joint review meeting (双述职), two weeks ahead; skipped if the year has one."""
    year = today().year
    if await session.scalar(select(ReviewMeeting.id).where(ReviewMeeting.year == year)):
        return {"skipped": f"{year} already has a review meeting"}
    meeting = await reviews.convene(
        session,
        _as(Role.ORG_DEPARTMENT),
        year=year,
        held_on=today() + dt.timedelta(days=14),
        title=f"{year} 年度派驻机构负责人述职评议会",
    )
    return {"convened": str(meeting.id), "held_on": meeting.held_on.isoformat()}


async def wait_for_roster(session_factory, timeout: float = 90.0, quiet: float = 2.0) -> int:
    """The roster projection grows as the feed is followed: wait until it is there and still."""
    loop = asyncio.get_running_loop()
    deadline, last, since = loop.time() + timeout, -1, loop.time()
    while loop.time() < deadline:
        async with session_factory() as session:
            n = await session.scalar(select(func.count()).select_from(RosterEntry))
        if n != last:
            last, since = n, loop.time()
        elif n and loop.time() - since >= quiet:
            return n
        await asyncio.sleep(0.5)
    raise TimeoutError("the roster projection did not arrive")
