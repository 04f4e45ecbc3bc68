"""人事调整 rules: organisation-department review first, township opinion for heads, three-party
review for reshuffles, quota, one round per year, two years in a township, nothing before approval."""

from __future__ import annotations

import datetime as dt

import pytest
from personnel_world import (
    DEPT,
    LEADER,
    ORG_DEPT,
    STAFFING,
    TOWN,
    agency_id,
    cadre_in,
    dept_admin,
    other_agency_with_room,
    township_admin,
    with_room,
)
from sqlalchemy import func, select

from personnel import adjustments as adj
from personnel import vacancies
from personnel.adjustments import Item
from personnel.calendar import today
from personnel.models import Adjustment, Agency, Cadre
from servicekit.errors import Forbidden, RuleViolation
from servicekit.outbox import OutboxEvent

TODAY = today()
NEXT_YEAR = dt.date(TODAY.year + 1, 3, 1)
NEWCOMER = {"name": "沈若溪", "birth_date": "1995-04-12", "professional_line": "人民调解", "gender": "FEMALE"}


async def full_agency(session, dept: str):
    ids = (await session.scalars(select(Agency.id).where(Agency.department_id == DEPT[dept]))).all()
    occ = await vacancies.occupancy(session, list(ids))
    return next(o.agency_id for o in occ.values() if o.available == 0)


async def transfer(session, cadre, to, *, when=TODAY, reason_exception=None, who=None):
    return await adj.submit(
        session,
        who or dept_admin("sfj"),
        department_id=cadre.department_id,
        effective_date=when,
        reason="工作需要",
        items=[
            Item(
                "TRANSFER",
                cadre_id=cadre.id,
                from_agency_id=cadre.agency_id,
                to_agency_id=to,
                tenure_exception_reason=reason_exception,
            )
        ],
    )


async def test_a_transfer_takes_effect_after_review_and_moves_the_person(session):
    cadre = await cadre_in(session, "sfj", min_years=2.5)
    to = await other_agency_with_room(session, "sfj", cadre)
    origin = cadre.agency_id
    rows = await transfer(session, cadre, to)
    assert rows[0].status == "SUBMITTED" and cadre.agency_id == origin
    await adj.org_review(session, ORG_DEPT, batch_id=rows[0].batch_id, approve=True, note="同意")
    assert rows[0].status == "APPROVED"
    await adj.make_effective(session, dept_admin("sfj"), batch_id=rows[0].batch_id)
    moved = await session.get(Cadre, cadre.id)
    target = await session.get(Agency, to)
    assert (moved.agency_id, moved.township_id, moved.posted_on) == (to, target.township_id, TODAY)
    event = (
        await session.scalars(
            select(OutboxEvent).where(OutboxEvent.aggregate_id == str(cadre.id)).order_by(OutboxEvent.id.desc())
        )
    ).first()
    assert event.type == "cadre.moved" and event.payload["from"]["agency_id"] == str(origin)


async def test_rule_already_reviewed(session):
    """A batch is reviewed once: a second review, either way, is refused and changes nothing."""
    cadre = await cadre_in(session, "sfj", min_years=2.5)
    rows = await transfer(session, cadre, await other_agency_with_room(session, "sfj", cadre))
    await adj.org_review(session, ORG_DEPT, batch_id=rows[0].batch_id, approve=True, note="同意")
    for approve in (False, True):
        with pytest.raises(RuleViolation) as err:
            await adj.org_review(session, ORG_DEPT, batch_id=rows[0].batch_id, approve=approve, note="再审")
        assert err.value.rule == "ALREADY_REVIEWED"
    assert (rows[0].status, rows[0].org_review, rows[0].org_review_note) == ("APPROVED", "APPROVED", "同意")


