"""统计: volumes, on-time rates, durations, returns, overdue phases and outside-line overrides per
township, unit or person, read from the frozen transition history (never from live state, so a
figure for a past month never changes). Published monthly as events: ``cadre.monthly_summary``
(assessment shows it beside the indicators) and ``township.workload`` (personnel's quota model).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import outbox
from servicekit import visibility as vis
from servicekit.calendar import SHANGHAI
from servicekit.errors import BadInput, Forbidden
from servicekit.pagination import decode_key, make_page, page_size
from servicekit.principal import Principal, Role

from . import events, policy
from .models import Callback, EventTransition, GridEvent, StationedCadre, SummaryRun, TeamVisit

GROUPS = {"TOWNSHIP": EventTransition.township_id, "UNIT": EventTransition.unit_id, "CADRE": EventTransition.cadre_id}
MAX_SPAN = dt.timedelta(days=366)


@dataclass(frozen=True)
class Row:
    key: uuid.UUID
    dispatched: int
    signed: int
    signed_on_time: int
    handled: int
    handled_on_time: int
    closed: int
    returned: int
    verify_failed: int
    overdue_phases: int
    outside_line: int
    avg_sign_hours: float | None
    avg_handle_hours: float | None
    callbacks: int
    satisfied: int

    @property
    def on_time_rate(self) -> float | None:
        done = self.signed + self.handled
        return round((self.signed_on_time + self.handled_on_time) / done, 4) if done else None


def transition_visibility(principal: Principal):
    """Which history rows a user's statistics may count (same reach as the event lists)."""
    if principal.is_service:
        raise Forbidden("服务客户端无权查看统计")
    t = EventTransition
    return vis.scoped(
        principal,
        {
            (Role.TOWNSHIP_ADMIN, Role.COMMAND_CENTRE): lambda ids: t.township_id.in_(ids),
            Role.DEPARTMENT_ADMIN: [
                lambda ids: t.unit_id.in_(policy.department_units(ids)),
                lambda ids: t.cadre_id.in_(policy.department_cadres(ids)),
            ],
            Role.AGENCY_HEAD: lambda ids: t.unit_id.in_(ids),
            Role.CADRE: lambda ids: t.cadre_id.in_(ids),
        },
        denied="无权查看统计",
    )


def _count(cond) -> object:
    return func.count().filter(cond)


async def compute(
    session: AsyncSession,
    *,
    group_by: str,
    start: dt.datetime,
    end: dt.datetime,
    condition=None,
    keys: list[uuid.UUID] | None = None,
    after: uuid.UUID | None = None,
    limit: int | None = None,
) -> list[Row]:
    """Two statements whatever the number of groups: the history aggregate and the call-backs.
    Groups come in key order, so ``after``/``limit`` page through them."""
    if group_by not in GROUPS:
        raise BadInput(f"分组须为 {', '.join(GROUPS)}")
    # A time without a zone is a county (Asia/Shanghai) time.
    start, end = (t if t.tzinfo else t.replace(tzinfo=SHANGHAI) for t in (start, end))
    if not start < end or end - start > MAX_SPAN:
        raise BadInput("统计区间须在一年以内且开始早于结束")
    key = GROUPS[group_by]
    t = EventTransition
    on_time = t.overdue.is_(False)
    stmt = (
        select(
            key,
            # A person also receives tasks their unit head assigns; a unit or township only by dispatch.
            _count(t.action.in_(("dispatch", "assign") if group_by == "CADRE" else ("dispatch",))),
            _count(t.action == "sign"),
            _count((t.action == "sign") & on_time),
            _count(t.action == "feedback"),
            _count((t.action == "feedback") & on_time),
            _count(t.action == "verify_pass"),
            _count(t.action == "return"),
            _count(t.action == "verify_fail"),
            _count(t.overdue.is_(True)),
            _count(t.outside_line.is_(True)),
            func.avg(t.elapsed_seconds).filter(t.action == "sign") / 3600,
            func.avg(t.elapsed_seconds).filter(t.action == "feedback") / 3600,
        )
        .where(t.at >= start, t.at < end, key.is_not(None))
        .group_by(key)
        .order_by(key)
    )
    if condition is not None:
        stmt = stmt.where(condition)
    if keys is not None:
        stmt = stmt.where(key.in_(keys))
    if after is not None:
        stmt = stmt.where(key > after)
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = (await session.execute(stmt)).all()
    # Call-backs belong to the unit and person who closed the event.
    closer = {"TOWNSHIP": GridEvent.township_id, "UNIT": GridEvent.lead_unit_id, "CADRE": GridEvent.assignee_cadre_id}[
        group_by
    ]
    cb = (
        select(closer, func.count(), func.count().filter(Callback.satisfaction.in_(("SATISFIED", "BASIC"))))
        .join(GridEvent, GridEvent.id == Callback.event_id)
        .where(Callback.at >= start, Callback.at < end, Callback.reached.is_(True), closer.in_([r[0] for r in rows]))
        .group_by(closer)
    )
    callbacks = {k: (n, s) for k, n, s in (await session.execute(cb)).all()} if rows else {}
    return [Row(r[0], *r[1:11], _hours(r[11]), _hours(r[12]), *callbacks.get(r[0], (0, 0))) for r in rows]


def _hours(v) -> float | None:
    return None if v is None else round(float(v), 2)


