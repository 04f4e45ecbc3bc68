"""片区: regions grouping townships (agencies stationed per region), in GraphQL."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from servicekit import gql
from servicekit.app import Context
from servicekit.ids import parse_id

from .. import (
    policy,
    regions,
)
from .roster import (
    Region,
)


@strawberry.input(description="设立片区")
class CreateRegionInput:
    name: str = strawberry.field(description="片区名称")
    model: str = strawberry.field(description="片区模式")
    hub_township_id: strawberry.ID = strawberry.field(description="中心乡镇的 id")
    satellite_township_ids: list[strawberry.ID] = strawberry.field(description="片区内其他乡镇的 id")
    reason: str | None = strawberry.field(default=None, description="设立理由 (记入审计)")


@strawberry.type
class RegionQuery:
    @strawberry.federation.field(description="片区 (1+X / 大镇带小乡)", requires_scopes=gql.ROSTER_READERS)
    async def regions(self, info: Info[Context, None]) -> list[Region]:
        policy.org_reader(info.context.principal)
        return [Region.of(r) for r in await regions.list_regions(info.context.session)]


@strawberry.type
class RegionMutation:
    @strawberry.federation.mutation(description="编办设立片区", requires_scopes=gql.PEOPLE)
    async def create_region(self, info: Info[Context, None], input: CreateRegionInput) -> Region:
        row = await regions.create(
            info.context.session,
            info.context.principal,
            name=input.name,
            model=input.model,
            hub_township_id=parse_id(input.hub_township_id, "乡镇"),
            satellite_ids=[parse_id(t, "乡镇") for t in input.satellite_township_ids],
            reason=input.reason,
        )
        return Region.of(row)
