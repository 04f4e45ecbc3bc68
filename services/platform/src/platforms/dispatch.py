"""Event intake and handling (指挥室): report (idempotent for department systems), then every state
change through the lifecycle table, with routing, 专业人做专业事, clocks and call-backs.

Rules: ``ILLEGAL_TRANSITION``, ``REASON_REQUIRED``, ``OUTSIDE_PROFESSIONAL_LINE`` (dispatching or
assigning to a stationed cadre outside the matter's line needs an override reason, recorded and
visible to the cadre's department), ``ASSIGNEE_NOT_IN_TOWNSHIP``, ``ASSIGNEE_NOT_IN_UNIT`` (a person
is assigned within the lead unit: an agency's own cadre, or a holder of one of the office's posts),
``UNIT_NOT_IN_TOWNSHIP``, ``CLOSING_REASON_REQUIRED``, ``CALLBACK_REQUIRED`` (a hotline event is
closed only after the reporter was called back: 回访), ``CALLBACK_BEFORE_FEEDBACK``.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from sqlalchemy import func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import audit, outbox
from servicekit import visibility as vis
from servicekit.errors import BadInput, Forbidden, NotFound, RuleViolation
from servicekit.pagination import decode_key, make_page, page_size
from servicekit.principal import Principal, Role

from . import deadlines, events, policy, routing
from . import lifecycle as lc
from .models import (
    Callback,
    EventTransition,
    Grid,
    GridEvent,
    GridMember,
    MatterType,
    Post,
    PostDuty,
    PostHolder,
    StationedCadre,
    Unit,
)

PRIORITIES = lc.PRIORITIES
# 真沉真下: work goes to people really working in the township — not to the seconded or on leave,
# who still hold their post (personnel counts them 实有) but are not 在岗.
ACTIVE = ("IN_POST",)
AWAY = ("SECONDED", "ON_LEAVE")
OPEN_STATES = (lc.DISPATCHED, lc.SIGNED, lc.IN_PROGRESS, lc.FEEDBACK)
MAX_ATTACHMENTS = 20
MAX_TEXT = 2000
# Attachments are uploaded to the county's object store first; an event only keeps the reference.
# Anything else (http://, javascript:, file:) would turn the dispatch board into a link to anywhere.
ATTACHMENT_REF = re.compile(r"^(oss|s3)://[A-Za-z0-9][A-Za-z0-9._-]{0,62}/[^\s]{1,400}$")


def allowed_buckets() -> set[str]:
    """The county's object-store buckets an attachment may point into (``ATTACHMENT_BUCKETS``)."""
    from .config import get_settings

    return {b.strip() for b in get_settings().attachment_buckets.split(",") if b.strip()}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _clean_attachments(items: list[dict] | None) -> list[dict]:
    items = items or []
    if len(items) > MAX_ATTACHMENTS:
        raise BadInput(f"附件不能超过 {MAX_ATTACHMENTS} 个")
    buckets = allowed_buckets() if items else set()
    out = []
    for a in items:
        name, ref = (a.get("name") or "").strip(), (a.get("ref") or "").strip()
        size = a.get("size")
        if not name or not ref or len(name) > 200 or len(ref) > 500:
            raise BadInput("附件须有名称和存储引用")
        if not ATTACHMENT_REF.match(ref):
            raise BadInput(
                "附件引用须为对象存储地址 (oss://桶/路径 或 s3://桶/路径)",
                detail="ref must be oss://bucket/key or s3://bucket/key",
            )
        bucket, _, key = ref.split("://", 1)[1].partition("/")
        if any(part in ("", ".", "..") for part in key.split("/")) or "\\" in key or "%" in key:
            raise BadInput(
                "附件引用的路径无效", detail="no empty, '.' or '..' segments, backslashes or escapes in a key"
            )
        if bucket not in buckets:
            raise BadInput(
                "附件须存放在本县的对象存储桶中", detail=f"bucket {bucket!r} is not one of ATTACHMENT_BUCKETS"
            )
        if size is not None and not 0 <= size <= 200 * 1024 * 1024:
            raise BadInput("附件大小不合理")
        out.append({"name": name, "ref": ref, "contentType": a.get("contentType"), "size": size})
    return out


