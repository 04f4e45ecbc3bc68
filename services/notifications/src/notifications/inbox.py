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

import dataclasses
import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.errors import BadInput, Forbidden, NotFound, RuleViolation
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
    "ADJUSTMENT_TO_REVIEW": "人事调整待组织部事前审核",
    "ADJUSTMENT_TO_GIVE_OPINION": "派驻机构负责人调整待属地乡镇(街道)提出意见",
    "ADJUSTMENT_TO_ANSWER": "乡镇(街道)不同意见待组织部答复",
    "RESHUFFLE_TO_REVIEW": "集中调整待三方会审表态",
    "ADJUSTMENT_TO_MAKE_EFFECTIVE": "人事调整已批准，待办理生效",
    "OBJECTION_TO_RESOLVE": "考核公示异议待组织部处理",
    "QUOTA_REQUEST_TO_DECIDE": "员额调整申请待编办审批",
    "TOWNSHIP_RECOMMENDATION_TO_DECIDE": "乡镇(街道)对派驻人员的调整建议待派驻部门决定",
    "CAREER_RECOMMENDATION_TO_DECIDE": "双向推荐 (提拔或后备) 待组织部决定",
    "MIDDLE_POST_TO_CONSENT": "双向任职 (乡镇中层职务) 提议待派驻部门同意",
    "TOWNSHIP_SCORES_TO_ENTER": "考核评分待乡镇(街道)录入",
    "DEPARTMENT_SCORES_TO_ENTER": "考核评分待派驻部门录入",
    "SHORTLIST_TO_MAKE": "评分已齐，待派驻部门产生评优入围名单",
    "ROUND1_TO_SUBMIT": "评优第一轮待派驻部门评定并函告乡镇(街道)",
    "ROUND2_TO_SUBMIT": "评优第二轮待乡镇(街道)评定报送",
    "CYCLE_TO_PUBLISH": "各部门评优已完成，待组织部公示",
    "CYCLE_TO_APPROVE": "考核结果公示中，公示期满后待组织部审定",
    "RESULTS_PUBLISHED": "年度考核结果已公示，公示期内可提出异议",
    "HONOUR_TO_DECIDE": "评优推荐 (枫桥式派驻中队、优秀派驻干部) 待组织部审定",
    "REVIEW_TO_SCORE": "述职评议会待评议打分",
    "REVIEW_TO_REPORT": "述职评议会待派驻机构负责人述职 (双述职)",
    "EVENT_REPORT_CLOSED": "您上报的网格事件已办结 (知悉)",
    "EVENT_REPORT_REFUSED": "您上报的网格事件不予受理或为重复事件 (知悉)",
    "EVENT_WARNING": "网格事件即将超时 (预警)",
    "EVENT_OVERDUE": "网格事件已超时",
    "EVENT_ESCALATED": "网格事件超时督办",
}
# Items that only tell (知悉): the recipient closes them by marking them read (``mark_read``); the
# source closes them too if it moves on (a closed event reopened).
INFORMATION = frozenset({"EVENT_REPORT_CLOSED", "EVENT_REPORT_REFUSED", "RESULTS_PUBLISHED"})
ALERTS = {"event.warning": "EVENT_WARNING", "event.overdue": "EVENT_OVERDUE", "event.escalation": "EVENT_ESCALATED"}
GRID_EVENT, REMINDER, ADJUSTMENT = "platform.grid_event", "personnel.reminder_notice", "personnel.adjustment_batch"
OBJECTION = "assessment.objection"
QUOTA_REQUEST = "personnel.quota_request"
TOWNSHIP_RECOMMENDATION = "personnel.township_recommendation"
CAREER_RECOMMENDATION = "personnel.career_recommendation"
MIDDLE_POST = "personnel.middle_post"
FLOW, CYCLE = "assessment.department_flow", "assessment.cycle"
HONOUR, REVIEW_MEETING = "assessment.honour", "assessment.review_meeting"
ADJUSTMENT_STEPS = {
    "ORG_REVIEW": "ADJUSTMENT_TO_REVIEW",
    "TOWNSHIP_OPINION": "ADJUSTMENT_TO_GIVE_OPINION",
    "OPINION_ANSWER": "ADJUSTMENT_TO_ANSWER",
    "THREE_PARTY_REVIEW": "RESHUFFLE_TO_REVIEW",
    "MAKE_EFFECTIVE": "ADJUSTMENT_TO_MAKE_EFFECTIVE",
}


