"""待办 in GraphQL: the caller's inbox and its counts."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry
from strawberry.types import Info

from servicekit import gql
from servicekit.app import Context
from servicekit.ids import parse_id

from .. import inbox, models

# One value per kind of work, described in the county's words (inbox.KINDS).
InboxKind = strawberry.enum(
    enum.Enum("InboxKind", {k: strawberry.enum_value(k, description=v) for k, v in inbox.KINDS.items()}),
    description="待办类型",
)


@strawberry.enum(description="待办状态")
class InboxStatus(enum.Enum):
    OPEN = strawberry.enum_value("OPEN", description="待办")
    DONE = strawberry.enum_value("DONE", description="已办 (由完成它的那一步关闭)")


@strawberry.type(description="一项待办: 某个角色 (在其范围内) 须办理的事")
class InboxItem:
    id: strawberry.ID
    kind: InboxKind = strawberry.field(description="待办类型")
    title: str = strawberry.field(description="标题 (不含身份证号、手机号等个人信息)")
    body: str = strawberry.field(description="说明")
    link: str = strawberry.field(description="控制台中打开该事项的路由, 如 /dispatch?event=<id>")
    subject: str = strawberry.field(description="所涉对象: 来源与 id, 如 platform.grid_event:<id>")
    due_at: dt.datetime | None = strawberry.field(description="办理期限; 无期限时为空")
    urgent: bool = strawberry.field(description="是否紧急 (紧急事件、超时预警与督办): 夜间也即时提醒")
    information: bool = strawberry.field(
        description="知悉类 (如事件办结告知、考核结果公示): 阅后可标记已阅; 其余待办在办理完成时自动办结"
    )
    created_at: dt.datetime = strawberry.field(description="产生时间")
    done_at: dt.datetime | None = strawberry.field(description="办结时间; 待办时为空")

    @staticmethod
    def of(r: models.InboxItem) -> "InboxItem":
        return InboxItem(
            id=strawberry.ID(str(r.id)),
            kind=InboxKind[r.kind],
            title=r.title,
            body=r.body,
            link=r.link,
            subject=f"{r.source}:{r.source_id}",
            due_at=r.due_at,
            urgent=r.urgent,
            information=r.kind in inbox.INFORMATION,
            created_at=r.created_at,
            done_at=r.done_at,
        )


@strawberry.type(description="某类待办的件数")
class InboxKindCount:
    kind: InboxKind = strawberry.field(description="待办类型")
    count: int = strawberry.field(description="待办件数")


@strawberry.type(description="待办汇总")
class InboxSummary:
    open: int = strawberry.field(description="待办件数")
    overdue: int = strawberry.field(description="已过期限的待办件数")
    by_kind: list[InboxKindCount] = strawberry.field(description="按类型")


@strawberry.input(description="待办筛选")
class InboxFilter:
    status: InboxStatus | None = strawberry.field(default=InboxStatus.OPEN, description="状态 (默认待办; 空为全部)")
    kind: InboxKind | None = strawberry.field(default=None, description="类型")
    overdue: bool = strawberry.field(default=False, description="只看已过期限的")


@strawberry.type
class InboxQuery:
    @strawberry.federation.field(description="我的待办 (发给我所持角色的事项, 新的在前)", requires_scopes=gql.PEOPLE)
    async def my_inbox(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: InboxFilter | None = None,
    ) -> gql.Connection[InboxItem]:
        f = filter or InboxFilter()
        page = await inbox.my_items(
            info.context.session,
            info.context.principal,
            first=first,
            after=after,
            status=f.status.value if f.status else None,
            kind=f.kind.value if f.kind else None,
            overdue=f.overdue,
        )
        return gql.connection(page, InboxItem.of)

    @strawberry.federation.field(description="我的待办汇总", requires_scopes=gql.PEOPLE)
    async def my_inbox_summary(self, info: Info[Context, None]) -> InboxSummary:
        s = await inbox.summary(info.context.session, info.context.principal)
        return InboxSummary(
            open=s.open,
            overdue=s.overdue,
            by_kind=[InboxKindCount(kind=InboxKind[k], count=n) for k, n in sorted(s.by_kind.items())],
        )


@strawberry.type
class InboxMutation:
    @strawberry.federation.mutation(description="把一条知悉类待办标记为已阅", requires_scopes=gql.PEOPLE)
    async def mark_inbox_item_read(self, info: Info[Context, None], id: strawberry.ID) -> InboxItem:
        item = await inbox.mark_read(info.context.session, info.context.principal, parse_id(id, "待办"))
        return InboxItem.of(item)
