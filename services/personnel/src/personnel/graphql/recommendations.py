"""乡镇建议: a township's recommendations on stationed cadres and the department's decision, in GraphQL."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import strawberry
from strawberry.types import Info

from servicekit import gql
from servicekit.app import Context
from servicekit.ids import optional_id, parse_id

from .. import (
    models,
    recommendations,
)
from .roster import (
    Cadre,
    Township,
    _visible_cadres,
    township_of,
)


@strawberry.type(description="乡镇(街道)对派驻干部的调整建议")
class TownshipRecommendation:
    id: strawberry.ID
    kind: str = strawberry.field(description="DISMISS (建议调回) / TRANSFER (建议调整)")
    reasons: str = strawberry.field(description="建议理由")
    status: str = strawberry.field(description="PENDING / ACCEPTED / DECLINED")
    recommended_by: str = strawberry.field(description="建议人 (账号标识)")
    recommended_at: dt.datetime = strawberry.field(description="建议时间")
    decided_by: str | None = strawberry.field(description="决定人")
    decision_note: str | None = strawberry.field(description="部门意见")
    adjustment_batch_id: strawberry.ID | None = strawberry.field(description="采纳后发起的调整批次")
    cadre_id: strawberry.Private[uuid.UUID]
    township_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="被建议的派驻干部")
    async def cadre(self, info: Info[Context, None]) -> Cadre | None:
        row = await info.context.loader("cadre", _visible_cadres).load(self.cadre_id)
        return Cadre.of(row) if row else None

    @strawberry.field(description="提出建议的乡镇")
    async def township(self, info: Info[Context, None]) -> Township:
        return await township_of(info, self.township_id)

    @staticmethod
    def of(r: models.TownshipRecommendation) -> "TownshipRecommendation":
        return TownshipRecommendation(
            id=strawberry.ID(str(r.id)),
            kind=r.kind,
            reasons=r.reasons,
            status=r.status,
            recommended_by=r.recommended_by,
            recommended_at=r.recommended_at,
            decided_by=r.decided_by,
            decision_note=r.decision_note,
            adjustment_batch_id=strawberry.ID(str(r.adjustment_batch_id)) if r.adjustment_batch_id else None,
            cadre_id=r.cadre_id,
            township_id=r.township_id,
        )


@strawberry.input(description="乡镇对派驻干部的调整建议")
class RecommendInput:
    cadre_id: strawberry.ID
    kind: str = strawberry.field(description="建议类型: DISMISS 调回 (退回派出部门) | TRANSFER 调整到其他机构")
    reasons: str = strawberry.field(description="理由")


@strawberry.input(description="派出部门对乡镇建议的决定")
class DecideRecommendationInput:
    recommendation_id: strawberry.ID
    accept: bool = strawberry.field(description="是否采纳")
    note: str | None = strawberry.field(default=None, description="意见")
    effective_date: dt.date | None = strawberry.field(default=None, description="采纳后调整的生效日期")
    to_agency_id: strawberry.ID | None = strawberry.field(default=None, description="调往机构的 id (调整时)")
    tenure_exception_reason: str | None = strawberry.field(default=None, description="未满两年需调整的特殊理由")


@strawberry.type
class RecommendationQuery:
    @strawberry.federation.field(
        description="乡镇(街道)调整建议 (部门看本部门, 乡镇看本乡镇)", requires_scopes=gql.PEOPLE
    )
    async def township_recommendations(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        status: Annotated[str | None, strawberry.argument(description="建议状态")] = None,
    ) -> gql.Connection[TownshipRecommendation]:
        page = await recommendations.list_for(
            info.context.session, info.context.principal, first=first, after=after, status=status
        )
        return gql.connection(page, TownshipRecommendation.of)


@strawberry.type
class RecommendationMutation:
    @strawberry.federation.mutation(description="乡镇(街道)建议调回或调整派驻干部", requires_scopes=gql.PEOPLE)
    async def recommend_cadre_action(self, info: Info[Context, None], input: RecommendInput) -> TownshipRecommendation:
        rec = await recommendations.recommend(
            info.context.session,
            info.context.principal,
            cadre_id=parse_id(input.cadre_id, "人员"),
            kind=input.kind,
            reasons=input.reasons,
        )
        return TownshipRecommendation.of(rec)

    @strawberry.federation.mutation(description="派驻部门决定是否采纳建议", requires_scopes=gql.PEOPLE)
    async def decide_recommendation(
        self, info: Info[Context, None], input: DecideRecommendationInput
    ) -> TownshipRecommendation:
        rec = await recommendations.decide(
            info.context.session,
            info.context.principal,
            recommendation_id=parse_id(input.recommendation_id, "建议"),
            accept=input.accept,
            note=input.note,
            effective_date=input.effective_date,
            to_agency_id=optional_id(input.to_agency_id, "机构"),
            tenure_exception_reason=input.tenure_exception_reason,
        )
        return TownshipRecommendation.of(rec)
