"""Development (培养选任协同化): yearly training plans, sessions with attendance, mentoring pairs
(青蓝工程), two-way recommendation (双向推荐) and two-way posts (双向任职).

Rules (``extensions.rule``):
- ``ONE_PLAN_PER_YEAR``: one yearly training plan per department (or township) and year.
- ``ATTENDEE_OUT_OF_SCOPE``: a department's session counts its own cadres; a township's session
  the cadres stationed in it.
- ``MENTOR_SAME_DEPARTMENT``: mentor and mentee belong to the same department;
  ``MENTEE_ALREADY_PAIRED``: one mentor each.
- ``DUPLICATE_RECOMMENDATION``: one pending recommendation per cadre, side and target.
- ``MIDDLE_POST_NEEDS_DEPARTMENT_CONSENT``: a township middle post is held only after the department consents.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import audit, db, outbox, visibility
from servicekit.errors import BadInput, Forbidden, NotFound, RuleViolation
from servicekit.principal import Principal, Role

from . import events
from .calendar import today
from .models import (
    Attendance,
    Cadre,
    CareerRecommendation,
    Department,
    MentoringPair,
    MiddlePost,
    TrainingPlan,
    TrainingSession,
)

SESSION_KINDS = ("ROTATION_TRAINING", "CASE_CONSULTATION", "OTHER")


def _owner(principal: Principal, owner_kind: str, owner_id: uuid.UUID) -> None:
    role = {"DEPARTMENT": Role.DEPARTMENT_ADMIN, "TOWNSHIP": Role.TOWNSHIP_ADMIN}.get(owner_kind)
    if role is None:
        raise BadInput("计划归属须为 DEPARTMENT 或 TOWNSHIP")
    if principal.is_service or not principal.has_role(role, str(owner_id)):
        raise Forbidden("只能为本部门或本乡镇(街道)制定培训计划")


async def file_plan(
    session: AsyncSession,
    principal: Principal,
    *,
    owner_kind: str,
    owner_id: uuid.UUID,
    year: int,
    title: str,
    content: str,
) -> TrainingPlan:
    _owner(principal, owner_kind, owner_id)
    if not title.strip() or not content.strip():
        raise BadInput("请填写计划标题和内容")
    if year < 2000 or year > today().year + 1:
        raise BadInput("年度无效")
    if await session.scalar(
        select(TrainingPlan.id).where(
            TrainingPlan.owner_kind == owner_kind, TrainingPlan.owner_id == owner_id, TrainingPlan.year == year
        )
    ):
        raise RuleViolation("ONE_PLAN_PER_YEAR", f"{year} 年度培训计划已报备")
    plan = TrainingPlan(
        owner_kind=owner_kind,
        owner_id=owner_id,
        year=year,
        title=title.strip(),
        content=content.strip(),
        filed_by=principal.subject,
    )
    session.add(plan)
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="training.plan",
        entity_type="TrainingPlan",
        entity_id=plan.id,
        after={"owner": f"{owner_kind}:{owner_id}", "year": year, "title": plan.title},
    )
    return plan


async def record_session(
    session: AsyncSession,
    principal: Principal,
    *,
    plan_id: uuid.UUID,
    kind: str,
    title: str,
    held_on: dt.date,
    attendance: dict[uuid.UUID, bool],
) -> TrainingSession:
    plan = await session.get(TrainingPlan, plan_id)
    if plan is None:
        raise NotFound("培训计划不存在")
    _owner(principal, plan.owner_kind, plan.owner_id)
    if kind not in SESSION_KINDS:
        raise BadInput(f"类型须为 {', '.join(SESSION_KINDS)}")
    if held_on.year != plan.year:
        raise BadInput("培训日期须在计划年度内")
    if not attendance:
        raise BadInput("请登记参训人员")
    column = Cadre.department_id if plan.owner_kind == "DEPARTMENT" else Cadre.township_id
    inside = set(
        (await session.scalars(select(Cadre.id).where(Cadre.id.in_(list(attendance)), column == plan.owner_id))).all()
    )
    if outside := set(attendance) - inside:
        raise RuleViolation(
            "ATTENDEE_OUT_OF_SCOPE",
            "参训人员须为本部门(本乡镇)的派驻干部",
            detail=f"not in scope: {sorted(map(str, outside))}",
        )
    row = TrainingSession(
        plan_id=plan.id, kind=kind, title=title.strip(), held_on=held_on, recorded_by=principal.subject
    )
    session.add(row)
    await session.flush()
    session.add_all([Attendance(session_id=row.id, cadre_id=c, present=p) for c, p in attendance.items()])
    await audit.record(
        session,
        actor=principal,
        action="training.session",
        entity_type="TrainingSession",
        entity_id=row.id,
        after={
            "kind": kind,
            "held_on": held_on.isoformat(),
            "present": sum(attendance.values()),
            "invited": len(attendance),
        },
    )
    return row


async def pair_mentor(
    session: AsyncSession, principal: Principal, *, mentor_id: uuid.UUID, mentee_id: uuid.UUID
) -> MentoringPair:
    mentor, mentee = await session.get(Cadre, mentor_id), await session.get(Cadre, mentee_id)
    if mentor is None or mentee is None:
        raise NotFound("人员不存在")
    if principal.is_service or not principal.has_role(Role.DEPARTMENT_ADMIN, str(mentee.department_id)):
        raise Forbidden("青蓝结对由派驻部门安排")
    if mentor.department_id != mentee.department_id or mentor.id == mentee.id:
        raise RuleViolation("MENTOR_SAME_DEPARTMENT", "师徒须为同一部门的不同人员")
    if await session.scalar(select(MentoringPair.id).where(MentoringPair.mentee_id == mentee_id)):
        raise RuleViolation("MENTEE_ALREADY_PAIRED", "该同志已有师傅")
    pair = MentoringPair(
        department_id=mentee.department_id, mentor_id=mentor_id, mentee_id=mentee_id, started_on=today()
    )
    session.add(pair)
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="mentoring.pair",
        entity_type="MentoringPair",
        entity_id=pair.id,
        after={"mentor": str(mentor_id), "mentee": str(mentee_id)},
    )
    return pair


async def recommend(
    session: AsyncSession, principal: Principal, *, cadre_id: uuid.UUID, target: str, reasons: str
) -> CareerRecommendation:
    if principal.is_service:
        raise Forbidden("服务客户端不能推荐")
    cadre = await session.get(Cadre, cadre_id)
    if cadre is None:
        raise NotFound("人员不存在")
    if target not in ("PROMOTION", "RESERVE"):
        raise BadInput("推荐方向须为 PROMOTION 或 RESERVE")
    if principal.has_role(Role.DEPARTMENT_ADMIN, str(cadre.department_id)):
        side = "DEPARTMENT"
    elif principal.has_role(Role.TOWNSHIP_ADMIN, str(cadre.township_id)):
        side = "TOWNSHIP"
    else:
        raise Forbidden("派驻部门或所在乡镇(街道)均可推荐")
    if not reasons.strip():
        raise BadInput("请写明推荐理由")
    if await session.scalar(
        select(CareerRecommendation.id).where(
            CareerRecommendation.cadre_id == cadre_id,
            CareerRecommendation.side == side,
            CareerRecommendation.target == target,
            CareerRecommendation.status == "PENDING",
        )
    ):
        raise RuleViolation("DUPLICATE_RECOMMENDATION", "已推荐，待组织部决定")
    rec = CareerRecommendation(
        cadre_id=cadre_id, side=side, target=target, reasons=reasons.strip(), recommended_by=principal.subject
    )
    session.add(rec)
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="career.recommend",
        entity_type="CareerRecommendation",
        entity_id=rec.id,
        after={"cadre_id": str(cadre_id), "side": side, "target": target},
        reason=reasons,
    )
    await _announce_career(session, rec)
    return rec


async def _announce_career(session: AsyncSession, rec: CareerRecommendation) -> None:
    """组织部's 待办 while PENDING."""
    await outbox.emit(
        session,
        events.CAREER_RECOMMENDATION_CHANGED,
        aggregate_type="CareerRecommendation",
        aggregate_id=rec.id,
        payload={"status": rec.status or "PENDING", "side": rec.side, "target": rec.target},
    )


