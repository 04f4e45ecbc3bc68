"""The assessment cycle's refusals in process, word for word (what a county user reads), and what
each accepted step records: opening (with its roster snapshot), scoring, the shortlist and the two
rounds, excuses, publication, objections and approval. A refused step writes nothing."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
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
from sqlalchemy import func, select, update
from test_cycle_rules import _open, _score_all
from test_publication_rules import _complete

from assessment import cycles
from assessment.models import Cycle, DepartmentFlow, Member, Objection, RosterEntry, TownshipRound
from servicekit.audit import AuditRecord
from servicekit.calendar import today
from servicekit.errors import BadInput, Forbidden, NotFound, RuleViolation
from servicekit.outbox import OutboxEvent
from servicekit.principal import Principal, Role

SERVICE = Principal(subject="svc", kind="service", client_id="svc", token_id="t", scopes=frozenset({"api"}))
C0 = cadre_id(0, 0, 0)  # department 0, township 0


async def _last_audit(session, action: str, by: Principal) -> AuditRecord:
    """The latest audit record of ``action``, checked to name the person who acted."""
    record = await session.scalar(
        select(AuditRecord).where(AuditRecord.action == action).order_by(AuditRecord.seq.desc()).limit(1)
    )
    assert (record.actor, record.actor_kind) == (by.subject, "user")
    return record


def _opening(**kw):
    args = {"year": 2026, "township_share": Decimal("0.6"), "rounding": "FLOOR", "ties": "EXCLUDE_TIED"}
    return {**args, **kw}


# ---- opening ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", [SERVICE, dept(0), town(0), person(Role.LEADERSHIP)])
async def test_only_the_organisation_department_opens_a_cycle_word_for_word(session, who):
    err = await refused(session, Forbidden, cycles.open_cycle(session, who, **_opening()), Cycle, Member)
    assert err.message == "考核周期由组织部开启"


@pytest.mark.parametrize("year", [1999, today().year + 2])
async def test_rule_cycle_year_out_of_range_names_the_range(session, year):
    err = await refused(session, RuleViolation, cycles.open_cycle(session, ORG, **_opening(year=year)), Cycle)
    assert (err.rule, err.message) == ("CYCLE_YEAR_OUT_OF_RANGE", f"考核年度须在 2000–{today().year + 1} 年之间")


async def test_the_first_and_the_next_year_may_be_opened(session):
    assert (await cycles.open_cycle(session, ORG, **_opening(year=2000))).year == 2000
    assert (await cycles.open_cycle(session, ORG, **_opening(year=today().year + 1))).year == today().year + 1


@pytest.mark.parametrize("share", [Decimal("0"), Decimal("1"), Decimal("-0.5"), Decimal("0.6005")])
async def test_the_township_share_is_strictly_between_0_and_1_with_three_decimals(session, share):
    err = await refused(session, BadInput, cycles.open_cycle(session, ORG, **_opening(township_share=share)), Cycle)
    assert err.message == "乡镇考核权重须在 0 与 1 之间, 最多三位小数 (如 0.6 即 60%)"


async def test_a_share_with_three_decimals_is_kept(session):
    cycle = await cycles.open_cycle(session, ORG, **_opening(township_share=Decimal("0.555")))
    assert cycle.township_weight == Decimal("0.555")


async def test_unknown_rounding_or_ties_are_bad_settings(session):
    for kw in ({"rounding": "ROUND"}, {"ties": "COIN_TOSS"}):
        err = await refused(session, BadInput, cycles.open_cycle(session, ORG, **_opening(**kw)), Cycle)
        assert (err.message, err.detail) == ("考核设置无效", "unknown rounding or tie rule")


async def test_the_assessed_where_rule_is_one_of_two(session):
    err = await refused(
        session, BadInput, cycles.open_cycle(session, ORG, **_opening(assessed_where="ANYWHERE")), Cycle
    )
    assert err.message == "调动人员考核地规则须为 TOWNSHIP_AT_OPENING, LONGEST_STAY"


@pytest.mark.parametrize("period", ["2025", "2026-Q5", "2026-13", "2026-00", "26", "2026-q4", "x2026"])
async def test_a_period_is_the_year_a_quarter_or_a_month_of_that_year(session, period):
    err = await refused(session, BadInput, cycles.open_cycle(session, ORG, **_opening(period=period)), Cycle)
    assert err.message == "期间格式: 2026 (年度)、2026-Q4 (季度) 或 2026-11 (月度)，且与年度一致"


async def test_an_annual_and_a_regular_cycle_of_one_year_coexist_but_not_twice(session):
    annual = await cycles.open_cycle(session, ORG, **_opening())
    quarter = await cycles.open_cycle(session, ORG, **_opening(period="2026-Q4"))
    month = await cycles.open_cycle(session, ORG, **_opening(period="2026-11"))
    assert [(c.kind, c.period) for c in (annual, quarter, month)] == [
        ("ANNUAL", "2026"),
        ("REGULAR", "2026-Q4"),
        ("REGULAR", "2026-11"),
    ]
    for period, words in (("2026", "2026 考核已开启"), ("2026-Q4", "2026-Q4 考核已开启")):
        err = await refused(session, RuleViolation, cycles.open_cycle(session, ORG, **_opening(period=period)), Cycle)
        assert (err.rule, err.message) == ("CYCLE_EXISTS", words)


async def test_opening_snapshots_the_occupying_roster_and_opens_a_flow_per_department(session):
    left, on_leave = cadre_id(1, 2, 7), cadre_id(1, 2, 6)
    await session.execute(update(RosterEntry).where(RosterEntry.cadre_id == left).values(status="LEFT"))
    await session.execute(update(RosterEntry).where(RosterEntry.cadre_id == on_leave).values(status="ON_LEAVE"))
    cycle = await cycles.open_cycle(session, ORG, **_opening())
    members = {m.cadre_id: m for m in (await session.scalars(select(Member).where(Member.cycle_id == cycle.id))).all()}
    assert len(members) == 2 * 3 * PEOPLE_PER_UNIT - 1 and left not in members and on_leave in members
    m = members[C0]
    assert (m.name, m.department_id, m.township_id, m.agency_id) == (
        "干部000",
        DEPARTMENTS[0],
        TOWNSHIPS[0],
        uuid.UUID(int=300),
    )
    flows = await cycles.department_flows(session, cycle.id)
    assert [(f.department_id, f.status) for f in flows] == [(d, "SCORING") for d in DEPARTMENTS]
    assert (cycle.opened_by, cycle.status, cycle.assessed_where) == (ORG.subject, "OPEN", "TOWNSHIP_AT_OPENING")
    record = await _last_audit(session, "cycle.open", ORG)
    assert (record.entity_type, record.entity_id, record.after) == (
        "Cycle",
        str(cycle.id),
        {
            "year": 2026,
            "members": 47,
            "township_weight": "0.6",
            "rounding": "FLOOR",
            "ties": "EXCLUDE_TIED",
            "assessed_where": "TOWNSHIP_AT_OPENING",
            "assessed_elsewhere": 0,
        },
    )
    assert [c.id for c in await cycles.list_cycles(session)][0] == cycle.id


async def test_cycles_are_listed_newest_year_first(session):
    old = await cycles.open_cycle(session, ORG, **_opening(year=2024))
    new = await cycles.open_cycle(session, ORG, **_opening(year=2025))
    q = await cycles.open_cycle(session, ORG, **_opening(year=2025, period="2025-Q1"))
    listed = [c.id for c in await cycles.list_cycles(session) if c.id in {old.id, new.id, q.id}]
    assert listed == [q.id, new.id, old.id]  # within a year, by period descending


# ---- scoring ------------------------------------------------------------------------------------------


def _score(session, who, cycle, side="TOWNSHIP", score="88", cadre=C0, **kw):
    return cycles.set_score(
        session, who, cycle_id=cycle.id, cadre_id=cadre, side=side, score=score, reason=kw.pop("reason", None), **kw
    )


async def test_scoring_refusals_word_for_word(session):
    cycle = await _open(session)
    err = await refused(session, NotFound, _score(session, town(0), cycle, cadre=uuid.UUID(int=9)))
    assert err.message == "该人员不在本考核周期名单中"
    for who, side, words in (
        (SERVICE, "TOWNSHIP", "服务客户端不能评分"),
        (town(1), "TOWNSHIP", "乡镇(街道)只为本乡镇的派驻人员评分"),
        (dept(0), "TOWNSHIP", "乡镇(街道)只为本乡镇的派驻人员评分"),
        (dept(1), "DEPARTMENT", "派驻部门只为本部门人员评分"),
        (town(0), "DEPARTMENT", "派驻部门只为本部门人员评分"),
    ):
        err = await refused(session, Forbidden, _score(session, who, cycle, side=side))
        assert err.message == words
    err = await refused(session, BadInput, _score(session, town(0), cycle, side="COUNTY"))
    assert err.message == "评分方须为 TOWNSHIP 或 DEPARTMENT"
    for bad in ("abc", None, "1e"):
        err = await refused(session, BadInput, _score(session, town(0), cycle, score=bad))
        assert err.message == "分数格式错误"
    for out in ("-0.01", "100.01", "1e9"):
        err = await refused(session, RuleViolation, _score(session, town(0), cycle, score=out))
        assert (err.rule, err.message) == ("SCORE_OUT_OF_RANGE", "分数须在 0 到 100 之间")
    err = await refused(session, BadInput, _score(session, town(0), cycle, indicator_scores={"x": Decimal(1)}))
    assert err.message == "本考核周期没有该考核方的方案，请直接给出总分"
    member = await session.get(Member, (cycle.id, C0))
    assert (member.township_score, member.department_score) == (None, None)


async def test_a_score_is_kept_to_two_decimals_with_both_ends_and_audited(session):
    cycle = await _open(session)
    await _score(session, town(0), cycle, score="0")
    await _score(session, dept(0), cycle, side="DEPARTMENT", score="100")
    member = await _score(session, town(0), cycle, score="87.456", reason="复核后调整")
    assert (member.township_score, member.department_score) == (Decimal("87.46"), Decimal("100.00"))
    record = await _last_audit(session, "score.set", town(0))
    assert (record.entity_type, record.entity_id, record.before, record.after, record.reason) == (
        "CycleMember",
        f"{cycle.id}:{C0}",
        {"township_score": "0.00"},
        {"township_score": "87.46"},
        "复核后调整",
    )


async def test_batch_score_refusals_word_for_word(session):
    cycle = await _open(session)

    def batch(items):
        return cycles.set_scores(session, town(0), cycle_id=cycle.id, side="TOWNSHIP", items=items)

    err = await refused(session, BadInput, batch([]))
    assert err.message == "评分列表为空"
    many = [cycles.ScoreItem(uuid.UUID(int=i), "80") for i in range(501)]
    err = await refused(session, BadInput, batch(many))
    assert err.message == "一次最多为 500 人评分"
    twice = [cycles.ScoreItem(C0, "80"), cycles.ScoreItem(cadre_id(0, 0, 1), "80"), cycles.ScoreItem(C0, "81")]
    err = await refused(session, BadInput, batch(twice))
    assert (err.message, err.extra, err.detail) == ("同一人员重复评分", {"index": 2}, "item 2 repeats item 0")


# ---- the shortlist and the rounds ------------------------------------------------------------------------


async def test_shortlist_refusals_word_for_word(session):
    # A regular cycle of the same people, open beside it: its members are not this cycle's.
    regular = await cycles.open_cycle(session, ORG, **_opening(period="2026-Q3"))
    cycle = await _open(session)
    err = await refused(
        session, Forbidden, cycles.make_shortlist(session, dept(1), cycle_id=cycle.id, department_id=DEPARTMENTS[0])
    )
    assert err.message == "由派驻部门办理"
    err = await refused(
        session, RuleViolation, cycles.make_shortlist(session, dept(0), cycle_id=cycle.id, department_id=DEPARTMENTS[0])
    )
    assert (err.rule, err.message) == ("MISSING_SCORES", "尚有 24 人缺少评分")
    assert len(err.extra["missing"]) == 24 and str(C0) in err.extra["missing"]
    err = await refused(
        session,
        RuleViolation,
        cycles.make_shortlist(session, dept(0), cycle_id=regular.id, department_id=DEPARTMENTS[0]),
    )
    assert (err.rule, err.message) == ("FLOW_OUT_OF_ORDER", "平时考核不评优")
    err = await refused(
        session,
        NotFound,
        cycles.make_shortlist(session, dept(0), cycle_id=uuid.UUID(int=9), department_id=DEPARTMENTS[0]),
    )
    assert err.message == "该部门不在本考核周期内"


async def test_missing_scores_lists_at_most_50_people(session):
    cycle = await _open(session)
    await session.execute(update(Member).where(Member.cycle_id == cycle.id).values(department_id=DEPARTMENTS[0]))
    err = await refused(
        session, RuleViolation, cycles.make_shortlist(session, dept(0), cycle_id=cycle.id, department_id=DEPARTMENTS[0])
    )
    assert err.message == "尚有 48 人缺少评分" and len(err.extra["missing"]) == 48
    session.add_all(
        Member(
            cycle_id=cycle.id,
            cadre_id=uuid.UUID(int=90_000 + i),
            name=f"补{i}",
            department_id=DEPARTMENTS[0],
            township_id=TOWNSHIPS[0],
            agency_id=uuid.UUID(int=300),
        )
        for i in range(5)
    )
    await session.flush()
    err = await refused(
        session, RuleViolation, cycles.make_shortlist(session, dept(0), cycle_id=cycle.id, department_id=DEPARTMENTS[0])
    )
    assert err.message == "尚有 53 人缺少评分" and len(err.extra["missing"]) == 50


async def test_one_missing_score_blocks_the_shortlist(session):
    cycle = await _open(session)
    await _score_all(session, cycle, 0)
    await session.execute(
        update(Member).where(Member.cycle_id == cycle.id, Member.cadre_id == C0).values(department_score=None)
    )
    err = await refused(
        session, RuleViolation, cycles.make_shortlist(session, dept(0), cycle_id=cycle.id, department_id=DEPARTMENTS[0])
    )
    assert (err.rule, err.message, err.extra["missing"]) == ("MISSING_SCORES", "尚有 1 人缺少评分", [str(C0)])


async def test_the_shortlist_is_made_once_records_township_quotas_and_is_audited(session):
    cycle = await _open(session)
    await _score_all(session, cycle, 0)
    # One of township 0's eight is excused: 47 assessed in the county, 15 in township 0.
    await cycles.excuse(session, ORG, cycle_id=cycle.id, cadre_id=cadre_id(0, 0, 7), reason="长期病假")
    await cycles.make_shortlist(session, dept(0), cycle_id=cycle.id, department_id=DEPARTMENTS[0])
    record = await _last_audit(session, "excellence.shortlist", dept(0))
    assert (record.entity_type, record.entity_id, record.after) == (
        "DepartmentFlow",
        f"{cycle.id}:{DEPARTMENTS[0]}",
        # 23 assessed: 40% → 9; round 1: 12.5% of the county's 47 = 5, shared 23:24 → 2 (the other 3)
        {"shortlisted": 9, "quota": 9, "round1_quota": 2},
    )
    rounds = (
        await session.scalars(
            select(TownshipRound).where(TownshipRound.cycle_id == cycle.id).order_by(TownshipRound.township_id)
        )
    ).all()
    # Round 2: 25% of 47 rounded down (11) less round 1's 5 = 6, shared 15:16:16 by largest
    # remainder (1.91, 2.04, 2.04) → 2 each: township 0 keeps its fraction. None reported yet.
    assert [(r.department_id, r.township_id, r.quota, r.submitted) for r in rounds] == [
        (DEPARTMENTS[0], t, 2, False) for t in TOWNSHIPS
    ]
    err = await refused(
        session, RuleViolation, cycles.make_shortlist(session, dept(0), cycle_id=cycle.id, department_id=DEPARTMENTS[0])
    )
    assert (err.rule, err.message) == ("FLOW_OUT_OF_ORDER", "入围名单已产生")
    err = await refused(session, RuleViolation, _score(session, town(0), cycle))
    assert (err.rule, err.message) == ("SCORING_CLOSED", "该部门已入围评定，评分已锁定")


async def _shortlisted(session):
    cycle = await _open(session)
    await _score_all(session, cycle, 0)
    await cycles.make_shortlist(session, dept(0), cycle_id=cycle.id, department_id=DEPARTMENTS[0])
    best = (
        await session.scalars(
            select(Member.cadre_id)
            .where(Member.cycle_id == cycle.id, Member.shortlisted.is_(True))
            .order_by(Member.total.desc())
        )
    ).all()
    return cycle, best


async def test_round_one_refusals_and_record(session):
    cycle = await _open(session)
    err = await refused(
        session,
        RuleViolation,
        cycles.submit_round1(session, dept(0), cycle_id=cycle.id, department_id=DEPARTMENTS[0], cadre_ids=set()),
    )
    assert (err.rule, err.message) == ("FLOW_OUT_OF_ORDER", "须先产生入围名单，且第一轮只提交一次")
    err = await refused(
        session,
        Forbidden,
        cycles.submit_round1(session, town(0), cycle_id=cycle.id, department_id=DEPARTMENTS[0], cadre_ids=set()),
    )
    assert err.message == "由派驻部门办理"
    await session.delete(cycle)
    await session.flush()
    cycle, best = await _shortlisted(session)
    picks = set(best[:2])
    flow = await cycles.submit_round1(
        session, dept(0), cycle_id=cycle.id, department_id=DEPARTMENTS[0], cadre_ids=picks
    )
    assert flow.status == "ROUND1_SENT"
    rounds = dict(
        (
            await session.execute(select(Member.cadre_id, Member.excellent_round).where(Member.cycle_id == cycle.id))
        ).all()
    )
    assert {c for c, r in rounds.items() if r == 1} == picks and {r for r in rounds.values()} == {1, None}
    record = await _last_audit(session, "excellence.round1", dept(0))
    assert (record.entity_type, record.entity_id, record.after) == (
        "DepartmentFlow",
        f"{cycle.id}:{DEPARTMENTS[0]}",
        {"excellent": sorted(map(str, picks))},
    )


async def test_round_two_refusals_word_for_word(session):
    cycle, best = await _shortlisted(session)

    def report(who=town(0), picks=None, township=TOWNSHIPS[0]):
        return cycles.submit_township_round2(
            session,
            who,
            cycle_id=cycle.id,
            township_id=township,
            picks={DEPARTMENTS[0]: set()} if picks is None else picks,
        )

    for who in (SERVICE, town(1), dept(0)):
        err = await refused(session, Forbidden, report(who))
        assert err.message == "第二轮由乡镇(街道)评定"
    err = await refused(session, BadInput, report(picks={}))
    assert err.message == "请至少报送一个部门的第二轮结果"
    err = await refused(session, BadInput, report(picks={uuid.UUID(int=i): set() for i in range(201)}))
    assert err.message == "一次最多报送 200 个部门"
    err = await refused(session, RuleViolation, report())
    assert (err.rule, err.message, err.extra) == ("FLOW_OUT_OF_ORDER", "须在部门第一轮评定并函告乡镇后进行", {})
    # Checked in the order given: the first department's refusal comes first and names its position.
    err = await refused(session, RuleViolation, report(picks={DEPARTMENTS[0]: set(), uuid.UUID(int=9): set()}))
    assert (err.rule, err.extra) == ("FLOW_OUT_OF_ORDER", {"index": 0})
    await cycles.submit_round1(
        session, dept(0), cycle_id=cycle.id, department_id=DEPARTMENTS[0], cadre_ids=set(best[:1])
    )
    err = await refused(session, NotFound, report(picks={DEPARTMENTS[0]: set(), uuid.UUID(int=9): set()}))
    assert (err.message, err.extra) == ("该部门不在本考核周期内", {"index": 1})
    await session.execute(
        update(TownshipRound).where(TownshipRound.township_id == TOWNSHIPS[0]).values(township_id=uuid.UUID(int=299))
    )
    err = await refused(session, NotFound, report())
    assert (err.message, err.extra) == ("本乡镇没有该部门的参评人员", {})
    await session.execute(
        update(TownshipRound).where(TownshipRound.township_id == uuid.UUID(int=299)).values(township_id=TOWNSHIPS[0])
    )
    await report()
    err = await refused(session, RuleViolation, report())
    assert (err.rule, err.message) == ("ROUND2_ALREADY_SUBMITTED", "本乡镇已报送第二轮结果")


async def test_round_two_records_and_decides_the_department_when_the_last_township_reports(session):
    cycle, best = await _shortlisted(session)
    await cycles.submit_round1(
        session, dept(0), cycle_id=cycle.id, department_id=DEPARTMENTS[0], cadre_ids=set(best[:1])
    )
    for t in range(3):
        picks = {await round2_candidate(session, cycle.id, 0, 1)} if t == 1 else set()
        [r] = await cycles.submit_township_round2(
            session, town(t), cycle_id=cycle.id, township_id=TOWNSHIPS[t], picks={DEPARTMENTS[0]: picks}
        )
        assert r.submitted
        flow = await session.get(DepartmentFlow, (cycle.id, DEPARTMENTS[0]))
        decided = (await session.scalars(select(OutboxEvent).where(OutboxEvent.type == "excellence.decided"))).all()
        if t < 2:
            assert flow.status == "ROUND1_SENT" and decided == []
        record = await _last_audit(session, "excellence.round2", town(t))
        assert (record.entity_type, record.entity_id, record.after) == (
            "TownshipRound",
            f"{cycle.id}:{DEPARTMENTS[0]}:{TOWNSHIPS[t]}",
            {"excellent": sorted(map(str, picks))},
        )
        if t == 1:
            assert {
                c
                for c, r in (
                    await session.execute(
                        select(Member.cadre_id, Member.excellent_round).where(Member.cycle_id == cycle.id)
                    )
                ).all()
                if r == 2
            } == picks
    assert flow.status == "ROUND2_DONE"
    [message] = decided
    assert (message.aggregate_type, message.aggregate_id, message.payload) == (
        "DepartmentFlow",
        f"{cycle.id}:{DEPARTMENTS[0]}",
        {"cycle_id": str(cycle.id), "department_id": str(DEPARTMENTS[0])},
    )


# ---- reading ---------------------------------------------------------------------------------------------


async def test_members_of_an_unknown_cycle_are_not_found(session):
    with pytest.raises(NotFound) as err:
        await cycles.list_members(session, ORG, cycle_id=uuid.UUID(int=9), first=10, after=None)
    assert err.value.message == "考核周期不存在"


async def test_members_filter_by_department_and_township_and_page_by_name(session):
    cycle = await _open(session)
    page = await cycles.list_members(
        session, ORG, cycle_id=cycle.id, first=5, after=None, department_id=DEPARTMENTS[1], township_id=TOWNSHIPS[2]
    )
    assert [m.name for m in page.items] == [f"干部12{n}" for n in range(5)] and page.has_next
    rest = await cycles.list_members(
        session,
        ORG,
        cycle_id=cycle.id,
        first=5,
        after=page.cursors[-1],
        department_id=DEPARTMENTS[1],
        township_id=TOWNSHIPS[2],
    )
    assert [m.name for m in rest.items] == ["干部125", "干部126", "干部127"] and not rest.has_next


async def test_places_count_what_each_round_used(session):
    cycle, best = await _shortlisted(session)
    with pytest.raises(Forbidden) as err:
        await cycles.places(session, SERVICE, cycle_id=cycle.id, department_id=DEPARTMENTS[0])
    assert err.value.message == "服务客户端无权查看"
    with pytest.raises(NotFound) as err:
        await cycles.places(session, ORG, cycle_id=cycle.id, department_id=uuid.UUID(int=9))
    assert err.value.message == "该部门不在本考核周期内"
    await cycles.submit_round1(
        session, dept(0), cycle_id=cycle.id, department_id=DEPARTMENTS[0], cadre_ids=set(best[:2])
    )
    candidate = await round2_candidate(session, cycle.id, 0, 2)
    await cycles.submit_round2(
        session,
        town(2),
        cycle_id=cycle.id,
        department_id=DEPARTMENTS[0],
        township_id=TOWNSHIPS[2],
        cadre_ids={candidate},
    )
    flow, round1_used, per_town = await cycles.places(session, ORG, cycle_id=cycle.id, department_id=DEPARTMENTS[0])
    assert flow.department_id == DEPARTMENTS[0] and round1_used == 2
    # 48 assessed: round 2 is 12 − 6 = 6 places, 2 per township of 16.
    assert [(r.township_id, r.quota, used) for r, used in per_town] == [
        (TOWNSHIPS[0], 2, 0),
        (TOWNSHIPS[1], 2, 0),
        (TOWNSHIPS[2], 2, 1),
    ]


async def test_completeness_names_the_missing_sides_within_the_callers_scope(session):
    cycle = await _open(session)
    await _score(session, town(0), cycle)
    missing = dict((m.cadre_id, sides) for m, sides in await cycles.completeness(session, town(0), cycle_id=cycle.id))
    assert missing[C0] == ["DEPARTMENT"] and missing[cadre_id(0, 0, 1)] == ["TOWNSHIP", "DEPARTMENT"]
    assert len(missing) == 2 * PEOPLE_PER_UNIT  # both departments' people in township 0
    await _score(session, dept(0), cycle, side="DEPARTMENT")
    assert C0 not in dict(await cycles.completeness(session, ORG, cycle_id=cycle.id))


# ---- excuses, publication, objections, approval -------------------------------------------------------------


async def test_excuse_refusals_and_record(session):
    cycle = await _open(session)
    for who in (SERVICE, dept(0)):
        err = await refused(
            session, Forbidden, cycles.excuse(session, who, cycle_id=cycle.id, cadre_id=C0, reason="病假")
        )
        assert err.message == "免于考核由组织部决定"
    err = await refused(session, BadInput, cycles.excuse(session, ORG, cycle_id=cycle.id, cadre_id=C0, reason="  "))
    assert err.message == "请说明理由"
    err = await refused(
        session, NotFound, cycles.excuse(session, ORG, cycle_id=cycle.id, cadre_id=uuid.UUID(int=9), reason="病假")
    )
    assert err.message == "该人员不在本考核周期名单中"
    member = await cycles.excuse(session, ORG, cycle_id=cycle.id, cadre_id=C0, reason="长期病假")
    assert member.excused
    record = await _last_audit(session, "member.excuse", ORG)
    assert (record.entity_type, record.entity_id, record.after, record.reason) == (
        "CycleMember",
        f"{cycle.id}:{C0}",
        {"excused": True},
        "长期病假",
    )
    await _score_all(session, cycle, 0)
    await cycles.make_shortlist(session, dept(0), cycle_id=cycle.id, department_id=DEPARTMENTS[0])
    err = await refused(
        session,
        RuleViolation,
        cycles.excuse(session, ORG, cycle_id=cycle.id, cadre_id=cadre_id(0, 0, 1), reason="病假"),
    )
    assert (err.rule, err.message) == ("SCORING_CLOSED", "该部门已入围评定")


async def test_publication_refusals_word_for_word(session):
    cycle = await _open(session)
    for who in (SERVICE, dept(0)):
        err = await refused(session, Forbidden, cycles.publish(session, who, cycle_id=cycle.id, objection_days=5))
        assert err.message == "由组织部公示"
    err = await refused(session, NotFound, cycles.publish(session, ORG, cycle_id=uuid.UUID(int=9), objection_days=5))
    assert err.message == "考核周期不存在"
    err = await refused(session, RuleViolation, cycles.publish(session, ORG, cycle_id=cycle.id, objection_days=5))
    assert (err.rule, err.message) == ("FLOW_OUT_OF_ORDER", "尚有 2 个部门未完成评优")
    regular = await cycles.open_cycle(session, ORG, **_opening(period="2026-Q2"))
    err = await refused(session, RuleViolation, cycles.publish(session, ORG, cycle_id=regular.id, objection_days=5))
    assert (err.rule, err.message) == ("FLOW_OUT_OF_ORDER", "平时考核结果不公示评优")
    for days in (0, 31):
        err = await refused(session, BadInput, cycles.publish(session, ORG, cycle_id=cycle.id, objection_days=days))
        assert err.message == "公示期须为 1 到 30 天"


@pytest.mark.parametrize("days", [1, 30])
async def test_publication_sets_grades_and_the_objection_deadline_and_is_audited(session, days):
    cycle = await _complete(session)
    excused = await session.scalar(
        select(Member).where(Member.cycle_id == cycle.id, Member.excellent_round.is_(None)).limit(1)
    )
    excused.excused = True
    await session.flush()
    await cycles.publish(session, ORG, cycle_id=cycle.id, objection_days=days)
    assert (cycle.status, cycle.objection_deadline) == ("PUBLISHED", today() + dt.timedelta(days=days))
    await session.refresh(excused)
    assert excused.grade is None
    record = await _last_audit(session, "cycle.publish", ORG)
    assert (record.entity_type, record.entity_id, record.after) == (
        "Cycle",
        str(cycle.id),
        {"objection_deadline": cycle.objection_deadline.isoformat()},
    )
    err = await refused(session, RuleViolation, cycles.publish(session, ORG, cycle_id=cycle.id, objection_days=days))
    assert (err.rule, err.message) == ("FLOW_OUT_OF_ORDER", "已公示")


async def test_objection_refusals_word_for_word(session):
    cycle = await _complete(session)
    me = person(Role.CADRE, C0)
    for who in (SERVICE, ORG):
        err = await refused(
            session, Forbidden, cycles.file_objection(session, who, cycle_id=cycle.id, text="x"), Objection
        )
        assert err.message == "由本人提出异议"
    err = await refused(
        session, NotFound, cycles.file_objection(session, me, cycle_id=uuid.UUID(int=9), text="x"), Objection
    )
    assert err.message == "考核周期不存在"
    err = await refused(
        session, RuleViolation, cycles.file_objection(session, me, cycle_id=cycle.id, text="x"), Objection
    )
    assert (err.rule, err.message) == ("OBJECTION_WINDOW_CLOSED", "不在公示期内")
    await cycles.publish(session, ORG, cycle_id=cycle.id, objection_days=3)
    stranger = person(Role.CADRE, uuid.UUID(int=9))
    err = await refused(
        session, NotFound, cycles.file_objection(session, stranger, cycle_id=cycle.id, text="x"), Objection
    )
    assert err.message == "本人不在本考核周期名单中"
    err = await refused(session, BadInput, cycles.file_objection(session, me, cycle_id=cycle.id, text=" "), Objection)
    assert err.message == "请写明异议"
    objection = await cycles.file_objection(session, me, cycle_id=cycle.id, text="  分数有误 ")
    assert (objection.cadre_id, objection.text) == (C0, "分数有误")
    record = await _last_audit(session, "objection.file", person(Role.CADRE, C0))
    assert (record.entity_type, record.entity_id, record.after, record.reason) == (
        "Objection",
        str(objection.id),
        {"cadre_id": str(C0), "about_cadre_id": str(C0)},
        "  分数有误 ",
    )
    cycle.objection_deadline = today() - dt.timedelta(days=1)
    err = await refused(
        session, RuleViolation, cycles.file_objection(session, me, cycle_id=cycle.id, text="x"), Objection
    )
    assert err.rule == "OBJECTION_WINDOW_CLOSED"
    cycle.objection_deadline = today()  # the last day still counts
    await cycles.file_objection(session, me, cycle_id=cycle.id, text="最后一天")
    for who in (SERVICE, dept(0)):
        with pytest.raises(Forbidden) as err:
            await cycles.list_objections(session, who, cycle_id=cycle.id, open_only=False)
        assert err.value.message == "异议由组织部处理"


async def test_resolution_refusals_and_records(session):
    cycle = await _complete(session)
    await cycles.publish(session, ORG, cycle_id=cycle.id, objection_days=3)
    objection = await cycles.file_objection(session, person(Role.CADRE, C0), cycle_id=cycle.id, text="异议")

    def resolve(who=ORG, oid=objection.id, resolution="维持", **kw):
        return cycles.resolve_objection(session, who, objection_id=oid, resolution=resolution, **kw)

    for who in (SERVICE, dept(0)):
        err = await refused(session, Forbidden, resolve(who=who))
        assert err.message == "异议由组织部处理"
    err = await refused(session, NotFound, resolve(oid=uuid.UUID(int=9)))
    assert err.message == "异议不存在"
    err = await refused(session, BadInput, resolve(resolution="  "))
    assert err.message == "请写明处理意见"
    err = await refused(session, BadInput, resolve(new_grade="GOOD"))
    assert err.message == "等次须为 EXCELLENT, COMPETENT, BASIC, INCOMPETENT"
    member = await session.get(Member, (cycle.id, C0))
    before = member.grade
    await resolve(resolution=" 改为基本称职 ", new_grade="BASIC")
    assert (objection.resolution, objection.resolved_by, member.grade) == ("改为基本称职", ORG.subject, "BASIC")
    regrade = await _last_audit(session, "member.regrade", ORG)
    assert (regrade.entity_type, regrade.entity_id, regrade.before, regrade.after, regrade.reason) == (
        "CycleMember",
        f"{cycle.id}:{C0}",
        {"grade": before},
        {"grade": "BASIC"},
        " 改为基本称职 ",
    )
    resolved = await _last_audit(session, "objection.resolve", ORG)
    assert (resolved.entity_type, resolved.entity_id, resolved.after, resolved.reason) == (
        "Objection",
        str(objection.id),
        {"resolution": "改为基本称职"},
        " 改为基本称职 ",
    )
    err = await refused(session, RuleViolation, resolve())
    assert (err.rule, err.message) == ("OBJECTION_RESOLVED", "该异议已处理")


async def test_approval_refusals_and_the_results_event(session):
    cycle = await _complete(session)
    for who in (SERVICE, dept(0)):
        err = await refused(session, Forbidden, cycles.approve(session, who, cycle_id=cycle.id), OutboxEvent)
        assert err.message == "由组织部审定"
    err = await refused(session, NotFound, cycles.approve(session, ORG, cycle_id=uuid.UUID(int=9)), OutboxEvent)
    assert err.message == "考核周期不存在"
    err = await refused(session, RuleViolation, cycles.approve(session, ORG, cycle_id=cycle.id), OutboxEvent)
    assert (err.rule, err.message) == ("FLOW_OUT_OF_ORDER", "须先公示")
    await cycles.publish(session, ORG, cycle_id=cycle.id, objection_days=1)
    cycle.objection_deadline = today()  # the window's last day
    err = await refused(session, RuleViolation, cycles.approve(session, ORG, cycle_id=cycle.id), OutboxEvent)
    assert (err.rule, err.message) == ("OBJECTION_WINDOW_OPEN", f"公示期至 {today():%Y-%m-%d}")
    await cycles.file_objection(session, person(Role.CADRE, C0), cycle_id=cycle.id, text="一")
    await cycles.file_objection(session, person(Role.CADRE, cadre_id(0, 0, 1)), cycle_id=cycle.id, text="二")
    cycle.objection_deadline = today() - dt.timedelta(days=1)
    err = await refused(session, RuleViolation, cycles.approve(session, ORG, cycle_id=cycle.id), OutboxEvent)
    assert (err.rule, err.message) == ("OBJECTIONS_PENDING", "尚有 2 件异议未处理")
    for o in await cycles.list_objections(session, ORG, cycle_id=cycle.id, open_only=True):
        await cycles.resolve_objection(session, ORG, objection_id=o.id, resolution="维持")
    await cycles.approve(session, ORG, cycle_id=cycle.id)
    assert cycle.status == "APPROVED"
    message = await session.scalar(select(OutboxEvent).where(OutboxEvent.type == "assessment.results_approved"))
    grades = dict(
        (await session.execute(select(Member.cadre_id, Member.grade).where(Member.cycle_id == cycle.id))).all()
    )
    assert (message.aggregate_type, message.aggregate_id) == ("Cycle", str(cycle.id))
    assert (message.payload["cycle_id"], message.payload["year"]) == (str(cycle.id), 2026)
    assert {r["cadre_id"]: r["grade"] for r in message.payload["results"]} == {str(c): g for c, g in grades.items()}
    record = await _last_audit(session, "cycle.approve", ORG)
    assert (record.entity_type, record.entity_id, record.after) == (
        "Cycle",
        str(cycle.id),
        {"status": "APPROVED", "results": 48},
    )
    assert (
        await session.scalar(
            select(func.count()).select_from(OutboxEvent).where(OutboxEvent.type == "assessment.results_approved")
        )
        == 1
    )
