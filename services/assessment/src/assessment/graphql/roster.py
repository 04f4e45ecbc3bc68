"""The roster as assessment sees it (projection), and the ``Cadre`` entity fields assessment adds."""

from __future__ import annotations

import enum
import uuid

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.federation.schema_directives import Key
from strawberry.types import Info

from servicekit import gql
from servicekit.app import Context
from servicekit.ids import parse_id

from .. import roster
from ..config import get_settings
from ..models import RosterEntry


def _entries(ctx: Context) -> DataLoader:
    async def load(ids: list[uuid.UUID]):
        found = await roster.entries_by_id(ctx.session, ctx.principal, list(ids))
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


# References to entities the personnel service owns: the gateway fetches their fields there, so a
# page of members shows township and department names without a second request by the client.
@strawberry.federation.type(keys=[Key(fields="id", resolvable=False)], description="乡镇(街道) (人事服务所有)")
class Township:
    id: strawberry.ID

    @staticmethod
    def ref(value) -> "Township":
        return Township(id=strawberry.ID(str(value)))


@strawberry.federation.type(keys=[Key(fields="id", resolvable=False)], description="县直部门 (人事服务所有)")
class Department:
    id: strawberry.ID

    @staticmethod
    def ref(value) -> "Department":
        return Department(id=strawberry.ID(str(value)))


# The same values as the personnel service's enum of the same name (the roster is its projection).
@strawberry.enum(description="派驻干部状态")
class CadreStatus(enum.Enum):
    IN_POST = strawberry.enum_value("IN_POST", description="在岗")
    ON_LEAVE = strawberry.enum_value("ON_LEAVE", description="请假 (仍占员额)")
    SECONDED = strawberry.enum_value("SECONDED", description="借调 (仍占员额)")
    LEFT = strawberry.enum_value("LEFT", description="已离开派驻岗位 (只能经人事调整)")


@strawberry.type(description="考核名单条目 (来自人事服务的名单投影)")
class AssessmentRosterEntry:
    status: CadreStatus = strawberry.field(description="名单投影中的人员状态")
    township: Township = strawberry.field(description="考核所在乡镇")
    department: Department = strawberry.field(description="派出部门")

    @staticmethod
    def of(row: RosterEntry) -> "AssessmentRosterEntry":
        return AssessmentRosterEntry(
            status=CadreStatus(row.status),
            township=Township.ref(row.township_id),
            department=Department.ref(row.department_id),
        )


@strawberry.federation.type(keys=["id"], description="派驻干部 (考核侧字段)")
class Cadre:
    id: strawberry.ID

    @strawberry.field(description="考核名单中的状态; 不在名单或无权查看时为空")
    async def assessment_roster(self, info: Info[Context, None]) -> AssessmentRosterEntry | None:
        row = await info.context.loader("entries", _entries).load(parse_id(self.id, "干部"))
        return AssessmentRosterEntry.of(row) if row else None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Cadre":
        return Cadre(id=id)


@strawberry.type(description="考核权重 (占总分的份额, 0–1)")
class AssessmentWeights:
    township_share: float = strawberry.field(description="乡镇考核权重 (默认 0.6, 即 60%)")
    department_share: float = strawberry.field(description="部门考核权重 (默认 0.4, 即 40%)")


@strawberry.type
class RosterQuery:
    @strawberry.federation.field(description="考核名单 (按权限范围过滤)", requires_scopes=gql.ROSTER_READERS)
    async def assessment_roster(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        township_id: strawberry.ID | None = None,
    ) -> gql.Connection[Cadre]:
        page = await roster.list_entries(
            info.context.session, info.context.principal, first=first, after=after, township_id=township_id
        )
        return gql.connection(page, lambda r: Cadre(id=strawberry.ID(str(r.cadre_id))))

    @strawberry.federation.field(description="双向考核权重", authenticated=True)
    def assessment_weights(self) -> AssessmentWeights:
        t = get_settings().township_share
        return AssessmentWeights(township_share=float(t), department_share=float(1 - t))
