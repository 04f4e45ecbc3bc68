"""Domain events the identity service publishes (``GET /events``), for the notifications service's
recipients: who holds which role binding, and how to reach them. Sign-outs and revoked tokens are
not events: other services poll ``/oauth/revoked`` (servicekit.auth).

``user.contact`` carries the account's e-mail address and DingTalk / WeCom ids (personal data, sent
only on this internal feed, which service clients with ``events:read`` read; never logged)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from servicekit import outbox

from .models import RoleBindingRow, User

USER_CONTACT = "user.contact"  # an account's address and whether it is active
ROLE_GRANTED = "role.granted"  # a role binding created
ROLE_REVOKED = "role.revoked"  # a role binding ended


def _contact(user: User) -> dict:
    return {
        "user_id": str(user.id),
        "email": user.email,
        "dingtalk_user_id": user.dingtalk_user_id,
        "wecom_user_id": user.wecom_user_id,
        "active": bool(user.active),
    }


def _binding(row: RoleBindingRow) -> dict:
    return {
        "binding_id": str(row.id),
        "user_id": str(row.user_id),
        "role": row.role,
        "scope_kind": row.scope_kind,
        "scope_id": row.scope_id,
    }


async def contact(session: AsyncSession, user: User) -> None:
    await outbox.emit(session, USER_CONTACT, aggregate_type="User", aggregate_id=user.id, payload=_contact(user))


async def granted(session: AsyncSession, row: RoleBindingRow) -> None:
    await outbox.emit(session, ROLE_GRANTED, aggregate_type="RoleBinding", aggregate_id=row.id, payload=_binding(row))


async def revoked(session: AsyncSession, row: RoleBindingRow) -> None:
    await outbox.emit(session, ROLE_REVOKED, aggregate_type="RoleBinding", aggregate_id=row.id, payload=_binding(row))


def contact_sync(session: Session, user: User) -> None:
    outbox.emit_sync(session, USER_CONTACT, aggregate_type="User", aggregate_id=user.id, payload=_contact(user))


def granted_sync(session: Session, row: RoleBindingRow) -> None:
    outbox.emit_sync(session, ROLE_GRANTED, aggregate_type="RoleBinding", aggregate_id=row.id, payload=_binding(row))
