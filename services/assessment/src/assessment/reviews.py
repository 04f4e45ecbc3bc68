"""双述职: the yearly joint review meeting. Each participant (the agency's township and department,
and the county offices) scores each agency head once; closing the meeting records each head's
average and outcome, which bears on appointment and rewards.

Rules: ``MEETING_CLOSED``, ``SCORE_OUT_OF_RANGE``, ``NO_REVIEW_SCORES``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import audit, db
from servicekit.errors import BadInput, Forbidden, NotFound, RuleViolation
from servicekit.principal import Principal, Role

from .honours import unit_of
from .models import ReviewMeeting, ReviewOutcome, ReviewScore

GOOD_FROM, FAIR_FROM = Decimal(85), Decimal(70)


async def convene(
    session: AsyncSession, principal: Principal, *, year: int, held_on: dt.date, title: str
) -> ReviewMeeting:
    if principal.is_service or not principal.has_role(Role.ORG_DEPARTMENT):
        raise Forbidden("述职评议会由组织部召集")
    if not title.strip():
        raise BadInput("请填写会议名称")
    meeting = ReviewMeeting(year=year, held_on=held_on, title=title.strip(), convened_by=principal.subject)
    session.add(meeting)
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="review.convene",
        entity_type="ReviewMeeting",
        entity_id=meeting.id,
        after={"year": year, "held_on": held_on.isoformat()},
    )
    return meeting


async def score(
    session: AsyncSession, principal: Principal, *, meeting_id: uuid.UUID, agency_id: uuid.UUID, value: Decimal
) -> ReviewScore:
    meeting = await session.get(ReviewMeeting, meeting_id)
    if meeting is None:
        raise NotFound("评议会不存在")
    department, township = await unit_of(session, agency_id=agency_id)
    if principal.is_service:
        raise Forbidden("服务客户端不能评议")
    if principal.has_role(Role.TOWNSHIP_ADMIN, str(township)):
        side = "TOWNSHIP"
    elif principal.has_role(Role.DEPARTMENT_ADMIN, str(department)):
        side = "DEPARTMENT"
    elif any(principal.has_role(r) for r in (Role.ORG_DEPARTMENT, Role.STAFFING_OFFICE, Role.LEADERSHIP)):
        side = "COUNTY"
    else:
        raise Forbidden("只有该机构所在乡镇、派驻部门和县级机关参加评议")
    if meeting.status != "OPEN":
        raise RuleViolation("MEETING_CLOSED", "评议会已结束")
    if not Decimal(0) <= value <= Decimal(100):
        raise RuleViolation("SCORE_OUT_OF_RANGE", "分数须在 0 到 100 之间")
    stmt = insert(ReviewScore).values(
        meeting_id=meeting_id, agency_id=agency_id, participant=principal.subject, side=side, score=value
    )
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[ReviewScore.meeting_id, ReviewScore.agency_id, ReviewScore.participant],
            set_={"score": stmt.excluded.score},
        )
    )
    await audit.record(
        session,
        actor=principal,
        action="review.score",
        entity_type="ReviewScore",
        entity_id=f"{meeting_id}:{agency_id}",
        after={"side": side, "score": str(value)},
    )
    return await session.get(ReviewScore, (meeting_id, agency_id, principal.subject), populate_existing=True)


async def close(session: AsyncSession, principal: Principal, *, meeting_id: uuid.UUID) -> list[ReviewOutcome]:
    if principal.is_service or not principal.has_role(Role.ORG_DEPARTMENT):
        raise Forbidden("由组织部确定评议结果")
    meeting = await db.get_for_update(session, ReviewMeeting, meeting_id, missing="评议会不存在")
    if meeting.status != "OPEN":
        raise RuleViolation("MEETING_CLOSED", "评议会已结束")
    rows = (
        await session.execute(
            select(ReviewScore.agency_id, func.avg(ReviewScore.score), func.count())
            .where(ReviewScore.meeting_id == meeting_id)
            .group_by(ReviewScore.agency_id)
        )
    ).all()
    if not rows:
        raise RuleViolation("NO_REVIEW_SCORES", "尚无评议分数")
    outcomes = []
    for agency_id, avg, n in rows:
        average = Decimal(avg).quantize(Decimal("0.01"))
        outcome = "GOOD" if average >= GOOD_FROM else "FAIR" if average >= FAIR_FROM else "POOR"
        outcomes.append(
            ReviewOutcome(meeting_id=meeting_id, agency_id=agency_id, average=average, scores=n, outcome=outcome)
        )
    session.add_all(outcomes)
    meeting.status = "CLOSED"
    await audit.record(
        session,
        actor=principal,
        action="review.close",
        entity_type="ReviewMeeting",
        entity_id=meeting_id,
        after={"outcomes": {str(o.agency_id): o.outcome for o in outcomes}},
    )
    return outcomes
