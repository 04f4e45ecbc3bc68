"""员额: the quota ledger's change requests (编办 approves) and the dynamic quota model in GraphQL."""

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

from .. import (
    excel,
    models,
    quotas,
)
from .roster import (
    Agency,
    Department,
    agency_of,
    department_of,
)


@strawberry.enum(description="申请状态")
class RequestStatus(enum.Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


@strawberry.type(description="员额调整明细")
class QuotaLine:
    agency_id: strawberry.Private[uuid.UUID]
    old_quota: int
    new_quota: int

    @strawberry.field
    async def agency(self, info: Info[Context, None]) -> Agency:
        return await agency_of(info, self.agency_id)


@strawberry.type(description="员额调整申请 (编办审批)")
class QuotaChangeRequest:
    id: strawberry.ID
    status: RequestStatus
    old_total: int
    new_total: int
    reorganisation: bool = strawberry.field(description="优化派驻模式 (1+X / 大镇带小乡)")
    reason: str
    requested_by: str
    requested_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_note: str | None
    lines: list[QuotaLine]
    department_id: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def department(self, info: Info[Context, None]) -> Department:
        return await department_of(info, self.department_id)

    @staticmethod
    def of(r: models.QuotaChangeRequest) -> "QuotaChangeRequest":
        return QuotaChangeRequest(
            id=strawberry.ID(str(r.id)),
            status=RequestStatus(r.status),
            old_total=r.old_total,
            new_total=r.new_total,
            reorganisation=r.reorganisation,
            reason=r.reason,
            requested_by=r.requested_by,
            requested_at=r.requested_at,
            decided_by=r.decided_by,
            decided_at=r.decided_at,
            decision_note=r.decision_note,
            lines=[
                QuotaLine(agency_id=uuid.UUID(k), old_quota=v[0], new_quota=v[1]) for k, v in sorted(r.lines.items())
            ],
            department_id=r.department_id,
        )


@strawberry.enum(description="分配方法: 最大余额法 / 亨廷顿-希尔法")
class ApportionMethod(enum.Enum):
    LARGEST_REMAINDER = "LARGEST_REMAINDER"
    HUNTINGTON_HILL = "HUNTINGTON_HILL"


@strawberry.input(description="测算权重 (人口、面积、企业数、工作量)")
class QuotaWeightsInput:
    population: float = 0.0
    area: float = 0.0
    enterprises: float = 0.0
    workload: float = 0.0


@strawberry.type(description="员额测算明细: 现行与建议并列")
class QuotaProposalLine:
    current: int
    recommended: int
    difference: int
    score: float = strawberry.field(description="加权份额")
    agency_id: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def agency(self, info: Info[Context, None]) -> Agency:
        return await agency_of(info, self.agency_id)


@strawberry.type(description="动态员额测算")
class QuotaProposal:
    method: ApportionMethod
    minimum_per_agency: int
    total: int
    lines: list[QuotaProposalLine]


@strawberry.input
class ProposeQuotaFromModelInput:
    department_id: strawberry.ID
    weights: QuotaWeightsInput
    method: ApportionMethod
    reason: str
    minimum_per_agency: int = 1


@strawberry.input
class AgencyQuotaInput:
    agency_id: strawberry.ID
    quota: int


@strawberry.input(description="员额调整申请")
class ProposeQuotaChangeInput:
    department_id: strawberry.ID
    agency_quotas: list[AgencyQuotaInput]
    reason: str
    new_total: int | None = None
    reorganisation: bool = False


@strawberry.input
class DecideQuotaChangeInput:
    request_id: strawberry.ID
    approve: bool
    note: str | None = None


@strawberry.type
class QuotaChangePayload:
    request: QuotaChangeRequest


@strawberry.type
class QuotaQuery:
    @strawberry.federation.field(description="员额调整申请", requires_scopes=gql.PEOPLE)
    async def quota_change_requests(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        status: RequestStatus | None = None,
    ) -> gql.Connection[QuotaChangeRequest]:
        page = await quotas.list_requests(
            info.context.session,
            info.context.principal,
            first=first,
            after=after,
            status=status.value if status else None,
        )
        return gql.connection(page, QuotaChangeRequest.of)

    @strawberry.federation.field(description="一个员额调整申请 (看不到或不存在: NOT_FOUND)", requires_scopes=gql.PEOPLE)
    async def quota_change_request(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, strawberry.argument(description="申请编号")],
    ) -> QuotaChangeRequest:
        row = await quotas.get_request(info.context.session, info.context.principal, parse_id(id, "申请"))
        return QuotaChangeRequest.of(row)

    @strawberry.federation.field(description="动态员额测算 (与现行分配并列)", requires_scopes=gql.PEOPLE)
    async def quota_proposal(
        self,
        info: Info[Context, None],
        department_id: strawberry.ID,
        weights: QuotaWeightsInput,
        method: ApportionMethod,
        minimum_per_agency: int = 1,
        total: int | None = None,
    ) -> QuotaProposal:
        total, lines = await quotas.model_proposal(
            info.context.session,
            info.context.principal,
            department_id=parse_id(department_id, "部门"),
            weights={k: v for k, v in vars(weights).items() if v},
            method=method.value,
            minimum=minimum_per_agency,
            total=total,
        )
        return QuotaProposal(
            method=method,
            minimum_per_agency=minimum_per_agency,
            total=total,
            lines=[
                QuotaProposalLine(
                    current=x.current,
                    recommended=x.recommended,
                    difference=x.recommended - x.current,
                    score=x.score,
                    agency_id=x.agency_id,
                )
                for x in lines
            ],
        )

    @strawberry.federation.field(description="导出员额表 Excel", requires_scopes=gql.PEOPLE)
    async def export_quota_table(self, info: Info[Context, None]) -> gql.ExcelFile:
        return gql.ExcelFile.of("员额表", await excel.export_quota_table(info.context.session, info.context.principal))


