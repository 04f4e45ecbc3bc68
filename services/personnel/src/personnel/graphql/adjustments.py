"""人事调整: transfers in, out and between agencies, head changes and reshuffles, with their approval chain, in
GraphQL."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Annotated

import strawberry
from strawberry.types import Info

from servicekit import gql
from servicekit.app import Context
from servicekit.ids import optional_id, parse_id

from .. import (
    adjustments,
    models,
)
from .roster import (
    Agency,
    Cadre,
    _visible_cadres,
    agency_of,
)


@strawberry.enum(description="调整类型: 调入/调出/机构间调动/负责人调整")
class AdjustmentKind(enum.Enum):
    IN = strawberry.enum_value("IN", description="调入: 新人派驻到机构")
    OUT = strawberry.enum_value("OUT", description="调出: 离开派驻岗位")
    TRANSFER = strawberry.enum_value("TRANSFER", description="机构间调动")
    HEAD_CHANGE = strawberry.enum_value("HEAD_CHANGE", description="负责人调整 (须乡镇意见)")


@strawberry.enum(description="调整状态")
class AdjustmentStatus(enum.Enum):
    SUBMITTED = strawberry.enum_value("SUBMITTED", description="已提交, 待审核")
    APPROVED = strawberry.enum_value("APPROVED", description="已审核通过, 待生效")
    REJECTED = strawberry.enum_value("REJECTED", description="未通过")
    EFFECTIVE = strawberry.enum_value("EFFECTIVE", description="已生效 (名单已变更)")


@strawberry.type(description="人事调整")
class Adjustment:
    id: strawberry.ID
    batch_id: strawberry.ID = strawberry.field(description="所属调整批次 (一次提交为一批)")
    kind: AdjustmentKind = strawberry.field(description="调整类型")
    status: AdjustmentStatus = strawberry.field(description="调整状态")
    effective_date: dt.date = strawberry.field(description="生效日期")
    reason: str = strawberry.field(description="调整理由")
    tenure_exception_reason: str | None = strawberry.field(description="未满2年调整的例外理由")
    org_review: str | None = strawberry.field(description="组织部审核: APPROVED / REJECTED")
    org_review_note: str | None = strawberry.field(description="组织部审核意见")
    township_opinion: str | None = strawberry.field(description="属地意见: AGREE / DISAGREE")
    township_opinion_note: str | None = strawberry.field(description="乡镇(街道)意见说明")
    township_opinion_needed: bool = strawberry.field(
        description="是否须征求属地意见 (负责人调整, 或现任负责人调出、调离)"
    )
    opinion_answer: str | None = strawberry.field(description="组织部对乡镇(街道)不同意见的答复 (继续办理或终止的理由)")
    replenishment: bool = strawberry.field(
        description="是否为补员 (集中调整以外的调入, 只填补空缺员额): 补员不占每年一次的调整"
    )
    requested_by: str = strawberry.field(description="提出人 (账号标识)")
    requested_at: dt.datetime = strawberry.field(description="提出时间")
    newcomer_name: str | None = strawberry.field(description="调入新人的姓名 (调入时)")
    cadre_id: strawberry.Private[uuid.UUID | None]
    from_agency_id: strawberry.Private[uuid.UUID | None]
    to_agency_id: strawberry.Private[uuid.UUID | None]

    @strawberry.field(description="被调整的派驻干部 (调入生效前为空)")
    async def cadre(self, info: Info[Context, None]) -> Cadre | None:
        if self.cadre_id is None:
            return None
        row = await info.context.loader("cadre", _visible_cadres).load(self.cadre_id)
        return Cadre.of(row) if row else None

    @strawberry.field(description="调出机构 (调入时为空)")
    async def from_agency(self, info: Info[Context, None]) -> Agency | None:
        return await agency_of(info, self.from_agency_id)

    @strawberry.field(description="调入机构 (调出时为空)")
    async def to_agency(self, info: Info[Context, None]) -> Agency | None:
        return await agency_of(info, self.to_agency_id)

    @staticmethod
    def of(r: models.Adjustment) -> "Adjustment":
        return Adjustment(
            id=strawberry.ID(str(r.id)),
            batch_id=strawberry.ID(str(r.batch_id)),
            kind=AdjustmentKind(r.kind),
            status=AdjustmentStatus(r.status),
            effective_date=r.effective_date,
            reason=r.reason,
            tenure_exception_reason=r.tenure_exception_reason,
            org_review=r.org_review,
            org_review_note=r.org_review_note,
            township_opinion=r.township_opinion,
            township_opinion_note=r.township_opinion_note,
            township_opinion_needed=r.township_opinion_needed,
            opinion_answer=r.opinion_answer,
            replenishment=r.replenishment,
            requested_by=r.requested_by,
            requested_at=r.requested_at,
            newcomer_name=(r.newcomer or {}).get("name"),
            cadre_id=r.cadre_id,
            from_agency_id=r.from_agency_id,
            to_agency_id=r.to_agency_id,
        )


@strawberry.type(description="三方会审意见")
class ReshuffleReview:
    party: str = strawberry.field(description="ORG_DEPARTMENT / STAFFING_OFFICE / TOWNSHIP:<id>")
    decision: str | None = strawberry.field(description="AGREE 同意 | DISAGREE 不同意")
    decided_by: str | None = strawberry.field(description="表态人 (账号标识)")
    note: str | None = strawberry.field(description="意见")


@strawberry.type(description="一批调整 (单项调整或一次集中调整)")
class AdjustmentBatch:
    batch_id: strawberry.ID = strawberry.field(description="批次 id")
    adjustments: list[Adjustment] = strawberry.field(description="本批各项调整")
    reviews: list[ReshuffleReview] = strawberry.field(description="三方会审意见 (集中调整)")
    pending_steps: list[str] = strawberry.field(
        description="尚待完成的审批环节: ORG_REVIEW 组织部审核, TOWNSHIP_OPINION 属地意见, "
        "OPINION_ANSWER 组织部答复属地不同意见, THREE_PARTY_REVIEW 三方会审"
    )

    @staticmethod
    def of(rows, reviews, pending) -> "AdjustmentBatch":
        return AdjustmentBatch(
            batch_id=strawberry.ID(str(rows[0].batch_id)),
            adjustments=[Adjustment.of(r) for r in rows],
            reviews=[
                ReshuffleReview(party=v.party, decision=v.decision, decided_by=v.decided_by, note=v.note)
                for v in reviews
            ],
            pending_steps=pending,
        )


@strawberry.input(description="新派驻人员信息 (调入)")
class NewcomerInput:
    name: str = strawberry.field(description="姓名")
    birth_date: dt.date = strawberry.field(description="出生日期")
    professional_line: str = strawberry.field(description="条线")
    gender: str = strawberry.field(default="MALE", description="性别")
    id_number: str | None = strawberry.field(default=None, description="身份证号")
    phone: str | None = strawberry.field(default=None, description="电话")


@strawberry.input(description="一项调整")
class AdjustmentItemInput:
    kind: AdjustmentKind = strawberry.field(description="调整类型")
    cadre_id: strawberry.ID | None = None
    from_agency_id: strawberry.ID | None = strawberry.field(
        default=None, description="调出机构的 id (调出、调动、负责人调整)"
    )
    to_agency_id: strawberry.ID | None = strawberry.field(
        default=None, description="调入机构的 id (调入、调动、负责人调整)"
    )
    newcomer: NewcomerInput | None = strawberry.field(default=None, description="新人的信息 (仅调入)")
    tenure_exception_reason: str | None = strawberry.field(
        default=None, description="未满两年需调整的特殊理由 (须组织部同意)"
    )


@strawberry.input(description="提交人事调整 (单项，或 reshuffle=true 的集中调整)")
class SubmitAdjustmentsInput:
    department_id: strawberry.ID
    effective_date: dt.date = strawberry.field(description="拟生效日期")
    reason: str = strawberry.field(description="调整理由")
    items: list[AdjustmentItemInput] = strawberry.field(description="各项调整")
    reshuffle: bool = strawberry.field(default=False, description="是否为集中调整 (须三方会审)")


@strawberry.input(description="组织部审核一批调整")
class ReviewAdjustmentsInput:
    batch_id: strawberry.ID
    approve: bool = strawberry.field(description="是否通过")
    note: str | None = strawberry.field(default=None, description="审核意见")
    approve_tenure_exception: bool = strawberry.field(default=False, description="是否同意未满两年的特殊调整")


@strawberry.input(description="乡镇对负责人调整的意见")
class TownshipOpinionInput:
    adjustment_id: strawberry.ID = strawberry.field(description="负责人调整的 id")
    agree: bool = strawberry.field(description="是否同意")
    note: str | None = strawberry.field(default=None, description="意见")


@strawberry.input(description="组织部答复乡镇(街道)的不同意见")
class AnswerTownshipOpinionInput:
    adjustment_id: strawberry.ID = strawberry.field(description="乡镇不同意的那项调整")
    proceed: bool = strawberry.field(description="true: 说明理由后继续办理; false: 终止本批调整")
    note: str = strawberry.field(description="答复理由 (必填)")


@strawberry.input(description="三方会审表态")
class ReviewReshuffleInput:
    batch_id: strawberry.ID
    agree: bool = strawberry.field(description="是否同意")
    note: str | None = strawberry.field(default=None, description="意见")


@strawberry.input(description="使一批调整生效")
class MakeEffectiveInput:
    batch_id: strawberry.ID


@strawberry.type(description="一批调整的当前情况")
class AdjustmentBatchPayload:
    batch: AdjustmentBatch = strawberry.field(description="调整批次")


async def _batch_payload(ctx: Context, batch_id: uuid.UUID) -> AdjustmentBatchPayload:
    rows, reviews, pending = await adjustments.batch_view(ctx.session, ctx.principal, batch_id)
    return AdjustmentBatchPayload(batch=AdjustmentBatch.of(rows, reviews, pending))


@strawberry.type
class AdjustmentQuery:
    @strawberry.federation.field(description="人事调整 (按权限范围)", requires_scopes=gql.PEOPLE)
    async def adjustments(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        status: Annotated[AdjustmentStatus | None, strawberry.argument(description="调整状态")] = None,
        tenure_exceptions_only: Annotated[bool, strawberry.argument(description="只看未满两年的特殊调整")] = False,
        department_id: Annotated[strawberry.ID | None, strawberry.argument(description="派驻部门")] = None,
        agency_id: Annotated[strawberry.ID | None, strawberry.argument(description="派驻机构 (调入或调出)")] = None,
        cadre_id: Annotated[strawberry.ID | None, strawberry.argument(description="人员")] = None,
        year: Annotated[int | None, strawberry.argument(description="申请年度 (2000–2100)")] = None,
    ) -> gql.Connection[Adjustment]:
        page = await adjustments.list_adjustments(
            info.context.session,
            info.context.principal,
            first=first,
            after=after,
            status=status.value if status else None,
            tenure_exceptions_only=tenure_exceptions_only,
            department_id=parse_id(department_id, "部门") if department_id else None,
            agency_id=parse_id(agency_id, "机构") if agency_id else None,
            cadre_id=parse_id(cadre_id, "人员") if cadre_id else None,
            year=year,
        )
        return gql.connection(page, Adjustment.of)

    @strawberry.federation.field(description="一批调整及其审批进度", requires_scopes=gql.PEOPLE)
    async def adjustment_batch(self, info: Info[Context, None], batch_id: strawberry.ID) -> AdjustmentBatch:
        rows, reviews, pending = await adjustments.batch_view(
            info.context.session, info.context.principal, parse_id(batch_id, "批次")
        )
        return AdjustmentBatch.of(rows, reviews, pending)


@strawberry.type
class AdjustmentMutation:
    @strawberry.federation.mutation(description="派驻部门提交人事调整", requires_scopes=gql.PEOPLE)
    async def submit_adjustments(
        self, info: Info[Context, None], input: SubmitAdjustmentsInput
    ) -> AdjustmentBatchPayload:
        items = [
            adjustments.Item(
                kind=i.kind.value,
                cadre_id=optional_id(i.cadre_id, "人员"),
                from_agency_id=optional_id(i.from_agency_id, "机构"),
                to_agency_id=optional_id(i.to_agency_id, "机构"),
                tenure_exception_reason=i.tenure_exception_reason,
                newcomer=(
                    {**vars(i.newcomer), "birth_date": i.newcomer.birth_date.isoformat()} if i.newcomer else None
                ),
            )
            for i in input.items
        ]
        rows = await adjustments.submit(
            info.context.session,
            info.context.principal,
            department_id=parse_id(input.department_id, "部门"),
            items=items,
            effective_date=input.effective_date,
            reason=input.reason,
            reshuffle=input.reshuffle,
        )
        return await _batch_payload(info.context, rows[0].batch_id)

    @strawberry.federation.mutation(description="组织部事前审核", requires_scopes=gql.PEOPLE)
    async def review_adjustments(
        self, info: Info[Context, None], input: ReviewAdjustmentsInput
    ) -> AdjustmentBatchPayload:
        batch_id = parse_id(input.batch_id, "批次")
        await adjustments.org_review(
            info.context.session,
            info.context.principal,
            batch_id=batch_id,
            approve=input.approve,
            note=input.note,
            approve_tenure_exception=input.approve_tenure_exception,
        )
        return await _batch_payload(info.context, batch_id)

    @strawberry.federation.mutation(description="乡镇(街道)对负责人调整提出意见", requires_scopes=gql.PEOPLE)
    async def give_township_opinion(
        self, info: Info[Context, None], input: TownshipOpinionInput
    ) -> AdjustmentBatchPayload:
        adj = await adjustments.township_opinion(
            info.context.session,
            info.context.principal,
            adjustment_id=parse_id(input.adjustment_id, "调整"),
            agree=input.agree,
            note=input.note,
        )
        return await _batch_payload(info.context, adj.batch_id)

    @strawberry.federation.mutation(
        description="组织部答复乡镇(街道)对负责人调整的不同意见: 属地意见是建议, 继续办理须说明理由",
        requires_scopes=gql.PEOPLE,
    )
    async def answer_township_opinion(
        self, info: Info[Context, None], input: AnswerTownshipOpinionInput
    ) -> AdjustmentBatchPayload:
        rows = await adjustments.answer_township_opinion(
            info.context.session,
            info.context.principal,
            adjustment_id=parse_id(input.adjustment_id, "调整"),
            proceed=input.proceed,
            note=input.note,
        )
        return await _batch_payload(info.context, rows[0].batch_id)

    @strawberry.federation.mutation(description="三方会审", requires_scopes=gql.PEOPLE)
    async def review_reshuffle(self, info: Info[Context, None], input: ReviewReshuffleInput) -> AdjustmentBatchPayload:
        batch_id = parse_id(input.batch_id, "批次")
        await adjustments.three_party_review(
            info.context.session, info.context.principal, batch_id=batch_id, agree=input.agree, note=input.note
        )
        return await _batch_payload(info.context, batch_id)

    @strawberry.federation.mutation(description="调整生效", requires_scopes=gql.PEOPLE)
    async def make_adjustments_effective(
        self, info: Info[Context, None], input: MakeEffectiveInput
    ) -> AdjustmentBatchPayload:
        batch_id = parse_id(input.batch_id, "批次")
        await adjustments.make_effective(info.context.session, info.context.principal, batch_id=batch_id)
        return await _batch_payload(info.context, batch_id)