FLOW_STEPS = {
    "TOWNSHIP_SCORES": "TOWNSHIP_SCORES_TO_ENTER",
    "DEPARTMENT_SCORES": "DEPARTMENT_SCORES_TO_ENTER",
    "SHORTLIST": "SHORTLIST_TO_MAKE",
    "ROUND1": "ROUND1_TO_SUBMIT",
    "ROUND2": "ROUND2_TO_SUBMIT",
}
CYCLE_STEPS = {"PUBLISH": "CYCLE_TO_PUBLISH", "APPROVE": "CYCLE_TO_APPROVE"}


def waiting_steps(p: dict, kinds: dict[str, str], due: dict[str, dt.datetime | None] | None = None) -> list[Step]:
    """Who a source waits for, from its producer's ``waiting`` list (a step and a role; a township
    admin's township named, a department admin's the payload's department): personnel's
    adjustment batches, assessment's flows and cycles."""
    steps = []
    for w in p.get("waiting", []):
        role = Role(w["role"])
        if role == Role.TOWNSHIP_ADMIN:
            scope_kind, scope_id = ScopeKind.TOWNSHIP, w["township_id"]
        elif role == Role.DEPARTMENT_ADMIN:
            scope_kind, scope_id = ScopeKind.DEPARTMENT, p["department_id"]
        else:
            scope_kind, scope_id = ScopeKind.COUNTY, None
        kind = kinds[w["step"]]
        steps.append(Step(kind, role, scope_kind, scope_id, (due or {}).get(kind)))
    return steps


def adjustment_steps(p: dict, due: dt.datetime | None) -> list[Step]:
    """Who the batch waits for (personnel's ``adjustment.batch_changed``); the department makes it
    effective by its date."""
    return waiting_steps(p, ADJUSTMENT_STEPS, {"ADJUSTMENT_TO_MAKE_EFFECTIVE": due})


# An item addressed to one person rather than a role binding (the reporter of a grid event): role
# PERSON, scope USER, the account id as scope id.
PERSON, USER = "PERSON", "USER"


@dataclass(frozen=True)
class Step:
    kind: str
    role: Role | None  # None: the person whose account id is ``scope_id``
    scope_kind: ScopeKind | None
    scope_id: str | None
    due_at: dt.datetime | None = None
    urgent: bool = False
    link: str | None = None  # where this recipient works on it, when not the source's usual screen

    def address(self) -> tuple[str, str, str | None]:
        if self.role is None:
            return PERSON, USER, self.scope_id
        return self.role.value, self.scope_kind.value, self.scope_id


def to_person(kind: str, user_id: str, **kw) -> Step:
    return Step(kind, None, None, user_id, **kw)


def grid_event_steps(p: dict) -> list[Step]:
    """Who acts next on a grid event in ``p['state']`` (the platform's lifecycle); an URGENT event's
    steps are urgent."""
    steps = _grid_steps(p)
    if p.get("priority") == "URGENT":
        steps = [dataclasses.replace(s, urgent=True) for s in steps]
    return steps


def _grid_steps(p: dict) -> list[Step]:
    steps = _actor_steps(p)
    reporter, state = p.get("reporter_user_id"), p.get("state")
    if reporter and state == "CLOSED":
        steps.append(to_person("EVENT_REPORT_CLOSED", reporter))
    elif reporter and state in ("REFUSED", "DUPLICATE"):
        steps.append(to_person("EVENT_REPORT_REFUSED", reporter))
    return steps


