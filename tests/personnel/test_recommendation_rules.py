"""双重管理: the township recommends, the department decides; acceptance starts an adjustment."""

from __future__ import annotations

import pytest
from personnel_world import ORG_DEPT, cadre_in, dept_admin, other_agency_with_room, township_admin

from personnel import recommendations
from personnel.calendar import today
from personnel.models import Adjustment, Township
from servicekit.errors import Conflict, Forbidden, RuleViolation


async def _township_code(session, cadre) -> str:
    return (await session.get(Township, cadre.township_id)).code


async def test_an_accepted_recommendation_starts_an_adjustment(session):
    cadre = await cadre_in(session, "sfj", min_years=2.5)
    town = await _township_code(session, cadre)
    rec = await recommendations.recommend(
        session,
        township_admin(town),
        cadre_id=cadre.id,
        kind="TRANSFER",
        reasons="长期不服从属地管理，多次缺席网格工作",
    )
    to = await other_agency_with_room(session, "sfj", cadre)
    await recommendations.decide(
        session,
        dept_admin("sfj"),
        recommendation_id=rec.id,
        accept=True,
        note="同意调整",
        effective_date=today(),
        to_agency_id=to,
    )
    assert rec.status == "ACCEPTED" and rec.adjustment_batch_id
    adjustment = (
        await session.execute(Adjustment.__table__.select().where(Adjustment.batch_id == rec.adjustment_batch_id))
    ).one()
    assert (adjustment.kind, adjustment.to_agency_id, adjustment.status) == ("TRANSFER", to, "SUBMITTED")


async def test_accepting_still_obeys_the_adjustment_rules(session):
    cadre = await cadre_in(session, "sfj", max_years=1.5)
    rec = await recommendations.recommend(
        session,
        township_admin(await _township_code(session, cadre)),
        cadre_id=cadre.id,
        kind="DISMISS",
        reasons="不配合工作",
    )
    with pytest.raises(RuleViolation) as err:
        await recommendations.decide(
            session, dept_admin("sfj"), recommendation_id=rec.id, accept=True, note=None, effective_date=today()
        )
    assert err.value.rule == "MIN_TENURE_2Y"


async def test_rule_recommendation_decided(session):
    cadre = await cadre_in(session, "sfj", min_years=2.5)
    rec = await recommendations.recommend(
        session, township_admin(await _township_code(session, cadre)), cadre_id=cadre.id, kind="DISMISS", reasons="x"
    )
    await recommendations.decide(
        session, dept_admin("sfj"), recommendation_id=rec.id, accept=False, note="经核实不属实"
    )
    with pytest.raises(RuleViolation) as err:
        await recommendations.decide(session, dept_admin("sfj"), recommendation_id=rec.id, accept=False, note="再议")
    assert err.value.rule == "RECOMMENDATION_DECIDED"


async def test_only_the_cadres_township_recommends_and_only_its_department_decides(session):
    cadre = await cadre_in(session, "sfj", min_years=2.5)
    town = await _township_code(session, cadre)
    other = "tongshan" if town != "tongshan" else "wuxie"
    with pytest.raises(Forbidden):
        await recommendations.recommend(session, township_admin(other), cadre_id=cadre.id, kind="DISMISS", reasons="x")
    rec = await recommendations.recommend(session, township_admin(town), cadre_id=cadre.id, kind="DISMISS", reasons="x")
    with pytest.raises(Conflict):
        await recommendations.recommend(session, township_admin(town), cadre_id=cadre.id, kind="DISMISS", reasons="y")
    for who in (dept_admin("zhzfj"), ORG_DEPT, township_admin(town)):
        with pytest.raises(Forbidden):
            await recommendations.decide(session, who, recommendation_id=rec.id, accept=False, note="n")
