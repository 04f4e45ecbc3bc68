"""What each step of a cycle reads is that cycle's and that department's own: two cycles of the same
people side by side, two departments in one township; the cycle's own rounding and tie rule at the
shortlist; batch limits at their edges; pages with people of the same name; the normalised total
by value."""

from __future__ import annotations

import datetime as dt
import statistics
import uuid
from decimal import Decimal

from assessment_world import (
    DEPARTMENTS,
    ORG,
    PEOPLE_PER_UNIT,
    TOWNSHIPS,
    cadre_id,
    dept,
    person,
    round2_candidate,
    town,
)
from dbutil import refused
from sqlalchemy import insert, select, update
from test_cycle_refusals import _opening
from test_cycle_rules import _score_all
from test_publication_rules import _complete

from assessment import cycles, schemes
from assessment.models import Member, Objection
from servicekit.audit import AuditRecord
from servicekit.calendar import today
from servicekit.errors import NotFound, RuleViolation
from servicekit.principal import Role

C0 = cadre_id(0, 0, 0)  # the lowest scores of _score_all in department 0


async def _cycle(session, year=2026, **kw):
    return await cycles.open_cycle(session, ORG, **_opening(year=year, **kw))


async def _shortlisted(session, cycle, d=0):
    await cycles.make_shortlist(session, dept(d), cycle_id=cycle.id, department_id=DEPARTMENTS[d])
    return set(
        (
            await session.scalars(
                select(Member.cadre_id).where(
                    Member.cycle_id == cycle.id, Member.department_id == DEPARTMENTS[d], Member.shortlisted.is_(True)
                )
            )
        ).all()
    )


async def _best(session, cycle, d=0) -> list[uuid.UUID]:
    return list(
        (
            await session.scalars(
                select(Member.cadre_id)
                .where(
                    Member.cycle_id == cycle.id, Member.department_id == DEPARTMENTS[d], Member.shortlisted.is_(True)
                )
                .order_by(Member.total.desc(), Member.cadre_id)
            )
        ).all()
    )


# ---- two cycles of the same people ----------------------------------------------------------------------


async def test_each_cycles_rounds_read_that_cycles_shortlist_only(session):
    last_year = await _cycle(session, 2025)
    await _score_all(session, last_year, 0)
    await session.execute(
        update(Member)
        .where(Member.cycle_id == last_year.id, Member.cadre_id == C0)
        .values(township_score=100, department_score=100)
    )
    assert C0 in await _shortlisted(session, last_year)
    this_year = await _cycle(session, 2026)
    await _score_all(session, this_year, 0)
    assert C0 not in await _shortlisted(session, this_year)
    err = await refused(
        session,
        RuleViolation,
        cycles.submit_round1(session, dept(0), cycle_id=this_year.id, department_id=DEPARTMENTS[0], cadre_ids={C0}),
    )
    assert err.rule == "PICK_NOT_SHORTLISTED"
    # Last year's township 0 has reported its round 2; this year's has not.
    await cycles.submit_round1(session, dept(0), cycle_id=last_year.id, department_id=DEPARTMENTS[0], cadre_ids={C0})
    # Last year's township 0 named someone in round 2.
    last_years_pick = await round2_candidate(session, last_year.id, 0, 0)
    await cycles.submit_round2(
        session,
        town(0),
        cycle_id=last_year.id,
        department_id=DEPARTMENTS[0],
        township_id=TOWNSHIPS[0],
        cadre_ids={last_years_pick},
    )
    best = await _best(session, this_year)
    await cycles.submit_round1(
        session, dept(0), cycle_id=this_year.id, department_id=DEPARTMENTS[0], cadre_ids=set(best[:2])
    )
    err = await refused(
        session,
        RuleViolation,
        cycles.submit_round2(
            session,
            town(0),
            cycle_id=this_year.id,
            department_id=DEPARTMENTS[0],
            township_id=TOWNSHIPS[0],
            cadre_ids={C0},
        ),
    )
    assert err.rule == "PICK_NOT_SHORTLISTED"
    [r] = await cycles.submit_township_round2(
        session, town(0), cycle_id=this_year.id, township_id=TOWNSHIPS[0], picks={DEPARTMENTS[0]: set()}
    )
    assert (r.cycle_id, r.department_id, r.township_id, r.submitted) == (
        this_year.id,
        DEPARTMENTS[0],
        TOWNSHIPS[0],
        True,
    )
    flow, round1_used, per_town = await cycles.places(session, ORG, cycle_id=this_year.id, department_id=DEPARTMENTS[0])
    assert round1_used == 2 and [(t.township_id, used) for t, used in per_town] == [(t, 0) for t in TOWNSHIPS]


