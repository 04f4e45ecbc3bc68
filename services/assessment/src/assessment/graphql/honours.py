"""Honours and dual reports in GraphQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from servicekit import gql
from servicekit.app import Context
from servicekit.ids import parse_id

from .. import honours, models, reviews
from .roster import Cadre


@strawberry.type(description="荣誉")
class Honour:
    id: strawberry.ID
    kind: str = strawberry.field(description="MODEL_SQUAD 枫桥式派驻中队 / EXCELLENT_CADRE 优秀派驻干部")
    year: int = strawberry.field(description="年度")
    subject_id: strawberry.ID = strawberry.field(description="派驻机构或派驻干部编号")
    reasons: str = strawberry.field(description="推荐理由")
    status: str = strawberry.field(description="NOMINATED 已推荐 | APPROVED 已批准 | DECLINED 未批准")

    @staticmethod
    def of(h: models.Honour) -> "Honour":
        return Honour(
            id=strawberry.ID(str(h.id)),
            kind=h.kind,
            year=h.year,
            subject_id=strawberry.ID(str(h.subject_id)),
            reasons=h.reasons,
            status=h.status,
        )


@strawberry.type(description="双报告")
class AgencyReport:
    id: strawberry.ID
    agency_id: strawberry.ID = strawberry.field(description="报告的派驻机构的 id")
    period: str = strawberry.field(description="报告期间 (如 2026 或 2026-H1)")
    kind: str = strawberry.field(description="PLAN 计划 / PROGRESS 进展 / MAJOR_ISSUE 重大事项")
    content: str = strawberry.field(description="报告内容")
    filed_at: dt.datetime = strawberry.field(description="提交时间")

    @staticmethod
    def of(r: models.AgencyReport) -> "AgencyReport":
        return AgencyReport(
            id=strawberry.ID(str(r.id)),
            agency_id=strawberry.ID(str(r.agency_id)),
            period=r.period,
            kind=r.kind,
            content=r.content,
            filed_at=r.filed_at,
        )


@strawberry.type(description="述职评议会")
class ReviewMeeting:
    id: strawberry.ID
    year: int = strawberry.field(description="年度")
    held_on: dt.date = strawberry.field(description="召开日期")
    title: str = strawberry.field(description="会议名称")
    status: str = strawberry.field(description="OPEN 进行中 | CLOSED 已结束")


@strawberry.type(description="述职评议结果 (每个派驻机构负责人每年一次; 与任免奖惩挂钩)")
class ReviewOutcome:
    agency_id: strawberry.ID = strawberry.field(description="派驻机构的 id")
    average: Decimal = strawberry.field(description="平均分")
    scores: int = strawberry.field(description="各方评分")
    outcome: str = strawberry.field(description="GOOD 好 / FAIR 较好 / POOR 一般")
    year: int = strawberry.field(description="年度")
    meeting_id: strawberry.ID = strawberry.field(description="评议会的 id")
    head: Cadre | None = strawberry.field(description="接受评议的负责人 (评议结束时的机构负责人; 空缺时为空)")

    @staticmethod
    def of(o: models.ReviewOutcome) -> "ReviewOutcome":
        return ReviewOutcome(
            agency_id=strawberry.ID(str(o.agency_id)),
            average=o.average,
            scores=o.scores,
            outcome=o.outcome,
            year=o.year,
            meeting_id=strawberry.ID(str(o.meeting_id)),
            head=Cadre(id=strawberry.ID(str(o.head_cadre_id))) if o.head_cadre_id else None,
        )


@strawberry.type(description="一项评议打分")
class ReviewScore:
    agency_id: strawberry.ID = strawberry.field(description="派驻机构的 id")
    side: str = strawberry.field(description="TOWNSHIP / DEPARTMENT / COUNTY")
    score: Decimal = strawberry.field(description="评分 (0–100)")


@strawberry.input(description="召开双述职评议会")
class ConveneReviewInput:
    year: int = strawberry.field(description="年度")
    held_on: dt.date = strawberry.field(description="召开日期")
    title: str = strawberry.field(description="会议名称")


@strawberry.input(description="评议会上的一项评分")
class ReviewScoreInput:
    meeting_id: strawberry.ID
    agency_id: strawberry.ID
    score: Decimal = strawberry.field(description="评分 (0–100)")


@strawberry.input(description="结束评议会并计算结果")
class CloseReviewInput:
    meeting_id: strawberry.ID


@strawberry.input(description="推荐荣誉")
class NominateHonourInput:
    kind: str = strawberry.field(description="荣誉: MODEL_SQUAD 枫桥式派驻中队 | EXCELLENT_CADRE 优秀派驻干部")
    year: int = strawberry.field(description="年度")
    subject_id: strawberry.ID
    reasons: str = strawberry.field(description="推荐理由")


@strawberry.input(description="组织部对荣誉推荐的决定")
class DecideHonourInput:
    honour_id: strawberry.ID
    approve: bool = strawberry.field(description="是否同意")


@strawberry.input(description="派驻机构负责人提交报告 (双报告)")
class FileReportInput:
    agency_id: strawberry.ID
    period: str = strawberry.field(description="报告期间")
    kind: str = strawberry.field(description="报告类型: PLAN 计划 | PROGRESS 进展 | MAJOR_ISSUE 重大事项")
    content: str = strawberry.field(description="报告内容")


@strawberry.type
class HonourQuery:
    @strawberry.federation.field(description="荣誉公示名单", authenticated=True)
    async def honour_list(
        self, info: Info[Context, None], year: Annotated[int, strawberry.argument(description="年度")]
    ) -> list[Honour]:
        return [Honour.of(h) for h in await honours.publicity_list(info.context.session, year)]

    @strawberry.federation.field(
        description="述职评议结果 (双述职): 县级机关看全部, 乡镇、部门看本方机构, 负责人看本人的",
        requires_scopes=gql.PEOPLE,
    )
    async def review_outcomes(
        self,
        info: Info[Context, None],
        year: Annotated[int | None, strawberry.argument(description="年度")] = None,
        agency_id: Annotated[strawberry.ID | None, strawberry.argument(description="派驻机构")] = None,
        cadre_id: Annotated[strawberry.ID | None, strawberry.argument(description="接受评议的负责人")] = None,
        first: int | None = None,
        after: str | None = None,
    ) -> gql.Connection[ReviewOutcome]:
        page = await reviews.outcomes(
            info.context.session,
            info.context.principal,
            year=year,
            agency_id=parse_id(agency_id, "机构") if agency_id else None,
            cadre_id=parse_id(cadre_id, "人员") if cadre_id else None,
            first=first,
            after=after,
        )
        return gql.connection(page, ReviewOutcome.of)

    @strawberry.federation.field(description="派驻机构报告 (部门、乡镇双方可见)", requires_scopes=gql.PEOPLE)
    async def agency_reports(
        self,
        info: Info[Context, None],
        agency_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> gql.Connection[AgencyReport]:
        page = await honours.reports_for(
            info.context.session,
            info.context.principal,
            agency_id=parse_id(agency_id, "机构") if agency_id else None,
            first=first,
            after=after,
        )
        return gql.connection(page, AgencyReport.of)


@strawberry.input(description="按审定的优秀等次推荐优秀派驻干部")
class NominateExcellentInput:
    cycle_id: strawberry.ID


@strawberry.type
class HonourMutation:
    @strawberry.federation.mutation(description="推荐荣誉", requires_scopes=gql.PEOPLE)
    async def nominate_honour(self, info: Info[Context, None], input: NominateHonourInput) -> Honour:
        return Honour.of(
            await honours.nominate(
                info.context.session,
                info.context.principal,
                kind=input.kind,
                year=input.year,
                subject_id=parse_id(input.subject_id, "对象"),
                reasons=input.reasons,
            )
        )

    @strawberry.federation.mutation(
        description="将本方年度考核优秀人员一次转为优秀派驻干部推荐 (已推荐的跳过)", requires_scopes=gql.PEOPLE
    )
    async def nominate_excellent_cadres(self, info: Info[Context, None], input: NominateExcellentInput) -> list[Honour]:
        rows = await honours.nominate_excellent(
            info.context.session, info.context.principal, cycle_id=parse_id(input.cycle_id, "考核周期")
        )
        return [Honour.of(h) for h in rows]

    @strawberry.federation.mutation(description="组织部审定荣誉", requires_scopes=gql.PEOPLE)
    async def decide_honour(self, info: Info[Context, None], input: DecideHonourInput) -> Honour:
        return Honour.of(
            await honours.decide(
                info.context.session,
                info.context.principal,
                honour_id=parse_id(input.honour_id, "荣誉"),
                approve=input.approve,
            )
        )

    @strawberry.federation.mutation(description="组织部召集述职评议会", requires_scopes=gql.PEOPLE)
    async def convene_review_meeting(self, info: Info[Context, None], input: ConveneReviewInput) -> ReviewMeeting:
        m = await reviews.convene(
            info.context.session, info.context.principal, year=input.year, held_on=input.held_on, title=input.title
        )
        return ReviewMeeting(
            id=strawberry.ID(str(m.id)), year=m.year, held_on=m.held_on, title=m.title, status=m.status
        )

    @strawberry.federation.mutation(description="评议打分 (乡镇、部门、县级机关)", requires_scopes=gql.PEOPLE)
    async def score_agency_head(self, info: Info[Context, None], input: ReviewScoreInput) -> ReviewScore:
        r = await reviews.score(
            info.context.session,
            info.context.principal,
            meeting_id=parse_id(input.meeting_id, "会议"),
            agency_id=parse_id(input.agency_id, "机构"),
            value=input.score,
        )
        return ReviewScore(agency_id=strawberry.ID(str(r.agency_id)), side=r.side, score=r.score)

    @strawberry.federation.mutation(description="组织部确定评议结果", requires_scopes=gql.PEOPLE)
    async def close_review_meeting(self, info: Info[Context, None], input: CloseReviewInput) -> list[ReviewOutcome]:
        rows = await reviews.close(
            info.context.session, info.context.principal, meeting_id=parse_id(input.meeting_id, "会议")
        )
        return [ReviewOutcome.of(o) for o in rows]

    @strawberry.federation.mutation(description="派驻机构负责人报告 (双报告)", requires_scopes=gql.PEOPLE)
    async def file_agency_report(self, info: Info[Context, None], input: FileReportInput) -> AgencyReport:
        return AgencyReport.of(
            await honours.file_report(
                info.context.session,
                info.context.principal,
                agency_id=parse_id(input.agency_id, "机构"),
                period=input.period,
                kind=input.kind,
                content=input.content,
            )
        )
