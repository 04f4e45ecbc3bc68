"""通知设置 in GraphQL: the caller's channels per kind, quiet hours and daily digest."""

from __future__ import annotations

import enum

import strawberry
from strawberry.types import Info

from servicekit import gql
from servicekit.app import Context

from .. import deliveries, preferences
from .inbox import InboxKind


@strawberry.enum(description="个人通知渠道")
class NotificationChannel(enum.Enum):
    EMAIL = strawberry.enum_value("EMAIL", description="电子邮件")
    DINGTALK = strawberry.enum_value("DINGTALK", description="钉钉 (浙政钉) 工作通知")
    WECOM = strawberry.enum_value("WECOM", description="企业微信应用消息")


@strawberry.type(description="某类待办发往哪些渠道")
class KindChannels:
    kind: InboxKind = strawberry.field(description="待办类型")
    channels: list[NotificationChannel] = strawberry.field(description="渠道; 空表示只在系统待办中, 不另行通知")


@strawberry.type(description="我的通知设置")
class NotificationSettings:
    digest: bool = strawberry.field(description="每日汇总: 非紧急待办每天早上汇总为一条通知, 而非逐条发送")
    quiet_hours: bool = strawberry.field(description="夜间免打扰 (22:00-07:00): 非紧急待办到早上再发")
    reachable: list[NotificationChannel] = strawberry.field(
        description="本县已开通且我留有地址的渠道 (未单独设置的待办类型发往这些渠道)"
    )
    by_kind: list[KindChannels] = strawberry.field(description="单独设置了渠道的待办类型")

    @staticmethod
    def of(s: preferences.Settings) -> "NotificationSettings":
        return NotificationSettings(
            digest=s.digest,
            quiet_hours=s.quiet_hours,
            reachable=[NotificationChannel[c] for c in s.reachable],
            by_kind=[
                KindChannels(kind=InboxKind[k], channels=[NotificationChannel[c] for c in chans])
                for k, chans in sorted(s.by_kind.items())
            ],
        )


@strawberry.input(description="某类待办发往哪些渠道")
class KindChannelsInput:
    kind: InboxKind = strawberry.field(description="待办类型")
    channels: list[NotificationChannel] = strawberry.field(description="渠道; 空表示不另行通知")


@strawberry.input(description="通知设置 (整体替换)")
class NotificationSettingsInput:
    digest: bool = strawberry.field(default=False, description="每日汇总")
    quiet_hours: bool = strawberry.field(default=True, description="夜间免打扰")
    by_kind: list[KindChannelsInput] = strawberry.field(
        default_factory=list, description="单独设置渠道的待办类型; 未列出的发往所有可达渠道"
    )


def _enabled(info: Info[Context, None]) -> list[str]:
    return deliveries.channels(info.context.settings)


@strawberry.type
class SettingsQuery:
    @strawberry.federation.field(description="我的通知设置", requires_scopes=gql.PEOPLE)
    async def my_notification_settings(self, info: Info[Context, None]) -> NotificationSettings:
        return NotificationSettings.of(
            await preferences.mine(info.context.session, info.context.principal, _enabled(info))
        )


@strawberry.type
class SettingsMutation:
    @strawberry.federation.mutation(description="修改我的通知设置", requires_scopes=gql.PEOPLE)
    async def set_notification_settings(
        self, info: Info[Context, None], input: NotificationSettingsInput
    ) -> NotificationSettings:
        by_kind: dict[str, list[str]] = {}
        for k in input.by_kind:
            by_kind.setdefault(k.kind.value, []).extend(c.value for c in k.channels)
        chosen = await preferences.choose(
            info.context.session,
            info.context.principal,
            _enabled(info),
            digest=input.digest,
            quiet_hours=input.quiet_hours,
            by_kind=by_kind,
        )
        return NotificationSettings.of(chosen)