async def decide_recommendation(
    session: AsyncSession, principal: Principal, *, recommendation_id: uuid.UUID, approve: bool, note: str | None
) -> CareerRecommendation:
    if principal.is_service or not principal.has_role(Role.ORG_DEPARTMENT):
        raise Forbidden("由组织部决定")
    rec = await db.get_for_update(session, CareerRecommendation, recommendation_id, missing="推荐不存在")
    if rec.status != "PENDING":
        raise RuleViolation("RECOMMENDATION_DECIDED", "该推荐已处理")
    rec.status, rec.decided_by, rec.decision_note = ("APPROVED" if approve else "DECLINED"), principal.subject, note
    await audit.record(
        session,
        actor=principal,
        action="career.decide",
        entity_type="CareerRecommendation",
        entity_id=rec.id,
        after={"status": rec.status},
        reason=note,
    )
    await _announce_career(session, rec)
    return rec


async def propose_middle_post(
    session: AsyncSession, principal: Principal, *, cadre_id: uuid.UUID, post: str, concurrent: bool
) -> MiddlePost:
    cadre = await session.get(Cadre, cadre_id)
    if cadre is None:
        raise NotFound("人员不存在")
    if principal.is_service or not principal.has_role(Role.TOWNSHIP_ADMIN, str(cadre.township_id)):
        raise Forbidden("由所在乡镇(街道)提出")
    if not post.strip():
        raise BadInput("请填写职务名称")
    row = MiddlePost(
        cadre_id=cadre_id,
        township_id=cadre.township_id,
        post=post.strip(),
        concurrent=concurrent,
        proposed_by=principal.subject,
    )
    session.add(row)
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="middle_post.propose",
        entity_type="MiddlePost",
        entity_id=row.id,
        after={"cadre_id": str(cadre_id), "post": row.post},
    )
    await _announce_middle_post(session, row, cadre.department_id)
    return row