async def test_rule_already_effective(session):
    """Making a batch effective twice would move the person twice: the second time is refused."""
    cadre = await cadre_in(session, "sfj", min_years=2.5)
    to = await other_agency_with_room(session, "sfj", cadre)
    rows = await transfer(session, cadre, to)
    await adj.org_review(session, ORG_DEPT, batch_id=rows[0].batch_id, approve=True, note=None)
    await adj.make_effective(session, dept_admin("sfj"), batch_id=rows[0].batch_id)
    moves = (
        await session.scalars(
            select(OutboxEvent).where(OutboxEvent.aggregate_id == str(cadre.id), OutboxEvent.type == "cadre.moved")
        )
    ).all()
    with pytest.raises(RuleViolation) as err:
        await adj.make_effective(session, ORG_DEPT, batch_id=rows[0].batch_id)
    assert err.value.rule == "ALREADY_EFFECTIVE"
    assert len(
        (
            await session.scalars(
                select(OutboxEvent).where(OutboxEvent.aggregate_id == str(cadre.id), OutboxEvent.type == "cadre.moved")
            )
        ).all()
    ) == len(moves)


async def test_rule_not_approved(session):
    cadre = await cadre_in(session, "sfj", min_years=2.5)
    rows = await transfer(session, cadre, await other_agency_with_room(session, "sfj", cadre))
    with pytest.raises(RuleViolation) as err:
        await adj.make_effective(session, dept_admin("sfj"), batch_id=rows[0].batch_id)
    assert err.value.rule == "NOT_APPROVED" and err.value.extra["pending"] == ["ORG_REVIEW"]


async def test_rule_not_yet_effective(session):
    cadre = await cadre_in(session, "sfj", min_years=3.5)
    rows = await transfer(session, cadre, await other_agency_with_room(session, "sfj", cadre), when=NEXT_YEAR)
    await adj.org_review(session, ORG_DEPT, batch_id=rows[0].batch_id, approve=True, note=None)
    with pytest.raises(RuleViolation) as err:
        await adj.make_effective(session, dept_admin("sfj"), batch_id=rows[0].batch_id)
    assert err.value.rule == "NOT_YET_EFFECTIVE"


async def test_rule_quota_exceeded(session):
    full = await full_agency(session, "sfj")
    with pytest.raises(RuleViolation) as err:
        await adj.submit(
            session,
            dept_admin("sfj"),
            department_id=DEPT["sfj"],
            effective_date=TODAY,
            reason="补员",
            items=[Item("IN", to_agency_id=full, newcomer=NEWCOMER)],
        )
    assert err.value.rule == "QUOTA_EXCEEDED"
    assert await session.scalar(select(func.count()).select_from(Adjustment)) == 0


async def test_rule_quota_exceeded_counts_every_arrival_of_a_reshuffle(session):
    target = (await with_room(session, "zhzfj"))[-1]  # the agency with the least room
    room = (await vacancies.occupancy(session, [target]))[target].available
    with pytest.raises(RuleViolation) as err:
        await adj.submit(
            session,
            dept_admin("zhzfj"),
            department_id=DEPT["zhzfj"],
            effective_date=TODAY,
            reason="集中补员",
            reshuffle=True,
            items=[Item("IN", to_agency_id=target, newcomer={**NEWCOMER, "name": f"新人{i}"}) for i in range(room + 1)],
        )
    assert err.value.rule == "QUOTA_EXCEEDED"


async def test_a_swap_between_two_full_agencies_fits_the_quota(session):
    a, b = agency_id("sfj", "wuxie"), agency_id("sfj", "tongshan")
    people = {}
    for agency in (a, b):
        people[agency] = (
            await session.scalars(
                select(Cadre).where(Cadre.agency_id == agency, Cadre.status == "IN_POST").order_by(Cadre.posted_on)
            )
        ).first()
    rows = await adj.submit(
        session,
        dept_admin("sfj"),
        department_id=DEPT["sfj"],
        effective_date=TODAY,
        reason="交流",
        reshuffle=True,
        items=[
            Item(
                "TRANSFER", cadre_id=people[a].id, from_agency_id=a, to_agency_id=b, tenure_exception_reason="交流任职"
            ),
            Item(
                "TRANSFER", cadre_id=people[b].id, from_agency_id=b, to_agency_id=a, tenure_exception_reason="交流任职"
            ),
        ],
    )
    assert len(rows) == 2