async def test_another_cycles_unfinished_flows_and_open_objections_do_not_hold_this_one(session):
    unfinished = await _cycle(session, 2025)
    session.add(Objection(cycle_id=unfinished.id, cadre_id=C0, about_cadre_id=C0, text="去年的异议"))
    await session.flush()
    cycle = await _complete(session)
    await cycles.publish(session, ORG, cycle_id=cycle.id, objection_days=1)
    cycle.objection_deadline = today().replace(year=today().year - 1)
    await cycles.approve(session, ORG, cycle_id=cycle.id)
    assert (cycle.status, unfinished.status) == ("APPROVED", "OPEN")


async def test_completeness_lists_this_cycles_people_only(session):
    await _cycle(session, 2025)
    cycle = await _cycle(session, 2026)
    missing = await cycles.completeness(session, town(0), cycle_id=cycle.id)
    assert len(missing) == 2 * PEOPLE_PER_UNIT and {m.cycle_id for m, _ in missing} == {cycle.id}


# ---- two departments in one cycle -----------------------------------------------------------------------


async def test_places_count_one_departments_round1_and_the_townships_shared_round2(session):
    cycle = await _cycle(session)
    for d in range(2):
        await _score_all(session, cycle, d)
        await _shortlisted(session, cycle, d)
    _, round1_used, per_town = await cycles.places(session, ORG, cycle_id=cycle.id, department_id=DEPARTMENTS[0])
    assert round1_used == 0 and len(per_town) == 3
    await cycles.submit_round1(
        session,
        dept(1),
        cycle_id=cycle.id,
        department_id=DEPARTMENTS[1],
        cadre_ids=set((await _best(session, cycle, 1))[:3]),
    )
    await cycles.submit_round1(
        session,
        dept(0),
        cycle_id=cycle.id,
        department_id=DEPARTMENTS[0],
        cadre_ids=set((await _best(session, cycle, 0))[:1]),
    )
    candidate = await round2_candidate(session, cycle.id, 1, 2)
    await cycles.submit_round2(
        session,
        town(2),
        cycle_id=cycle.id,
        department_id=DEPARTMENTS[1],
        township_id=TOWNSHIPS[2],
        cadre_ids={candidate},
    )
    _, round1_used, per_town = await cycles.places(session, ORG, cycle_id=cycle.id, department_id=DEPARTMENTS[0])
    assert round1_used == 1
    # Round 2's places belong to the township, all departments together: the other department's
    # pick in township 2 is counted on this department's row too.
    assert [(r.department_id, r.township_id, used) for r, used in per_town] == [
        (DEPARTMENTS[0], t, 1 if t == TOWNSHIPS[2] else 0) for t in TOWNSHIPS
    ]


async def test_a_department_picks_from_its_own_shortlist_only(session):
    cycle = await _cycle(session)
    for d in range(2):
        await _score_all(session, cycle, d)
        await _shortlisted(session, cycle, d)
    theirs = (await _best(session, cycle, 1))[0]
    err = await refused(
        session,
        RuleViolation,
        cycles.submit_round1(session, dept(0), cycle_id=cycle.id, department_id=DEPARTMENTS[0], cadre_ids={theirs}),
    )
    assert err.rule == "PICK_NOT_SHORTLISTED"
    mine = await _best(session, cycle, 0)
    outside = next(c for c in (cadre_id(0, 0, n) for n in range(8)) if c not in mine)
    err = await refused(
        session,
        RuleViolation,
        cycles.submit_round1(session, dept(0), cycle_id=cycle.id, department_id=DEPARTMENTS[0], cadre_ids={outside}),
    )
    assert err.rule == "PICK_NOT_SHORTLISTED"


# ---- the cycle's own rounding and tie rule ---------------------------------------------------------------


async def test_the_shortlist_uses_the_cycles_rounding(session):
    cycle = await _cycle(session, rounding="CEIL")
    await _score_all(session, cycle, 0)
    flow = await cycles.make_shortlist(session, dept(0), cycle_id=cycle.id, department_id=DEPARTMENTS[0])
    assert (flow.shortlist_quota, flow.round1_quota) == (10, 3)  # 24 × 40% = 9.6 → 10; × 12.5% = 3


