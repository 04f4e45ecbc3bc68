"""Each step of an adjustment (submit, the organisation department's review, the township's opinion,
the three-party review, taking effect), exactly: who may take it, each refusal with its rule, words
and details, nothing written when refused, and the audit record each step leaves."""

from __future__ import annotations

import datetime as dt
import uuid

import dbutil
import pytest
from personnel_world import (
    DEPT,
    ORG_DEPT,
    STAFFING,
    agency_id,
    cadre_in,
    dept_admin,
    other_agency_with_room,
    person,
    township_admin,
    with_room,
)
from sqlalchemy import func, select, update
from test_adjustment_rules import _head_change, _reshuffle, full_agency

from personnel import adjustments as adj
from personnel import vacancies
from personnel.adjustments import Item
from personnel.calendar import today
from personnel.models import Adjustment, Agency, Cadre, ReshuffleReview
from servicekit.audit import AuditRecord
from servicekit.errors import BadInput, Conflict, Forbidden, NotFound, RuleViolation
from servicekit.principal import Principal, Role

TODAY = today()
NEXT_YEAR = dt.date(TODAY.year + 1, 3, 1)
NEWCOMER = {"name": "沈若溪", "birth_date": "1995-04-12", "professional_line": "人民调解"}
SERVICE = Principal(
    subject="sfj-system", kind="service", client_id="sfj-system", token_id="t", department_id=str(DEPT["sfj"])
)


async def records(session, action: str, entity_id=None) -> list[AuditRecord]:
    stmt = select(AuditRecord).where(AuditRecord.action == action)
    if entity_id is not None:
        stmt = stmt.where(AuditRecord.entity_id == str(entity_id))
    return list((await session.scalars(stmt.order_by(AuditRecord.seq))).all())


def refused(session, exc_type, call):
    return dbutil.refused(session, exc_type, call, Adjustment)


async def a_transfer(session, *, when=TODAY, who=None, reason="工作需要", department="sfj", exclude=()):
    cadre = await cadre_in(session, department, min_years=2.5, exclude=exclude)
    to = await other_agency_with_room(session, department, cadre)
    rows = await adj.submit(
        session,
        who or dept_admin(department),
        department_id=DEPT[department],
        effective_date=when,
        reason=reason,
        items=[Item("TRANSFER", cadre_id=cadre.id, from_agency_id=cadre.agency_id, to_agency_id=to)],
    )
    return rows, cadre, to


def submit(session, items, *, who=None, reason="工作需要", reshuffle=False, department="sfj", when=TODAY):
    return adj.submit(
        session,
        who or dept_admin(department),
        department_id=DEPT[department],
        effective_date=when,
        reason=reason,
        items=items,
        reshuffle=reshuffle,
    )


# --- submit ----------------------------------------------------------------------------------


async def test_submit_refusals_say_why_and_write_nothing(session):
    cadre = await cadre_in(session, "sfj", min_years=2.5)
    to = await other_agency_with_room(session, "sfj", cadre)
    move = Item("TRANSFER", cadre_id=cadre.id, from_agency_id=cadre.agency_id, to_agency_id=to)
    for who in (township_admin("diankou"), dept_admin("zhzfj"), SERVICE):
        err = await refused(session, Forbidden, submit(session, [move], who=who))
        assert (err.message, err.detail) == (
            "人事调整须由本派驻部门提出",
            "DEPARTMENT_ADMIN of this department submits adjustments",
        )
    err = await refused(session, BadInput, submit(session, []))
    assert err.message == "至少需要一项调整"
    arrival = Item("IN", to_agency_id=to, newcomer=NEWCOMER)
    err = await refused(session, BadInput, submit(session, [move, arrival]))
    assert (err.message, err.detail) == (
        "多项调整须作为集中调整提交",
        "several items form a reshuffle (reshuffle: true)",
    )
    err = await refused(session, BadInput, submit(session, [move], reason="  "))
    assert err.message == "请说明调整理由"
    nowhere = uuid.UUID(int=999)
    err = await refused(session, NotFound, submit(session, [Item("IN", to_agency_id=nowhere, newcomer=NEWCOMER)]))
    assert (err.message, err.detail) == ("派驻机构不存在", f"unknown agencies ['{nowhere}']")
    elsewhere = agency_id("zhzfj", "diankou")
    err = await refused(session, Forbidden, submit(session, [Item("IN", to_agency_id=elsewhere, newcomer=NEWCOMER)]))
    assert (err.message, err.detail) == ("只能调整本部门的派驻机构", "agency of another department")
    twice = Item("OUT", cadre_id=cadre.id, from_agency_id=cadre.agency_id)
    err = await refused(session, BadInput, submit(session, [move, twice], reshuffle=True))
    assert err.message == "同一人不能在一批调整中出现两次"
    await submit(session, [move])
    err = await refused(session, Conflict, submit(session, [twice]))
    assert (err.message, err.detail) == ("该人员已有未完成的调整", f"open adjustment for ['{cadre.id}']")