async def _someone_leaving(session, agency, but=None) -> Item:
    stmt = select(Cadre).where(Cadre.agency_id == agency, Cadre.status == "IN_POST")
    if but:
        stmt = stmt.where(Cadre.id != but)
    leaver = (await session.scalars(stmt.order_by(Cadre.posted_on))).first()
    return Item("OUT", cadre_id=leaver.id, from_agency_id=agency, tenure_exception_reason="退休")


async def _submit(session, items, when=TODAY, reason="工作需要", dept="sfj"):
    return await adj.submit(
        session, dept_admin(dept), department_id=DEPT[dept], effective_date=when, reason=reason, items=items
    )


async def test_rule_one_round_per_year(session):
    """人事一年调整不超过1次: a second adjustment of either agency a transfer touched is refused this
    year — the agency the cadre leaves as much as the one they join — and accepted next year."""
    first = await cadre_in(session, "sfj", min_years=2.5)
    origin = first.agency_id
    to = await other_agency_with_room(session, "sfj", first)
    await transfer(session, first, to)
    before = await session.scalar(select(func.count()).select_from(Adjustment))
    for agency in (origin, to):
        with pytest.raises(RuleViolation) as err:
            await _submit(session, [await _someone_leaving(session, agency, but=first.id)])
        assert err.value.rule == "ONE_ROUND_PER_YEAR" and err.value.extra["agencies"] == [str(agency)]
    assert await session.scalar(select(func.count()).select_from(Adjustment)) == before
    # Next calendar year the agency may be adjusted again.
    [row] = await _submit(session, [await _someone_leaving(session, origin, but=first.id)], when=NEXT_YEAR)
    assert row.status == "SUBMITTED"


async def test_rule_replenishment_is_not_a_round(session):
    """及时补员: an arrival filling an empty seat (above all in answer to a 提醒告知单) is accepted after
    the agency's adjustment round, and takes no round from the agency either."""
    from personnel import reminders
    from personnel.models import ReminderNotice

    first = await cadre_in(session, "sfj", min_years=2.5)
    origin = first.agency_id
    await transfer(session, first, await other_agency_with_room(session, "sfj", first))
    [moved] = (await session.scalars(select(Adjustment).where(Adjustment.cadre_id == first.id))).all()
    await adj.org_review(session, ORG_DEPT, batch_id=moved.batch_id, approve=True, note=None)
    await adj.make_effective(session, dept_admin("sfj"), batch_id=moved.batch_id)
    # The move left a seat empty in the agency; the staffing office reminds the department.
    _, notices = await reminders.issue(
        session, STAFFING, deadline=TODAY + dt.timedelta(days=30), note=None, department_ids=[DEPT["sfj"]]
    )
    [row] = await _submit(session, [Item("IN", to_agency_id=origin, newcomer=NEWCOMER)], reason="补员")
    assert (row.replenishment, row.status) == (True, "SUBMITTED")
    await adj.org_review(session, ORG_DEPT, batch_id=row.batch_id, approve=True, note=None)
    await adj.make_effective(session, dept_admin("sfj"), batch_id=row.batch_id)
    assert row.status == "EFFECTIVE"
    assert (await session.get(ReminderNotice, notices[0].id)).replenished == 1  # 补员 counted on the notice
    # An agency that was only replenished may still have this year's round.
    room = next(a for a in await with_room(session, "sfj", exclude={origin}) if a != first.agency_id)
    [filled] = await _submit(session, [Item("IN", to_agency_id=room, newcomer={**NEWCOMER, "name": "周闻笛"})])
    await adj.org_review(session, ORG_DEPT, batch_id=filled.batch_id, approve=True, note=None)
    [out] = await _submit(session, [await _someone_leaving(session, room)])
    assert out.replenishment is False and out.status == "SUBMITTED"


