"""The ``identity`` subgraph: ``me``, users, role bindings, service clients. Thin resolvers."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from servicekit import gql
from servicekit.app import Context
from servicekit.errors import NotFound
from servicekit.principal import Role as KernelRole
from servicekit.principal import ScopeKind as KernelScopeKind

from .. import admin, policy
from ..models import OAuthClient, RoleBindingRow
from ..models import User as UserRow

Role = strawberry.enum(KernelRole, description="角色")
ScopeKind = strawberry.enum(KernelScopeKind, description="授权范围: 全县/部门/乡镇/机构/本人")


@strawberry.type(description="角色绑定 (角色, 范围)")
class RoleBinding:
    id: strawberry.ID | None
    role: Role = strawberry.field(description="角色")
    scope_kind: ScopeKind = strawberry.field(description="范围类型")
    scope_id: str | None = strawberry.field(description="范围 id (全县为空)")

    @staticmethod
    def of(row: RoleBindingRow) -> "RoleBinding":
        return RoleBinding(
            id=strawberry.ID(str(row.id)),
            role=KernelRole(row.role),
            scope_kind=KernelScopeKind(row.scope_kind),
            scope_id=row.scope_id,
        )


def _bindings_loader(ctx: Context) -> DataLoader:
    async def load(ids: list[uuid.UUID]):
        found = await admin.bindings_for(ctx.session, list(ids))
        return [found.get(i, []) for i in ids]

    return DataLoader(load_fn=load)


@strawberry.federation.type(keys=["id"], description="系统用户")
class User:
    id: strawberry.ID
    username: str = strawberry.field(description="登录名")
    display_name: str = strawberry.field(description="显示名")
    active: bool = strawberry.field(description="是否启用")
    locked: bool = strawberry.field(description="是否因多次登录失败被锁定")

    @strawberry.field(description="角色绑定")
    async def role_bindings(self, info: Info[Context, None]) -> list[RoleBinding]:
        rows = await info.context.loader("bindings", _bindings_loader).load(uuid.UUID(self.id))
        return [RoleBinding.of(r) for r in rows]

    @staticmethod
    def of(row: UserRow) -> "User":
        locked = bool(row.locked_until and row.locked_until > dt.datetime.now(dt.timezone.utc))
        return User(
            id=strawberry.ID(str(row.id)),
            username=row.username,
            display_name=row.display_name,
            active=row.active,
            locked=locked,
        )

    @classmethod
    async def resolve_reference(cls, info: Info[Context, None], id: strawberry.ID) -> "User | None":
        policy.require_admin(info.context.principal)
        try:
            return User.of(await admin.get_user(info.context.session, id))
        except NotFound:
            return None


@strawberry.type(description="服务客户端 (部门系统)")
class ServiceClient:
    client_id: str = strawberry.field(description="客户端标识")
    name: str = strawberry.field(description="系统名称")
    scopes: list[str] = strawberry.field(description="可申请的权限范围")
    department_id: str | None = strawberry.field(description="所属部门的 id")
    active: bool = strawberry.field(description="是否启用")

    @staticmethod
    def of(row: OAuthClient) -> "ServiceClient":
        return ServiceClient(
            client_id=row.client_id,
            name=row.name,
            scopes=list(row.scopes),
            department_id=row.department_id,
            active=row.active,
        )


@strawberry.type(description="当前调用者")
class Me:
    subject: str = strawberry.field(description="调用者编号: 用户的 UUID, 或服务客户端编号")
    kind: str = strawberry.field(description="user 或 service")
    client_id: str = strawberry.field(description="签发令牌时使用的客户端 (前端应用或部门系统)")
    name: str | None = strawberry.field(description="姓名 (用户) 或系统名称 (服务)")
    username: str | None = strawberry.field(description="登录用户名 (仅用户; 服务为 null)")
    scopes: list[str] = strawberry.field(description="令牌的权限范围 (OAuth scopes)")
    role_bindings: list[RoleBinding] = strawberry.field(description="角色及其范围 (县、部门、乡镇、机构、本人)")
    department_id: str | None = strawberry.field(description="部门系统所属部门 (仅服务客户端)")


@strawberry.type
class UserQuery:
    @strawberry.federation.field(description="当前调用者及其角色绑定", authenticated=True)
    def me(self, info: Info[Context, None]) -> Me:
        p = info.context.principal
        return Me(
            subject=p.subject,
            kind=p.kind,
            client_id=p.client_id,
            name=p.name,
            username=p.username,
            scopes=sorted(p.scopes),
            department_id=p.department_id,
            role_bindings=[
                RoleBinding(id=None, role=b.role, scope_kind=b.scope_kind, scope_id=b.scope_id) for b in p.bindings
            ],
        )

    @strawberry.federation.field(description="用户列表 (编办/组织部)", requires_scopes=gql.PEOPLE)
    async def users(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        search: Annotated[str | None, strawberry.argument(description="按登录名或显示名搜索")] = None,
    ) -> gql.Connection[User]:
        page = await admin.list_users(
            info.context.session, info.context.principal, first=first, after=after, search=search
        )
        return gql.connection(page, User.of)

    @strawberry.federation.field(description="服务客户端列表 (编办/组织部)", requires_scopes=gql.PEOPLE)
    async def service_clients(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> gql.Connection[ServiceClient]:
        page = await admin.list_clients(info.context.session, info.context.principal, first=first, after=after)
        return gql.connection(page, ServiceClient.of)


@strawberry.input(description="新建账号")
class CreateUserInput:
    username: str = strawberry.field(description="登录名 (小写字母、数字、._-, 3–64 位)")
    display_name: str = strawberry.field(description="显示名")
    password: str = strawberry.field(description="初始密码 (至少 10 位)")
    reason: str | None = strawberry.field(default=None, description="理由 (记入审计)")
    email: str | None = strawberry.field(default=None, description="电子邮箱 (待办邮件提醒; 可不填)")
    dingtalk_user_id: str | None = strawberry.field(default=None, description="钉钉(浙政钉) 用户 id (工作通知; 可不填)")
    wecom_user_id: str | None = strawberry.field(default=None, description="企业微信用户 id (应用消息; 可不填)")


@strawberry.input(description="授予角色")
class GrantRoleInput:
    user_id: strawberry.ID
    role: Role = strawberry.field(description="角色")
    scope_kind: ScopeKind = strawberry.field(description="范围类型 (由角色决定)")
    scope_id: str | None = strawberry.field(default=None, description="范围 id (部门、乡镇、机构或本人; 全县为空)")
    reason: str | None = strawberry.field(default=None, description="理由 (记入审计)")


@strawberry.input(description="撤销角色")
class RevokeRoleInput:
    binding_id: strawberry.ID
    reason: str | None = strawberry.field(default=None, description="理由 (记入审计)")


@strawberry.input(description="停用账号")
class DeactivateUserInput:
    user_id: strawberry.ID = strawberry.field(description="要停用的账号")
    reason: str = strawberry.field(description="停用原因 (记入审计)")


@strawberry.input(description="解除账号锁定")
class UnlockUserInput:
    user_id: strawberry.ID
    reason: str | None = strawberry.field(default=None, description="理由 (记入审计)")


@strawberry.input(description="登记部门系统 (服务客户端)")
class CreateServiceClientInput:
    client_id: str = strawberry.field(description="客户端标识")
    name: str = strawberry.field(description="系统名称")
    scopes: list[str] = strawberry.field(description="可申请的权限范围 (roster:read, events:report, events:status)")
    department_id: str | None = None
    reason: str | None = strawberry.field(default=None, description="登记理由 (记入审计)")


@strawberry.type(description="账号变更的结果")
class UserPayload:
    user: User = strawberry.field(description="用户")


@strawberry.type(description="角色绑定的变更结果")
class RoleBindingPayload:
    binding: RoleBinding = strawberry.field(description="角色绑定")
    user: User = strawberry.field(description="用户")


@strawberry.type(description="新登记的服务客户端及其密钥")
class CreateServiceClientPayload:
    client: ServiceClient = strawberry.field(description="服务客户端")
    client_secret: str = strawberry.field(description="只显示这一次，请妥善保存")


@strawberry.type
class UserMutation:
    @strawberry.federation.mutation(description="新建用户", requires_scopes=gql.PEOPLE)
    async def create_user(self, info: Info[Context, None], input: CreateUserInput) -> UserPayload:
        row = await admin.create_user(
            info.context.session,
            info.context.principal,
            username=input.username,
            display_name=input.display_name,
            password=input.password,
            reason=input.reason,
            email=input.email,
            dingtalk_user_id=input.dingtalk_user_id,
            wecom_user_id=input.wecom_user_id,
        )
        return UserPayload(user=User.of(row))

    @strawberry.federation.mutation(description="授予角色", requires_scopes=gql.PEOPLE)
    async def grant_role(self, info: Info[Context, None], input: GrantRoleInput) -> RoleBindingPayload:
        ctx = info.context
        row = await admin.grant_role(
            ctx.session,
            ctx.principal,
            user_id=input.user_id,
            role=KernelRole(input.role.value),
            scope_kind=KernelScopeKind(input.scope_kind.value),
            scope_id=input.scope_id,
            reason=input.reason,
        )
        return RoleBindingPayload(
            binding=RoleBinding.of(row), user=User.of(await admin.get_user(ctx.session, str(row.user_id)))
        )

    @strawberry.federation.mutation(description="收回角色", requires_scopes=gql.PEOPLE)
    async def revoke_role(self, info: Info[Context, None], input: RevokeRoleInput) -> RoleBindingPayload:
        ctx = info.context
        row = await admin.revoke_role(ctx.session, ctx.principal, binding_id=input.binding_id, reason=input.reason)
        return RoleBindingPayload(
            binding=RoleBinding.of(row), user=User.of(await admin.get_user(ctx.session, str(row.user_id)))
        )

    @strawberry.federation.mutation(description="解除登录锁定", requires_scopes=gql.PEOPLE)
    async def unlock_user(self, info: Info[Context, None], input: UnlockUserInput) -> UserPayload:
        row = await admin.unlock_user(
            info.context.session, info.context.principal, user_id=input.user_id, reason=input.reason
        )
        return UserPayload(user=User.of(row))

    @strawberry.federation.mutation(
        description="停用账号 (离职、调出): 不能再登录或刷新，已发的令牌全部作废；编办或组织部办理",
        requires_scopes=gql.PEOPLE,
    )
    async def deactivate_user(self, info: Info[Context, None], input: DeactivateUserInput) -> UserPayload:
        row = await admin.deactivate_user(
            info.context.session, info.context.principal, user_id=input.user_id, reason=input.reason
        )
        return UserPayload(user=User.of(row))

    @strawberry.federation.mutation(description="登记部门系统 (服务客户端)", requires_scopes=gql.PEOPLE)
    async def create_service_client(
        self, info: Info[Context, None], input: CreateServiceClientInput
    ) -> CreateServiceClientPayload:
        row, secret = await admin.create_service_client(
            info.context.session,
            info.context.principal,
            client_id=input.client_id,
            name=input.name,
            scopes=input.scopes,
            department_id=input.department_id,
            reason=input.reason,
        )
        return CreateServiceClientPayload(client=ServiceClient.of(row), client_secret=secret)
