"""Deadlines: each phase's clock from the SLA policy and the county calendar, warnings, overdue and
escalation (督办) by the worker, flags frozen at the transition, and a worker restart losing nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from devstack import ROOT
from platform_world import ADMIN, CENTRE, GRID, MEDIATOR, ORG, TOWN, person
from sqlalchemy import func, select

from platforms import deadlines, dispatch, sla
from platforms.config import PlatformSettings
from platforms.models import EventAlert, EventTransition, GridEvent
from servicekit import db, migrations
from servicekit.calendar import SHANGHAI
from servicekit.errors import BadInput, Forbidden
from servicekit.outbox import OutboxEvent
from servicekit.principal import Role

THURSDAY_9 = dt.datetime(2026, 11, 26, 9, tzinfo=SHANGHAI)


def at(d, h=0) -> dt.datetime:
    return dt.datetime(2026, 11, d, h, tzinfo=SHANGHAI)


async def _dispatched(session, now=THURSDAY_9, priority="NORMAL"):
    event, _ = await dispatch.report(
        session,
        GRID,
        township_id=TOWN,
        matter_type="NEIGHBOUR_DISPUTE",
        priority=priority,
        description="邻里纠纷",
        location=None,
    )
    await dispatch.act(session, CENTRE, event_id=event.id, action="accept", now=now)
    await dispatch.act(session, CENTRE, event_id=event.id, action="dispatch", assignee_cadre_id=MEDIATOR, now=now)
    return event


async def _alerts(session, event):
    return (
        await session.execute(
            select(EventAlert.phase, EventAlert.kind, EventAlert.level)
            .where(EventAlert.event_id == event.id)
            .order_by(EventAlert.id)
        )
    ).all()


async def test_dispatch_starts_the_sign_clock_from_the_policy(session):
    event = await _dispatched(session)
    # NORMAL: sign within 1 working day; warn at 75 %, escalate at 150 %.
    assert (event.phase, event.warn_at, event.due_at, event.escalate_at) == ("SIGN", at(27, 3), at(27, 9), at(27, 21))
    assert event.next_check_at == event.warn_at


async def test_the_worker_warns_then_marks_overdue_then_escalates(session):
    event = await _dispatched(session)
    assert await deadlines.sweep(session, at(27, 2)) == 0
    assert await deadlines.sweep(session, at(27, 4)) == 1
    assert (event.warned, event.overdue, event.escalation_level) == (True, False, 0)
    assert await deadlines.sweep(session, at(27, 10)) == 1
    assert (event.overdue, event.escalation_level, event.next_check_at) == (True, 1, at(27, 21))
    assert await deadlines.sweep(session, at(28)) == 1
    assert event.escalation_level == 2 and event.next_check_at is None
    assert await _alerts(session, event) == [("SIGN", "WARNING", 0), ("SIGN", "OVERDUE", 1), ("SIGN", "ESCALATION", 2)]
    assert await deadlines.sweep(session, at(29)) == 0
    types = (
        await session.scalars(
            select(OutboxEvent.type)
            .where(OutboxEvent.type.like("event.%"))
            .where(OutboxEvent.aggregate_id == str(event.id))
            .order_by(OutboxEvent.id)
        )
    ).all()
    assert types[-3:] == ["event.warning", "event.overdue", "event.escalation"]


async def test_overdue_is_frozen_at_the_transition_and_the_next_phase_starts_fresh(session):
    event = await _dispatched(session)
    await deadlines.sweep(session, at(28))
    me = person(Role.CADRE, MEDIATOR)
    await dispatch.act(session, me, event_id=event.id, action="sign", now=at(28, 8))
    sign = await session.scalar(
        select(EventTransition).where(EventTransition.event_id == event.id, EventTransition.action == "sign")
    )
    assert (sign.phase, sign.phase_due_at, sign.overdue, sign.elapsed_seconds) == ("SIGN", at(27, 9), True, 47 * 3600)
    # The handling clock starts at signing (Saturday: counting from Monday) and nothing is overdue yet.
    assert (event.phase, event.overdue, event.escalation_level) == ("HANDLE", False, 0)
    assert event.due_at == dt.datetime(2026, 12, 5, 0, tzinfo=SHANGHAI)  # 5 working days from Monday 00:00
    await dispatch.act(session, me, event_id=event.id, action="start", now=at(30, 9))
    await dispatch.act(session, me, event_id=event.id, action="feedback", now=at(30, 17))
    feedback = await session.scalar(
        select(EventTransition).where(EventTransition.event_id == event.id, EventTransition.action == "feedback")
    )
    assert (feedback.phase, feedback.overdue) == ("HANDLE", False)
    assert event.phase == "VERIFY"


async def test_a_calendar_change_never_moves_a_running_deadline(session):
    event = await _dispatched(session)
    due = event.due_at
    await deadlines.set_calendar(session, ORG, days=[(dt.date(2026, 11, 27), False, "临时休息")], clear=[])
    await session.refresh(event)
    assert event.due_at == due
    # The next phase started after the change does see it.
    await dispatch.act(session, person(Role.CADRE, MEDIATOR), event_id=event.id, action="sign", now=THURSDAY_9)
    assert event.due_at == dt.datetime(2026, 12, 4, 9, tzinfo=SHANGHAI)  # Friday off: Mon, Tue, Wed, Thu, Fri


async def test_a_matter_type_policy_overrides_the_county_default(session):
    await deadlines.set_policy(
        session,
        ORG,
        matter_type="NEIGHBOUR_DISPUTE",
        priority="NORMAL",
        limits={
            "sign": sla.Limit(2, sla.HOURS),
            "handle": sla.Limit(1, sla.WORKING_DAYS),
            "verify": sla.Limit(1, sla.WORKING_DAYS),
        },
        warn_share=Decimal("0.5"),
        escalate_share=Decimal("2"),
    )
    event = await _dispatched(session)
    assert (event.warn_at, event.due_at, event.escalate_at) == (at(26, 10), at(26, 11), at(26, 13))


async def test_only_the_county_sets_deadlines_and_bad_settings_are_refused(session):
    limits = {
        "sign": sla.Limit(2, sla.HOURS),
        "handle": sla.Limit(1, sla.WORKING_DAYS),
        "verify": sla.Limit(1, sla.WORKING_DAYS),
    }
    for who in (ADMIN, CENTRE, person(Role.DEPARTMENT_ADMIN, TOWN)):
        with pytest.raises(Forbidden):
            await deadlines.set_policy(
                session,
                who,
                matter_type=None,
                priority="NORMAL",
                limits=limits,
                warn_share=Decimal("0.5"),
                escalate_share=Decimal("2"),
            )
        with pytest.raises(Forbidden):
            await deadlines.set_calendar(session, who, days=[], clear=[dt.date(2026, 1, 1)])
    for bad in (
        {**limits, "sign": sla.Limit(0, sla.HOURS)},
        {**limits, "handle": sla.Limit(1, "WEEKS")},
        {**limits, "verify": sla.Limit(61, sla.WORKING_DAYS)},
    ):
        with pytest.raises(BadInput):
            await deadlines.set_policy(
                session,
                ORG,
                matter_type=None,
                priority="NORMAL",
                limits=bad,
                warn_share=Decimal("0.5"),
                escalate_share=Decimal("2"),
            )
    with pytest.raises(BadInput):
        await deadlines.set_policy(
            session,
            ORG,
            matter_type=None,
            priority="NORMAL",
            limits=limits,
            warn_share=Decimal("1.2"),
            escalate_share=Decimal("2"),
        )


# ---- the worker process, against its own committed database --------------------------------


@pytest.fixture
async def worker_settings(database_url, run_prefix) -> PlatformSettings:
    settings = PlatformSettings(database_url=database_url, db_prefix=f"{run_prefix}plw_", log_json=False)
    migrations.upgrade(ROOT / "services" / "platform", settings)
    return settings


async def test_a_restarted_worker_loses_nothing_and_repeats_nothing(worker_settings):
    from platform_world import seed_world

    engine = db.make_async_engine(worker_settings)
    sessions = db.make_sessionmaker(engine)
    try:
        async with sessions() as session, session.begin():
            await seed_world(session)
            events = [await _dispatched(session) for _ in range(3)]
        ids = [e.id for e in events]
        # The first worker runs once before the warnings are due, then "crashes".
        assert await deadlines.DeadlineWorker(sessions).tick(at(27, 1)) == 0
        # A new worker a day later raises all three alerts of every event, each once …
        assert await deadlines.DeadlineWorker(sessions).tick(at(28)) == 9
        # … and another replica coming up afterwards finds nothing left to do.
        assert await deadlines.DeadlineWorker(sessions).tick(at(28, 1)) == 0
        async with sessions() as session:
            per_event = dict(
                (
                    await session.execute(
                        select(EventAlert.event_id, func.count())
                        .where(EventAlert.event_id.in_(ids))
                        .group_by(EventAlert.event_id)
                    )
                ).all()
            )
            assert per_event == {i: 3 for i in ids}
            assert all(
                e.escalation_level == 2
                for e in (await session.scalars(select(GridEvent).where(GridEvent.id.in_(ids)))).all()
            )
    finally:
        await engine.dispose()


async def test_the_alert_list_shows_a_township_its_own_escalations(session):
    from platform_world import OTHER_TOWN

    event = await _dispatched(session)
    await deadlines.sweep(session, at(28))
    page = await deadlines.list_alerts(session, ADMIN, township_id=None, min_level=2, first=10, after=None)
    assert [(a.event_id, a.kind) for a in page.items] == [(event.id, "ESCALATION")]
    everything = await deadlines.list_alerts(session, ORG, township_id=None, min_level=0, first=2, after=None)
    rest = await deadlines.list_alerts(
        session, ORG, township_id=None, min_level=0, first=2, after=everything.cursors[-1]
    )
    assert [a.kind for a in everything.items + rest.items] == ["ESCALATION", "OVERDUE", "WARNING"]
    elsewhere = await deadlines.list_alerts(
        session, person(Role.COMMAND_CENTRE, OTHER_TOWN), township_id=None, min_level=0, first=10, after=None
    )
    assert elsewhere.items == []
    with pytest.raises(BadInput):
        await deadlines.list_alerts(session, ORG, township_id=None, min_level=0, first=10, after="bm90LWEtY3Vyc29y")
    with pytest.raises(Forbidden):
        await deadlines.list_alerts(
            session, person(Role.DEPARTMENT_ADMIN, TOWN), township_id=None, min_level=0, first=10, after=None
        )
