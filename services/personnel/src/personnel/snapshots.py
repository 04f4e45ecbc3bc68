"""清单式锁定: lock the named roster and the quotas for a period, then compare the live roster
with it. Copying is two ``INSERT … SELECT`` statements, whatever the size of the roster.

Rules: ``PERIOD_ALREADY_LOCKED`` (a period is locked once).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from sqlalchemy import func, insert, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import audit
from servicekit.errors import BadInput, Forbidden, NotFound, RuleViolation
from servicekit.principal import Principal, Role

from . import policy, vacancies
from .models import Agency, Cadre, RosterSnapshot, RosterSnapshotEntry, RosterSnapshotQuota

PERIOD = re.compile(r"^\d{4}(-(Q[1-4]|H[12]|\d{2}))?$")


async def lock(session: AsyncSession, principal: Principal, *, period: str, note: str | None) -> RosterSnapshot:
    if principal.is_service or not principal.has_role(Role.STAFFING_OFFICE):
        raise Forbidden("名单锁定由编办办理")
    if not PERIOD.match(period):
        raise BadInput("期间格式: 2026、2026-Q4、2026-H2 或 2026-11")
    if await session.scalar(select(RosterSnapshot.id).where(RosterSnapshot.period == period)):
        raise RuleViolation("PERIOD_ALREADY_LOCKED", f"{period} 的名单已锁定")
    in_post = await session.scalar(select(func.count()).select_from(Cadre).where(Cadre.status.in_(vacancies.OCCUPYING)))
    quota = await session.scalar(select(func.coalesce(func.sum(Agency.quota), 0)))
    snapshot = RosterSnapshot(period=period, locked_by=principal.subject, note=note, in_post=in_post, quota=quota)
    session.add(snapshot)
    await session.flush()
    await session.execute(
        insert(RosterSnapshotEntry).from_select(
            ["snapshot_id", "cadre_id", "name", "department_id", "township_id", "agency_id", "status"],
            select(
                literal(snapshot.id),
                Cadre.id,
                Cadre.name,
                Cadre.department_id,
                Cadre.township_id,
                Cadre.agency_id,
                Cadre.status,
            ).where(Cadre.status.in_(vacancies.OCCUPYING)),
        )
    )
    await session.execute(
        insert(RosterSnapshotQuota).from_select(
            ["snapshot_id", "agency_id", "quota"], select(literal(snapshot.id), Agency.id, Agency.quota)
        )
    )
    await audit.record(
        session,
        actor=principal,
        action="roster.lock",
        entity_type="RosterSnapshot",
        entity_id=snapshot.id,
        after={"period": period, "in_post": in_post, "quota": quota},
        reason=note,
    )
    return snapshot


@dataclass
class Diff:
    snapshot: RosterSnapshot
    arrived: list[uuid.UUID] = field(default_factory=list)  # in post now, not in the locked list
    departed: list[uuid.UUID] = field(default_factory=list)  # in the locked list, no longer in post
    moved: list[tuple[uuid.UUID, uuid.UUID, uuid.UUID]] = field(default_factory=list)  # cadre, from, to agency
    quota_changes: list[tuple[uuid.UUID, int, int]] = field(default_factory=list)  # agency, locked, now


async def compare(session: AsyncSession, principal: Principal, snapshot_id: uuid.UUID) -> Diff:
    """What changed since the lock, limited to the people and agencies the caller may see."""
    snapshot = await session.get(RosterSnapshot, snapshot_id)
    if snapshot is None:
        raise NotFound("锁定名单不存在")
    visible = policy.cadre_visibility(principal)
    live = select(Cadre.id, Cadre.agency_id).where(Cadre.status.in_(vacancies.OCCUPYING))
    if visible is not None:
        live = live.where(visible)
    live_rows = dict((await session.execute(live)).all())
    locked = select(RosterSnapshotEntry.cadre_id, RosterSnapshotEntry.agency_id).where(
        RosterSnapshotEntry.snapshot_id == snapshot_id
    )
    if visible is not None:
        locked = locked.where(policy.snapshot_visibility(principal))
    locked_rows = dict((await session.execute(locked)).all())
    diff = Diff(snapshot)
    diff.arrived = sorted(set(live_rows) - set(locked_rows))
    # Someone who left the caller's view (moved to another township) counts as departed for them.
    diff.departed = sorted(set(locked_rows) - set(live_rows))
    diff.moved = sorted(
        (c, locked_rows[c], live_rows[c]) for c in set(live_rows) & set(locked_rows) if live_rows[c] != locked_rows[c]
    )
    quotas = (
        await session.execute(
            select(Agency.id, RosterSnapshotQuota.quota, Agency.quota)
            .join(
                RosterSnapshotQuota,
                (RosterSnapshotQuota.agency_id == Agency.id) & (RosterSnapshotQuota.snapshot_id == snapshot_id),
            )
            .where(RosterSnapshotQuota.quota != Agency.quota)
        )
    ).all()
    diff.quota_changes = sorted((a, old, new) for a, old, new in quotas)
    return diff


async def list_snapshots(session: AsyncSession, principal: Principal) -> list[RosterSnapshot]:
    policy.org_reader(principal)
    return list((await session.scalars(select(RosterSnapshot).order_by(RosterSnapshot.locked_at.desc()))).all())
