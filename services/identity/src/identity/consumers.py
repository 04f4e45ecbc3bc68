"""Events the identity service consumes: personnel's roster facts that decide who may act for an
agency (docs/domain.md §5, "roles follow the roster").

When an agency's head changes — a head change takes effect, or the sitting head leaves or moves —
every ``AGENCY_HEAD`` binding on that agency ends except the new head's, and the new head's
account (the user whose ``CADRE`` binding is that cadre) is bound at once: the change has already
passed 组织部's review and the township's opinion, so waiting for an identity administrator would
only leave the agency without anyone to sign for it. Live access tokens of an account that lost the
role are revoked (they stop working within the revocation refresh). Each change is audited with
the event that caused it.
"""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import audit
from servicekit.feed import FeedConsumer
from servicekit.principal import Role, ScopeKind

from . import events
from .admin import revoke_access_tokens
from .models import RoleBindingRow

ACTOR = audit.Actor("identity:roster", "service")


async def _account_of(session: AsyncSession, cadre_id: str | None) -> uuid.UUID | None:
    if not cadre_id:
        return None
    return await session.scalar(
        select(RoleBindingRow.user_id)
        .where(
            RoleBindingRow.role == Role.CADRE.value,
            RoleBindingRow.scope_kind == ScopeKind.SELF.value,
            RoleBindingRow.scope_id == cadre_id,
        )
        .limit(1)
    )


async def apply_head_changed(session: AsyncSession, event: dict) -> None:
    """Idempotent: replaying the event finds nothing more to end and the binding already there."""
    p = event["payload"]
    agency = p["agency_id"]
    head_account = await _account_of(session, p.get("head_cadre_id"))
    ended = (
        await session.scalars(
            select(RoleBindingRow).where(
                RoleBindingRow.role == Role.AGENCY_HEAD.value,
                RoleBindingRow.scope_kind == ScopeKind.AGENCY.value,
                RoleBindingRow.scope_id == agency,
                *([RoleBindingRow.user_id != head_account] if head_account else []),
            )
        )
    ).all()
    for row in ended:
        await events.revoked(session, row)
        await session.execute(delete(RoleBindingRow).where(RoleBindingRow.id == row.id))
        await revoke_access_tokens(session, row.user_id)
        await audit.record(
            session,
            actor=ACTOR,
            action="role.end_by_roster",
            entity_type="User",
            entity_id=row.user_id,
            before={"role": row.role, "scope": row.scope_kind, "id": row.scope_id},
            reason=f"agency.head_changed #{event.get('id')}",
        )
    if head_account is None:
        return
    held = await session.scalar(
        select(RoleBindingRow.id).where(
            RoleBindingRow.user_id == head_account,
            RoleBindingRow.role == Role.AGENCY_HEAD.value,
            RoleBindingRow.scope_kind == ScopeKind.AGENCY.value,
            RoleBindingRow.scope_id == agency,
        )
    )
    if held is not None:
        return
    row = RoleBindingRow(
        user_id=head_account, role=Role.AGENCY_HEAD.value, scope_kind=ScopeKind.AGENCY.value, scope_id=agency
    )
    session.add(row)
    await session.flush()
    await events.granted(session, row)
    await audit.record(
        session,
        actor=ACTOR,
        action="role.grant_by_roster",
        entity_type="User",
        entity_id=head_account,
        after={"role": Role.AGENCY_HEAD.value, "scope": ScopeKind.AGENCY.value, "id": agency},
        reason=f"agency.head_changed #{event.get('id')}",
    )


def consumers(runtime) -> list:
    return [
        FeedConsumer.following(
            runtime,
            name="personnel",
            base_url=runtime.settings.personnel_url,
            handlers={"agency.head_changed": apply_head_changed},
        )
    ]
