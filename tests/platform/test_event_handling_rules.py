"""Handling an event (处置) in process, refusal by refusal and word for word: who may take which step,
the limits on reasons and call-back notes, dispatching and assigning (专业人做专业事, within the
lead unit), verifying with a closing reason and a call-back (回访), duplicates and reopening — and
what each step writes: the transition row, the outbox message (``task.closed`` with its evidence
for the assessment), the audit record. A refused step writes nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import pytest
from dbutil import refused
from platform_world import (
    ADMIN,
    CENTRE,
    CITY_OFFICER,
    GRID,
    JUSTICE,
    MEDIATOR,
    MEDIATOR_2,
    OTHER_TOWN,
    SFS,
    SQUAD,
    TOWN,
    person,
)
from sqlalchemy import select, update

from platforms import dispatch, org
from platforms.models import Callback, EventTransition, GridEvent, StationedCadre
from servicekit.audit import AuditRecord
from servicekit.errors import BadInput, Forbidden, NotFound, RuleViolation
from servicekit.outbox import OutboxEvent
from servicekit.principal import Role

ME = person(Role.CADRE, MEDIATOR)
HEAD = person(Role.AGENCY_HEAD, SFS)
T0 = dt.datetime(2030, 3, 4, 9, 0, tzinfo=dt.timezone.utc)  # a Monday, after every report below


async def _report(session, who=GRID, matter="NEIGHBOUR_DISPUTE", **kw):
    event, _ = await dispatch.report(
        session, who, township_id=TOWN, matter_type=matter, priority="NORMAL", description="事件", location=None, **kw
    )
    return event


async def _act(session, who, event, action, **kw):
    return await dispatch.act(session, who, event_id=event.id, action=action, **kw)


async def _dispatched(session, who=GRID, cadre=MEDIATOR):
    event = await _report(session, who)
    await _act(session, CENTRE, event, "accept")
    await _act(session, CENTRE, event, "dispatch", assignee_cadre_id=cadre)
    return event


async def _at_feedback(session, who=GRID):
    event = await _dispatched(session, who)
    for action in ("sign", "start", "feedback"):
        await _act(session, ME, event, action)
    return event


async def _refused(session, exc_type, call):
    return await refused(session, exc_type, call, EventTransition, OutboxEvent, Callback)


# ---- who may take which step ---------------------------------------------------------------------


async def test_an_event_out_of_sight_is_not_found(session):
    event = await _report(session)
    for who in (person(Role.COMMAND_CENTRE, OTHER_TOWN), ME):
        err = await _refused(session, NotFound, _act(session, who, event, "accept"))
        assert err.message == "事件不存在或无权查看"
    err = await _refused(session, NotFound, dispatch.act(session, CENTRE, event_id=uuid.UUID(int=9), action="accept"))
    assert err.message == "事件不存在或无权查看"


async def test_who_sees_an_event_but_does_not_handle_it_is_refused(session):
    event = await _dispatched(session)
    # The mediator's department supervises the event (dual management) but does not handle it;
    # the grid worker who reported it follows it.
    for who in (person(Role.DEPARTMENT_ADMIN, JUSTICE), GRID):
        err = await _refused(session, Forbidden, _act(session, who, event, "sign"))
        assert err.message == "只有本乡镇指挥室、承办人或承办单位负责人可以处置事件"


async def test_rule_illegal_transition_names_the_state_and_the_allowed_actions(session):
    event = await _report(session)
    err = await _refused(session, RuleViolation, _act(session, CENTRE, event, "sign"))
    assert (err.rule, err.message, err.extra) == (
        "ILLEGAL_TRANSITION",
        "当前状态 REPORTED 不能执行 sign",
        {"allowed": ["accept", "mark_duplicate", "refuse"]},
    )


async def test_the_handler_steps_are_for_the_assignee_or_the_unit_head(session):
    event = await _dispatched(session)
    err = await _refused(session, Forbidden, _act(session, CENTRE, event, "sign"))
    assert err.message == "由承办人本人或承办单位负责人办理"
    await _act(session, HEAD, event, "sign")
    await _act(session, ME, event, "start")
    assert event.state == "IN_PROGRESS"


async def test_assigning_is_for_the_unit_head_or_the_centre(session):
    event = await _dispatched(session)
    err = await _refused(session, Forbidden, _act(session, ME, event, "assign", assignee_cadre_id=MEDIATOR_2))
    assert err.message == "由承办单位负责人在本单位内指派"
    await _act(session, CENTRE, event, "assign", assignee_cadre_id=MEDIATOR_2)
    await _act(session, HEAD, event, "assign", assignee_cadre_id=MEDIATOR)
    assert event.assignee_cadre_id == MEDIATOR


async def test_the_centre_steps_are_for_the_centre(session):
    event = await _dispatched(session)
    await _act(session, ME, event, "return", reason="不属本所职责")
    err = await _refused(session, Forbidden, _act(session, HEAD, event, "dispatch", lead_unit_id=SFS))
    assert err.message == "由本乡镇(街道)指挥室办理"


# ---- reasons and their limits ----------------------------------------------------------------------


async def test_rule_reason_required_a_blank_reason_is_no_reason(session):
    event = await _report(session)
    for reason in (None, "", "   "):
        err = await _refused(session, RuleViolation, _act(session, CENTRE, event, "refuse", reason=reason))
        assert (err.rule, err.message) == ("REASON_REQUIRED", "请说明理由")


async def test_a_reason_is_at_most_2000_characters(session):
    event = await _report(session)
    err = await _refused(session, BadInput, _act(session, CENTRE, event, "refuse", reason="理" * 2001))
    assert err.message == "理由不能超过 2000 字"
    await _act(session, CENTRE, event, "refuse", reason="理" * 2000)
    assert event.state == "REFUSED"


async def test_a_callback_note_is_at_most_2000_characters(session):
    event = await _at_feedback(session)
    long = dispatch.CallbackInput(reached=False, note="记" * 2001)
    err = await _refused(
        session, BadInput, _act(session, CENTRE, event, "verify_pass", closing_reason="RESOLVED", callback=long)
    )
    assert err.message == "回访记录不能超过 2000 字"
    err = await _refused(session, BadInput, dispatch.record_callback(session, CENTRE, event_id=event.id, callback=long))
    assert err.message == "回访记录不能超过 2000 字"
    fits = dispatch.CallbackInput(reached=False, note="记" * 2000)
    await _act(session, CENTRE, event, "verify_pass", closing_reason="RESOLVED", callback=fits)
    assert event.state == "CLOSED"


# ---- dispatching and assigning ---------------------------------------------------------------------


async def test_dispatch_needs_a_unit_or_a_person(session):
    event = await _report(session)
    await _act(session, CENTRE, event, "accept")
    err = await _refused(session, BadInput, _act(session, CENTRE, event, "dispatch"))
    assert err.message == "请指定承办单位或承办人"
    err = await _refused(session, BadInput, _act(session, CENTRE, event, "dispatch", lead_unit_id=uuid.UUID(int=9)))
    assert err.message == "单位不存在"


async def test_dispatch_to_a_person_makes_their_agency_lead(session):
    event = await _report(session)
    await _act(session, CENTRE, event, "accept")
    await _act(session, CENTRE, event, "dispatch", assignee_cadre_id=MEDIATOR, assisting_unit_ids=[SQUAD, SQUAD])
    assert (event.lead_unit_id, event.assignee_cadre_id, event.assisting_unit_ids) == (SFS, MEDIATOR, [SQUAD])


async def test_the_lead_unit_cannot_also_assist(session):
    event = await _report(session)
    await _act(session, CENTRE, event, "accept")
    err = await _refused(
        session, BadInput, _act(session, CENTRE, event, "dispatch", lead_unit_id=SFS, assisting_unit_ids=[SFS])
    )
    assert err.message == "协办单位不能是承办单位"


async def test_rule_assignee_not_in_township_covers_those_who_left(session):
    event = await _report(session)
    await _act(session, CENTRE, event, "accept")
    await session.execute(update(StationedCadre).where(StationedCadre.cadre_id == MEDIATOR).values(status="LEFT"))
    err = await _refused(session, RuleViolation, _act(session, CENTRE, event, "dispatch", assignee_cadre_id=MEDIATOR))
    assert (err.rule, err.message) == ("ASSIGNEE_NOT_IN_TOWNSHIP", "承办人须为本乡镇(街道)在岗的派驻干部")
    await session.execute(update(StationedCadre).where(StationedCadre.cadre_id == MEDIATOR).values(status="IN_POST"))
    await _act(session, CENTRE, event, "dispatch", assignee_cadre_id=MEDIATOR)
    assert event.assignee_cadre_id == MEDIATOR


async def test_rule_not_on_duty(session):
    """真沉真下: a seconded or on-leave cadre still holds the post (实有) but is not 在岗 — no work
    is dispatched to them, and the refusal changes nothing."""
    for status in ("SECONDED", "ON_LEAVE"):
        event = await _report(session)
        await _act(session, CENTRE, event, "accept")
        await session.execute(update(StationedCadre).where(StationedCadre.cadre_id == MEDIATOR).values(status=status))
        err = await _refused(
            session, RuleViolation, _act(session, CENTRE, event, "dispatch", assignee_cadre_id=MEDIATOR)
        )
        assert (err.rule, err.message) == ("NOT_ON_DUTY", "该派驻干部借调或请假中，不在岗，不能承办任务")
        assert event.assignee_cadre_id is None
        await session.execute(
            update(StationedCadre).where(StationedCadre.cadre_id == MEDIATOR).values(status="IN_POST")
        )


async def test_rule_assignee_not_in_unit_for_an_office_means_holding_one_of_its_posts(session):
    office = await org.create_office(session, ADMIN, township_id=TOWN, name="综治办", platform_code=None)
    post = await org.create_post(session, ADMIN, unit_id=office.id, name="调解岗")
    await org.set_holders(session, ADMIN, post_id=post.id, cadre_ids=[MEDIATOR])
    event = await _report(session)
    await _act(session, CENTRE, event, "accept")
    await _act(session, CENTRE, event, "dispatch", lead_unit_id=office.id)
    err = await _refused(session, RuleViolation, _act(session, CENTRE, event, "assign", assignee_cadre_id=MEDIATOR_2))
    assert (err.rule, err.message) == (
        "ASSIGNEE_NOT_IN_UNIT",
        "承办人须为承办单位的人员 (派驻机构干部或站所岗位人员)",
    )
    await _act(session, CENTRE, event, "assign", assignee_cadre_id=MEDIATOR)
    assert (event.lead_unit_id, event.assignee_cadre_id) == (office.id, MEDIATOR)


async def test_assign_needs_a_person(session):
    event = await _report(session)
    await _act(session, CENTRE, event, "accept")
    await _act(session, CENTRE, event, "dispatch", lead_unit_id=SFS)
    err = await _refused(session, BadInput, _act(session, HEAD, event, "assign"))
    assert err.message == "请指定承办人"


async def test_rule_outside_professional_line_names_both_lines_and_keeps_the_reason_stripped(session):
    event = await _report(session)
    await _act(session, CENTRE, event, "accept")
    for reason in (None, "  "):
        err = await _refused(
            session,
            RuleViolation,
            _act(session, CENTRE, event, "dispatch", assignee_cadre_id=CITY_OFFICER, reason=reason),
        )
        assert (err.rule, err.message) == (
            "OUTSIDE_PROFESSIONAL_LINE",
            "该事项属于人民调解，承办人的业务条线是城市管理；确需派给其他条线须说明理由",
        )
    await _act(session, CENTRE, event, "dispatch", assignee_cadre_id=CITY_OFFICER, reason="  调解员均外出 ")
    assert event.outside_line_reason == "调解员均外出"
    row = await session.scalar(
        select(EventTransition).where(EventTransition.event_id == event.id, EventTransition.action == "dispatch")
    )
    assert row.outside_line is True
    # Handed back and dispatched on the line, the override is gone.
    await _act(session, person(Role.CADRE, CITY_OFFICER), event, "return", reason="非本条线")
    await _act(session, CENTRE, event, "dispatch", assignee_cadre_id=MEDIATOR, reason="改派")
    assert (event.assignee_cadre_id, event.outside_line_reason) == (MEDIATOR, None)


async def test_the_first_dispatch_time_is_kept_through_a_return(session):
    event = await _report(session)
    await _act(session, CENTRE, event, "accept", now=T0)
    await _act(session, CENTRE, event, "dispatch", assignee_cadre_id=MEDIATOR, now=T0)
    await _act(session, ME, event, "return", reason="人手不足", now=T0 + dt.timedelta(hours=1))
    await _act(session, CENTRE, event, "dispatch", assignee_cadre_id=MEDIATOR_2, now=T0 + dt.timedelta(hours=2))
    assert event.first_dispatched_at == T0


# ---- verifying, call-backs, duplicates, reopening ----------------------------------------------------


async def test_rule_closing_reason_required_lists_the_reasons(session):
    event = await _at_feedback(session)
    for reason in (None, "DONE"):
        err = await _refused(session, RuleViolation, _act(session, CENTRE, event, "verify_pass", closing_reason=reason))
        assert (err.rule, err.message) == (
            "CLOSING_REASON_REQUIRED",
            "办结原因须为 RESOLVED, NOT_WITHIN_REMIT, NO_CASE_FOUND, MERGED",
        )


async def test_rule_callback_required_names_the_hotline(session):
    event = await _at_feedback(session, who=CENTRE)
    err = await _refused(session, RuleViolation, _act(session, CENTRE, event, "verify_pass", closing_reason="RESOLVED"))
    assert (err.rule, err.message) == ("CALLBACK_REQUIRED", "热线事件办结前须回访反映人")


async def test_a_hotline_event_called_back_before_closes_without_another_callback(session):
    event = await _at_feedback(session, who=CENTRE)
    await dispatch.record_callback(session, CENTRE, event_id=event.id, callback=dispatch.CallbackInput(reached=False))
    await _act(session, CENTRE, event, "verify_pass", closing_reason="RESOLVED", now=T0)
    assert (event.state, event.closing_reason, event.closed_at) == ("CLOSED", "RESOLVED", T0)


async def test_a_grid_event_closes_without_a_callback(session):
    event = await _at_feedback(session)
    await _act(session, CENTRE, event, "verify_pass", closing_reason="NO_CASE_FOUND")
    assert (await session.scalars(select(Callback).where(Callback.event_id == event.id))).all() == []


async def test_a_failed_verification_records_its_callback(session):
    event = await _at_feedback(session, who=CENTRE)
    cb = dispatch.CallbackInput(reached=True, satisfaction="UNSATISFIED", note="  仍有噪音 ")
    await _act(session, CENTRE, event, "verify_fail", reason="当事人不认可", callback=cb, now=T0)
    row = await session.scalar(select(Callback).where(Callback.event_id == event.id))
    assert (row.township_id, row.reached, row.satisfaction, row.note, row.by, row.at) == (
        TOWN,
        True,
        "UNSATISFIED",
        "仍有噪音",
        CENTRE.subject,
        T0,
    )
    assert event.state == "IN_PROGRESS" and event.closing_reason is None


async def test_callback_satisfaction_is_given_only_when_the_reporter_was_reached(session):
    event = await _at_feedback(session, who=CENTRE)
    for cb, words in (
        (dispatch.CallbackInput(reached=True), "回访满意度须为 SATISFIED, BASIC, UNSATISFIED"),
        (dispatch.CallbackInput(reached=True, satisfaction="HAPPY"), "回访满意度须为 SATISFIED, BASIC, UNSATISFIED"),
        (dispatch.CallbackInput(reached=False, satisfaction="BASIC"), "未联系上反映人时不填满意度"),
    ):
        err = await _refused(
            session, BadInput, dispatch.record_callback(session, CENTRE, event_id=event.id, callback=cb)
        )
        assert err.message == words


async def test_record_callback_refusals(session):
    event = await _at_feedback(session, who=CENTRE)
    cb = dispatch.CallbackInput(reached=False)
    err = await _refused(
        session, NotFound, dispatch.record_callback(session, CENTRE, event_id=uuid.UUID(int=9), callback=cb)
    )
    assert err.message == "事件不存在"
    err = await _refused(session, Forbidden, dispatch.record_callback(session, ME, event_id=event.id, callback=cb))
    assert err.message == "由本乡镇(街道)指挥室办理"
    fresh = await _report(session)
    err = await _refused(
        session, RuleViolation, dispatch.record_callback(session, CENTRE, event_id=fresh.id, callback=cb)
    )
    assert (err.rule, err.message) == ("CALLBACK_BEFORE_FEEDBACK", "承办单位反馈后才能回访")


async def test_a_callback_is_recorded_at_feedback_and_after_closing_with_its_audit_record(session):
    event = await _at_feedback(session, who=CENTRE)
    await dispatch.record_callback(
        session,
        CENTRE,
        event_id=event.id,
        callback=dispatch.CallbackInput(reached=True, satisfaction="BASIC", note=" "),
    )
    await _act(session, CENTRE, event, "verify_pass", closing_reason="RESOLVED")
    await dispatch.record_callback(
        session, CENTRE, event_id=event.id, callback=dispatch.CallbackInput(reached=True, satisfaction="SATISFIED")
    )
    rows = (await session.scalars(select(Callback).where(Callback.event_id == event.id).order_by(Callback.id))).all()
    assert [(c.satisfaction, c.note, c.by) for c in rows] == [
        ("BASIC", None, CENTRE.subject),
        ("SATISFIED", None, CENTRE.subject),
    ]
    assert all(c.at is not None for c in rows)
    audit = (
        await session.scalars(
            select(AuditRecord.after)
            .where(AuditRecord.entity_id == str(event.id), AuditRecord.action == "event.callback")
            .order_by(AuditRecord.seq)
        )
    ).all()
    assert audit == [{"reached": True, "satisfaction": "BASIC"}, {"reached": True, "satisfaction": "SATISFIED"}]


async def test_a_duplicate_must_name_another_live_event_of_the_township(session):
    event = await _report(session)
    elsewhere, _ = await dispatch.report(
        session,
        person(Role.GRID_WORKER, OTHER_TOWN),
        township_id=OTHER_TOWN,
        matter_type="NEIGHBOUR_DISPUTE",
        priority="NORMAL",
        description="x",
        location=None,
    )
    original, copy = await _report(session), await _report(session)
    await _act(session, CENTRE, copy, "mark_duplicate", duplicate_of=original.id)
    for target in (None, uuid.UUID(int=9), event.id, elsewhere.id, copy.id):
        err = await _refused(session, BadInput, _act(session, CENTRE, event, "mark_duplicate", duplicate_of=target))
        if target != event.id:
            assert err.message == "请指定本乡镇的原始事件"
    assert (event.state, event.duplicate_of) == ("REPORTED", None)


async def test_reopening_clears_the_closing_reason_and_routes_again(session):
    event = await _at_feedback(session)
    await _act(session, CENTRE, event, "verify_pass", closing_reason="RESOLVED")
    event.recommendation_reason = None
    await _act(session, CENTRE, event, "reopen", reason="当事人再次反映")
    assert (event.state, event.closing_reason, event.recommendation_reason) == ("REOPENED", None, "LINE")


async def test_a_returned_event_is_routed_again(session):
    event = await _dispatched(session)
    event.recommendation_reason = None
    await _act(session, ME, event, "return", reason="人手不足")
    assert event.recommendation_reason == "LINE"


# ---- what a step writes ----------------------------------------------------------------------------


async def test_each_step_writes_its_transition_row_message_and_audit_record(session):
    event = await _dispatched(session)
    await _act(session, ME, event, "return", reason="不属本所职责", now=T0)
    row = (
        await session.scalars(
            select(EventTransition).where(EventTransition.event_id == event.id).order_by(EventTransition.id.desc())
        )
    ).first()
    assert (row.action, row.source, row.target, row.actor, row.reason, row.at, row.unit_id, row.cadre_id) == (
        "return",
        "DISPATCHED",
        "RETURNED",
        ME.subject,
        "不属本所职责",
        T0,
        SFS,
        MEDIATOR,
    )
    message = (
        await session.scalars(
            select(OutboxEvent).where(OutboxEvent.aggregate_id == str(event.id)).order_by(OutboxEvent.id.desc())
        )
    ).first()
    assert (message.type, message.aggregate_type, message.payload) == (
        "event.return",
        "GridEvent",
        {
            "township_id": str(TOWN),
            "reporter_user_id": None,  # this world's subjects are not account ids (see test_the_reporter_is_named)
            "state": "RETURNED",
            "priority": event.priority,
            "assignee_cadre_id": str(MEDIATOR),
            "lead_unit_id": str(SFS),
            "outside_line": False,
        },
    )
    record = (
        await session.scalars(
            select(AuditRecord).where(AuditRecord.entity_id == str(event.id)).order_by(AuditRecord.seq.desc())
        )
    ).first()
    assert (record.action, record.entity_type, record.before, record.after, record.reason) == (
        "event.return",
        "GridEvent",
        {"state": "DISPATCHED"},
        {"state": "RETURNED", "assignee": str(MEDIATOR)},
        "不属本所职责",
    )
    await _act(session, CENTRE, event, "dispatch", lead_unit_id=SQUAD, reason="改派执法中队")
    record = (
        await session.scalars(
            select(AuditRecord).where(AuditRecord.entity_id == str(event.id)).order_by(AuditRecord.seq.desc())
        )
    ).first()
    assert record.after == {"state": "DISPATCHED", "assignee": None}


async def test_closing_publishes_the_task_with_its_evidence_for_the_assessment(session):
    event = await _report(session)
    await _act(session, CENTRE, event, "accept", now=T0)
    await _act(session, CENTRE, event, "dispatch", assignee_cadre_id=MEDIATOR, now=T0)
    await _act(session, ME, event, "return", reason="人手不足", now=T0 + dt.timedelta(minutes=5))
    await _act(session, CENTRE, event, "dispatch", assignee_cadre_id=MEDIATOR, now=T0 + dt.timedelta(minutes=10))
    # Signed a month late: the signing phase ends overdue.
    await _act(session, ME, event, "sign", now=T0 + dt.timedelta(days=30))
    await _act(session, ME, event, "start", now=T0 + dt.timedelta(days=30))
    await _act(session, ME, event, "feedback", now=T0 + dt.timedelta(days=30, hours=1))
    await _act(session, CENTRE, event, "verify_fail", reason="未办结", now=T0 + dt.timedelta(days=30, hours=2))
    await _act(session, ME, event, "feedback", now=T0 + dt.timedelta(days=30, hours=3))
    closed_at = T0 + dt.timedelta(days=30, hours=3, minutes=14, seconds=5)
    await _act(session, CENTRE, event, "verify_pass", closing_reason="RESOLVED", now=closed_at)
    message = await session.scalar(
        select(OutboxEvent).where(OutboxEvent.aggregate_id == str(event.id), OutboxEvent.type == "task.closed")
    )
    assert message.aggregate_type == "GridEvent"
    assert message.payload == {
        "township_id": str(TOWN),
        "reporter_user_id": None,
        "state": "CLOSED",
        "assignee_cadre_id": str(MEDIATOR),
        "lead_unit_id": str(SFS),
        "outside_line": False,
        "matter_type": "NEIGHBOUR_DISPUTE",
        "priority": "NORMAL",
        "closing_reason": "RESOLVED",
        "closed_at": closed_at.isoformat(),
        "returns": 1,
        "verify_failed": 1,
        "overdue_phases": 1,
        "hours": 723.23,  # from the first dispatch (T0): 30 days 3 h 14 min 5 s
    }
    assert (
        await session.scalar(
            select(OutboxEvent.type).where(OutboxEvent.aggregate_id == str(event.id)).order_by(OutboxEvent.id.desc())
        )
        == "task.closed"
    )


# ---- routing -------------------------------------------------------------------------------------


async def test_the_recommendation_weighs_open_tasks_in_this_township_only(session):
    busy = await _dispatched(session, cadre=MEDIATOR)  # MEDIATOR holds one open task
    assert busy.state == "DISPATCHED"
    event = await _report(session)
    await _act(session, CENTRE, event, "accept")
    assert (event.recommendation_reason, event.recommended_cadre_id, event.recommended_unit_id) == (
        "LINE",
        MEDIATOR_2,
        SFS,
    )
    assert event.recommendation_note == "干部4：属人民调解条线，在办 0 件"


async def test_closed_tasks_do_not_count_as_open(session):
    done = await _at_feedback(session)
    await _act(session, CENTRE, done, "verify_pass", closing_reason="RESOLVED")
    await session.execute(update(StationedCadre).where(StationedCadre.cadre_id == MEDIATOR_2).values(name="干部9"))
    event = await _report(session)
    await _act(session, CENTRE, event, "accept")
    # Both have no open task: the name decides (干部1 before 干部9).
    assert event.recommended_cadre_id == MEDIATOR and event.recommendation_note.endswith("在办 0 件")


async def test_those_not_in_post_are_not_recommended(session):
    await session.execute(
        update(StationedCadre).where(StationedCadre.cadre_id.in_([MEDIATOR, MEDIATOR_2])).values(status="LEFT")
    )
    event = await _report(session)
    await _act(session, CENTRE, event, "accept")
    assert (event.recommendation_reason, event.recommended_cadre_id, event.recommended_unit_id) == ("NONE", None, None)
    assert event.recommendation_note == "本乡镇无人民调解条线在岗人员，也无该事项的定岗，由指挥室研判"


async def test_a_post_of_this_township_names_its_unit_when_nobody_on_the_line_is_in_post(session):
    office = await org.create_office(session, ADMIN, township_id=TOWN, name="综治办", platform_code=None)
    post = await org.create_post(session, ADMIN, unit_id=office.id, name="调解岗")
    await org.set_duties(session, ADMIN, post_id=post.id, duties=[("NEIGHBOUR_DISPUTE", None)])
    await session.execute(
        update(StationedCadre).where(StationedCadre.cadre_id.in_([MEDIATOR, MEDIATOR_2])).values(status="LEFT")
    )
    event = await _report(session)
    await _act(session, CENTRE, event, "accept")
    assert (event.recommendation_reason, event.recommended_unit_id, event.recommended_cadre_id) == (
        "POST_UNIT",
        office.id,
        None,
    )
    # Another township's post for the same matter counts for nobody here.
    other = person(Role.TOWNSHIP_ADMIN, OTHER_TOWN)
    there = await org.create_office(session, other, township_id=OTHER_TOWN, name="综治办", platform_code=None)
    there_post = await org.create_post(session, other, unit_id=there.id, name="调解岗")
    await org.set_duties(session, other, post_id=there_post.id, duties=[("NEIGHBOUR_DISPUTE", None)])
    await session.execute(update(StationedCadre).where(StationedCadre.cadre_id == MEDIATOR).values(status="IN_POST"))
    again = await _report(session)
    await _act(session, CENTRE, again, "accept")
    assert (again.recommendation_reason, again.recommended_cadre_id) == ("LINE", MEDIATOR)


async def test_a_post_holder_counts_only_for_a_post_of_the_events_township(session):
    other = person(Role.TOWNSHIP_ADMIN, OTHER_TOWN)
    there = await org.create_office(session, other, township_id=OTHER_TOWN, name="综治办", platform_code=None)
    post = await org.create_post(session, other, unit_id=there.id, name="调解岗")
    await org.set_duties(session, other, post_id=post.id, duties=[("NEIGHBOUR_DISPUTE", None)])
    # A post elsewhere cannot hold this township's cadre, so compare with a post here.
    here = await org.create_post(session, ADMIN, unit_id=SFS, name="调解岗")
    await org.set_holders(session, ADMIN, post_id=here.id, cadre_ids=[MEDIATOR_2])
    event = await _report(session)
    await _act(session, CENTRE, event, "accept")
    assert (event.recommendation_reason, event.recommended_cadre_id) == ("LINE", MEDIATOR)  # no duty on it yet
    await org.set_duties(session, ADMIN, post_id=here.id, duties=[("NEIGHBOUR_DISPUTE", None)])
    second = await _report(session)
    await _act(session, CENTRE, second, "accept")
    assert (second.recommendation_reason, second.recommended_cadre_id) == ("POST", MEDIATOR_2)


async def test_grid_membership_counts_for_the_events_grid_only(session):
    g1 = await org.create_grid(session, ADMIN, township_id=TOWN, code="G1", name="一网格", village=None)
    g2 = await org.create_grid(session, ADMIN, township_id=TOWN, code="G2", name="二网格", village=None)
    await org.add_member(session, ADMIN, grid_id=g2.id, kind="CADRE", cadre_id=MEDIATOR_2, name=None, duty="MEMBER")
    await org.add_member(
        session, ADMIN, grid_id=g1.id, kind="GRID_WORKER", cadre_id=None, name="网格员甲", duty="MEMBER"
    )
    in_g1 = await _report(session, grid_id=g1.id)
    await _act(session, CENTRE, in_g1, "accept")
    assert (in_g1.recommendation_reason, in_g1.recommended_cadre_id) == ("LINE", MEDIATOR)
    in_g2 = await _report(session, grid_id=g2.id)
    await _act(session, CENTRE, in_g2, "accept")
    assert (in_g2.recommendation_reason, in_g2.recommended_cadre_id) == ("GRID_LINE", MEDIATOR_2)


async def test_a_recommended_agency_unknown_to_the_platform_is_not_named(session):
    await session.execute(
        update(StationedCadre)
        .where(StationedCadre.cadre_id.in_([MEDIATOR, MEDIATOR_2]))
        .values(agency_id=uuid.UUID(int=999))
    )
    event = await _report(session)
    await _act(session, CENTRE, event, "accept")
    assert (event.recommendation_reason, event.recommended_cadre_id, event.recommended_unit_id) == (
        "LINE",
        MEDIATOR,
        None,
    )


# ---- likely duplicates -----------------------------------------------------------------------------


async def _at(session, event, when):
    await session.execute(update(GridEvent).where(GridEvent.id == event.id).values(reported_at=when))
    event.reported_at = when


async def test_duplicate_candidates_window_is_1_to_720_hours(session):
    event = await _report(session)
    for hours in (0, -1, 721):
        with pytest.raises(BadInput) as err:
            await dispatch.duplicate_candidates(session, CENTRE, event_id=event.id, window_hours=hours)
        assert err.value.message == "时间窗须为 1–720 小时"
    for hours in (1, 720):
        assert await dispatch.duplicate_candidates(session, CENTRE, event_id=event.id, window_hours=hours) == []


async def test_duplicate_candidates_refusals(session):
    event = await _report(session)
    with pytest.raises(NotFound) as err:
        await dispatch.duplicate_candidates(session, CENTRE, event_id=uuid.UUID(int=9))
    assert err.value.message == "事件不存在"
    with pytest.raises(Forbidden) as err:
        await dispatch.duplicate_candidates(session, person(Role.COMMAND_CENTRE, OTHER_TOWN), event_id=event.id)
    assert err.value.message == "由本乡镇(街道)指挥室办理"


async def test_duplicate_candidates_are_within_the_window_either_side_nearest_first(session):
    event = await _report(session)
    await _at(session, event, T0)
    near_after, near_before, far_before, too_far, too_late = [await _report(session) for _ in range(5)]
    await _at(session, near_after, T0 + dt.timedelta(hours=1))
    await _at(session, near_before, T0 - dt.timedelta(hours=2))
    await _at(session, far_before, T0 - dt.timedelta(hours=71))
    await _at(session, too_far, T0 - dt.timedelta(hours=73))
    await _at(session, too_late, T0 + dt.timedelta(hours=73))
    found = await dispatch.duplicate_candidates(session, CENTRE, event_id=event.id)
    assert [e.id for e in found] == [near_after.id, near_before.id, far_before.id]
    wider = await dispatch.duplicate_candidates(session, CENTRE, event_id=event.id, window_hours=74)
    assert [e.id for e in wider][-2:] == sorted([too_far.id, too_late.id])  # equally far: by id
    nearest = await dispatch.duplicate_candidates(session, CENTRE, event_id=event.id, limit=1)
    assert [e.id for e in nearest] == [near_after.id]


async def test_refused_and_duplicate_events_are_not_candidates(session):
    event, refused_one, copy, original = [await _report(session) for _ in range(4)]
    await _act(session, CENTRE, refused_one, "refuse", reason="非本乡镇事项")
    await _act(session, CENTRE, copy, "mark_duplicate", duplicate_of=original.id)
    found = await dispatch.duplicate_candidates(session, CENTRE, event_id=event.id)
    assert [e.id for e in found] == [original.id]


async def test_a_gridded_event_matches_its_own_grid_or_none(session):
    g1 = await org.create_grid(session, ADMIN, township_id=TOWN, code="G1", name="一网格", village=None)
    g2 = await org.create_grid(session, ADMIN, township_id=TOWN, code="G2", name="二网格", village=None)
    event = await _report(session, grid_id=g1.id)
    same, other, none = (
        await _report(session, grid_id=g1.id),
        await _report(session, grid_id=g2.id),
        await _report(session),
    )
    found = {e.id for e in await dispatch.duplicate_candidates(session, CENTRE, event_id=event.id)}
    assert found == {same.id, none.id}
    # Without a grid, events of every grid are candidates.
    assert {e.id for e in await dispatch.duplicate_candidates(session, CENTRE, event_id=none.id)} == {
        event.id,
        same.id,
        other.id,
    }


async def test_at_most_50_duplicate_candidates(session):
    event = await _report(session)
    session.add_all(
        GridEvent(
            township_id=TOWN,
            matter_type="NEIGHBOUR_DISPUTE",
            priority="NORMAL",
            description="同一事件",
            reported_by=GRID.subject,
            source="GRID",
            state="REPORTED",
            reported_at=event.reported_at + dt.timedelta(seconds=i + 1),
        )
        for i in range(51)
    )
    await session.flush()
    assert len(await dispatch.duplicate_candidates(session, CENTRE, event_id=event.id, limit=500)) == 50
    assert len(await dispatch.duplicate_candidates(session, CENTRE, event_id=event.id)) == 10


# ---- who sees which events (dual management) --------------------------------------------------------


async def test_a_department_sees_the_events_of_its_cadres_and_its_agencies_everywhere(session):
    to_cadre = await _dispatched(session, cadre=MEDIATOR)  # 司法局's cadre
    to_unit = await _report(session)
    await _act(session, CENTRE, to_unit, "accept")
    await _act(session, CENTRE, to_unit, "dispatch", lead_unit_id=SFS)  # 司法局's agency, nobody named yet
    to_squad = await _report(session, matter="STREET_TRADING")
    await _act(session, CENTRE, to_squad, "accept")
    await _act(session, CENTRE, to_squad, "dispatch", assignee_cadre_id=CITY_OFFICER)  # 综合执法局's
    # Led by a township office, handled by 司法局's mediator who holds one of its posts.
    office = await org.create_office(session, ADMIN, township_id=TOWN, name="综治办", platform_code=None)
    post = await org.create_post(session, ADMIN, unit_id=office.id, name="调解岗")
    await org.set_holders(session, ADMIN, post_id=post.id, cadre_ids=[MEDIATOR_2])
    via_office = await _report(session)
    await _act(session, CENTRE, via_office, "accept")
    await _act(session, CENTRE, via_office, "dispatch", lead_unit_id=office.id, assignee_cadre_id=MEDIATOR_2)
    page = await dispatch.list_events(session, person(Role.DEPARTMENT_ADMIN, JUSTICE), first=50, after=None)
    assert {e.id for e in page.items} == {to_cadre.id, to_unit.id, via_office.id}
    assert (await dispatch.get_event(session, person(Role.DEPARTMENT_ADMIN, JUSTICE), to_unit.id)).id == to_unit.id


async def test_a_grid_worker_sees_what_they_reported_only(session):
    mine = await _report(session)
    theirs = await _report(session, who=dataclasses.replace(GRID, subject="another-grid-worker"))
    page = await dispatch.list_events(session, GRID, first=50, after=None)
    assert {e.id for e in page.items} == {mine.id}
    with pytest.raises(NotFound) as err:
        await dispatch.get_event(session, GRID, theirs.id)
    assert err.value.message == "事件不存在或无权查看"


async def test_visibility_refusals_word_for_word(session):
    from servicekit.principal import Principal

    reporter = Principal(subject="s", kind="service", client_id="s", token_id="t", scopes=frozenset({"events:report"}))
    with pytest.raises(Forbidden) as err:
        await dispatch.list_events(session, reporter, first=10, after=None)
    assert (err.value.message, err.value.detail) == ("该服务客户端无权查看事件", "scope events:status required")
    nobody = Principal(subject="u", kind="user", client_id="w", token_id="t", scopes=frozenset({"api"}))
    with pytest.raises(Forbidden) as err:
        await dispatch.list_events(session, nobody, first=10, after=None)
    assert err.value.message == "无权查看事件"


# ---- more of dispatching and routing -----------------------------------------------------------------


async def test_rule_unit_not_in_township_word_for_word(session):
    from platform_world import SFS_ELSEWHERE

    event = await _report(session)
    await _act(session, CENTRE, event, "accept")
    err = await _refused(session, RuleViolation, _act(session, CENTRE, event, "dispatch", lead_unit_id=SFS_ELSEWHERE))
    assert (err.rule, err.message) == ("UNIT_NOT_IN_TOWNSHIP", "承办和协办单位须在本乡镇(街道)")


async def test_a_unit_and_a_person_together_need_the_person_in_the_unit(session):
    event = await _report(session)
    await _act(session, CENTRE, event, "accept")
    err = await _refused(
        session, RuleViolation, _act(session, CENTRE, event, "dispatch", lead_unit_id=SQUAD, assignee_cadre_id=MEDIATOR)
    )
    assert err.rule == "ASSIGNEE_NOT_IN_UNIT"


async def test_an_office_post_counts_for_its_own_office_only(session):
    a = await org.create_office(session, ADMIN, township_id=TOWN, name="综治办", platform_code=None)
    b = await org.create_office(session, ADMIN, township_id=TOWN, name="党政办", platform_code=None)
    post = await org.create_post(session, ADMIN, unit_id=a.id, name="调解岗")
    await org.set_holders(session, ADMIN, post_id=post.id, cadre_ids=[MEDIATOR])
    event = await _report(session)
    await _act(session, CENTRE, event, "accept")
    await _act(session, CENTRE, event, "dispatch", lead_unit_id=b.id)
    err = await _refused(session, RuleViolation, _act(session, CENTRE, event, "assign", assignee_cadre_id=MEDIATOR))
    assert err.rule == "ASSIGNEE_NOT_IN_UNIT"


async def test_a_cadre_whose_agency_the_platform_has_not_heard_of_is_dispatched_without_a_lead_unit(session):
    await session.execute(
        update(StationedCadre).where(StationedCadre.cadre_id == MEDIATOR).values(agency_id=uuid.UUID(int=999))
    )
    event = await _report(session)
    await _act(session, CENTRE, event, "accept")
    await _act(session, CENTRE, event, "dispatch", assignee_cadre_id=MEDIATOR)
    assert (event.lead_unit_id, event.assignee_cadre_id) == (None, MEDIATOR)


async def test_the_unit_head_assigns_outside_the_line_with_a_reason(session):
    event = await _report(session, matter="STREET_TRADING")
    await _act(session, CENTRE, event, "accept")
    await _act(session, CENTRE, event, "dispatch", lead_unit_id=SFS, reason="执法中队满负荷")
    err = await _refused(session, RuleViolation, _act(session, HEAD, event, "assign", assignee_cadre_id=MEDIATOR))
    assert err.rule == "OUTSIDE_PROFESSIONAL_LINE"
    await _act(session, HEAD, event, "assign", assignee_cadre_id=MEDIATOR, reason="执法中队满负荷")
    assert (event.assignee_cadre_id, event.outside_line_reason) == (MEDIATOR, "执法中队满负荷")


async def test_messages_name_no_one_when_nobody_is_named(session):
    event = await _report(session)
    await _act(session, CENTRE, event, "accept")
    accepted = (
        await session.scalars(
            select(OutboxEvent.payload).where(
                OutboxEvent.aggregate_id == str(event.id), OutboxEvent.type == "event.accept"
            )
        )
    ).one()
    assert (accepted["assignee_cadre_id"], accepted["lead_unit_id"]) == (None, None)
    await _act(session, CENTRE, event, "dispatch", lead_unit_id=SFS)
    dispatched = (
        await session.scalars(
            select(OutboxEvent.payload).where(
                OutboxEvent.aggregate_id == str(event.id), OutboxEvent.type == "event.dispatch"
            )
        )
    ).one()
    assert (dispatched["assignee_cadre_id"], dispatched["lead_unit_id"]) == (None, str(SFS))
    record = (
        await session.scalars(
            select(AuditRecord).where(AuditRecord.entity_id == str(event.id)).order_by(AuditRecord.seq.desc())
        )
    ).first()
    assert (record.actor, record.actor_kind) == (CENTRE.subject, "user")


async def test_open_tasks_in_another_township_do_not_weigh(session):
    elsewhere = await _dispatched(session, cadre=MEDIATOR)
    await session.execute(update(GridEvent).where(GridEvent.id == elsewhere.id).values(township_id=OTHER_TOWN))
    event = await _report(session)
    await _act(session, CENTRE, event, "accept")
    # Both have no open task here: the name decides (干部1 before 干部4).
    assert event.recommended_cadre_id == MEDIATOR


async def test_a_post_of_another_township_does_not_make_a_post_unit_here(session):
    other = person(Role.TOWNSHIP_ADMIN, OTHER_TOWN)
    there = await org.create_office(session, other, township_id=OTHER_TOWN, name="综治办", platform_code=None)
    post = await org.create_post(session, other, unit_id=there.id, name="调解岗")
    await org.set_duties(session, other, post_id=post.id, duties=[("NEIGHBOUR_DISPUTE", None)])
    await session.execute(
        update(StationedCadre).where(StationedCadre.cadre_id.in_([MEDIATOR, MEDIATOR_2])).values(status="LEFT")
    )
    event = await _report(session)
    await _act(session, CENTRE, event, "accept")
    assert (event.recommendation_reason, event.recommended_unit_id) == ("NONE", None)


async def test_a_cadre_without_a_name_is_recommended_by_id(session):
    await session.execute(
        update(StationedCadre).where(StationedCadre.cadre_id.in_([MEDIATOR, MEDIATOR_2])).values(name="")
    )
    event = await _report(session)
    await _act(session, CENTRE, event, "accept")
    assert event.recommendation_note == f"{MEDIATOR}：属人民调解条线，在办 0 件"


async def test_a_callback_note_of_2000_characters_is_recorded_with_its_time_and_audit(session):
    event = await _at_feedback(session, who=CENTRE)
    before = dt.datetime.now(dt.timezone.utc)
    await dispatch.record_callback(
        session, CENTRE, event_id=event.id, callback=dispatch.CallbackInput(reached=False, note="记" * 2000)
    )
    row = await session.scalar(select(Callback).where(Callback.event_id == event.id))
    assert len(row.note) == 2000 and before <= row.at <= dt.datetime.now(dt.timezone.utc)
    record = await session.scalar(
        select(AuditRecord).where(AuditRecord.entity_id == str(event.id), AuditRecord.action == "event.callback")
    )
    assert (record.actor, record.entity_type) == (CENTRE.subject, "GridEvent")


async def test_events_reported_at_the_same_moment_page_by_id(session):
    events = [await _report(session) for _ in range(3)]
    same = events[0].reported_at
    for e in events:
        await session.execute(update(GridEvent).where(GridEvent.id == e.id).values(reported_at=same))
    seen, after = [], None
    for _ in range(3):
        page = await dispatch.list_events(session, CENTRE, first=1, after=after)
        seen += [e.id for e in page.items]
        after = page.cursors[-1]
    assert seen == sorted((e.id for e in events), reverse=True)


async def test_the_same_system_reports_two_events_under_two_keys(session):
    from platform_world import SYSTEM

    first, _ = await dispatch.report(
        session,
        SYSTEM,
        township_id=TOWN,
        matter_type="WAGE_ARREARS",
        priority="HIGH",
        description="甲",
        location=None,
        idempotency_key="k-1",
    )
    second, created = await dispatch.report(
        session,
        SYSTEM,
        township_id=TOWN,
        matter_type="WAGE_ARREARS",
        priority="HIGH",
        description="乙",
        location=None,
        idempotency_key="k-2",
    )
    assert created and second.id != first.id and second.description == "乙"