async def report(
    session: AsyncSession,
    principal: Principal,
    *,
    township_id: uuid.UUID,
    matter_type: str,
    priority: str,
    description: str,
    location: str | None,
    idempotency_key: str | None = None,
    grid_id: uuid.UUID | None = None,
    attachments: list[dict] | None = None,
) -> tuple[GridEvent, bool]:
    """Returns (event, created). A department system repeating a key gets its first event back."""
    if principal.is_service:
        if not principal.has_scope("events:report"):
            raise Forbidden("该服务客户端无权上报事件", detail="scope events:report required")
        if not idempotency_key or len(idempotency_key) > 100:
            raise BadInput("系统上报须带幂等键 (idempotencyKey, 不超过 100 字符)")
        # Concurrent retries with one key queue here until the first commits, then find its event
        # (without the lock both inserted and all but one hit the unique index: a 500).
        await session.execute(
            select(func.pg_advisory_xact_lock(func.hashtextextended(f"{principal.client_id}\x1f{idempotency_key}", 0)))
        )
        existing = await session.scalar(
            select(GridEvent).where(
                GridEvent.client_id == principal.client_id, GridEvent.idempotency_key == idempotency_key
            )
        )
        if existing is not None:
            return existing, False
        source = "SYSTEM"
    elif principal.has_role(Role.GRID_WORKER, str(township_id)):
        source = "GRID"
    elif policy.is_centre(principal, township_id):
        source = "HOTLINE"
    else:
        raise Forbidden("只能向本乡镇(街道)上报事件")
    if priority not in PRIORITIES:
        raise BadInput(f"优先级须为 {', '.join(PRIORITIES)}")
    if await session.get(MatterType, matter_type) is None:
        raise BadInput("事项类型不存在")
    if not description.strip() or len(description) > 4000:
        raise BadInput("请描述事件 (不超过 4000 字)")
    if location is not None and len(location) > 200:
        raise BadInput("地点不能超过 200 字")
    if grid_id is not None:
        grid = await session.get(Grid, grid_id)
        if grid is None or grid.township_id != township_id:
            raise BadInput("网格不属于该乡镇(街道)")
    event = GridEvent(
        township_id=township_id,
        matter_type=matter_type,
        priority=priority,
        description=description.strip(),
        location=location,
        reported_by=principal.subject,
        source=source,
        grid_id=grid_id,
        attachments=_clean_attachments(attachments),
        client_id=principal.client_id if principal.is_service else None,
        idempotency_key=idempotency_key if principal.is_service else None,
        reported_at=_now(),
    )
    session.add(event)
    await session.flush()
    await outbox.emit(
        session,
        events.EVENT_REPORTED,
        aggregate_type="GridEvent",
        aggregate_id=event.id,
        payload={
            "township_id": str(township_id),
            "matter_type": matter_type,
            "priority": priority,
            "reporter_user_id": reporter_user_id(event),
        },
    )
    await audit.record(
        session,
        actor=principal,
        action="event.report",
        entity_type="GridEvent",
        entity_id=event.id,
        after={"matter_type": matter_type, "source": source},
    )
    return event, True


@dataclass
class CallbackInput:
    reached: bool
    satisfaction: str | None = None
    note: str | None = None


