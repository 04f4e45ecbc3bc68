"""Events the notifications service consumes: the platform's grid-event lifecycle (each step opens
the next actor's item and closes the last) and SLA alerts; personnel's reminder notices, adjustment
batches, quota requests and the decisions of dual management; assessment's flows, cycles,
objections, honours and review meetings; identity's people, addresses and role bindings."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert

from servicekit.feed import FeedConsumer
from servicekit.principal import Role, ScopeKind

from . import deliveries, inbox
from .models import Recipient, RecipientBinding

# The platform's lifecycle actions (platforms.lifecycle) and the report itself.
GRID_ACTIONS = (
    "accept",
    "refuse",
    "mark_duplicate",
    "dispatch",
    "return",
    "assign",
    "sign",
    "start",
    "feedback",
    "verify_pass",
    "verify_fail",
    "reopen",
)
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _end_of(day: str) -> dt.datetime:
    """A deadline's day ends at 23:59 in Asia/Shanghai."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(23, 59), SHANGHAI)


# The channels each new item is queued for (consumers() sets them from the settings).
CHANNELS: list[str] = []


async def _advance(session, event: dict, **kw) -> None:
    opened = await inbox.advance(session, event, **kw)
    await deliveries.enqueue(session, opened, CHANNELS)


async def apply_grid_event(session, event: dict) -> None:
    p = event["payload"]
    if event["type"] == "event.reported":
        p = {**p, "state": "REPORTED"}
    detail = p.get("matter_type") or ""
    await _advance(
        session,
        event,
        source=inbox.GRID_EVENT,
        steps=inbox.grid_event_steps(p),
        title_detail=detail,
        link=f"/dispatch?event={event['aggregate_id']}",
    )


async def apply_alert(session, event: dict) -> None:
    """SLA warning, overdue, 督办: urgent items for whoever must act now; 督办 also for the township."""
    p = event["payload"]
    also = (
        [inbox.Step("EVENT_ESCALATED", Role.TOWNSHIP_ADMIN, ScopeKind.TOWNSHIP, p["township_id"])]
        if event["type"] == "event.escalation"
        else []
    )
    opened = await inbox.alert(
        session,
        event,
        source=inbox.GRID_EVENT,
        kind=inbox.ALERTS[event["type"]],
        link=f"/dispatch?event={event['aggregate_id']}",
        also=also,
    )
    await deliveries.enqueue(session, opened, CHANNELS)


async def apply_reminder(session, event: dict) -> None:
    """提醒告知单: the department answers with a plan by the deadline; answering or filling closes it."""
    p = event["payload"]
    steps = []
    if event["type"] == "reminder.issued":
        deadline = _end_of(p["deadline"])
        steps = [
            inbox.Step("REMINDER_TO_ANSWER", Role.DEPARTMENT_ADMIN, ScopeKind.DEPARTMENT, p["department_id"], deadline)
        ]
    await _advance(
        session,
        event,
        source=inbox.REMINDER,
        steps=steps,
        title_detail=f"缺额 {p['vacancies']} 人，{p['deadline']} 前" if steps else "",
        link="/overview",
    )


KIND_NAMES = {"IN": "调入", "OUT": "调出", "TRANSFER": "调动", "HEAD_CHANGE": "负责人调整"}


async def apply_adjustment(session, event: dict) -> None:
    """人事调整: each step of the approval chain waits for its party; approval, for the department."""
    p = event["payload"]
    effective = _end_of(p["effective_date"])
    await _advance(
        session,
        event,
        source=inbox.ADJUSTMENT,
        steps=inbox.adjustment_steps(p, effective),
        title_detail="、".join(KIND_NAMES.get(k, k) for k in p.get("kinds", [])) + f"，{p['effective_date']} 生效",
        link=f"/quota?batch={event['aggregate_id']}",
    )


async def apply_objection(session, event: dict) -> None:
    """公示异议: 组织部 answers each before the cycle is approved; answering closes it."""
    p = event["payload"]
    steps = []
    if event["type"] == "objection.filed":
        due = _end_of(p["deadline"])
        steps = [inbox.Step("OBJECTION_TO_RESOLVE", Role.ORG_DEPARTMENT, ScopeKind.COUNTY, None, due)]
    await _advance(session, event, source=inbox.OBJECTION, steps=steps, link=f"/assessment?cycle={p['cycle_id']}")


