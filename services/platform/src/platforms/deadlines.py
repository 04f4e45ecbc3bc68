"""Deadlines in the database: the county's calendar and SLA policies, the clock each event phase
starts with, the flags frozen when a phase ends, and the worker that raises warnings, overdue
notices and escalations (督办).

The worker keeps no state of its own: every event with a running clock carries ``next_check_at``;
a sweep locks the due rows (``FOR UPDATE SKIP LOCKED``, so replicas share the work), raises what
is due and moves ``next_check_at`` on, in one transaction. A worker that was down catches up on
its next sweep; an alert is raised once (unique per event, phase start, kind and level).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
import uuid
from decimal import Decimal

from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy import delete, func, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from servicekit import audit, outbox
from servicekit.errors import BadInput, Forbidden
from servicekit.pagination import decode_key, make_page, page_size
from servicekit.principal import Principal

from . import events, policy, sla
from . import lifecycle as lc
from .models import CalendarDay, EventAlert, EventTransition, GridEvent, MatterType, SlaPolicy

log = logging.getLogger(__name__)

MAX_LIMIT = {sla.HOURS: 24 * 30, sla.WORKING_DAYS: 60}
CALENDAR_HORIZON = dt.timedelta(days=400)


# ---- settings (county-wide) ------------------------------------------------------------------


async def policy_for(session: AsyncSession, matter_type: str, priority: str) -> sla.Policy:
    """The matter type's own policy for the priority, else the county default for the priority."""
    row = await session.scalar(
        select(SlaPolicy)
        .where(SlaPolicy.priority == priority, (SlaPolicy.matter_type == matter_type) | SlaPolicy.matter_type.is_(None))
        .order_by(SlaPolicy.matter_type.is_(None))
        .limit(1)
    )
    if row is None:
        raise BadInput(f"没有优先级 {priority} 的办理时限")
    return sla.Policy(
        sign=sla.Limit(row.sign_limit, row.sign_unit),
        handle=sla.Limit(row.handle_limit, row.handle_unit),
        verify=sla.Limit(row.verify_limit, row.verify_unit),
        warn_share=row.warn_share,
        escalate_share=row.escalate_share,
    )


async def calendar_from(session: AsyncSession, start: dt.datetime) -> sla.WorkCalendar:
    first = start.astimezone(sla.SHANGHAI).date() - dt.timedelta(days=1)
    rows = (
        await session.execute(
            select(CalendarDay.day, CalendarDay.working).where(
                CalendarDay.day >= first, CalendarDay.day < first + CALENDAR_HORIZON
            )
        )
    ).all()
    return sla.WorkCalendar(dict(rows))


async def set_policy(
    session: AsyncSession,
    principal: Principal,
    *,
    matter_type: str | None,
    priority: str,
    limits: dict[str, sla.Limit],
    warn_share: Decimal,
    escalate_share: Decimal,
) -> SlaPolicy:
    policy.require_county_settings(principal)
    if priority not in lc.PRIORITIES:
        raise BadInput(f"优先级须为 {', '.join(lc.PRIORITIES)}")
    if matter_type is not None and await session.get(MatterType, matter_type) is None:
        raise BadInput("事项类型不存在")
    for phase, limit in limits.items():
        if limit.unit not in sla.UNITS or not 0 < limit.amount <= MAX_LIMIT[limit.unit]:
            raise BadInput(f"{phase} 时限须为 1–{MAX_LIMIT.get(limit.unit, 60)} {limit.unit}")
    if not (0 < warn_share < 1 and 1 < escalate_share <= 5):
        raise BadInput("预警比例须在 0 与 1 之间，升级督办比例须在 1 与 5 之间")
    values = {
        "sign_limit": limits["sign"].amount,
        "sign_unit": limits["sign"].unit,
        "handle_limit": limits["handle"].amount,
        "handle_unit": limits["handle"].unit,
        "verify_limit": limits["verify"].amount,
        "verify_unit": limits["verify"].unit,
        "warn_share": warn_share,
        "escalate_share": escalate_share,
    }
    row = await session.scalar(
        select(SlaPolicy).where(
            SlaPolicy.priority == priority,
            SlaPolicy.matter_type.is_(None) if matter_type is None else SlaPolicy.matter_type == matter_type,
        )
    )
    before = None
    if row is None:
        row = SlaPolicy(matter_type=matter_type, priority=priority, **values)
        session.add(row)
    else:
        before = {k: str(getattr(row, k)) for k in values}
        for k, v in values.items():
            setattr(row, k, v)
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="sla.set",
        entity_type="SlaPolicy",
        entity_id=row.id,
        before=before,
        after={k: str(v) for k, v in values.items()},
        reason=f"{matter_type or '*'}/{priority}",
    )
    return row


