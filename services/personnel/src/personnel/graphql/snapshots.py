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
    period: str
    locked_by: str
    locked_at: dt.datetime
    note: str | None
    in_post: int
    quota: int

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


@strawberry.type
class RosterMove:
    cadre_id: strawberry.ID
    from_agency_id: strawberry.Private[uuid.UUID]
    to_agency_id: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def from_agency(self, info: Info[Context, None]) -> Agency:
        return await agency_of(info, self.from_agency_id)

    @strawberry.field
    async def to_agency(self, info: Info[Context, None]) -> Agency:
        return await agency_of(info, self.to_agency_id)


@strawberry.type
class QuotaDrift:
    locked_quota: int
    quota: int
    agency_id: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def agency(self, info: Info[Context, None]) -> Agency:
        return await agency_of(info, self.agency_id)


@strawberry.type(description="锁定名单与实时名单比对 (按权限范围)")
class RosterDiff:
    snapshot: RosterSnapshot
    arrived_cadre_ids: list[strawberry.ID] = strawberry.field(description="锁定后新到岗")
    departed_cadre_ids: list[strawberry.ID] = strawberry.field(description="锁定后离开")
    moved: list[RosterMove]
    quota_changes: list[QuotaDrift]


@strawberry.input
class LockRosterInput:
    period: str
    note: str | None = None


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