async def apply_contact(session, event: dict) -> None:
    """identity's ``user.contact``: the address mail goes to, and whether the account is active."""
    p = event["payload"]
    stmt = insert(Recipient).values(
        user_id=p["user_id"],
        email=p.get("email"),
        dingtalk_user_id=p.get("dingtalk_user_id"),
        wecom_user_id=p.get("wecom_user_id"),
        active=p.get("active", True),
    )
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[Recipient.user_id],
            set_={k: stmt.excluded[k] for k in ("email", "dingtalk_user_id", "wecom_user_id", "active")},
        )
    )
    await session.flush()
    await deliveries.enqueue_for_user(session, p["user_id"], CHANNELS)


async def apply_binding(session, event: dict) -> None:
    """identity's ``role.granted`` / ``role.revoked``: who holds which role binding now."""
    p = event["payload"]
    if event["type"] == "role.revoked":
        await session.execute(delete(RecipientBinding).where(RecipientBinding.binding_id == p["binding_id"]))
        return
    stmt = insert(RecipientBinding).values(
        binding_id=p["binding_id"],
        user_id=p["user_id"],
        role=p["role"],
        scope_kind=p["scope_kind"],
        scope_id=p["scope_id"],
    )
    await session.execute(stmt.on_conflict_do_nothing(index_elements=[RecipientBinding.binding_id]))
    await deliveries.enqueue_for_user(session, p["user_id"], CHANNELS)


async def apply_quota_request(session, event: dict) -> None:
    """员额调整须经编办审批: a pending request waits for the staffing office; the decision closes it."""
    p = event["payload"]
    steps = (
        [inbox.Step("QUOTA_REQUEST_TO_DECIDE", Role.STAFFING_OFFICE, ScopeKind.COUNTY, None)]
        if p["status"] == "PENDING"
        else []
    )
    await _advance(
        session,
        event,
        source=inbox.QUOTA_REQUEST,
        steps=steps,
        title_detail=f"下沉员额 {p['old_total']} → {p['new_total']}",
        link="/quota",
    )


def _decision(source: str, open_status: str, kind: str, role: Role, scope: str | None, link: str):
    """A decision one party waits for while the source's status is ``open_status`` (its deciding closes it)."""

    async def apply(session, event: dict) -> None:
        p = event["payload"]
        scope_kind = {Role.DEPARTMENT_ADMIN: ScopeKind.DEPARTMENT, Role.TOWNSHIP_ADMIN: ScopeKind.TOWNSHIP}.get(
            role, ScopeKind.COUNTY
        )
        steps = [inbox.Step(kind, role, scope_kind, p[scope] if scope else None)] if p["status"] == open_status else []
        await _advance(session, event, source=source, steps=steps, link=link)

    apply.__doc__ = f"{inbox.KINDS[kind]}: open while {open_status}."
    return apply


# 双重管理's decisions in personnel: the township recommends, the department decides; either side
# recommends for promotion, 组织部 decides; the township proposes a middle post, the department consents.
apply_township_recommendation = _decision(
    inbox.TOWNSHIP_RECOMMENDATION,
    "PENDING",
    "TOWNSHIP_RECOMMENDATION_TO_DECIDE",
    Role.DEPARTMENT_ADMIN,
    "department_id",
    "/roster",
)
apply_career_recommendation = _decision(
    inbox.CAREER_RECOMMENDATION, "PENDING", "CAREER_RECOMMENDATION_TO_DECIDE", Role.ORG_DEPARTMENT, None, "/roster"
)
apply_middle_post = _decision(
    inbox.MIDDLE_POST, "PROPOSED", "MIDDLE_POST_TO_CONSENT", Role.DEPARTMENT_ADMIN, "department_id", "/roster"
)
apply_honour = _decision(inbox.HONOUR, "NOMINATED", "HONOUR_TO_DECIDE", Role.ORG_DEPARTMENT, None, "/assessment")


def _period(period: str) -> str:
    return f"{period} 年度" if period.isdigit() else period


