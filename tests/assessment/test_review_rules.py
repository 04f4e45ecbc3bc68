"""双述职: the joint review meeting scores agency heads; closing records outcomes."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from assessment_world import ORG, dept, person, town

from assessment import reviews
from servicekit.errors import Forbidden, RuleViolation
from servicekit.principal import Role

AGENCY = uuid.UUID(int=300)  # department 0 in township 0


async def test_both_sides_and_the_county_score_and_closing_records_the_outcome(session):
    meeting = await reviews.convene(
        session, ORG, year=2026, held_on=dt.date(2026, 12, 20), title="2026年度派驻机构负责人述职评议"
    )
    await reviews.score(session, town(0), meeting_id=meeting.id, agency_id=AGENCY, value=Decimal(90))
    await reviews.score(session, dept(0), meeting_id=meeting.id, agency_id=AGENCY, value=Decimal(80))
    await reviews.score(session, person(Role.LEADERSHIP), meeting_id=meeting.id, agency_id=AGENCY, value=Decimal(88))
    await reviews.score(
        session, dept(0), meeting_id=meeting.id, agency_id=AGENCY, value=Decimal(86)
    )  # changed its mind
    with pytest.raises(Forbidden):
        await reviews.score(session, town(1), meeting_id=meeting.id, agency_id=AGENCY, value=Decimal(60))
    with pytest.raises(RuleViolation) as err:
        await reviews.score(session, town(0), meeting_id=meeting.id, agency_id=AGENCY, value=Decimal(101))
    assert err.value.rule == "SCORE_OUT_OF_RANGE"
    outcomes = await reviews.close(session, ORG, meeting_id=meeting.id)
    assert [(o.average, o.scores, o.outcome) for o in outcomes] == [(Decimal("88.00"), 3, "GOOD")]
    with pytest.raises(RuleViolation) as err:
        await reviews.score(session, town(0), meeting_id=meeting.id, agency_id=AGENCY, value=Decimal(70))
    assert err.value.rule == "MEETING_CLOSED"


async def test_rule_no_review_scores(session):
    meeting = await reviews.convene(session, ORG, year=2026, held_on=dt.date(2026, 12, 20), title="述职评议")
    with pytest.raises(RuleViolation) as err:
        await reviews.close(session, ORG, meeting_id=meeting.id)
    assert err.value.rule == "NO_REVIEW_SCORES"
    with pytest.raises(Forbidden):
        await reviews.convene(session, dept(0), year=2026, held_on=dt.date(2026, 12, 20), title="x")


async def test_rule_one_review_per_year(session):
    """集中参加每年一次的述职评议会: a head reviewed at one meeting is not scored at another that year;
    next year's meeting takes them again. The refusal writes nothing."""
    from sqlalchemy import func, select

    from assessment.consumers import apply_unit
    from assessment.models import ReviewScore

    head = uuid.uuid4()
    await apply_unit(
        session,
        {"payload": {"id": str(AGENCY), "kind": "AGENCY", "name": "店口司法所", "head_cadre_id": str(head)}},
    )
    first = await reviews.convene(session, ORG, year=2026, held_on=dt.date(2026, 6, 20), title="年中述职评议")
    await reviews.score(session, town(0), meeting_id=first.id, agency_id=AGENCY, value=Decimal(90))
    second = await reviews.convene(session, ORG, year=2026, held_on=dt.date(2026, 12, 20), title="年终述职评议")
    before = await session.scalar(select(func.count()).select_from(ReviewScore))
    with pytest.raises(RuleViolation) as err:
        await reviews.score(session, dept(0), meeting_id=second.id, agency_id=AGENCY, value=Decimal(80))
    assert err.value.rule == "ONE_REVIEW_PER_YEAR" and "年中述职评议" in err.value.message
    assert await session.scalar(select(func.count()).select_from(ReviewScore)) == before
    [outcome] = await reviews.close(session, ORG, meeting_id=first.id)
    assert (outcome.year, outcome.head_cadre_id) == (2026, head)
    nxt = await reviews.convene(session, ORG, year=2027, held_on=dt.date(2027, 12, 20), title="2027年度述职评议")
    await reviews.score(session, dept(0), meeting_id=nxt.id, agency_id=AGENCY, value=Decimal(80))


async def test_review_outcomes_are_the_heads_record_read_by_those_concerned(session):
    from assessment.consumers import apply_head, apply_unit

    head = uuid.UUID(int=10_000)  # cadre 0 of department 0 in township 0 (the world's roster)
    await apply_unit(
        session, {"payload": {"id": str(AGENCY), "kind": "AGENCY", "name": "店口司法所", "head_cadre_id": None}}
    )
    await apply_head(session, {"payload": {"agency_id": str(AGENCY), "head_cadre_id": str(head)}})
    meeting = await reviews.convene(session, ORG, year=2026, held_on=dt.date(2026, 12, 20), title="述职评议")
    await reviews.score(session, town(0), meeting_id=meeting.id, agency_id=AGENCY, value=Decimal(72))
    await reviews.close(session, ORG, meeting_id=meeting.id)
    for who, seen in (
        (ORG, 1),
        (person(Role.LEADERSHIP), 1),
        (town(0), 1),
        (dept(0), 1),
        (person(Role.CADRE, head), 1),  # the head's own record
        (town(1), 0),
        (dept(1), 0),
        (person(Role.CADRE, uuid.UUID(int=10_001)), 0),
    ):
        page = await reviews.outcomes(session, who, year=2026, agency_id=None, cadre_id=None, first=10, after=None)
        assert len(page.items) == seen, who
    [o] = (await reviews.outcomes(session, ORG, year=None, agency_id=None, cadre_id=head, first=10, after=None)).items
    assert (o.outcome, o.head_cadre_id) == ("FAIR", head)
    with pytest.raises(Forbidden):
        await reviews.outcomes(
            session,
            person(Role.GRID_WORKER, uuid.uuid4()),
            year=None,
            agency_id=None,
            cadre_id=None,
            first=10,
            after=None,
        )
