"""User, role-binding and service-client administration rules (plain Python, async session).

Only the staffing office (编办) and the organisation department (组织部) administer identities;
every change is audited.
"""

from __future__ import annotations

import re
import secrets
import uuid

from sqlalchemy import select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.concurrency import run_in_threadpool

from servicekit import audit
from servicekit.errors import BadInput, Conflict, NotFound, RuleViolation
from servicekit.pagination import Page, decode_key, make_page, page_size
from servicekit.principal import ROLE_SCOPE, Principal, Role, ScopeKind

from . import events, login, oauth, passwords
from .models import IssuedAccessToken, OAuthClient, RefreshToken, RoleBindingRow, User
from .policy import check_separation_of_duties, require_admin

USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,63}$")
MIN_PASSWORD = 10
NOT_FOR_DEPARTMENT_SYSTEMS = ("api", "offline_access", "events:read")


def user_snapshot(user: User, bindings: list[RoleBindingRow] | None = None) -> dict:
    snap = {"id": str(user.id), "username": user.username, "display_name": user.display_name, "active": user.active}
    if bindings is not None:
        snap["roles"] = sorted(f"{b.role}:{b.scope_kind}:{b.scope_id}" for b in bindings)
    return snap


async def get_user(session: AsyncSession, user_id: str) -> User:
    try:
        uid = uuid.UUID(user_id)
    except ValueError as exc:
        raise BadInput("用户编号格式错误", detail="id must be a UUID") from exc
    user = await session.get(User, uid)
    if user is None:
        raise NotFound("用户不存在")
    return user


async def list_users(
    session: AsyncSession, principal: Principal, *, first: int | None, after: str | None, search: str | None = None
) -> Page[User]:
    require_admin(principal)
    size = page_size(first)
    stmt = select(User).order_by(User.username, User.id).limit(size + 1)
    if key := decode_key(after, str, uuid.UUID):
        stmt = stmt.where(tuple_(User.username, User.id) > key)
    if search:
        stmt = stmt.where(User.username.ilike(f"%{search}%") | User.display_name.ilike(f"%{search}%"))
    rows = (await session.scalars(stmt)).all()
    return make_page(rows, size, lambda u: (u.username, str(u.id)))


async def bindings_for(session: AsyncSession, user_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[RoleBindingRow]]:
    rows = (
        await session.scalars(
            select(RoleBindingRow)
            .where(RoleBindingRow.user_id.in_(user_ids))
            .order_by(RoleBindingRow.role, RoleBindingRow.scope_id)
        )
    ).all()
    out: dict[uuid.UUID, list[RoleBindingRow]] = {uid: [] for uid in user_ids}
    for row in rows:
        out[row.user_id].append(row)
    return out


def _validate_binding(role: Role, scope_kind: ScopeKind, scope_id: str | None) -> None:
    if ROLE_SCOPE[role] != scope_kind:
        raise RuleViolation(
            "ROLE_SCOPE_MISMATCH",
            f"角色 {role.value} 只能绑定到 {ROLE_SCOPE[role].value} 范围",
            detail=f"{role.value} binds at {ROLE_SCOPE[role].value}",
        )
    if scope_kind == ScopeKind.COUNTY and scope_id:
        raise BadInput("县级范围不带编号", detail="COUNTY scope takes no id")
    if scope_kind != ScopeKind.COUNTY and not scope_id:
        raise BadInput("该范围需要编号", detail=f"{scope_kind.value} scope needs an id")


EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")
VENDOR_ID = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")