async def test_a_submission_is_held_as_asked_and_audited_item_by_item(session):
    rows, cadre, to = await a_transfer(session, reason=" 工作需要 ")
    [row] = rows
    assert (row.kind, row.status, row.department_id, row.cadre_id, row.to_agency_id) == (
        "TRANSFER",
        "SUBMITTED",
        DEPT["sfj"],
        cadre.id,
        to,
    )
    assert (row.reason, row.requested_by, row.effective_date, row.org_review) == (
        "工作需要",
        "u-department_admin",
        TODAY,
        None,
    )
    [record] = await records(session, "adjustment.submit", row.id)
    assert (record.entity_type, record.actor, record.actor_kind, record.reason) == (
        "Adjustment",
        "u-department_admin",
        "user",
        " 工作需要 ",
    )
    assert record.after == adj.snapshot(row) and record.before is None
    # One batch of one item has no three-party review.
    assert await session.scalar(select(func.count()).select_from(ReshuffleReview)) == 0


async def test_a_reshuffle_seats_the_county_offices_and_every_township_concerned(session):
    rows, _, (a, b) = await _reshuffle(session)
    parties = (
        await session.scalars(
            select(ReshuffleReview.party)
            .where(ReshuffleReview.batch_id == rows[0].batch_id)
            .order_by(ReshuffleReview.party)
        )
    ).all()
    towns = sorted([f"TOWNSHIP:{(await session.get(Agency, x)).township_id}" for x in (a, b)])
    assert parties == sorted(["ORG_DEPARTMENT", "STAFFING_OFFICE", *towns])
    assert len({r.batch_id for r in rows}) == 1 and len(await records(session, "adjustment.submit")) == 2


# --- ONE_ROUND_PER_YEAR and QUOTA_EXCEEDED, word for word ----------------------------------------


async def test_rule_one_round_per_year_names_the_agency_and_counts_effective_rounds(session):
    rows, cadre, to = await a_transfer(session)
    origin = cadre.agency_id  # before the move takes effect
    await adj.org_review(session, ORG_DEPT, batch_id=rows[0].batch_id, approve=True, note=None)
    await adj.make_effective(session, dept_admin("sfj"), batch_id=rows[0].batch_id)
    assert cadre.agency_id == to != origin
    # The round has taken effect; the agency the cadre left has had its round too.
    err = await refused(session, RuleViolation, submit(session, [await _leaving(session, origin)]))
    name = (await session.get(Agency, origin)).name
    assert err.rule == "ONE_ROUND_PER_YEAR"
    assert err.message == f"{name}本年度已有一次人事调整，每年不超过1次"
    assert (err.detail, err.extra["agencies"]) == (f"agencies already adjusted in {TODAY.year}", [str(origin)])
    err = await refused(session, RuleViolation, submit(session, [await _leaving(session, to, but=cadre.id)]))
    assert err.extra["agencies"] == [str(to)]


async def _leaving(session, agency, but=None) -> Item:
    """Someone in post at ``agency`` leaving it (an adjustment round, not a replenishment)."""
    stmt = select(Cadre).where(Cadre.agency_id == agency, Cadre.status == "IN_POST")
    if but:
        stmt = stmt.where(Cadre.id != but)
    leaver = (await session.scalars(stmt.order_by(Cadre.posted_on))).first()
    return Item("OUT", cadre_id=leaver.id, from_agency_id=agency, tenure_exception_reason="退休")


async def test_rule_one_round_per_year_counts_only_the_same_year(session):
    rows, cadre, to = await a_transfer(session, when=NEXT_YEAR)
    # Next year's round does not take this year's: the arrival this year is accepted.
    [row] = await submit(session, [Item("IN", to_agency_id=to, newcomer=NEWCOMER)])
    assert row.status == "SUBMITTED"


