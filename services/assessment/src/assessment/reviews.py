"""双述职: the yearly joint review meeting. Each participant (the agency's township and department,
and the county offices) scores each agency head once; closing the meeting records each head's
average and outcome, which bears on appointment and rewards.

Rules: ``MEETING_CLOSED``, ``SCORE_OUT_OF_RANGE``, ``NO_REVIEW_SCORES``, ``ONE_REVIEW_PER_YEAR``
(每年一次: an agency's head is reviewed at one meeting a year). Outcomes name the head reviewed and
are read with ``outcomes`` — by the agency's township and department, the county offices and the
head themself — as part of the head's assessment record.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import func, or_, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import audit, db, visibility
from servicekit.errors import BadInput, Forbidden, NotFound, RuleViolation
from servicekit.pagination import decode_key, make_page, page_size
from servicekit.principal import Principal, Role

from . import work
from .honours import unit_of
from .models import ReviewMeeting, ReviewOutcome, ReviewScore, RosterEntry, UnitName

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
    await work.announce_meeting(session, meeting)
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
    await _check_once_a_year(session, meeting, agency_id)
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


async def _check_once_a_year(session: AsyncSession, meeting: ReviewMeeting, agency_id: uuid.UUID) -> None:
    """集中参加每年一次的述职评议会: another meeting of the year that scored or reviewed the agency
    already holds its review."""
    other = await session.scalar(
        select(ReviewMeeting.title)
        .where(
            ReviewMeeting.year == meeting.year,
            ReviewMeeting.id != meeting.id,
            or_(
                ReviewMeeting.id.in_(select(ReviewScore.meeting_id).where(ReviewScore.agency_id == agency_id)),
                ReviewMeeting.id.in_(select(ReviewOutcome.meeting_id).where(ReviewOutcome.agency_id == agency_id)),
            ),
        )
        .limit(1)
    )
    if other is not None:
        raise RuleViolation(
            "ONE_REVIEW_PER_YEAR",
            f"该派驻机构负责人{meeting.year}年已在「{other}」述职评议，每年一次",
            detail=f"agency {agency_id} already reviewed in {meeting.year}",
        )


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
    for agency_id, _, _ in rows:  # a meeting of the year closed meanwhile may have taken one
        await _check_once_a_year(session, meeting, agency_id)
    heads = dict(
        (
            await session.execute(
                select(UnitName.id, UnitName.head_cadre_id).where(UnitName.id.in_([r[0] for r in rows]))
            )
        ).all()
    )
    outcomes = []
    for agency_id, avg, n in rows:
        average = Decimal(avg).quantize(Decimal("0.01"))
        outcome = "GOOD" if average >= GOOD_FROM else "FAIR" if average >= FAIR_FROM else "POOR"
        outcomes.append(
            ReviewOutcome(
                meeting_id=meeting_id,
                agency_id=agency_id,
                average=average,
                scores=n,
                outcome=outcome,
                year=meeting.year,
                head_cadre_id=heads.get(agency_id),
            )
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
    await work.announce_meeting(session, meeting)
    return outcomes


async def outcomes(
    session: AsyncSession,
    principal: Principal,
    *,
    year: int | None,
    agency_id: uuid.UUID | None,
    cadre_id: uuid.UUID | None,
    first: int | None,
    after: str | None,
):
    """述职评议结果, newest year first: the county offices and leadership read all; a township or
    department the agencies stationed with it / its own; an agency head or cadre the reviews of
    themself (the head's assessment record)."""
    if principal.is_service:
        raise Forbidden("服务客户端无权查看述职评议结果")
    size = page_size(first)
    stmt = select(ReviewOutcome).order_by(ReviewOutcome.year.desc(), ReviewOutcome.agency_id, ReviewOutcome.meeting_id)
    if not any(principal.has_role(r) for r in (Role.ORG_DEPARTMENT, Role.STAFFING_OFFICE, Role.LEADERSHIP)):
        parts = []
        towns = visibility.uuids(principal.scope_ids(Role.TOWNSHIP_ADMIN))
        departments = visibility.uuids(principal.scope_ids(Role.DEPARTMENT_ADMIN))
        if towns or departments:
            # An agency's township and department, from the roster projection of its people.
            units = select(RosterEntry.agency_id).where(
                or_(RosterEntry.township_id.in_(towns), RosterEntry.department_id.in_(departments))
            )
            parts.append(ReviewOutcome.agency_id.in_(units))
        if own := visibility.uuids(principal.scope_ids(Role.CADRE)):
            parts.append(ReviewOutcome.head_cadre_id.in_(own))
        if not parts:
            raise Forbidden("无权查看述职评议结果")
        stmt = stmt.where(or_(*parts))
    if year is not None:
        stmt = stmt.where(ReviewOutcome.year == year)
    if agency_id is not None:
        stmt = stmt.where(ReviewOutcome.agency_id == agency_id)
    if cadre_id is not None:
        stmt = stmt.where(ReviewOutcome.head_cadre_id == cadre_id)
    if key := decode_key(after, int, uuid.UUID, uuid.UUID):
        stmt = stmt.where(
            or_(
                ReviewOutcome.year < key[0],
                (ReviewOutcome.year == key[0])
                & (tuple_(ReviewOutcome.agency_id, ReviewOutcome.meeting_id) > (key[1], key[2])),
            )
        )
    rows = (await session.scalars(stmt.limit(size + 1))).all()
    return make_page(rows, size, lambda o: (o.year, str(o.agency_id), str(o.meeting_id)))