async def create_user(
    session: AsyncSession,
    principal: Principal,
    *,
    username: str,
    display_name: str,
    password: str,
    reason: str | None,
    email: str | None = None,
    dingtalk_user_id: str | None = None,
    wecom_user_id: str | None = None,
) -> User:
    require_admin(principal)
    if not USERNAME.match(username):
        raise BadInput("用户名须为 3–64 位小写字母、数字或 ._-", detail="invalid username")
    if len(password) < MIN_PASSWORD:
        raise BadInput(f"密码至少 {MIN_PASSWORD} 位", detail="password too short")
    if not display_name.strip() or len(display_name) > 100:
        raise BadInput("姓名不能为空且不超过 100 字")
    if email is not None and (len(email) > 200 or not EMAIL.match(email)):
        raise BadInput("电子邮箱格式无效", detail="invalid e-mail address")
    for value, what in ((dingtalk_user_id, "钉钉"), (wecom_user_id, "企业微信")):
        if value is not None and not VENDOR_ID.match(value):
            raise BadInput(f"{what}用户 id 格式无效 (1–64 位字母、数字或 _-.@)")
    if await session.scalar(select(User.id).where(User.username == username)):
        raise Conflict("用户名已存在", detail="username taken")
    user = User(
        username=username,
        display_name=display_name.strip(),
        email=email,
        dingtalk_user_id=dingtalk_user_id,
        wecom_user_id=wecom_user_id,
        password_hash=await run_in_threadpool(passwords.hash_password, password),
    )
    session.add(user)
    await session.flush()
    await events.contact(session, user)
    await audit.record(
        session,
        actor=principal,
        action="user.create",
        entity_type="User",
        entity_id=user.id,
        after=user_snapshot(user),
        reason=reason,
    )
    return user


async def grant_role(
    session: AsyncSession,
    principal: Principal,
    *,
    user_id: str,
    role: Role,
    scope_kind: ScopeKind,
    scope_id: str | None,
    reason: str | None,
) -> RoleBindingRow:
    require_admin(principal)
    _validate_binding(role, scope_kind, scope_id)
    user = await get_user(session, user_id)
    check_separation_of_duties(principal, user.id, role)
    existing = await session.scalar(
        select(RoleBindingRow).where(
            RoleBindingRow.user_id == user.id,
            RoleBindingRow.role == role.value,
            RoleBindingRow.scope_kind == scope_kind.value,
            RoleBindingRow.scope_id.is_not_distinct_from(scope_id),
        )
    )
    if existing:
        raise Conflict("该角色已授予", detail="binding exists")
    row = RoleBindingRow(user_id=user.id, role=role.value, scope_kind=scope_kind.value, scope_id=scope_id)
    session.add(row)
    await session.flush()
    await events.granted(session, row)
    await audit.record(
        session,
        actor=principal,
        action="role.grant",
        entity_type="User",
        entity_id=user.id,
        after={"role": role.value, "scope": scope_kind.value, "id": scope_id},
        reason=reason,
    )
    return row


async def revoke_role(
    session: AsyncSession, principal: Principal, *, binding_id: str, reason: str | None
) -> RoleBindingRow:
    require_admin(principal)
    try:
        bid = uuid.UUID(binding_id)
    except ValueError as exc:
        raise BadInput("角色绑定编号格式错误") from exc
    row = await session.get(RoleBindingRow, bid)
    if row is None:
        raise NotFound("角色绑定不存在")
    check_separation_of_duties(principal, row.user_id, Role(row.role))
    await events.revoked(session, row)
    await session.delete(row)
    # The tokens already issued carry the binding in their `roles` claim: they stop working within
    # the revocation refresh; a refresh (the session goes on) mints tokens with what remains.
    await revoke_access_tokens(session, row.user_id)
    await audit.record(
        session,
        actor=principal,
        action="role.revoke",
        entity_type="User",
        entity_id=row.user_id,
        before={"role": row.role, "scope": row.scope_kind, "id": row.scope_id},
        reason=reason,
    )
    return row


async def unlock_user(session: AsyncSession, principal: Principal, *, user_id: str, reason: str | None) -> User:
    require_admin(principal)
    user = await get_user(session, user_id)
    before = {"locked_until": user.locked_until, "failed_logins": user.failed_logins}
    user.locked_until, user.failed_logins = None, 0
    await session.run_sync(lambda sync: login.clear_locks(sync, user.username))
    await audit.record(
        session,
        actor=principal,
        action="user.unlock",
        entity_type="User",
        entity_id=user.id,
        before=before,
        after={"locked_until": None, "failed_logins": 0},
        reason=reason,
    )
    return user