async def act(
    session: AsyncSession,
    principal: Principal,
    *,
    event_id: uuid.UUID,
    action: str,
    reason: str | None = None,
    assignee_cadre_id: uuid.UUID | None = None,
    lead_unit_id: uuid.UUID | None = None,
    assisting_unit_ids: list[uuid.UUID] | None = None,
    closing_reason: str | None = None,
    duplicate_of: uuid.UUID | None = None,
    callback: CallbackInput | None = None,
    now: dt.datetime | None = None,
) -> GridEvent:
    now = now or _now()
    # Who may not see the event learns nothing: not whether it exists, nor its state (the same
    # answer as for an id that does not exist, before any transition is looked at).
    stmt = select(GridEvent).where(GridEvent.id == event_id).with_for_update()
    if (cond := visibility(principal)) is not None:
        stmt = stmt.where(cond)
    event = await session.scalar(stmt)
    if event is None:
        raise NotFound("事件不存在或无权查看")
    if not (
        policy.is_centre(principal, event.township_id)
        or policy.is_cadre(principal, event.assignee_cadre_id)
        or policy.heads_unit(principal, event.lead_unit_id)
    ):
        raise Forbidden("只有本乡镇指挥室、承办人或承办单位负责人可以处置事件")
    try:
        t = lc.transition(action, event.state)
    except lc.IllegalTransition as exc:
        raise RuleViolation(
            "ILLEGAL_TRANSITION", f"当前状态 {event.state} 不能执行 {action}", allowed=lc.actions_from(event.state)
        ) from exc
    _may_act(principal, event, t)
    if reason is not None and len(reason) > MAX_TEXT:
        raise BadInput(f"理由不能超过 {MAX_TEXT} 字")
    if callback is not None and callback.note is not None and len(callback.note) > MAX_TEXT:
        raise BadInput(f"回访记录不能超过 {MAX_TEXT} 字")
    if t.needs_reason and not (reason or "").strip():
        raise RuleViolation("REASON_REQUIRED", "请说明理由")
    if action == "dispatch":
        await _dispatch(session, event, lead_unit_id, assignee_cadre_id, assisting_unit_ids or [], reason)
        event.first_dispatched_at = event.first_dispatched_at or now
    elif action == "assign":
        if assignee_cadre_id is None:
            raise BadInput("请指定承办人")
        await _assign_person(session, event, await session.get(Unit, event.lead_unit_id), assignee_cadre_id, reason)
    elif action in ("verify_pass", "verify_fail"):
        if action == "verify_pass":
            if closing_reason not in lc.CLOSING_REASONS:
                raise RuleViolation("CLOSING_REASON_REQUIRED", f"办结原因须为 {', '.join(lc.CLOSING_REASONS)}")
            if event.source == "HOTLINE" and callback is None and not await _called_back(session, event.id):
                raise RuleViolation("CALLBACK_REQUIRED", "热线事件办结前须回访反映人")
            event.closing_reason, event.closed_at = closing_reason, now
        if callback is not None:
            await _record_callback(session, principal, event, callback, now)
    elif action == "mark_duplicate":
        original = await session.get(GridEvent, duplicate_of) if duplicate_of else None
        if (
            original is None
            or original.id == event.id
            or original.township_id != event.township_id
            or original.state == lc.DUPLICATE
        ):
            raise BadInput("请指定本乡镇的原始事件")
        event.duplicate_of = original.id
    elif action == "reopen":
        event.closing_reason = None
    before = event.state
    ended = await deadlines.enter(session, event, t.target, now)
    if t.target in (lc.ACCEPTED, lc.RETURNED, lc.REOPENED):
        await recommend(session, event)
    session.add(deadlines.transition_row(event, action, before, t.target, principal.subject, reason, now, ended))
    event.state = t.target
    await session.flush()
    await outbox.emit(
        session, events.event_action(action), aggregate_type="GridEvent", aggregate_id=event.id, payload=_payload(event)
    )
    if action == "verify_pass":
        await outbox.emit(
            session,
            events.TASK_CLOSED,
            aggregate_type="GridEvent",
            aggregate_id=event.id,
            payload=await _closed_payload(session, event),
        )
    await audit.record(
        session,
        actor=principal,
        action=events.event_action(action),
        entity_type="GridEvent",
        entity_id=event.id,
        before={"state": before},
        after={"state": t.target, "assignee": str(event.assignee_cadre_id) if event.assignee_cadre_id else None},
        reason=reason,
    )
    return event