async def test_rule_quota_exceeded_says_how_many_arrive_and_how_many_places_are_free(session):
    full = await full_agency(session, "sfj")
    err = await refused(session, RuleViolation, submit(session, [Item("IN", to_agency_id=full, newcomer=NEWCOMER)]))
    assert (err.rule, err.message) == ("QUOTA_EXCEEDED", "调入人数(1)超过可用员额(0)")
    assert (err.detail, err.extra["agency_id"]) == (f"agency {full}: available 0, inflow 1", str(full))


async def test_a_leaver_frees_the_place_an_arrival_in_the_same_reshuffle_takes(session):
    full = await full_agency(session, "sfj")
    leaver = (
        await session.scalars(
            select(Cadre).where(Cadre.agency_id == full, Cadre.status == "IN_POST").order_by(Cadre.posted_on)
        )
    ).first()
    out = Item("OUT", cadre_id=leaver.id, from_agency_id=full, tenure_exception_reason="退休")
    arrivals = [Item("IN", to_agency_id=full, newcomer={**NEWCOMER, "name": f"新人{i}"}) for i in range(2)]
    err = await refused(session, RuleViolation, submit(session, [out, *arrivals], reshuffle=True))
    assert (err.rule, err.message) == ("QUOTA_EXCEEDED", "调入人数(1)超过可用员额(0)")  # two in, one out
    rows = await submit(session, [out, arrivals[0]], reshuffle=True)
    assert len(rows) == 2


# --- the organisation department's review ------------------------------------------------------


async def test_org_review_refusals_say_why(session):
    rows, _, _ = await a_transfer(session)
    batch = rows[0].batch_id
    for who in (STAFFING, dept_admin("sfj"), SERVICE):
        err = await refused(session, Forbidden, adj.org_review(session, who, batch_id=batch, approve=True, note=None))
        assert (err.message, err.detail) == ("人员调整须经组织部事前审核", "ORG_DEPARTMENT reviews adjustments")
    err = await refused(
        session, NotFound, adj.org_review(session, ORG_DEPT, batch_id=uuid.uuid4(), approve=True, note=None)
    )
    assert err.message == "调整批次不存在"
    await adj.org_review(session, ORG_DEPT, batch_id=batch, approve=True, note="同意")
    for approve in (True, False):
        err = await refused(
            session, RuleViolation, adj.org_review(session, ORG_DEPT, batch_id=batch, approve=approve, note=None)
        )
        assert (err.rule, err.message) == ("ALREADY_REVIEWED", "该批调整已审核")


async def test_org_review_approval_and_rejection_are_recorded_with_the_note(session):
    rows, _, _ = await a_transfer(session)
    [row] = rows
    before = adj.snapshot(row)
    await adj.org_review(session, ORG_DEPT, batch_id=row.batch_id, approve=True, note="同意调整")
    assert (row.org_review, row.org_reviewed_by, row.org_review_note, row.status) == (
        "APPROVED",
        "u-org_department",
        "同意调整",
        "APPROVED",  # nothing else to wait for
    )
    [record] = await records(session, "adjustment.org_review", row.id)
    assert (record.entity_type, record.actor, record.reason) == ("Adjustment", "u-org_department", "同意调整")
    # The record holds the review itself; the batch's approval follows from it.
    assert record.before == before and record.after == {**adj.snapshot(row), "status": "SUBMITTED"}

    rows, _, _ = await _head_change(session, "paitou")
    [head] = rows
    await adj.org_review(session, ORG_DEPT, batch_id=head.batch_id, approve=False, note="人选不当")
    assert (head.org_review, head.status) == ("REJECTED", "REJECTED")
    [record] = await records(session, "adjustment.org_review", head.id)
    assert record.after["status"] == "REJECTED" and record.before["status"] == "SUBMITTED"


async def test_rule_tenure_exception_not_approved_says_how_to_approve_it(session):
    cadre = await cadre_in(session, "sfj", max_years=1.5)
    rows = await submit(
        session, [Item("OUT", cadre_id=cadre.id, from_agency_id=cadre.agency_id, tenure_exception_reason="援疆")]
    )
    err = await refused(
        session, RuleViolation, adj.org_review(session, ORG_DEPT, batch_id=rows[0].batch_id, approve=True, note=None)
    )
    assert err.rule == "TENURE_EXCEPTION_NOT_APPROVED"
    assert err.message == "本批含未满2年的调整，须明确同意例外后方可通过"
    assert err.detail == "set approveTenureException to approve the 2-year exception"
    # Rejecting needs no such consent.
    await adj.org_review(session, ORG_DEPT, batch_id=rows[0].batch_id, approve=False, note="不同意")
    assert rows[0].status == "REJECTED"


