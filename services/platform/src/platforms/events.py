"""Domain events the platform service publishes through its outbox (``GET /events``)."""

from __future__ import annotations

EVENT_REPORTED = "event.reported"  # a grid event came in (上报)


def event_action(action: str) -> str:
    """Each lifecycle step: ``event.accept``, ``event.dispatch``, … (the action's name)."""
    return f"event.{action}"


def event_alert(kind: str) -> str:
    """A deadline alert: ``event.warning``, ``event.overdue``, ``event.escalation`` (督办)."""
    return f"event.{kind.lower()}"


TASK_CLOSED = "task.closed"  # a task closed, with who handled it (for the cadre's record)
CADRE_MONTHLY_SUMMARY = "cadre.monthly_summary"  # per cadre and month: the assessment's evidence
TOWNSHIP_WORKLOAD = "township.workload"  # per township and month: the quota model's workload factor
