"""The grid-event transition table: every legal path works, everything else is illegal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from platforms import lifecycle as lc

HAPPY_PATH = ["accept", "dispatch", "sign", "start", "feedback", "verify_pass"]


def test_the_happy_path_ends_closed():
    state = lc.REPORTED
    for action in HAPPY_PATH:
        state = lc.transition(action, state).target
    assert state == lc.CLOSED


def test_a_failed_verification_goes_back_to_work_and_a_return_goes_back_to_the_centre():
    assert lc.transition("verify_fail", lc.FEEDBACK).target == lc.IN_PROGRESS
    assert lc.transition("return", lc.DISPATCHED).target == lc.RETURNED
    assert lc.transition("dispatch", lc.RETURNED).target == lc.DISPATCHED
    assert lc.transition("reopen", lc.CLOSED).target == lc.REOPENED


@pytest.mark.parametrize("action, state", [("sign", lc.REPORTED), ("verify_pass", lc.IN_PROGRESS),
                                           ("dispatch", lc.CLOSED), ("feedback", lc.SIGNED), ("accept", lc.REFUSED)])
def test_rule_illegal_transition(action, state):
    with pytest.raises(lc.IllegalTransition):
        lc.transition(action, state)


def test_terminal_states_only_leave_by_reopening():
    assert lc.actions_from(lc.REFUSED) == [] and lc.actions_from(lc.DUPLICATE) == []
    assert lc.actions_from(lc.CLOSED) == ["reopen"]


@given(st.lists(st.sampled_from(sorted({t.action for t in lc.TRANSITIONS.values()})), max_size=30))
def test_any_sequence_of_actions_stays_inside_the_table(actions):
    state = lc.REPORTED
    for action in actions:
        try:
            t = lc.transition(action, state)
        except lc.IllegalTransition:
            continue
        assert (t.source, t.target) in {(x.source, x.target) for x in lc.TRANSITIONS.values()}
        state = t.target
    assert state in lc.STATES


def test_every_state_but_the_start_is_reachable():
    reachable, frontier = {lc.REPORTED}, [lc.REPORTED]
    while frontier:
        s = frontier.pop()
        for t in lc.TRANSITIONS.values():
            if t.source == s and t.target not in reachable:
                reachable.add(t.target)
                frontier.append(t.target)
    assert reachable == set(lc.STATES)


def test_every_lifecycle_state_is_an_api_enum_value_and_back():
    """GridEvent.state is an enum in the API; it must name exactly the states of the table."""
    from platforms.gql_dispatch import EventState

    assert {s.value for s in EventState} == set(lc.STATES)