async def test_the_shortlist_uses_the_cycles_tie_rule_with_the_township_scores(session):
    cycle = await _cycle(session, ties="TOWNSHIP_SCORE_THEN_EXCLUDE")
    people = [cadre_id(0, t, n) for t in range(3) for n in range(PEOPLE_PER_UNIT)]
    top, tied_high, tied_low = people[:8], people[8], people[9]
    scores = {c: (Decimal(60), Decimal(60)) for c in people}
    scores.update({c: (Decimal(90), Decimal(90)) for c in top})
    # Both total 76 (0.6·T + 0.4·D) for the ninth place; the township's score breaks the tie.
    scores[tied_high], scores[tied_low] = (Decimal(80), Decimal(70)), (Decimal(70), Decimal(85))
    await session.execute(
        update(Member)
        .where(Member.cycle_id == cycle.id, Member.department_id == DEPARTMENTS[0])
        .values(township_score=Decimal(60), department_score=Decimal(60))
    )
    for c, (t, d) in scores.items():
        await session.execute(
            update(Member)
            .where(Member.cycle_id == cycle.id, Member.cadre_id == c)
            .values(township_score=t, department_score=d)
        )
    shortlisted = await _shortlisted(session, cycle)
    assert shortlisted == set(top) | {tied_high}


# ---- batch limits at their edges -------------------------------------------------------------------------


async def test_a_batch_of_500_scores_is_checked_item_by_item(session):
    cycle = await _cycle(session)
    items = [cycles.ScoreItem(uuid.UUID(int=50_000 + i), "80") for i in range(500)]
    err = await refused(
        session, NotFound, cycles.set_scores(session, town(0), cycle_id=cycle.id, side="TOWNSHIP", items=items)
    )
    assert (err.message, err.extra) == ("该人员不在本考核周期名单中", {"index": 0})


async def test_a_round_two_report_of_200_departments_is_checked_department_by_department(session):
    cycle = await _cycle(session)
    picks = {uuid.UUID(int=60_000 + i): set() for i in range(200)}
    err = await refused(
        session,
        NotFound,
        cycles.submit_township_round2(session, town(0), cycle_id=cycle.id, township_id=TOWNSHIPS[0], picks=picks),
    )
    assert (err.message, err.extra) == ("该部门不在本考核周期内", {"index": 0})


async def test_a_batch_keeps_each_items_reason_and_indicator_scores(session):
    await schemes.create(
        session,
        dept(0),
        assessor_kind="DEPARTMENT",
        assessor_id=DEPARTMENTS[0],
        period_type="ANNUAL",
        indicators={"RESULTS": ("工作实绩", 60), "CONDUCT": ("思想作风", 40)},
    )
    cycle = await _cycle(session)
    members = await cycles.set_scores(
        session,
        dept(0),
        cycle_id=cycle.id,
        side="DEPARTMENT",
        items=[
            cycles.ScoreItem(
                C0, None, reason="按方案评分", indicator_scores={"RESULTS": Decimal(90), "CONDUCT": Decimal(80)}
            ),
            cycles.ScoreItem(cadre_id(0, 1, 0), "70", reason="直接给分"),
        ],
    )
    assert [m.department_score for m in members] == [Decimal("86.00"), Decimal("70.00")]  # 54 + 32
    reasons = (
        await session.scalars(
            select(AuditRecord.reason).where(AuditRecord.action == "score.set").order_by(AuditRecord.seq)
        )
    ).all()
    assert reasons[-2:] == ["按方案评分", "直接给分"]


# ---- pages and lists -------------------------------------------------------------------------------------


async def test_members_with_the_same_name_page_by_id(session):
    cycle = await _cycle(session)
    names = {0: "B", 1: "A", 2: "A", 7: "A"}
    for n in range(PEOPLE_PER_UNIT):
        await session.execute(
            update(Member)
            .where(Member.cycle_id == cycle.id, Member.cadre_id == cadre_id(0, 0, n))
            .values(name=names.get(n, "B"))
        )
    seen, after = [], None
    while True:
        page = await cycles.list_members(
            session,
            ORG,
            cycle_id=cycle.id,
            first=2,
            after=after,
            department_id=DEPARTMENTS[0],
            township_id=TOWNSHIPS[0],
        )
        seen += [m.cadre_id for m in page.items]
        if not page.has_next:
            break
        after = page.cursors[-1]
    assert seen == [cadre_id(0, 0, n) for n in (1, 2, 7, 0, 3, 4, 5, 6)]
    # The same order where completeness lists them (by name, then id).
    listed = [m.cadre_id for m, _ in await cycles.completeness(session, dept(0), cycle_id=cycle.id)]
    assert [c for c in listed if c in set(seen)] == seen


async def test_completeness_names_each_missing_side_and_leaves_out_the_excused(session):
    cycle = await _cycle(session)
    a, b, c = cadre_id(0, 0, 1), cadre_id(0, 0, 2), cadre_id(0, 0, 3)
    await cycles.set_score(session, dept(0), cycle_id=cycle.id, cadre_id=a, side="DEPARTMENT", score="80", reason=None)
    await cycles.set_score(session, town(0), cycle_id=cycle.id, cadre_id=b, side="TOWNSHIP", score="80", reason=None)
    await cycles.excuse(session, ORG, cycle_id=cycle.id, cadre_id=c, reason="长期病假")
    missing = {m.cadre_id: sides for m, sides in await cycles.completeness(session, dept(0), cycle_id=cycle.id)}
    assert (missing[a], missing[b], c in missing) == (["TOWNSHIP"], ["DEPARTMENT"], False)


