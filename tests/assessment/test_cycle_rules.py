"""The annual cycle end to end, and each rule of it broken once."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from assessment_world import DEPARTMENTS, ORG, PEOPLE_PER_UNIT, TOWNSHIPS, cadre_id, dept, town
from sqlalchemy import select

from assessment import cycles
from assessment.models import DepartmentFlow, Member, TownshipRound
from servicekit.calendar import today
from servicekit.errors import BadInput, Forbidden, RuleViolation


async def _open(session, **kw):
    return await cycles.open_cycle(
        session,
        ORG,
        year=2026,
        township_share=kw.get("weight", Decimal("0.6")),
        rounding=kw.get("rounding", "FLOOR"),
        ties=kw.get("ties", "EXCLUDE_TIED"),
    )


async def _score_all(session, cycle, d=0):
    for t in range(len(TOWNSHIPS)):
        for n in range(PEOPLE_PER_UNIT):
            c = cadre_id(d, t, n)
            await cycles.set_score(
                session,
                town(t),
                cycle_id=cycle.id,
                cadre_id=c,
                side="TOWNSHIP",
                score=Decimal(60 + t * 5 + n * 3),
                reason=None,
            )
            await cycles.set_score(
                session,
                dept(d),
                cycle_id=cycle.id,
                cadre_id=c,
                side="DEPARTMENT",
                score=Decimal(72 + n * 2 + t),
                reason=None,
            )


async def test_the_annual_flow_in_the_reports_order(session):
    cycle = await _open(session)
    await _score_all(session, cycle)
    flow = await cycles.make_shortlist(session, dept(0), cycle_id=cycle.id, department_id=DEPARTMENTS[0])
    assert (flow.shortlist_quota, flow.round1_quota) == (9, 3)  # 24 people: 40% → 9, 12.5% → 3
    members = (
        await session.scalars(select(Member).where(Member.cycle_id == cycle.id, Member.department_id == DEPARTMENTS[0]))
    ).all()
    shortlisted = sorted((m for m in members if m.shortlisted), key=lambda m: m.total, reverse=True)
    # The scores give 24 distinct totals, so the shortlist is exactly the top nine of them.
    assert len({m.total for m in members}) == 24
    assert {m.cadre_id for m in shortlisted} == {m.cadre_id for m in sorted(members, key=lambda m: m.total)[-9:]}
    m = members[0]
    assert m.total == (Decimal("0.6") * m.township_score + Decimal("0.4") * m.department_score).quantize(
        Decimal("0.01")
    )
    round1 = {m.cadre_id for m in shortlisted[:3]}
    await cycles.submit_round1(session, dept(0), cycle_id=cycle.id, department_id=DEPARTMENTS[0], cadre_ids=round1)
    round2: set = set()
    for t, township in enumerate(TOWNSHIPS):
        r = await session.get(TownshipRound, (cycle.id, DEPARTMENTS[0], township))
        assert r.quota == 2  # 16 people in the township (both departments): 6 county places / 3 → 2
        remaining = [m.cadre_id for m in shortlisted if m.township_id == township and m.cadre_id not in round1]
        round2 |= set(remaining[:1])
        await cycles.submit_round2(
            session,
            town(t),
            cycle_id=cycle.id,
            department_id=DEPARTMENTS[0],
            township_id=township,
            cadre_ids=set(remaining[:1]),
        )
    flow = await session.get(DepartmentFlow, (cycle.id, DEPARTMENTS[0]))
    assert flow.status == "ROUND2_DONE"
    excellent = {m.cadre_id: m.excellent_round for m in members if m.excellent_round}
    assert excellent == {**{c: 1 for c in round1}, **{c: 2 for c in round2}}
    assert round2 and all(m.shortlisted for m in members if m.excellent_round)


async def test_rule_cycle_exists(session):
    await _open(session)
    with pytest.raises(RuleViolation) as err:
        await _open(session)
    assert err.value.rule == "CYCLE_EXISTS"


async def test_rule_score_out_of_range(session):
    cycle = await _open(session)
    with pytest.raises(RuleViolation) as err:
        await cycles.set_score(
            session, town(0), cycle_id=cycle.id, cadre_id=cadre_id(0, 0, 0), side="TOWNSHIP", score="101", reason=None
        )
    assert err.value.rule == "SCORE_OUT_OF_RANGE"


async def test_each_side_scores_only_its_own_cadres(session):
    cycle = await _open(session)
    with pytest.raises(Forbidden):
        await cycles.set_score(
            session, town(1), cycle_id=cycle.id, cadre_id=cadre_id(0, 0, 0), side="TOWNSHIP", score="80", reason=None
        )
    with pytest.raises(Forbidden):
        await cycles.set_score(
            session, dept(1), cycle_id=cycle.id, cadre_id=cadre_id(0, 0, 0), side="DEPARTMENT", score="80", reason=None
        )
    with pytest.raises(Forbidden):  # a township does not give the department's score
        await cycles.set_score(
            session, town(0), cycle_id=cycle.id, cadre_id=cadre_id(0, 0, 0), side="DEPARTMENT", score="80", reason=None
        )


async def test_rule_missing_scores(session):
    cycle = await _open(session)
    await cycles.set_score(
        session, town(0), cycle_id=cycle.id, cadre_id=cadre_id(0, 0, 0), side="TOWNSHIP", score="80", reason=None
    )
    with pytest.raises(RuleViolation) as err:
        await cycles.make_shortlist(session, dept(0), cycle_id=cycle.id, department_id=DEPARTMENTS[0])
    assert err.value.rule == "MISSING_SCORES"


async def test_rule_scoring_closed_after_the_shortlist(session):
    cycle = await _open(session)
    await _score_all(session, cycle)
    await cycles.make_shortlist(session, dept(0), cycle_id=cycle.id, department_id=DEPARTMENTS[0])
    with pytest.raises(RuleViolation) as err:
        await cycles.set_score(
            session, town(0), cycle_id=cycle.id, cadre_id=cadre_id(0, 0, 0), side="TOWNSHIP", score="99", reason="改分"
        )
    assert err.value.rule == "SCORING_CLOSED"


async def _to_round2(session):
    cycle = await _open(session)
    await _score_all(session, cycle)
    await cycles.make_shortlist(session, dept(0), cycle_id=cycle.id, department_id=DEPARTMENTS[0])
    members = (
        await session.scalars(
            select(Member).where(
                Member.cycle_id == cycle.id, Member.shortlisted.is_(True), Member.department_id == DEPARTMENTS[0]
            )
        )
    ).all()
    best = sorted(members, key=lambda m: m.total, reverse=True)
    return cycle, best


async def test_rule_flow_out_of_order(session):
    cycle, best = await _to_round2(session)
    with pytest.raises(RuleViolation) as err:  # round 2 before the department has named round 1
        await cycles.submit_round2(
            session, town(0), cycle_id=cycle.id, department_id=DEPARTMENTS[0], township_id=TOWNSHIPS[0], cadre_ids=set()
        )
    assert err.value.rule == "FLOW_OUT_OF_ORDER"


async def test_rule_excellence_quota_exceeded(session):
    cycle, best = await _to_round2(session)
    with pytest.raises(RuleViolation) as err:
        await cycles.submit_round1(
            session, dept(0), cycle_id=cycle.id, department_id=DEPARTMENTS[0], cadre_ids={m.cadre_id for m in best[:4]}
        )
    assert err.value.rule == "EXCELLENCE_QUOTA_EXCEEDED"


async def test_rules_of_round_two(session):
    cycle, best = await _to_round2(session)
    round1 = {m.cadre_id for m in best[:3]}
    await cycles.submit_round1(session, dept(0), cycle_id=cycle.id, department_id=DEPARTMENTS[0], cadre_ids=round1)
    first = best[0]
    t = TOWNSHIPS.index(first.township_id)
    with pytest.raises(RuleViolation) as err:
        await cycles.submit_round2(
            session,
            town(t),
            cycle_id=cycle.id,
            department_id=DEPARTMENTS[0],
            township_id=first.township_id,
            cadre_ids={first.cadre_id},
        )
    assert err.value.rule == "ALREADY_EXCELLENT"
    elsewhere = next(m for m in best[3:] if m.township_id != first.township_id)
    with pytest.raises(RuleViolation) as err:
        await cycles.submit_round2(
            session,
            town(t),
            cycle_id=cycle.id,
            department_id=DEPARTMENTS[0],
            township_id=first.township_id,
            cadre_ids={elsewhere.cadre_id},
        )
    assert err.value.rule == "PICK_OUTSIDE_TOWNSHIP"
    await cycles.submit_round2(
        session,
        town(t),
        cycle_id=cycle.id,
        department_id=DEPARTMENTS[0],
        township_id=first.township_id,
        cadre_ids=set(),
    )
    with pytest.raises(RuleViolation) as err:
        await cycles.submit_round2(
            session,
            town(t),
            cycle_id=cycle.id,
            department_id=DEPARTMENTS[0],
            township_id=first.township_id,
            cadre_ids=set(),
        )
    assert err.value.rule == "ROUND2_ALREADY_SUBMITTED"
    with pytest.raises(Forbidden):  # another township cannot report for it
        await cycles.submit_round2(
            session,
            town((t + 1) % 3),
            cycle_id=cycle.id,
            department_id=DEPARTMENTS[0],
            township_id=first.township_id,
            cadre_ids=set(),
        )


@pytest.mark.parametrize("who", [dept(0), town(0)])
async def test_only_the_organisation_department_opens_a_cycle(session, who):
    with pytest.raises(Forbidden):
        await cycles.open_cycle(
            session, who, year=2026, township_share=Decimal("0.6"), rounding="FLOOR", ties="EXCLUDE_TIED"
        )


async def test_normalisation_evens_out_a_lenient_township(session):
    cycle = await _open(session)
    await _score_all(session, cycle)
    # Township 2 is lenient: everyone gets 10 more. Normalised, its people are not ahead for it.
    for n in range(PEOPLE_PER_UNIT):
        m = await session.get(Member, (cycle.id, cadre_id(0, 2, n)))
        m.township_score += 10
    await session.flush()
    ids = [cadre_id(0, t, 3) for t in range(3)]
    normal = await cycles.normalized_totals(session, cycle.id, ids)
    t_scores = [normal[i] for i in ids]
    assert max(t_scores) - min(t_scores) < Decimal("5")  # same rank in each township → about the same T-score


async def test_regular_cycles_collect_scores_without_an_excellence_flow(session):
    quarter = await cycles.open_cycle(
        session, ORG, year=2026, period="2026-Q4", township_share=Decimal("0.6"), rounding="FLOOR", ties="EXCLUDE_TIED"
    )
    assert quarter.kind == "REGULAR"
    annual = await _open(session)  # the annual cycle does not overlap the quarter
    assert annual.kind == "ANNUAL"
    with pytest.raises(RuleViolation) as err:
        await cycles.open_cycle(
            session,
            ORG,
            year=2026,
            period="2026-Q4",
            township_share=Decimal("0.6"),
            rounding="FLOOR",
            ties="EXCLUDE_TIED",
        )
    assert err.value.rule == "CYCLE_EXISTS"
    await _score_all(session, quarter)
    with pytest.raises(RuleViolation) as err:
        await cycles.make_shortlist(session, dept(0), cycle_id=quarter.id, department_id=DEPARTMENTS[0])
    assert err.value.rule == "FLOW_OUT_OF_ORDER"
    with pytest.raises(BadInput):
        await cycles.open_cycle(
            session,
            ORG,
            year=2026,
            period="2025-Q4",
            township_share=Decimal("0.6"),
            rounding="FLOOR",
            ties="EXCLUDE_TIED",
        )


async def _move(session, cadre, to_township: int, on: dt.date):
    from assessment.consumers import apply_cadre

    await apply_cadre(
        session,
        {
            "type": "cadre.moved",
            "occurred_at": f"{on.isoformat()}T09:00:00+08:00",
            "payload": {
                "cadre_id": str(cadre),
                "name": "调动干部",
                "department_id": str(DEPARTMENTS[0]),
                "township_id": str(TOWNSHIPS[to_township]),
                "agency_id": str(uuid.UUID(int=300 + to_township)),
                "status": "IN_POST",
                "professional_line": "x",
                "is_enforcement": True,
                "posted_on": on.isoformat(),
                "effective_date": on.isoformat(),
            },
        },
    )


async def test_rule_moved_cadre_is_assessed_where_the_cycle_says(session):
    """年内调动: moved from township 0 to township 1 on 1 October — the township at opening is 1,
    the longest stay of the year is 0."""
    from assessment.models import Member

    mover = cadre_id(0, 0, 0)
    await _move(session, mover, 1, dt.date(2026, 10, 1))
    await _move(session, mover, 1, dt.date(2026, 10, 1))  # redelivered: nothing changes
    at_opening = await cycles.open_cycle(
        session, ORG, year=2026, period="2026-Q3", township_share=Decimal("0.6"), rounding="FLOOR", ties="EXCLUDE_TIED"
    )
    longest = await cycles.open_cycle(
        session,
        ORG,
        year=2026,
        township_share=Decimal("0.6"),
        rounding="FLOOR",
        ties="EXCLUDE_TIED",
        assessed_where="LONGEST_STAY",
    )
    assert (await session.get(Member, (at_opening.id, mover))).township_id == TOWNSHIPS[1]
    member = await session.get(Member, (longest.id, mover))
    assert (member.township_id, member.agency_id) == (TOWNSHIPS[0], uuid.UUID(int=300))
    assert longest.assessed_where == "LONGEST_STAY"
    # So township 0 scores them in that cycle, and township 1 may not.
    with pytest.raises(Forbidden):
        await cycles.set_score(
            session, town(1), cycle_id=longest.id, cadre_id=mover, side="TOWNSHIP", score=Decimal(90), reason=None
        )
    await cycles.set_score(
        session, town(0), cycle_id=longest.id, cadre_id=mover, side="TOWNSHIP", score=Decimal(90), reason=None
    )
    with pytest.raises(BadInput):
        await cycles.open_cycle(
            session,
            ORG,
            year=2026,
            period="2026-Q2",
            township_share=Decimal("0.6"),
            rounding="FLOOR",
            ties="EXCLUDE_TIED",
            assessed_where="WHEREVER",
        )


def test_the_longest_stay_counts_days_in_the_period_and_a_tie_goes_to_the_later_stay():
    from assessment import stays

    a, b = uuid.UUID(int=1), uuid.UUID(int=2)
    start, end = stays.period_bounds("2026-Q4")
    assert (start, end) == (dt.date(2026, 10, 1), dt.date(2027, 1, 1))
    assert stays.period_bounds("2026-02") == (dt.date(2026, 2, 1), dt.date(2026, 3, 1))
    split = [
        stays.Stay(a, a, dt.date(2020, 1, 1), dt.date(2026, 11, 16)),
        stays.Stay(b, b, dt.date(2026, 11, 16), None),
    ]
    assert stays.longest(split, start, end).township_id == b  # 46 days against 46: the later stay wins
    assert stays.longest(split, dt.date(2026, 10, 1), dt.date(2026, 12, 31)).township_id == a  # 46 against 45
    assert stays.longest(split, dt.date(2026, 10, 2), dt.date(2027, 1, 1)).township_id == b  # 45 against 46


@pytest.mark.parametrize("share", [Decimal("0"), Decimal("1"), Decimal("1.5"), Decimal("-0.4"), Decimal("0.6001")])
async def test_township_share_is_a_fraction_between_0_and_1(session, share):
    with pytest.raises(BadInput):
        await _open(session, weight=share)
    assert (await session.scalars(select(Member))).first() is None


async def test_a_township_share_of_0_55_weighs_the_total(session):
    cycle = await _open(session, weight=Decimal("0.55"))
    c = cadre_id(0, 0, 0)
    await cycles.set_score(
        session, town(0), cycle_id=cycle.id, cadre_id=c, side="TOWNSHIP", score=Decimal(80), reason=None
    )
    await cycles.set_score(
        session, dept(0), cycle_id=cycle.id, cadre_id=c, side="DEPARTMENT", score=Decimal(90), reason=None
    )
    assert (cycle.township_weight, cycles.settings_of(cycle).department_weight) == (Decimal("0.55"), Decimal("0.45"))


async def test_batch_scores_write_every_item(session):
    cycle = await _open(session)
    items = [cycles.ScoreItem(cadre_id=cadre_id(0, 0, n), score=Decimal(70 + n)) for n in range(PEOPLE_PER_UNIT)]
    members = await cycles.set_scores(session, town(0), cycle_id=cycle.id, side="TOWNSHIP", items=items)
    assert [m.cadre_id for m in members] == [i.cadre_id for i in items]  # in the order asked
    assert [m.township_score for m in members] == [Decimal(70 + n) for n in range(PEOPLE_PER_UNIT)]


async def test_batch_scores_refused_item_writes_nothing_and_names_the_item(session):
    cycle = await _open(session)
    items = [cycles.ScoreItem(cadre_id=cadre_id(0, 0, n), score=Decimal(70)) for n in range(3)]
    items.append(cycles.ScoreItem(cadre_id=cadre_id(0, 1, 0), score=Decimal(70)))  # another township's cadre
    with pytest.raises(Forbidden) as refused:
        await cycles.set_scores(session, town(0), cycle_id=cycle.id, side="TOWNSHIP", items=items)
    assert refused.value.extensions()["index"] == 3
    scored = (
        await session.scalars(select(Member).where(Member.cycle_id == cycle.id, Member.township_score.is_not(None)))
    ).all()
    assert scored == []
    items[1] = cycles.ScoreItem(cadre_id=cadre_id(0, 0, 1), score=Decimal(101))
    with pytest.raises(RuleViolation) as out_of_range:
        await cycles.set_scores(session, town(0), cycle_id=cycle.id, side="TOWNSHIP", items=items[:3])
    assert (out_of_range.value.rule, out_of_range.value.extensions()["index"]) == ("SCORE_OUT_OF_RANGE", 1)


async def test_batch_scores_refuse_a_repeated_person_and_an_empty_or_oversized_list(session):
    cycle = await _open(session)
    same = cycles.ScoreItem(cadre_id=cadre_id(0, 0, 0), score=Decimal(70))
    for items in ([same, same], [], [same] * (cycles.MAX_SCORES_PER_CALL + 1)):
        with pytest.raises(BadInput):
            await cycles.set_scores(session, town(0), cycle_id=cycle.id, side="TOWNSHIP", items=items)


@pytest.mark.parametrize("year", [today().year + 2, 1999, 20260, -1])
async def test_rule_cycle_year_out_of_range(session, year):
    with pytest.raises(RuleViolation) as refused:
        await cycles.open_cycle(
            session,
            ORG,
            year=year,
            township_share=Decimal("0.6"),
            rounding="FLOOR",
            ties="EXCLUDE_TIED",
        )
    assert refused.value.rule == "CYCLE_YEAR_OUT_OF_RANGE"
    assert (await session.scalars(select(Member))).first() is None
