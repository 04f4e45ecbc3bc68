"""The entities the platform shares with the other subgraphs (federation): ``Township`` and
``Cadre`` keyed by id, with the fields only the platform knows; and the platform's units."""

from __future__ import annotations

import enum
import uuid

import strawberry
from sqlalchemy import func, select
from strawberry.dataloader import DataLoader
from strawberry.federation.schema_directives import Key
from strawberry.types import Info

from servicekit import gql, visibility
from servicekit.app import Context
from servicekit.ids import parse_id

from .. import dispatch, org
from ..models import GridEvent as GridEventRow
from ..models import StationedCadre
from ..models import Township as TownshipRow
from ..models import Unit as UnitRow


@strawberry.type(description="基层治理平台")
class Platform:
    code: str = strawberry.field(description="平台编码")
    name: str = strawberry.field(description="平台名称 (基层治理四平台)")


@strawberry.type
class PlatformQuery:
    @strawberry.federation.field(description="基层治理四平台", authenticated=True)
    async def platforms(self, info: Info[Context, None]) -> list[Platform]:
        rows = await org.list_platforms(info.context.session)
        return [Platform(code=r.code, name=r.name) for r in rows]


def _counts(ctx: Context) -> DataLoader:
    async def load(ids: list[uuid.UUID]):
        stmt = (
            select(StationedCadre.township_id, func.count())
            .where(StationedCadre.township_id.in_(ids), StationedCadre.status == "IN_POST")
            .group_by(StationedCadre.township_id)
        )
        cond = visibility.cadre_rows(
            ctx.principal,
            department=StationedCadre.department_id,
            township=StationedCadre.township_id,
            agency=StationedCadre.agency_id,
            cadre=StationedCadre.cadre_id,
        )
        if cond is not None:
            stmt = stmt.where(cond)
        found = dict((await ctx.session.execute(stmt)).all())
        return [found.get(i, 0) for i in ids]

    return DataLoader(load_fn=load)


def _township_id(value) -> uuid.UUID:
    return parse_id(value, "乡镇")


def _townships(ctx: Context):
    return gql.rows_loader(lambda ids: select(TownshipRow).where(TownshipRow.id.in_(ids)), lambda t: t.id, many=False)(
        ctx
    )


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


def _open_tasks(ctx: Context) -> DataLoader:
    async def load(ids: list[uuid.UUID]):
        stmt = (
            select(GridEventRow.assignee_cadre_id, func.count())
            .where(GridEventRow.assignee_cadre_id.in_(ids), GridEventRow.state.in_(dispatch.OPEN_STATES))
            .group_by(GridEventRow.assignee_cadre_id)
        )
        if (cond := dispatch.visibility(ctx.principal)) is not None:
            stmt = stmt.where(cond)
        found = dict((await ctx.session.execute(stmt)).all())
        return [found.get(i, 0) for i in ids]

    return DataLoader(load_fn=load)


@strawberry.federation.type(keys=["id"], description="派驻干部 (平台侧字段)")
class Cadre:
    id: strawberry.ID

    @strawberry.field(description="在办任务数 (已派遣未办结, 按可见范围)")
    async def open_task_count(self, info: Info[Context, None]) -> int:
        return await info.context.loader("open_tasks", _open_tasks).load(parse_id(self.id, "干部"))

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Cadre":
        return Cadre(id=id)


# A reference to the personnel service's entity: the gateway fetches its fields (name, code) there.
@strawberry.federation.type(keys=[Key(fields="id", resolvable=False)], description="县直部门 (人事服务所有)")
class Department:
    id: strawberry.ID


@strawberry.enum(description="入驻平台的单位类型")
class UnitKind(enum.Enum):
    AGENCY = strawberry.enum_value("AGENCY", description="派驻机构 (县直部门派驻乡镇的机构)")
    OFFICE = strawberry.enum_value("OFFICE", description="乡镇站所")


@strawberry.type(description="入驻平台的单位: 派驻机构或乡镇站所")
class PlatformUnit:
    id: strawberry.ID
    township: Township = strawberry.field(description="所在乡镇(街道)")
    kind: UnitKind = strawberry.field(description="派驻机构或乡镇站所")
    name: str = strawberry.field(description="单位名称")
    department: Department | None = strawberry.field(description="派出部门 (派驻机构才有)")
    head: Cadre | None = strawberry.field(description="单位负责人 (派驻干部; 人事服务的字段经网关合并)")
    platform_code: str | None = strawberry.field(description="入驻的平台 (基层治理四平台之一)")

    @staticmethod
    def of(u: UnitRow) -> "PlatformUnit":
        return PlatformUnit(
            id=strawberry.ID(str(u.id)),
            township=Township(id=strawberry.ID(str(u.township_id))),
            kind=UnitKind(u.kind),
            name=u.name,
            department=Department(id=strawberry.ID(str(u.department_id))) if u.department_id else None,
            head=Cadre(id=strawberry.ID(str(u.head_cadre_id))) if u.head_cadre_id else None,
            platform_code=u.platform_code,
        )


def units_loader(ctx: Context):
    return gql.rows_loader(lambda ids: select(UnitRow).where(UnitRow.id.in_(ids)), lambda u: u.id, many=False)(ctx)


async def unit_of(info: Info[Context, None], unit_id) -> PlatformUnit | None:
    """A related unit (the event's lead unit, a post's unit, a recommended unit), batched per request."""
    if unit_id is None:
        return None
    row = await info.context.loader("units", units_loader).load(unit_id)
    return PlatformUnit.of(row) if row else None
