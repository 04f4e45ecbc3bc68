"""Honours (枫桥式派驻中队, 优秀派驻干部) and dual reports (双报告).

Rules: ``HONOUR_NEEDS_EXCELLENT_RESULT`` (an excellent-cadre honour follows an approved EXCELLENT
result of that year), ``HONOUR_EXISTS``, ``HONOUR_DECIDED``, ``RESULTS_NOT_APPROVED`` (excellent
results become honour nominations only once the organisation department approved the cycle).
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import audit, db, visibility
from servicekit.errors import BadInput, Forbidden, NotFound, RuleViolation
from servicekit.pagination import decode_key, make_page, page_size
from servicekit.principal import Principal, Role

from . import work
from .models import AgencyReport, Cycle, Honour, Member, RosterEntry

REPORT_KINDS = ("PLAN", "PROGRESS", "MAJOR_ISSUE")


async def unit_of(session: AsyncSession, *, agency_id: uuid.UUID | None = None, cadre_id: uuid.UUID | None = None):
    """(department, township) of an agency or a cadre, from the roster projection."""
    stmt = select(RosterEntry.department_id, RosterEntry.township_id)
    stmt = stmt.where(RosterEntry.agency_id == agency_id) if agency_id else stmt.where(RosterEntry.cadre_id == cadre_id)
    row = (await session.execute(stmt.limit(1))).first()
    if row is None:
        raise NotFound("派驻机构或人员不存在")
    return row


async def nominate(
    session: AsyncSession, principal: Principal, *, kind: str, year: int, subject_id: uuid.UUID, reasons: str
) -> Honour:
    if kind not in ("MODEL_SQUAD", "EXCELLENT_CADRE"):
        raise BadInput("荣誉类型须为 MODEL_SQUAD 或 EXCELLENT_CADRE")
    department, township = await unit_of(
        session, **({"agency_id": subject_id} if kind == "MODEL_SQUAD" else {"cadre_id": subject_id})
    )
    if principal.is_service or not (
        principal.has_role(Role.DEPARTMENT_ADMIN, str(department))
        or principal.has_role(Role.TOWNSHIP_ADMIN, str(township))
    ):
        raise Forbidden("由派驻部门或所在乡镇(街道)推荐")
    if not reasons.strip():
        raise BadInput("请写明推荐事迹")
    if kind == "EXCELLENT_CADRE":
        excellent = await session.scalar(
            select(Member.cadre_id)
            .join(Cycle, Cycle.id == Member.cycle_id)
            .where(
                Cycle.year == year,
                Cycle.status == "APPROVED",
                Member.cadre_id == subject_id,
                Member.grade == "EXCELLENT",
            )
        )
        if excellent is None:
            raise RuleViolation("HONOUR_NEEDS_EXCELLENT_RESULT", "须为当年经审定的优秀等次")
    if await session.scalar(
        select(Honour.id).where(Honour.kind == kind, Honour.subject_id == subject_id, Honour.year == year)
    ):
        raise RuleViolation("HONOUR_EXISTS", "已推荐")
    honour = Honour(
        kind=kind, year=year, subject_id=subject_id, reasons=reasons.strip(), nominated_by=principal.subject
    )
    session.add(honour)
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="honour.nominate",
        entity_type="Honour",
        entity_id=honour.id,
        after={"kind": kind, "year": year, "subject": str(subject_id)},
        reason=reasons,
    )
    await work.announce_honour(session, honour)
    return honour


async def nominate_excellent(session: AsyncSession, principal: Principal, *, cycle_id: uuid.UUID) -> list[Honour]:
    """Turn a year's approved EXCELLENT results into excellent-cadre nominations in one step: a
    department for its own cadres, a township for those it assessed; people already nominated for
    that year are skipped. The organisation department then decides each as usual."""
    if principal.is_service:
        raise Forbidden("服务客户端不能推荐")
    mine = visibility.scoped(
        principal,
        {
            Role.DEPARTMENT_ADMIN: lambda ids: Member.department_id.in_(ids),
            Role.TOWNSHIP_ADMIN: lambda ids: Member.township_id.in_(ids),
        },
        denied="由派驻部门或所在乡镇(街道)推荐",
        county=(),
    )
    cycle = await session.get(Cycle, cycle_id)
    if cycle is None:
        raise NotFound("考核周期不存在")
    if cycle.kind != "ANNUAL" or cycle.status != "APPROVED":
        raise RuleViolation("RESULTS_NOT_APPROVED", "年度考核结果经组织部审定后才能转为评优推荐")
    already = select(Honour.subject_id).where(Honour.kind == "EXCELLENT_CADRE", Honour.year == cycle.year)
    excellent = (
        await session.scalars(
            select(Member.cadre_id)
            .where(Member.cycle_id == cycle_id, Member.grade == "EXCELLENT", mine, Member.cadre_id.not_in(already))
            .order_by(Member.cadre_id)
        )
    ).all()
    reasons = f"{cycle.year} 年度考核优秀"
    honours = [
        Honour(kind="EXCELLENT_CADRE", year=cycle.year, subject_id=c, reasons=reasons, nominated_by=principal.subject)
        for c in excellent
    ]
    session.add_all(honours)
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="honour.nominate_excellent",
        entity_type="Cycle",
        entity_id=cycle_id,
        after={"nominated": [str(c) for c in excellent]},
        reason=reasons,
    )
    for honour in honours:
        await work.announce_honour(session, honour)
    return honours


async def decide(session: AsyncSession, principal: Principal, *, honour_id: uuid.UUID, approve: bool) -> Honour:
    if principal.is_service or not principal.has_role(Role.ORG_DEPARTMENT):
        raise Forbidden("由组织部审定")
    honour = await db.get_for_update(session, Honour, honour_id, missing="推荐不存在")
    if honour.status != "NOMINATED":
        raise RuleViolation("HONOUR_DECIDED", "已审定")
    honour.status, honour.decided_by = ("APPROVED" if approve else "DECLINED"), principal.subject
    await audit.record(
        session,
        actor=principal,
        action="honour.decide",
        entity_type="Honour",
        entity_id=honour.id,
        after={"status": honour.status},
    )
    await work.announce_honour(session, honour)
    return honour


async def publicity_list(session: AsyncSession, year: int) -> list[Honour]:
    """The approved honours of a year: public to every user (publicity is the point)."""
    return list(
        (
            await session.scalars(
                select(Honour)
                .where(Honour.year == year, Honour.status == "APPROVED")
                .order_by(Honour.kind, Honour.created_at)
            )
        ).all()
    )


async def file_report(
    session: AsyncSession, principal: Principal, *, agency_id: uuid.UUID, period: str, kind: str, content: str
) -> AgencyReport:
    if principal.is_service or not principal.has_role(Role.AGENCY_HEAD, str(agency_id)):
        raise Forbidden("由派驻机构负责人报告")
    if kind not in REPORT_KINDS:
        raise BadInput(f"报告类型须为 {', '.join(REPORT_KINDS)}")
    if not content.strip() or not period.strip():
        raise BadInput("请填写期间和内容")
    department, township = await unit_of(session, agency_id=agency_id)
    report = AgencyReport(
        agency_id=agency_id,
        department_id=department,
        township_id=township,
        period=period.strip(),
        kind=kind,
        content=content.strip(),
        filed_by=principal.subject,
    )
    session.add(report)
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="report.file",
        entity_type="AgencyReport",
        entity_id=report.id,
        after={"agency": str(agency_id), "period": report.period, "kind": kind},
    )
    return report


async def reports_for(
    session: AsyncSession,
    principal: Principal,
    *,
    agency_id: uuid.UUID | None = None,
    first: int | None = None,
    after: str | None = None,
):
    """Both sides see an agency's reports: its department, its township, the county offices, the head."""
    if principal.is_service:
        raise Forbidden("服务客户端无权查看")
    size = page_size(first)
    stmt = select(AgencyReport).order_by(AgencyReport.filed_at.desc(), AgencyReport.id.desc()).limit(size + 1)
    if key := decode_key(after, dt.datetime, uuid.UUID):
        stmt = stmt.where(tuple_(AgencyReport.filed_at, AgencyReport.id) < key)
    if agency_id:
        stmt = stmt.where(AgencyReport.agency_id == agency_id)
    cond = visibility.scoped(
        principal,
        {
            Role.DEPARTMENT_ADMIN: lambda ids: AgencyReport.department_id.in_(ids),
            Role.TOWNSHIP_ADMIN: lambda ids: AgencyReport.township_id.in_(ids),
            Role.AGENCY_HEAD: lambda ids: AgencyReport.agency_id.in_(ids),
        },
        denied="无权查看",
    )
    if cond is not None:
        stmt = stmt.where(cond)
    return make_page((await session.scalars(stmt)).all(), size, lambda r: (r.filed_at.isoformat(), str(r.id)))