def _actor_steps(p: dict) -> list[Step]:
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
) -> list[uuid.UUID]:
    """The source now waits for ``steps``: close its open items (opened before ``event``) that are
    no longer waited for, open the steps not already open; returns the ids of the items opened.
    Idempotent, and in feed order: an older event redelivered after a newer one changes nothing."""
    txid, seq = _position(event)
    event_id = uuid.UUID(event["event_id"])
    source_id = event["aggregate_id"]
    newer = await session.scalar(
        select(func.count()).where(
            InboxItem.source == source,
            InboxItem.source_id == source_id,
            tuple_(InboxItem.opened_txid, InboxItem.opened_seq) > (txid, seq),
        )
    )
    if newer:  # a replayed event: the entity has moved on since; its step is history
        return []
    wanted = {(s.kind, *s.address()): s for s in steps}
    still_open = set()
    for item in (
        await session.scalars(
            select(InboxItem)
            .where(InboxItem.source == source, InboxItem.source_id == source_id, InboxItem.done_at.is_(None))
            .with_for_update()
        )
    ).all():
        key = (item.kind, item.role, item.scope_kind, item.scope_id)
        if key in wanted:
            still_open.add(key)  # still waited for: the same item stays open, never opened twice
        else:
            item.done_at, item.closed_by = dt.datetime.now(dt.timezone.utc), event_id
    await session.flush()
    detail = f"：{title_detail}" if title_detail else ""
    opening = [(s, KINDS[s.kind] + detail) for key, s in wanted.items() if key not in still_open]
    return await _open(session, event, source, opening, link)


async def _open(session: AsyncSession, event: dict, source: str, steps: list, link: str) -> list[uuid.UUID]:
    """Insert an item per (step, title), opened by ``event`` (a replay opens nothing twice)."""
    if not steps:
        return []
    txid, seq = _position(event)
    rows = [
        {
            "kind": s.kind,
            "source": source,
            "source_id": event["aggregate_id"],
            "role": s.address()[0],
            "scope_kind": s.address()[1],
            "scope_id": s.scope_id,
            "title": title,
            "body": "",
            "link": s.link or link,
            "due_at": s.due_at,
            "urgent": s.urgent,
            "opened_by": uuid.UUID(event["event_id"]),
            "opened_txid": txid,
            "opened_seq": seq,
        }
        for s, title in steps
    ]
    opened = await session.scalars(
        insert(InboxItem)
        .values(rows)
        .on_conflict_do_nothing(constraint="uq_inbox_item_opening")
        .returning(InboxItem.id)
    )
    return list(opened.all())


async def alert(
    session: AsyncSession, event: dict, *, source: str, kind: str, link: str, also: list[Step]
) -> list[uuid.UUID]:
    """An SLA alert on an open step: an urgent item for each recipient of the source's open step
    (and ``also``, e.g. the township on 督办). It closes when the source moves on, like the step."""
    current = (
        await session.execute(
            select(InboxItem.role, InboxItem.scope_kind, InboxItem.scope_id).where(
                InboxItem.source == source,
                InboxItem.source_id == event["aggregate_id"],
                InboxItem.done_at.is_(None),
                InboxItem.kind.not_in(list(ALERTS.values())),
            )
        )
    ).all()
    due = dt.datetime.fromisoformat(event["payload"]["due_at"]) if event["payload"].get("due_at") else None
    recipients = {(r, k, i) for r, k, i in current if r != PERSON} | {s.address() for s in also}
    steps = [
        (Step(kind, Role(r), ScopeKind(k), i, due, urgent=True), KINDS[kind]) for r, k, i in sorted(recipients, key=str)
    ]
    return await _open(session, event, source, steps, link)


def recipient_filter(principal: Principal):
    """Items addressed to any role binding the caller holds now, or to the caller by name (a
    service token holds none)."""
    if principal.is_service:
        raise Forbidden("待办属于具体的人", detail="a service token has no inbox")
    parts = [and_(InboxItem.role == PERSON, InboxItem.scope_kind == USER, InboxItem.scope_id == principal.subject)]
    parts += [
        and_(
            InboxItem.role == b.role.value,
            InboxItem.scope_kind == b.scope_kind.value,
            InboxItem.scope_id.is_(None) if b.scope_id is None else InboxItem.scope_id == b.scope_id,
        )
        for b in principal.bindings
    ]
    return or_(*parts)


async def mark_read(session: AsyncSession, principal: Principal, item_id: uuid.UUID) -> InboxItem:
    """已阅: the recipient closes an information item (nothing else to do on it). Work items close
    only when the work is done (``NOT_INFORMATION``); another's item is not found."""
    item = await session.scalar(
        select(InboxItem).where(InboxItem.id == item_id, recipient_filter(principal)).with_for_update()
    )
    if item is None:
        raise NotFound("待办不存在")
    if item.kind not in INFORMATION:
        raise RuleViolation("NOT_INFORMATION", "待办事项在办理完成时自动办结，不能标记已阅")
    if item.done_at is None:
        item.done_at = dt.datetime.now(dt.timezone.utc)
    return item


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