async def set_calendar(
    session: AsyncSession, principal: Principal, *, days: list[tuple[dt.date, bool, str | None]], clear: list[dt.date]
) -> None:
    """Public holidays (working=false) and swapped working days (working=true); ``clear`` returns a
    day to the Monday–Friday default. Running deadlines keep the times they started with."""
    policy.require_county_settings(principal)
    if len({d for d, _, _ in days} | set(clear)) != len(days) + len(clear):
        raise BadInput("日期重复")
    if clear:
        await session.execute(delete(CalendarDay).where(CalendarDay.day.in_(clear)))
    for day, working, note in days:
        stmt = insert(CalendarDay).values(day=day, working=working, note=note)
        await session.execute(
            stmt.on_conflict_do_update(index_elements=[CalendarDay.day], set_={"working": working, "note": note})
        )
    await audit.record(
        session,
        actor=principal,
        action="calendar.set",
        entity_type="Calendar",
        entity_id="county",
        after={"days": {d.isoformat(): w for d, w, _ in days}, "clear": [d.isoformat() for d in clear]},
    )


# ---- clocks ----------------------------------------------------------------------------------


def frozen(event: GridEvent, now: dt.datetime) -> dict:
    """The phase that ends now, as it stood: kept on the transition so statistics never move."""
    if event.phase is None or event.due_at is None:
        return {}
    return {
        "phase": event.phase,
        "phase_due_at": event.due_at,
        "overdue": now > event.due_at,
        "elapsed_seconds": int((now - event.phase_started_at).total_seconds()),
    }


async def enter(session: AsyncSession, event: GridEvent, target: str, now: dt.datetime) -> dict:
    """Move the event's clock into ``target``'s phase; returns the frozen record of the phase that
    ended (empty when the same phase continues, e.g. signed → in progress)."""
    phase = lc.PHASE_OF.get(target)
    if phase == event.phase:
        return {}
    ended = frozen(event, now)
    if phase is None:
        event.phase = event.phase_started_at = event.warn_at = event.due_at = event.escalate_at = None
        event.next_check_at = None
    else:
        c = sla.clock(
            await policy_for(session, event.matter_type, event.priority), await calendar_from(session, now), phase, now
        )
        event.phase, event.phase_started_at = phase, now
        event.warn_at, event.due_at, event.escalate_at = c.warn_at, c.due_at, c.escalate_at
        event.next_check_at = c.warn_at
    event.warned, event.overdue, event.escalation_level = False, False, 0
    return ended


def clock_of(event: GridEvent) -> sla.Clock:
    return sla.Clock(
        phase=event.phase,
        started_at=event.phase_started_at,
        warn_at=event.warn_at,
        due_at=event.due_at,
        escalate_at=event.escalate_at,
    )