# --- the township's opinion on a head change ----------------------------------------------------


async def test_township_opinion_refusals_say_why(session):
    rows, _, _ = await _head_change(session)
    [head] = rows
    for who in (township_admin("fengqiao"), dept_admin("sfj"), ORG_DEPT):
        err = await refused(
            session, Forbidden, adj.township_opinion(session, who, adjustment_id=head.id, agree=True, note=None)
        )
        assert err.message == "只有派驻机构所在乡镇(街道)可以提出意见"
    err = await refused(
        session,
        NotFound,
        adj.township_opinion(session, township_admin("diankou"), adjustment_id=uuid.uuid4(), agree=True, note=None),
    )
    assert err.message == "调整不存在"
    err = await refused(
        session,
        RuleViolation,
        adj.township_opinion(session, township_admin("diankou"), adjustment_id=head.id, agree=True, note=None),
    )
    assert (err.rule, err.message) == ("HEAD_NEEDS_TOWNSHIP_OPINION", "须在组织部审核通过后、生效前征求属地意见")
    assert err.detail == "status SUBMITTED, org review None"
    await adj.org_review(session, ORG_DEPT, batch_id=head.batch_id, approve=True, note=None)
    for note in (None, "  "):
        err = await refused(
            session,
            BadInput,
            adj.township_opinion(session, township_admin("diankou"), adjustment_id=head.id, agree=False, note=note),
        )
        assert err.message == "不同意时请说明理由"
    await adj.township_opinion(session, township_admin("diankou"), adjustment_id=head.id, agree=True, note=None)
    err = await refused(
        session,
        RuleViolation,
        adj.township_opinion(session, township_admin("diankou"), adjustment_id=head.id, agree=True, note=None),
    )
    assert (err.rule, err.detail) == ("ALREADY_DECIDED", "status APPROVED, org review APPROVED")

    moved, _, to = await a_transfer(session, department="zhzfj")
    town = (await session.get(Agency, to)).township_id
    err = await refused(
        session,
        BadInput,
        adj.township_opinion(
            session, person(Role.TOWNSHIP_ADMIN, town), adjustment_id=moved[0].id, agree=True, note=None
        ),
    )
    assert err.message == "只有负责人调整(含现任负责人调出、调离)需要征求属地意见"


async def test_the_townships_opinion_is_recorded_and_an_agreement_completes_the_approval(session):
    rows, _, _ = await _head_change(session)
    [head] = rows
    await adj.org_review(session, ORG_DEPT, batch_id=head.batch_id, approve=True, note=None)
    assert head.status == "SUBMITTED"  # waiting for the township
    before = adj.snapshot(head)
    await adj.township_opinion(session, township_admin("diankou"), adjustment_id=head.id, agree=True, note="同意")
    assert (head.township_opinion, head.township_opinion_by, head.township_opinion_note, head.status) == (
        "AGREE",
        "u-township_admin",
        "同意",
        "APPROVED",
    )
    [record] = await records(session, "adjustment.township_opinion", head.id)
    assert (record.entity_type, record.actor, record.reason) == ("Adjustment", "u-township_admin", "同意")
    assert record.before == before and record.after == {**adj.snapshot(head), "status": "SUBMITTED"}


# --- the three-party review of a reshuffle --------------------------------------------------------


async def test_three_party_review_refusals_say_why(session):
    single, _, _ = await a_transfer(session)
    err = await refused(
        session,
        BadInput,
        adj.three_party_review(session, ORG_DEPT, batch_id=single[0].batch_id, agree=True, note=None),
    )
    assert err.message == "只有集中调整需要三方会审"
    rows, _, _ = await _reshuffle(session)
    batch = rows[0].batch_id
    err = await refused(
        session, RuleViolation, adj.three_party_review(session, STAFFING, batch_id=batch, agree=True, note=None)
    )
    assert (err.message, err.detail) == (
        "三方会审在组织部事前审核通过后进行",
        "organisation department pre-review first",
    )
    for who in (township_admin("tongshan"), dept_admin("zhzfj"), SERVICE):
        err = await refused(
            session, Forbidden, adj.three_party_review(session, who, batch_id=batch, agree=True, note=None)
        )
        assert err.message == "只有组织部、编办和相关乡镇(街道)参加三方会审"
    await adj.org_review(session, ORG_DEPT, batch_id=batch, approve=True, note=None)
    await adj.three_party_review(session, STAFFING, batch_id=batch, agree=True, note="同意")
    err = await refused(
        session, RuleViolation, adj.three_party_review(session, STAFFING, batch_id=batch, agree=True, note=None)
    )
    assert (err.rule, err.message) == ("ALREADY_DECIDED", "已提交会审意见")
    await adj.three_party_review(session, township_admin("diankou"), batch_id=batch, agree=False, note="人手不足")
    err = await refused(
        session, RuleViolation, adj.three_party_review(session, ORG_DEPT, batch_id=batch, agree=True, note=None)
    )
    assert (err.rule, err.message) == ("ALREADY_DECIDED", "该批调整已结束审核")


