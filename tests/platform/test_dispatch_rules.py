"""Event intake and handling: idempotent system reports, the transition table enforced with
history, 专业人做专业事 at dispatch, and who may act."""

from __future__ import annotations

import pytest
from platform_world import CENTRE, CITY_OFFICER, ELSEWHERE, GRID, MEDIATOR, OTHER_TOWN, SYSTEM, TOWN, person
from sqlalchemy import func, select

from platforms import dispatch
from platforms.models import EventTransition, GridEvent
from servicekit.errors import BadInput, Forbidden, NotFound, RuleViolation
from servicekit.principal import Role


async def _report(session, who=GRID, matter="NEIGHBOUR_DISPUTE", key=None):
    event, _ = await dispatch.report(
        session,
        who,
        township_id=TOWN,
        matter_type=matter,
        priority="NORMAL",
        description="两户因宅基地界址发生争执",
        location="店口镇某村",
        idempotency_key=key,
    )
    return event


async def test_a_repeated_system_report_returns_the_first_event(session):
    first, created = await dispatch.report(
        session,
        SYSTEM,
        township_id=TOWN,
        matter_type="WAGE_ARREARS",
        priority="HIGH",
        description="某厂拖欠工资",
        location=None,
        idempotency_key="sfj-2026-0001",
    )
    again, created_again = await dispatch.report(
        session,
        SYSTEM,
        township_id=TOWN,
        matter_type="WAGE_ARREARS",
        priority="HIGH",
        description="某厂拖欠工资",
        location=None,
        idempotency_key="sfj-2026-0001",
    )
    assert (created, created_again, again.id) == (True, False, first.id)
    assert await session.scalar(select(func.count()).select_from(GridEvent)) == 1
    with pytest.raises(BadInput):
        await dispatch.report(
            session,
            SYSTEM,
            township_id=TOWN,
            matter_type="WAGE_ARREARS",
            priority="HIGH",
            description="x",
            location=None,
        )


async def test_the_full_handling_with_history(session):
    event = await _report(session)
    await dispatch.act(session, CENTRE, event_id=event.id, action="accept")
    await dispatch.act(session, CENTRE, event_id=event.id, action="dispatch", assignee_cadre_id=MEDIATOR)
    me = person(Role.CADRE, MEDIATOR)
    for action in ("sign", "start", "feedback"):
        await dispatch.act(session, me, event_id=event.id, action=action)
    await dispatch.act(session, CENTRE, event_id=event.id, action="verify_fail", reason="当事人不认可")
    await dispatch.act(session, me, event_id=event.id, action="feedback")
    await dispatch.act(session, CENTRE, event_id=event.id, action="verify_pass", closing_reason="RESOLVED")
    assert event.state == "CLOSED"
    history = (
        await session.scalars(
            select(EventTransition.target).where(EventTransition.event_id == event.id).order_by(EventTransition.id)
        )
    ).all()
    assert history == [
        "ACCEPTED",
        "DISPATCHED",
        "SIGNED",
        "IN_PROGRESS",
        "FEEDBACK",
        "IN_PROGRESS",
        "FEEDBACK",
        "CLOSED",
    ]


async def test_rule_illegal_transition_changes_nothing(session):
    event = await _report(session)
    with pytest.raises(RuleViolation) as err:
        await dispatch.act(session, CENTRE, event_id=event.id, action="verify_pass", closing_reason="RESOLVED")
    assert err.value.rule == "ILLEGAL_TRANSITION" and err.value.extra["allowed"] == [
        "accept",
        "mark_duplicate",
        "refuse",
    ]
    assert event.state == "REPORTED"


async def test_rule_outside_professional_line(session):
    event = await _report(session)
    await dispatch.act(session, CENTRE, event_id=event.id, action="accept")
    with pytest.raises(RuleViolation) as err:
        await dispatch.act(session, CENTRE, event_id=event.id, action="dispatch", assignee_cadre_id=CITY_OFFICER)
    assert err.value.rule == "OUTSIDE_PROFESSIONAL_LINE"
    await dispatch.act(
        session,
        CENTRE,
        event_id=event.id,
        action="dispatch",
        assignee_cadre_id=CITY_OFFICER,
        reason="调解员均在外执行任务",
    )
    assert event.outside_line_reason == "调解员均在外执行任务"