def _may_act(principal: Principal, event: GridEvent, t: lc.Transition) -> None:
    if t.actor == lc.CENTRE:
        policy.require_centre(principal, event.township_id)
    elif t.actor == lc.ASSIGNEE:
        if not (
            policy.is_cadre(principal, event.assignee_cadre_id) or policy.heads_unit(principal, event.lead_unit_id)
        ):
            raise Forbidden("由承办人本人或承办单位负责人办理")
    elif t.actor == lc.UNIT_HEAD:
        if not (policy.heads_unit(principal, event.lead_unit_id) or policy.is_centre(principal, event.township_id)):
            raise Forbidden("由承办单位负责人在本单位内指派")


def allowed_actions(principal: Principal, event: GridEvent) -> list[str]:
    """What this user may do with the event now (the buttons a front-end shows); the rules that
    need input — a reason, a person in the unit, a call-back — are checked when the action is taken."""
    out = []
    for action in lc.actions_from(event.state):
        try:
            _may_act(principal, event, lc.transition(action, event.state))
        except Forbidden:
            continue
        out.append(action)
    return out


def reporter_user_id(event: GridEvent) -> str | None:
    """The person who reported the event (a grid worker, a centre's operator), told of its outcome;
    None when a system or the demo's hotline reported it."""
    if event.client_id is not None:
        return None
    try:
        return str(uuid.UUID(event.reported_by))
    except (TypeError, ValueError):
        return None


def _payload(event: GridEvent) -> dict:
    return {
        "township_id": str(event.township_id),
        "reporter_user_id": reporter_user_id(event),
        "state": event.state,
        "priority": event.priority,
        "assignee_cadre_id": str(event.assignee_cadre_id) if event.assignee_cadre_id else None,
        "lead_unit_id": str(event.lead_unit_id) if event.lead_unit_id else None,
        "outside_line": event.outside_line_reason is not None,
    }


async def _closed_payload(session: AsyncSession, event: GridEvent) -> dict:
    """``task.closed`` for the assessment's evidence: who closed what, and whether on time."""
    rows = (
        await session.execute(
            select(EventTransition.action, EventTransition.overdue).where(EventTransition.event_id == event.id)
        )
    ).all()
    return {
        **_payload(event),
        "matter_type": event.matter_type,
        "priority": event.priority,
        "closing_reason": event.closing_reason,
        "closed_at": event.closed_at.isoformat(),
        "returns": sum(1 for a, _ in rows if a == "return"),
        "verify_failed": sum(1 for a, _ in rows if a == "verify_fail"),
        "overdue_phases": sum(1 for _, o in rows if o),
        "hours": round((event.closed_at - (event.first_dispatched_at or event.reported_at)).total_seconds() / 3600, 2),
    }


async def _unit_in_township(session: AsyncSession, unit_id: uuid.UUID, township_id: uuid.UUID) -> Unit:
    unit = await session.get(Unit, unit_id)
    if unit is None:
        raise BadInput("单位不存在")
    if unit.township_id != township_id:
        raise RuleViolation("UNIT_NOT_IN_TOWNSHIP", "承办和协办单位须在本乡镇(街道)")
    return unit


async def _dispatch(
    session: AsyncSession,
    event: GridEvent,
    lead_unit_id: uuid.UUID | None,
    cadre_id: uuid.UUID | None,
    assisting: list[uuid.UUID],
    reason: str | None,
) -> None:
    if lead_unit_id is None and cadre_id is None:
        raise BadInput("请指定承办单位或承办人")
    unit = None
    if lead_unit_id is not None:
        unit = await _unit_in_township(session, lead_unit_id, event.township_id)
    elif cadre_id is not None:
        cadre = await _cadre_in_township(session, event, cadre_id)
        unit = await session.get(Unit, cadre.agency_id)  # the cadre's own agency leads
    assisting = list(dict.fromkeys(assisting))
    if unit is not None and unit.id in assisting:
        raise BadInput("协办单位不能是承办单位")
    for a in assisting:
        await _unit_in_township(session, a, event.township_id)
    event.lead_unit_id = unit.id if unit else None
    event.assisting_unit_ids = assisting
    event.assignee_cadre_id, event.outside_line_reason = None, None
    if cadre_id is not None:
        await _assign_person(session, event, unit, cadre_id, reason)


