"""Event intake and handling (指挥室): report (idempotent for department systems), then every state
change through the lifecycle table, with 专业人做专业事 enforced at dispatch.

Rules: ``ILLEGAL_TRANSITION``, ``REASON_REQUIRED``, ``OUTSIDE_PROFESSIONAL_LINE`` (dispatching to a
stationed cadre outside their line needs an override reason, which is recorded and visible to
the cadre's department), ``ASSIGNEE_NOT_IN_TOWNSHIP``, ``CLOSING_REASON_REQUIRED``.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import audit, outbox
from servicekit import visibility as vis
from servicekit.errors import BadInput, Forbidden, NotFound, RuleViolation
from servicekit.pagination import decode_key, make_page, page_size
from servicekit.principal import Principal, Role

from . import lifecycle as lc
from .models import EventTransition, GridEvent, MatterType, StationedCadre

PRIORITIES = ("URGENT", "HIGH", "NORMAL")


def _centre(principal: Principal, township_id: uuid.UUID) -> bool:
    return not principal.is_service and (principal.has_role(Role.COMMAND_CENTRE, str(township_id))
                                         or principal.has_role(Role.TOWNSHIP_ADMIN, str(township_id)))


async def report(session: AsyncSession, principal: Principal, *, township_id: uuid.UUID, matter_type: str,
                 priority: str, description: str, location: str | None,
                 idempotency_key: str | None = None) -> tuple[GridEvent, bool]:
    """Returns (event, created). A department system repeating a key gets its first event back."""
    if principal.is_service:
        if not principal.has_scope("events:report"):
            raise Forbidden("该服务客户端无权上报事件", detail="scope events:report required")
        if not idempotency_key:
            raise BadInput("系统上报须带幂等键 (idempotencyKey)")
        existing = await session.scalar(select(GridEvent).where(GridEvent.client_id == principal.client_id,
                                                                GridEvent.idempotency_key == idempotency_key))
        if existing is not None:
            return existing, False
        source = "SYSTEM"
    elif principal.has_role(Role.GRID_WORKER, str(township_id)):
        source = "GRID"
    elif _centre(principal, township_id):
        source = "HOTLINE"
    else:
        raise Forbidden("只能向本乡镇(街道)上报事件")
    if priority not in PRIORITIES:
        raise BadInput(f"优先级须为 {', '.join(PRIORITIES)}")
    if await session.get(MatterType, matter_type) is None:
        raise BadInput("事项类型不存在")
    if not description.strip():
        raise BadInput("请描述事件")
    event = GridEvent(township_id=township_id, matter_type=matter_type, priority=priority, description=description.strip(),
                      location=location, reported_by=principal.subject, source=source,
                      client_id=principal.client_id if principal.is_service else None,
                      idempotency_key=idempotency_key if principal.is_service else None)
    session.add(event)
    await session.flush()
    await outbox.emit(session, "event.reported", aggregate_type="GridEvent", aggregate_id=event.id,
                      payload={"township_id": str(township_id), "matter_type": matter_type, "priority": priority})
    await audit.record(session, actor=principal, action="event.report", entity_type="GridEvent", entity_id=event.id,
                       after={"matter_type": matter_type, "source": source})
    return event, True


async def act(session: AsyncSession, principal: Principal, *, event_id: uuid.UUID, action: str,
              reason: str | None = None, assignee_cadre_id: uuid.UUID | None = None,
              closing_reason: str | None = None, duplicate_of: uuid.UUID | None = None) -> GridEvent:
    event = await session.get(GridEvent, event_id, with_for_update=True)
    if event is None:
        raise NotFound("事件不存在")
    try:
        t = lc.transition(action, event.state)
    except lc.IllegalTransition as exc:
        raise RuleViolation("ILLEGAL_TRANSITION", f"当前状态 {event.state} 不能执行 {action}",
                            allowed=lc.actions_from(event.state)) from exc
    if t.actor == lc.CENTRE and not _centre(principal, event.township_id):
        raise Forbidden("由本乡镇(街道)指挥室办理")
    if t.actor == lc.ASSIGNEE and (principal.is_service or event.assignee_cadre_id is None
                                   or not principal.has_role(Role.CADRE, str(event.assignee_cadre_id))):
        raise Forbidden("由承办人本人办理")
    if t.needs_reason and not (reason or "").strip():
        raise RuleViolation("REASON_REQUIRED", "请说明理由")
    if action == "dispatch":
        await _assign(session, event, assignee_cadre_id, reason)
    if action == "verify_pass":
        if closing_reason not in lc.CLOSING_REASONS:
            raise RuleViolation("CLOSING_REASON_REQUIRED", f"办结原因须为 {', '.join(lc.CLOSING_REASONS)}")
        event.closing_reason = closing_reason
    if action == "mark_duplicate":
        original = await session.get(GridEvent, duplicate_of) if duplicate_of else None
        if original is None or original.id == event.id or original.township_id != event.township_id:
            raise BadInput("请指定本乡镇的原始事件")
        event.duplicate_of = original.id
    session.add(EventTransition(event_id=event.id, action=action, source=event.state, target=t.target,
                                actor=principal.subject, reason=reason))
    before = event.state
    event.state = t.target
    await session.flush()
    await outbox.emit(session, f"event.{t.target.lower()}", aggregate_type="GridEvent", aggregate_id=event.id,
                      payload={"township_id": str(event.township_id), "state": t.target,
                               "assignee_cadre_id": str(event.assignee_cadre_id) if event.assignee_cadre_id else None,
                               "outside_line": event.outside_line_reason is not None})
    await audit.record(session, actor=principal, action=f"event.{action}", entity_type="GridEvent", entity_id=event.id,
                       before={"state": before}, after={"state": t.target}, reason=reason)
    return event


async def _assign(session: AsyncSession, event: GridEvent, cadre_id: uuid.UUID | None, reason: str | None) -> None:
    if cadre_id is None:
        raise BadInput("请指定承办人")
    cadre = await session.get(StationedCadre, cadre_id)
    if cadre is None or cadre.status not in ("IN_POST", "SECONDED") or cadre.township_id != event.township_id:
        raise RuleViolation("ASSIGNEE_NOT_IN_TOWNSHIP", "承办人须为本乡镇(街道)在岗的派驻干部")
    matter = await session.get(MatterType, event.matter_type)
    if cadre.professional_line != matter.professional_line:
        if not (reason or "").strip():
            raise RuleViolation("OUTSIDE_PROFESSIONAL_LINE",
                                f"该事项属于{matter.professional_line}，承办人的业务条线是{cadre.professional_line}；"
                                "确需派给其他条线须说明理由")
        event.outside_line_reason = reason.strip()
    else:
        event.outside_line_reason = None
    event.assignee_cadre_id = cadre_id


def visibility(principal: Principal):
    """Township: its events; department: read-only supervision of events assigned to its cadres in
    every township (dual management); cadre: their own tasks; grid worker and department system:
    what they reported."""
    if principal.is_service:
        if not principal.has_scope("events:status"):
            raise Forbidden("该服务客户端无权查看事件", detail="scope events:status required")
        return GridEvent.client_id == principal.client_id
    if any(principal.has_role(r) for r in vis.COUNTY_READERS):
        return None
    conditions = []
    towns = vis.uuids(principal.scope_ids(Role.COMMAND_CENTRE) | principal.scope_ids(Role.TOWNSHIP_ADMIN))
    if towns:
        conditions.append(GridEvent.township_id.in_(towns))
    if departments := vis.uuids(principal.scope_ids(Role.DEPARTMENT_ADMIN)):
        conditions.append(GridEvent.assignee_cadre_id.in_(
            select(StationedCadre.cadre_id).where(StationedCadre.department_id.in_(departments))))
    if cadres := vis.uuids(principal.scope_ids(Role.CADRE)):
        conditions.append(GridEvent.assignee_cadre_id.in_(cadres))
    if principal.scope_ids(Role.GRID_WORKER):
        conditions.append(GridEvent.reported_by == principal.subject)
    if not conditions:
        raise Forbidden("无权查看事件")
    return or_(*conditions)


async def list_events(session: AsyncSession, principal: Principal, *, first: int | None, after: str | None,
                      state: str | None = None, township_id: uuid.UUID | None = None):
    size = page_size(first)
    stmt = select(GridEvent).order_by(GridEvent.reported_at.desc(), GridEvent.id.desc()).limit(size + 1)
    if (cond := visibility(principal)) is not None:
        stmt = stmt.where(cond)
    if state:
        stmt = stmt.where(GridEvent.state == state)
    if township_id:
        stmt = stmt.where(GridEvent.township_id == township_id)
    if key := decode_key(after, dt.datetime, uuid.UUID):
        stmt = stmt.where(tuple_(GridEvent.reported_at, GridEvent.id) < key)
    return make_page((await session.scalars(stmt)).all(), size, lambda e: (e.reported_at.isoformat(), str(e.id)))
