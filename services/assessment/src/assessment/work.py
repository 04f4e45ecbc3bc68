"""What the assessment waits for, announced in the transaction of each change so that the
notifications service can put it in the right 待办 (and take it out when it is done).

Each announcement names the parties waited for *now* (``waiting``: a step and a role, with the
township where the role is a township's) — the whole set, not a difference, so a consumer that
replays the feed converges on the same items:

- a department's excellence flow (``assessment.flow_changed``): while scoring, each side that still
  has scores to enter (the department; each township with cadres of the department); then the
  department for its shortlist and round 1 (函告乡镇); then each township that has not reported
  round 2; nobody once round 2 is done;
- a cycle (``assessment.cycle_changed``): 组织部 to publish once every flow is done; during 公示
  every assessed cadre (an information item: their result is on the list, objections until the
  deadline) and 组织部 to approve after the window; nobody once approved;
- an honour nomination (``honour.changed``): 组织部 while NOMINATED;
- a review meeting (``review.meeting_changed``): while OPEN, every participant who scores (the
  county offices, the townships and departments with agencies) and each agency head who reports
  (述职).
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import outbox

from . import events
from .models import OCCUPYING, Cycle, DepartmentFlow, Honour, Member, ReviewMeeting, RosterEntry, TownshipRound


def _step(step: str, role: str, township_id=None) -> dict:
    w = {"step": step, "role": role}
    if township_id is not None:
        w["township_id"] = str(township_id)
    return w


async def flow_waiting(session: AsyncSession, cycle: Cycle, flow: DepartmentFlow) -> list[dict]:
    """Who the department's flow waits for now."""
    if cycle.status != "OPEN":
        return []
    if flow.status == "SCORING":
        missing = (
            await session.execute(
                select(
                    Member.township_id,
                    func.count().filter(Member.township_score.is_(None)),
                    func.count().filter(Member.department_score.is_(None)),
                )
                .where(
                    Member.cycle_id == cycle.id,
                    Member.department_id == flow.department_id,
                    Member.excused.is_(False),
                )
                .group_by(Member.township_id)
                .order_by(Member.township_id)
            )
        ).all()
        waiting = [_step("TOWNSHIP_SCORES", "TOWNSHIP_ADMIN", t) for t, town_missing, _ in missing if town_missing]
        if any(dept_missing for _, _, dept_missing in missing):
            waiting.append(_step("DEPARTMENT_SCORES", "DEPARTMENT_ADMIN"))
        elif cycle.kind == "ANNUAL" and not waiting:
            waiting.append(_step("SHORTLIST", "DEPARTMENT_ADMIN"))
        return waiting
    if flow.status == "SHORTLISTED":
        return [_step("ROUND1", "DEPARTMENT_ADMIN")]
    if flow.status == "ROUND1_SENT":
        towns = await session.scalars(
            select(TownshipRound.township_id)
            .where(
                TownshipRound.cycle_id == cycle.id,
                TownshipRound.department_id == flow.department_id,
                TownshipRound.submitted.is_(False),
            )
            .order_by(TownshipRound.township_id)
        )
        return [_step("ROUND2", "TOWNSHIP_ADMIN", t) for t in towns.all()]
    return []


async def announce_flows(session: AsyncSession, cycle: Cycle, department_ids) -> None:
    """``assessment.flow_changed`` for each of these departments' flows (after the change, in its transaction)."""
    await session.flush()
    flows = (
        await session.scalars(
            select(DepartmentFlow)
            .where(DepartmentFlow.cycle_id == cycle.id, DepartmentFlow.department_id.in_(list(department_ids)))
            .order_by(DepartmentFlow.department_id)
        )
    ).all()
    for flow in flows:
        await outbox.emit(
            session,
            events.FLOW_CHANGED,
            aggregate_type="DepartmentFlow",
            aggregate_id=f"{cycle.id}:{flow.department_id}",
            payload={
                "cycle_id": str(cycle.id),
                "period": cycle.period,
                "department_id": str(flow.department_id),
                "status": flow.status,
                "waiting": await flow_waiting(session, cycle, flow),
            },
        )


async def announce_cycle(session: AsyncSession, cycle: Cycle) -> None:
    """``assessment.cycle_changed``: who the cycle as a whole waits for (组织部; the cadres during 公示)."""
    await session.flush()
    waiting: list[dict] = []
    cadres: list[str] = []
    if cycle.status == "OPEN" and cycle.kind == "ANNUAL":
        unfinished = await session.scalar(
            select(func.count()).where(DepartmentFlow.cycle_id == cycle.id, DepartmentFlow.status != "ROUND2_DONE")
        )
        if not unfinished:
            waiting.append(_step("PUBLISH", "ORG_DEPARTMENT"))
    elif cycle.status == "PUBLISHED":
        waiting.append(_step("APPROVE", "ORG_DEPARTMENT"))
        cadres = [
            str(c)
            for c in (
                await session.scalars(
                    select(Member.cadre_id).where(Member.cycle_id == cycle.id).order_by(Member.cadre_id)
                )
            ).all()
        ]
    deadline = cycle.objection_deadline
    await outbox.emit(
        session,
        events.CYCLE_CHANGED,
        aggregate_type="Cycle",
        aggregate_id=cycle.id,
        payload={
            "cycle_id": str(cycle.id),
            "period": cycle.period,
            "status": cycle.status,
            "objection_deadline": deadline.isoformat() if deadline else None,
            "waiting": waiting,
            # 公示: each assessed cadre is told (their own result and the list; objections until the deadline)
            "cadre_ids": cadres,
        },
    )


async def announce_honour(session: AsyncSession, honour: Honour) -> None:
    await session.flush()
    await outbox.emit(
        session,
        events.HONOUR_CHANGED,
        aggregate_type="Honour",
        aggregate_id=honour.id,
        payload={"status": honour.status, "kind": honour.kind, "year": honour.year},
    )


async def announce_meeting(session: AsyncSession, meeting: ReviewMeeting) -> None:
    """While OPEN: the county offices, each township and department with agencies (they score), and
    each agency head (述职); the meeting's closing closes them all."""
    await session.flush()
    units: list[tuple[uuid.UUID, uuid.UUID, uuid.UUID]] = []
    if meeting.status == "OPEN":  # the agencies with people on the roster (projection from personnel)
        units = (
            await session.execute(
                select(RosterEntry.agency_id, RosterEntry.department_id, RosterEntry.township_id)
                .where(RosterEntry.status.in_(OCCUPYING))
                .distinct()
                .order_by(RosterEntry.agency_id)
            )
        ).all()
    await outbox.emit(
        session,
        events.REVIEW_MEETING_CHANGED,
        aggregate_type="ReviewMeeting",
        aggregate_id=meeting.id,
        payload={
            "status": meeting.status,
            "year": meeting.year,
            "held_on": meeting.held_on.isoformat() if isinstance(meeting.held_on, dt.date) else meeting.held_on,
            "agencies": [str(a) for a, _, _ in units],
            "departments": sorted({str(d) for _, d, _ in units if d}),
            "townships": sorted({str(t) for _, _, t in units if t}),
        },
    )