async def _cadre_in_township(session: AsyncSession, event: GridEvent, cadre_id: uuid.UUID) -> StationedCadre:
    cadre = await session.get(StationedCadre, cadre_id)
    if cadre is not None and cadre.status in AWAY and cadre.township_id == event.township_id:
        raise RuleViolation(
            "NOT_ON_DUTY", "该派驻干部借调或请假中，不在岗，不能承办任务", detail=f"status {cadre.status}"
        )
    if cadre is None or cadre.status not in ACTIVE or cadre.township_id != event.township_id:
        raise RuleViolation("ASSIGNEE_NOT_IN_TOWNSHIP", "承办人须为本乡镇(街道)在岗的派驻干部")
    return cadre


async def _assign_person(
    session: AsyncSession, event: GridEvent, unit: Unit | None, cadre_id: uuid.UUID, reason: str | None
) -> None:
    cadre = await _cadre_in_township(session, event, cadre_id)
    if unit is not None:
        in_unit = (
            cadre.agency_id == unit.id
            if unit.kind == "AGENCY"
            else await session.scalar(
                select(PostHolder.cadre_id)
                .join(Post, Post.id == PostHolder.post_id)
                .where(Post.unit_id == unit.id, PostHolder.cadre_id == cadre_id)
                .limit(1)
            )
            is not None
        )
        if not in_unit:
            raise RuleViolation("ASSIGNEE_NOT_IN_UNIT", "承办人须为承办单位的人员 (派驻机构干部或站所岗位人员)")
    matter = await session.get(MatterType, event.matter_type)
    if cadre.professional_line != matter.professional_line:
        if not (reason or "").strip():
            raise RuleViolation(
                "OUTSIDE_PROFESSIONAL_LINE",
                f"该事项属于{matter.professional_line}，承办人的业务条线是{cadre.professional_line}；"
                "确需派给其他条线须说明理由",
            )
        event.outside_line_reason = reason.strip()
    else:
        event.outside_line_reason = None
    event.assignee_cadre_id = cadre_id


async def _called_back(session: AsyncSession, event_id: uuid.UUID) -> bool:
    return await session.scalar(select(Callback.id).where(Callback.event_id == event_id).limit(1)) is not None


async def _record_callback(
    session: AsyncSession, principal: Principal, event: GridEvent, cb: CallbackInput, now: dt.datetime
) -> None:
    if cb.reached and cb.satisfaction not in lc.SATISFACTION:
        raise BadInput(f"回访满意度须为 {', '.join(lc.SATISFACTION)}")
    if not cb.reached and cb.satisfaction is not None:
        raise BadInput("未联系上反映人时不填满意度")
    session.add(
        Callback(
            event_id=event.id,
            township_id=event.township_id,
            reached=cb.reached,
            satisfaction=cb.satisfaction,
            note=(cb.note or "").strip() or None,
            by=principal.subject,
            at=now,
        )
    )


async def record_callback(
    session: AsyncSession, principal: Principal, *, event_id: uuid.UUID, callback: CallbackInput
) -> GridEvent:
    """回访 recorded on its own (before verification, or after closing)."""
    event = await session.get(GridEvent, event_id)
    if event is None:
        raise NotFound("事件不存在")
    policy.require_centre(principal, event.township_id)
    if callback.note is not None and len(callback.note) > MAX_TEXT:
        raise BadInput(f"回访记录不能超过 {MAX_TEXT} 字")
    if event.state not in (lc.FEEDBACK, lc.CLOSED):
        raise RuleViolation("CALLBACK_BEFORE_FEEDBACK", "承办单位反馈后才能回访")
    await _record_callback(session, principal, event, callback, _now())
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="event.callback",
        entity_type="GridEvent",
        entity_id=event.id,
        after={"reached": callback.reached, "satisfaction": callback.satisfaction},
    )
    return event


