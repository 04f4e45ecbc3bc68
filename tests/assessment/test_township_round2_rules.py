"""第二轮 as a township reports it: one report for every department stationed with it, checked
department by department and written all or nothing."""

from __future__ import annotations

import pytest
from assessment_world import DEPARTMENTS, TOWNSHIPS, dept, town
from gqlutil import execute
from sqlalchemy import func, select
from test_cycle_rules import _open, _score_all

from assessment import cycles, events
from assessment.graphql import schema
from assessment.models import DepartmentFlow, Member, TownshipRound
from servicekit.audit import AuditRecord
from servicekit.errors import BadInput, RuleViolation
from servicekit.outbox import OutboxEvent


async def _both_departments_at_round2(session):
    """Both departments shortlisted and round 1 sent; returns the cycle and, per department and
    township, its remaining shortlisted people best first."""
    cycle = await _open(session)
    remaining = {}
    for d, department in enumerate(DEPARTMENTS):
        await _score_all(session, cycle, d)
        await cycles.make_shortlist(session, dept(d), cycle_id=cycle.id, department_id=department)
        best = (
            await session.scalars(
                select(Member)
                .where(Member.cycle_id == cycle.id, Member.department_id == department, Member.shortlisted.is_(True))
                .order_by(Member.total.desc(), Member.cadre_id)
            )
        ).all()
        flow = await session.get(DepartmentFlow, (cycle.id, department))
        round1 = {m.cadre_id for m in best[: flow.round1_quota]}
        await cycles.submit_round1(session, dept(d), cycle_id=cycle.id, department_id=department, cadre_ids=round1)
        for township in TOWNSHIPS:
            remaining[department, township] = [
                m.cadre_id for m in best if m.township_id == township and m.cadre_id not in round1
            ]
    return cycle, remaining


async def _excellent_in_round2(session, cycle):
    return set(
        (
            await session.scalars(
                select(Member.cadre_id).where(Member.cycle_id == cycle.id, Member.excellent_round == 2)
            )
        ).all()
    )


async def test_a_township_reports_round_two_for_every_department_at_once(session):
    cycle, remaining = await _both_departments_at_round2(session)
    picked = set()
    for t, township in enumerate(TOWNSHIPS):
        picks = {d: set(remaining[d, township][:1]) for d in DEPARTMENTS}
        picked |= set().union(*picks.values())
        rounds = await cycles.submit_township_round2(
            session, town(t), cycle_id=cycle.id, township_id=township, picks=picks
        )
        assert [(r.department_id, r.township_id, r.submitted) for r in rounds] == [
            (d, township, True) for d in DEPARTMENTS
        ]
        flows = (await session.scalars(select(DepartmentFlow).where(DepartmentFlow.cycle_id == cycle.id))).all()
        # A department's flow is done when its last township has reported, not before.
        done = "ROUND2_DONE" if t == len(TOWNSHIPS) - 1 else "ROUND1_SENT"
        assert {f.status for f in flows} == {done}
    assert len(picked) == len(DEPARTMENTS) * len(TOWNSHIPS)
    assert await _excellent_in_round2(session, cycle) == picked
    decided = (
        await session.scalars(select(OutboxEvent.aggregate_id).where(OutboxEvent.type == events.EXCELLENCE_DECIDED))
    ).all()
    assert sorted(decided) == sorted(f"{cycle.id}:{d}" for d in DEPARTMENTS)
    audited = (
        await session.scalars(
            select(AuditRecord.entity_id).where(AuditRecord.action == "excellence.round2").order_by(AuditRecord.seq)
        )
    ).all()
    assert audited == [f"{cycle.id}:{d}:{t}" for t in TOWNSHIPS for d in DEPARTMENTS]


