"""Honours and dual reports in GraphQL."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from servicekit import gql
from servicekit.app import Context

from . import honours, models
from .gql_cycles import _uuid


@strawberry.type(description="荣誉")
class Honour:
    id: strawberry.ID
    kind: str = strawberry.field(description="MODEL_SQUAD 枫桥式派驻中队 / EXCELLENT_CADRE 优秀派驻干部")
    year: int
    subject_id: strawberry.ID = strawberry.field(description="派驻机构或派驻干部编号")
    reasons: str
    status: str

    @staticmethod
    def of(h: models.Honour) -> "Honour":
        return Honour(id=strawberry.ID(str(h.id)), kind=h.kind, year=h.year, subject_id=strawberry.ID(str(h.subject_id)),
                      reasons=h.reasons, status=h.status)


@strawberry.type(description="双报告")
class AgencyReport:
    id: strawberry.ID
    agency_id: strawberry.ID
    period: str
    kind: str = strawberry.field(description="PLAN 计划 / PROGRESS 进展 / MAJOR_ISSUE 重大事项")
    content: str
    filed_at: dt.datetime

    @staticmethod
    def of(r: models.AgencyReport) -> "AgencyReport":
        return AgencyReport(id=strawberry.ID(str(r.id)), agency_id=strawberry.ID(str(r.agency_id)), period=r.period,
                            kind=r.kind, content=r.content, filed_at=r.filed_at)


@strawberry.input
class NominateHonourInput:
    kind: str
    year: int
    subject_id: strawberry.ID
    reasons: str


@strawberry.input
class DecideHonourInput:
    honour_id: strawberry.ID
    approve: bool


@strawberry.input
class FileReportInput:
    agency_id: strawberry.ID
    period: str
    kind: str
    content: str


@strawberry.type
class HonourQuery:
    @strawberry.federation.field(description="荣誉公示名单", authenticated=True)
    async def honour_list(self, info: Info[Context, None], year: int) -> list[Honour]:
        return [Honour.of(h) for h in await honours.publicity_list(info.context.session, year)]

    @strawberry.federation.field(description="派驻机构报告 (部门、乡镇双方可见)", requires_scopes=gql.PEOPLE)
    async def agency_reports(self, info: Info[Context, None], agency_id: strawberry.ID | None = None,
                             first: int | None = None, after: str | None = None) -> gql.Connection[AgencyReport]:
        page = await honours.reports_for(info.context.session, info.context.principal,
                                         agency_id=_uuid(agency_id, "机构") if agency_id else None, first=first, after=after)
        return gql.connection(page, AgencyReport.of)


@strawberry.type
class HonourMutation:
    @strawberry.federation.mutation(description="推荐荣誉", requires_scopes=gql.PEOPLE)
    async def nominate_honour(self, info: Info[Context, None], input: NominateHonourInput) -> Honour:
        return Honour.of(await honours.nominate(info.context.session, info.context.principal, kind=input.kind,
                                                year=input.year, subject_id=_uuid(input.subject_id, "对象"),
                                                reasons=input.reasons))

    @strawberry.federation.mutation(description="组织部审定荣誉", requires_scopes=gql.PEOPLE)
    async def decide_honour(self, info: Info[Context, None], input: DecideHonourInput) -> Honour:
        return Honour.of(await honours.decide(info.context.session, info.context.principal,
                                              honour_id=_uuid(input.honour_id, "荣誉"), approve=input.approve))

    @strawberry.federation.mutation(description="派驻机构负责人报告 (双报告)", requires_scopes=gql.PEOPLE)
    async def file_agency_report(self, info: Info[Context, None], input: FileReportInput) -> AgencyReport:
        return AgencyReport.of(await honours.file_report(info.context.session, info.context.principal,
                                                         agency_id=_uuid(input.agency_id, "机构"), period=input.period,
                                                         kind=input.kind, content=input.content))