async def test_rule_an_arrival_inside_a_reshuffle_is_a_round(session):
    """A reshuffle (集中调整) is the department's adjustment: arrivals in it count as the round."""
    room = (await with_room(session, "sfj"))[0]
    rows = await adj.submit(
        session,
        dept_admin("sfj"),
        department_id=DEPT["sfj"],
        effective_date=TODAY,
        reason="集中调整",
        reshuffle=True,
        items=[Item("IN", to_agency_id=room, newcomer=NEWCOMER)],
    )
    assert rows[0].replenishment is False
    with pytest.raises(RuleViolation) as err:
        await _submit(session, [await _someone_leaving(session, room)])
    assert err.value.rule == "ONE_ROUND_PER_YEAR"


async def test_rule_min_tenure_2y(session):
    cadre = await cadre_in(session, "sfj", max_years=1.5)
    to = await other_agency_with_room(session, "sfj", cadre)
    with pytest.raises(RuleViolation) as err:
        await transfer(session, cadre, to)
    assert err.value.rule == "MIN_TENURE_2Y"
    assert await session.scalar(select(func.count()).select_from(Adjustment)) == 0


async def test_rule_min_tenure_2y_applies_to_leaving_the_township(session):
    cadre = await cadre_in(session, "sfj", max_years=1.5)
    with pytest.raises(RuleViolation) as err:
        await adj.submit(
            session,
            dept_admin("sfj"),
            department_id=DEPT["sfj"],
            effective_date=TODAY,
            reason="回原单位",
            items=[Item("OUT", cadre_id=cadre.id, from_agency_id=cadre.agency_id)],
        )
    assert err.value.rule == "MIN_TENURE_2Y"


async def test_rule_tenure_exception_not_approved_then_reported(session):
    cadre = await cadre_in(session, "sfj", max_years=1.5)
    rows = await transfer(
        session, cadre, await other_agency_with_room(session, "sfj", cadre), reason_exception="店口镇急需调解骨干"
    )
    with pytest.raises(RuleViolation) as err:
        await adj.org_review(session, ORG_DEPT, batch_id=rows[0].batch_id, approve=True, note=None)
    assert err.value.rule == "TENURE_EXCEPTION_NOT_APPROVED"
    await adj.org_review(
        session, ORG_DEPT, batch_id=rows[0].batch_id, approve=True, note="同意例外", approve_tenure_exception=True
    )
    page = await adj.list_adjustments(session, STAFFING, first=10, after=None, tenure_exceptions_only=True)
    assert [r.id for r in page.items] == [rows[0].id]


async def _head_change(session, town="diankou"):
    agency = agency_id("sfj", town)
    cadre = (
        await session.scalars(
            select(Cadre).where(Cadre.agency_id == agency, Cadre.status == "IN_POST").order_by(Cadre.id)
        )
    ).first()
    return (
        await adj.submit(
            session,
            dept_admin("sfj"),
            department_id=DEPT["sfj"],
            effective_date=TODAY,
            reason="所长任命",
            items=[Item("HEAD_CHANGE", cadre_id=cadre.id, to_agency_id=agency)],
        ),
        cadre,
        agency,
    )


async def test_rule_head_needs_township_opinion(session):
    rows, cadre, agency = await _head_change(session)
    with pytest.raises(RuleViolation) as err:  # the opinion is sought after the organisation department's review
        await adj.township_opinion(session, township_admin("diankou"), adjustment_id=rows[0].id, agree=True, note=None)
    assert err.value.rule == "HEAD_NEEDS_TOWNSHIP_OPINION"
    await adj.org_review(session, ORG_DEPT, batch_id=rows[0].batch_id, approve=True, note=None)
    with pytest.raises(RuleViolation) as err:
        await adj.make_effective(session, dept_admin("sfj"), batch_id=rows[0].batch_id)
    assert err.value.rule == "NOT_APPROVED" and err.value.extra["pending"] == ["TOWNSHIP_OPINION"]
    with pytest.raises(Forbidden):  # another township has no say
        await adj.township_opinion(session, township_admin("fengqiao"), adjustment_id=rows[0].id, agree=True, note=None)
    await adj.township_opinion(session, township_admin("diankou"), adjustment_id=rows[0].id, agree=True, note="同意")
    await adj.make_effective(session, dept_admin("sfj"), batch_id=rows[0].batch_id)
    assert (await session.get(Agency, agency)).head_cadre_id == cadre.id


