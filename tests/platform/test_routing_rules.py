"""Routing (定事→定岗→定人, grid, line) with stored reasons; dispatch to a lead unit with assisting
units; assignment within the unit by its head; call-backs; duplicates and their original's outcome."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
from platform_world import (
    ADMIN,
    CENTRE,
    CITY_OFFICER,
    GRID,
    MEDIATOR,
    MEDIATOR_2,
    OTHER_TOWN,
    SFS,
    SFS_ELSEWHERE,
    SQUAD,
    TOWN,
    person,
)
from sqlalchemy import select

from platforms import dispatch, org, routing
from platforms.graphql.dispatch import GridEvent as ApiGridEvent
from platforms.models import Callback
from servicekit.app import Context
from servicekit.errors import BadInput, Forbidden, NotFound, RuleViolation
from servicekit.principal import Role

HEAD = person(Role.AGENCY_HEAD, SFS)


async def _report(session, matter="NEIGHBOUR_DISPUTE", grid_id=None, who=GRID):
    event, _ = await dispatch.report(
        session,
        who,
        township_id=TOWN,
        matter_type=matter,
        priority="NORMAL",
        description="事件描述",
        location=None,
        grid_id=grid_id,
    )
    return event


def test_recommendation_prefers_post_then_grid_then_line_and_ignores_input_order():
    a, b, c = (uuid.UUID(int=i) for i in (11, 12, 13))
    unit = uuid.UUID(int=300)
    cands = [
        routing.Candidate(a, unit, "甲", "人民调解", 0, holds_post=False, in_grid=False),
        routing.Candidate(b, unit, "乙", "人民调解", 5, holds_post=False, in_grid=True),
        routing.Candidate(c, unit, "丙", "人民调解", 9, holds_post=True, in_grid=False),
    ]
    assert routing.recommend("人民调解", cands, []).reason == "POST"
    assert routing.recommend("人民调解", list(reversed(cands)), []).cadre_id == c
    assert routing.recommend("人民调解", cands[:2], []).reason == "GRID_LINE"
    assert routing.recommend("人民调解", cands[:1], []).reason == "LINE"
    off_line = [routing.Candidate(a, unit, "甲", "城市管理", 0, holds_post=True, in_grid=True)]
    assert routing.recommend("人民调解", off_line, [unit]).reason == "POST_UNIT"
    assert routing.recommend("人民调解", off_line, []).reason == "NONE"


async def test_the_recommendation_is_stored_with_its_reason_at_acceptance(session):
    grid = await org.create_grid(session, ADMIN, township_id=TOWN, code="G1", name="一网格", village=None)
    await org.add_member(session, ADMIN, grid_id=grid.id, kind="CADRE", cadre_id=MEDIATOR_2, name=None, duty="MEMBER")
    event = await _report(session, grid_id=grid.id)
    await dispatch.act(session, CENTRE, event_id=event.id, action="accept")
    assert (event.recommendation_reason, event.recommended_cadre_id, event.recommended_unit_id) == (
        "GRID_LINE",
        MEDIATOR_2,
        SFS,
    )
    post = await org.create_post(session, ADMIN, unit_id=SFS, name="调解岗")
    await org.set_duties(session, ADMIN, post_id=post.id, duties=[("NEIGHBOUR_DISPUTE", None)])
    await org.set_holders(session, ADMIN, post_id=post.id, cadre_ids=[MEDIATOR])
    second = await _report(session, grid_id=grid.id)
    await dispatch.act(session, CENTRE, event_id=second.id, action="accept")
    assert (second.recommendation_reason, second.recommended_cadre_id) == ("POST", MEDIATOR)
    assert "持有该事项岗位" in second.recommendation_note
    nobody = await _report(session, matter="POLLUTION")
    await dispatch.act(session, CENTRE, event_id=nobody.id, action="accept")
    assert (nobody.recommendation_reason, nobody.recommended_cadre_id) == ("NONE", None)


async def test_dispatch_to_a_unit_with_assisting_units_then_the_head_assigns_within_it(session):
    event = await _report(session)
    await dispatch.act(session, CENTRE, event_id=event.id, action="accept")
    await dispatch.act(
        session, CENTRE, event_id=event.id, action="dispatch", lead_unit_id=SFS, assisting_unit_ids=[SQUAD]
    )
    assert (event.lead_unit_id, event.assisting_unit_ids, event.assignee_cadre_id) == (SFS, [SQUAD], None)
    with pytest.raises(NotFound):  # the head of another unit (an assisting one) does not lead it
        await dispatch.act(
            session, person(Role.AGENCY_HEAD, SQUAD), event_id=event.id, action="assign", assignee_cadre_id=CITY_OFFICER
        )
    with pytest.raises(RuleViolation) as err:
        await dispatch.act(
            session, HEAD, event_id=event.id, action="assign", assignee_cadre_id=CITY_OFFICER, reason="人手不足"
        )
    assert err.value.rule == "ASSIGNEE_NOT_IN_UNIT"
    await dispatch.act(session, HEAD, event_id=event.id, action="assign", assignee_cadre_id=MEDIATOR)
    assert (event.state, event.assignee_cadre_id) == ("DISPATCHED", MEDIATOR)
    # The head may sign for the unit; the assigned cadre handles it.
    await dispatch.act(session, HEAD, event_id=event.id, action="sign")
    await dispatch.act(session, person(Role.CADRE, MEDIATOR), event_id=event.id, action="start")
    await dispatch.act(session, HEAD, event_id=event.id, action="assign", assignee_cadre_id=MEDIATOR_2)
    assert (event.state, event.assignee_cadre_id) == ("IN_PROGRESS", MEDIATOR_2)
    with pytest.raises(NotFound):  # no longer theirs: out of their sight altogether
        await dispatch.act(session, person(Role.CADRE, MEDIATOR), event_id=event.id, action="feedback")


async def test_rule_unit_not_in_township(session):
    event = await _report(session)
    await dispatch.act(session, CENTRE, event_id=event.id, action="accept")
    with pytest.raises(RuleViolation) as err:
        await dispatch.act(session, CENTRE, event_id=event.id, action="dispatch", lead_unit_id=SFS_ELSEWHERE)
    assert err.value.rule == "UNIT_NOT_IN_TOWNSHIP"
    with pytest.raises(RuleViolation) as err:
        await dispatch.act(
            session, CENTRE, event_id=event.id, action="dispatch", lead_unit_id=SFS, assisting_unit_ids=[SFS_ELSEWHERE]
        )
    assert err.value.rule == "UNIT_NOT_IN_TOWNSHIP"
    with pytest.raises(BadInput):
        await dispatch.act(session, CENTRE, event_id=event.id, action="dispatch")
    assert (event.state, event.lead_unit_id) == ("ACCEPTED", None)


async def _to_feedback(session, who=CENTRE):
    event, _ = await dispatch.report(
        session,
        who,
        township_id=TOWN,
        matter_type="NEIGHBOUR_DISPUTE",
        priority="NORMAL",
        description="热线来电: 邻里纠纷",
        location=None,
    )
    await dispatch.act(session, CENTRE, event_id=event.id, action="accept")
    await dispatch.act(session, CENTRE, event_id=event.id, action="dispatch", assignee_cadre_id=MEDIATOR)
    for action in ("sign", "start", "feedback"):
        await dispatch.act(session, person(Role.CADRE, MEDIATOR), event_id=event.id, action=action)
    return event


async def test_rule_callback_required_for_hotline_events(session):
    event = await _to_feedback(session)
    assert event.source == "HOTLINE"
    with pytest.raises(RuleViolation) as err:
        await dispatch.act(session, CENTRE, event_id=event.id, action="verify_pass", closing_reason="RESOLVED")
    assert err.value.rule == "CALLBACK_REQUIRED" and event.state == "FEEDBACK"
    with pytest.raises(BadInput):
        await dispatch.act(
            session,
            CENTRE,
            event_id=event.id,
            action="verify_pass",
            closing_reason="RESOLVED",
            callback=dispatch.CallbackInput(reached=True, satisfaction="VERY_HAPPY"),
        )
    await dispatch.act(
        session,
        CENTRE,
        event_id=event.id,
        action="verify_pass",
        closing_reason="RESOLVED",
        callback=dispatch.CallbackInput(reached=True, satisfaction="SATISFIED", note="已调解"),
    )
    assert event.state == "CLOSED" and event.closed_at is not None
    rows = (await session.scalars(select(Callback).where(Callback.event_id == event.id))).all()
    assert [(c.reached, c.satisfaction) for c in rows] == [(True, "SATISFIED")]


async def test_duplicates_are_suggested_and_the_reporter_learns_the_outcome(session):
    original = await _to_feedback(session)
    copy = await _report(session)
    elsewhere, _ = await dispatch.report(
        session,
        person(Role.GRID_WORKER, OTHER_TOWN),
        township_id=OTHER_TOWN,
        matter_type="NEIGHBOUR_DISPUTE",
        priority="NORMAL",
        description="x",
        location=None,
    )
    other_kind = await _report(session, matter="POLLUTION")
    candidates = await dispatch.duplicate_candidates(session, CENTRE, event_id=copy.id)
    assert [c.id for c in candidates] == [original.id]
    assert elsewhere.id not in [c.id for c in candidates] and other_kind.id not in [c.id for c in candidates]
    with pytest.raises(Forbidden):
        await dispatch.duplicate_candidates(session, GRID, event_id=copy.id)
    with pytest.raises(BadInput):
        await dispatch.duplicate_candidates(session, CENTRE, event_id=copy.id, window_hours=0)
    await dispatch.act(session, CENTRE, event_id=copy.id, action="mark_duplicate", duplicate_of=original.id)
    await dispatch.act(
        session,
        CENTRE,
        event_id=original.id,
        action="verify_pass",
        closing_reason="RESOLVED",
        callback=dispatch.CallbackInput(reached=False),
    )
    # The grid worker who reported the copy reads it, and through the API's originalOutcome field
    # (its resolver, on this session) the original's outcome.
    mine = await dispatch.get_event(session, GRID, copy.id)
    info = SimpleNamespace(
        context=Context(request=None, principal=GRID, settings=None, sessionmaker=None, _session=session)
    )
    outcome = await ApiGridEvent.of(mine).original_outcome(info)
    assert (outcome.event_id, outcome.state, outcome.closing_reason) == (str(original.id), "CLOSED", "RESOLVED")
    assert outcome.closed_at is not None
    assert await ApiGridEvent.of(original).original_outcome(info) is None  # an original has none


async def test_rule_callback_before_feedback(session):
    event = await _report(session)
    with pytest.raises(RuleViolation) as err:
        await dispatch.record_callback(
            session, CENTRE, event_id=event.id, callback=dispatch.CallbackInput(reached=False)
        )
    assert err.value.rule == "CALLBACK_BEFORE_FEEDBACK"
    assert (await session.scalars(select(Callback).where(Callback.event_id == event.id))).all() == []