async def _announce_middle_post(session: AsyncSession, row: MiddlePost, department_id: uuid.UUID) -> None:
    """The department's 待办 while PROPOSED (双向任职 needs its consent)."""
    await outbox.emit(
        session,
        events.MIDDLE_POST_CHANGED,
        aggregate_type="MiddlePost",
        aggregate_id=row.id,
        payload={
            "status": row.status or "PROPOSED",
            "department_id": str(department_id),
            "township_id": str(row.township_id),
        },
    )


async def consent_middle_post(
    session: AsyncSession, principal: Principal, *, middle_post_id: uuid.UUID, consent: bool
) -> MiddlePost:
    row = await db.get_for_update(session, MiddlePost, middle_post_id, missing="任职提议不存在")
    cadre = await session.get(Cadre, row.cadre_id)
    if principal.is_service or not principal.has_role(Role.DEPARTMENT_ADMIN, str(cadre.department_id)):
        raise Forbidden("须经派驻部门同意")
    if row.status != "PROPOSED":
        raise RuleViolation("MIDDLE_POST_NEEDS_DEPARTMENT_CONSENT", "该提议已处理")
    row.status, row.consented_by = ("HELD" if consent else "DECLINED"), principal.subject
    row.start_date = today() if consent else None
    await audit.record(
        session,
        actor=principal,
        action="middle_post.consent",
        entity_type="MiddlePost",
        entity_id=row.id,
        after={"status": row.status},
    )
    await _announce_middle_post(session, row, cadre.department_id)
    return row


@dataclass(frozen=True)
class DevelopmentStats:
    department_id: uuid.UUID
    rotation_trainings: int
    case_consultations: int
    attendance_rate: float
    mentoring_pairs: int
    promotions_approved: int
    middle_posts_held: int


async def statistics(session: AsyncSession, year: int) -> list[DevelopmentStats]:
    sessions = dict(
        ((r[0], r[1]), r[2])
        for r in (
            await session.execute(
                select(TrainingPlan.owner_id, TrainingSession.kind, func.count())
                .join(TrainingPlan, TrainingPlan.id == TrainingSession.plan_id)
                .where(TrainingPlan.owner_kind == "DEPARTMENT", TrainingPlan.year == year)
                .group_by(TrainingPlan.owner_id, TrainingSession.kind)
            )
        ).all()
    )
    attendance = dict(
        (r[0], (r[1], r[2]))
        for r in (
            await session.execute(
                select(Cadre.department_id, func.count().filter(Attendance.present), func.count())
                .select_from(Attendance)
                .join(Cadre, Cadre.id == Attendance.cadre_id)
                .join(TrainingSession, TrainingSession.id == Attendance.session_id)
                .where(func.extract("year", TrainingSession.held_on) == year)
                .group_by(Cadre.department_id)
            )
        ).all()
    )
    pairs = dict(
        (
            await session.execute(
                select(MentoringPair.department_id, func.count()).group_by(MentoringPair.department_id)
            )
        ).all()
    )
    promoted = dict(
        (
            await session.execute(
                select(Cadre.department_id, func.count())
                .select_from(CareerRecommendation)
                .join(Cadre, Cadre.id == CareerRecommendation.cadre_id)
                .where(CareerRecommendation.status == "APPROVED", CareerRecommendation.target == "PROMOTION")
                .group_by(Cadre.department_id)
            )
        ).all()
    )
    posts = dict(
        (
            await session.execute(
                select(Cadre.department_id, func.count())
                .select_from(MiddlePost)
                .join(Cadre, Cadre.id == MiddlePost.cadre_id)
                .where(MiddlePost.status == "HELD")
                .group_by(Cadre.department_id)
            )
        ).all()
    )
    departments = (await session.scalars(select(Department.id).order_by(Department.code))).all()
    return [
        DevelopmentStats(
            d,
            sessions.get((d, "ROTATION_TRAINING"), 0),
            sessions.get((d, "CASE_CONSULTATION"), 0),
            round(attendance[d][0] / attendance[d][1], 4) if d in attendance and attendance[d][1] else 0.0,
            pairs.get(d, 0),
            promoted.get(d, 0),
            posts.get(d, 0),
        )
        for d in departments
    ]


async def list_plans(session: AsyncSession, principal: Principal, year: int) -> list[TrainingPlan]:
    stmt = (
        select(TrainingPlan).where(TrainingPlan.year == year).order_by(TrainingPlan.owner_kind, TrainingPlan.filed_at)
    )
    if principal.is_service:
        raise Forbidden("服务客户端无权查看")
    cond = visibility.scoped(
        principal,
        {(Role.DEPARTMENT_ADMIN, Role.TOWNSHIP_ADMIN): lambda ids: TrainingPlan.owner_id.in_(ids)},
        denied="无权查看培训计划",
    )
    if cond is not None:
        stmt = stmt.where(cond)
    return list((await session.scalars(stmt)).all())