async def sweep(session: AsyncSession, now: dt.datetime, *, batch: int = 200) -> int:
    """Raise every alert due by ``now`` on up to ``batch`` events; returns the number raised."""
    due = (
        await session.scalars(
            select(GridEvent)
            .where(GridEvent.next_check_at <= now)
            .order_by(GridEvent.next_check_at)
            .limit(batch)
            .with_for_update(skip_locked=True)
        )
    ).all()
    raised = 0
    for event in due:
        c = clock_of(event)
        for alert in sla.due_alerts(
            c, warned=event.warned, overdue=event.overdue, level=event.escalation_level, now=now
        ):
            stmt = (
                insert(EventAlert)
                .values(
                    event_id=event.id,
                    township_id=event.township_id,
                    phase=c.phase,
                    phase_started_at=c.started_at,
                    kind=alert.kind,
                    level=alert.level,
                    due_at=c.due_at,
                    raised_at=now,
                )
                .on_conflict_do_nothing()
            )
            if (await session.execute(stmt.returning(EventAlert.id))).first() is None:
                continue
            raised += 1
            if alert.kind == "WARNING":
                event.warned = True
            elif alert.kind == "OVERDUE":
                event.warned = event.overdue = True
                event.escalation_level = max(event.escalation_level, 1)
            else:
                event.warned = event.overdue = True
                event.escalation_level = 2
            await outbox.emit(
                session,
                events.event_alert(alert.kind),
                aggregate_type="GridEvent",
                aggregate_id=event.id,
                payload={
                    "township_id": str(event.township_id),
                    "phase": c.phase,
                    "level": alert.level,
                    "due_at": c.due_at.isoformat(),
                    "assignee_cadre_id": str(event.assignee_cadre_id) if event.assignee_cadre_id else None,
                    "lead_unit_id": str(event.lead_unit_id) if event.lead_unit_id else None,
                },
            )
        # The flags follow the clock even where an alert row already existed.
        event.warned = event.warned or now >= c.warn_at
        event.overdue = event.overdue or now >= c.due_at
        if now >= c.escalate_at:
            event.escalation_level = 2
        elif event.overdue:
            event.escalation_level = max(event.escalation_level, 1)
        event.next_check_at = c.next_check(event.warned, event.overdue, event.escalation_level)
    await session.flush()
    return raised


COUNT_EVERY_SECONDS = 60.0
OPEN_BOARD_STATES = (
    lc.REPORTED,
    lc.ACCEPTED,
    lc.DISPATCHED,
    lc.RETURNED,
    lc.SIGNED,
    lc.IN_PROGRESS,
    lc.FEEDBACK,
    lc.REOPENED,
)


class DeadlineWorker:
    """Runs beside the feed consumers (``RUN_CONSUMERS``): sweeps deadlines and, once a month,
    publishes the previous month's statistics (``stats.publish_month``)."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], *, interval: float = 5.0, registry=None):
        self.sessionmaker, self.interval = sessionmaker, interval
        self.alerts = self.sweeps = self.open_events = self.overdue_events = None
        self._counted_at = 0.0
        if registry is not None:
            self.open_events = Gauge(
                "grid_events_open", "Events not yet closed, by state", ["state"], registry=registry
            )
            self.overdue_events = Gauge(
                "grid_events_overdue", "Events whose current phase is overdue", registry=registry
            )
            self.alerts = Counter(
                "deadline_alerts_total", "Warnings, overdue notices and escalations raised", registry=registry
            )
            self.sweeps = Histogram(
                "deadline_sweep_seconds", "One deadline sweep with the monthly check", registry=registry
            )

    async def tick(self, now: dt.datetime | None = None) -> int:
        from . import stats

        started = time.perf_counter()
        now = now or dt.datetime.now(dt.timezone.utc)
        raised = 0
        while True:
            async with self.sessionmaker() as session, session.begin():
                n = await sweep(session, now)
            raised += n
            if n == 0:
                break
        async with self.sessionmaker() as session:
            due = await stats.due_months(session, now)
        for period in due:  # one transaction per month: a failure keeps the months before it
            async with self.sessionmaker() as session, session.begin():
                await stats.publish_month(session, period)
        if self.sweeps is not None:
            self.sweeps.observe(time.perf_counter() - started)
            self.alerts.inc(raised)
            if time.monotonic() - self._counted_at > COUNT_EVERY_SECONDS:
                await self._count_events()
        return raised

    async def _count_events(self) -> None:
        """The dashboard's events by state and overdue count, once a minute (indexed counts of the
        open states only: closed events grow for ever and are not on anyone's board)."""
        async with self.sessionmaker() as session:
            rows = dict(
                (
                    await session.execute(
                        select(GridEvent.state, func.count())
                        .where(GridEvent.state.in_(OPEN_BOARD_STATES))
                        .group_by(GridEvent.state)
                    )
                ).all()
            )
            overdue = await session.scalar(
                select(func.count()).select_from(GridEvent).where(GridEvent.overdue.is_(True))
            )
        for state in OPEN_BOARD_STATES:
            self.open_events.labels(state).set(rows.get(state, 0))
        self.overdue_events.set(overdue or 0)
        self._counted_at = time.monotonic()

    async def run(self, stop: asyncio.Event | None = None) -> None:
        stop = stop or asyncio.Event()
        while not stop.is_set():
            try:
                await self.tick()
            except Exception:  # the next tick retries; a bad row must not stop every deadline
                log.exception("deadline sweep failed")
            try:
                await asyncio.wait_for(stop.wait(), timeout=self.interval)
            except asyncio.TimeoutError:
                pass


