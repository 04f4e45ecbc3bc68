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


@pytest.mark.parametrize(
    "action, state",
    [
        ("sign", lc.REPORTED),
        ("verify_pass", lc.IN_PROGRESS),
        ("dispatch", lc.CLOSED),
        ("feedback", lc.SIGNED),
        ("accept", lc.REFUSED),
    ],
)
def test_rule_illegal_transition(action, state):
    with pytest.raises(lc.IllegalTransition):
        lc.transition(action, state)


def test_rule_illegal_transition_names_the_action_and_the_state():
    with pytest.raises(lc.IllegalTransition) as err:
        lc.transition("sign", lc.REPORTED)
    assert (err.value.action, err.value.state) == ("sign", "REPORTED")
    assert str(err.value) == "sign is not allowed from REPORTED"


def test_terminal_states_only_leave_by_reopening():
    assert lc.actions_from(lc.REFUSED) == [] and lc.actions_from(lc.DUPLICATE) == []
    assert lc.actions_from(lc.CLOSED) == ["reopen"]


# The lifecycle as the report describes it, written out independently of the module: (action, from)
# → (to, who acts, needs a reason). The table in ``lifecycle`` must be exactly this.
SPEC = {
    ("accept", "REPORTED"): ("ACCEPTED", "CENTRE", False),
    ("refuse", "REPORTED"): ("REFUSED", "CENTRE", True),
    ("mark_duplicate", "REPORTED"): ("DUPLICATE", "CENTRE", False),
    ("dispatch", "ACCEPTED"): ("DISPATCHED", "CENTRE", False),
    ("dispatch", "RETURNED"): ("DISPATCHED", "CENTRE", False),
    ("dispatch", "REOPENED"): ("DISPATCHED", "CENTRE", False),
    ("return", "DISPATCHED"): ("RETURNED", "ASSIGNEE", True),
    ("assign", "DISPATCHED"): ("DISPATCHED", "UNIT_HEAD", False),
    ("assign", "SIGNED"): ("SIGNED", "UNIT_HEAD", False),
    ("assign", "IN_PROGRESS"): ("IN_PROGRESS", "UNIT_HEAD", False),
    ("sign", "DISPATCHED"): ("SIGNED", "ASSIGNEE", False),
    ("start", "SIGNED"): ("IN_PROGRESS", "ASSIGNEE", False),
    ("feedback", "IN_PROGRESS"): ("FEEDBACK", "ASSIGNEE", False),
    ("verify_pass", "FEEDBACK"): ("CLOSED", "CENTRE", False),
    ("verify_fail", "FEEDBACK"): ("IN_PROGRESS", "CENTRE", True),
    ("reopen", "CLOSED"): ("REOPENED", "CENTRE", True),
}
ACTIONS = sorted({a for a, _ in SPEC})


def test_the_transition_table_is_exactly_the_specification():
    table = {(t.action, t.source): (t.target, t.actor, t.needs_reason) for t in lc.TRANSITIONS.values()}
    assert table == SPEC


@given(st.lists(st.sampled_from(ACTIONS), max_size=30))
def test_any_sequence_of_actions_moves_as_the_specification_says(actions):
    """Every action either moves the event where the specification says, or is refused when the
    specification has no such move from the current state — never anything in between."""
    state = lc.REPORTED
    for action in actions:
        expected = SPEC.get((action, state))
        if expected is None:
            with pytest.raises(lc.IllegalTransition):
                lc.transition(action, state)
            continue
        assert lc.transition(action, state).target == expected[0]
        state = expected[0]


@pytest.mark.parametrize("state", lc.STATES)
def test_the_actions_offered_from_each_state_are_the_specified_ones(state):
    assert lc.actions_from(state) == sorted(a for a, s in SPEC if s == state)


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
    from platforms.graphql.dispatch import EventState

    assert {s.value for s in EventState} == set(lc.STATES)
