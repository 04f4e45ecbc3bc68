"""Quotas, adjustments and vacancies in GraphQL. Thin: inputs to rule calls, rows to types."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import enum
import uuid
from typing import Annotated

import strawberry
from strawberry.types import Info

from servicekit import audit, gql
from servicekit.app import Context
from servicekit.errors import BadInput

from . import (
    adjustments,
    analytics,
    excel,
    models,
    policy,
    profile,
    quotas,
    recommendations,
    regions,
    reminders,
    roster,
    snapshots,
    vacancies,
)
from .calendar import today
from .gql_roster import (
    Agency,
    Cadre,
    CadreFilter,
    CadreStatus,
    Department,
    Region,
    Township,
    _visible_cadres,
    agency_of,
    department_of,
    township_of,
)


@strawberry.enum(description="申请状态")
class RequestStatus(enum.Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


@strawberry.enum(description="调整类型: 调入/调出/机构间调动/负责人调整")
class AdjustmentKind(enum.Enum):
    IN = "IN"
    OUT = "OUT"
    TRANSFER = "TRANSFER"
    HEAD_CHANGE = "HEAD_CHANGE"


@strawberry.enum(description="调整状态")
class AdjustmentStatus(enum.Enum):
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    EFFECTIVE = "EFFECTIVE"


async def _agency(info: Info[Context, None], agency_id: uuid.UUID | None) -> Agency | None:
    return await agency_of(info, agency_id) if agency_id is not None else None


@strawberry.type(description="员额调整明细")
class QuotaLine:
    agency_id: strawberry.Private[uuid.UUID]
    old_quota: int
    new_quota: int

    @strawberry.field
    async def agency(self, info: Info[Context, None]) -> Agency:
        return await _agency(info, self.agency_id)


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
            id=strawberry.ID(str(r.id)), status=RequestStatus(r.status), old_total=r.old_total, new_total=r.new_total,
            reorganisation=r.reorganisation, reason=r.reason, requested_by=r.requested_by, requested_at=r.requested_at,
            decided_by=r.decided_by, decided_at=r.decided_at, decision_note=r.decision_note,
            lines=[QuotaLine(agency_id=uuid.UUID(k), old_quota=v[0], new_quota=v[1]) for k, v in sorted(r.lines.items())],
            department_id=r.department_id)


@strawberry.type(description="人事调整")
class Adjustment:
    id: strawberry.ID
    batch_id: strawberry.ID
    kind: AdjustmentKind
    status: AdjustmentStatus
    effective_date: dt.date
    reason: str
    tenure_exception_reason: str | None = strawberry.field(description="未满2年调整的例外理由")
    org_review: str | None = strawberry.field(description="组织部审核: APPROVED / REJECTED")
    org_review_note: str | None
    township_opinion: str | None = strawberry.field(description="属地意见: AGREE / DISAGREE")
    township_opinion_note: str | None
    requested_by: str
    requested_at: dt.datetime
    newcomer_name: str | None
    cadre_id: strawberry.Private[uuid.UUID | None]
    from_agency_id: strawberry.Private[uuid.UUID | None]
    to_agency_id: strawberry.Private[uuid.UUID | None]

    @strawberry.field
    async def cadre(self, info: Info[Context, None]) -> Cadre | None:
        if self.cadre_id is None:
            return None
        row = await info.context.loader("cadre", _visible_cadres).load(self.cadre_id)
        return Cadre.of(row) if row else None

    @strawberry.field
    async def from_agency(self, info: Info[Context, None]) -> Agency | None:
        return await _agency(info, self.from_agency_id)

    @strawberry.field
    async def to_agency(self, info: Info[Context, None]) -> Agency | None:
        return await _agency(info, self.to_agency_id)

    @staticmethod
    def of(r: models.Adjustment) -> "Adjustment":
        return Adjustment(
            id=strawberry.ID(str(r.id)), batch_id=strawberry.ID(str(r.batch_id)), kind=AdjustmentKind(r.kind),
            status=AdjustmentStatus(r.status), effective_date=r.effective_date, reason=r.reason,
            tenure_exception_reason=r.tenure_exception_reason, org_review=r.org_review, org_review_note=r.org_review_note,
            township_opinion=r.township_opinion, township_opinion_note=r.township_opinion_note,
            requested_by=r.requested_by, requested_at=r.requested_at,
            newcomer_name=(r.newcomer or {}).get("name"), cadre_id=r.cadre_id,
            from_agency_id=r.from_agency_id, to_agency_id=r.to_agency_id)


@strawberry.type(description="三方会审意见")
class ReshuffleReview:
    party: str = strawberry.field(description="ORG_DEPARTMENT / STAFFING_OFFICE / TOWNSHIP:<id>")
    decision: str | None
    decided_by: str | None
    note: str | None


@strawberry.type(description="一批调整 (单项调整或一次集中调整)")
class AdjustmentBatch:
    batch_id: strawberry.ID
    adjustments: list[Adjustment]
    reviews: list[ReshuffleReview]
    pending_steps: list[str] = strawberry.field(description="尚待完成的审批环节")

    @staticmethod
    def of(rows, reviews, pending) -> "AdjustmentBatch":
        return AdjustmentBatch(batch_id=strawberry.ID(str(rows[0].batch_id)), adjustments=[Adjustment.of(r) for r in rows],
                               reviews=[ReshuffleReview(party=v.party, decision=v.decision, decided_by=v.decided_by, note=v.note)
                                        for v in reviews], pending_steps=pending)


@strawberry.type(description="缺额统计")
class VacancySummary:
    quota: int
    in_post: int
    incoming: int
    vacancy: int
    fill_rate: float = strawberry.field(description="到岗率 = 在岗 / 员额")
    key: strawberry.Private[uuid.UUID]
    by: strawberry.Private[str]

    @strawberry.field
    async def department(self, info: Info[Context, None]) -> Department | None:
        if self.by != "department":
            return None
        return await department_of(info, self.key)

    @strawberry.field
    async def township(self, info: Info[Context, None]) -> Township | None:
        if self.by != "township":
            return None
        return await township_of(info, self.key)


@strawberry.enum
class VacancyGrouping(enum.Enum):
    DEPARTMENT = "department"
    TOWNSHIP = "township"


@strawberry.enum(description="统计口径")
class StructureGrouping(enum.Enum):
    COUNTY = "county"
    DEPARTMENT = "department"
    TOWNSHIP = "township"


@strawberry.type(description="队伍结构: 到岗率、执法人员占比、老中青、在乡镇任职年限")
class RosterStructure:
    quota: int
    in_post: int
    fill_rate: float
    enforcement: int = strawberry.field(description="执法人员数")
    enforcement_share: float = strawberry.field(description="执法人员占下沉人员比例 (报告: 71%以上)")
    young: int = strawberry.field(description="青 (35岁以下)")
    middle: int = strawberry.field(description="中 (35–49岁)")
    old: int = strawberry.field(description="老 (50岁及以上)")
    average_age: float
    tenure_under_1: int = strawberry.field(description="在本乡镇不满1年")
    tenure_1_to_2: int
    tenure_2_to_5: int
    tenure_5_plus: int
    key: strawberry.Private[uuid.UUID | None]
    by: strawberry.Private[str]

    @strawberry.field
    async def department(self, info: Info[Context, None]) -> Department | None:
        if self.by != "department" or self.key is None:
            return None
        return await department_of(info, self.key)

    @strawberry.field
    async def township(self, info: Info[Context, None]) -> Township | None:
        if self.by != "township" or self.key is None:
            return None
        return await township_of(info, self.key)


@strawberry.type
class LedgerQuery:
    @strawberry.federation.field(description="员额调整申请", requires_scopes=gql.PEOPLE)
    async def quota_change_requests(self, info: Info[Context, None], first: int | None = None, after: str | None = None,
                                    status: RequestStatus | None = None) -> gql.Connection[QuotaChangeRequest]:
        page = await quotas.list_requests(info.context.session, info.context.principal, first=first, after=after,
                                          status=status.value if status else None)
        return gql.connection(page, QuotaChangeRequest.of)

    @strawberry.federation.field(description="一个员额调整申请 (看不到或不存在: NOT_FOUND)", requires_scopes=gql.PEOPLE)
    async def quota_change_request(self, info: Info[Context, None],
                                   id: Annotated[strawberry.ID, strawberry.argument(description="申请编号")],
                                   ) -> QuotaChangeRequest:
        row = await quotas.get_request(info.context.session, info.context.principal, roster.parse_uuid(id, "申请"))
        return QuotaChangeRequest.of(row)

    @strawberry.federation.field(description="人事调整 (按权限范围)", requires_scopes=gql.PEOPLE)
    async def adjustments(self, info: Info[Context, None], first: int | None = None, after: str | None = None,
                          status: AdjustmentStatus | None = None,
                          tenure_exceptions_only: bool = False,
                          department_id: Annotated[strawberry.ID | None, strawberry.argument(description="派驻部门")] = None,
                          agency_id: Annotated[strawberry.ID | None, strawberry.argument(
                              description="派驻机构 (调入或调出)")] = None,
                          cadre_id: Annotated[strawberry.ID | None, strawberry.argument(description="人员")] = None,
                          year: Annotated[int | None, strawberry.argument(description="申请年度 (2000–2100)")] = None,
                          ) -> gql.Connection[Adjustment]:
        page = await adjustments.list_adjustments(
            info.context.session, info.context.principal, first=first, after=after,
            status=status.value if status else None, tenure_exceptions_only=tenure_exceptions_only,
            department_id=roster.parse_uuid(department_id, "部门") if department_id else None,
            agency_id=roster.parse_uuid(agency_id, "机构") if agency_id else None,
            cadre_id=roster.parse_uuid(cadre_id, "人员") if cadre_id else None, year=year)
        return gql.connection(page, Adjustment.of)

    @strawberry.federation.field(description="一批调整及其审批进度", requires_scopes=gql.PEOPLE)
    async def adjustment_batch(self, info: Info[Context, None], batch_id: strawberry.ID) -> AdjustmentBatch:
        rows, reviews, pending = await adjustments.batch_view(info.context.session, info.context.principal,
                                                              roster.parse_uuid(batch_id, "批次"))
        return AdjustmentBatch.of(rows, reviews, pending)

    @strawberry.federation.field(description="实时缺额 (按部门或乡镇汇总)", requires_scopes=gql.ROSTER_READERS)
    async def vacancies(self, info: Info[Context, None], by: VacancyGrouping) -> list[VacancySummary]:
        policy.org_reader(info.context.principal)
        rows = await vacancies.summary(info.context.session, by.value)
        return [VacancySummary(quota=r.quota, in_post=r.in_post, incoming=r.incoming, vacancy=r.vacancy,
                               fill_rate=r.fill_rate, key=r.key, by=by.value) for r in rows]

    @strawberry.federation.field(description="提醒告知单 (编办、组织部、领导看全部; 部门看本部门)", requires_scopes=gql.PEOPLE)
    async def reminder_notices(self, info: Info[Context, None], open_only: bool = False, overdue_only: bool = False,
                               first: int | None = None, after: str | None = None) -> gql.Connection[ReminderNotice]:
        page = await reminders.list_notices(info.context.session, info.context.principal, open_only=open_only,
                                            overdue_only=overdue_only, first=first, after=after)
        return gql.connection(page, lambda row: ReminderNotice.of(*row))

    @strawberry.federation.field(description="提醒告知统计", requires_scopes=gql.PEOPLE)
    async def reminder_statistics(self, info: Info[Context, None]) -> ReminderStatistics:
        policy.county_reader(info.context.principal)
        stats = await reminders.statistics(info.context.session)
        return ReminderStatistics(**vars(stats))

    @strawberry.federation.field(description="未来若干月缺额预测", requires_scopes=gql.PEOPLE)
    async def vacancy_forecast(self, info: Info[Context, None], months: int = 6) -> list[VacancyForecast]:
        policy.county_reader(info.context.principal)
        rows = await reminders.forecast(info.context.session, months)
        return [VacancyForecast(vacancy_now=r.vacancy_now, retirements=r.retirements, approved_outflows=r.approved_outflows,
                                approved_inflows=r.approved_inflows, eligible_to_rotate=r.eligible_to_rotate,
                                projected_vacancy=r.projected_vacancy,
                                department_id=r.department_id) for r in rows]

    @strawberry.federation.field(description="乡镇(街道)调整建议 (部门看本部门, 乡镇看本乡镇)", requires_scopes=gql.PEOPLE)
    async def township_recommendations(self, info: Info[Context, None], first: int | None = None,
                                       after: str | None = None,
                                       status: str | None = None) -> gql.Connection[TownshipRecommendation]:
        page = await recommendations.list_for(info.context.session, info.context.principal, first=first, after=after,
                                              status=status)
        return gql.connection(page, TownshipRecommendation.of)

    @strawberry.federation.field(description="导出名单 Excel (按权限范围, 敏感字段同页面脱敏)", requires_scopes=gql.PEOPLE)
    async def export_roster(self, info: Info[Context, None], filter: CadreFilter | None = None) -> gql.ExcelFile:
        f = filter.rules() if filter else None
        content, rows = await excel.export_roster(info.context.session, info.context.principal, f)
        await audit.record_read(info.context.sessionmaker, actor=info.context.principal, action="roster.export",
                                entity_type="Roster", entity_id="export", after={"rows": rows})
        return gql.ExcelFile.of("派驻人员名单", content)

    @strawberry.federation.field(description="导出员额表 Excel", requires_scopes=gql.PEOPLE)
    async def export_quota_table(self, info: Info[Context, None]) -> gql.ExcelFile:
        return gql.ExcelFile.of("员额表", await excel.export_quota_table(info.context.session, info.context.principal))

    @strawberry.federation.field(description="导出缺额 Excel", requires_scopes=gql.PEOPLE)
    async def export_vacancies(self, info: Info[Context, None]) -> gql.ExcelFile:
        return gql.ExcelFile.of("缺额", await excel.export_vacancies(info.context.session, info.context.principal))

    @strawberry.federation.field(description="即将到期或已过期的执法证 (按权限范围)", requires_scopes=gql.PEOPLE)
    async def expiring_enforcement_certificates(self, info: Info[Context, None], within_days: int = 90,
                                                first: int | None = None,
                                                after: str | None = None) -> gql.Connection[Cadre]:
        page = await profile.expiring_certificates(info.context.session, policy.cadre_visibility(info.context.principal),
                                                   within_days, first=first, after=after)
        return gql.connection(page, Cadre.of)

    @strawberry.federation.field(description="片区 (1+X / 大镇带小乡)", requires_scopes=gql.ROSTER_READERS)
    async def regions(self, info: Info[Context, None]) -> list[Region]:
        policy.org_reader(info.context.principal)
        return [Region.of(r) for r in await regions.list_regions(info.context.session)]

    @strawberry.federation.field(description="已锁定的名单", requires_scopes=gql.ROSTER_READERS)
    async def roster_snapshots(self, info: Info[Context, None]) -> list[RosterSnapshot]:
        return [RosterSnapshot.of(r) for r in await snapshots.list_snapshots(info.context.session, info.context.principal)]

    @strawberry.federation.field(description="锁定名单与实时名单比对", requires_scopes=gql.ROSTER_READERS)
    async def roster_diff(self, info: Info[Context, None], snapshot_id: strawberry.ID) -> RosterDiff:
        d = await snapshots.compare(info.context.session, info.context.principal, roster.parse_uuid(snapshot_id, "名单"))
        return RosterDiff(snapshot=RosterSnapshot.of(d.snapshot),
                          arrived_cadre_ids=[strawberry.ID(str(c)) for c in d.arrived],
                          departed_cadre_ids=[strawberry.ID(str(c)) for c in d.departed],
                          moved=[RosterMove(cadre_id=strawberry.ID(str(c)), from_agency_id=a, to_agency_id=b)
                                 for c, a, b in d.moved],
                          quota_changes=[QuotaDrift(agency_id=a, locked_quota=old, quota=new) for a, old, new in d.quota_changes])

    @strawberry.federation.field(description="动态员额测算 (与现行分配并列)", requires_scopes=gql.PEOPLE)
    async def quota_proposal(self, info: Info[Context, None], department_id: strawberry.ID, weights: QuotaWeightsInput,
                             method: ApportionMethod, minimum_per_agency: int = 1,
                             total: int | None = None) -> QuotaProposal:
        total, lines = await quotas.model_proposal(
            info.context.session, info.context.principal, department_id=roster.parse_uuid(department_id, "部门"),
            weights={k: v for k, v in vars(weights).items() if v}, method=method.value, minimum=minimum_per_agency,
            total=total)
        return QuotaProposal(method=method, minimum_per_agency=minimum_per_agency, total=total, lines=[
            QuotaProposalLine(current=x.current, recommended=x.recommended, difference=x.recommended - x.current,
                              score=x.score, agency_id=x.agency_id) for x in lines])

    @strawberry.federation.field(description="队伍结构统计 (按权限范围)", requires_scopes=gql.ROSTER_READERS)
    async def roster_structure(self, info: Info[Context, None], by: StructureGrouping) -> list[RosterStructure]:
        rows = await analytics.structure(info.context.session, info.context.principal, by.value)
        return [RosterStructure(quota=r.quota, in_post=r.in_post, fill_rate=r.fill_rate, enforcement=r.enforcement,
                                enforcement_share=r.enforcement_share, young=r.young, middle=r.middle, old=r.old,
                                average_age=r.average_age, tenure_under_1=r.tenure_under_1, tenure_1_to_2=r.tenure_1_to_2,
                                tenure_2_to_5=r.tenure_2_to_5, tenure_5_plus=r.tenure_5_plus, key=r.key, by=by.value)
                for r in rows]


@strawberry.type(description="提醒告知单")
class ReminderNotice:
    id: strawberry.ID
    batch_id: strawberry.ID
    issued_at: dt.datetime
    deadline: dt.date
    vacancies_at_issue: int = strawberry.field(description="发出时缺额")
    status: str = strawberry.field(description="OPEN / ANSWERED / CLOSED")
    plan: str | None = strawberry.field(description="部门补员计划")
    replenished: int = strawberry.field(description="已补员人数")
    overdue: bool = strawberry.field(description="逾期未办结 (责任追究)")
    closed_at: dt.datetime | None
    department_id: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def department(self, info: Info[Context, None]) -> Department:
        return await department_of(info, self.department_id)

    @staticmethod
    def of(n: models.ReminderNotice, b: models.ReminderBatch) -> "ReminderNotice":
        return ReminderNotice(id=strawberry.ID(str(n.id)), batch_id=strawberry.ID(str(b.id)), issued_at=b.issued_at,
                              deadline=b.deadline, vacancies_at_issue=n.vacancies_at_issue, status=n.status, plan=n.plan,
                              replenished=n.replenished, closed_at=n.closed_at, department_id=n.department_id,
                              overdue=n.status != "CLOSED" and b.deadline < today())


@strawberry.type(description="提醒告知统计 (报告: 6批次, 补员29人)")
class ReminderStatistics:
    batches: int
    notices: int
    closed: int
    overdue: int
    replenished: int


@strawberry.type(description="缺额预测")
class VacancyForecast:
    vacancy_now: int
    retirements: int = strawberry.field(description="期内到龄退休")
    approved_outflows: int = strawberry.field(description="已批准调出")
    approved_inflows: int = strawberry.field(description="已批准调入")
    eligible_to_rotate: int = strawberry.field(description="期内满2年、可交流轮岗 (不计入预测缺额)")
    projected_vacancy: int
    department_id: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def department(self, info: Info[Context, None]) -> Department:
        return await department_of(info, self.department_id)


@strawberry.type(description="锁定名单")
class RosterSnapshot:
    id: strawberry.ID
    period: str
    locked_by: str
    locked_at: dt.datetime
    note: str | None
    in_post: int
    quota: int

    @staticmethod
    def of(r: models.RosterSnapshot) -> "RosterSnapshot":
        return RosterSnapshot(id=strawberry.ID(str(r.id)), period=r.period, locked_by=r.locked_by, locked_at=r.locked_at,
                              note=r.note, in_post=r.in_post, quota=r.quota)


@strawberry.type
class RosterMove:
    cadre_id: strawberry.ID
    from_agency_id: strawberry.Private[uuid.UUID]
    to_agency_id: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def from_agency(self, info: Info[Context, None]) -> Agency:
        return await _agency(info, self.from_agency_id)

    @strawberry.field
    async def to_agency(self, info: Info[Context, None]) -> Agency:
        return await _agency(info, self.to_agency_id)


@strawberry.type
class QuotaDrift:
    locked_quota: int
    quota: int
    agency_id: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def agency(self, info: Info[Context, None]) -> Agency:
        return await _agency(info, self.agency_id)


@strawberry.type(description="锁定名单与实时名单比对 (按权限范围)")
class RosterDiff:
    snapshot: RosterSnapshot
    arrived_cadre_ids: list[strawberry.ID] = strawberry.field(description="锁定后新到岗")
    departed_cadre_ids: list[strawberry.ID] = strawberry.field(description="锁定后离开")
    moved: list[RosterMove]
    quota_changes: list[QuotaDrift]


@strawberry.type(description="乡镇(街道)对派驻干部的调整建议")
class TownshipRecommendation:
    id: strawberry.ID
    kind: str = strawberry.field(description="DISMISS (建议调回) / TRANSFER (建议调整)")
    reasons: str
    status: str = strawberry.field(description="PENDING / ACCEPTED / DECLINED")
    recommended_by: str
    recommended_at: dt.datetime
    decided_by: str | None
    decision_note: str | None
    adjustment_batch_id: strawberry.ID | None = strawberry.field(description="采纳后发起的调整批次")
    cadre_id: strawberry.Private[uuid.UUID]
    township_id: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def cadre(self, info: Info[Context, None]) -> Cadre | None:
        row = await info.context.loader("cadre", _visible_cadres).load(self.cadre_id)
        return Cadre.of(row) if row else None

    @strawberry.field
    async def township(self, info: Info[Context, None]) -> Township:
        return await township_of(info, self.township_id)

    @staticmethod
    def of(r: models.TownshipRecommendation) -> "TownshipRecommendation":
        return TownshipRecommendation(
            id=strawberry.ID(str(r.id)), kind=r.kind, reasons=r.reasons, status=r.status, recommended_by=r.recommended_by,
            recommended_at=r.recommended_at, decided_by=r.decided_by, decision_note=r.decision_note,
            adjustment_batch_id=strawberry.ID(str(r.adjustment_batch_id)) if r.adjustment_batch_id else None,
            cadre_id=r.cadre_id, township_id=r.township_id)


@strawberry.input
class RecommendInput:
    cadre_id: strawberry.ID
    kind: str
    reasons: str


@strawberry.input
class DecideRecommendationInput:
    recommendation_id: strawberry.ID
    accept: bool
    note: str | None = None
    effective_date: dt.date | None = None
    to_agency_id: strawberry.ID | None = None
    tenure_exception_reason: str | None = None


@strawberry.type(description="导入错误 (行号从表头下一行的 2 开始)")
class ImportRowError:
    row: int
    column: str | None
    message: str


@strawberry.type(description="名单导入结果")
class RosterImportResult:
    ok: bool = strawberry.field(description="全部成功 (整体模式下有任何错误则一行也不写入)")
    created: int
    created_cadre_ids: list[strawberry.ID]
    errors: list[ImportRowError]


@strawberry.input
class ImportRosterInput:
    content_base64: str
    partial: bool = strawberry.field(default=False, description="true: 写入有效行, 返回错误行")


@strawberry.input(description="日常管理信息 (乡镇维护)")
class UpdateDailyManagementInput:
    cadre_id: strawberry.ID
    status: CadreStatus | None = strawberry.field(default=None, description="在岗、请假或借调 (离开只能经人事调整)")
    phone: str | None = None
    political_status: str | None = None
    reason: str | None = None


@strawberry.input(description="业务信息 (部门维护)")
class UpdateProfessionalInfoInput:
    cadre_id: strawberry.ID
    professional_line: str | None = None
    rank: str | None = None
    education: str | None = None
    enforcement_cert_no: str | None = None
    enforcement_cert_expiry: dt.date | None = None
    reason: str | None = None


@strawberry.input(description="设立片区")
class CreateRegionInput:
    name: str
    model: str
    hub_township_id: strawberry.ID
    satellite_township_ids: list[strawberry.ID]
    reason: str | None = None


@strawberry.input
class LockRosterInput:
    period: str
    note: str | None = None


@strawberry.input
class IssueRemindersInput:
    deadline: dt.date
    note: str | None = None
    department_ids: list[strawberry.ID] | None = None


@strawberry.input
class AnswerReminderInput:
    notice_id: strawberry.ID
    plan: str


@strawberry.type
class RemindersPayload:
    notices: list[ReminderNotice]


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
        return await _agency(info, self.agency_id)


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


@strawberry.input(description="新派驻人员信息 (调入)")
class NewcomerInput:
    name: str
    birth_date: dt.date
    professional_line: str
    gender: str = "MALE"
    id_number: str | None = None
    phone: str | None = None


@strawberry.input
class AdjustmentItemInput:
    kind: AdjustmentKind
    cadre_id: strawberry.ID | None = None
    from_agency_id: strawberry.ID | None = None
    to_agency_id: strawberry.ID | None = None
    newcomer: NewcomerInput | None = None
    tenure_exception_reason: str | None = None


@strawberry.input(description="提交人事调整 (单项，或 reshuffle=true 的集中调整)")
class SubmitAdjustmentsInput:
    department_id: strawberry.ID
    effective_date: dt.date
    reason: str
    items: list[AdjustmentItemInput]
    reshuffle: bool = False


@strawberry.input
class ReviewAdjustmentsInput:
    batch_id: strawberry.ID
    approve: bool
    note: str | None = None
    approve_tenure_exception: bool = False


@strawberry.input
class TownshipOpinionInput:
    adjustment_id: strawberry.ID
    agree: bool
    note: str | None = None


@strawberry.input
class ReviewReshuffleInput:
    batch_id: strawberry.ID
    agree: bool
    note: str | None = None


@strawberry.input
class MakeEffectiveInput:
    batch_id: strawberry.ID


@strawberry.type
class QuotaChangePayload:
    request: QuotaChangeRequest


@strawberry.type
class AdjustmentBatchPayload:
    batch: AdjustmentBatch


def _uid(value, what: str) -> uuid.UUID | None:
    return roster.parse_uuid(value, what) if value is not None else None


async def _batch_payload(ctx: Context, batch_id: uuid.UUID) -> AdjustmentBatchPayload:
    rows, reviews, pending = await adjustments.batch_view(ctx.session, ctx.principal, batch_id)
    return AdjustmentBatchPayload(batch=AdjustmentBatch.of(rows, reviews, pending))


@strawberry.type
class LedgerMutation:
    @strawberry.federation.mutation(description="提出员额调整", requires_scopes=gql.PEOPLE)
    async def propose_quota_change(self, info: Info[Context, None], input: ProposeQuotaChangeInput) -> QuotaChangePayload:
        request = await quotas.propose(
            info.context.session, info.context.principal, department_id=roster.parse_uuid(input.department_id, "部门"),
            new_total=input.new_total, reason=input.reason, reorganisation=input.reorganisation,
            agency_quotas={roster.parse_uuid(q.agency_id, "机构"): q.quota for q in input.agency_quotas})
        return QuotaChangePayload(request=QuotaChangeRequest.of(request))

    @strawberry.federation.mutation(description="把测算结果转为员额调整申请", requires_scopes=gql.PEOPLE)
    async def propose_quota_from_model(self, info: Info[Context, None],
                                       input: ProposeQuotaFromModelInput) -> QuotaChangePayload:
        request = await quotas.propose_from_model(
            info.context.session, info.context.principal, department_id=roster.parse_uuid(input.department_id, "部门"),
            weights={k: v for k, v in vars(input.weights).items() if v}, method=input.method.value,
            minimum=input.minimum_per_agency, reason=input.reason)
        return QuotaChangePayload(request=QuotaChangeRequest.of(request))

    @strawberry.federation.mutation(description="乡镇(街道)建议调回或调整派驻干部", requires_scopes=gql.PEOPLE)
    async def recommend_cadre_action(self, info: Info[Context, None], input: RecommendInput) -> TownshipRecommendation:
        rec = await recommendations.recommend(info.context.session, info.context.principal,
                                              cadre_id=roster.parse_uuid(input.cadre_id, "人员"), kind=input.kind,
                                              reasons=input.reasons)
        return TownshipRecommendation.of(rec)

    @strawberry.federation.mutation(description="派驻部门决定是否采纳建议", requires_scopes=gql.PEOPLE)
    async def decide_recommendation(self, info: Info[Context, None],
                                    input: DecideRecommendationInput) -> TownshipRecommendation:
        rec = await recommendations.decide(
            info.context.session, info.context.principal,
            recommendation_id=roster.parse_uuid(input.recommendation_id, "建议"), accept=input.accept, note=input.note,
            effective_date=input.effective_date, to_agency_id=_uid(input.to_agency_id, "机构"),
            tenure_exception_reason=input.tenure_exception_reason)
        return TownshipRecommendation.of(rec)

    @strawberry.federation.mutation(description="乡镇(街道)维护日常管理信息", requires_scopes=gql.PEOPLE)
    async def update_daily_management(self, info: Info[Context, None], input: UpdateDailyManagementInput) -> Cadre:
        row = await profile.update_daily(info.context.session, info.context.principal,
                                         cadre_id=roster.parse_uuid(input.cadre_id, "人员"),
                                         status=input.status.value if input.status else None,
                                         phone=input.phone, political_status=input.political_status, reason=input.reason)
        return Cadre.of(row)

    @strawberry.federation.mutation(description="派驻部门维护业务信息", requires_scopes=gql.PEOPLE)
    async def update_professional_info(self, info: Info[Context, None], input: UpdateProfessionalInfoInput) -> Cadre:
        row = await profile.update_professional(
            info.context.session, info.context.principal, cadre_id=roster.parse_uuid(input.cadre_id, "人员"),
            professional_line=input.professional_line, rank=input.rank, education=input.education,
            enforcement_cert_no=input.enforcement_cert_no, enforcement_cert_expiry=input.enforcement_cert_expiry,
            reason=input.reason)
        return Cadre.of(row)

    @strawberry.federation.mutation(description="编办设立片区", requires_scopes=gql.PEOPLE)
    async def create_region(self, info: Info[Context, None], input: CreateRegionInput) -> Region:
        row = await regions.create(info.context.session, info.context.principal, name=input.name, model=input.model,
                                   hub_township_id=roster.parse_uuid(input.hub_township_id, "乡镇"),
                                   satellite_ids=[roster.parse_uuid(t, "乡镇") for t in input.satellite_township_ids],
                                   reason=input.reason)
        return Region.of(row)

    @strawberry.federation.mutation(description="编办导入名单 Excel", requires_scopes=gql.PEOPLE)
    async def import_roster(self, info: Info[Context, None], input: ImportRosterInput) -> RosterImportResult:
        try:
            content = base64.b64decode(input.content_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise BadInput("文件内容须为 base64") from exc
        created, errors = await excel.import_roster(info.context.session, info.context.principal, content,
                                                    partial=input.partial)
        return RosterImportResult(ok=not errors, created=len(created),
                                  created_cadre_ids=[strawberry.ID(str(c.id)) for c in created],
                                  errors=[ImportRowError(row=e.row, column=e.column, message=e.message) for e in errors])

    @strawberry.federation.mutation(description="编办锁定本期名单 (清单式锁定)", requires_scopes=gql.PEOPLE)
    async def lock_roster(self, info: Info[Context, None], input: LockRosterInput) -> RosterSnapshot:
        return RosterSnapshot.of(await snapshots.lock(info.context.session, info.context.principal, period=input.period,
                                                      note=input.note))

    @strawberry.federation.mutation(description="编办发出提醒告知单", requires_scopes=gql.PEOPLE)
    async def issue_reminders(self, info: Info[Context, None], input: IssueRemindersInput) -> RemindersPayload:
        ids = [roster.parse_uuid(d, "部门") for d in input.department_ids] if input.department_ids is not None else None
        batch, notices = await reminders.issue(info.context.session, info.context.principal, deadline=input.deadline,
                                               note=input.note, department_ids=ids)
        return RemindersPayload(notices=[ReminderNotice.of(n, batch) for n in notices])

    @strawberry.federation.mutation(description="部门答复补员计划", requires_scopes=gql.PEOPLE)
    async def answer_reminder(self, info: Info[Context, None], input: AnswerReminderInput) -> RemindersPayload:
        notice = await reminders.answer(info.context.session, info.context.principal,
                                        notice_id=roster.parse_uuid(input.notice_id, "告知单"), plan=input.plan)
        batch = await info.context.session.get(models.ReminderBatch, notice.batch_id)
        return RemindersPayload(notices=[ReminderNotice.of(notice, batch)])

    @strawberry.federation.mutation(description="编办审批员额调整", requires_scopes=gql.PEOPLE)
    async def decide_quota_change(self, info: Info[Context, None], input: DecideQuotaChangeInput) -> QuotaChangePayload:
        request = await quotas.decide(info.context.session, info.context.principal,
                                      request_id=roster.parse_uuid(input.request_id, "申请"), approve=input.approve,
                                      note=input.note)
        return QuotaChangePayload(request=QuotaChangeRequest.of(request))

    @strawberry.federation.mutation(description="派驻部门提交人事调整", requires_scopes=gql.PEOPLE)
    async def submit_adjustments(self, info: Info[Context, None], input: SubmitAdjustmentsInput) -> AdjustmentBatchPayload:
        items = [adjustments.Item(
            kind=i.kind.value, cadre_id=_uid(i.cadre_id, "人员"), from_agency_id=_uid(i.from_agency_id, "机构"),
            to_agency_id=_uid(i.to_agency_id, "机构"), tenure_exception_reason=i.tenure_exception_reason,
            newcomer=({**vars(i.newcomer), "birth_date": i.newcomer.birth_date.isoformat()} if i.newcomer else None))
            for i in input.items]
        rows = await adjustments.submit(info.context.session, info.context.principal,
                                        department_id=roster.parse_uuid(input.department_id, "部门"), items=items,
                                        effective_date=input.effective_date, reason=input.reason, reshuffle=input.reshuffle)
        return await _batch_payload(info.context, rows[0].batch_id)

    @strawberry.federation.mutation(description="组织部事前审核", requires_scopes=gql.PEOPLE)
    async def review_adjustments(self, info: Info[Context, None], input: ReviewAdjustmentsInput) -> AdjustmentBatchPayload:
        batch_id = roster.parse_uuid(input.batch_id, "批次")
        await adjustments.org_review(info.context.session, info.context.principal, batch_id=batch_id, approve=input.approve,
                                     note=input.note, approve_tenure_exception=input.approve_tenure_exception)
        return await _batch_payload(info.context, batch_id)

    @strawberry.federation.mutation(description="乡镇(街道)对负责人调整提出意见", requires_scopes=gql.PEOPLE)
    async def give_township_opinion(self, info: Info[Context, None], input: TownshipOpinionInput) -> AdjustmentBatchPayload:
        adj = await adjustments.township_opinion(info.context.session, info.context.principal,
                                                 adjustment_id=roster.parse_uuid(input.adjustment_id, "调整"),
                                                 agree=input.agree, note=input.note)
        return await _batch_payload(info.context, adj.batch_id)

    @strawberry.federation.mutation(description="三方会审", requires_scopes=gql.PEOPLE)
    async def review_reshuffle(self, info: Info[Context, None], input: ReviewReshuffleInput) -> AdjustmentBatchPayload:
        batch_id = roster.parse_uuid(input.batch_id, "批次")
        await adjustments.three_party_review(info.context.session, info.context.principal, batch_id=batch_id,
                                             agree=input.agree, note=input.note)
        return await _batch_payload(info.context, batch_id)

    @strawberry.federation.mutation(description="调整生效", requires_scopes=gql.PEOPLE)
    async def make_adjustments_effective(self, info: Info[Context, None], input: MakeEffectiveInput) -> AdjustmentBatchPayload:
        batch_id = roster.parse_uuid(input.batch_id, "批次")
        await adjustments.make_effective(info.context.session, info.context.principal, batch_id=batch_id)
        return await _batch_payload(info.context, batch_id)
