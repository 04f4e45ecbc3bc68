"""Grid events in GraphQL: report, act through the lifecycle, read by scope, duplicates, statistics."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from typing import Annotated

import strawberry
from sqlalchemy import select
from strawberry.types import Info

from servicekit import gql
from servicekit.app import Context
from servicekit.ids import optional_id, parse_id

from .. import dispatch, stats
from .. import lifecycle as lc
from ..models import Callback as CallbackRow
from ..models import EventTransition
from ..models import GridEvent as GridEventRow
from .entities import Cadre, PlatformUnit, Township, unit_of, units_loader


@strawberry.enum(description="网格事件状态 (lifecycle.py 的状态)")
class EventState(enum.Enum):
    REPORTED = strawberry.enum_value(lc.REPORTED, description="已上报, 待指挥室受理")
    ACCEPTED = strawberry.enum_value(lc.ACCEPTED, description="已受理, 待派遣")
    REFUSED = strawberry.enum_value(lc.REFUSED, description="不予受理 (附理由)")
    DUPLICATE = strawberry.enum_value(lc.DUPLICATE, description="重复事件, 关联原事件")
    DISPATCHED = strawberry.enum_value(lc.DISPATCHED, description="已派遣到承办单位 (或个人), 待签收")
    RETURNED = strawberry.enum_value(lc.RETURNED, description="承办单位退回指挥室")
    SIGNED = strawberry.enum_value(lc.SIGNED, description="已签收")
    IN_PROGRESS = strawberry.enum_value(lc.IN_PROGRESS, description="办理中")
    FEEDBACK = strawberry.enum_value(lc.FEEDBACK, description="已反馈, 待核查")
    CLOSED = strawberry.enum_value(lc.CLOSED, description="核查通过, 已办结")
    REOPENED = strawberry.enum_value(lc.REOPENED, description="办结后重新打开")


@strawberry.enum(description="事件处置动作")
class EventAction(enum.Enum):
    ACCEPT = strawberry.enum_value("accept", description="受理")
    REFUSE = strawberry.enum_value("refuse", description="不予受理 (附理由)")
    MARK_DUPLICATE = strawberry.enum_value("mark_duplicate", description="标为重复事件")
    DISPATCH = strawberry.enum_value("dispatch", description="派遣")
    ASSIGN = strawberry.enum_value("assign", description="承办单位负责人在本单位内指派")
    RETURN = strawberry.enum_value("return", description="退回指挥室")
    SIGN = strawberry.enum_value("sign", description="签收")
    START = strawberry.enum_value("start", description="开始办理")
    FEEDBACK = strawberry.enum_value("feedback", description="反馈办理结果")
    VERIFY_PASS = strawberry.enum_value("verify_pass", description="核查通过, 办结")
    VERIFY_FAIL = strawberry.enum_value("verify_fail", description="核查不通过, 重办")
    REOPEN = strawberry.enum_value("reopen", description="重新打开")


@strawberry.type(description="附件 (元数据; 文件存于对象存储)")
class Attachment:
    name: str = strawberry.field(description="文件名")
    ref: str = strawberry.field(description="对象存储中的引用")
    content_type: str | None = strawberry.field(description="MIME 类型")
    size: int | None = strawberry.field(description="大小 (字节)")


@strawberry.enum(description="派单推荐的依据 (routing.py, 依次尝试)")
class RoutingReason(enum.Enum):
    POST_AND_GRID = strawberry.enum_value("POST_AND_GRID", description="持有该事项岗位且在本网格的派驻干部")
    POST = strawberry.enum_value("POST", description="持有该事项岗位的派驻干部")
    GRID_LINE = strawberry.enum_value("GRID_LINE", description="在本网格且属该事项条线的派驻干部")
    LINE = strawberry.enum_value("LINE", description="属该事项条线的派驻干部")
    POST_UNIT = strawberry.enum_value("POST_UNIT", description="设有该事项岗位的单位 (无合适个人)")
    NONE = strawberry.enum_value("NONE", description="无可推荐的单位或人员, 由指挥室判断")


@strawberry.type(description="派单推荐及其理由")
class RoutingRecommendation:
    unit_id: strawberry.Private[object]
    cadre: Cadre | None = strawberry.field(description="推荐的承办人 (人事服务的字段经网关合并)")
    reason: RoutingReason = strawberry.field(description="推荐依据")
    note: str = strawberry.field(description="推荐理由 (中文, 可直接展示)")

    @strawberry.field(description="推荐的承办单位")
    async def unit(self, info: Info[Context, None]) -> PlatformUnit | None:
        return await unit_of(info, self.unit_id)


@strawberry.type(description="当前环节的时限")
class Deadline:
    phase: str = strawberry.field(description="SIGN 签收 | HANDLE 办理 | VERIFY 核查")
    started_at: dt.datetime = strawberry.field(description="本环节开始时间")
    warn_at: dt.datetime = strawberry.field(description="预警时间")
    due_at: dt.datetime = strawberry.field(description="到期时间")
    escalate_at: dt.datetime = strawberry.field(description="升级督办时间")
    warned: bool = strawberry.field(description="是否已预警")
    overdue: bool = strawberry.field(description="是否已超时")
    escalation_level: int = strawberry.field(description="督办级别: 0 无, 1 指挥室督办, 2 乡镇领导督办")


@strawberry.type(description="处置记录 (每个状态的时间)")
class EventStep:
    action: str = strawberry.field(description="处置动作")
    source: str = strawberry.field(description="处置前状态")
    target: str = strawberry.field(description="处置后状态")
    actor: str = strawberry.field(description="处置人 (账号标识)")
    reason: str | None = strawberry.field(description="理由")
    at: dt.datetime = strawberry.field(description="时间")
    overdue: bool | None = strawberry.field(description="该步结束的环节是否超时 (结束时冻结)")


@strawberry.type(description="回访")
class CallbackRecord:
    reached: bool = strawberry.field(description="是否联系上")
    satisfaction: str | None = strawberry.field(description="满意度: SATISFIED | BASIC | UNSATISFIED")
    note: str | None = strawberry.field(description="回访记录")
    at: dt.datetime = strawberry.field(description="回访时间")


@strawberry.type(description="原始事件的办理结果 (重复事件的反映人可见)")
class OriginalOutcome:
    event_id: strawberry.ID = strawberry.field(description="原事件的 id")
    state: EventState = strawberry.field(description="原事件的状态")
    closing_reason: str | None = strawberry.field(description="原事件的办结原因")
    closed_at: dt.datetime | None = strawberry.field(description="原事件的办结时间")


def _history(ctx: Context):
    return gql.rows_loader(
        lambda ids: select(EventTransition).where(EventTransition.event_id.in_(ids)).order_by(EventTransition.id),
        lambda r: r.event_id,
        many=True,
    )(ctx)


def _callbacks(ctx: Context):
    return gql.rows_loader(
        lambda ids: select(CallbackRow).where(CallbackRow.event_id.in_(ids)).order_by(CallbackRow.id),
        lambda r: r.event_id,
        many=True,
    )(ctx)


def _events(ctx: Context):
    return gql.rows_loader(
        lambda ids: select(GridEventRow).where(GridEventRow.id.in_(ids)), lambda r: r.id, many=False
    )(ctx)


@strawberry.type(description="网格事件")
class GridEvent:
    row: strawberry.Private[GridEventRow]
    id: strawberry.ID
    township_id: strawberry.ID = strawberry.field(description="所在乡镇(街道)的 id")
    matter_type: str = strawberry.field(description="事项类型编码 (定事)")
    priority: str = strawberry.field(description="紧急程度: URGENT | HIGH | NORMAL")
    description: str = strawberry.field(description="事件描述")
    location: str | None = strawberry.field(description="地点")
    grid_id: strawberry.ID | None = strawberry.field(description="所在网格的 id")
    state: EventState = strawberry.field(description="事件状态")
    source: str = strawberry.field(description="来源: GRID 网格上报 | HOTLINE 热线 | SYSTEM 部门系统")
    reported_at: dt.datetime = strawberry.field(description="上报时间")
    closed_at: dt.datetime | None = strawberry.field(description="办结时间")
    attachments: list[Attachment] = strawberry.field(description="附件")
    lead_unit_id: strawberry.ID | None = strawberry.field(description="承办单位")
    assisting_unit_ids: list[strawberry.ID] = strawberry.field(description="协办单位")
    assignee_cadre_id: strawberry.ID | None = strawberry.field(description="承办人")
    outside_line_reason: str | None = strawberry.field(description="派给非本条线人员的理由 (派驻部门可见)")
    closing_reason: str | None = strawberry.field(description="办结原因")
    duplicate_of: strawberry.ID | None = strawberry.field(description="重复事件所关联的原事件的 id")
    recommendation: RoutingRecommendation | None = strawberry.field(description="派单推荐 (受理、退回、重开时计算)")
    deadline: Deadline | None = strawberry.field(description="当前环节的时限 (无计时环节时为空)")

    @staticmethod
    def of(e: GridEventRow) -> "GridEvent":
        recommendation = (
            None
            if e.recommendation_reason is None
            else RoutingRecommendation(
                unit_id=e.recommended_unit_id,
                cadre=Cadre(id=strawberry.ID(str(e.recommended_cadre_id))) if e.recommended_cadre_id else None,
                reason=RoutingReason(e.recommendation_reason),
                note=e.recommendation_note or "",
            )
        )
        deadline = (
            None
            if e.phase is None
            else Deadline(
                phase=e.phase,
                started_at=e.phase_started_at,
                warn_at=e.warn_at,
                due_at=e.due_at,
                escalate_at=e.escalate_at,
                warned=e.warned,
                overdue=e.overdue,
                escalation_level=e.escalation_level,
            )
        )
        return GridEvent(
            row=e,
            id=strawberry.ID(str(e.id)),
            township_id=strawberry.ID(str(e.township_id)),
            matter_type=e.matter_type,
            priority=e.priority,
            description=e.description,
            location=e.location,
            grid_id=gql.gid(e.grid_id),
            state=e.state,
            source=e.source,
            reported_at=e.reported_at,
            closed_at=e.closed_at,
            attachments=[
                Attachment(name=a["name"], ref=a["ref"], content_type=a.get("contentType"), size=a.get("size"))
                for a in e.attachments or []
            ],
            lead_unit_id=gql.gid(e.lead_unit_id),
            assisting_unit_ids=[gql.gid(u) for u in e.assisting_unit_ids or []],
            assignee_cadre_id=gql.gid(e.assignee_cadre_id),
            outside_line_reason=e.outside_line_reason,
            closing_reason=e.closing_reason,
            duplicate_of=gql.gid(e.duplicate_of),
            recommendation=recommendation,
            deadline=deadline,
        )

    @strawberry.field(description="所在乡镇(街道)")
    def township(self) -> Township:
        return Township(id=strawberry.ID(str(self.row.township_id)))

    @strawberry.field(description="承办单位")
    async def lead_unit(self, info: Info[Context, None]) -> PlatformUnit | None:
        return await unit_of(info, self.row.lead_unit_id)

    @strawberry.field(description="协办单位")
    async def assisting_units(self, info: Info[Context, None]) -> list[PlatformUnit]:
        rows = await info.context.loader("units", units_loader).load_many(self.row.assisting_unit_ids or [])
        return [PlatformUnit.of(r) for r in rows if r]

    @strawberry.field(description="承办人 (人事服务的字段经网关合并)")
    def assignee(self) -> Cadre | None:
        return Cadre(id=strawberry.ID(str(self.row.assignee_cadre_id))) if self.row.assignee_cadre_id else None

    @strawberry.field(description="当前用户现在可执行的处置动作")
    def allowed_actions(self, info: Info[Context, None]) -> list[EventAction]:
        return [EventAction(a) for a in dispatch.allowed_actions(info.context.principal, self.row)]

    @strawberry.field(description="处置记录")
    async def history(self, info: Info[Context, None]) -> list[EventStep]:
        rows = await info.context.loader("event_history", _history).load(self.row.id)
        return [
            EventStep(
                action=t.action,
                source=t.source,
                target=t.target,
                actor=t.actor,
                reason=t.reason,
                at=t.at,
                overdue=t.overdue,
            )
            for t in rows
        ]

    @strawberry.field(description="回访记录")
    async def callbacks(self, info: Info[Context, None]) -> list[CallbackRecord]:
        rows = await info.context.loader("event_callbacks", _callbacks).load(self.row.id)
        return [CallbackRecord(reached=c.reached, satisfaction=c.satisfaction, note=c.note, at=c.at) for c in rows]

    @strawberry.field(description="重复事件: 原始事件的办理结果")
    async def original_outcome(self, info: Info[Context, None]) -> OriginalOutcome | None:
        if self.row.duplicate_of is None:
            return None
        o = await info.context.loader("events_by_id", _events).load(self.row.duplicate_of)
        return (
            OriginalOutcome(
                event_id=strawberry.ID(str(o.id)), state=o.state, closing_reason=o.closing_reason, closed_at=o.closed_at
            )
            if o
            else None
        )


@strawberry.input(description="附件元数据")
class AttachmentInput:
    name: str = strawberry.field(description="文件名")
    ref: str = strawberry.field(description="对象存储中的引用: oss://桶/路径 或 s3://桶/路径 (先上传, 再上报)")
    content_type: str | None = strawberry.field(default=None, description="MIME 类型")
    size: int | None = strawberry.field(default=None, description="大小 (字节)")


@strawberry.input(description="上报网格事件")
class ReportEventInput:
    township_id: strawberry.ID
    matter_type: str = strawberry.field(description="事项类型编码")
    description: str = strawberry.field(description="事件描述")
    priority: str = strawberry.field(default="NORMAL", description="紧急程度: URGENT | HIGH | NORMAL (默认)")
    location: str | None = strawberry.field(default=None, description="地点")
    grid_id: strawberry.ID | None = None
    attachments: list[AttachmentInput] | None = strawberry.field(default=None, description="附件 (元数据)")
    idempotency_key: str | None = strawberry.field(default=None, description="部门系统上报必填; 重复提交返回首次的事件")


@strawberry.input(description="回访")
class CallbackInput:
    reached: bool = strawberry.field(description="是否联系上上报人")
    satisfaction: str | None = strawberry.field(default=None, description="SATISFIED | BASIC | UNSATISFIED")
    note: str | None = strawberry.field(default=None, description="回访记录")

    def value(self) -> dispatch.CallbackInput:
        return dispatch.CallbackInput(reached=self.reached, satisfaction=self.satisfaction, note=self.note)


@strawberry.input(description="对事件的一次处置")
class EventActionInput:
    event_id: strawberry.ID
    action: EventAction = strawberry.field(description="处置动作 (须在 allowedActions 内)")
    reason: str | None = strawberry.field(default=None, description="理由 (不予受理、退回、非本条线派单等须填)")
    lead_unit_id: strawberry.ID | None = strawberry.field(default=None, description="派遣: 承办单位")
    assignee_cadre_id: strawberry.ID | None = strawberry.field(default=None, description="派遣/指派: 承办人")
    assisting_unit_ids: list[strawberry.ID] | None = strawberry.field(default=None, description="派遣: 协办单位")
    closing_reason: str | None = strawberry.field(default=None, description="办结原因 (核查通过时)")
    duplicate_of: strawberry.ID | None = None
    callback: CallbackInput | None = strawberry.field(default=None, description="核查时的回访")


@strawberry.type(description="上报结果")
class ReportEventPayload:
    event: GridEvent = strawberry.field(description="事件 (重复提交时为首次上报的事件)")
    created: bool = strawberry.field(description="false: 幂等键重复, 返回的是首次上报的事件")


@strawberry.enum(description="统计口径")
class StatisticsGroup(enum.Enum):
    TOWNSHIP = strawberry.enum_value("TOWNSHIP", description="按乡镇")
    UNIT = strawberry.enum_value("UNIT", description="按承办单位")
    CADRE = strawberry.enum_value("CADRE", description="按承办人")


@strawberry.type(description="事件办理统计 (按冻结的处置记录计算)")
class EventStatistics:
    key: strawberry.ID = strawberry.field(description="乡镇、单位或干部编号")
    dispatched: int = strawberry.field(description="派遣数")
    signed: int = strawberry.field(description="签收数")
    signed_on_time: int = strawberry.field(description="按时签收数")
    handled: int = strawberry.field(description="办理完成数")
    handled_on_time: int = strawberry.field(description="按时办理数")
    closed: int = strawberry.field(description="办结数")
    returned: int = strawberry.field(description="退回数")
    verify_failed: int = strawberry.field(description="核查不通过数")
    overdue_phases: int = strawberry.field(description="超时环节数")
    outside_line: int = strawberry.field(description="非本条线派单 (例外理由) 次数")
    on_time_rate: float | None = strawberry.field(description="按时率 (0–1)")
    avg_sign_hours: float | None = strawberry.field(description="平均签收用时 (小时)")
    avg_handle_hours: float | None = strawberry.field(description="平均办理用时 (小时)")
    callbacks: int = strawberry.field(description="回访数")
    satisfied: int = strawberry.field(description="满意数")

    @staticmethod
    def of(r: stats.Row) -> "EventStatistics":
        # The same figures as ``stats.Row``, with the group's id as a GraphQL ID and the derived rate.
        return EventStatistics(
            **{**dataclasses.asdict(r), "key": strawberry.ID(str(r.key)), "on_time_rate": r.on_time_rate}
        )


@strawberry.input(description="事件筛选")
class GridEventFilter:
    state: EventState | None = strawberry.field(default=None, description="事件状态")
    township_id: strawberry.ID | None = None
    overdue: bool | None = strawberry.field(default=None, description="当前环节是否已超时")
    assignee_cadre_id: strawberry.ID | None = strawberry.field(default=None, description="承办人 (派驻干部) 的 id")
    lead_unit_id: strawberry.ID | None = strawberry.field(default=None, description="承办单位的 id")
    outside_line: bool | None = strawberry.field(default=None, description="是否为非本条线派单 (例外)")
    idempotency_key: str | None = strawberry.field(
        default=None, description="部门系统按自己上报时的幂等键查找 (只找本系统上报的事件)"
    )


@strawberry.input(description="记录回访")
class RecordCallbackInput:
    event_id: strawberry.ID
    callback: CallbackInput = strawberry.field(description="回访结果")


@strawberry.input(description="统计口径与区间")
class StatisticsFilter:
    group_by: StatisticsGroup = strawberry.field(description="统计口径")
    start: dt.datetime = strawberry.field(description="起始时间 (含)")
    end: dt.datetime = strawberry.field(description="不含; 区间不超过一年")
    township_id: strawberry.ID | None = None


EVENT_REPORTERS = [["api"], ["events:report"]]
EVENT_READERS = [["api"], ["events:status"]]


@strawberry.type
class DispatchQuery:
    @strawberry.federation.field(description="网格事件 (按权限范围, 新的在前)", requires_scopes=EVENT_READERS)
    async def grid_events(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: GridEventFilter | None = None,
    ) -> gql.Connection[GridEvent]:
        f = filter or GridEventFilter()
        page = await dispatch.list_events(
            info.context.session,
            info.context.principal,
            first=first,
            after=after,
            state=f.state.value if f.state else None,
            idempotency_key=f.idempotency_key,
            township_id=optional_id(f.township_id, "乡镇"),
            overdue=f.overdue,
            assignee_cadre_id=optional_id(f.assignee_cadre_id, "人员"),
            lead_unit_id=optional_id(f.lead_unit_id, "单位"),
            outside_line=f.outside_line,
        )
        return gql.connection(page, GridEvent.of)

    @strawberry.federation.field(description="一个网格事件", requires_scopes=EVENT_READERS)
    async def grid_event(self, info: Info[Context, None], id: strawberry.ID) -> GridEvent:
        return GridEvent.of(
            await dispatch.get_event(info.context.session, info.context.principal, parse_id(id, "事件"))
        )

    @strawberry.federation.field(
        description="疑似重复事件 (同乡镇、同类、同网格、时间窗内)", requires_scopes=gql.PEOPLE
    )
    async def duplicate_candidates(
        self,
        info: Info[Context, None],
        event_id: strawberry.ID,
        window_hours: Annotated[int, strawberry.argument(description="在多少小时内找重复 (默认 72)")] = 72,
    ) -> list[GridEvent]:
        rows = await dispatch.duplicate_candidates(
            info.context.session, info.context.principal, event_id=parse_id(event_id, "事件"), window_hours=window_hours
        )
        return [GridEvent.of(r) for r in rows]

    @strawberry.federation.field(
        description="事件办理统计 (按乡镇、单位或干部; 按编号分页)", requires_scopes=gql.PEOPLE
    )
    async def event_statistics(
        self, info: Info[Context, None], filter: StatisticsFilter, first: int | None = None, after: str | None = None
    ) -> gql.Connection[EventStatistics]:
        page = await stats.statistics(
            info.context.session,
            info.context.principal,
            group_by=filter.group_by.value,
            start=filter.start,
            end=filter.end,
            township_id=optional_id(filter.township_id, "乡镇"),
            first=first,
            after=after,
        )
        return gql.connection(page, EventStatistics.of)


@strawberry.type
class DispatchMutation:
    @strawberry.federation.mutation(description="上报事件", requires_scopes=EVENT_REPORTERS)
    async def report_event(self, info: Info[Context, None], input: ReportEventInput) -> ReportEventPayload:
        event, created = await dispatch.report(
            info.context.session,
            info.context.principal,
            township_id=parse_id(input.township_id, "乡镇"),
            matter_type=input.matter_type,
            priority=input.priority,
            description=input.description,
            location=input.location,
            idempotency_key=input.idempotency_key,
            grid_id=optional_id(input.grid_id, "网格"),
            attachments=[
                {"name": a.name, "ref": a.ref, "contentType": a.content_type, "size": a.size}
                for a in input.attachments or []
            ],
        )
        return ReportEventPayload(event=GridEvent.of(event), created=created)

    @strawberry.federation.mutation(
        description="事件处置 (受理、派遣、指派、签收、办理、反馈、核查、重开…)", requires_scopes=gql.PEOPLE
    )
    async def act_on_event(self, info: Info[Context, None], input: EventActionInput) -> GridEvent:
        event = await dispatch.act(
            info.context.session,
            info.context.principal,
            event_id=parse_id(input.event_id, "事件"),
            action=input.action.value,
            reason=input.reason,
            assignee_cadre_id=optional_id(input.assignee_cadre_id, "人员"),
            lead_unit_id=optional_id(input.lead_unit_id, "单位"),
            assisting_unit_ids=[parse_id(u, "单位") for u in input.assisting_unit_ids or []],
            closing_reason=input.closing_reason,
            duplicate_of=optional_id(input.duplicate_of, "事件"),
            callback=input.callback.value() if input.callback else None,
        )
        return GridEvent.of(event)

    @strawberry.federation.mutation(description="回访反映人", requires_scopes=gql.PEOPLE)
    async def record_callback(self, info: Info[Context, None], input: RecordCallbackInput) -> GridEvent:
        event = await dispatch.record_callback(
            info.context.session,
            info.context.principal,
            event_id=parse_id(input.event_id, "事件"),
            callback=input.callback.value(),
        )
        return GridEvent.of(event)
