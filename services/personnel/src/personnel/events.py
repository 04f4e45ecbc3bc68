"""Domain events personnel publishes through its outbox, so other services keep projections."""

from __future__ import annotations

from .models import Cadre

CADRE_STATIONED = "cadre.stationed"  # 派驻到岗
CADRE_UPDATED = "cadre.updated"
CADRE_LEFT = "cadre.left"
CADRE_MOVED = "cadre.moved"  # 调整到另一派驻机构
AGENCY_HEAD_CHANGED = "agency.head_changed"
QUOTA_CHANGED = "quota.changed"
# A quota change request was made or decided (编办's 待办 while PENDING).
QUOTA_REQUEST_CHANGED = "quota.request_changed"
REGION_CREATED = "region.created"  # 片区: townships grouped for regional agencies
REMINDER_ISSUED = "reminder.issued"  # 提醒告知单 sent to a department with vacancies
REMINDER_ANSWERED = "reminder.answered"  # the department answered with its plan
REMINDER_CLOSED = "reminder.closed"  # the places are filled: the notice is closed
# An adjustment batch moved a step: who must act on it now (组织部, a township, the three parties,
# the department to make it effective), or nobody (rejected, effective).
ADJUSTMENT_BATCH_CHANGED = "adjustment.batch_changed"
# Decisions one party waits for (the waiting party's 待办 while the status is open): a township's
# recommendation to dismiss or transfer (the department decides), a career recommendation (组织部
# decides), a middle-post proposal (the department consents). Ids, status and scopes only.
TOWNSHIP_RECOMMENDATION_CHANGED = "township_recommendation.changed"
CAREER_RECOMMENDATION_CHANGED = "career_recommendation.changed"
MIDDLE_POST_CHANGED = "middle_post.changed"
UNIT_UPSERTED = "unit.upserted"  # a department, township or agency and its name, for other services' labels


def unit_payload(kind: str, row) -> dict:
    payload = {"id": str(row.id), "kind": kind, "name": row.name}
    if kind == "AGENCY":  # the platform service seats agencies on its platforms and routes to them
        payload.update(
            township_id=str(row.township_id),
            department_id=str(row.department_id),
            head_cadre_id=str(row.head_cadre_id) if row.head_cadre_id else None,
        )
    return payload


def cadre_payload(cadre: Cadre) -> dict:
    return {
        "cadre_id": str(cadre.id),
        "name": cadre.name,
        "department_id": str(cadre.department_id),
        "township_id": str(cadre.township_id),
        "agency_id": str(cadre.agency_id),
        "professional_line": cadre.professional_line,
        "is_enforcement": cadre.is_enforcement,
        "status": cadre.status,
        "posted_on": cadre.posted_on.isoformat(),
    }