async def deactivate_user(session: AsyncSession, principal: Principal, *, user_id: str, reason: str) -> User:
    """Ends an account: no sign-in, no refresh, and every token already issued is revoked (the
    gateway and the subgraphs refuse them within their revocation refresh)."""
    require_admin(principal)
    if not reason or not reason.strip():
        raise BadInput("请说明停用原因")
    user = await get_user(session, user_id)
    bindings = (await session.scalars(select(RoleBindingRow).where(RoleBindingRow.user_id == user.id))).all()
    for binding in bindings:  # the same separation of duties as revoking each of their roles
        check_separation_of_duties(principal, user.id, Role(binding.role))
    if str(user.id) == principal.subject:
        raise RuleViolation("NO_SELF_ROLE_CHANGE", "不能停用自己的账号")
    user.active = False
    await events.contact(session, user)
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=oauth.now())
    )
    await revoke_access_tokens(session, user.id)
    await audit.record(
        session,
        actor=principal,
        action="user.deactivate",
        entity_type="User",
        entity_id=user.id,
        before={"active": True},
        after={"active": False},
        reason=reason.strip(),
    )
    return user


async def revoke_access_tokens(session: AsyncSession, user_id: uuid.UUID) -> int:
    """Every unexpired access token of this person is revoked (listed by ``/oauth/revoked``)."""
    at = oauth.now()
    result = await session.execute(
        update(IssuedAccessToken)
        .where(
            IssuedAccessToken.subject == str(user_id),
            IssuedAccessToken.revoked_at.is_(None),
            IssuedAccessToken.expires_at > at,
        )
        .values(revoked_at=at)
    )
    return result.rowcount or 0


async def create_service_client(
    session: AsyncSession,
    principal: Principal,
    *,
    client_id: str,
    name: str,
    scopes: list[str],
    department_id: str | None,
    reason: str | None,
) -> tuple[OAuthClient, str]:
    """A department system's client (client credentials). The secret is returned once, stored hashed."""
    require_admin(principal)
    if not USERNAME.match(client_id):
        raise BadInput("客户端编号须为 3–64 位小写字母、数字或 ._-")
    # api/offline_access act for a person; events:read opens every service's feed and belongs to
    # the internal service clients only (made at start-up, see seed.ensure_internal_clients).
    unknown = [s for s in scopes if s not in oauth.SCOPES or s in NOT_FOR_DEPARTMENT_SYSTEMS]
    if unknown or not scopes:
        raise BadInput("服务客户端权限范围无效", detail=f"unknown, user-only or internal scopes: {unknown}")
    if department_id is None and "roster:read" in scopes:
        # A token without a department would read the roster of no department (visibility fails
        # closed): say so when registering, rather than leave a client that silently sees nothing.
        raise BadInput(
            "读取人员名册的服务客户端必须指定所属部门",
            detail="roster:read needs departmentId (the department's system)",
        )
    if department_id is not None:
        # Identity does not hold the organisation (personnel does); it holds the id to its form, so
        # a typo cannot leave a department system bound to nothing (its token then reads nothing).
        try:
            department_id = str(uuid.UUID(department_id))
        except ValueError as exc:
            raise BadInput("部门编号格式错误", detail="departmentId must be a department's UUID") from exc
    if await session.get(OAuthClient, client_id):
        raise Conflict("客户端编号已存在")
    secret = secrets.token_urlsafe(32)
    row = OAuthClient(
        client_id=client_id,
        name=name,
        secret_hash=await run_in_threadpool(passwords.hash_password, secret),
        redirect_uris=[],
        grant_types=["client_credentials"],
        scopes=scopes,
        department_id=department_id,
        active=True,
    )
    session.add(row)
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="client.create",
        entity_type="OAuthClient",
        entity_id=client_id,
        after={"name": name, "scopes": scopes, "department_id": department_id},
        reason=reason,
    )
    return row, secret


async def list_clients(
    session: AsyncSession, principal: Principal, *, first: int | None, after: str | None
) -> Page[OAuthClient]:
    require_admin(principal)
    size = page_size(first)
    stmt = select(OAuthClient).order_by(OAuthClient.client_id).limit(size + 1)
    if key := decode_key(after, str):
        stmt = stmt.where(OAuthClient.client_id > key[0])
    rows = (await session.scalars(stmt)).all()
    return make_page(rows, size, lambda c: (c.client_id,))
