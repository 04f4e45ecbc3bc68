"""The ``platform`` subgraph: the four platforms, stationed strength per township, grid events
(``gql_dispatch``), the township's set-up and the county's deadlines (``gql_org``)."""

from __future__ import annotations

import uuid

import strawberry
from sqlalchemy import func, select
from strawberry.dataloader import DataLoader
from strawberry.tools import merge_types
from strawberry.types import Info

from servicekit import gql, visibility
from servicekit.app import Context
from servicekit.errors import BadInput

from .gql_dispatch import DispatchMutation, DispatchQuery
from .gql_org import OrgMutation, OrgQuery
from .models import Platform as PlatformRow
from .models import StationedCadre
from .models import Township as TownshipRow


@strawberry.type(description="基层治理平台")
class Platform:
    code: str
    name: str


def _counts(ctx: Context) -> DataLoader:
    async def load(ids: list[uuid.UUID]):
        stmt = (select(StationedCadre.township_id, func.count())
                .where(StationedCadre.township_id.in_(ids), StationedCadre.status == "IN_POST")
                .group_by(StationedCadre.township_id))
        cond = visibility.cadre_rows(ctx.principal, department=StationedCadre.department_id,
                                     township=StationedCadre.township_id, agency=StationedCadre.agency_id,
                                     cadre=StationedCadre.cadre_id)
        if cond is not None:
            stmt = stmt.where(cond)
        found = dict((await ctx.session.execute(stmt)).all())
        return [found.get(i, 0) for i in ids]
    return DataLoader(load_fn=load)


def _township_id(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise BadInput("乡镇编号格式错误") from exc


def _townships(ctx: Context):
    return gql.rows_loader(lambda ids: select(TownshipRow).where(TownshipRow.id.in_(ids)), lambda t: t.id, many=False)(ctx)


@strawberry.federation.type(keys=["id"], description="乡镇(街道) (平台侧字段)")
class Township:
    id: strawberry.ID

    @strawberry.field(description="在岗派驻干部人数 (可见范围内)")
    async def stationed_cadre_count(self, info: Info[Context, None]) -> int:
        return await info.context.loader("counts", _counts).load(_township_id(self.id))

    @strawberry.field(description="综合信息指挥室名称")
    async def command_centre_name(self, info: Info[Context, None]) -> str | None:
        row = await info.context.loader("townships", _townships).load(_township_id(self.id))
        return row.command_centre_name if row else None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Township":
        return Township(id=id)


@strawberry.type
class Query:
    @strawberry.federation.field(description="基层治理四平台", authenticated=True)
    async def platforms(self, info: Info[Context, None]) -> list[Platform]:
        rows = (await info.context.session.scalars(select(PlatformRow).order_by(PlatformRow.position))).all()
        return [Platform(code=r.code, name=r.name) for r in rows]


schema = gql.schema(query=merge_types("Query", (Query, DispatchQuery, OrgQuery)),
                    mutation=merge_types("Mutation", (DispatchMutation, OrgMutation)), types=[Township])