def transition_row(
    event: GridEvent,
    action: str,
    source: str,
    target: str,
    actor: str,
    reason: str | None,
    now: dt.datetime,
    ended: dict,
) -> EventTransition:
    return EventTransition(
        event_id=event.id,
        action=action,
        source=source,
        target=target,
        actor=actor,
        reason=reason,
        at=now,
        township_id=event.township_id,
        unit_id=event.lead_unit_id,
        cadre_id=event.assignee_cadre_id,
        outside_line=event.outside_line_reason is not None and action in ("dispatch", "assign"),
        **ended,
    )


async def list_alerts(
    session: AsyncSession,
    principal: Principal,
    *,
    township_id: uuid.UUID | None,
    min_level: int,
    first: int | None,
    after: str | None,
):
    """督办 list: the warnings, overdue notices and escalations of the townships a user runs (the
    county reads all), newest first."""
    size = page_size(first)
    stmt = (
        select(EventAlert)
        .where(EventAlert.level >= min_level)
        .order_by(EventAlert.raised_at.desc(), EventAlert.id.desc())
        .limit(size + 1)
    )
    scope = policy.township_scope(principal)
    if scope == []:
        raise Forbidden("督办清单由乡镇(街道)和县级查看; 部门在任务清单中查看超时任务")
    if scope is not None:
        stmt = stmt.where(EventAlert.township_id.in_(scope))
    if township_id is not None:
        stmt = stmt.where(EventAlert.township_id == township_id)
    if key := decode_key(after, dt.datetime, int):
        stmt = stmt.where(tuple_(EventAlert.raised_at, EventAlert.id) < key)
    return make_page((await session.scalars(stmt)).all(), size, lambda a: (a.raised_at.isoformat(), a.id))


MAX_CALENDAR_DAYS = 400


async def list_policies(session: AsyncSession) -> list[SlaPolicy]:
    """The county's time limits: the defaults (no matter type) first, then per matter and priority."""
    stmt = select(SlaPolicy).order_by(SlaPolicy.matter_type.nullsfirst(), SlaPolicy.priority)
    return list((await session.scalars(stmt)).all())


async def calendar_exceptions(session: AsyncSession, start: dt.date, end: dt.date) -> list[CalendarDay]:
    """The working-day calendar's exceptions (holidays, working weekends) in ``[start, end]``."""
    if not start <= end or (end - start).days > MAX_CALENDAR_DAYS:
        raise BadInput(f"区间须在 {MAX_CALENDAR_DAYS} 天以内")
    stmt = select(CalendarDay).where(CalendarDay.day >= start, CalendarDay.day <= end).order_by(CalendarDay.day)
    return list((await session.scalars(stmt)).all())