@strawberry.type
class QuotaMutation:
    @strawberry.federation.mutation(description="提出员额调整", requires_scopes=gql.PEOPLE)
    async def propose_quota_change(
        self, info: Info[Context, None], input: ProposeQuotaChangeInput
    ) -> QuotaChangePayload:
        request = await quotas.propose(
            info.context.session,
            info.context.principal,
            department_id=parse_id(input.department_id, "部门"),
            new_total=input.new_total,
            reason=input.reason,
            reorganisation=input.reorganisation,
            agency_quotas={parse_id(q.agency_id, "机构"): q.quota for q in input.agency_quotas},
        )
        return QuotaChangePayload(request=QuotaChangeRequest.of(request))

    @strawberry.federation.mutation(description="把测算结果转为员额调整申请", requires_scopes=gql.PEOPLE)
    async def propose_quota_from_model(
        self, info: Info[Context, None], input: ProposeQuotaFromModelInput
    ) -> QuotaChangePayload:
        request = await quotas.propose_from_model(
            info.context.session,
            info.context.principal,
            department_id=parse_id(input.department_id, "部门"),
            weights={k: v for k, v in vars(input.weights).items() if v},
            method=input.method.value,
            minimum=input.minimum_per_agency,
            reason=input.reason,
        )
        return QuotaChangePayload(request=QuotaChangeRequest.of(request))

    @strawberry.federation.mutation(description="编办审批员额调整", requires_scopes=gql.PEOPLE)
    async def decide_quota_change(self, info: Info[Context, None], input: DecideQuotaChangeInput) -> QuotaChangePayload:
        request = await quotas.decide(
            info.context.session,
            info.context.principal,
            request_id=parse_id(input.request_id, "申请"),
            approve=input.approve,
            note=input.note,
        )
        return QuotaChangePayload(request=QuotaChangeRequest.of(request))