# ---- routing ---------------------------------------------------------------------------------


async def recommend(session: AsyncSession, event: GridEvent) -> routing.Recommendation:
    """定事 → 定岗 → 定人, then the grid, then the line; stored on the event with its reason."""
    matter = await session.get(MatterType, event.matter_type)
    duty_posts = select(PostDuty.post_id).where(PostDuty.matter_type == event.matter_type)
    holders = set(
        (
            await session.scalars(
                select(PostHolder.cadre_id)
                .join(Post, Post.id == PostHolder.post_id)
                .where(PostHolder.post_id.in_(duty_posts), Post.township_id == event.township_id)
            )
        ).all()
    )
    in_grid = (
        set(
            (
                await session.scalars(
                    select(GridMember.cadre_id).where(
                        GridMember.grid_id == event.grid_id, GridMember.cadre_id.is_not(None)
                    )
                )
            ).all()
        )
        if event.grid_id
        else set()
    )
    open_tasks = (
        select(GridEvent.assignee_cadre_id, func.count().label("n"))
        .where(GridEvent.township_id == event.township_id, GridEvent.state.in_(OPEN_STATES))
        .group_by(GridEvent.assignee_cadre_id)
        .subquery()
    )
    rows = (
        await session.execute(
            select(StationedCadre, func.coalesce(open_tasks.c.n, 0))
            .outerjoin(open_tasks, open_tasks.c.assignee_cadre_id == StationedCadre.cadre_id)
            .where(
                StationedCadre.township_id == event.township_id,
                StationedCadre.status.in_(ACTIVE),
                StationedCadre.professional_line == matter.professional_line,
            )
        )
    ).all()
    candidates = [
        routing.Candidate(
            cadre_id=c.cadre_id,
            unit_id=c.agency_id,
            name=c.name or str(c.cadre_id),
            line=c.professional_line,
            open_tasks=n,
            holds_post=c.cadre_id in holders,
            in_grid=c.cadre_id in in_grid,
        )
        for c, n in rows
    ]
    post_units = list(
        (
            await session.scalars(
                select(Post.unit_id).where(Post.id.in_(duty_posts), Post.township_id == event.township_id)
            )
        ).all()
    )
    rec = routing.recommend(matter.professional_line, candidates, post_units)
    known_unit = rec.unit_id is not None and await session.get(Unit, rec.unit_id) is not None
    event.recommended_unit_id = rec.unit_id if known_unit else None
    event.recommended_cadre_id, event.recommendation_reason, event.recommendation_note = (
        rec.cadre_id,
        rec.reason,
        rec.note,
    )
    return rec


# ---- reading ---------------------------------------------------------------------------------


def visibility(principal: Principal):
    """Township: its events; department: read-only supervision of events led by its agencies or
    assigned to its cadres in every township (dual management); unit head: the unit's events;
    cadre: own tasks; grid worker and department system: what they reported."""
    if principal.is_service:
        if not principal.has_scope("events:status"):
            raise Forbidden("该服务客户端无权查看事件", detail="scope events:status required")
        return GridEvent.client_id == principal.client_id
    return vis.scoped(
        principal,
        {
            (Role.COMMAND_CENTRE, Role.TOWNSHIP_ADMIN): lambda ids: GridEvent.township_id.in_(ids),
            Role.DEPARTMENT_ADMIN: [
                lambda ids: GridEvent.assignee_cadre_id.in_(policy.department_cadres(ids)),
                lambda ids: GridEvent.lead_unit_id.in_(policy.department_units(ids)),
            ],
            Role.AGENCY_HEAD: lambda ids: GridEvent.lead_unit_id.in_(ids),
            Role.CADRE: lambda ids: GridEvent.assignee_cadre_id.in_(ids),
            Role.GRID_WORKER: lambda _: GridEvent.reported_by == principal.subject,
        },
        denied="无权查看事件",
    )


