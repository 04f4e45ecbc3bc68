"""The township's platform set-up in GraphQL: units on platforms, grids and members, team visits,
posts (定岗定责定人), and the county's working calendar and SLA policies."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Annotated

import strawberry
from sqlalchemy import select
from strawberry.types import Info

from servicekit import gql
from servicekit.app import Context
from servicekit.errors import BadInput
from servicekit.ids import optional_id, parse_id

from .. import deadlines, org, sla
from ..models import EventAlert as EventAlertRow
from ..models import Grid as GridRow
from ..models import GridMember as GridMemberRow
from ..models import Post as PostRow
from ..models import PostDuty, PostHolder
from ..models import SlaPolicy as SlaPolicyRow
from ..models import TeamVisit as TeamVisitRow
from .entities import Cadre, Platform, PlatformUnit, Township, unit_of


@strawberry.type(description="事项类型 (定事)")
class MatterType:
    code: str = strawberry.field(description="事项类型编码")
    name: str = strawberry.field(description="事项名称")
    professional_line: str = strawberry.field(description="所属条线 (如 人民调解)")
    platform_code: str = strawberry.field(description="所属平台")


@strawberry.type(description="网格成员")
class GridMember:
    id: strawberry.ID
    kind: str = strawberry.field(description="CADRE 派驻干部 | STAFF 乡镇干部 | GRID_WORKER 网格员")
    cadre_id: strawberry.Private[object]
    name: str = strawberry.field(description="姓名")
    duty: str = strawberry.field(description="LEADER 网格长 | MEMBER")

    @strawberry.field(description="派驻干部 (人事服务的字段经网关合并); 乡镇干部和网格员为空")
    def cadre(self) -> Cadre | None:
        return Cadre(id=strawberry.ID(str(self.cadre_id))) if self.cadre_id else None


def _members(ctx: Context):
    return gql.rows_loader(
        lambda ids: (
            select(GridMemberRow).where(GridMemberRow.grid_id.in_(ids)).order_by(GridMemberRow.duty, GridMemberRow.name)
        ),
        lambda m: m.grid_id,
        many=True,
    )(ctx)


@strawberry.type(description="网格")
class Grid:
    id: strawberry.ID
    township: Township = strawberry.field(description="所在乡镇(街道)")
    code: str = strawberry.field(description="网格编码")
    name: str = strawberry.field(description="网格名称")
    village: str | None = strawberry.field(description="所在村(社区)")

    @staticmethod
    def of(g: GridRow) -> "Grid":
        return Grid(
            id=strawberry.ID(str(g.id)),
            township=Township(id=strawberry.ID(str(g.township_id))),
            code=g.code,
            name=g.name,
            village=g.village,
        )

    @strawberry.field(description="网格成员")
    async def members(self, info: Info[Context, None]) -> list[GridMember]:
        rows = await info.context.loader("grid_members", _members).load(parse_id(self.id, "网格"))
        return [
            GridMember(id=strawberry.ID(str(m.id)), kind=m.kind, cadre_id=m.cadre_id, name=m.name, duty=m.duty)
            for m in rows
        ]


@strawberry.type(description="组团式进村入户走访")
class TeamVisit:
    id: strawberry.ID
    township: Township = strawberry.field(description="所在乡镇(街道)")
    grid_id: strawberry.Private[object]
    visited_on: dt.date = strawberry.field(description="走访日期")
    place: str = strawberry.field(description="走访地点")
    findings: str = strawberry.field(description="发现的问题与诉求")
    cadres: list[Cadre] = strawberry.field(description="参加走访的派驻干部 (人事服务的字段经网关合并)")
    staff_names: list[str] = strawberry.field(description="参加走访的乡镇干部 (姓名)")

    @strawberry.field(description="走访的网格")
    async def grid(self, info: Info[Context, None]) -> Grid | None:
        row = await info.context.loader("grids", _grids).load(self.grid_id)
        return Grid.of(row) if row else None

    @staticmethod
    def of(v: TeamVisitRow) -> "TeamVisit":
        return TeamVisit(
            id=strawberry.ID(str(v.id)),
            township=Township(id=strawberry.ID(str(v.township_id))),
            grid_id=v.grid_id,
            visited_on=v.visited_on,
            place=v.place,
            findings=v.findings,
            cadres=[Cadre(id=strawberry.ID(str(c))) for c in v.cadre_ids],
            staff_names=list(v.staff_names),
        )


def _grids(ctx: Context):
    return gql.rows_loader(lambda ids: select(GridRow).where(GridRow.id.in_(ids)), lambda g: g.id, many=False)(ctx)


@strawberry.type(description="岗位职责 (定责)")
class PostDutyType:
    matter_type: str = strawberry.field(description="事项类型编码")
    responsibility: str | None = strawberry.field(description="职责说明")


def _duties(ctx: Context):
    return gql.rows_loader(
        lambda ids: select(PostDuty).where(PostDuty.post_id.in_(ids)).order_by(PostDuty.matter_type),
        lambda d: d.post_id,
        many=True,
    )(ctx)


def _holders(ctx: Context):
    return gql.rows_loader(
        lambda ids: select(PostHolder).where(PostHolder.post_id.in_(ids)).order_by(PostHolder.cadre_id),
        lambda h: h.post_id,
        many=True,
    )(ctx)


@strawberry.type(description="岗位 (定岗), 其职责 (定责) 与人员 (定人)")
class Post:
    id: strawberry.ID
    unit_id: strawberry.Private[object]
    name: str = strawberry.field(description="岗位名称")

    @staticmethod
    def of(p: PostRow) -> "Post":
        return Post(id=strawberry.ID(str(p.id)), unit_id=p.unit_id, name=p.name)

    @strawberry.field(description="所属单位")
    async def unit(self, info: Info[Context, None]) -> PlatformUnit | None:
        return await unit_of(info, self.unit_id)

    @strawberry.field(description="岗位职责 (定责)")
    async def duties(self, info: Info[Context, None]) -> list[PostDutyType]:
        rows = await info.context.loader("post_duties", _duties).load(parse_id(self.id, "岗位"))
        return [PostDutyType(matter_type=d.matter_type, responsibility=d.responsibility) for d in rows]

    @strawberry.field(description="在岗人员 (定人; 人事服务的字段经网关合并)")
    async def holders(self, info: Info[Context, None]) -> list[Cadre]:
        rows = await info.context.loader("post_holders", _holders).load(parse_id(self.id, "岗位"))
        return [Cadre(id=strawberry.ID(str(h.cadre_id))) for h in rows]


@strawberry.enum(description="时限单位")
class LimitUnit(enum.Enum):
    HOURS = strawberry.enum_value("HOURS", description="小时 (自然时间)")
    WORKING_DAYS = strawberry.enum_value("WORKING_DAYS", description="工作日 (按工作日历)")


@strawberry.type(description="时限")
class LimitType:
    amount: int = strawberry.field(description="数量")
    unit: LimitUnit = strawberry.field(description="单位")


@strawberry.type(description="办理时限 (按事项类型和优先级; 事项类型为空即县级默认)")
class SlaPolicy:
    matter_type: str | None = strawberry.field(description="事项类型 (空为所有类型的默认)")
    priority: str = strawberry.field(description="紧急程度")
    sign: LimitType = strawberry.field(description="签收时限")
    handle: LimitType = strawberry.field(description="办理时限")
    verify: LimitType = strawberry.field(description="核查时限")
    warn_share: Decimal = strawberry.field(description="预警点 (时限的份额, 如 0.8)")
    escalate_share: Decimal = strawberry.field(description="升级督办点 (时限的份额, 如 1.5)")

    @staticmethod
    def of(r: SlaPolicyRow) -> "SlaPolicy":
        lim = lambda a, u: LimitType(amount=a, unit=LimitUnit(u))  # noqa: E731
        return SlaPolicy(
            matter_type=r.matter_type,
            priority=r.priority,
            sign=lim(r.sign_limit, r.sign_unit),
            handle=lim(r.handle_limit, r.handle_unit),
            verify=lim(r.verify_limit, r.verify_unit),
            warn_share=r.warn_share,
            escalate_share=r.escalate_share,
        )


@strawberry.type(description="工作日历的例外日 (节假日或调休上班)")
class CalendarDay:
    day: dt.date = strawberry.field(description="日期")
    working: bool = strawberry.field(description="是否工作日 (调休上班为是, 节假日为否)")
    note: str | None = strawberry.field(description="说明 (如 国庆节)")


@strawberry.input(description="时限")
class LimitInput:
    amount: int = strawberry.field(description="数量")
    unit: LimitUnit = strawberry.field(description="单位")

    def value(self) -> sla.Limit:
        return sla.Limit(self.amount, self.unit.value)


@strawberry.input(description="设置办理时限")
class SlaPolicyInput:
    matter_type: str | None = strawberry.field(default=None, description="事项类型 (空为默认)")
    priority: str = strawberry.field(description="紧急程度")
    sign: LimitInput = strawberry.field(description="签收时限")
    handle: LimitInput = strawberry.field(description="办理时限")
    verify: LimitInput = strawberry.field(description="核查时限")
    warn_share: Decimal = strawberry.field(default=Decimal("0.75"), description="预警点 (时限的份额)")
    escalate_share: Decimal = strawberry.field(default=Decimal("1.5"), description="升级督办点 (时限的份额)")


@strawberry.input(description="工作日历中的一天")
class CalendarDayInput:
    day: dt.date = strawberry.field(description="日期")
    working: bool = strawberry.field(description="是否工作日")
    note: str | None = strawberry.field(default=None, description="说明")


@strawberry.input(description="岗位的一项职责")
class DutyInput:
    matter_type: str = strawberry.field(description="事项类型编码")
    responsibility: str | None = strawberry.field(default=None, description="职责说明")


@strawberry.input(description="登记组团式走访")
class TeamVisitInput:
    grid_id: strawberry.ID
    visited_on: dt.date = strawberry.field(description="走访日期")
    place: str = strawberry.field(description="走访地点")
    findings: str = strawberry.field(description="发现的问题与诉求")
    cadre_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    staff_names: list[str] = strawberry.field(default_factory=list, description="参加的乡镇干部 (姓名)")


@strawberry.input(description="走访筛选")
class TeamVisitFilter:
    township_id: strawberry.ID | None = None
    cadre_id: strawberry.ID | None = strawberry.field(default=None, description="某派驻干部参加的走访")


@strawberry.input(description="督办筛选")
class EventAlertFilter:
    township_id: strawberry.ID | None = None
    min_level: int = strawberry.field(default=0, description="0 含预警, 1 超时起, 2 仅升级督办")


@strawberry.type(description="预警、超时与督办")
class EventAlert:
    event_id: strawberry.ID = strawberry.field(description="事件 (可见时用 gridEvent(id) 取详情)")
    township: Township = strawberry.field(description="所在乡镇(街道)")
    phase: str = strawberry.field(description="环节: SIGN 签收 | HANDLE 办理 | VERIFY 核查")
    kind: str = strawberry.field(description="WARNING 预警 | OVERDUE 超时 (督办一级) | ESCALATION 升级督办 (二级)")
    level: int = strawberry.field(description="督办级别: 0 预警, 1 超时, 2 升级督办")
    due_at: dt.datetime = strawberry.field(description="环节到期时间")
    raised_at: dt.datetime = strawberry.field(description="提醒产生时间")

    @staticmethod
    def of(a: EventAlertRow) -> "EventAlert":
        return EventAlert(
            event_id=strawberry.ID(str(a.event_id)),
            township=Township(id=strawberry.ID(str(a.township_id))),
            phase=a.phase,
            kind=a.kind,
            level=a.level,
            due_at=a.due_at,
            raised_at=a.raised_at,
        )


@strawberry.type
class OrgQuery:
    @strawberry.federation.field(description="事项类型 (定事)", authenticated=True)
    async def matter_types(self, info: Info[Context, None]) -> list[MatterType]:
        rows = await org.list_matter_types(info.context.session)
        return [
            MatterType(code=r.code, name=r.name, professional_line=r.professional_line, platform_code=r.platform_code)
            for r in rows
        ]

    @strawberry.federation.field(description="本乡镇入驻平台的单位", requires_scopes=gql.PEOPLE)
    async def platform_units(self, info: Info[Context, None], township_id: strawberry.ID) -> list[PlatformUnit]:
        rows = await org.list_units(info.context.session, info.context.principal, parse_id(township_id, "乡镇"))
        return [PlatformUnit.of(u) for u in rows]

    @strawberry.federation.field(description="本乡镇的网格", requires_scopes=gql.PEOPLE)
    async def grids(self, info: Info[Context, None], township_id: strawberry.ID) -> list[Grid]:
        rows = await org.list_grids(info.context.session, info.context.principal, parse_id(township_id, "乡镇"))
        return [Grid.of(g) for g in rows]

    @strawberry.federation.field(description="组团式走访记录", requires_scopes=gql.PEOPLE)
    async def team_visits(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: TeamVisitFilter | None = None,
    ) -> gql.Connection[TeamVisit]:
        f = filter or TeamVisitFilter()
        page = await org.list_visits(
            info.context.session,
            info.context.principal,
            township_id=optional_id(f.township_id, "乡镇"),
            cadre_id=optional_id(f.cadre_id, "人员"),
            first=first,
            after=after,
        )
        return gql.connection(page, TeamVisit.of)

    @strawberry.federation.field(description="本乡镇的岗位 (定岗定责定人)", requires_scopes=gql.PEOPLE)
    async def posts(self, info: Info[Context, None], township_id: strawberry.ID) -> list[Post]:
        rows = await org.list_posts(info.context.session, info.context.principal, parse_id(township_id, "乡镇"))
        return [Post.of(p) for p in rows]

    @strawberry.federation.field(description="办理时限", authenticated=True)
    async def sla_policies(self, info: Info[Context, None]) -> list[SlaPolicy]:
        return [SlaPolicy.of(r) for r in await deadlines.list_policies(info.context.session)]

    @strawberry.federation.field(description="督办清单 (本乡镇的预警、超时和升级督办)", requires_scopes=gql.PEOPLE)
    async def event_alerts(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: EventAlertFilter | None = None,
    ) -> gql.Connection[EventAlert]:
        f = filter or EventAlertFilter()
        page = await deadlines.list_alerts(
            info.context.session,
            info.context.principal,
            township_id=optional_id(f.township_id, "乡镇"),
            min_level=f.min_level,
            first=first,
            after=after,
        )
        return gql.connection(page, EventAlert.of)

    @strawberry.federation.field(description="工作日历中的例外日", authenticated=True)
    async def work_calendar(
        self,
        info: Info[Context, None],
        start: Annotated[dt.date, strawberry.argument(description="起始日期 (含)")],
        end: Annotated[dt.date, strawberry.argument(description="结束日期 (含; 区间不超过 400 天)")],
    ) -> list[CalendarDay]:
        rows = await deadlines.calendar_exceptions(info.context.session, start, end)
        return [CalendarDay(day=r.day, working=r.working, note=r.note) for r in rows]


@strawberry.input(description="设置平台")
class SetPlatformInput:
    code: str = strawberry.field(description="平台编码")
    name: str = strawberry.field(description="平台名称")
    position: int = strawberry.field(description="显示顺序")


@strawberry.input(description="设置事项类型 (定事)")
class SetMatterTypeInput:
    code: str = strawberry.field(description="事项类型编码")
    name: str = strawberry.field(description="事项名称")
    professional_line: str = strawberry.field(description="所属条线")
    platform_code: str = strawberry.field(description="所属平台")


@strawberry.input(description="登记乡镇站所")
class CreateOfficeInput:
    township_id: strawberry.ID
    name: str = strawberry.field(description="站所名称")
    platform_code: str | None = strawberry.field(default=None, description="入驻的平台")


@strawberry.input(description="单位入驻平台")
class AttachUnitInput:
    unit_id: strawberry.ID
    platform_code: str = strawberry.field(description="平台编码")


@strawberry.input(description="设置综合信息指挥室")
class SetCommandCentreInput:
    township_id: strawberry.ID
    name: str = strawberry.field(description="指挥室名称")


@strawberry.input(description="设立网格")
class CreateGridInput:
    township_id: strawberry.ID
    code: str = strawberry.field(description="网格编码 (本乡镇内唯一)")
    name: str = strawberry.field(description="网格名称")
    village: str | None = strawberry.field(default=None, description="所在村(社区)")


@strawberry.input(description="加入网格成员")
class AddGridMemberInput:
    grid_id: strawberry.ID
    kind: str = strawberry.field(description="CADRE | STAFF | GRID_WORKER")
    cadre_id: strawberry.ID | None = None
    name: str | None = strawberry.field(default=None, description="乡镇干部和网格员的姓名")
    duty: str = strawberry.field(default="MEMBER", description="职责: LEADER 网格长 | MEMBER 成员 (默认)")


@strawberry.input(description="移出网格成员")
class RemoveGridMemberInput:
    member_id: strawberry.ID


@strawberry.input(description="设岗 (定岗)")
class CreatePostInput:
    unit_id: strawberry.ID
    name: str = strawberry.field(description="岗位名称")


@strawberry.input(description="设置岗位职责 (定责)")
class SetPostDutiesInput:
    post_id: strawberry.ID
    duties: list[DutyInput] = strawberry.field(description="职责 (覆盖原有)")


@strawberry.input(description="设置岗位人员 (定人)")
class SetPostHoldersInput:
    post_id: strawberry.ID
    cadre_ids: list[strawberry.ID]


@strawberry.input(description="设置工作日历")
class SetWorkCalendarInput:
    days: list[CalendarDayInput] = strawberry.field(default_factory=list, description="设置的日期")
    clear: list[dt.date] = strawberry.field(default_factory=list, description="恢复为周一至周五默认的日期")


@strawberry.type(description="工作日历的变更结果")
class WorkCalendarPayload:
    changed: int = strawberry.field(description="变更的天数")
    days: list[CalendarDay] = strawberry.field(description="设置后的例外日 (本次涉及的日期)")


@strawberry.type
class OrgMutation:
    @strawberry.federation.mutation(description="设置平台 (县级; 默认四平台)", requires_scopes=gql.PEOPLE)
    async def set_platform(self, info: Info[Context, None], input: SetPlatformInput) -> Platform:
        r = await org.set_platform(
            info.context.session, info.context.principal, code=input.code, name=input.name, position=input.position
        )
        return Platform(code=r.code, name=r.name)

    @strawberry.federation.mutation(description="设置事项类型 (定事, 县级)", requires_scopes=gql.PEOPLE)
    async def set_matter_type(self, info: Info[Context, None], input: SetMatterTypeInput) -> MatterType:
        r = await org.set_matter_type(
            info.context.session,
            info.context.principal,
            code=input.code,
            name=input.name,
            professional_line=input.professional_line,
            platform_code=input.platform_code,
        )
        return MatterType(
            code=r.code, name=r.name, professional_line=r.professional_line, platform_code=r.platform_code
        )

    @strawberry.federation.mutation(description="新增乡镇站所 (派驻机构由人事同步)", requires_scopes=gql.PEOPLE)
    async def create_office(self, info: Info[Context, None], input: CreateOfficeInput) -> PlatformUnit:
        return PlatformUnit.of(
            await org.create_office(
                info.context.session,
                info.context.principal,
                township_id=parse_id(input.township_id, "乡镇"),
                name=input.name,
                platform_code=input.platform_code,
            )
        )

    @strawberry.federation.mutation(description="单位入驻平台", requires_scopes=gql.PEOPLE)
    async def attach_unit_to_platform(self, info: Info[Context, None], input: AttachUnitInput) -> PlatformUnit:
        return PlatformUnit.of(
            await org.attach_unit(
                info.context.session,
                info.context.principal,
                unit_id=parse_id(input.unit_id, "单位"),
                platform_code=input.platform_code,
            )
        )

    @strawberry.federation.mutation(description="设置综合信息指挥室名称", requires_scopes=gql.PEOPLE)
    async def set_command_centre(self, info: Info[Context, None], input: SetCommandCentreInput) -> Township:
        town = await org.set_command_centre(
            info.context.session,
            info.context.principal,
            township_id=parse_id(input.township_id, "乡镇"),
            name=input.name,
        )
        return Township(id=strawberry.ID(str(town.id)))

    @strawberry.federation.mutation(description="新建网格", requires_scopes=gql.PEOPLE)
    async def create_grid(self, info: Info[Context, None], input: CreateGridInput) -> Grid:
        return Grid.of(
            await org.create_grid(
                info.context.session,
                info.context.principal,
                township_id=parse_id(input.township_id, "乡镇"),
                code=input.code,
                name=input.name,
                village=input.village,
            )
        )

    @strawberry.federation.mutation(
        description="网格增加成员 (派驻干部下沉、乡镇干部、网格员)", requires_scopes=gql.PEOPLE
    )
    async def add_grid_member(self, info: Info[Context, None], input: AddGridMemberInput) -> Grid:
        member = await org.add_member(
            info.context.session,
            info.context.principal,
            grid_id=parse_id(input.grid_id, "网格"),
            kind=input.kind,
            cadre_id=optional_id(input.cadre_id, "人员"),
            name=input.name,
            duty=input.duty,
        )
        return Grid.of(await info.context.session.get(GridRow, member.grid_id))

    @strawberry.federation.mutation(description="移出网格成员", requires_scopes=gql.PEOPLE)
    async def remove_grid_member(self, info: Info[Context, None], input: RemoveGridMemberInput) -> Grid:
        return Grid.of(
            await org.remove_member(
                info.context.session, info.context.principal, member_id=parse_id(input.member_id, "成员")
            )
        )

    @strawberry.federation.mutation(description="登记组团式走访", requires_scopes=gql.PEOPLE)
    async def log_team_visit(self, info: Info[Context, None], input: TeamVisitInput) -> TeamVisit:
        return TeamVisit.of(
            await org.log_visit(
                info.context.session,
                info.context.principal,
                grid_id=parse_id(input.grid_id, "网格"),
                visited_on=input.visited_on,
                place=input.place,
                findings=input.findings,
                cadre_ids=[parse_id(c, "人员") for c in input.cadre_ids],
                staff_names=input.staff_names,
            )
        )

    @strawberry.federation.mutation(description="设岗 (定岗)", requires_scopes=gql.PEOPLE)
    async def create_post(self, info: Info[Context, None], input: CreatePostInput) -> Post:
        return Post.of(
            await org.create_post(
                info.context.session, info.context.principal, unit_id=parse_id(input.unit_id, "单位"), name=input.name
            )
        )

    @strawberry.federation.mutation(description="岗位职责 (定责, 整体替换)", requires_scopes=gql.PEOPLE)
    async def set_post_duties(self, info: Info[Context, None], input: SetPostDutiesInput) -> Post:
        return Post.of(
            await org.set_duties(
                info.context.session,
                info.context.principal,
                post_id=parse_id(input.post_id, "岗位"),
                duties=[(d.matter_type, d.responsibility) for d in input.duties],
            )
        )

    @strawberry.federation.mutation(description="岗位人员 (定人, 整体替换)", requires_scopes=gql.PEOPLE)
    async def set_post_holders(self, info: Info[Context, None], input: SetPostHoldersInput) -> Post:
        return Post.of(
            await org.set_holders(
                info.context.session,
                info.context.principal,
                post_id=parse_id(input.post_id, "岗位"),
                cadre_ids=[parse_id(c, "人员") for c in input.cadre_ids],
            )
        )

    @strawberry.federation.mutation(description="设置办理时限 (县级)", requires_scopes=gql.PEOPLE)
    async def set_sla_policy(self, info: Info[Context, None], input: SlaPolicyInput) -> SlaPolicy:
        return SlaPolicy.of(
            await deadlines.set_policy(
                info.context.session,
                info.context.principal,
                matter_type=input.matter_type,
                priority=input.priority,
                limits={"sign": input.sign.value(), "handle": input.handle.value(), "verify": input.verify.value()},
                warn_share=input.warn_share,
                escalate_share=input.escalate_share,
            )
        )

    @strawberry.federation.mutation(
        description="设置工作日历 (节假日、调休; clear 恢复默认)", requires_scopes=gql.PEOPLE
    )
    async def set_work_calendar(self, info: Info[Context, None], input: SetWorkCalendarInput) -> WorkCalendarPayload:
        if len(input.days) + len(input.clear) > deadlines.MAX_CALENDAR_DAYS:
            raise BadInput(f"一次最多设置 {deadlines.MAX_CALENDAR_DAYS} 天")
        await deadlines.set_calendar(
            info.context.session,
            info.context.principal,
            days=[(d.day, d.working, d.note) for d in input.days],
            clear=input.clear,
        )
        return WorkCalendarPayload(
            changed=len(input.days) + len(input.clear),
            days=[CalendarDay(day=d.day, working=d.working, note=d.note) for d in input.days],
        )