async def test_rule_township_round2_is_all_or_nothing(session):
    cycle, remaining = await _both_departments_at_round2(session)
    township = TOWNSHIPS[0]
    quota = (await session.get(TownshipRound, (cycle.id, DEPARTMENTS[1], township))).quota
    picks = {DEPARTMENTS[0]: set(remaining[DEPARTMENTS[0], township][:1])}
    # The township's places are shared: the first department's pick leaves quota − 1 for the second.
    picks[DEPARTMENTS[1]] = set(remaining[DEPARTMENTS[1], township][:quota])
    assert len(picks[DEPARTMENTS[1]]) == quota
    audit_before = await session.scalar(select(func.count()).select_from(AuditRecord))
    with pytest.raises(RuleViolation) as err:
        await cycles.submit_township_round2(session, town(0), cycle_id=cycle.id, township_id=township, picks=picks)
    assert (err.value.rule, err.value.extra["index"]) == ("EXCELLENCE_QUOTA_EXCEEDED", 1)
    assert err.value.message == f"本乡镇第二轮名额尚余 {quota - 1} 名 (各部门共用)"
    # The first department's valid picks were not written either.
    assert await _excellent_in_round2(session, cycle) == set()
    rounds = (await session.scalars(select(TownshipRound).where(TownshipRound.cycle_id == cycle.id))).all()
    assert not any(r.submitted for r in rounds)
    assert await session.scalar(select(func.count()).select_from(AuditRecord)) == audit_before


async def test_rule_round2_already_submitted_names_the_department_in_a_township_report(session):
    cycle, remaining = await _both_departments_at_round2(session)
    township = TOWNSHIPS[1]
    await cycles.submit_round2(
        session, town(1), cycle_id=cycle.id, department_id=DEPARTMENTS[1], township_id=township, cadre_ids=set()
    )
    with pytest.raises(RuleViolation) as err:
        await cycles.submit_township_round2(
            session, town(1), cycle_id=cycle.id, township_id=township, picks={d: set() for d in DEPARTMENTS}
        )
    assert (err.value.rule, err.value.extra["index"]) == ("ROUND2_ALREADY_SUBMITTED", 1)
    assert not (await session.get(TownshipRound, (cycle.id, DEPARTMENTS[0], township))).submitted


async def test_a_township_report_needs_one_to_200_departments(session):
    cycle, _ = await _both_departments_at_round2(session)
    with pytest.raises(BadInput):
        await cycles.submit_township_round2(session, town(0), cycle_id=cycle.id, township_id=TOWNSHIPS[0], picks={})
    import uuid

    many = {uuid.UUID(int=10_000 + i): set() for i in range(cycles.MAX_ROUND2_DEPARTMENTS + 1)}
    with pytest.raises(BadInput) as err:
        await cycles.submit_township_round2(session, town(0), cycle_id=cycle.id, township_id=TOWNSHIPS[0], picks=many)
    assert str(cycles.MAX_ROUND2_DEPARTMENTS) in err.value.message


REPORT = """mutation($i: TownshipRound2Input!) { submitTownshipExcellenceRound2(input: $i) {
  department { id } township { id } quota used remaining submitted } }"""


async def test_the_township_report_through_graphql_names_each_department_and_refuses_a_repeated_one(session):
    cycle, remaining = await _both_departments_at_round2(session)
    township = TOWNSHIPS[2]
    items = [{"departmentId": str(d), "cadreIds": [str(c) for c in remaining[d, township][:1]]} for d in DEPARTMENTS]
    variables = {"i": {"cycleId": str(cycle.id), "townshipId": str(township), "departments": [items[0], items[0]]}}
    data, errors = await execute(schema, session, town(2), REPORT, variables)
    assert [(e["code"], e.get("index")) for e in errors] == [("BAD_USER_INPUT", 1)]
    variables["i"]["departments"] = items
    data, errors = await execute(schema, session, town(2), REPORT, variables)
    assert not errors, errors
    assert [
        (p["department"]["id"], p["township"]["id"], p["used"], p["submitted"])
        for p in data["submitTownshipExcellenceRound2"]
    ] == [(str(d), str(township), 2, True) for d in DEPARTMENTS]  # the township's places, both departments
    assert all(p["remaining"] == p["quota"] - 2 for p in data["submitTownshipExcellenceRound2"])
    # another township's admin cannot report for it
    _, errors = await execute(schema, session, town(0), REPORT, variables)
    assert [e["code"] for e in errors] == ["FORBIDDEN"]
