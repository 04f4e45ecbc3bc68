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