async def test_each_party_of_the_three_party_review_is_recorded(session):
    rows, _, _ = await _reshuffle(session)
    batch = rows[0].batch_id
    await adj.org_review(session, ORG_DEPT, batch_id=batch, approve=True, note=None)
    reviews = await adj.three_party_review(session, STAFFING, batch_id=batch, agree=True, note="编制可行")
    staffing = next(r for r in reviews if r.party == "STAFFING_OFFICE")
    assert (staffing.decision, staffing.decided_by, staffing.note) == ("AGREE", "u-staffing_office", "编制可行")
    assert staffing.decided_at is not None
    assert [r.party for r in reviews] == sorted(r.party for r in reviews)
    [record] = await records(session, "reshuffle.review", batch)
    assert (record.entity_type, record.actor, record.reason, record.after) == (
        "Reshuffle",
        "u-staffing_office",
        "编制可行",
        {"party": "STAFFING_OFFICE", "decision": "AGREE"},
    )
    # One person holding two seats (组织部 who is also a township admin) decides both at once.
    both = Principal(
        subject="u-both",
        kind="user",
        client_id="c",
        token_id="t",
        bindings=(*ORG_DEPT.bindings, *township_admin("diankou").bindings),
    )
    await adj.three_party_review(session, both, batch_id=batch, agree=False, note="再议")
    assert len(await records(session, "reshuffle.review", batch)) == 3
    assert {r.status for r in rows} == {"REJECTED"}


# --- taking effect ------------------------------------------------------------------------------


async def test_make_effective_refusals_say_why(session):
    rows, _, _ = await a_transfer(session)
    batch = rows[0].batch_id
    for who in (township_admin("diankou"), dept_admin("zhzfj"), STAFFING, SERVICE):
        err = await refused(session, Forbidden, adj.make_effective(session, who, batch_id=batch))
        assert err.message == "只有本部门或组织部可以办理生效"
    err = await refused(session, RuleViolation, adj.make_effective(session, dept_admin("sfj"), batch_id=batch))
    assert (err.rule, err.message) == ("NOT_APPROVED", "调整未完成审批，不能生效")
    assert (err.detail, err.extra["pending"]) == ("pending: ['ORG_REVIEW']", ["ORG_REVIEW"])
    later, _, _ = await a_transfer(session, when=NEXT_YEAR, department="zhzfj")
    await adj.org_review(session, ORG_DEPT, batch_id=later[0].batch_id, approve=True, note=None)
    err = await refused(
        session, RuleViolation, adj.make_effective(session, dept_admin("zhzfj"), batch_id=later[0].batch_id)
    )
    assert (err.rule, err.message) == ("NOT_YET_EFFECTIVE", f"生效日期为 {NEXT_YEAR:%Y-%m-%d}，尚未到期")
    await adj.org_review(session, ORG_DEPT, batch_id=batch, approve=True, note=None)
    await adj.make_effective(session, ORG_DEPT, batch_id=batch)
    err = await refused(session, RuleViolation, adj.make_effective(session, dept_admin("sfj"), batch_id=batch))
    assert (err.rule, err.message) == ("ALREADY_EFFECTIVE", "该批调整已生效")


async def _every_kind(session):
    """A 综合执法局 reshuffle with one item of each kind — a head change at 枫桥, an arrival, a transfer
    from 店口 to 枫桥, a departure from 店口 — asked in that order; returns (rows, townships concerned)."""
    department = "zhzfj"
    a, b = agency_id(department, "diankou"), agency_id(department, "fengqiao")
    staff = {
        x: (
            await session.scalars(
                select(Cadre).where(Cadre.agency_id == x, Cadre.status == "IN_POST").order_by(Cadre.posted_on)
            )
        ).all()
        for x in (a, b)
    }
    room = next(x for x in await with_room(session, department) if x not in (a, b))
    items = [
        Item("HEAD_CHANGE", cadre_id=staff[b][1].id, to_agency_id=b),
        Item("IN", to_agency_id=room, newcomer=NEWCOMER),
        Item("TRANSFER", cadre_id=staff[a][1].id, from_agency_id=a, to_agency_id=b, tenure_exception_reason="轮岗"),
        Item("OUT", cadre_id=staff[a][0].id, from_agency_id=a, tenure_exception_reason="退休"),
    ]
    rows = await submit(session, items, reshuffle=True, department=department, reason="集中调整")
    return rows, {(await session.get(Agency, x)).township_id for x in (a, b, room)}


