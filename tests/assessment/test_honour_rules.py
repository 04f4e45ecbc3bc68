"""Honours and dual reports."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from assessment_world import DEPARTMENTS, ORG, cadre_id, dept, person, town
from sqlalchemy import select
from test_publication_rules import _complete

from assessment import cycles, honours
from assessment.models import Cycle, Member
from servicekit.calendar import today
from servicekit.errors import Forbidden, RuleViolation
from servicekit.principal import Role

AGENCY = uuid.UUID(int=300)  # department 0 in township 0


async def test_model_squad_nominated_approved_and_listed(session):
    honour = await honours.nominate(
        session, town(0), kind="MODEL_SQUAD", year=2026, subject_id=AGENCY, reasons="矛盾纠纷就地化解率全市第一"
    )
    with pytest.raises(Forbidden):
        await honours.decide(session, dept(0), honour_id=honour.id, approve=True)
    await honours.decide(session, ORG, honour_id=honour.id, approve=True)
    assert [h.id for h in await honours.publicity_list(session, 2026)] == [honour.id]
    with pytest.raises(RuleViolation) as err:
        await honours.decide(session, ORG, honour_id=honour.id, approve=False)
    assert err.value.rule == "HONOUR_DECIDED"
    with pytest.raises(RuleViolation) as err:
        await honours.nominate(session, dept(0), kind="MODEL_SQUAD", year=2026, subject_id=AGENCY, reasons="再推")
    assert err.value.rule == "HONOUR_EXISTS"


async def test_rule_honour_needs_excellent_result(session):
    with pytest.raises(RuleViolation) as err:
        await honours.nominate(
            session, dept(0), kind="EXCELLENT_CADRE", year=2026, subject_id=cadre_id(0, 0, 0), reasons="x"
        )
    assert err.value.rule == "HONOUR_NEEDS_EXCELLENT_RESULT"
    cycle = await _complete(session)
    await cycles.publish(session, ORG, cycle_id=cycle.id, objection_days=1)
    (await session.get(Cycle, cycle.id)).objection_deadline = today() - dt.timedelta(days=1)
    await cycles.approve(session, ORG, cycle_id=cycle.id)
    best = (
        await session.scalars(
            select(Member).where(
                Member.cycle_id == cycle.id, Member.grade == "EXCELLENT", Member.department_id == DEPARTMENTS[0]
            )
        )
    ).first()
    honour = await honours.nominate(
        session, dept(0), kind="EXCELLENT_CADRE", year=2026, subject_id=best.cadre_id, reasons="年度考核优秀"
    )
    assert honour.status == "NOMINATED"


async def test_dual_reports_are_seen_by_both_sides(session):
    head = person(Role.AGENCY_HEAD, AGENCY)
    report = await honours.file_report(
        session,
        head,
        agency_id=AGENCY,
        period="2026-Q3",
        kind="MAJOR_ISSUE",
        content="辖区一起群体性信访苗头，已会同综治中心化解",
    )
    with pytest.raises(Forbidden):
        await honours.file_report(
            session,
            person(Role.AGENCY_HEAD, uuid.UUID(int=301)),
            agency_id=AGENCY,
            period="2026-Q3",
            kind="PLAN",
            content="x",
        )
    for who in (dept(0), town(0), ORG, head):
        assert [r.id for r in (await honours.reports_for(session, who)).items] == [report.id]
    assert (await honours.reports_for(session, town(1))).items == []
    assert (await honours.reports_for(session, dept(1))).items == []


async def test_rule_results_not_approved_then_excellent_results_become_nominations_at_once(session):
    cycle = await _complete(session)
    with pytest.raises(RuleViolation) as err:
        await honours.nominate_excellent(session, dept(0), cycle_id=cycle.id)
    assert err.value.rule == "RESULTS_NOT_APPROVED"
    await cycles.publish(session, ORG, cycle_id=cycle.id, objection_days=1)
    (await session.get(Cycle, cycle.id)).objection_deadline = today() - dt.timedelta(days=1)
    await cycles.approve(session, ORG, cycle_id=cycle.id)
    excellent = set(
        (
            await session.scalars(
                select(Member.cadre_id).where(
                    Member.cycle_id == cycle.id, Member.grade == "EXCELLENT", Member.department_id == DEPARTMENTS[0]
                )
            )
        ).all()
    )
    assert excellent
    one = sorted(excellent)[0]
    await honours.nominate(session, dept(0), kind="EXCELLENT_CADRE", year=2026, subject_id=one, reasons="事迹突出")
    created = await honours.nominate_excellent(session, dept(0), cycle_id=cycle.id)
    assert {h.subject_id for h in created} == excellent - {one}  # the one already nominated is skipped
    assert await honours.nominate_excellent(session, dept(0), cycle_id=cycle.id) == []
    for who in (ORG, person(Role.CADRE, one), person(Role.LEADERSHIP)):
        with pytest.raises(Forbidden):
            await honours.nominate_excellent(session, who, cycle_id=cycle.id)
