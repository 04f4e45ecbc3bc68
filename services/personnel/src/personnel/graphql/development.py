"""Development in GraphQL: training plans and sessions, mentoring, two-way recommendation and posts."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Annotated

import strawberry
from strawberry.types import Info

from servicekit import gql
from servicekit.app import Context
from servicekit.ids import parse_id

from .. import development, models, policy
from .roster import Cadre, Department, _visible_cadres, department_of


async def _cadre(info: Info[Context, None], cadre_id: uuid.UUID) -> Cadre | None:
    row = await info.context.loader("cadre", _visible_cadres).load(cadre_id)
    return Cadre.of(row) if row else None


@strawberry.type(description="年度培训计划")
class TrainingPlan:
    id: strawberry.ID
    owner_kind: str = strawberry.field(description="DEPARTMENT / TOWNSHIP")
    owner_id: strawberry.ID = strawberry.field(description="计划所属方 (部门或乡镇) 的 id")
    year: int = strawberry.field(description="年度")
    title: str = strawberry.field(description="计划名称")
    content: str = strawberry.field(description="计划内容")

    @staticmethod
    def of(p: models.TrainingPlan) -> "TrainingPlan":
        return TrainingPlan(
            id=strawberry.ID(str(p.id)),
            owner_kind=p.owner_kind,
            owner_id=strawberry.ID(str(p.owner_id)),
            year=p.year,
            title=p.title,
            content=p.content,
        )


@strawberry.type(description="培训 / 案件会商")
class TrainingSession:
    id: strawberry.ID
    kind: str = strawberry.field(description="类型: ROTATION_TRAINING 轮训 | CASE_CONSULTATION 案例会商 | OTHER 其他")
    title: str = strawberry.field(description="名称")
    held_on: dt.date = strawberry.field(description="日期")


@strawberry.type(description="青蓝结对")
class MentoringPair:
    id: strawberry.ID
    started_on: dt.date = strawberry.field(description="结对日期")
    mentor_id: strawberry.Private[uuid.UUID]
    mentee_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="导师")
    async def mentor(self, info: Info[Context, None]) -> Cadre | None:
        return await _cadre(info, self.mentor_id)

    @strawberry.field(description="结对对象")
    async def mentee(self, info: Info[Context, None]) -> Cadre | None:
        return await _cadre(info, self.mentee_id)


@strawberry.enum(description="干部推荐的推荐方")
class RecommendingSide(enum.Enum):
    DEPARTMENT = strawberry.enum_value("DEPARTMENT", description="派出部门")
    TOWNSHIP = strawberry.enum_value("TOWNSHIP", description="所在乡镇(街道)")


@strawberry.enum(description="干部推荐的方向")
class CareerTarget(enum.Enum):
    PROMOTION = strawberry.enum_value("PROMOTION", description="提拔")
    RESERVE = strawberry.enum_value("RESERVE", description="后备干部")


@strawberry.enum(description="干部推荐的状态")
class CareerRecommendationStatus(enum.Enum):
    PENDING = strawberry.enum_value("PENDING", description="待组织部决定")
    APPROVED = strawberry.enum_value("APPROVED", description="组织部同意")
    DECLINED = strawberry.enum_value("DECLINED", description="组织部不同意")


@strawberry.enum(description="双向任职 (派驻干部任乡镇中层) 的状态")
class MiddlePostStatus(enum.Enum):
    PROPOSED = strawberry.enum_value("PROPOSED", description="乡镇提出, 待派出部门同意")
    HELD = strawberry.enum_value("HELD", description="任职中")
    DECLINED = strawberry.enum_value("DECLINED", description="派出部门不同意")
    ENDED = strawberry.enum_value("ENDED", description="已结束")


@strawberry.type(description="双向推荐")
class CareerRecommendation:
    id: strawberry.ID
    side: RecommendingSide = strawberry.field(description="推荐方")
    target: CareerTarget = strawberry.field(description="推荐方向")
    reasons: str = strawberry.field(description="推荐理由")
    status: CareerRecommendationStatus = strawberry.field(description="组织部的决定")
    cadre_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="被推荐的派驻干部")
    async def cadre(self, info: Info[Context, None]) -> Cadre | None:
        return await _cadre(info, self.cadre_id)

    @staticmethod
    def of(r: models.CareerRecommendation) -> "CareerRecommendation":
        return CareerRecommendation(
            id=strawberry.ID(str(r.id)),
            side=RecommendingSide(r.side),
            target=CareerTarget(r.target),
            reasons=r.reasons,
            status=CareerRecommendationStatus(r.status),
            cadre_id=r.cadre_id,
        )


@strawberry.type(description="双向任职: 乡镇中层岗位")
class MiddlePost:
    id: strawberry.ID
    post: str = strawberry.field(description="中层岗位名称")
    concurrent: bool = strawberry.field(description="兼任")
    status: MiddlePostStatus = strawberry.field(description="双向任职的状态")
    start_date: dt.date | None = strawberry.field(description="任职日期")
    cadre_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="任职的派驻干部")
    async def cadre(self, info: Info[Context, None]) -> Cadre | None:
        return await _cadre(info, self.cadre_id)

    @staticmethod
    def of(r: models.MiddlePost) -> "MiddlePost":
        return MiddlePost(
            id=strawberry.ID(str(r.id)),
            post=r.post,
            concurrent=r.concurrent,
            status=MiddlePostStatus(r.status),
            start_date=r.start_date,
            cadre_id=r.cadre_id,
        )


@strawberry.type(description="培养选任统计 (报告: 一个部门一年4次培训、6次案件会商)")
class DevelopmentStatistics:
    rotation_trainings: int = strawberry.field(description="轮训次数")
    case_consultations: int = strawberry.field(description="案例会商次数")
    attendance_rate: float = strawberry.field(description="出勤率 (0–1)")
    mentoring_pairs: int = strawberry.field(description="青蓝结对数")
    promotions_approved: int = strawberry.field(description="获批提拔人数")
    middle_posts_held: int = strawberry.field(description="任乡镇中层人数")
    department_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="部门")
    async def department(self, info: Info[Context, None]) -> Department:
        return await department_of(info, self.department_id)


@strawberry.input(description="报备年度培训计划")
class FileTrainingPlanInput:
    owner_kind: str = strawberry.field(description="计划所属方类型: DEPARTMENT | TOWNSHIP")
    owner_id: strawberry.ID
    year: int = strawberry.field(description="年度")
    title: str = strawberry.field(description="计划名称")
    content: str = strawberry.field(description="计划内容")


@strawberry.input(description="一人的出勤")
class AttendanceInput:
    cadre_id: strawberry.ID
    present: bool = strawberry.field(default=True, description="是否出席")


@strawberry.input(description="记录一次培训或会商")
class RecordTrainingSessionInput:
    plan_id: strawberry.ID
    kind: str = strawberry.field(description="类型: ROTATION_TRAINING 轮训 | CASE_CONSULTATION 案例会商 | OTHER 其他")
    title: str = strawberry.field(description="名称")
    held_on: dt.date = strawberry.field(description="日期")
    attendance: list[AttendanceInput] = strawberry.field(description="出勤情况")


@strawberry.input(description="青蓝结对")
class PairMentorInput:
    mentor_id: strawberry.ID
    mentee_id: strawberry.ID


@strawberry.input(description="推荐提拔或后备干部")
class RecommendForCareerInput:
    cadre_id: strawberry.ID
    target: CareerTarget = strawberry.field(description="推荐方向")
    reasons: str = strawberry.field(description="推荐理由")


@strawberry.input(description="组织部对干部推荐的决定")
class DecideCareerRecommendationInput:
    recommendation_id: strawberry.ID
    approve: bool = strawberry.field(description="是否同意")
    note: str | None = strawberry.field(default=None, description="意见")


@strawberry.input(description="乡镇提出双向任职")
class ProposeMiddlePostInput:
    cadre_id: strawberry.ID
    post: str = strawberry.field(description="中层岗位名称")
    concurrent: bool = strawberry.field(default=True, description="是否兼任")


@strawberry.input(description="派出部门对双向任职的意见")
class ConsentMiddlePostInput:
    middle_post_id: strawberry.ID
    consent: bool = strawberry.field(description="是否同意")


@strawberry.type
class DevelopmentQuery:
    @strawberry.federation.field(description="年度培训计划 (按权限范围)", requires_scopes=gql.PEOPLE)
    async def training_plans(
        self, info: Info[Context, None], year: Annotated[int, strawberry.argument(description="年度")]
    ) -> list[TrainingPlan]:
        return [
            TrainingPlan.of(p) for p in await development.list_plans(info.context.session, info.context.principal, year)
        ]

    @strawberry.federation.field(description="培养选任统计", requires_scopes=gql.PEOPLE)
    async def development_statistics(
        self, info: Info[Context, None], year: Annotated[int, strawberry.argument(description="年度")]
    ) -> list[DevelopmentStatistics]:
        policy.county_reader(info.context.principal)
        return [DevelopmentStatistics(**vars(s)) for s in await development.statistics(info.context.session, year)]


@strawberry.type
class DevelopmentMutation:
    @strawberry.federation.mutation(description="报备年度培训计划", requires_scopes=gql.PEOPLE)
    async def file_training_plan(self, info: Info[Context, None], input: FileTrainingPlanInput) -> TrainingPlan:
        return TrainingPlan.of(
            await development.file_plan(
                info.context.session,
                info.context.principal,
                owner_kind=input.owner_kind,
                owner_id=parse_id(input.owner_id, "归属"),
                year=input.year,
                title=input.title,
                content=input.content,
            )
        )

    @strawberry.federation.mutation(description="登记培训或案件会商及出勤", requires_scopes=gql.PEOPLE)
    async def record_training_session(
        self, info: Info[Context, None], input: RecordTrainingSessionInput
    ) -> TrainingSession:
        row = await development.record_session(
            info.context.session,
            info.context.principal,
            plan_id=parse_id(input.plan_id, "计划"),
            kind=input.kind,
            title=input.title,
            held_on=input.held_on,
            attendance={parse_id(a.cadre_id, "人员"): a.present for a in input.attendance},
        )
        return TrainingSession(id=strawberry.ID(str(row.id)), kind=row.kind, title=row.title, held_on=row.held_on)

    @strawberry.federation.mutation(description="青蓝结对", requires_scopes=gql.PEOPLE)
    async def pair_mentor(self, info: Info[Context, None], input: PairMentorInput) -> MentoringPair:
        row = await development.pair_mentor(
            info.context.session,
            info.context.principal,
            mentor_id=parse_id(input.mentor_id, "人员"),
            mentee_id=parse_id(input.mentee_id, "人员"),
        )
        return MentoringPair(
            id=strawberry.ID(str(row.id)), started_on=row.started_on, mentor_id=row.mentor_id, mentee_id=row.mentee_id
        )

    @strawberry.federation.mutation(description="双向推荐", requires_scopes=gql.PEOPLE)
    async def recommend_for_career(
        self, info: Info[Context, None], input: RecommendForCareerInput
    ) -> CareerRecommendation:
        return CareerRecommendation.of(
            await development.recommend(
                info.context.session,
                info.context.principal,
                cadre_id=parse_id(input.cadre_id, "人员"),
                target=input.target.value,
                reasons=input.reasons,
            )
        )

    @strawberry.federation.mutation(description="组织部决定推荐", requires_scopes=gql.PEOPLE)
    async def decide_career_recommendation(
        self, info: Info[Context, None], input: DecideCareerRecommendationInput
    ) -> CareerRecommendation:
        return CareerRecommendation.of(
            await development.decide_recommendation(
                info.context.session,
                info.context.principal,
                recommendation_id=parse_id(input.recommendation_id, "推荐"),
                approve=input.approve,
                note=input.note,
            )
        )

    @strawberry.federation.mutation(description="乡镇提出担(兼)任中层岗位", requires_scopes=gql.PEOPLE)
    async def propose_middle_post(self, info: Info[Context, None], input: ProposeMiddlePostInput) -> MiddlePost:
        return MiddlePost.of(
            await development.propose_middle_post(
                info.context.session,
                info.context.principal,
                cadre_id=parse_id(input.cadre_id, "人员"),
                post=input.post,
                concurrent=input.concurrent,
            )
        )

    @strawberry.federation.mutation(description="派驻部门同意担(兼)任", requires_scopes=gql.PEOPLE)
    async def consent_middle_post(self, info: Info[Context, None], input: ConsentMiddlePostInput) -> MiddlePost:
        return MiddlePost.of(
            await development.consent_middle_post(
                info.context.session,
                info.context.principal,
                middle_post_id=parse_id(input.middle_post_id, "任职"),
                consent=input.consent,
            )
        )
