"""The roster as assessment sees it (projection), and the ``Cadre`` entity fields assessment adds."""

from __future__ import annotations

import uuid

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from servicekit import gql
from servicekit.app import Context

from . import roster
from .config import get_settings
from .models import RosterEntry


def _entries(ctx: Context) -> DataLoader:
    async def load(ids: list[uuid.UUID]):
        found = await roster.entries_by_id(ctx.session, ctx.principal, list(ids))
        return [found.get(i) for i in ids]
    return DataLoader(load_fn=load)


@strawberry.type(description="考核名单条目 (来自人事服务的名单投影)")
class AssessmentRosterEntry:
    status: str
    township_id: strawberry.ID = strawberry.field(description="考核所在乡镇")
    department_id: strawberry.ID

    @staticmethod
    def of(row: RosterEntry) -> "AssessmentRosterEntry":
        return AssessmentRosterEntry(status=row.status, township_id=strawberry.ID(str(row.township_id)),
                                     department_id=strawberry.ID(str(row.department_id)))


@strawberry.federation.type(keys=["id"], description="派驻干部 (考核侧字段)")
class Cadre:
    id: strawberry.ID

    @strawberry.field(description="考核名单中的状态; 不在名单或无权查看时为空")
    async def assessment_roster(self, info: Info[Context, None]) -> AssessmentRosterEntry | None:
        row = await info.context.loader("entries", _entries).load(roster.parse_uuid(self.id, "干部"))
        return AssessmentRosterEntry.of(row) if row else None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Cadre":
        return Cadre(id=id)


@strawberry.type(description="考核权重")
class AssessmentWeights:
    township_percent: int = strawberry.field(description="乡镇考核权重 (默认60%)")
    department_percent: int = strawberry.field(description="部门考核权重 (默认40%)")


@strawberry.type
class RosterQuery:
    @strawberry.federation.field(description="考核名单 (按权限范围过滤)", requires_scopes=gql.ROSTER_READERS)
    async def assessment_roster(self, info: Info[Context, None], first: int | None = None, after: str | None = None,
                                township_id: strawberry.ID | None = None) -> gql.Connection[Cadre]:
        page = await roster.list_entries(info.context.session, info.context.principal, first=first, after=after,
                                         township_id=township_id)
        return gql.connection(page, lambda r: Cadre(id=strawberry.ID(str(r.cadre_id))))

    @strawberry.federation.field(description="双向考核权重", authenticated=True)
    def assessment_weights(self) -> AssessmentWeights:
        t = get_settings().township_weight_percent
        return AssessmentWeights(township_percent=t, department_percent=100 - t)
