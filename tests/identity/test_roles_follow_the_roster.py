"""Roles follow the roster (docs/domain.md §5): identity's handler of personnel's
``agency.head_changed``, against the identity database — the old head's AGENCY_HEAD ends with their
live tokens, the new head's account is bound, a head who leaves leaves nobody bound, a replay
changes nothing, and every change is audited."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from dbutil import rolled_back
from identity_inprocess import identity_settings
from sqlalchemy import func, select

from identity.consumers import apply_head_changed
from identity.models import IssuedAccessToken, RoleBindingRow, User
from servicekit.audit import AuditRecord

AGENCY = str(uuid.uuid4())
OLD, NEW = str(uuid.uuid4()), str(uuid.uuid4())


@pytest.fixture(scope="module")
def settings(database_url, run_prefix, tmp_path_factory):
    settings, _ = identity_settings(database_url, f"{run_prefix}rr_", tmp_path_factory.mktemp("keys"))
    return settings


@pytest.fixture
async def session(settings):
    async with rolled_back(settings) as s:
        yield s


async def _account(session, name: str, cadre: str, *, head: bool) -> uuid.UUID:
    user = User(username=name, display_name=name, password_hash="x")
    session.add(user)
    await session.flush()
    session.add(RoleBindingRow(user_id=user.id, role="CADRE", scope_kind="SELF", scope_id=cadre))
    if head:
        session.add(RoleBindingRow(user_id=user.id, role="AGENCY_HEAD", scope_kind="AGENCY", scope_id=AGENCY))
    await session.flush()
    return user.id


async def _heads(session) -> set[uuid.UUID]:
    rows = await session.scalars(
        select(RoleBindingRow.user_id).where(RoleBindingRow.role == "AGENCY_HEAD", RoleBindingRow.scope_id == AGENCY)
    )
    return set(rows.all())


def _event(head: str | None, previous: str | None, n: int = 1) -> dict:
    return {
        "id": n,
        "type": "agency.head_changed",
        "payload": {"agency_id": AGENCY, "head_cadre_id": head, "previous_head_cadre_id": previous},
    }


async def test_a_head_change_ends_the_old_heads_role_and_tokens_and_binds_the_new_head(session):
    old = await _account(session, "old-head", OLD, head=True)
    new = await _account(session, "new-head", NEW, head=False)
    now = dt.datetime.now(dt.timezone.utc)
    session.add(
        IssuedAccessToken(
            jti="live", client_id="county-web", subject=str(old), expires_at=now + dt.timedelta(minutes=5)
        )
    )
    await session.flush()
    await apply_head_changed(session, _event(NEW, OLD))
    assert await _heads(session) == {new}
    assert (await session.get(IssuedAccessToken, "live")).revoked_at is not None
    actions = (
        await session.scalars(
            select(AuditRecord.action).where(AuditRecord.action.like("role.%_by_roster")).order_by(AuditRecord.seq)
        )
    ).all()
    assert actions == ["role.end_by_roster", "role.grant_by_roster"]
    # At least once: a replay finds nothing more to do.
    before = await session.scalar(select(func.count()).select_from(AuditRecord))
    await apply_head_changed(session, _event(NEW, OLD))
    assert await _heads(session) == {new}
    assert await session.scalar(select(func.count()).select_from(AuditRecord)) == before


async def test_a_head_who_leaves_leaves_nobody_bound_and_an_unlinked_account_is_not_the_head(session):
    await _account(session, "old-head", OLD, head=True)
    unlinked = User(username="unlinked-head", display_name="x", password_hash="x")  # no CADRE binding
    session.add(unlinked)
    await session.flush()
    session.add(RoleBindingRow(user_id=unlinked.id, role="AGENCY_HEAD", scope_kind="AGENCY", scope_id=AGENCY))
    await session.flush()
    await apply_head_changed(session, _event(None, OLD))
    assert await _heads(session) == set()
    # A new head without an account: nobody is bound until an administrator links one.
    await apply_head_changed(session, _event(str(uuid.uuid4()), None, 2))
    assert await _heads(session) == set()
