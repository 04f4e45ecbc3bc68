"""考核方案: weights add up to 100, townships count post management and grid work, versions, and
scoring by indicators."""

from __future__ import annotations

from decimal import Decimal

import pytest
from assessment_world import DEPARTMENTS, ORG, TOWNSHIPS, cadre_id, dept, town

from assessment import cycles, schemes
from servicekit.errors import Forbidden, RuleViolation

TOWNSHIP_SCHEME = {
    "CONDUCT": ("思想作风", 20),
    "RESULTS": ("工作实绩", 30),
    "ABILITY": ("业务能力", 10),
    "PUBLIC_RESPONSE": ("社会反响", 10),
    "POST_MANAGEMENT": ("岗位管理", 15),
    "GRID_WORK": ("网格工作", 15),
}


async def test_rule_weights_total_100(session):
    with pytest.raises(RuleViolation) as err:
        await schemes.create(
            session,
            dept(0),
            assessor_kind="DEPARTMENT",
            assessor_id=DEPARTMENTS[0],
            period_type="ANNUAL",
            indicators={"CONDUCT": ("思想作风", 50), "RESULTS": ("工作实绩", 40)},
        )
    assert err.value.rule == "WEIGHTS_TOTAL_100"


async def test_rule_township_indicators(session):
    with pytest.raises(RuleViolation) as err:
        await schemes.create(
            session,
            town(0),
            assessor_kind="TOWNSHIP",
            assessor_id=TOWNSHIPS[0],
            period_type="ANNUAL",
            indicators={"CONDUCT": ("思想作风", 50), "RESULTS": ("工作实绩", 50)},
        )
    assert err.value.rule == "TOWNSHIP_INDICATORS"


async def test_each_assessor_sets_only_its_own_scheme(session):
    with pytest.raises(Forbidden):
        await schemes.create(
            session,
            town(1),
            assessor_kind="TOWNSHIP",
            assessor_id=TOWNSHIPS[0],
            period_type="ANNUAL",
            indicators=TOWNSHIP_SCHEME,
        )
    with pytest.raises(Forbidden):
        await schemes.create(
            session,
            ORG,
            assessor_kind="DEPARTMENT",
            assessor_id=DEPARTMENTS[0],
            period_type="ANNUAL",
            indicators={"RESULTS": ("工作实绩", 100)},
        )


async def test_scoring_by_indicators_and_rule_scheme_in_use(session):
    first = await schemes.create(
        session,
        town(0),
        assessor_kind="TOWNSHIP",
        assessor_id=TOWNSHIPS[0],
        period_type="ANNUAL",
        indicators=TOWNSHIP_SCHEME,
    )
    cycle = await cycles.open_cycle(
        session, ORG, year=2026, township_share=Decimal("0.6"), rounding="FLOOR", ties="EXCLUDE_TIED"
    )
    scores = {
        "CONDUCT": Decimal(90),
        "RESULTS": Decimal(80),
        "ABILITY": Decimal(70),
        "PUBLIC_RESPONSE": Decimal(100),
        "POST_MANAGEMENT": Decimal(60),
        "GRID_WORK": Decimal(80),
    }
    member = await cycles.set_score(
        session,
        town(0),
        cycle_id=cycle.id,
        cadre_id=cadre_id(0, 0, 0),
        side="TOWNSHIP",
        score=None,
        reason=None,
        indicator_scores=scores,
    )
    assert member.township_score == Decimal("80.00")  # 18 + 24 + 7 + 10 + 9 + 12
    with pytest.raises(RuleViolation) as err:
        await cycles.set_score(
            session,
            town(0),
            cycle_id=cycle.id,
            cadre_id=cadre_id(0, 0, 1),
            side="TOWNSHIP",
            score=None,
            reason=None,
            indicator_scores={"CONDUCT": Decimal(90)},
        )
    assert err.value.rule == "INDICATOR_SCORES_INCOMPLETE"
    with pytest.raises(RuleViolation) as err:  # the open cycle uses version 1: it cannot be replaced now
        await schemes.create(
            session,
            town(0),
            assessor_kind="TOWNSHIP",
            assessor_id=TOWNSHIPS[0],
            period_type="ANNUAL",
            indicators=TOWNSHIP_SCHEME,
        )
    assert err.value.rule == "SCHEME_IN_USE"
    assert first.version == 1


async def test_a_new_version_retires_the_old_one_when_no_cycle_uses_it(session):
    first = await schemes.create(
        session,
        dept(0),
        assessor_kind="DEPARTMENT",
        assessor_id=DEPARTMENTS[0],
        period_type="QUARTERLY",
        indicators={"RESULTS": ("工作实绩", 100)},
    )
    second = await schemes.create(
        session,
        dept(0),
        assessor_kind="DEPARTMENT",
        assessor_id=DEPARTMENTS[0],
        period_type="QUARTERLY",
        indicators={"RESULTS": ("工作实绩", 60), "ABILITY": ("业务能力", 40)},
    )
    assert (first.status, second.status, second.version) == ("RETIRED", "ACTIVE", 2)
