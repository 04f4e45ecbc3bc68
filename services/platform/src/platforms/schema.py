"""The ``platform`` subgraph: the four platforms, stationed strength per township, grid events
(``gql_dispatch``), the township's set-up and the county's deadlines (``gql_org``)."""

from __future__ import annotations

import strawberry
from sqlalchemy import select
from strawberry.tools import merge_types
from strawberry.types import Info

from servicekit import gql
from servicekit.app import Context

from .gql_dispatch import DispatchMutation, DispatchQuery
from .gql_entities import Cadre, Department, Platform, Township
from .gql_org import OrgMutation, OrgQuery
from .models import Platform as PlatformRow


@strawberry.type
class Query:
    @strawberry.federation.field(description="基层治理四平台", authenticated=True)
    async def platforms(self, info: Info[Context, None]) -> list[Platform]:
        rows = (await info.context.session.scalars(select(PlatformRow).order_by(PlatformRow.position))).all()
        return [Platform(code=r.code, name=r.name) for r in rows]


schema = gql.schema(query=merge_types("Query", (Query, DispatchQuery, OrgQuery)),
                    mutation=merge_types("Mutation", (DispatchMutation, OrgMutation)), types=[Township, Cadre, Department])