async def test_a_reshuffle_takes_effect_leavers_first_and_each_item_is_recorded(session):
    department = "zhzfj"
    rows, towns = await _every_kind(session)
    batch = rows[0].batch_id
    await adj.org_review(session, ORG_DEPT, batch_id=batch, approve=True, note=None, approve_tenure_exception=True)
    head = next(r for r in rows if r.kind == "HEAD_CHANGE")
    await adj.township_opinion(session, township_admin("fengqiao"), adjustment_id=head.id, agree=True, note=None)
    for t in towns:
        await adj.three_party_review(session, person(Role.TOWNSHIP_ADMIN, t), batch_id=batch, agree=True, note=None)
    await adj.three_party_review(session, STAFFING, batch_id=batch, agree=True, note=None)
    assert {r.status for r in rows} == {"SUBMITTED"}  # 组织部's seat in the review is still open
    await adj.three_party_review(session, ORG_DEPT, batch_id=batch, agree=True, note=None)
    assert {r.status for r in rows} == {"APPROVED"}
    done = await adj.make_effective(session, dept_admin(department), batch_id=batch)
    assert {(r.status, r.effected_at is not None) for r in done} == {("EFFECTIVE", True)}
    effective = await records(session, "adjustment.effective")
    by_id = {str(r.id): r.kind for r in rows}
    assert [by_id[x.entity_id] for x in effective] == ["OUT", "TRANSFER", "IN", "HEAD_CHANGE"]
    assert all(x.after == adj.snapshot(next(r for r in rows if str(r.id) == x.entity_id)) for x in effective)
    assert all((x.entity_type, x.actor) == ("Adjustment", "u-department_admin") for x in effective)


async def test_batches_are_read_in_the_order_they_were_asked(session):
    rooms = (await with_room(session, "zhzfj"))[:4]
    items = [Item("IN", to_agency_id=x, newcomer={**NEWCOMER, "name": f"新人{i}"}) for i, x in enumerate(rooms)]
    rows = await submit(session, items, reshuffle=True, department="zhzfj", reason="补员")
    # One request time for all; rows rewritten in descending id order, so the table holds them
    # against the id order: only the id can put them in order.
    same = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    for row in sorted(rows, key=lambda r: r.id, reverse=True):
        await session.execute(update(Adjustment).where(Adjustment.id == row.id).values(requested_at=same))
    view, _, pending = await adj.batch_view(session, ORG_DEPT, rows[0].batch_id)
    assert [r.id for r in view] == sorted(r.id for r in rows)
    assert [r.id for r in await adj._batch(session, rows[0].batch_id)] == sorted(r.id for r in rows)
    assert pending == ["ORG_REVIEW", "THREE_PARTY_REVIEW"]
    with pytest.raises(NotFound) as err:
        await adj.batch_view(session, ORG_DEPT, uuid.uuid4())
    assert err.value.message == "调整批次不存在"
    # Another department may not see the batch: for it there is no such batch.
    with pytest.raises(NotFound):
        await adj.batch_view(session, dept_admin("sfj"), rows[0].batch_id)


# --- what the review steps record exactly, and the order things are read and applied -------------


async def test_rule_one_round_per_year_is_checked_again_when_the_batch_is_approved(session):
    rows, cadre, to = await a_transfer(session)
    # Another batch for the same agency this year, committed by a concurrent request after this
    # batch's own check ran (written here directly, as that request would have).
    other = Adjustment(
        batch_id=uuid.uuid4(),
        kind="IN",
        department_id=DEPT["sfj"],
        to_agency_id=to,
        newcomer=NEWCOMER,
        effective_date=TODAY,
        reason="并发",
        requested_by="someone",
        status="SUBMITTED",
    )
    session.add(other)
    await session.flush()
    with pytest.raises(RuleViolation) as err:
        await adj.org_review(session, ORG_DEPT, batch_id=rows[0].batch_id, approve=True, note=None)
    name = (await session.get(Agency, to)).name
    assert (err.value.rule, err.value.message) == ("ONE_ROUND_PER_YEAR", f"{name}本年度已有一次人事调整，每年不超过1次")