async def apply_flow(session, event: dict) -> None:
    """A department's excellence flow: each side's scores, the shortlist, round 1, each township's round 2."""
    p = event["payload"]
    await _advance(
        session,
        event,
        source=inbox.FLOW,
        steps=inbox.waiting_steps(p, inbox.FLOW_STEPS),
        title_detail=_period(p["period"]),
        link=f"/assessment?cycle={p['cycle_id']}",
    )


async def apply_cycle(session, event: dict) -> None:
    """A cycle: 组织部 publishes, then approves after the window; during 公示 each assessed cadre is told."""
    p = event["payload"]
    deadline = p.get("objection_deadline")
    steps = inbox.waiting_steps(
        p,
        inbox.CYCLE_STEPS,
        {"CYCLE_TO_APPROVE": _end_of(deadline) + dt.timedelta(days=1)} if deadline else None,
    )
    steps += [
        inbox.Step("RESULTS_PUBLISHED", Role.CADRE, ScopeKind.SELF, c, _end_of(deadline), link="/me")
        for c in p.get("cadre_ids", [])
    ]
    await _advance(
        session,
        event,
        source=inbox.CYCLE,
        steps=steps,
        title_detail=_period(p["period"]),
        link=f"/assessment?cycle={p['cycle_id']}",
    )


async def apply_review_meeting(session, event: dict) -> None:
    """述职评议会 (双述职): while open, every participant scores and each agency head reports."""
    p = event["payload"]
    steps = []
    if p["status"] == "OPEN":
        due = _end_of(p["held_on"])
        county = [Role.ORG_DEPARTMENT, Role.STAFFING_OFFICE, Role.LEADERSHIP]
        steps = [inbox.Step("REVIEW_TO_SCORE", r, ScopeKind.COUNTY, None, due) for r in county]
        steps += [
            inbox.Step("REVIEW_TO_SCORE", Role.TOWNSHIP_ADMIN, ScopeKind.TOWNSHIP, t, due) for t in p["townships"]
        ]
        steps += [
            inbox.Step("REVIEW_TO_SCORE", Role.DEPARTMENT_ADMIN, ScopeKind.DEPARTMENT, d, due) for d in p["departments"]
        ]
        steps += [
            inbox.Step("REVIEW_TO_REPORT", Role.AGENCY_HEAD, ScopeKind.AGENCY, a, due, link="/roster")
            for a in p["agencies"]
        ]
    await _advance(
        session,
        event,
        source=inbox.REVIEW_MEETING,
        steps=steps,
        title_detail=f"{p['held_on']} 召开",
        link="/assessment",
    )


def consumers(runtime) -> list[FeedConsumer]:
    s = runtime.settings
    CHANNELS[:] = deliveries.channels(s)
    deliveries.QUIET = deliveries.quiet_hours(s.notify_quiet_hours)
    deliveries.DIGEST_AT = dt.time.fromisoformat(s.notify_digest_at)
    return [
        FeedConsumer.following(
            runtime,
            name="platform",
            base_url=s.platform_url,
            handlers={
                "event.reported": apply_grid_event,
                **{f"event.{a}": apply_grid_event for a in GRID_ACTIONS},
                **{t: apply_alert for t in inbox.ALERTS},
            },
        ),
        FeedConsumer.following(
            runtime,
            name="personnel",
            base_url=s.personnel_url,
            handlers={
                "reminder.issued": apply_reminder,
                "reminder.answered": apply_reminder,
                "reminder.closed": apply_reminder,
                "adjustment.batch_changed": apply_adjustment,
                "quota.request_changed": apply_quota_request,
                "township_recommendation.changed": apply_township_recommendation,
                "career_recommendation.changed": apply_career_recommendation,
                "middle_post.changed": apply_middle_post,
            },
        ),
        FeedConsumer.following(
            runtime,
            name="assessment",
            base_url=s.assessment_url,
            handlers={
                "objection.filed": apply_objection,
                "objection.resolved": apply_objection,
                "assessment.flow_changed": apply_flow,
                "assessment.cycle_changed": apply_cycle,
                "honour.changed": apply_honour,
                "review.meeting_changed": apply_review_meeting,
            },
        ),
        FeedConsumer.following(
            runtime,
            name="identity",
            base_url=s.identity_url,
            handlers={"user.contact": apply_contact, "role.granted": apply_binding, "role.revoked": apply_binding},
        ),
    ]