async def test_rule_disagreement_needs_answer(session):
    """征求属地意见 is advice: a disagreement is recorded, the batch waits, and 组织部 proceeds only by
    saying why (or stops the batch)."""
    from servicekit.audit import AuditRecord
    from servicekit.errors import BadInput

    rows, cadre, agency = await _head_change(session, "paitou")
    await adj.org_review(session, ORG_DEPT, batch_id=rows[0].batch_id, approve=True, note=None)
    await adj.township_opinion(
        session, township_admin("paitou"), adjustment_id=rows[0].id, agree=False, note="该同志不熟悉本镇情况"
    )
    assert (rows[0].status, rows[0].township_opinion) == ("SUBMITTED", "DISAGREE")
    with pytest.raises(RuleViolation) as err:
        await adj.make_effective(session, dept_admin("sfj"), batch_id=rows[0].batch_id)
    assert err.value.rule == "NOT_APPROVED" and err.value.extra["pending"] == ["OPINION_ANSWER"]
    with pytest.raises(Forbidden):
        await adj.answer_township_opinion(
            session, township_admin("paitou"), adjustment_id=rows[0].id, proceed=True, note="x"
        )
    with pytest.raises(BadInput):
        await adj.answer_township_opinion(session, ORG_DEPT, adjustment_id=rows[0].id, proceed=True, note="  ")
    assert rows[0].opinion_answer is None
    await adj.answer_township_opinion(
        session, ORG_DEPT, adjustment_id=rows[0].id, proceed=True, note="经研究，该同志业务精通，安排熟悉期"
    )
    assert (rows[0].status, rows[0].opinion_answer) == ("APPROVED", "经研究，该同志业务精通，安排熟悉期")
    with pytest.raises(RuleViolation) as err:
        await adj.answer_township_opinion(session, ORG_DEPT, adjustment_id=rows[0].id, proceed=False, note="再答")
    assert err.value.rule == "ALREADY_DECIDED"
    record = (
        await session.scalars(
            select(AuditRecord).where(
                AuditRecord.entity_id == str(rows[0].id), AuditRecord.action == "adjustment.opinion_answer"
            )
        )
    ).one()
    assert record.after["proceed"] is True and record.reason == "经研究，该同志业务精通，安排熟悉期"
    await adj.make_effective(session, dept_admin("sfj"), batch_id=rows[0].batch_id)
    assert (await session.get(Agency, agency)).head_cadre_id == cadre.id


async def test_organisation_department_may_stop_a_head_change_the_township_disagrees_with(session):
    rows, _, _ = await _head_change(session, "paitou")
    await adj.org_review(session, ORG_DEPT, batch_id=rows[0].batch_id, approve=True, note=None)
    with pytest.raises(RuleViolation) as err:  # nothing to answer before a disagreement
        await adj.answer_township_opinion(session, ORG_DEPT, adjustment_id=rows[0].id, proceed=True, note="x")
    assert err.value.rule == "NO_DISAGREEMENT"
    await adj.township_opinion(session, township_admin("paitou"), adjustment_id=rows[0].id, agree=False, note="不熟悉")
    await adj.answer_township_opinion(session, ORG_DEPT, adjustment_id=rows[0].id, proceed=False, note="尊重属地意见")
    assert rows[0].status == "REJECTED"