async def test_rule_already_reviewed_while_a_head_change_waits_for_the_township(session):
    rows, _, _ = await _head_change(session)
    await adj.org_review(session, ORG_DEPT, batch_id=rows[0].batch_id, approve=True, note=None)
    assert rows[0].status == "SUBMITTED"  # still open: the township has not spoken
    err = await refused(
        session, RuleViolation, adj.org_review(session, ORG_DEPT, batch_id=rows[0].batch_id, approve=False, note="x")
    )
    assert err.rule == "ALREADY_REVIEWED"


async def test_a_township_disagreement_is_recorded_as_such(session):
    rows, _, _ = await _head_change(session, "paitou")
    [head] = rows
    await adj.org_review(session, ORG_DEPT, batch_id=head.batch_id, approve=True, note=None)
    await adj.township_opinion(session, township_admin("paitou"), adjustment_id=head.id, agree=False, note="不熟悉")
    # Advice, not a veto: recorded, and the batch waits for 组织部's answer.
    assert (head.township_opinion, head.status) == ("DISAGREE", "SUBMITTED")
    [record] = await records(session, "adjustment.township_opinion", head.id)
    assert (record.after["township_opinion"], record.after["status"]) == ("DISAGREE", "SUBMITTED")


async def test_no_township_opinion_is_taken_on_a_members_departure(session):
    cadre = await cadre_in(session, "sfj", min_years=2.5)
    assert (await session.get(Agency, cadre.agency_id)).head_cadre_id != cadre.id
    rows = await submit(session, [Item("OUT", cadre_id=cadre.id, from_agency_id=cadre.agency_id)])
    assert rows[0].township_opinion_needed is False
    who = person(Role.TOWNSHIP_ADMIN, cadre.township_id)
    err = await refused(
        session, BadInput, adj.township_opinion(session, who, adjustment_id=rows[0].id, agree=True, note=None)
    )
    assert err.message == "只有负责人调整(含现任负责人调出、调离)需要征求属地意见"
    other = person(Role.TOWNSHIP_ADMIN, uuid.uuid4())
    err = await refused(
        session, Forbidden, adj.township_opinion(session, other, adjustment_id=rows[0].id, agree=True, note=None)
    )
    assert err.message == "只有派驻机构所在乡镇(街道)可以提出意见"


async def test_the_three_party_review_reads_its_seats_in_order_and_records_a_no_as_such(session):
    rows, _, (a, b) = await _reshuffle(session)
    batch = rows[0].batch_id
    await adj.org_review(session, ORG_DEPT, batch_id=batch, approve=True, note=None)
    towns = sorted([(await session.get(Agency, x)).township_id for x in (a, b)], key=str)
    # The first township's seat decides first: its row is rewritten, and read back in seat order.
    first = await adj.three_party_review(
        session, person(Role.TOWNSHIP_ADMIN, towns[0]), batch_id=batch, agree=True, note=None
    )
    later = await adj.three_party_review(session, STAFFING, batch_id=batch, agree=False, note="编制不足")
    for reviews in (first, later):
        assert [r.party for r in reviews] == sorted(r.party for r in reviews)
    staffing = next(r for r in later if r.party == "STAFFING_OFFICE")
    assert staffing.decision == "DISAGREE" and staffing.decided_at.tzinfo is not None
    [record] = [r for r in await records(session, "reshuffle.review", batch) if r.actor == "u-staffing_office"]
    assert record.after == {"party": "STAFFING_OFFICE", "decision": "DISAGREE"}