async def test_rule_assignee_not_in_township(session):
    event = await _report(session)
    await dispatch.act(session, CENTRE, event_id=event.id, action="accept")
    with pytest.raises(RuleViolation) as err:
        await dispatch.act(session, CENTRE, event_id=event.id, action="dispatch", assignee_cadre_id=ELSEWHERE)
    assert err.value.rule == "ASSIGNEE_NOT_IN_TOWNSHIP"


async def test_rules_reason_and_closing_reason_required(session):
    event = await _report(session)
    with pytest.raises(RuleViolation) as err:
        await dispatch.act(session, CENTRE, event_id=event.id, action="refuse")
    assert err.value.rule == "REASON_REQUIRED"
    await dispatch.act(session, CENTRE, event_id=event.id, action="accept")
    await dispatch.act(session, CENTRE, event_id=event.id, action="dispatch", assignee_cadre_id=MEDIATOR)
    me = person(Role.CADRE, MEDIATOR)
    for action in ("sign", "start", "feedback"):
        await dispatch.act(session, me, event_id=event.id, action=action)
    with pytest.raises(RuleViolation) as err:
        await dispatch.act(session, CENTRE, event_id=event.id, action="verify_pass")
    assert err.value.rule == "CLOSING_REASON_REQUIRED"


async def test_who_may_act(session):
    event = await _report(session)
    with pytest.raises(NotFound):  # another township's command centre: as if there were no such event
        await dispatch.act(session, person(Role.COMMAND_CENTRE, OTHER_TOWN), event_id=event.id, action="accept")
    with pytest.raises(Forbidden):  # a grid worker reports but does not triage
        await dispatch.act(session, GRID, event_id=event.id, action="accept")
    await dispatch.act(session, person(Role.TOWNSHIP_ADMIN, TOWN), event_id=event.id, action="accept")
    await dispatch.act(session, CENTRE, event_id=event.id, action="dispatch", assignee_cadre_id=MEDIATOR)
    with pytest.raises(NotFound):  # only the assignee signs for it; another cadre does not even see it
        await dispatch.act(session, person(Role.CADRE, CITY_OFFICER), event_id=event.id, action="sign")
    with pytest.raises(Forbidden):
        await dispatch.report(
            session,
            person(Role.GRID_WORKER, OTHER_TOWN),
            township_id=TOWN,
            matter_type="POLLUTION",
            priority="NORMAL",
            description="x",
            location=None,
        )


async def test_a_duplicate_links_to_its_original(session):
    original = await _report(session)
    copy = await _report(session)
    await dispatch.act(session, CENTRE, event_id=copy.id, action="mark_duplicate", duplicate_of=original.id)
    assert (copy.state, copy.duplicate_of) == ("DUPLICATE", original.id)


async def test_an_oversized_reason_is_bad_input_and_changes_nothing(session):
    event = await _report(session)
    with pytest.raises(BadInput):
        await dispatch.act(session, CENTRE, event_id=event.id, action="refuse", reason="理" * 2001)
    assert event.state == "REPORTED"


async def test_allowed_actions_follow_the_table_and_the_role(session):
    event = await _report(session)
    assert dispatch.allowed_actions(CENTRE, event) == ["accept", "mark_duplicate", "refuse"]
    assert dispatch.allowed_actions(GRID, event) == []
    await dispatch.act(session, CENTRE, event_id=event.id, action="accept")
    await dispatch.act(session, CENTRE, event_id=event.id, action="dispatch", assignee_cadre_id=MEDIATOR)
    assert dispatch.allowed_actions(person(Role.CADRE, MEDIATOR), event) == ["return", "sign"]
    assert dispatch.allowed_actions(CENTRE, event) == ["assign"]
    assert dispatch.allowed_actions(person(Role.CADRE, CITY_OFFICER), event) == []