async def test_rule_head_needs_township_opinion_when_the_sitting_head_leaves(session):
    """派驻机构负责人调整须征求属地乡镇意见 — also when the sitting head is moved out or away."""
    cadre = await cadre_in(session, "sfj", min_years=2.5)
    agency = await session.get(Agency, cadre.agency_id)
    agency.head_cadre_id = cadre.id
    await session.flush()
    [row] = await _submit(session, [Item("OUT", cadre_id=cadre.id, from_agency_id=agency.id)], reason="退休")
    assert row.township_opinion_needed is True
    await adj.org_review(session, ORG_DEPT, batch_id=row.batch_id, approve=True, note=None)
    with pytest.raises(RuleViolation) as err:
        await adj.make_effective(session, dept_admin("sfj"), batch_id=row.batch_id)
    assert err.value.rule == "NOT_APPROVED" and err.value.extra["pending"] == ["TOWNSHIP_OPINION"]
    assert (await session.get(Cadre, cadre.id)).status == "IN_POST"
    from personnel_world import person

    from servicekit.principal import Role

    with pytest.raises(Forbidden):  # the township of another agency has no say
        await adj.township_opinion(
            session,
            township_admin("paitou" if agency.township_id != TOWN["paitou"] else "diankou"),
            adjustment_id=row.id,
            agree=True,
            note=None,
        )
    await adj.township_opinion(
        session, person(Role.TOWNSHIP_ADMIN, agency.township_id), adjustment_id=row.id, agree=True, note="同意"
    )
    await adj.make_effective(session, dept_admin("sfj"), batch_id=row.batch_id)
    assert (await session.get(Cadre, cadre.id)).status == "LEFT"


async def _reshuffle(session):
    a, b = agency_id("zhzfj", "diankou"), agency_id("zhzfj", "fengqiao")
    people = [
        (
            await session.scalars(
                select(Cadre).where(Cadre.agency_id == x, Cadre.status == "IN_POST").order_by(Cadre.posted_on)
            )
        ).first()
        for x in (a, b)
    ]
    rows = await adj.submit(
        session,
        dept_admin("zhzfj"),
        department_id=DEPT["zhzfj"],
        effective_date=TODAY,
        reason="执法中队集中轮岗",
        reshuffle=True,
        items=[
            Item("TRANSFER", cadre_id=people[0].id, from_agency_id=a, to_agency_id=b),
            Item("TRANSFER", cadre_id=people[1].id, from_agency_id=b, to_agency_id=a),
        ],
    )
    return rows, people, (a, b)


async def test_rule_reshuffle_needs_three_party(session):
    rows, people, (a, b) = await _reshuffle(session)
    batch = rows[0].batch_id
    with pytest.raises(RuleViolation) as err:
        await adj.three_party_review(session, STAFFING, batch_id=batch, agree=True, note=None)
    assert err.value.rule == "RESHUFFLE_NEEDS_THREE_PARTY"
    await adj.org_review(session, ORG_DEPT, batch_id=batch, approve=True, note=None)
    for party in (ORG_DEPT, STAFFING, township_admin("diankou")):
        await adj.three_party_review(session, party, batch_id=batch, agree=True, note="同意")
    with pytest.raises(RuleViolation) as err:
        await adj.make_effective(session, dept_admin("zhzfj"), batch_id=batch)
    assert err.value.extra["pending"] == ["THREE_PARTY_REVIEW"]
    with pytest.raises(Forbidden):  # a township not concerned has no seat
        await adj.three_party_review(session, township_admin("tongshan"), batch_id=batch, agree=True, note=None)
    await adj.three_party_review(session, township_admin("fengqiao"), batch_id=batch, agree=True, note="同意")
    await adj.make_effective(session, ORG_DEPT, batch_id=batch)
    assert (await session.get(Cadre, people[0].id)).agency_id == b
    assert (await session.get(Cadre, people[1].id)).agency_id == a


async def test_one_disagreement_in_the_three_party_review_stops_the_reshuffle(session):
    rows, _, _ = await _reshuffle(session)
    await adj.org_review(session, ORG_DEPT, batch_id=rows[0].batch_id, approve=True, note=None)
    await adj.three_party_review(
        session, township_admin("fengqiao"), batch_id=rows[0].batch_id, agree=False, note="影响执法力量"
    )
    assert {r.status for r in rows} == {"REJECTED"}


