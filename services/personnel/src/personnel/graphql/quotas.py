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
    PENDING = strawberry.enum_value("PENDING", description="待审批")
    APPROVED = strawberry.enum_value("APPROVED", description="已批准")
    REJECTED = strawberry.enum_value("REJECTED", description="已驳回")


@strawberry.type(description="员额调整明细")
class QuotaLine:
    agency_id: strawberry.Private[uuid.UUID]
    old_quota: int = strawberry.field(description="原员额")
    new_quota: int = strawberry.field(description="新员额")

    @strawberry.field(description="机构")
    async def agency(self, info: Info[Context, None]) -> Agency:
        return await agency_of(info, self.agency_id)


@strawberry.type(description="员额调整申请 (编办审批)")
class QuotaChangeRequest:
    id: strawberry.ID
    status: RequestStatus = strawberry.field(description="申请状态")
    old_total: int = strawberry.field(description="原员额总数")
    new_total: int = strawberry.field(description="新员额总数")
    reorganisation: bool = strawberry.field(description="优化派驻模式 (1+X / 大镇带小乡)")
    reason: str = strawberry.field(description="申请理由")
    requested_by: str = strawberry.field(description="申请人 (账号标识)")
    requested_at: dt.datetime = strawberry.field(description="申请时间")
    decided_by: str | None = strawberry.field(description="审批人")
    decided_at: dt.datetime | None = strawberry.field(description="审批时间")
    decision_note: str | None = strawberry.field(description="审批意见")
    lines: list[QuotaLine] = strawberry.field(description="各机构的调整明细")
    department_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="申请的部门")
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
    LARGEST_REMAINDER = strawberry.enum_value("LARGEST_REMAINDER", description="最大余额法")
    HUNTINGTON_HILL = strawberry.enum_value("HUNTINGTON_HILL", description="亨廷顿-希尔法 (等比例舍入)")


@strawberry.input(description="测算权重 (人口、面积、企业数、工作量)")
class QuotaWeightsInput:
    population: float = strawberry.field(default=0.0, description="人口权重")
    area: float = strawberry.field(default=0.0, description="面积权重")
    enterprises: float = strawberry.field(default=0.0, description="企业数权重")
    workload: float = strawberry.field(default=0.0, description="工作量权重 (平台事件数)")


@strawberry.type(description="员额测算明细: 现行与建议并列")
class QuotaProposalLine:
    current: int = strawberry.field(description="现行员额")
    recommended: int = strawberry.field(description="建议员额")
    difference: int = strawberry.field(description="差额 (建议 − 现行)")
    score: float = strawberry.field(description="加权份额")
    agency_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="机构")
    async def agency(self, info: Info[Context, None]) -> Agency:
        return await agency_of(info, self.agency_id)


@strawberry.type(description="动态员额测算")
class QuotaProposal:
    method: ApportionMethod = strawberry.field(description="分配方法")
    minimum_per_agency: int = strawberry.field(description="每个机构的最低员额")
    total: int = strawberry.field(description="参与分配的员额总数")
    lines: list[QuotaProposalLine] = strawberry.field(description="各机构的测算结果")


@strawberry.input(description="按测算模型提出员额调整")
class ProposeQuotaFromModelInput:
    department_id: strawberry.ID
    weights: QuotaWeightsInput = strawberry.field(description="测算权重")
    method: ApportionMethod = strawberry.field(description="分配方法")
    reason: str = strawberry.field(description="调整理由")
    minimum_per_agency: int = strawberry.field(default=1, description="每个机构的最低员额")


@strawberry.input(description="一个机构的员额")
class AgencyQuotaInput:
    agency_id: strawberry.ID
    quota: int = strawberry.field(description="新的员额 (人数)")


@strawberry.input(description="员额调整申请")
class ProposeQuotaChangeInput:
    department_id: strawberry.ID
    agency_quotas: list[AgencyQuotaInput] = strawberry.field(description="各机构的新员额")
    reason: str = strawberry.field(description="调整理由")
    new_total: int | None = strawberry.field(default=None, description="部门新的员额总数 (不变时不填)")
    reorganisation: bool = strawberry.field(default=False, description="是否为机构改革 (1+X): 总数不得减少")


@strawberry.input(description="编办审批员额调整")
class DecideQuotaChangeInput:
    request_id: strawberry.ID
    approve: bool = strawberry.field(description="是否批准")
    note: str | None = strawberry.field(default=None, description="审批意见")


@strawberry.type(description="员额调整申请的当前情况")
class QuotaChangePayload:
    request: QuotaChangeRequest = strawberry.field(description="员额调整申请")


@strawberry.type
class QuotaQuery:
    @strawberry.federation.field(description="员额调整申请", requires_scopes=gql.PEOPLE)
    async def quota_change_requests(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        status: Annotated[RequestStatus | None, strawberry.argument(description="申请状态")] = None,
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
        weights: Annotated[QuotaWeightsInput, strawberry.argument(description="测算权重 (人口、面积、企业数、工作量)")],
        method: Annotated[ApportionMethod, strawberry.argument(description="分配方法")],
        minimum_per_agency: Annotated[int, strawberry.argument(description="每个机构的最低员额")] = 1,
        total: Annotated[int | None, strawberry.argument(description="参与分配的员额总数 (不填用部门现有总数)")] = None,
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
