"""Grid events in GraphQL: report, act through the lifecycle, list by scope."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

import strawberry
from strawberry.types import Info

from servicekit import gql
from servicekit.app import Context
from servicekit.errors import BadInput

from . import dispatch
from .models import GridEvent as GridEventRow


def _uuid(value, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise BadInput(f"{what}编号格式错误") from exc


@strawberry.enum(description="事件处置动作")
class EventAction(enum.Enum):
    ACCEPT = "accept"
    REFUSE = "refuse"
    MARK_DUPLICATE = "mark_duplicate"
    DISPATCH = "dispatch"
    RETURN = "return"
    SIGN = "sign"
    START = "start"
    FEEDBACK = "feedback"
    VERIFY_PASS = "verify_pass"
    VERIFY_FAIL = "verify_fail"
    REOPEN = "reopen"


@strawberry.type(description="网格事件")
class GridEvent:
    id: strawberry.ID
    township_id: strawberry.ID
    matter_type: str
    priority: str
    description: str
    location: str | None
    state: str
    source: str
    reported_at: dt.datetime
    assignee_cadre_id: strawberry.ID | None
    outside_line_reason: str | None = strawberry.field(description="派给非本条线人员的理由 (派驻部门可见)")
    closing_reason: str | None
    duplicate_of: strawberry.ID | None

    @staticmethod
    def of(e: GridEventRow) -> "GridEvent":
        opt = lambda v: strawberry.ID(str(v)) if v else None  # noqa: E731
        return GridEvent(id=strawberry.ID(str(e.id)), township_id=strawberry.ID(str(e.township_id)),
                         matter_type=e.matter_type, priority=e.priority, description=e.description, location=e.location,
                         state=e.state, source=e.source, reported_at=e.reported_at,
                         assignee_cadre_id=opt(e.assignee_cadre_id), outside_line_reason=e.outside_line_reason,
                         closing_reason=e.closing_reason, duplicate_of=opt(e.duplicate_of))


@strawberry.input
class ReportEventInput:
    township_id: strawberry.ID
    matter_type: str
    description: str
    priority: str = "NORMAL"
    location: str | None = None
    idempotency_key: str | None = strawberry.field(default=None, description="部门系统上报必填; 重复提交返回首次的事件")


@strawberry.input
class EventActionInput:
    event_id: strawberry.ID
    action: EventAction
    reason: str | None = None
    assignee_cadre_id: strawberry.ID | None = None
    closing_reason: str | None = None
    duplicate_of: strawberry.ID | None = None


@strawberry.type
class ReportEventPayload:
    event: GridEvent
    created: bool = strawberry.field(description="false: 幂等键重复, 返回的是首次上报的事件")


EVENT_REPORTERS = [["api"], ["events:report"]]
EVENT_READERS = [["api"], ["events:status"]]


@strawberry.type
class DispatchQuery:
    @strawberry.federation.field(description="网格事件 (按权限范围)", requires_scopes=EVENT_READERS)
    async def grid_events(self, info: Info[Context, None], first: int | None = None, after: str | None = None,
                          state: str | None = None, township_id: strawberry.ID | None = None) -> gql.Connection[GridEvent]:
        page = await dispatch.list_events(info.context.session, info.context.principal, first=first, after=after,
                                          state=state, township_id=_uuid(township_id, "乡镇") if township_id else None)
        return gql.connection(page, GridEvent.of)


@strawberry.type
class DispatchMutation:
    @strawberry.federation.mutation(description="上报事件", requires_scopes=EVENT_REPORTERS)
    async def report_event(self, info: Info[Context, None], input: ReportEventInput) -> ReportEventPayload:
        event, created = await dispatch.report(
            info.context.session, info.context.principal, township_id=_uuid(input.township_id, "乡镇"),
            matter_type=input.matter_type, priority=input.priority, description=input.description,
            location=input.location, idempotency_key=input.idempotency_key)
        return ReportEventPayload(event=GridEvent.of(event), created=created)

    @strawberry.federation.mutation(description="事件处置 (受理、派遣、签收、办理、反馈、核查、重开…)", requires_scopes=gql.PEOPLE)
    async def act_on_event(self, info: Info[Context, None], input: EventActionInput) -> GridEvent:
        event = await dispatch.act(
            info.context.session, info.context.principal, event_id=_uuid(input.event_id, "事件"), action=input.action.value,
            reason=input.reason, assignee_cadre_id=_uuid(input.assignee_cadre_id, "人员") if input.assignee_cadre_id else None,
            closing_reason=input.closing_reason,
            duplicate_of=_uuid(input.duplicate_of, "事件") if input.duplicate_of else None)
        return GridEvent.of(event)