@pytest.mark.parametrize("who", [township_admin("diankou"), ORG_DEPT, STAFFING, LEADER, dept_admin("zhzfj")])
async def test_only_the_department_submits_its_adjustments(session, who):
    with pytest.raises(Forbidden):
        await adj.submit(
            session,
            who,
            department_id=DEPT["sfj"],
            effective_date=TODAY,
            reason="x",
            items=[Item("IN", to_agency_id=agency_id("sfj", "diankou"), newcomer=NEWCOMER)],
        )


@pytest.mark.parametrize("who", [dept_admin("sfj"), STAFFING, township_admin("diankou"), LEADER])
async def test_only_the_organisation_department_reviews(session, who):
    cadre = await cadre_in(session, "sfj", min_years=2.5)
    rows = await transfer(session, cadre, await other_agency_with_room(session, "sfj", cadre))
    with pytest.raises(Forbidden):
        await adj.org_review(session, who, batch_id=rows[0].batch_id, approve=True, note=None)


async def test_approved_arrivals_hold_their_places(session):
    target = (await with_room(session, "scjgj"))[0]
    before = (await vacancies.occupancy(session, [target]))[target]
    rows = await adj.submit(
        session,
        dept_admin("scjgj"),
        department_id=DEPT["scjgj"],
        effective_date=NEXT_YEAR,
        reason="补员",
        items=[Item("IN", to_agency_id=target, newcomer={**NEWCOMER, "professional_line": "食品安全"})],
    )
    assert (await vacancies.occupancy(session, [target]))[target].available == before.available  # submitted only
    await adj.org_review(session, ORG_DEPT, batch_id=rows[0].batch_id, approve=True, note=None)
    after = (await vacancies.occupancy(session, [target]))[target]
    assert (after.incoming, after.available) == (before.incoming + 1, before.available - 1)


def test_min_tenure_2y_and_the_next_move_date_agree():
    """Cadre.nextMoveAllowedOn is the first day MIN_TENURE_2Y lets a move through without an exception."""
    import datetime as _dt

    from personnel.adjustments import MIN_TENURE_YEARS, _years_between, earliest_move

    for posted in (_dt.date(2024, 2, 29), _dt.date(2023, 1, 1), _dt.date(2025, 6, 30)):
        first = earliest_move(posted)
        assert _years_between(posted, first) >= MIN_TENURE_YEARS
        assert _years_between(posted, first - _dt.timedelta(days=1)) < MIN_TENURE_YEARS


async def test_each_step_of_a_batch_announces_who_it_waits_for(session):
    """``adjustment.batch_changed`` in the step's own transaction: what the 待办 of each party is built from."""
    from servicekit.outbox import OutboxEvent

    async def announced(batch_id):
        rows = await session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.type == "adjustment.batch_changed", OutboxEvent.aggregate_id == str(batch_id))
            .order_by(OutboxEvent.id)
        )
        return [(e.payload["status"], e.payload["waiting"]) for e in rows.all()]

    rows, cadre, agency = await _head_change(session, "paitou")
    batch = rows[0].batch_id
    town = str((await session.get(Agency, agency)).township_id)
    await adj.org_review(session, ORG_DEPT, batch_id=batch, approve=True, note=None)
    await adj.township_opinion(session, township_admin("paitou"), adjustment_id=rows[0].id, agree=False, note="不熟悉")
    await adj.answer_township_opinion(session, ORG_DEPT, adjustment_id=rows[0].id, proceed=True, note="经研究继续")
    await adj.make_effective(session, dept_admin("sfj"), batch_id=batch)
    assert await announced(batch) == [
        ("SUBMITTED", [{"step": "ORG_REVIEW", "role": "ORG_DEPARTMENT"}]),
        ("SUBMITTED", [{"step": "TOWNSHIP_OPINION", "role": "TOWNSHIP_ADMIN", "township_id": town}]),
        ("SUBMITTED", [{"step": "OPINION_ANSWER", "role": "ORG_DEPARTMENT"}]),
        ("APPROVED", [{"step": "MAKE_EFFECTIVE", "role": "DEPARTMENT_ADMIN"}]),
        ("EFFECTIVE", []),
    ]
