"""The excellence share is 25% of the assessed (docs/domain.md §5): the department names 12.5% of
its people, the township — "综合各派驻部门评定情况" — another 12.5% of *its* stationed cadres across
departments; the county's total is 25% rounded down, never above, whatever the rounding."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from assessment_world import DEPARTMENTS, ORG, PEOPLE_PER_UNIT, TOWNSHIPS, cadre_id, dept, town
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from assessment import cycles
from assessment import excellence as ex
from assessment.models import Member
from servicekit.audit import AuditRecord
from servicekit.errors import RuleViolation

# department × township → people assessed (a county's shape: uneven, some pairs empty)
shape = st.dictionaries(st.tuples(st.integers(0, 7), st.integers(0, 13)), st.integers(0, 25), min_size=1, max_size=80)


@settings(max_examples=300, deadline=None)
@given(sizes=shape, rounding=st.sampled_from(ex.ROUNDINGS))
def test_rule_excellence_is_25_percent_of_the_assessed_for_any_shape_and_rounding(sizes, rounding):
    s = ex.Settings(rounding=rounding)
    n = sum(sizes.values())
    by_department, by_township = {}, {}
    for (d, t), k in sizes.items():
        by_department[d] = by_department.get(d, 0) + k
        by_township[t] = by_township.get(t, 0) + k
    first, second = ex.county_places(n, s)
    r1, r2 = ex.apportion(first, by_department), ex.apportion(second, by_township)
    total = sum(r1.values()) + sum(r2.values())
    assert total == math.floor(n * Decimal("0.25"))  # never above, less only by the fraction of one
    for shares, places, sizes_ in ((r1, first, by_department), (r2, second, by_township)):
        for k, share in shares.items():  # each within one place of its exact proportion
            assert abs(share - Decimal(places) * sizes_[k] / n) < 1 if n else share == 0
            assert share <= sizes_[k]


def test_the_old_per_pair_rounding_named_far_fewer_on_a_county_shaped_roster():
    """The demo's shape (6 departments unevenly over 12 townships): 12.5% per department ×
    township pair rounded down leaves most pairs with no place at all."""
    sizes = {(d, t): 2 + (d * 7 + t * 5) % 9 for d in range(6) for t in range(12)}
    n = sum(sizes.values())
    by_department = {d: sum(k for (dd, _), k in sizes.items() if dd == d) for d in range(6)}
    old = sum(ex.quota(k, Decimal("0.125"), "FLOOR") for k in by_department.values()) + sum(
        ex.quota(k, Decimal("0.125"), "FLOOR") for k in sizes.values()
    )
    first, second = ex.county_places(n, ex.Settings())
    assert old < 0.2 * n <= first + second == math.floor(n / 4)


async def _score_all(session, cycle):
    for d in range(len(DEPARTMENTS)):
        for t in range(len(TOWNSHIPS)):
            for n in range(PEOPLE_PER_UNIT):
                for side, who, value in (
                    ("TOWNSHIP", town(t), 60 + t * 5 + n * 3 + d),
                    ("DEPARTMENT", dept(d), 72 + n * 2 + t),
                ):
                    await cycles.set_score(
                        session,
                        who,
                        cycle_id=cycle.id,
                        cadre_id=cadre_id(d, t, n),
                        side=side,
                        score=Decimal(value),
                        reason=None,
                    )


async def _run_full_cycle(session, rounding: str, excused: list) -> tuple[int, int]:
    """Every department names its whole round-1 share, every township all the round-2 places its
    remaining shortlisted people can fill; returns (assessed, excellent)."""
    cycle = await cycles.open_cycle(
        session, ORG, year=2026, township_share=Decimal("0.6"), rounding=rounding, ties="EXCLUDE_TIED"
    )
    await _score_all(session, cycle)
    for c in excused:
        await cycles.excuse(session, ORG, cycle_id=cycle.id, cadre_id=c, reason="全年病假")
    for d, department in enumerate(DEPARTMENTS):
        flow = await cycles.make_shortlist(session, dept(d), cycle_id=cycle.id, department_id=department)
        best = (
            await session.scalars(
                select(Member.cadre_id)
                .where(Member.cycle_id == cycle.id, Member.department_id == department, Member.shortlisted.is_(True))
                .order_by(Member.total.desc(), Member.cadre_id)
            )
        ).all()
        await cycles.submit_round1(
            session, dept(d), cycle_id=cycle.id, department_id=department, cadre_ids=set(best[: flow.round1_quota])
        )
    places = await cycles.county_places(session, cycle)
    for t, township in enumerate(TOWNSHIPS):
        left = (
            await session.scalars(
                select(Member)
                .where(
                    Member.cycle_id == cycle.id,
                    Member.township_id == township,
                    Member.shortlisted.is_(True),
                    Member.excellent_round.is_(None),
                )
                .order_by(Member.total.desc(), Member.cadre_id)
            )
        ).all()[: places.township[township]]
        picks = {d: {m.cadre_id for m in left if m.department_id == d} for d in DEPARTMENTS}
        await cycles.submit_township_round2(session, town(t), cycle_id=cycle.id, township_id=township, picks=picks)
    assessed = len(DEPARTMENTS) * len(TOWNSHIPS) * PEOPLE_PER_UNIT - len(excused)
    excellent = await session.scalar(
        select(func.count()).where(Member.cycle_id == cycle.id, Member.excellent_round.is_not(None))
    )
    return assessed, excellent


@pytest.mark.parametrize("rounding", ex.ROUNDINGS)
async def test_rule_excellence_is_25_percent_of_the_assessed(session, rounding):
    # Five excused unevenly: 43 assessed, 22 and 21 per department, 13–16 per township.
    excused = [cadre_id(0, 0, 7), cadre_id(0, 0, 6), cadre_id(1, 1, 7), cadre_id(1, 2, 7), cadre_id(1, 2, 6)]
    assessed, excellent = await _run_full_cycle(session, rounding, excused)
    assert excellent == math.floor(assessed * 0.25) == 10  # 25% of 43 = 10.75: ten, never eleven


async def test_rule_excellence_quota_exceeded_when_an_excuse_would_lower_the_county_below_the_named(session):
    """Excusing people after others were named excellent may not push the named above 25%."""
    cycle = await cycles.open_cycle(
        session, ORG, year=2026, township_share=Decimal("0.6"), rounding="FLOOR", ties="EXCLUDE_TIED"
    )
    await _score_all(session, cycle)
    flow = await cycles.make_shortlist(session, dept(0), cycle_id=cycle.id, department_id=DEPARTMENTS[0])
    best = (
        await session.scalars(
            select(Member.cadre_id)
            .where(Member.cycle_id == cycle.id, Member.department_id == DEPARTMENTS[0], Member.shortlisted.is_(True))
            .order_by(Member.total.desc(), Member.cadre_id)
        )
    ).all()
    await cycles.submit_round1(
        session, dept(0), cycle_id=cycle.id, department_id=DEPARTMENTS[0], cadre_ids=set(best[: flow.round1_quota])
    )
    # The other department (still scoring) excuses 20 of its 24: 28 assessed, 7 places in all.
    people = [cadre_id(1, t, n) for t in range(len(TOWNSHIPS)) for n in range(PEOPLE_PER_UNIT)]
    for c in people[:20]:
        await cycles.excuse(session, ORG, cycle_id=cycle.id, cadre_id=c, reason="借调")
    # The townships fill round 2 from the first department's shortlist up to the county's places.
    places = await cycles.county_places(session, cycle)
    left = (
        await session.scalars(
            select(Member)
            .where(
                Member.cycle_id == cycle.id,
                Member.department_id == DEPARTMENTS[0],
                Member.shortlisted.is_(True),
                Member.excellent_round.is_(None),
            )
            .order_by(Member.total.desc(), Member.cadre_id)
        )
    ).all()
    for t, township in enumerate(TOWNSHIPS):
        picks = {m.cadre_id for m in left if m.township_id == township}
        picks = set(list(picks)[: places.township[township]])
        await cycles.submit_round2(
            session, town(t), cycle_id=cycle.id, department_id=DEPARTMENTS[0], township_id=township, cadre_ids=picks
        )
    used = await session.scalar(
        select(func.count()).where(Member.cycle_id == cycle.id, Member.excellent_round.is_not(None))
    )
    assert used == places.total  # 25% of 28 = 7
    audit_before = await session.scalar(select(func.count()).select_from(AuditRecord))
    with pytest.raises(RuleViolation) as err:
        await cycles.excuse(session, ORG, cycle_id=cycle.id, cadre_id=people[20], reason="借调")
    assert err.value.rule == "EXCELLENCE_QUOTA_EXCEEDED"
    assert (await session.get(Member, (cycle.id, people[20]))).excused is False
    assert await session.scalar(select(func.count()).select_from(AuditRecord)) == audit_before


@pytest.fixture(scope="module")
def demo_roster(database_url, run_prefix) -> list[dict]:
    """The demo's named list as personnel publishes it (its seed's cadre.stationed events)."""
    from devstack import ROOT
    from sqlalchemy.orm import Session

    from personnel import seed
    from personnel.config import PersonnelSettings
    from servicekit import db, migrations
    from servicekit.outbox import OutboxEvent

    settings = PersonnelSettings(database_url=database_url, db_prefix=f"{run_prefix}demo_", log_json=False)
    migrations.upgrade(ROOT / "services" / "personnel", settings)
    engine = db.make_sync_engine(settings)
    with Session(engine) as s, s.begin():
        seed.seed_demo(s, settings)
    with Session(engine) as s:
        events = [
            {"type": e.type, "payload": e.payload}
            for e in s.scalars(
                select(OutboxEvent).where(OutboxEvent.type == "cadre.stationed").order_by(OutboxEvent.id)
            )
        ]
    engine.dispose()
    return events


async def test_a_full_annual_cycle_on_the_demo_roster_names_25_percent(session, demo_roster):
    """On the demo data (566 in post, 6 departments unevenly over 12 townships), default settings —
    the demo's own cycle (``python -m assessment demo-cycle``, which ``make run`` runs): every
    department names its round-1 share, every township its round-2 places: 141 of 566, published."""
    from sqlalchemy import delete

    from assessment import demo
    from assessment.consumers import apply_cadre
    from assessment.models import Cycle, RosterEntry

    await session.execute(delete(RosterEntry))
    for event in demo_roster:
        await apply_cadre(session, event)
    result = await demo.annual_cycle(session, 2025)
    assert (result["year"], result["assessed"], result["places"]) == (2025, 566, 141)  # 25% of 566 = 141.5
    assert result["excellent"] in (140, 141)  # ±1 of rounding, never above
    cycle = (await session.scalars(select(Cycle).where(Cycle.year == 2025))).one()
    assert cycle.status == "PUBLISHED"
    assert (await demo.annual_cycle(session, 2025)) == {"skipped": "2025 already has an annual cycle"}