async def get_event(session: AsyncSession, principal: Principal, event_id: uuid.UUID) -> GridEvent:
    stmt = select(GridEvent).where(GridEvent.id == event_id)
    if (cond := visibility(principal)) is not None:
        stmt = stmt.where(cond)
    event = await session.scalar(stmt)
    if event is None:
        raise NotFound("事件不存在或无权查看")
    return event


async def list_events(
    session: AsyncSession,
    principal: Principal,
    *,
    first: int | None,
    after: str | None,
    state: str | None = None,
    township_id: uuid.UUID | None = None,
    overdue: bool | None = None,
    assignee_cadre_id: uuid.UUID | None = None,
    lead_unit_id: uuid.UUID | None = None,
    outside_line: bool | None = None,
    idempotency_key: str | None = None,
):
    size = page_size(first)
    stmt = select(GridEvent).order_by(GridEvent.reported_at.desc(), GridEvent.id.desc()).limit(size + 1)
    if (cond := visibility(principal)) is not None:
        stmt = stmt.where(cond)
    if state:
        if state not in lc.STATES:
            raise BadInput(f"状态须为 {', '.join(lc.STATES)}")
        stmt = stmt.where(GridEvent.state == state)
    if township_id:
        stmt = stmt.where(GridEvent.township_id == township_id)
    if overdue is not None:
        stmt = stmt.where(GridEvent.overdue.is_(overdue))
    if assignee_cadre_id:
        stmt = stmt.where(GridEvent.assignee_cadre_id == assignee_cadre_id)
    if lead_unit_id:
        stmt = stmt.where(GridEvent.lead_unit_id == lead_unit_id)
    if outside_line is not None:  # the department's view of overrides (专业人做专业事的例外)
        stmt = stmt.where(
            GridEvent.outside_line_reason.is_not(None) if outside_line else GridEvent.outside_line_reason.is_(None)
        )
    if idempotency_key is not None:
        # A department system looks up what it reported under its own key (uq_grid_event_idempotency).
        stmt = stmt.where(GridEvent.client_id == principal.client_id, GridEvent.idempotency_key == idempotency_key)
    if key := decode_key(after, dt.datetime, uuid.UUID):
        stmt = stmt.where(tuple_(GridEvent.reported_at, GridEvent.id) < key)
    return make_page((await session.scalars(stmt)).all(), size, lambda e: (e.reported_at.isoformat(), str(e.id)))


MAX_WINDOW_HOURS = 24 * 30


async def duplicate_candidates(
    session: AsyncSession, principal: Principal, *, event_id: uuid.UUID, window_hours: int = 72, limit: int = 10
) -> list[GridEvent]:
    """Likely originals of an event: same township and matter type, same grid when both name one,
    reported within the window either side; nearest in time first."""
    if not 0 < window_hours <= MAX_WINDOW_HOURS:
        raise BadInput(f"时间窗须为 1–{MAX_WINDOW_HOURS} 小时")
    event = await session.get(GridEvent, event_id)
    if event is None:
        raise NotFound("事件不存在")
    policy.require_centre(principal, event.township_id)
    window = dt.timedelta(hours=window_hours)
    stmt = (
        select(GridEvent)
        .where(
            GridEvent.township_id == event.township_id,
            GridEvent.matter_type == event.matter_type,
            GridEvent.id != event.id,
            GridEvent.state.not_in((lc.DUPLICATE, lc.REFUSED)),
            GridEvent.reported_at.between(event.reported_at - window, event.reported_at + window),
        )
        .order_by(func.abs(func.extract("epoch", GridEvent.reported_at - event.reported_at)), GridEvent.id)
        .limit(min(limit, 50))
    )
    if event.grid_id is not None:
        stmt = stmt.where(or_(GridEvent.grid_id == event.grid_id, GridEvent.grid_id.is_(None)))
    return list((await session.scalars(stmt)).all())
