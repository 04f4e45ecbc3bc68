"""Assessment cycles and the excellence flow in GraphQL. Thin: inputs to ``cycles`` calls."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from decimal import Decimal
from typing import Annotated

import strawberry
from sqlalchemy import select
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from servicekit import audit, gql
from servicekit.app import Context
from servicekit.errors import BadInput
from servicekit.ids import parse_id

from .. import cycles, evidence, export, models, schemes
from ..config import get_settings
from .roster import Cadre, Department, Township


@strawberry.enum(description="部门评优进度 (联动化评优的环节)")
class FlowStatus(enum.Enum):
    SCORING = strawberry.enum_value("SCORING", description="评分中")
    SHORTLISTED = strawberry.enum_value("SHORTLISTED", description="已按 40% 入围")
    ROUND1_SENT = strawberry.enum_value("ROUND1_SENT", description="部门已定 12.5% 优秀并函告乡镇")
    ROUND2_DONE = strawberry.enum_value("ROUND2_DONE", description="乡镇已定第二个 12.5%")


@strawberry.enum(description="考核类型")
class CycleKind(enum.Enum):
    ANNUAL = strawberry.enum_value("ANNUAL", description="年度考核")
    REGULAR = strawberry.enum_value("REGULAR", description="平时考核 (季度或月度)")


@strawberry.enum(description="考核周期状态")
class CycleStatus(enum.Enum):
    OPEN = strawberry.enum_value("OPEN", description="进行中: 评分与评优")
    PUBLISHED = strawberry.enum_value("PUBLISHED", description="公示中: 异议期内可提出异议")
    APPROVED = strawberry.enum_value("APPROVED", description="组织部已审定, 结果生效")


@strawberry.enum(description="名额取整方式 (百分比名额不是整数时)")
class Rounding(enum.Enum):
    FLOOR = strawberry.enum_value("FLOOR", description="向下取整 (默认, 名额绝不超比例)")
    HALF_UP = strawberry.enum_value("HALF_UP", description="四舍五入")
    CEIL = strawberry.enum_value("CEIL", description="向上取整")


@strawberry.enum(description="名额线上并列的处理")
class Ties(enum.Enum):
    EXCLUDE_TIED = strawberry.enum_value("EXCLUDE_TIED", description="并列者均不入 (默认)")
    TOWNSHIP_SCORE_THEN_EXCLUDE = strawberry.enum_value(
        "TOWNSHIP_SCORE_THEN_EXCLUDE", description="先比乡镇评分, 仍并列者均不入"
    )


@strawberry.enum(description="年内调动人员由哪个乡镇考核")
class AssessedWhere(enum.Enum):
    TOWNSHIP_AT_OPENING = strawberry.enum_value("TOWNSHIP_AT_OPENING", description="开评时所在乡镇 (默认)")
    LONGEST_STAY = strawberry.enum_value("LONGEST_STAY", description="考核期内在岗天数最多的乡镇")


@strawberry.enum(description="评分方")
class AssessmentSide(enum.Enum):
    TOWNSHIP = strawberry.enum_value("TOWNSHIP", description="乡镇 (权重 60%)")
    DEPARTMENT = strawberry.enum_value("DEPARTMENT", description="派驻部门 (权重 40%)")


@strawberry.enum(description="考核等次")
class Grade(enum.Enum):
    EXCELLENT = strawberry.enum_value("EXCELLENT", description="优秀 (两轮各 12.5% 评出)")
    COMPETENT = strawberry.enum_value("COMPETENT", description="称职")
    BASIC = strawberry.enum_value("BASIC", description="基本称职")
    INCOMPETENT = strawberry.enum_value("INCOMPETENT", description="不称职")


@strawberry.type(description="部门评优进度")
class DepartmentFlow:
    department: Department = strawberry.field(description="派出部门")
    status: FlowStatus = strawberry.field(description="SCORING → SHORTLISTED → ROUND1_SENT → ROUND2_DONE")
    shortlist_quota: int | None = strawberry.field(description="入围名额 (人数, 40%)")
    round1_quota: int | None = strawberry.field(
        description="第一轮优秀名额 (人数): 全县第一轮名额 (参评人数的12.5%) 按各部门参评人数分配的份额"
    )

    @staticmethod
    def of(r: models.DepartmentFlow) -> "DepartmentFlow":
        return DepartmentFlow(
            department=Department.ref(r.department_id),
            status=FlowStatus(r.status),
            shortlist_quota=r.shortlist_quota,
            round1_quota=r.round1_quota,
        )


@strawberry.type(description="考核周期")
class AssessmentCycle:
    id: strawberry.ID
    year: int = strawberry.field(description="考核年度")
    kind: CycleKind = strawberry.field(description="ANNUAL 年度 / REGULAR 平时")
    period: str = strawberry.field(description="考核期间: 2026 (年度)、2026-Q4 (季度) 或 2026-11 (月度)")
    township_share: float = strawberry.field(description="乡镇考核权重 (占总分份额 0–1, 默认 0.6)")
    department_share: float = strawberry.field(description="部门考核权重 (占总分份额 0–1, 默认 0.4)")
    shortlist_share: float = strawberry.field(description="入围比例 (参评人数的份额, 0.4 即 40%)")
    round1_share: float = strawberry.field(description="第一轮优秀比例 (部门评定, 0.125 即 12.5%)")
    round2_share: float = strawberry.field(description="第二轮优秀比例 (乡镇评定, 0.125 即 12.5%)")
    status: CycleStatus = strawberry.field(description="OPEN / PUBLISHED (公示) / APPROVED (审定)")
    objection_deadline: dt.date | None = strawberry.field(description="异议截止日 (公示后)")
    rounding: Rounding = strawberry.field(description="名额取整: FLOOR / HALF_UP / CEIL")
    ties: Ties = strawberry.field(description="并列处理: EXCLUDE_TIED / TOWNSHIP_SCORE_THEN_EXCLUDE")
    assessed_where: AssessedWhere = strawberry.field(description="年内调动人员的考核地")

    @strawberry.field(description="各部门的评优进度")
    async def departments(self, info: Info[Context, None]) -> list[DepartmentFlow]:
        return [DepartmentFlow.of(r) for r in await cycles.department_flows(info.context.session, uuid.UUID(self.id))]

    @staticmethod
    def of(c: models.Cycle) -> "AssessmentCycle":
        return AssessmentCycle(
            id=strawberry.ID(str(c.id)),
            year=c.year,
            kind=c.kind,
            period=c.period,
            township_share=float(c.township_weight),
            department_share=float(1 - c.township_weight),
            shortlist_share=float(c.shortlist_share),
            round1_share=float(c.round1_share),
            round2_share=float(c.round2_share),
            rounding=c.rounding,
            ties=c.ties,
            assessed_where=c.assessed_where,
            status=c.status,
            objection_deadline=c.objection_deadline,
        )


def _normalized(ctx: Context) -> DataLoader:
    async def load(keys: list[tuple[uuid.UUID, uuid.UUID]]):
        found: dict = {}
        for cycle_id in {k[0] for k in keys}:
            found[cycle_id] = await cycles.normalized_totals(
                ctx.session, cycle_id, [k[1] for k in keys if k[0] == cycle_id]
            )
        return [found[c].get(m) for c, m in keys]

    return DataLoader(load_fn=load)


@strawberry.type(description="平台履职数据 (考核周期内各月合计, 作为评分依据, 不直接计分)")
class PlatformEvidence:
    months: list[str] = strawberry.field(description="已收到数据的月份")
    dispatched: int = strawberry.field(description="派单数")
    closed: int = strawberry.field(description="办结数")
    returned: int = strawberry.field(description="退回数")
    overdue_phases: int = strawberry.field(description="超时环节数")
    outside_line: int = strawberry.field(description="非本条线派单次数")
    team_visits: int = strawberry.field(description="组团式走访次数")
    callbacks: int = strawberry.field(description="回访数")
    satisfied: int = strawberry.field(description="满意数")
    on_time_rate: float | None = strawberry.field(description="按时率 (0–1)")
    satisfaction_rate: float | None = strawberry.field(description="满意率 (0–1)")

    @staticmethod
    def of(e: evidence.Evidence) -> "PlatformEvidence":
        return PlatformEvidence(
            months=e.months,
            dispatched=e.dispatched,
            closed=e.closed,
            returned=e.returned,
            overdue_phases=e.overdue_phases,
            outside_line=e.outside_line,
            team_visits=e.team_visits,
            callbacks=e.callbacks,
            satisfied=e.satisfied,
            on_time_rate=e.on_time_rate,
            satisfaction_rate=e.satisfaction_rate,
        )


def _evidence(ctx: Context) -> DataLoader:
    async def load(keys: list[tuple[uuid.UUID, uuid.UUID]]):
        periods = dict(
            (
                await ctx.session.execute(
                    select(models.Cycle.id, models.Cycle.period).where(models.Cycle.id.in_({c for c, _ in keys}))
                )
            ).all()
        )
        months = {c: evidence.months_of(p) for c, p in periods.items()}
        rows = (
            await ctx.session.scalars(
                select(models.PlatformEvidence).where(
                    models.PlatformEvidence.cadre_id.in_({m for _, m in keys}),
                    models.PlatformEvidence.period.in_({m for ms in months.values() for m in ms}),
                )
            )
        ).all()
        by_cadre: dict = {}
        for r in rows:
            by_cadre.setdefault(r.cadre_id, {})[r.period] = r.figures
        return [
            evidence.add_up({p: f for p, f in by_cadre.get(m, {}).items() if p in months.get(c, ())}) for c, m in keys
        ]

    return DataLoader(load_fn=load)


@strawberry.type(description="参评人员 (公示前仅考核双方可见)")
class CycleMember:
    cadre: Cadre = strawberry.field(description="参评的派驻干部")
    cycle_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="按考核方标准化后的总分 (T分数, 与原始总分并列, 仅供参考)")
    async def normalized_total(self, info: Info[Context, None]) -> Decimal | None:
        return await info.context.loader("normalized", _normalized).load((self.cycle_id, uuid.UUID(self.cadre.id)))

    @strawberry.field(description="平台履职数据 (与考核指标并列展示)")
    async def platform_evidence(self, info: Info[Context, None]) -> PlatformEvidence:
        e = await info.context.loader("platform_evidence", _evidence).load((self.cycle_id, uuid.UUID(self.cadre.id)))
        return PlatformEvidence.of(e)

    township: Township = strawberry.field(description="考核所在乡镇")
    department: Department = strawberry.field(description="派出部门")
    township_score: Decimal | None = strawberry.field(description="乡镇评分 (0–100)")
    department_score: Decimal | None = strawberry.field(description="部门评分 (0–100)")
    total: Decimal | None = strawberry.field(
        description="总分 = 乡镇权重 × 乡镇评分 + 部门权重 × 部门评分 (入围时计算)"
    )
    shortlisted: bool = strawberry.field(description="是否入围 (前 40%)")
    excellent_round: int | None = strawberry.field(description="1: 部门评定 / 2: 乡镇评定")
    grade: Grade | None = strawberry.field(description="考核等次; 公示前为空")
    excused: bool = strawberry.field(description="是否免于考核")

    @staticmethod
    def of(m: models.Member) -> "CycleMember":
        return CycleMember(
            cadre=Cadre(id=strawberry.ID(str(m.cadre_id))),
            cycle_id=m.cycle_id,
            township=Township.ref(m.township_id),
            department=Department.ref(m.department_id),
            township_score=m.township_score,
            department_score=m.department_score,
            total=m.total,
            shortlisted=m.shortlisted,
            excellent_round=m.excellent_round,
            grade=Grade(m.grade) if m.grade else None,
            excused=m.excused,
        )


@strawberry.type(description="第二轮: 某乡镇的名额")
class TownshipPlaces:
    township: Township = strawberry.field(description="乡镇")
    department: Department = strawberry.field(description="派出部门 (本行所属的部门评优流程)")
    quota: int = strawberry.field(
        description="本乡镇第二轮名额 (人数): 全县第二轮名额按各乡镇全部参评派驻干部人数分配, 各部门共用"
    )
    used: int = strawberry.field(description="本乡镇第二轮已评定人数 (各部门合计)")
    remaining: int = strawberry.field(description="剩余名额")
    submitted: bool = strawberry.field(description="乡镇是否已报送")


@strawberry.type(description="评优名额使用情况")
class ExcellencePlaces:
    status: FlowStatus = strawberry.field(description="部门评优进度")
    round1_quota: int | None = strawberry.field(description="第一轮名额 (人数)")
    round1_used: int = strawberry.field(description="第一轮已评定")
    round1_remaining: int | None = strawberry.field(description="第一轮剩余")
    townships: list[TownshipPlaces] = strawberry.field(description="第二轮: 各乡镇的名额")


@strawberry.type(description="缺评情况")
class MissingScore:
    cadre: Cadre = strawberry.field(description="缺评的派驻干部")
    missing: list[AssessmentSide] = strawberry.field(description="尚未评分的一方")


@strawberry.type(description="异议: 干部在公示期内对本人考核结果提出, 组织部处理 (可改等次)")
class Objection:
    id: strawberry.ID
    text: str = strawberry.field(description="异议内容")
    resolution: str | None = strawberry.field(description="处理意见; 未处理时为空")
    cadre: Cadre = strawberry.field(description="提出异议的干部")
    about: Cadre | None = strawberry.field(
        description="异议针对谁的结果: 本人, 或本部门、本乡镇公示的优秀人员 (调用方无权查看该人时为空)"
    )
    about_name: str | None = strawberry.field(description="异议针对的人员姓名 (公示名单上的), 提出人无需查看其人事档案")
    filed_at: dt.datetime = strawberry.field(description="提出时间")
    resolved_by: str | None = strawberry.field(description="处理人 (账号标识); 未处理时为空")

    @staticmethod
    def of(o: models.Objection) -> "Objection":
        return Objection(
            id=strawberry.ID(str(o.id)),
            text=o.text,
            resolution=o.resolution,
            cadre=Cadre(id=strawberry.ID(str(o.cadre_id))),
            about=Cadre(id=strawberry.ID(str(o.about_cadre_id))),
            about_name=o.about_name,
            filed_at=o.filed_at,
            resolved_by=o.resolved_by,
        )


@strawberry.input(description="免于考核")
class ExcuseInput:
    cycle_id: strawberry.ID
    cadre_id: strawberry.ID
    reason: str = strawberry.field(description="理由 (如 病假、借调)")


@strawberry.input(description="公示考核结果")
class PublishInput:
    cycle_id: strawberry.ID
    objection_days: int = strawberry.field(default=5, description="异议期 (天, 默认 5)")


@strawberry.input(description="对本人考核结果提出异议")
class FileObjectionInput:
    cycle_id: strawberry.ID
    text: str = strawberry.field(description="异议内容 (理由)")
    cadre_id: strawberry.ID | None = strawberry.field(
        default=None, description="对谁的结果提出异议: 不填为本人; 或本部门、本乡镇公示名单上的优秀人员"
    )


@strawberry.type(description="公示名单中的一人 (评为优秀)")
class PublicityEntry:
    name: str = strawberry.field(description="姓名")
    cadre: Cadre | None = strawberry.field(
        description="派驻干部 (其 id 用于提出异议; 调用方无权查看其人事信息时, 人事字段为空)"
    )
    department: Department = strawberry.field(description="派出部门")
    township: Township = strawberry.field(description="所在乡镇(街道)")
    agency_name: str | None = strawberry.field(description="派驻机构名称")
    excellent_round: int | None = strawberry.field(description="评定轮次: 1 部门评定, 2 乡镇评定")


@strawberry.input(description="组织部处理异议")
class ResolveObjectionInput:
    objection_id: strawberry.ID
    resolution: str = strawberry.field(description="处理意见")
    new_grade: Grade | None = strawberry.field(default=None, description="改定的等次; 不改时不填")


@strawberry.input(description="年度考核: 不填 period; 平时考核: period 为 2026-Q4 或 2026-11")
class OpenCycleInput:
    year: int = strawberry.field(description="考核年度 (2000 至明年)")
    period: str | None = strawberry.field(default=None, description="平时考核的期间 (2026-Q4 或 2026-11); 年度考核不填")
    township_share: Decimal | None = strawberry.field(
        default=None, description="乡镇考核权重 (0–1, 最多三位小数; 部门为其余); 不填时用全县设置 (默认 0.6)"
    )
    rounding: Rounding = strawberry.field(default=Rounding.FLOOR, description="名额取整方式")
    ties: Ties = strawberry.field(default=Ties.EXCLUDE_TIED, description="并列处理")
    assessed_where: AssessedWhere = strawberry.field(
        default=AssessedWhere.TOWNSHIP_AT_OPENING, description="年内调动人员的考核地"
    )


@strawberry.input(description="一项指标的得分")
class IndicatorScoreInput:
    code: str = strawberry.field(description="指标编码")
    score: Decimal = strawberry.field(description="得分 (0–100)")


@strawberry.input(description="给出总分 score，或按本方方案逐项评分 indicatorScores")
class SetScoreInput:
    cycle_id: strawberry.ID
    cadre_id: strawberry.ID
    side: AssessmentSide = strawberry.field(description="评分方: 乡镇或派驻部门, 各评本方的人")
    score: Decimal | None = strawberry.field(default=None, description="总分 (0–100)")
    indicator_scores: list[IndicatorScoreInput] | None = strawberry.field(default=None, description="逐项评分")
    reason: str | None = strawberry.field(default=None, description="改分理由 (记入审计)")


@strawberry.input(description="一人的评分: 给出总分 score，或按本方方案逐项评分 indicatorScores")
class ScoreItemInput:
    cadre_id: strawberry.ID = strawberry.field(description="参评人员")
    score: Decimal | None = strawberry.field(default=None, description="总分 (0–100)")
    indicator_scores: list[IndicatorScoreInput] | None = strawberry.field(default=None, description="逐项评分")
    reason: str | None = strawberry.field(default=None, description="改分理由 (记入审计)")


@strawberry.input(description=f"一方为多人评分 (一次最多 {cycles.MAX_SCORES_PER_CALL} 人): 全部成功或全部不写")
class SetScoresInput:
    cycle_id: strawberry.ID = strawberry.field(description="考核周期")
    side: AssessmentSide = strawberry.field(description="评分方: 乡镇或派驻部门, 各评本方的人")
    scores: list[ScoreItemInput] = strawberry.field(description="每人一项, 同一人不得重复")


@strawberry.type(description="考核指标")
class IndicatorType:
    code: str = strawberry.field(description="指标编码")
    name: str = strawberry.field(description="指标名称")
    weight: int = strawberry.field(description="权重 (合计 100)")


@strawberry.type(description="考核方案")
class AssessmentScheme:
    id: strawberry.ID
    assessor_kind: str = strawberry.field(description="考核方类型: TOWNSHIP 乡镇 | DEPARTMENT 部门")
    assessor_id: strawberry.ID = strawberry.field(description="考核方 (乡镇或部门) 的 id")
    period_type: str = strawberry.field(description="适用期间: ANNUAL 年度 | QUARTERLY 季度 | MONTHLY 月度")
    version: int = strawberry.field(description="版本号 (修订时递增)")
    status: str = strawberry.field(description="ACTIVE 现行 | RETIRED 已停用")

    @strawberry.field(description="考核指标 (权重合计 100)")
    async def indicators(self, info: Info[Context, None]) -> list[IndicatorType]:
        rows = await schemes.indicators_of(info.context.session, uuid.UUID(self.id))
        return [IndicatorType(code=r.code, name=r.name, weight=r.weight) for r in rows]

    @staticmethod
    def of(r: models.Scheme) -> "AssessmentScheme":
        return AssessmentScheme(
            id=strawberry.ID(str(r.id)),
            assessor_kind=r.assessor_kind,
            assessor_id=strawberry.ID(str(r.assessor_id)),
            period_type=r.period_type,
            version=r.version,
            status=r.status,
        )


@strawberry.input(description="一项考核指标")
class IndicatorInput:
    code: str = strawberry.field(description="指标编码")
    name: str = strawberry.field(description="指标名称")
    weight: int = strawberry.field(description="权重 (整数, 合计 100)")


@strawberry.input(description="制定考核方案")
class CreateSchemeInput:
    assessor_kind: str = strawberry.field(description="考核方类型: TOWNSHIP | DEPARTMENT")
    assessor_id: strawberry.ID
    period_type: str = strawberry.field(description="适用期间: ANNUAL | QUARTERLY | MONTHLY")
    indicators: list[IndicatorInput] = strawberry.field(description="考核指标 (权重合计 100)")


@strawberry.input(description="一个部门在一个考核周期中的评优")
class DepartmentFlowInput:
    cycle_id: strawberry.ID
    department_id: strawberry.ID


@strawberry.input(description="第一轮: 部门评定的优秀人员")
class Round1Input:
    cycle_id: strawberry.ID
    department_id: strawberry.ID
    cadre_ids: list[strawberry.ID]


@strawberry.input(description="第二轮: 乡镇评定的优秀人员")
class Round2Input:
    cycle_id: strawberry.ID
    department_id: strawberry.ID
    township_id: strawberry.ID
    cadre_ids: list[strawberry.ID]


@strawberry.input(description="第二轮: 乡镇对一个派驻部门的评定结果")
class Round2PicksInput:
    department_id: strawberry.ID
    cadre_ids: list[strawberry.ID]


@strawberry.input(description="第二轮 (按乡镇报送): 乡镇对各派驻部门的评定结果")
class TownshipRound2Input:
    cycle_id: strawberry.ID
    township_id: strawberry.ID
    departments: list[Round2PicksInput] = strawberry.field(description="各部门的评定结果 (每个部门一项, 最多 200 项)")


def _places_after_round2(r, used: int) -> TownshipPlaces:
    return TownshipPlaces(
        township=Township.ref(r.township_id),
        department=Department.ref(r.department_id),
        quota=r.quota,
        used=used,
        remaining=r.quota - used,
        submitted=r.submitted,
    )


@strawberry.type
class CycleQuery:
    @strawberry.federation.field(description="考核周期", requires_scopes=gql.PEOPLE)
    async def assessment_cycles(self, info: Info[Context, None]) -> list[AssessmentCycle]:
        return [AssessmentCycle.of(c) for c in await cycles.list_cycles(info.context.session)]

    @strawberry.federation.field(description="参评人员及得分 (按权限范围)", requires_scopes=gql.PEOPLE)
    async def cycle_members(
        self,
        info: Info[Context, None],
        cycle_id: strawberry.ID,
        first: int | None = None,
        after: str | None = None,
        department_id: strawberry.ID | None = None,
        township_id: strawberry.ID | None = None,
    ) -> gql.Connection[CycleMember]:
        page = await cycles.list_members(
            info.context.session,
            info.context.principal,
            cycle_id=parse_id(cycle_id, "周期"),
            first=first,
            after=after,
            department_id=parse_id(department_id, "部门") if department_id else None,
            township_id=parse_id(township_id, "乡镇") if township_id else None,
        )
        return gql.connection(page, CycleMember.of)

    @strawberry.federation.field(
        description="公示名单: 评为优秀的人员 (姓名、部门、乡镇、机构), 公示期内向本部门、本乡镇的派驻干部公开",
        requires_scopes=gql.PEOPLE,
    )
    async def publicity_list(
        self, info: Info[Context, None], cycle_id: strawberry.ID, first: int | None = None, after: str | None = None
    ) -> gql.Connection[PublicityEntry]:
        page = await cycles.publicity_list(
            info.context.session, info.context.principal, cycle_id=parse_id(cycle_id, "周期"), first=first, after=after
        )
        agencies = {m.agency_id for m in page.items}
        names = dict(
            (
                await info.context.session.execute(
                    select(models.UnitName.id, models.UnitName.name).where(models.UnitName.id.in_(agencies))
                )
            ).all()
        )
        return gql.connection(
            page,
            lambda m: PublicityEntry(
                name=m.name,
                cadre=Cadre(id=strawberry.ID(str(m.cadre_id))),
                department=Department.ref(m.department_id),
                township=Township.ref(m.township_id),
                agency_name=names.get(m.agency_id),
                excellent_round=m.excellent_round,
            ),
        )

    @strawberry.federation.field(description="现行考核方案", requires_scopes=gql.PEOPLE)
    async def assessment_schemes(self, info: Info[Context, None], assessor_id: strawberry.ID) -> list[AssessmentScheme]:
        rows = await schemes.active_schemes(info.context.session, parse_id(assessor_id, "考核方"))
        return [AssessmentScheme.of(r) for r in rows]

    @strawberry.federation.field(description="导出考核结果与排名 Excel (按权限范围)", requires_scopes=gql.PEOPLE)
    async def export_assessment_results(self, info: Info[Context, None], cycle_id: strawberry.ID) -> gql.ExcelFile:
        content = await export.results_workbook(
            info.context.session, info.context.principal, parse_id(cycle_id, "周期")
        )
        await audit.record_read(
            info.context.sessionmaker,
            actor=info.context.principal,
            action="results.export",
            entity_type="Cycle",
            entity_id=str(cycle_id),
        )
        return gql.ExcelFile.of("考核结果", content)

    @strawberry.federation.field(
        description="考核异议 (公示期提出): 组织部看全部, 干部看本人的; 其他角色 FORBIDDEN", requires_scopes=gql.PEOPLE
    )
    async def assessment_objections(
        self,
        info: Info[Context, None],
        cycle_id: strawberry.ID,
        open_only: Annotated[bool, strawberry.argument(description="只看未处理的")] = False,
    ) -> list[Objection]:
        rows = await cycles.list_objections(
            info.context.session, info.context.principal, cycle_id=parse_id(cycle_id, "周期"), open_only=open_only
        )
        return [Objection.of(o) for o in rows]

    @strawberry.federation.field(description="缺评清单 (按权限范围)", requires_scopes=gql.PEOPLE)
    async def missing_scores(self, info: Info[Context, None], cycle_id: strawberry.ID) -> list[MissingScore]:
        rows = await cycles.completeness(
            info.context.session, info.context.principal, cycle_id=parse_id(cycle_id, "周期")
        )
        return [
            MissingScore(cadre=Cadre(id=strawberry.ID(str(m.cadre_id))), missing=[AssessmentSide(x) for x in sides])
            for m, sides in rows
        ]

    @strawberry.federation.field(description="各轮评优剩余名额", requires_scopes=gql.PEOPLE)
    async def excellence_places(
        self, info: Info[Context, None], cycle_id: strawberry.ID, department_id: strawberry.ID
    ) -> ExcellencePlaces:
        flow, used1, rounds = await cycles.places(
            info.context.session,
            info.context.principal,
            cycle_id=parse_id(cycle_id, "周期"),
            department_id=parse_id(department_id, "部门"),
        )
        return ExcellencePlaces(
            status=FlowStatus(flow.status),
            round1_quota=flow.round1_quota,
            round1_used=used1,
            round1_remaining=(flow.round1_quota - used1) if flow.round1_quota is not None else None,
            townships=[
                TownshipPlaces(
                    township=Township.ref(r.township_id),
                    department=Department.ref(r.department_id),
                    quota=r.quota,
                    used=u,
                    remaining=r.quota - u,
                    submitted=r.submitted,
                )
                for r, u in rounds
            ],
        )


@strawberry.type
class CycleMutation:
    @strawberry.federation.mutation(description="组织部开启年度考核", requires_scopes=gql.PEOPLE)
    async def open_assessment_cycle(self, info: Info[Context, None], input: OpenCycleInput) -> AssessmentCycle:
        return AssessmentCycle.of(
            await cycles.open_cycle(
                info.context.session,
                info.context.principal,
                year=input.year,
                period=input.period,
                township_share=input.township_share
                if input.township_share is not None
                else get_settings().township_share,
                rounding=input.rounding.value,
                ties=input.ties.value,
                assessed_where=input.assessed_where.value,
            )
        )

    @strawberry.federation.mutation(description="组织部决定免于考核", requires_scopes=gql.PEOPLE)
    async def excuse_from_assessment(self, info: Info[Context, None], input: ExcuseInput) -> CycleMember:
        return CycleMember.of(
            await cycles.excuse(
                info.context.session,
                info.context.principal,
                cycle_id=parse_id(input.cycle_id, "周期"),
                cadre_id=parse_id(input.cadre_id, "人员"),
                reason=input.reason,
            )
        )

    @strawberry.federation.mutation(description="组织部公示考核结果", requires_scopes=gql.PEOPLE)
    async def publish_assessment_results(self, info: Info[Context, None], input: PublishInput) -> AssessmentCycle:
        return AssessmentCycle.of(
            await cycles.publish(
                info.context.session,
                info.context.principal,
                cycle_id=parse_id(input.cycle_id, "周期"),
                objection_days=input.objection_days,
            )
        )

    @strawberry.federation.mutation(
        description="公示期内提出异议: 对本人结果, 或对本部门、本乡镇公示的优秀人员", requires_scopes=gql.PEOPLE
    )
    async def file_assessment_objection(self, info: Info[Context, None], input: FileObjectionInput) -> Objection:
        o = await cycles.file_objection(
            info.context.session,
            info.context.principal,
            cycle_id=parse_id(input.cycle_id, "周期"),
            text=input.text,
            about_cadre_id=parse_id(input.cadre_id, "人员") if input.cadre_id else None,
        )
        return Objection.of(o)

    @strawberry.federation.mutation(description="组织部处理异议", requires_scopes=gql.PEOPLE)
    async def resolve_assessment_objection(self, info: Info[Context, None], input: ResolveObjectionInput) -> Objection:
        o = await cycles.resolve_objection(
            info.context.session,
            info.context.principal,
            objection_id=parse_id(input.objection_id, "异议"),
            resolution=input.resolution,
            new_grade=input.new_grade.value if input.new_grade else None,
        )
        return Objection.of(o)

    @strawberry.federation.mutation(description="组织部审定考核结果", requires_scopes=gql.PEOPLE)
    async def approve_assessment_results(self, info: Info[Context, None], input: PublishInput) -> AssessmentCycle:
        return AssessmentCycle.of(
            await cycles.approve(
                info.context.session, info.context.principal, cycle_id=parse_id(input.cycle_id, "周期")
            )
        )

    @strawberry.federation.mutation(description="评分 (乡镇或部门, 各评本方人员)", requires_scopes=gql.PEOPLE)
    async def set_assessment_score(self, info: Info[Context, None], input: SetScoreInput) -> CycleMember:
        if (input.score is None) == (input.indicator_scores is None):
            raise BadInput("请给出总分或逐项评分 (二选一)")
        return CycleMember.of(
            await cycles.set_score(
                info.context.session,
                info.context.principal,
                cycle_id=parse_id(input.cycle_id, "周期"),
                cadre_id=parse_id(input.cadre_id, "人员"),
                side=input.side.value,
                score=input.score,
                reason=input.reason,
                indicator_scores={i.code: i.score for i in input.indicator_scores} if input.indicator_scores else None,
            )
        )

    @strawberry.federation.mutation(
        description="批量评分: 一方一次为多人评分; 任一项被拒则全部不写, 错误的 extensions.index 指出第几项 (从 0 起)",
        requires_scopes=gql.PEOPLE,
    )
    async def set_assessment_scores(self, info: Info[Context, None], input: SetScoresInput) -> list[CycleMember]:
        items = []
        for i, item in enumerate(input.scores):
            if (item.score is None) == (item.indicator_scores is None):
                raise BadInput("请给出总分或逐项评分 (二选一)", index=i)
            items.append(
                cycles.ScoreItem(
                    cadre_id=parse_id(item.cadre_id, "人员"),
                    score=item.score,
                    reason=item.reason,
                    indicator_scores={x.code: x.score for x in item.indicator_scores}
                    if item.indicator_scores
                    else None,
                )
            )
        members = await cycles.set_scores(
            info.context.session,
            info.context.principal,
            cycle_id=parse_id(input.cycle_id, "周期"),
            side=input.side.value,
            items=items,
        )
        return [CycleMember.of(m) for m in members]

    @strawberry.federation.mutation(description="制定考核方案 (新版本)", requires_scopes=gql.PEOPLE)
    async def create_assessment_scheme(self, info: Info[Context, None], input: CreateSchemeInput) -> AssessmentScheme:
        return AssessmentScheme.of(
            await schemes.create(
                info.context.session,
                info.context.principal,
                assessor_kind=input.assessor_kind,
                assessor_id=parse_id(input.assessor_id, "考核方"),
                period_type=input.period_type,
                indicators={i.code: (i.name, i.weight) for i in input.indicators},
            )
        )

    @strawberry.federation.mutation(description="部门产生入围名单 (前40%)", requires_scopes=gql.PEOPLE)
    async def make_excellence_shortlist(self, info: Info[Context, None], input: DepartmentFlowInput) -> DepartmentFlow:
        flow = await cycles.make_shortlist(
            info.context.session,
            info.context.principal,
            cycle_id=parse_id(input.cycle_id, "周期"),
            department_id=parse_id(input.department_id, "部门"),
        )
        return DepartmentFlow.of(flow)

    @strawberry.federation.mutation(description="第一轮: 部门评定12.5%并函告乡镇", requires_scopes=gql.PEOPLE)
    async def submit_excellence_round1(self, info: Info[Context, None], input: Round1Input) -> DepartmentFlow:
        flow = await cycles.submit_round1(
            info.context.session,
            info.context.principal,
            cycle_id=parse_id(input.cycle_id, "周期"),
            department_id=parse_id(input.department_id, "部门"),
            cadre_ids={parse_id(c, "人员") for c in input.cadre_ids},
        )
        return DepartmentFlow.of(flow)

    @strawberry.federation.mutation(
        description="第二轮: 乡镇从剩余入围人员中评定12.5%并报送", requires_scopes=gql.PEOPLE
    )
    async def submit_excellence_round2(self, info: Info[Context, None], input: Round2Input) -> TownshipPlaces:
        r = await cycles.submit_round2(
            info.context.session,
            info.context.principal,
            cycle_id=parse_id(input.cycle_id, "周期"),
            department_id=parse_id(input.department_id, "部门"),
            township_id=parse_id(input.township_id, "乡镇"),
            cadre_ids={parse_id(c, "人员") for c in input.cadre_ids},
        )
        return _places_after_round2(r, await cycles.round2_used(info.context.session, r.cycle_id, r.township_id))

    @strawberry.federation.mutation(
        description="第二轮 (按乡镇报送): 乡镇一次报送各派驻部门的评定结果, 全部通过才生效; "
        "出错时 extensions.index 指出是第几个部门",
        requires_scopes=gql.PEOPLE,
    )
    async def submit_township_excellence_round2(
        self, info: Info[Context, None], input: TownshipRound2Input
    ) -> list[TownshipPlaces]:
        picks: dict = {}
        for i, item in enumerate(input.departments):
            department_id = parse_id(item.department_id, "部门")
            if department_id in picks:
                raise BadInput("同一部门只能出现一次", index=i)
            picks[department_id] = {parse_id(c, "人员") for c in item.cadre_ids}
        rounds = await cycles.submit_township_round2(
            info.context.session,
            info.context.principal,
            cycle_id=parse_id(input.cycle_id, "周期"),
            township_id=parse_id(input.township_id, "乡镇"),
            picks=picks,
        )
        used = await cycles.round2_used(info.context.session, rounds[0].cycle_id, rounds[0].township_id)
        return [_places_after_round2(r, used) for r in rounds]
