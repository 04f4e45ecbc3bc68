"""The inbox's rules: which event opens which item for whom, which closes it, and who reads what.

Each source entity has at most one step open at a time (the grid event's current actor, the
reminder notice's department): an event about the entity closes the items opened before it (in
feed order) and opens the next step's. Items are opened and closed only by events — never by a
timer, never twice (``opened_by`` is unique per recipient; a replayed event finds its item there).
Titles and bodies carry no personal data: the kind, the matter type, a deadline.

Recipients are role bindings; a caller reads the items addressed to any binding their token holds
(``recipient_filter``), so the inbox follows whoever holds the role now.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import and_, false, func, or_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.errors import BadInput, Forbidden
from servicekit.outbox import parse_cursor
from servicekit.pagination import decode_key, make_page, page_size
from servicekit.principal import Principal, Role, ScopeKind

from .models import InboxItem

# kind → what the recipient must do (the API's enum descriptions)
KINDS: dict[str, str] = {
    "EVENT_TO_ACCEPT": "网格事件待受理",
    "EVENT_TO_DISPATCH": "网格事件待派遣",
    "EVENT_TO_ASSIGN": "网格事件待指派承办人",
    "EVENT_TO_SIGN": "网格事件待签收",
    "EVENT_TO_START": "网格事件待开始办理",
    "EVENT_TO_FEED_BACK": "网格事件待反馈办理结果",
    "EVENT_TO_VERIFY": "网格事件待核查",
    "REMINDER_TO_ANSWER": "提醒告知单待答复补员计划",
}
GRID_EVENT, REMINDER = "platform.grid_event", "personnel.reminder_notice"


@dataclass(frozen=True)
class Step:
    kind: str
    role: Role
    scope_kind: ScopeKind
    scope_id: str | None
    due_at: dt.datetime | None = None


def grid_event_steps(p: dict) -> list[Step]:
    """Who acts next on a grid event in ``p['state']`` (the platform's lifecycle)."""
    state, town = p.get("state", "REPORTED"), p["township_id"]
    centre = (Role.COMMAND_CENTRE, ScopeKind.TOWNSHIP, town)
    if state == "REPORTED":
        return [Step("EVENT_TO_ACCEPT", *centre)]
    if state in ("ACCEPTED", "RETURNED", "REOPENED"):
        return [Step("EVENT_TO_DISPATCH", *centre)]
    if state == "FEEDBACK":
        return [Step("EVENT_TO_VERIFY", *centre)]
    assignee, unit = p.get("assignee_cadre_id"), p.get("lead_unit_id")
    if state == "DISPATCHED":
        if assignee:
            return [Step("EVENT_TO_SIGN", Role.CADRE, ScopeKind.SELF, assignee)]
        return [Step("EVENT_TO_ASSIGN", Role.AGENCY_HEAD, ScopeKind.AGENCY, unit)] if unit else []
    if state == "SIGNED" and assignee:
        return [Step("EVENT_TO_START", Role.CADRE, ScopeKind.SELF, assignee)]
    if state == "IN_PROGRESS" and assignee:
        return [Step("EVENT_TO_FEED_BACK", Role.CADRE, ScopeKind.SELF, assignee)]
    return []  # closed, refused, a duplicate: nothing left to do


def _position(event: dict) -> tuple[int, int]:
    return parse_cursor(event["cursor"])


async def advance(
    session: AsyncSession,
    event: dict,
    *,
    source: str,
    steps: list[Step],
    title_detail: str = "",
    link: str,
) -> None:
    """Close the source's items opened before ``event`` and open ``steps`` (idempotent)."""
    txid, seq = _position(event)
    event_id = uuid.UUID(event["event_id"])
    source_id = event["aggregate_id"]
    now = dt.datetime.now(dt.timezone.utc)
    await session.execute(
        update(InboxItem)
        .where(
            InboxItem.source == source,
            InboxItem.source_id == source_id,
            InboxItem.done_at.is_(None),
            tuple_(InboxItem.opened_txid, InboxItem.opened_seq) < (txid, seq),
        )
        .values(done_at=now, closed_by=event_id)
    )
    if not steps:
        return
    newer = await session.scalar(
        select(func.count()).where(
            InboxItem.source == source,
            InboxItem.source_id == source_id,
            tuple_(InboxItem.opened_txid, InboxItem.opened_seq) > (txid, seq),
        )
    )
    if newer:  # a replayed event: the entity has moved on since; its step is history
        return
    rows = [
        {
            "kind": s.kind,
            "source": source,
            "source_id": source_id,
            "role": s.role.value,
            "scope_kind": s.scope_kind.value,
            "scope_id": s.scope_id,
            "title": KINDS[s.kind] + (f"：{title_detail}" if title_detail else ""),
            "body": "",
            "link": link,
            "due_at": s.due_at,
            "opened_by": event_id,
            "opened_txid": txid,
            "opened_seq": seq,
        }
        for s in steps
    ]
    await session.execute(insert(InboxItem).values(rows).on_conflict_do_nothing(constraint="uq_inbox_item_opening"))


def recipient_filter(principal: Principal):
    """Items addressed to any role binding the caller holds now (a service token holds none)."""
    if principal.is_service:
        raise Forbidden("待办属于具体的人", detail="a service token has no inbox")
    parts = [
        and_(
            InboxItem.role == b.role.value,
            InboxItem.scope_kind == b.scope_kind.value,
            InboxItem.scope_id.is_(None) if b.scope_id is None else InboxItem.scope_id == b.scope_id,
        )
        for b in principal.bindings
    ]
    return or_(*parts) if parts else false()


STATUSES = ("OPEN", "DONE")


async def my_items(
    session: AsyncSession,
    principal: Principal,
    *,
    first: int | None,
    after: str | None,
    status: str | None = "OPEN",
    kind: str | None = None,
    overdue: bool = False,
):
    """The caller's items, newest first (keyset: created_at, id)."""
    if status is not None and status not in STATUSES:
        raise BadInput("状态须为 OPEN 或 DONE")
    if kind is not None and kind not in KINDS:
        raise BadInput("待办类型无效")
    size = page_size(first)
    stmt = (
        select(InboxItem)
        .where(recipient_filter(principal))
        .order_by(InboxItem.created_at.desc(), InboxItem.id.desc())
        .limit(size + 1)
    )
    if status == "OPEN":
        stmt = stmt.where(InboxItem.done_at.is_(None))
    elif status == "DONE":
        stmt = stmt.where(InboxItem.done_at.is_not(None))
    if kind:
        stmt = stmt.where(InboxItem.kind == kind)
    if overdue:
        stmt = stmt.where(InboxItem.done_at.is_(None), InboxItem.due_at < func.now())
    if key := decode_key(after, dt.datetime, uuid.UUID):
        stmt = stmt.where(tuple_(InboxItem.created_at, InboxItem.id) < key)
    rows = (await session.scalars(stmt)).all()
    return make_page(rows, size, lambda r: (r.created_at.isoformat(), str(r.id)))


@dataclass(frozen=True)
class Summary:
    open: int
    overdue: int
    by_kind: dict[str, int]


async def summary(session: AsyncSession, principal: Principal) -> Summary:
    rows = (
        await session.execute(
            select(
                InboxItem.kind,
                func.count(),
                func.count().filter(InboxItem.due_at < func.now()),
            )
            .where(recipient_filter(principal), InboxItem.done_at.is_(None))
            .group_by(InboxItem.kind)
        )
    ).all()
    return Summary(sum(r[1] for r in rows), sum(r[2] for r in rows), {r[0]: r[1] for r in rows})