async def statistics(
    session: AsyncSession,
    principal: Principal,
    *,
    group_by: str,
    start: dt.datetime,
    end: dt.datetime,
    township_id: uuid.UUID | None = None,
    first: int | None = None,
    after: str | None = None,
):
    """A page of groups (keyset on the group's id) within the reader's reach."""
    cond = transition_visibility(principal)
    if township_id is not None:
        own = EventTransition.township_id == township_id
        cond = own if cond is None else cond & own
    size = page_size(first)
    key = decode_key(after, uuid.UUID)
    rows = await compute(
        session, group_by=group_by, start=start, end=end, condition=cond, after=key[0] if key else None, limit=size + 1
    )
    return make_page(rows, size, lambda r: (str(r.key),))


# ---- monthly publication ---------------------------------------------------------------------


def month_bounds(period: str) -> tuple[dt.datetime, dt.datetime]:
    try:
        year, month = (int(x) for x in period.split("-"))
        start = dt.datetime(year, month, 1, tzinfo=SHANGHAI)
    except ValueError as exc:
        raise BadInput("期间格式须为 YYYY-MM") from exc
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=SHANGHAI)
    return start, end


def previous_month(now: dt.datetime) -> str:
    first = now.astimezone(SHANGHAI).date().replace(day=1)
    return (first - dt.timedelta(days=1)).strftime("%Y-%m")


MAX_CATCH_UP = 12


def months_between(last: str, target: str) -> list[str]:
    """The months after ``last`` up to and including ``target`` (YYYY-MM), at most a year of them."""
    y, m = (int(x) for x in last.split("-"))
    out: list[str] = []
    while len(out) < MAX_CATCH_UP:
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        period = f"{y:04d}-{m:02d}"
        if period > target:
            break
        out.append(period)
    return out


async def due_months(session: AsyncSession, now: dt.datetime) -> list[str]:
    """Every completed month not yet published: a worker that was down over a month's end catches
    up; the very first run publishes the month just ended."""
    target = previous_month(now)
    last = await session.scalar(select(func.max(SummaryRun.period)))
    return [target] if last is None else months_between(last, target)


async def publish_month(session: AsyncSession, period: str) -> bool:
    """Publish ``period``'s summaries once: the first replica to claim the month does it, in the
    same transaction as the claim (a crash publishes nothing and the next tick retries)."""
    claimed = (
        await session.execute(
            insert(SummaryRun)
            .values(period=period, cadres=0, townships=0)
            .on_conflict_do_nothing()
            .returning(SummaryRun.period)
        )
    ).first()
    if claimed is None:
        return False
    start, end = month_bounds(period)
    cadres = await compute(session, group_by="CADRE", start=start, end=end)
    visits = dict(
        (
            await session.execute(
                select(func.unnest(TeamVisit.cadre_ids).label("c"), func.count())
                .where(TeamVisit.visited_on >= start.date(), TeamVisit.visited_on < end.date())
                .group_by("c")
            )
        ).all()
    )
    active = {r.key for r in cadres} | set(visits)
    by_id = {r.key: r for r in cadres}
    for cadre_id in sorted(active):
        r = by_id.get(cadre_id)
        await outbox.emit(
            session,
            events.CADRE_MONTHLY_SUMMARY,
            aggregate_type="Cadre",
            aggregate_id=cadre_id,
            payload={
                "cadre_id": str(cadre_id),
                "period": period,
                "team_visits": visits.get(cadre_id, 0),
                **(_figures(r) if r else _figures(None)),
            },
        )
    reported = (
        await session.execute(
            select(
                GridEvent.township_id, func.count(), cast(func.count().filter(GridEvent.priority == "URGENT"), Integer)
            )
            .where(GridEvent.reported_at >= start, GridEvent.reported_at < end)
            .group_by(GridEvent.township_id)
        )
    ).all()
    strength = dict(
        (
            await session.execute(
                select(StationedCadre.township_id, func.count())
                .where(StationedCadre.status == "IN_POST")
                .group_by(StationedCadre.township_id)
            )
        ).all()
    )
    for township_id, n, urgent in reported:
        await outbox.emit(
            session,
            events.TOWNSHIP_WORKLOAD,
            aggregate_type="Township",
            aggregate_id=township_id,
            payload={
                "township_id": str(township_id),
                "period": period,
                "events": n,
                "urgent": urgent,
                "stationed": strength.get(township_id, 0),
                "per_cadre": round(n / strength[township_id], 2) if strength.get(township_id) else None,
            },
        )
    run = await session.get(SummaryRun, period)
    run.cadres, run.townships = len(active), len(reported)
    return True


def _figures(r: Row | None) -> dict:
    if r is None:
        return {
            "dispatched": 0,
            "closed": 0,
            "returned": 0,
            "overdue_phases": 0,
            "outside_line": 0,
            "timed_steps": 0,
            "on_time_steps": 0,
            "on_time_rate": None,
            "avg_handle_hours": None,
            "satisfied": 0,
            "callbacks": 0,
        }
    # Counts as well as the rate, so a consumer can add months up.
    return {
        "dispatched": r.dispatched,
        "closed": r.closed,
        "returned": r.returned,
        "overdue_phases": r.overdue_phases,
        "outside_line": r.outside_line,
        "timed_steps": r.signed + r.handled,
        "on_time_steps": r.signed_on_time + r.handled_on_time,
        "on_time_rate": r.on_time_rate,
        "avg_handle_hours": r.avg_handle_hours,
        "satisfied": r.satisfied,
        "callbacks": r.callbacks,
    }
