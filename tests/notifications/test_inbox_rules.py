"""The inbox (待办): each opening event creates exactly one item for the right role in the right
scope and none for anyone else; the completing event closes it; replaying a feed changes nothing;
an older event replayed after a newer one never closes the newer item."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import pytest
from notifications_world import DEPT, MEDIATOR, SFS, TOWN, everyone, feed_event, person
from sqlalchemy import func, select

from notifications import consumers, inbox
from notifications.consumers import apply_adjustment, apply_grid_event, apply_reminder
from notifications.models import InboxItem
from servicekit.errors import BadInput, Forbidden, NotFound, RuleViolation
from servicekit.principal import Role


async def _who_sees(session, kind: str) -> set[str]:
    seen = set()
    for name, who in everyone().items():
        page = await inbox.my_items(session, who, first=50, after=None, status="OPEN")
        if any(i.kind == kind for i in page.items):
            seen.add(name)
    return seen


# (event type, payload, the kind it opens, who sees it)
STEPS = [
    (
        "event.reported",
        {"township_id": TOWN, "matter_type": "NEIGHBOUR_DISPUTE"},
        "EVENT_TO_ACCEPT",
        {"COMMAND_CENTRE(own)"},
    ),
    ("event.accept", {"state": "ACCEPTED"}, "EVENT_TO_DISPATCH", {"COMMAND_CENTRE(own)"}),
    ("event.dispatch", {"state": "DISPATCHED", "lead_unit_id": SFS}, "EVENT_TO_ASSIGN", {"AGENCY_HEAD(own)"}),
    (
        "event.assign",
        {"state": "DISPATCHED", "lead_unit_id": SFS, "assignee_cadre_id": MEDIATOR},
        "EVENT_TO_SIGN",
        {"CADRE(own)"},
    ),
    ("event.sign", {"state": "SIGNED", "assignee_cadre_id": MEDIATOR}, "EVENT_TO_START", {"CADRE(own)"}),
    ("event.start", {"state": "IN_PROGRESS", "assignee_cadre_id": MEDIATOR}, "EVENT_TO_FEED_BACK", {"CADRE(own)"}),
    (
        "event.feedback",
        {"state": "FEEDBACK", "assignee_cadre_id": MEDIATOR},
        "EVENT_TO_VERIFY",
        {"COMMAND_CENTRE(own)"},
    ),
]


async def test_a_grid_event_opens_one_item_for_its_current_actor_at_each_step_and_closing_ends_them(session):
    grid = str(uuid.uuid4())
    delivered = []
    for type_, payload, kind, seen_by in STEPS:
        event = feed_event(type_, grid, {"township_id": TOWN, **payload})
        delivered.append(event)
        await apply_grid_event(session, event)
        assert await _who_sees(session, kind) == seen_by, kind
        open_items = (
            await session.scalars(select(InboxItem).where(InboxItem.source_id == grid, InboxItem.done_at.is_(None)))
        ).all()
        assert [i.kind for i in open_items] == [kind]  # the step before was closed by this event
    closing = feed_event("event.verify_pass", grid, {"township_id": TOWN, "state": "CLOSED"})
    await apply_grid_event(session, closing)
    items = (await session.scalars(select(InboxItem).where(InboxItem.source_id == grid))).all()
    assert len(items) == len(STEPS) and all(i.done_at is not None for i in items)
    assert {i.closed_by for i in items} == {uuid.UUID(e["event_id"]) for e in delivered[1:]} | {
        uuid.UUID(closing["event_id"])
    }
    # At least once: the whole feed again, in order, changes nothing.
    count = await session.scalar(select(func.count()).select_from(InboxItem))
    for event in [*delivered, closing]:
        await apply_grid_event(session, event)
    assert await session.scalar(select(func.count()).select_from(InboxItem)) == count
    assert await session.scalar(select(func.count()).where(InboxItem.done_at.is_(None))) == 0


async def test_an_older_event_replayed_after_a_newer_one_neither_reopens_nor_closes(session):
    grid = str(uuid.uuid4())
    reported = feed_event("event.reported", grid, {"township_id": TOWN, "matter_type": "X"}, seq=10_001)
    accepted = feed_event("event.accept", grid, {"township_id": TOWN, "state": "ACCEPTED"}, seq=10_002)
    await apply_grid_event(session, reported)
    await apply_grid_event(session, accepted)
    await apply_grid_event(session, reported)  # redelivered late
    open_items = (
        await session.scalars(select(InboxItem).where(InboxItem.source_id == grid, InboxItem.done_at.is_(None)))
    ).all()
    assert [i.kind for i in open_items] == ["EVENT_TO_DISPATCH"]


async def test_a_dispatch_straight_to_a_person_skips_the_unit_head(session):
    grid = str(uuid.uuid4())
    await apply_grid_event(
        session,
        feed_event(
            "event.dispatch",
            grid,
            {"township_id": TOWN, "state": "DISPATCHED", "lead_unit_id": SFS, "assignee_cadre_id": MEDIATOR},
        ),
    )
    assert await _who_sees(session, "EVENT_TO_SIGN") == {"CADRE(own)"}
    assert await _who_sees(session, "EVENT_TO_ASSIGN") == set()


async def test_a_reminder_notice_waits_for_its_department_until_answered_with_its_deadline(session):
    notice = str(uuid.uuid4())
    issued = feed_event("reminder.issued", notice, {"department_id": DEPT, "vacancies": 3, "deadline": "2026-12-31"})
    await apply_reminder(session, issued)
    assert await _who_sees(session, "REMINDER_TO_ANSWER") == {"DEPARTMENT_ADMIN(own)"}
    [item] = (await inbox.my_items(session, person(Role.DEPARTMENT_ADMIN, DEPT), first=5, after=None)).items
    shanghai = dt.timezone(dt.timedelta(hours=8))  # the end of the deadline's day, Asia/Shanghai
    assert item.due_at == dt.datetime(2026, 12, 31, 23, 59, tzinfo=shanghai) and "缺额 3 人" in item.title
    await apply_reminder(
        session, feed_event("reminder.answered", notice, {"department_id": DEPT, "vacancies": 3, "status": "ANSWERED"})
    )
    assert await _who_sees(session, "REMINDER_TO_ANSWER") == set()
    done = await inbox.my_items(session, person(Role.DEPARTMENT_ADMIN, DEPT), first=5, after=None, status="DONE")
    assert [i.id for i in done.items] == [item.id]


async def test_the_summary_counts_open_and_overdue_items_by_kind(session):
    await apply_reminder(
        session,
        feed_event(
            "reminder.issued", str(uuid.uuid4()), {"department_id": DEPT, "vacancies": 1, "deadline": "2020-01-31"}
        ),
    )
    await apply_reminder(
        session,
        feed_event(
            "reminder.issued", str(uuid.uuid4()), {"department_id": DEPT, "vacancies": 2, "deadline": "2999-01-31"}
        ),
    )
    s = await inbox.summary(session, person(Role.DEPARTMENT_ADMIN, DEPT))
    assert (s.open, s.overdue, s.by_kind) == (2, 1, {"REMINDER_TO_ANSWER": 2})
    overdue = await inbox.my_items(session, person(Role.DEPARTMENT_ADMIN, DEPT), first=5, after=None, overdue=True)
    assert len(overdue.items) == 1


async def test_pages_follow_on_newest_first(session):
    for n in range(5):
        await apply_grid_event(
            session, feed_event("event.reported", str(uuid.uuid4()), {"township_id": TOWN, "matter_type": f"M{n}"})
        )
    centre = person(Role.COMMAND_CENTRE, TOWN)
    first = await inbox.my_items(session, centre, first=3, after=None)
    rest = await inbox.my_items(session, centre, first=3, after=first.cursors[-1])
    assert first.has_next and not rest.has_next and len(first.items) + len(rest.items) == 5
    assert not {i.id for i in first.items} & {i.id for i in rest.items}


async def test_bad_filters_and_service_tokens_are_refused(session):
    from servicekit.principal import Principal

    with pytest.raises(BadInput):
        await inbox.my_items(session, person(Role.CADRE, MEDIATOR), first=5, after=None, kind="NOPE")
    with pytest.raises(BadInput):
        await inbox.my_items(session, person(Role.CADRE, MEDIATOR), first=5, after=None, status="LATER")
    with pytest.raises(BadInput):
        await inbox.my_items(session, person(Role.CADRE, MEDIATOR), first=5, after="not-a-cursor")
    service = Principal(
        subject="svc", kind="service", client_id="sfj-system", token_id="t", scopes=frozenset({"events:status"})
    )
    with pytest.raises(Forbidden):
        await inbox.my_items(session, service, first=5, after=None)


def _batch(waiting: list[dict], status: str = "SUBMITTED") -> dict:
    return {
        "department_id": DEPT,
        "status": status,
        "kinds": ["HEAD_CHANGE"],
        "effective_date": "2026-12-31",
        "waiting": waiting,
    }


async def test_an_adjustment_batch_waits_for_each_party_in_turn_and_a_party_still_waited_for_keeps_its_item(session):
    batch = str(uuid.uuid4())
    steps = [
        ([{"step": "ORG_REVIEW", "role": "ORG_DEPARTMENT"}], "ADJUSTMENT_TO_REVIEW", {"ORG_DEPARTMENT"}),
        (
            [{"step": "TOWNSHIP_OPINION", "role": "TOWNSHIP_ADMIN", "township_id": TOWN}],
            "ADJUSTMENT_TO_GIVE_OPINION",
            {"TOWNSHIP_ADMIN(own)"},
        ),
        (
            [
                {"step": "THREE_PARTY_REVIEW", "role": "ORG_DEPARTMENT"},
                {"step": "THREE_PARTY_REVIEW", "role": "STAFFING_OFFICE"},
                {"step": "THREE_PARTY_REVIEW", "role": "TOWNSHIP_ADMIN", "township_id": TOWN},
            ],
            "RESHUFFLE_TO_REVIEW",
            {"ORG_DEPARTMENT", "STAFFING_OFFICE", "TOWNSHIP_ADMIN(own)"},
        ),
    ]
    for waiting, kind, seen_by in steps:
        await apply_adjustment(session, feed_event("adjustment.batch_changed", batch, _batch(waiting)))
        assert await _who_sees(session, kind) == seen_by, kind
    staffing_item = (await inbox.my_items(session, person(Role.STAFFING_OFFICE), first=5, after=None)).items[0]
    # 组织部 has spoken: the other two parties keep the very same items.
    await apply_adjustment(
        session,
        feed_event(
            "adjustment.batch_changed",
            batch,
            _batch(
                [
                    {"step": "THREE_PARTY_REVIEW", "role": "STAFFING_OFFICE"},
                    {"step": "THREE_PARTY_REVIEW", "role": "TOWNSHIP_ADMIN", "township_id": TOWN},
                ]
            ),
        ),
    )
    assert await _who_sees(session, "RESHUFFLE_TO_REVIEW") == {"STAFFING_OFFICE", "TOWNSHIP_ADMIN(own)"}
    [same] = (await inbox.my_items(session, person(Role.STAFFING_OFFICE), first=5, after=None)).items
    assert same.id == staffing_item.id
    await apply_adjustment(
        session,
        feed_event(
            "adjustment.batch_changed",
            batch,
            _batch([{"step": "MAKE_EFFECTIVE", "role": "DEPARTMENT_ADMIN"}], "APPROVED"),
        ),
    )
    assert await _who_sees(session, "ADJUSTMENT_TO_MAKE_EFFECTIVE") == {"DEPARTMENT_ADMIN(own)"}
    [due] = (await inbox.my_items(session, person(Role.DEPARTMENT_ADMIN, DEPT), first=5, after=None)).items
    assert due.due_at == dt.datetime(2026, 12, 31, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    await apply_adjustment(session, feed_event("adjustment.batch_changed", batch, _batch([], "EFFECTIVE")))
    assert (
        await session.scalar(select(func.count()).where(InboxItem.source_id == batch, InboxItem.done_at.is_(None))) == 0
    )


async def test_an_items_title_names_the_kinds_and_the_date_and_its_link_opens_the_batch(session):
    await apply_adjustment(
        session,
        feed_event(
            "adjustment.batch_changed",
            str(uuid.uuid4()),
            {
                "department_id": DEPT,
                "status": "SUBMITTED",
                "kinds": ["IN"],
                "effective_date": "2027-01-15",
                "waiting": [{"step": "ORG_REVIEW", "role": "ORG_DEPARTMENT"}],
            },
        ),
    )
    [item] = (await inbox.my_items(session, person(Role.ORG_DEPARTMENT), first=5, after=None)).items
    assert item.title == "人事调整待组织部事前审核：调入，2027-01-15 生效" and item.link.startswith("/quota?batch=")


async def test_an_objection_waits_for_the_organisation_department_until_answered(session):
    from notifications.consumers import apply_objection

    objection, cycle = str(uuid.uuid4()), str(uuid.uuid4())
    await apply_objection(
        session, feed_event("objection.filed", objection, {"cycle_id": cycle, "deadline": "2026-12-08"})
    )
    assert await _who_sees(session, "OBJECTION_TO_RESOLVE") == {"ORG_DEPARTMENT"}
    [item] = (await inbox.my_items(session, person(Role.ORG_DEPARTMENT), first=5, after=None)).items
    assert item.link == f"/assessment?cycle={cycle}" and item.title == "考核公示异议待组织部处理"
    await apply_objection(session, feed_event("objection.resolved", objection, {"cycle_id": cycle}))
    assert await _who_sees(session, "OBJECTION_TO_RESOLVE") == set()


async def test_an_sla_alert_is_an_urgent_item_for_whoever_must_act_and_escalation_tells_the_township(session):
    from notifications.consumers import apply_alert

    grid = str(uuid.uuid4())
    await apply_grid_event(
        session,
        feed_event(
            "event.dispatch",
            grid,
            {"township_id": TOWN, "state": "DISPATCHED", "lead_unit_id": SFS, "assignee_cadre_id": MEDIATOR},
        ),
    )
    due = {"township_id": TOWN, "phase": "SIGN", "level": 1, "due_at": "2026-12-03T10:00:00+00:00"}
    await apply_alert(session, feed_event("event.overdue", grid, due))
    assert await _who_sees(session, "EVENT_OVERDUE") == {"CADRE(own)"}
    await apply_alert(session, feed_event("event.escalation", grid, {**due, "level": 2}))
    assert await _who_sees(session, "EVENT_ESCALATED") == {"CADRE(own)", "TOWNSHIP_ADMIN(own)"}
    urgent = (await session.scalars(select(InboxItem.urgent).where(InboxItem.kind.like("EVENT_%ED")))).all()
    assert urgent and all(urgent)
    # The cadre signs: the step and its alerts close together.
    await apply_grid_event(
        session, feed_event("event.sign", grid, {"township_id": TOWN, "state": "SIGNED", "assignee_cadre_id": MEDIATOR})
    )
    assert await _who_sees(session, "EVENT_OVERDUE") == set() and await _who_sees(session, "EVENT_ESCALATED") == set()


async def test_an_urgent_events_steps_are_urgent(session):
    grid = str(uuid.uuid4())
    await apply_grid_event(
        session,
        feed_event("event.reported", grid, {"township_id": TOWN, "matter_type": "POLLUTION", "priority": "URGENT"}),
    )
    [item] = (await session.scalars(select(InboxItem).where(InboxItem.source_id == grid))).all()
    assert item.urgent is True


@pytest.mark.parametrize(
    "local, held_until",
    [
        ("2026-12-03 21:59", None),
        ("2026-12-03 22:00", "2026-12-04 07:00"),
        ("2026-12-04 03:30", "2026-12-04 07:00"),
        ("2026-12-04 07:00", None),
    ],
)
def test_quiet_hours_hold_personal_messages_until_seven_in_the_morning(local, held_until):
    from notifications.deliveries import after_quiet_hours, quiet_hours

    shanghai = dt.timezone(dt.timedelta(hours=8))
    now = dt.datetime.strptime(local, "%Y-%m-%d %H:%M").replace(tzinfo=shanghai)
    expected = dt.datetime.strptime(held_until, "%Y-%m-%d %H:%M").replace(tzinfo=shanghai) if held_until else None
    assert after_quiet_hours(now.astimezone(dt.timezone.utc), quiet_hours("22:00-07:00")) == expected
    assert after_quiet_hours(now.astimezone(dt.timezone.utc), None) is None  # none configured: never held


async def test_a_quota_request_waits_for_the_staffing_office_until_decided(session):
    from notifications.consumers import apply_quota_request

    request = str(uuid.uuid4())
    pending = {"department_id": DEPT, "status": "PENDING", "old_total": 220, "new_total": 222}
    await apply_quota_request(session, feed_event("quota.request_changed", request, pending))
    assert await _who_sees(session, "QUOTA_REQUEST_TO_DECIDE") == {"STAFFING_OFFICE"}
    [item] = (await inbox.my_items(session, person(Role.STAFFING_OFFICE), first=5, after=None)).items
    assert item.title == "员额调整申请待编办审批：下沉员额 220 → 222"
    await apply_quota_request(session, feed_event("quota.request_changed", request, {**pending, "status": "APPROVED"}))
    assert await _who_sees(session, "QUOTA_REQUEST_TO_DECIDE") == set()


# (handler, opening payload, the kind opened, who sees it, the payload that closes it)
DECISIONS = [
    (
        consumers.apply_township_recommendation,
        {"status": "PENDING", "kind": "DISMISS", "department_id": DEPT, "township_id": TOWN},
        "TOWNSHIP_RECOMMENDATION_TO_DECIDE",
        {"DEPARTMENT_ADMIN(own)"},
        {"status": "DECLINED", "kind": "DISMISS", "department_id": DEPT, "township_id": TOWN},
    ),
    (
        consumers.apply_career_recommendation,
        {"status": "PENDING", "side": "TOWNSHIP", "target": "PROMOTION"},
        "CAREER_RECOMMENDATION_TO_DECIDE",
        {"ORG_DEPARTMENT"},
        {"status": "APPROVED", "side": "TOWNSHIP", "target": "PROMOTION"},
    ),
    (
        consumers.apply_middle_post,
        {"status": "PROPOSED", "department_id": DEPT, "township_id": TOWN},
        "MIDDLE_POST_TO_CONSENT",
        {"DEPARTMENT_ADMIN(own)"},
        {"status": "HELD", "department_id": DEPT, "township_id": TOWN},
    ),
    (
        consumers.apply_honour,
        {"status": "NOMINATED", "kind": "MODEL_SQUAD", "year": 2026},
        "HONOUR_TO_DECIDE",
        {"ORG_DEPARTMENT"},
        {"status": "DECLINED", "kind": "MODEL_SQUAD", "year": 2026},
    ),
]


@pytest.mark.parametrize("handler,opening,kind,seen_by,closing", DECISIONS, ids=[d[2] for d in DECISIONS])
async def test_a_decision_waits_for_the_deciding_party_only_until_decided(
    session, handler, opening, kind, seen_by, closing
):
    source = str(uuid.uuid4())
    first = feed_event("x.changed", source, opening)
    await handler(session, first)
    await handler(session, first)  # redelivered
    assert await _who_sees(session, kind) == seen_by
    assert await session.scalar(select(func.count()).where(InboxItem.source_id == source)) == 1
    await handler(session, feed_event("x.changed", source, closing))
    assert await _who_sees(session, kind) == set()


def _flow(waiting: list[dict]) -> dict:
    return {
        "cycle_id": str(uuid.uuid4()),
        "period": "2026",
        "department_id": DEPT,
        "status": "SCORING",
        "waiting": waiting,
    }


async def test_an_excellence_flow_waits_for_each_side_then_the_department_then_each_township(session):
    flow = f"{uuid.uuid4()}:{DEPT}"  # a flow's id joins the cycle's and the department's
    cycle = str(uuid.uuid4())
    steps = [
        (
            [
                {"step": "TOWNSHIP_SCORES", "role": "TOWNSHIP_ADMIN", "township_id": TOWN},
                {"step": "DEPARTMENT_SCORES", "role": "DEPARTMENT_ADMIN"},
            ],
            {
                "TOWNSHIP_SCORES_TO_ENTER": {"TOWNSHIP_ADMIN(own)"},
                "DEPARTMENT_SCORES_TO_ENTER": {"DEPARTMENT_ADMIN(own)"},
            },
        ),
        (
            [{"step": "DEPARTMENT_SCORES", "role": "DEPARTMENT_ADMIN"}],
            {"TOWNSHIP_SCORES_TO_ENTER": set(), "DEPARTMENT_SCORES_TO_ENTER": {"DEPARTMENT_ADMIN(own)"}},
        ),
        ([{"step": "SHORTLIST", "role": "DEPARTMENT_ADMIN"}], {"SHORTLIST_TO_MAKE": {"DEPARTMENT_ADMIN(own)"}}),
        ([{"step": "ROUND1", "role": "DEPARTMENT_ADMIN"}], {"ROUND1_TO_SUBMIT": {"DEPARTMENT_ADMIN(own)"}}),
        (
            [{"step": "ROUND2", "role": "TOWNSHIP_ADMIN", "township_id": TOWN}],
            {"ROUND1_TO_SUBMIT": set(), "ROUND2_TO_SUBMIT": {"TOWNSHIP_ADMIN(own)"}},
        ),
        ([], {"ROUND2_TO_SUBMIT": set()}),
    ]
    kept = None
    for waiting, expected in steps:
        await consumers.apply_flow(
            session, feed_event("assessment.flow_changed", flow, {**_flow(waiting), "cycle_id": cycle})
        )
        for kind, seen_by in expected.items():
            assert await _who_sees(session, kind) == seen_by, (waiting, kind)
        items = (await inbox.my_items(session, person(Role.DEPARTMENT_ADMIN, DEPT), first=5, after=None)).items
        if kept is None:
            kept = next(i.id for i in items if i.kind == "DEPARTMENT_SCORES_TO_ENTER")
        elif any(i.kind == "DEPARTMENT_SCORES_TO_ENTER" for i in items):
            # the department still owes scores: the same item stays open, it is not opened again
            assert [i.id for i in items if i.kind == "DEPARTMENT_SCORES_TO_ENTER"] == [kept]
    assert all(
        i.link == f"/assessment?cycle={cycle}"
        for i in (await session.scalars(select(InboxItem).where(InboxItem.source_id == flow))).all()
    )


async def test_publication_tells_each_assessed_cadre_until_approval_and_waits_for_the_organisation_department(session):
    cycle = str(uuid.uuid4())
    base = {"cycle_id": cycle, "period": "2026", "objection_deadline": "2026-12-10"}
    await consumers.apply_cycle(
        session,
        feed_event(
            "assessment.cycle_changed",
            cycle,
            {
                **base,
                "status": "OPEN",
                "objection_deadline": None,
                "waiting": [{"step": "PUBLISH", "role": "ORG_DEPARTMENT"}],
                "cadre_ids": [],
            },
        ),
    )
    assert await _who_sees(session, "CYCLE_TO_PUBLISH") == {"ORG_DEPARTMENT"}
    await consumers.apply_cycle(
        session,
        feed_event(
            "assessment.cycle_changed",
            cycle,
            {
                **base,
                "status": "PUBLISHED",
                "waiting": [{"step": "APPROVE", "role": "ORG_DEPARTMENT"}],
                "cadre_ids": [MEDIATOR],
            },
        ),
    )
    assert await _who_sees(session, "CYCLE_TO_PUBLISH") == set()
    assert await _who_sees(session, "CYCLE_TO_APPROVE") == {"ORG_DEPARTMENT"}
    assert await _who_sees(session, "RESULTS_PUBLISHED") == {"CADRE(own)"}
    [told] = (await inbox.my_items(session, person(Role.CADRE, MEDIATOR), first=5, after=None)).items
    shanghai = dt.timezone(dt.timedelta(hours=8))
    assert told.link == "/me" and told.due_at == dt.datetime(2026, 12, 10, 23, 59, tzinfo=shanghai)
    await consumers.apply_cycle(
        session,
        feed_event("assessment.cycle_changed", cycle, {**base, "status": "APPROVED", "waiting": [], "cadre_ids": []}),
    )
    assert (
        await _who_sees(session, "RESULTS_PUBLISHED") == set() and await _who_sees(session, "CYCLE_TO_APPROVE") == set()
    )


async def test_a_review_meeting_waits_for_every_participant_and_each_agency_head_until_closed(session):
    meeting = str(uuid.uuid4())
    opened = {
        "status": "OPEN",
        "year": 2026,
        "held_on": "2026-12-20",
        "agencies": [SFS],
        "departments": [DEPT],
        "townships": [TOWN],
    }
    await consumers.apply_review_meeting(session, feed_event("review.meeting_changed", meeting, opened))
    assert await _who_sees(session, "REVIEW_TO_SCORE") == {
        "ORG_DEPARTMENT",
        "STAFFING_OFFICE",
        "LEADERSHIP",
        "TOWNSHIP_ADMIN(own)",
        "DEPARTMENT_ADMIN(own)",
    }
    assert await _who_sees(session, "REVIEW_TO_REPORT") == {"AGENCY_HEAD(own)"}
    await consumers.apply_review_meeting(
        session,
        feed_event(
            "review.meeting_changed",
            meeting,
            {**opened, "status": "CLOSED", "agencies": [], "departments": [], "townships": []},
        ),
    )
    assert (
        await _who_sees(session, "REVIEW_TO_SCORE") == set() and await _who_sees(session, "REVIEW_TO_REPORT") == set()
    )


async def test_the_reporter_is_told_how_their_report_ended_and_marks_it_read(session):
    reporter = str(uuid.uuid4())
    me = dataclasses.replace(person(Role.GRID_WORKER, TOWN), subject=reporter)
    colleague = person(Role.GRID_WORKER, TOWN)  # the same binding, another person
    grid = str(uuid.uuid4())
    base = {"township_id": TOWN, "reporter_user_id": reporter}
    await apply_grid_event(session, feed_event("event.reported", grid, {**base, "matter_type": "X"}))
    assert (await inbox.my_items(session, me, first=5, after=None)).items == []  # nothing to tell yet
    await apply_grid_event(session, feed_event("event.verify_pass", grid, {**base, "state": "CLOSED"}))
    [told] = (await inbox.my_items(session, me, first=5, after=None)).items
    assert told.kind == "EVENT_REPORT_CLOSED" and told.link == f"/dispatch?event={grid}"
    assert (await inbox.my_items(session, colleague, first=5, after=None)).items == []
    with pytest.raises(NotFound):  # another's item is not there for them
        await inbox.mark_read(session, colleague, told.id)
    await inbox.mark_read(session, me, told.id)
    assert (await inbox.my_items(session, me, first=5, after=None)).items == []
    assert [i.id for i in (await inbox.my_items(session, me, first=5, after=None, status="DONE")).items] == [told.id]


async def test_rule_not_information_work_items_close_only_when_the_work_is_done(session):
    await apply_reminder(
        session,
        feed_event(
            "reminder.issued", str(uuid.uuid4()), {"department_id": DEPT, "vacancies": 1, "deadline": "2026-12-31"}
        ),
    )
    admin = person(Role.DEPARTMENT_ADMIN, DEPT)
    [item] = (await inbox.my_items(session, admin, first=5, after=None)).items
    with pytest.raises(RuleViolation) as err:
        await inbox.mark_read(session, admin, item.id)
    assert err.value.rule == "NOT_INFORMATION"
    assert (await session.get(InboxItem, item.id)).done_at is None
