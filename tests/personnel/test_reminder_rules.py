"""提醒告知单: issue to departments below quota, answer with a plan, close when filled, list the
overdue for accountability; and the vacancy forecast."""

from __future__ import annotations

import datetime as dt

import pytest
from personnel_world import DEPT, LEADER, ORG_DEPT, STAFFING, dept_admin, person, township_admin, with_room

from personnel import adjustments as adj
from personnel import reminders, vacancies
from personnel.adjustments import Item
from personnel.calendar import today
from personnel.models import ReminderBatch
from servicekit.errors import BadInput, Forbidden, RuleViolation
from servicekit.principal import Role

NEWCOMER = {"name": "许嘉言", "birth_date": "1996-09-01", "professional_line": "城市管理"}


async def test_the_demo_holds_the_reports_reminder_history(session):
    """提醒告知单6批次，及时补员29人: the demo starts with the report's closed history."""
    stats = await reminders.statistics(session)
    assert (stats.batches, stats.replenished, stats.overdue, stats.notices - stats.closed) == (6, 29, 0, 0)


async def test_notices_go_to_every_department_below_quota(session):
    before = await reminders.statistics(session)
    batch, notices = await reminders.issue(session, STAFFING, deadline=today() + dt.timedelta(days=30), note="第一批")
    gaps = {s.key: s.vacancy for s in await vacancies.summary(session, "department")}
    assert {n.department_id: n.vacancies_at_issue for n in notices} == {d: g for d, g in gaps.items() if g > 0}
    stats = await reminders.statistics(session)
    assert (stats.batches, stats.notices, stats.closed) == (
        before.batches + 1,
        before.notices + len(notices),
        before.closed,
    )


async def test_rule_no_vacancies(session):
    full = [d for d, s in ((s.key, s) for s in await vacancies.summary(session, "department")) if s.vacancy == 0]
    with pytest.raises(RuleViolation) as err:
        await reminders.issue(session, STAFFING, deadline=today(), note=None, department_ids=full)
    assert err.value.rule == "NO_VACANCIES"


async def test_rule_deadline_in_past(session):
    with pytest.raises(RuleViolation) as err:
        await reminders.issue(session, STAFFING, deadline=today() - dt.timedelta(days=1), note=None)
    assert err.value.rule == "DEADLINE_IN_PAST"


@pytest.mark.parametrize("who", [ORG_DEPT, LEADER, dept_admin("zhzfj"), township_admin("diankou")])
async def test_only_the_staffing_office_issues_notices(session, who):
    with pytest.raises(Forbidden):
        await reminders.issue(session, who, deadline=today(), note=None)


async def test_a_notice_is_answered_with_a_plan_and_closes_when_the_places_are_filled(session):
    replenished_before = (await reminders.statistics(session)).replenished
    _, notices = await reminders.issue(
        session, STAFFING, deadline=today() + dt.timedelta(days=30), note=None, department_ids=[DEPT["zhzfj"]]
    )
    notice = notices[0]
    with pytest.raises(Forbidden):  # another department cannot answer for it
        await reminders.answer(session, dept_admin("sfj"), notice_id=notice.id, plan="x")
    await reminders.answer(session, dept_admin("zhzfj"), notice_id=notice.id, plan="12月底前补齐")
    assert notice.status == "ANSWERED"
    # Fill every vacant place in one concentrated round.
    agencies = await with_room(session, "zhzfj")
    occ = await vacancies.occupancy(session, agencies)
    items = [
        Item("IN", to_agency_id=a, newcomer={**NEWCOMER, "name": f"补员{a.hex[:4]}{i}"})
        for a in agencies
        for i in range(occ[a].available)
    ]
    rows = await adj.submit(
        session,
        dept_admin("zhzfj"),
        department_id=DEPT["zhzfj"],
        effective_date=today(),
        reason="按告知单补员",
        items=items,
        reshuffle=True,
    )
    batch = rows[0].batch_id
    await adj.org_review(session, ORG_DEPT, batch_id=batch, approve=True, note=None)
    reviews = await adj._reviews(session, batch)
    for review in reviews:
        who = {"ORG_DEPARTMENT": ORG_DEPT, "STAFFING_OFFICE": STAFFING}.get(review.party)
        if who is None:
            who = person(Role.TOWNSHIP_ADMIN, review.party.split(":", 1)[1])
        await adj.three_party_review(session, who, batch_id=batch, agree=True, note=None)
    await adj.make_effective(session, dept_admin("zhzfj"), batch_id=batch)
    await session.refresh(notice)
    assert notice.status == "CLOSED" and notice.replenished == notice.vacancies_at_issue
    with pytest.raises(RuleViolation) as err:
        await reminders.answer(session, dept_admin("zhzfj"), notice_id=notice.id, plan="再补")
    assert err.value.rule == "NOTICE_CLOSED"
    assert (await reminders.statistics(session)).replenished == replenished_before + notice.vacancies_at_issue


async def test_overdue_notices_appear_on_the_accountability_list(session):
    _, notices = await reminders.issue(session, STAFFING, deadline=today(), note=None, department_ids=[DEPT["scjgj"]])
    batch = await session.get(ReminderBatch, notices[0].batch_id)
    batch.deadline = today() - dt.timedelta(days=1)  # time passes
    await session.flush()
    overdue = await reminders.list_notices(session, STAFFING, overdue_only=True)
    assert [n.id for n, _ in overdue.items] == [notices[0].id]
    assert (await reminders.statistics(session)).overdue == 1
    mine = await reminders.list_notices(session, dept_admin("sfj"), overdue_only=True)
    assert mine.items == []  # a department sees its own notices only


async def test_the_forecast_counts_retirements_and_approved_moves(session):
    rows = await reminders.forecast(session, 24)
    assert len(rows) == 6 and all(r.projected_vacancy >= r.vacancy_now for r in rows)
    assert sum(r.retirements for r in rows) > 0  # the demo roster has people within two years of retirement
    assert sum(r.eligible_to_rotate for r in rows) > 0
    with pytest.raises(BadInput):
        await reminders.forecast(session, 0)


async def test_the_demos_open_work_goes_through_the_rules_and_is_done_once(session):
    """``python -m personnel demo-open-work`` (make run): this round's notices, a replenishment for
    组织部's review, two head changes waiting for their townships — then nothing more."""
    from sqlalchemy import func, select

    from personnel import demo
    from personnel.models import Adjustment
    from servicekit.outbox import OutboxEvent

    result = await demo.open_work(session)
    assert result == {
        "reminder_notices": 3,
        "replenishment": 1,
        "head_changes_awaiting_township": 2,
        "quota_requests": 1,
    }
    [request] = (await session.scalars(select(OutboxEvent).where(OutboxEvent.type == "quota.request_changed"))).all()
    assert request.payload["status"] == "PENDING"
    waiting = [
        e.payload["waiting"]
        for e in (
            await session.scalars(select(OutboxEvent).where(OutboxEvent.type == "adjustment.batch_changed"))
        ).all()
    ]
    assert [{"step": "ORG_REVIEW", "role": "ORG_DEPARTMENT"}] in waiting
    assert sum(1 for w in waiting if w and w[0]["step"] == "TOWNSHIP_OPINION") == 2
    assert await session.scalar(select(func.count()).where(Adjustment.requested_by == "demo-seed")) == 3
    assert (await demo.open_work(session)) == {"skipped": "the demo's open work is there already"}
