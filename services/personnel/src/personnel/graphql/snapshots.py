"""清单式锁定: locked rosters and their difference from the live roster, in GraphQL."""

from __future__ import annotations

import datetime as dt
import uuid

import strawberry
from strawberry.types import Info

from servicekit import gql
from servicekit.app import Context
from servicekit.ids import parse_id

from .. import (
    models,
    snapshots,
)
from .roster import (
    Agency,
    agency_of,
)


@strawberry.type(description="锁定名单")
class RosterSnapshot:
    id: strawberry.ID
    period: str = strawberry.field(description="期间")
    locked_by: str = strawberry.field(description="锁定人 (账号标识)")
    locked_at: dt.datetime = strawberry.field(description="锁定时间")
    note: str | None = strawberry.field(description="说明")
    in_post: int = strawberry.field(description="锁定时在岗人数")
    quota: int = strawberry.field(description="锁定时员额")

    @staticmethod
    def of(r: models.RosterSnapshot) -> "RosterSnapshot":
        return RosterSnapshot(
            id=strawberry.ID(str(r.id)),
            period=r.period,
            locked_by=r.locked_by,
            locked_at=r.locked_at,
            note=r.note,
            in_post=r.in_post,
            quota=r.quota,
        )


@strawberry.type(description="锁定后的一次人员变动")
class RosterMove:
    cadre_id: strawberry.ID = strawberry.field(description="派驻干部的 id")
    from_agency_id: strawberry.Private[uuid.UUID]
    to_agency_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="原机构 (新调入为空)")
    async def from_agency(self, info: Info[Context, None]) -> Agency:
        return await agency_of(info, self.from_agency_id)

    @strawberry.field(description="现机构 (已调出为空)")
    async def to_agency(self, info: Info[Context, None]) -> Agency:
        return await agency_of(info, self.to_agency_id)


@strawberry.type(description="锁定后员额的变化")
class QuotaDrift:
    locked_quota: int = strawberry.field(description="锁定时的员额")
    quota: int = strawberry.field(description="现在的员额")
    agency_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="机构")
    async def agency(self, info: Info[Context, None]) -> Agency:
        return await agency_of(info, self.agency_id)


@strawberry.type(description="锁定名单与实时名单比对 (按权限范围)")
class RosterDiff:
    snapshot: RosterSnapshot = strawberry.field(description="锁定的名单")
    arrived_cadre_ids: list[strawberry.ID] = strawberry.field(description="锁定后新到岗")
    departed_cadre_ids: list[strawberry.ID] = strawberry.field(description="锁定后离开")
    moved: list[RosterMove] = strawberry.field(description="锁定后调动的人员")
    quota_changes: list[QuotaDrift] = strawberry.field(description="锁定后员额的变化")


@strawberry.input(description="锁定本期名单")
class LockRosterInput:
    period: str = strawberry.field(description="期间 (如 2026-11)")
    note: str | None = strawberry.field(default=None, description="说明")


@strawberry.type
class SnapshotQuery:
    @strawberry.federation.field(description="已锁定的名单", requires_scopes=gql.ROSTER_READERS)
    async def roster_snapshots(self, info: Info[Context, None]) -> list[RosterSnapshot]:
        return [
            RosterSnapshot.of(r) for r in await snapshots.list_snapshots(info.context.session, info.context.principal)
        ]

    @strawberry.federation.field(description="锁定名单与实时名单比对", requires_scopes=gql.ROSTER_READERS)
    async def roster_diff(self, info: Info[Context, None], snapshot_id: strawberry.ID) -> RosterDiff:
        d = await snapshots.compare(info.context.session, info.context.principal, parse_id(snapshot_id, "名单"))
        return RosterDiff(
            snapshot=RosterSnapshot.of(d.snapshot),
            arrived_cadre_ids=[strawberry.ID(str(c)) for c in d.arrived],
            departed_cadre_ids=[strawberry.ID(str(c)) for c in d.departed],
            moved=[RosterMove(cadre_id=strawberry.ID(str(c)), from_agency_id=a, to_agency_id=b) for c, a, b in d.moved],
            quota_changes=[QuotaDrift(agency_id=a, locked_quota=old, quota=new) for a, old, new in d.quota_changes],
        )


@strawberry.type
class SnapshotMutation:
    @strawberry.federation.mutation(description="编办锁定本期名单 (清单式锁定)", requires_scopes=gql.PEOPLE)
    async def lock_roster(self, info: Info[Context, None], input: LockRosterInput) -> RosterSnapshot:
        return RosterSnapshot.of(
            await snapshots.lock(info.context.session, info.context.principal, period=input.period, note=input.note)
        )