async def test_effect_order_is_by_kind_whatever_the_order_items_were_asked_in(session):
    department = "zhzfj"
    rows, towns = await _every_kind(session)
    # Asked in the reverse of the order they take effect in: the head change first, the departure last.
    start = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.timezone.utc)
    for i, row in enumerate(rows):
        row.requested_at = start + dt.timedelta(minutes=i)
    await session.flush()
    view, _, _ = await adj.batch_view(session, ORG_DEPT, rows[0].batch_id)
    assert [r.kind for r in view] == ["HEAD_CHANGE", "IN", "TRANSFER", "OUT"]
    assert [r.kind for r in await adj._batch(session, rows[0].batch_id)] == ["HEAD_CHANGE", "IN", "TRANSFER", "OUT"]
    batch = rows[0].batch_id
    await adj.org_review(session, ORG_DEPT, batch_id=batch, approve=True, note=None, approve_tenure_exception=True)
    head = next(r for r in rows if r.kind == "HEAD_CHANGE")
    await adj.township_opinion(session, township_admin("fengqiao"), adjustment_id=head.id, agree=True, note=None)
    for t in towns:
        await adj.three_party_review(session, person(Role.TOWNSHIP_ADMIN, t), batch_id=batch, agree=True, note=None)
    for who in (STAFFING, ORG_DEPT):
        await adj.three_party_review(session, who, batch_id=batch, agree=True, note=None)
    assert (await adj.batch_view(session, ORG_DEPT, batch))[2] == []  # every step taken: nothing pending
    done = await adj.make_effective(session, dept_admin(department), batch_id=batch)
    assert all(r.effected_at.tzinfo is not None for r in done)
    by_id = {str(r.id): r.kind for r in rows}
    effective = await records(session, "adjustment.effective")
    assert [by_id[x.entity_id] for x in effective] == ["OUT", "TRANSFER", "IN", "HEAD_CHANGE"]


# --- the year's round, the open-adjustment check and snapshots at their edges ---------------------


async def test_a_rejected_batch_does_not_take_the_years_round_nor_hold_the_person(session):
    rows, cadre, to = await a_transfer(session)
    await adj.org_review(session, ORG_DEPT, batch_id=rows[0].batch_id, approve=False, note="不同意")
    # The same person, the same agencies, the same year: a new request is accepted.
    [again] = await submit(
        session, [Item("TRANSFER", cadre_id=cadre.id, from_agency_id=cadre.agency_id, to_agency_id=to)]
    )
    assert again.status == "SUBMITTED"


async def test_rule_one_round_per_year_names_every_busy_agency(session):
    rows, cadre, to = await a_transfer(session, department="zhzfj")
    origin = cadre.agency_id
    items = [Item("IN", to_agency_id=x, newcomer={**NEWCOMER, "name": f"新人{i}"}) for i, x in enumerate((origin, to))]
    err = await refused(session, RuleViolation, submit(session, items, reshuffle=True, department="zhzfj"))
    names = sorted([(await session.get(Agency, x)).name for x in (origin, to)])
    assert err.message == f"{names[0]}、{names[1]}本年度已有一次人事调整，每年不超过1次"
    assert err.extra["agencies"] == sorted([str(origin), str(to)])


async def test_a_swap_leaves_an_over_staffed_agency_as_it_was_and_is_allowed(session):
    # An agency over its quota (as a legacy roster can be): a swap that leaves its count unchanged
    # asks for no place there.
    a, b = agency_id("sfj", "wuxie"), agency_id("sfj", "tongshan")
    people = {}
    for x in (a, b):
        people[x] = (
            await session.scalars(
                select(Cadre).where(Cadre.agency_id == x, Cadre.status == "IN_POST").order_by(Cadre.posted_on)
            )
        ).first()
    over = await session.get(Agency, a)
    occupied = (await vacancies.occupancy(session, [a]))[a].in_post
    over.quota = occupied - 1
    await session.flush()
    rows = await submit(
        session,
        [
            Item("TRANSFER", cadre_id=people[a].id, from_agency_id=a, to_agency_id=b, tenure_exception_reason="交流"),
            Item("TRANSFER", cadre_id=people[b].id, from_agency_id=b, to_agency_id=a, tenure_exception_reason="交流"),
        ],
        reshuffle=True,
    )
    assert len(rows) == 2


async def test_snapshots_leave_absent_fields_empty_and_state_an_exception(session):
    cadre = await cadre_in(session, "sfj", max_years=1.5)
    [out] = await submit(
        session, [Item("OUT", cadre_id=cadre.id, from_agency_id=cadre.agency_id, tenure_exception_reason="援疆")]
    )
    snap = adj.snapshot(out)
    assert (snap["to_agency_id"], snap["tenure_exception"], snap["cadre_id"]) == (None, True, str(cadre.id))
    [arrival] = await submit(
        session,
        [Item("IN", to_agency_id=(await with_room(session, "zhzfj"))[0], newcomer=NEWCOMER)],
        department="zhzfj",
    )
    snap = adj.snapshot(arrival)
    assert (snap["cadre_id"], snap["from_agency_id"], snap["tenure_exception"]) == (None, None, False)
