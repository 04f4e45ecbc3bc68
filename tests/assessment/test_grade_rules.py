"""等次 and the rounding of places, by value: the thresholds (称职 from 70, 基本称职 from 60), the
three roundings of a share, regrading on an objection, and who reads results after publication."""

from __future__ import annotations

from decimal import Decimal

import pytest
from assessment_world import ORG, TOWNSHIPS, person, town
from sqlalchemy import select
from test_publication_rules import _complete

from assessment import cycles
from assessment import excellence as ex
from assessment.models import Member
from servicekit.errors import BadInput, Forbidden, RuleViolation
from servicekit.principal import Role


@pytest.mark.parametrize(
    "total, excellent, grade",
    [
        (Decimal("100"), True, "EXCELLENT"),
        (Decimal("50"), True, "EXCELLENT"),  # named excellent in a round: the grade follows the pick
        (Decimal("70.00"), False, "COMPETENT"),
        (Decimal("69.99"), False, "BASIC"),
        (Decimal("60.00"), False, "BASIC"),
        (Decimal("59.99"), False, "INCOMPETENT"),
        (Decimal("0"), False, "INCOMPETENT"),
        (None, False, None),
    ],
)
def test_grade_thresholds(total, excellent, grade):
    assert cycles.grade_for(total, excellent) == grade


@pytest.mark.parametrize(
    "base, share, rounding, places",
    [
        (92, "0.125", "FLOOR", 11),
        (92, "0.125", "HALF_UP", 12),
        (92, "0.125", "CEIL", 12),  # 11.5
        (20, "0.125", "FLOOR", 2),
        (20, "0.125", "HALF_UP", 3),
        (20, "0.125", "CEIL", 3),  # 2.5
        (19, "0.125", "FLOOR", 2),
        (19, "0.125", "HALF_UP", 2),
        (19, "0.125", "CEIL", 3),  # 2.375
        (23, "0.125", "HALF_UP", 3),
        (23, "0.125", "CEIL", 3),  # 2.875
        (24, "0.125", "FLOOR", 3),
        (24, "0.125", "HALF_UP", 3),
        (24, "0.125", "CEIL", 3),  # exactly 3
        (24, "0.4", "FLOOR", 9),
        (24, "0.4", "HALF_UP", 10),
        (24, "0.4", "CEIL", 10),  # 9.6
        (0, "0.125", "CEIL", 0),
    ],
)
def test_rounding_of_places_by_value(base, share, rounding, places):
    assert ex.quota(base, Decimal(share), rounding) == places


def test_round_two_places_use_the_cycles_rounding():
    s = ex.Settings(rounding="CEIL")
    assert ex.round2_quota(9, s) == 2 and ex.round2_quota(8, s) == 1
    assert ex.round2_quota(9, ex.Settings(rounding="FLOOR")) == 1


async def _published(session):
    cycle = await _complete(session)
    await cycles.publish(session, ORG, cycle_id=cycle.id, objection_days=5)
    return cycle


async def test_grades_at_publication_follow_the_thresholds(session):
    cycle = await _published(session)
    members = (await session.scalars(select(Member).where(Member.cycle_id == cycle.id))).all()
    for m in members:
        assert m.grade == cycles.grade_for(m.total, m.excellent_round is not None), m


async def test_an_objection_can_regrade_and_is_resolved_once(session):
    cycle = await _published(session)
    member = (
        await session.scalars(
            select(Member)
            .where(Member.cycle_id == cycle.id, Member.excellent_round.is_(None))
            .order_by(Member.total)
            .limit(1)
        )
    ).one()
    me = person(Role.CADRE, member.cadre_id)
    objection = await cycles.file_objection(session, me, cycle_id=cycle.id, text="部门评分漏记了专项工作")
    with pytest.raises(BadInput):
        await cycles.resolve_objection(session, ORG, objection_id=objection.id, resolution="复核", new_grade="GOOD")
    with pytest.raises(BadInput):
        await cycles.resolve_objection(session, ORG, objection_id=objection.id, resolution="   ", new_grade="COMPETENT")
    assert member.grade != "COMPETENT" or member.total >= cycles.COMPETENT_FROM
    await cycles.resolve_objection(
        session, ORG, objection_id=objection.id, resolution="经复核改为称职", new_grade="COMPETENT"
    )
    await session.refresh(member)
    assert member.grade == "COMPETENT"
    with pytest.raises(RuleViolation) as err:
        await cycles.resolve_objection(session, ORG, objection_id=objection.id, resolution="再改", new_grade="BASIC")
    assert err.value.rule == "OBJECTION_RESOLVED"
    await session.refresh(member)
    assert member.grade == "COMPETENT"  # the second resolution changed nothing


async def test_objections_are_listed_to_the_org_department_and_each_cadre_sees_only_their_own(session):
    cycle = await _published(session)
    a, b = (
        await session.scalars(
            select(Member.cadre_id).where(Member.cycle_id == cycle.id).order_by(Member.cadre_id).limit(2)
        )
    ).all()
    first = await cycles.file_objection(session, person(Role.CADRE, a), cycle_id=cycle.id, text="甲的异议")
    second = await cycles.file_objection(session, person(Role.CADRE, b), cycle_id=cycle.id, text="乙的异议")
    # Filed in one transaction, they share a timestamp: the order between them is the id's.
    assert {o.id for o in await cycles.list_objections(session, ORG, cycle_id=cycle.id, open_only=False)} == {
        first.id,
        second.id,
    }
    assert [
        o.id for o in await cycles.list_objections(session, person(Role.CADRE, a), cycle_id=cycle.id, open_only=False)
    ] == [first.id]
    await cycles.resolve_objection(session, ORG, objection_id=first.id, resolution="维持")
    assert [o.id for o in await cycles.list_objections(session, ORG, cycle_id=cycle.id, open_only=True)] == [second.id]
    with pytest.raises(Forbidden):
        await cycles.list_objections(session, person(Role.LEADERSHIP, None), cycle_id=cycle.id, open_only=False)


async def test_leadership_sees_all_results_after_publication_and_none_before(session):
    leader = person(Role.LEADERSHIP, None)
    cycle = await _complete(session)
    with pytest.raises(Forbidden):
        await cycles.list_members(session, leader, cycle_id=cycle.id, first=100, after=None)
    await cycles.publish(session, ORG, cycle_id=cycle.id, objection_days=5)
    everyone = (await session.scalars(select(Member.cadre_id).where(Member.cycle_id == cycle.id))).all()
    seen, after = [], None
    while True:
        page = await cycles.list_members(session, leader, cycle_id=cycle.id, first=100, after=after)
        seen += [m.cadre_id for m in page.items]
        if not page.has_next:
            break
        after = page.cursors[-1]
    assert sorted(seen) == sorted(everyone) and len(everyone) == 48
    # A township admin still sees only the township's people.
    page = await cycles.list_members(session, town(0), cycle_id=cycle.id, first=100, after=None)
    assert page.items and {m.township_id for m in page.items} == {TOWNSHIPS[0]}
