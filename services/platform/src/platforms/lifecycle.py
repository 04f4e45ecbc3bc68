"""The grid-event lifecycle as one explicit transition table (Dispatch's habit: one place keyed by
(from, to)). Plain data and functions; the service layer checks who may act and writes the history.

reported → accepted (or refused) → dispatched → signed → in progress → feedback → closed when
verification passes (back to in progress when it fails, with a new handling time limit: 重办); a
unit may return a dispatched event to the command centre; the head of the lead unit may assign a
person within the unit while it is being handled; a closed event may be reopened; a reported
event may be marked a duplicate.
Anything else is ``ILLEGAL_TRANSITION``.
"""

from __future__ import annotations

from dataclasses import dataclass

REPORTED, ACCEPTED, REFUSED, DUPLICATE = "REPORTED", "ACCEPTED", "REFUSED", "DUPLICATE"
DISPATCHED, RETURNED, SIGNED, IN_PROGRESS = "DISPATCHED", "RETURNED", "SIGNED", "IN_PROGRESS"
FEEDBACK, CLOSED, REOPENED = "FEEDBACK", "CLOSED", "REOPENED"
STATES = (REPORTED, ACCEPTED, REFUSED, DUPLICATE, DISPATCHED, RETURNED, SIGNED, IN_PROGRESS, FEEDBACK, CLOSED, REOPENED)

# Who acts: the command centre (COMMAND_CENTRE / TOWNSHIP_ADMIN of the township); the handler (the
# assigned cadre, or the head of the lead unit acting for it); the head of the lead unit alone.
CENTRE, ASSIGNEE, UNIT_HEAD = "CENTRE", "ASSIGNEE", "UNIT_HEAD"

# The clock that runs in each state (see ``sla``): signing for, handling up to feedback, verifying.
PHASE_OF = {DISPATCHED: "SIGN", SIGNED: "HANDLE", IN_PROGRESS: "HANDLE", FEEDBACK: "VERIFY"}


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    actor: str
    needs_reason: bool = False


TRANSITIONS = {
    t.action + ":" + t.source: t
    for t in (
        Transition("accept", REPORTED, ACCEPTED, CENTRE),
        Transition("refuse", REPORTED, REFUSED, CENTRE, needs_reason=True),
        Transition("mark_duplicate", REPORTED, DUPLICATE, CENTRE),
        Transition("dispatch", ACCEPTED, DISPATCHED, CENTRE),
        Transition("dispatch", RETURNED, DISPATCHED, CENTRE),
        Transition("dispatch", REOPENED, DISPATCHED, CENTRE),
        Transition("return", DISPATCHED, RETURNED, ASSIGNEE, needs_reason=True),
        # 单位内指派: the head of the lead unit names (or changes) the person; the state does not change.
        Transition("assign", DISPATCHED, DISPATCHED, UNIT_HEAD),
        Transition("assign", SIGNED, SIGNED, UNIT_HEAD),
        Transition("assign", IN_PROGRESS, IN_PROGRESS, UNIT_HEAD),
        Transition("sign", DISPATCHED, SIGNED, ASSIGNEE),
        Transition("start", SIGNED, IN_PROGRESS, ASSIGNEE),
        Transition("feedback", IN_PROGRESS, FEEDBACK, ASSIGNEE),
        Transition("verify_pass", FEEDBACK, CLOSED, CENTRE),
        Transition("verify_fail", FEEDBACK, IN_PROGRESS, CENTRE, needs_reason=True),
        Transition("reopen", CLOSED, REOPENED, CENTRE, needs_reason=True),
    )
}

PRIORITIES = ("URGENT", "HIGH", "NORMAL")
SATISFACTION = ("SATISFIED", "BASIC", "UNSATISFIED")  # 满意 / 基本满意 / 不满意
CLOSING_REASONS = ("RESOLVED", "NOT_WITHIN_REMIT", "NO_CASE_FOUND", "MERGED")  # 办结 / 非职责范围 / 查无实据 / 合并办理


class IllegalTransition(ValueError):
    def __init__(self, action: str, state: str):
        self.action, self.state = action, state
        super().__init__(f"{action} is not allowed from {state}")


def transition(action: str, state: str) -> Transition:
    t = TRANSITIONS.get(f"{action}:{state}")
    if t is None:
        raise IllegalTransition(action, state)
    return t


def actions_from(state: str) -> list[str]:
    return sorted(t.action for t in TRANSITIONS.values() if t.source == state)