async def test_completeness_lists_at_most_1000_people(session):
    cycle = await _cycle(session)
    await session.execute(
        insert(Member),
        [
            {
                "cycle_id": cycle.id,
                "cadre_id": uuid.UUID(int=70_000 + i),
                "name": f"补{i:04d}",
                "department_id": DEPARTMENTS[0],
                "township_id": TOWNSHIPS[0],
                "agency_id": uuid.UUID(int=300),
            }
            for i in range(1000)
        ],
    )
    assert len(await cycles.completeness(session, ORG, cycle_id=cycle.id)) == 1000  # of 1048


# ---- the normalised total --------------------------------------------------------------------------------


def _t(x, values):
    values = [float(v) for v in values]
    sd = statistics.pstdev(values)
    return 50.0 if not sd else 50 + 10 * (float(x) - statistics.fmean(values)) / sd


async def test_the_normalised_total_is_the_weighted_t_scores_within_each_assessor(session):
    other = await _cycle(session, 2025)  # last year's scores are no part of this year's statistics
    await _score_all(session, other, 0)
    await session.execute(
        update(Member).where(Member.cycle_id == other.id).values(township_score=1, department_score=99)
    )
    cycle = await _cycle(session, 2026, township_share=Decimal("0.7"))
    await _score_all(session, cycle, 0)
    await _score_all(session, cycle, 1)
    # Township 1 scores everyone alike: its T-score is 50 for all. One person lacks a township score
    # and one is excused with extreme scores: neither is part of anyone's statistics.
    await session.execute(
        update(Member).where(Member.cycle_id == cycle.id, Member.township_id == TOWNSHIPS[1]).values(township_score=75)
    )
    lacking, lacking_too, excused = cadre_id(0, 2, 0), cadre_id(1, 0, 2), cadre_id(1, 2, 1)
    await session.execute(
        update(Member).where(Member.cycle_id == cycle.id, Member.cadre_id == lacking).values(township_score=None)
    )
    await session.execute(
        update(Member).where(Member.cycle_id == cycle.id, Member.cadre_id == lacking_too).values(department_score=None)
    )
    await session.execute(
        update(Member)
        .where(Member.cycle_id == cycle.id, Member.cadre_id == excused)
        .values(excused=True, township_score=0, department_score=0)
    )
    rows = (
        await session.execute(
            select(
                Member.cadre_id,
                Member.township_id,
                Member.department_id,
                Member.township_score,
                Member.department_score,
            ).where(
                Member.cycle_id == cycle.id,
                Member.cadre_id.not_in([lacking, lacking_too, excused]),
            )
        )
    ).all()
    by_town = {t: [r.township_score for r in rows if r.township_id == t] for t in TOWNSHIPS}
    by_dept = {d: [r.department_score for r in rows if r.department_id == d] for d in DEPARTMENTS}
    got = await cycles.normalized_totals(
        session, cycle.id, [r.cadre_id for r in rows] + [lacking, lacking_too, excused]
    )
    assert set(got) == {r.cadre_id for r in rows}
    for r in rows:
        expected = 0.7 * _t(r.township_score, by_town[r.township_id]) + 0.3 * _t(
            r.department_score, by_dept[r.department_id]
        )
        assert abs(float(got[r.cadre_id]) - expected) <= 0.011, (r.cadre_id, got[r.cadre_id], expected)
        assert got[r.cadre_id] == got[r.cadre_id].quantize(Decimal("0.01"))


async def test_objections_are_listed_oldest_first(session):
    cycle = await _complete(session)
    await cycles.publish(session, ORG, cycle_id=cycle.id, objection_days=3)
    a, b = [
        await cycles.file_objection(session, person(Role.CADRE, cadre_id(0, 0, n)), cycle_id=cycle.id, text=f"异议{n}")
        for n in (1, 2)
    ]
    # The one with the larger id was filed first: the list follows the filing time, not the id.
    first, second = sorted([a, b], key=lambda o: o.id, reverse=True)
    await session.execute(
        update(Objection).where(Objection.id == first.id).values(filed_at=second.filed_at - dt.timedelta(hours=1))
    )
    await session.refresh(first)
    listed = await cycles.list_objections(session, ORG, cycle_id=cycle.id, open_only=False)
    assert [o.id for o in listed] == [first.id, second.id]
