"""Reminder notices (提醒告知单) and the vacancy forecast: the closed loop of quota set →
vacancy filled → follow-up → accountability (员额核定、缺额补员、跟进督查、责任追究).

Rules (``extensions.rule``): ``NO_VACANCIES`` (nothing to remind about), ``DEADLINE_IN_PAST``,
``NOTICE_CLOSED`` (a closed notice takes no new plan).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import Integer, case, cast, func, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import audit, db, outbox
from servicekit.errors import BadInput, Forbidden, RuleViolation
from servicekit.pagination import Page, decode_key, make_page, page_size
from servicekit.principal import Principal, Role

from . import events, vacancies
from .calendar import today
from .models import Adjustment, Cadre, ReminderBatch, ReminderNotice

OPEN = ("OPEN", "ANSWERED")
# Statutory retirement ages used by the forecast; set per county policy.
RETIREMENT_AGE = {"MALE": 60, "FEMALE": 55}


async def _department_vacancies(session: AsyncSession) -> dict[uuid.UUID, int]:
    return {s.key: s.vacancy for s in await vacancies.summary(session, "department")}


async def issue(
    session: AsyncSession,
    principal: Principal,
    *,
    deadline: dt.date,
    note: str | None,
    department_ids: list[uuid.UUID] | None = None,
) -> tuple[ReminderBatch, list[ReminderNotice]]:
    if principal.is_service or not principal.has_role(Role.STAFFING_OFFICE):
        raise Forbidden("提醒告知单由编办发出")
    if deadline < today():
        raise RuleViolation("DEADLINE_IN_PAST", "补员期限不能早于今天")
    gaps = await _department_vacancies(session)
    chosen = {d: n for d, n in gaps.items() if n > 0 and (department_ids is None or d in department_ids)}
    if not chosen:
        raise RuleViolation("NO_VACANCIES", "所选部门均已按员额配齐，无需提醒")
    batch = ReminderBatch(issued_by=principal.subject, deadline=deadline, note=note)
    session.add(batch)
    await session.flush()
    notices = [
        ReminderNotice(batch_id=batch.id, department_id=d, vacancies_at_issue=n) for d, n in sorted(chosen.items())
    ]
    session.add_all(notices)
    await session.flush()
    for n in notices:
        await outbox.emit(
            session,
            events.REMINDER_ISSUED,
            aggregate_type="ReminderNotice",
            aggregate_id=n.id,
            payload={
                "department_id": str(n.department_id),
                "vacancies": n.vacancies_at_issue,
                "deadline": deadline.isoformat(),
            },
        )
    await audit.record(
        session,
        actor=principal,
        action="reminder.issue",
        entity_type="ReminderBatch",
        entity_id=batch.id,
        after={"deadline": deadline.isoformat(), "departments": {str(k): v for k, v in chosen.items()}},
        reason=note,
    )
    return batch, notices


async def answer(session: AsyncSession, principal: Principal, *, notice_id: uuid.UUID, plan: str) -> ReminderNotice:
    notice = await db.get_for_update(session, ReminderNotice, notice_id, missing="提醒告知单不存在")
    if principal.is_service or not principal.has_role(Role.DEPARTMENT_ADMIN, str(notice.department_id)):
        raise Forbidden("只有被提醒的部门可以答复")
    if notice.status == "CLOSED":
        raise RuleViolation("NOTICE_CLOSED", "该告知单已办结")
    if not plan.strip():
        raise BadInput("请填写补员计划")
    before = {"status": notice.status, "plan": notice.plan}
    notice.status, notice.plan, notice.planned_by, notice.planned_at = (
        "ANSWERED",
        plan.strip(),
        principal.subject,
        dt.datetime.now(dt.timezone.utc),
    )
    await audit.record(
        session,
        actor=principal,
        action="reminder.answer",
        entity_type="ReminderNotice",
        entity_id=notice.id,
        before=before,
        after={"status": notice.status, "plan": notice.plan},
    )
    await outbox.emit(
        session,
        events.REMINDER_ANSWERED,
        aggregate_type="ReminderNotice",
        aggregate_id=notice.id,
        payload=_notice_payload(notice),
    )
    return notice


def _notice_payload(notice: ReminderNotice) -> dict:
    return {
        "department_id": str(notice.department_id),
        "vacancies": notice.vacancies_at_issue,
        "replenished": notice.replenished,
        "status": notice.status,
    }


async def refresh(session: AsyncSession, department_ids: set[uuid.UUID]) -> None:
    """After the roster or the ledger changed: count replenishment, close notices whose places are filled."""
    if not department_ids:
        return
    notices = (
        await session.scalars(
            select(ReminderNotice)
            .where(ReminderNotice.department_id.in_(department_ids), ReminderNotice.status.in_(OPEN))
            .with_for_update()
        )
    ).all()
    if not notices:
        return
    gaps = await _department_vacancies(session)
    now = dt.datetime.now(dt.timezone.utc)
    for n in notices:
        gap = gaps.get(n.department_id, 0)
        n.replenished = max(n.vacancies_at_issue - gap, 0)
        if gap == 0:
            n.status, n.closed_at = "CLOSED", now
            await audit.record(
                session,
                actor=None,
                action="reminder.close",
                entity_type="ReminderNotice",
                entity_id=n.id,
                after={"replenished": n.replenished},
                reason="places filled",
            )
            await outbox.emit(
                session,
                events.REMINDER_CLOSED,
                aggregate_type="ReminderNotice",
                aggregate_id=n.id,
                payload=_notice_payload(n),
            )


async def list_notices(
    session: AsyncSession,
    principal: Principal,
    *,
    overdue_only: bool = False,
    open_only: bool = False,
    first: int | None = None,
    after: str | None = None,
) -> Page:
    """Pages of (notice, batch), newest batch first."""
    size = page_size(first)
    stmt = (
        select(ReminderNotice, ReminderBatch)
        .join(ReminderBatch, ReminderBatch.id == ReminderNotice.batch_id)
        .order_by(ReminderBatch.issued_at.desc(), ReminderNotice.id.desc())
        .limit(size + 1)
    )
    if key := decode_key(after, dt.datetime, uuid.UUID):
        stmt = stmt.where(tuple_(ReminderBatch.issued_at, ReminderNotice.id) < key)
    county = any(principal.has_role(r) for r in (Role.STAFFING_OFFICE, Role.ORG_DEPARTMENT, Role.LEADERSHIP))
    if principal.is_service:
        raise Forbidden("服务客户端无权查看提醒告知单")
    if not county:
        departments = [uuid.UUID(d) for d in principal.scope_ids(Role.DEPARTMENT_ADMIN)]
        if not departments:
            raise Forbidden("无权查看提醒告知单")
        stmt = stmt.where(ReminderNotice.department_id.in_(departments))
    if open_only or overdue_only:
        stmt = stmt.where(ReminderNotice.status.in_(OPEN))
    if overdue_only:
        # 责任追究: still open after the deadline.
        stmt = stmt.where(ReminderBatch.deadline < today())
    rows = [(n, b) for n, b in (await session.execute(stmt)).all()]
    return make_page(rows, size, lambda r: (r[1].issued_at.isoformat(), str(r[0].id)))


@dataclass(frozen=True)
class ReminderStats:
    batches: int
    notices: int
    closed: int
    overdue: int
    replenished: int


async def statistics(session: AsyncSession) -> ReminderStats:
    batches = await session.scalar(select(func.count()).select_from(ReminderBatch))
    row = (
        await session.execute(
            select(
                func.count(),
                func.count().filter(ReminderNotice.status == "CLOSED"),
                func.count().filter(ReminderNotice.status.in_(OPEN), ReminderBatch.deadline < today()),
                func.coalesce(func.sum(ReminderNotice.replenished), 0),
            )
            .select_from(ReminderNotice)
            .join(ReminderBatch, ReminderBatch.id == ReminderNotice.batch_id)
        )
    ).one()
    return ReminderStats(int(batches), int(row[0]), int(row[1]), int(row[2]), int(row[3]))


@dataclass(frozen=True)
class Forecast:
    department_id: uuid.UUID
    vacancy_now: int
    retirements: int
    approved_outflows: int
    approved_inflows: int
    # Reaching the two-year minimum in the window: they may be rotated out (informational, not counted).
    eligible_to_rotate: int = 0

    @property
    def projected_vacancy(self) -> int:
        return max(self.vacancy_now + self.retirements + self.approved_outflows - self.approved_inflows, 0)


async def forecast(session: AsyncSession, months: int) -> list[Forecast]:
    """Vacancies expected within ``months``: retirements, approved departures and arrivals; and who
    reaches the two-year minimum (tenure end) in the window."""
    if months < 1 or months > 60:
        raise BadInput("预测月数须在 1 到 60 之间")
    start = today()
    horizon = dt.date(start.year + (start.month - 1 + months) // 12, (start.month - 1 + months) % 12 + 1, 1)
    retirement_age = case(
        *[(Cadre.gender == g, a) for g, a in RETIREMENT_AGE.items()], else_=max(RETIREMENT_AGE.values())
    )
    retire_on = func.make_date(
        cast(func.extract("year", Cadre.birth_date), Integer) + retirement_age,
        cast(func.extract("month", Cadre.birth_date), Integer),
        1,
    )
    retiring = dict(
        (
            await session.execute(
                select(Cadre.department_id, func.count())
                .where(Cadre.status.in_(vacancies.OCCUPYING), retire_on < horizon)
                .group_by(Cadre.department_id)
            )
        ).all()
    )
    flows = (
        await session.execute(
            select(
                Adjustment.department_id,
                func.count().filter(Adjustment.kind == "OUT"),
                func.count().filter(Adjustment.kind == "IN"),
            )
            .where(Adjustment.status == "APPROVED", Adjustment.effective_date < horizon)
            .group_by(Adjustment.department_id)
        )
    ).all()
    outs = {r[0]: r[1] for r in flows}
    ins = {r[0]: r[2] for r in flows}
    two_years = Cadre.posted_on + text("interval '2 years'")
    rotating = dict(
        (
            await session.execute(
                select(Cadre.department_id, func.count())
                .where(Cadre.status.in_(vacancies.OCCUPYING), two_years >= start, two_years < horizon)
                .group_by(Cadre.department_id)
            )
        ).all()
    )
    gaps = await _department_vacancies(session)
    return [
        Forecast(d, gaps[d], int(retiring.get(d, 0)), int(outs.get(d, 0)), int(ins.get(d, 0)), int(rotating.get(d, 0)))
        for d in sorted(gaps)
    ]
