"""Org units and the roster in GraphQL. Thin: inputs to ``roster`` calls, rows to types, relations via DataLoaders."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Optional

import strawberry
from sqlalchemy import select
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from servicekit import gql
from servicekit.app import Context
from servicekit.errors import NotFound
from servicekit.ids import parse_id

from .. import adjustments, analytics, models, policy, profile, regions, roster, vacancies


def _loader(model):
    def factory(ctx: Context) -> DataLoader:
        async def load(ids: list[uuid.UUID]):
            found = await roster.by_ids(ctx.session, model, list(ids))
            return [found.get(i) for i in ids]

        return DataLoader(load_fn=load)

    return factory


# One factory per org unit, made once: the page's fields ask for these per item.
_ORG_LOADERS = {
    "department": _loader(models.Department),
    "township": _loader(models.Township),
    "agency": _loader(models.Agency),
}


def _org(info: Info[Context, None], kind: str) -> DataLoader:
    """This request's loader of ``kind`` ("department", "township" or "agency")."""
    return info.context.loader(kind, _ORG_LOADERS[kind])


@strawberry.enum(description="乡镇类型")
class TownshipKind(enum.Enum):
    TOWN = strawberry.enum_value("TOWN", description="镇")
    SUBDISTRICT = strawberry.enum_value("SUBDISTRICT", description="街道")


@strawberry.enum(description="派驻人员状态")
class CadreStatus(enum.Enum):
    IN_POST = strawberry.enum_value("IN_POST", description="在岗")
    ON_LEAVE = strawberry.enum_value("ON_LEAVE", description="请假 (仍占员额)")
    SECONDED = strawberry.enum_value("SECONDED", description="借调 (仍占员额)")
    LEFT = strawberry.enum_value("LEFT", description="已离开派驻岗位 (只能经人事调整)")


@strawberry.enum(description="年龄段 (老中青搭配的口径)")
class AgeBand(enum.Enum):
    YOUNG = strawberry.enum_value("YOUNG", description="青: 35 岁以下")
    MIDDLE = strawberry.enum_value("MIDDLE", description="中: 35–49 岁")
    OLD = strawberry.enum_value("OLD", description="老: 50 岁及以上")

    @staticmethod
    def of(age: int) -> "AgeBand":
        return AgeBand[analytics.age_band(age)]


@strawberry.federation.type(keys=["id"], description="派驻部门")
class Department:
    id: strawberry.ID
    code: str = strawberry.field(description="部门编码")
    name: str = strawberry.field(description="部门名称")
    quota_total: int = strawberry.field(description="下沉员额总量")

    @staticmethod
    def of(row: models.Department) -> "Department":
        return Department(id=strawberry.ID(str(row.id)), code=row.code, name=row.name, quota_total=row.quota_total)

    @classmethod
    async def resolve_reference(cls, info: Info[Context, None], id: strawberry.ID) -> "Department | None":
        row = await _org(info, "department").load(parse_id(id, "部门"))
        return Department.of(row) if row else None


@strawberry.type(description="员额测算因素 (工作量为平台近 12 个月的事件数)")
class TownshipFactors:
    population: int = strawberry.field(description="人口")
    area_km2: float = strawberry.field(description="面积 (平方公里)")
    enterprises: int = strawberry.field(description="企业数")
    workload: float = strawberry.field(description="工作量 (近 12 个月平台事件数)")


@strawberry.type(description="平台发布的月度工作量")
class TownshipWorkloadMonth:
    period: str = strawberry.field(description="月份 (2026-11)")
    events: int = strawberry.field(description="平台事件数")
    per_cadre: float | None = strawberry.field(description="每名在岗派驻干部的事件数")


def _workload_months(ctx: Context):
    return gql.rows_loader(
        lambda ids: (
            select(models.TownshipWorkload)
            .where(models.TownshipWorkload.township_id.in_(ids))
            .order_by(models.TownshipWorkload.period.desc())
        ),
        lambda w: w.township_id,
        many=True,
    )(ctx)


@strawberry.federation.type(keys=["id"], description="乡镇(街道)")
class Township:
    id: strawberry.ID
    code: str = strawberry.field(description="乡镇编码")
    name: str = strawberry.field(description="乡镇(街道)名称")
    kind: TownshipKind = strawberry.field(description="类型")
    township_class: str = strawberry.field(description="分类管理等级")
    planning: strawberry.Private[TownshipFactors]

    # Reached through another service's reference (a department system's grid events), a township
    # shows who it is to anyone; its planning figures only to those who may read the organisation
    # (the same rule as the `townships` list: service clients need roster:read).
    @strawberry.field(description="员额测算因素 (无权读取组织信息的服务客户端为空)")
    def factors(self, info: Info[Context, None]) -> TownshipFactors | None:
        return self.planning if policy.reads_org(info.context.principal) else None

    @strawberry.field(description="平台发布的月度工作量 (新的在前, 最多 12 个月; 无权读取组织信息的服务客户端为空列表)")
    async def workload_months(self, info: Info[Context, None]) -> list[TownshipWorkloadMonth]:
        if not policy.reads_org(info.context.principal):
            return []
        rows = await info.context.loader("workload_months", _workload_months).load(uuid.UUID(str(self.id)))
        return [TownshipWorkloadMonth(period=w.period, events=w.events, per_cadre=w.per_cadre) for w in rows[:12]]

    @staticmethod
    def of(row: models.Township) -> "Township":
        return Township(
            id=strawberry.ID(str(row.id)),
            code=row.code,
            name=row.name,
            kind=TownshipKind(row.kind),
            township_class=row.township_class,
            planning=TownshipFactors(
                population=row.population, area_km2=row.area_km2, enterprises=row.enterprises, workload=row.workload
            ),
        )

    @classmethod
    async def resolve_reference(cls, info: Info[Context, None], id: strawberry.ID) -> "Township | None":
        row = await _org(info, "township").load(parse_id(id, "乡镇"))
        return Township.of(row) if row else None


def _satellites(ctx: Context) -> DataLoader:
    async def load(ids: list[uuid.UUID]):
        found = await regions.satellites(ctx.session, list(ids))
        return [found[i] for i in ids]

    return DataLoader(load_fn=load)


@strawberry.type(description="片区 (优化派驻模式)")
class Region:
    id: strawberry.ID
    name: str = strawberry.field(description="片区名称")
    model: str = strawberry.field(description="ONE_PLUS_X (1+X) / BIG_TOWN_LEADS_SMALL (大镇带小乡)")
    hub_township_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="中心镇")
    async def hub(self, info: Info[Context, None]) -> Township:
        return await township_of(info, self.hub_township_id)

    @strawberry.field(description="所带乡镇")
    async def satellites(self, info: Info[Context, None]) -> list[Township]:
        ids = await info.context.loader("satellites", _satellites).load(uuid.UUID(self.id))
        rows = await _org(info, "township").load_many(ids)
        return [Township.of(r) for r in rows]

    @staticmethod
    def of(row: models.Region) -> "Region":
        return Region(
            id=strawberry.ID(str(row.id)), name=row.name, model=row.model, hub_township_id=row.hub_township_id
        )


@strawberry.federation.type(keys=["id"], description="派驻机构")
class Agency:
    id: strawberry.ID
    name: str = strawberry.field(description="机构名称")
    quota: int = strawberry.field(description="员额")
    is_enforcement: bool = strawberry.field(description="是否执法机构")
    co_located: bool = strawberry.field(description="与乡镇(街道)合署办公")
    distance_km: float | None = strawberry.field(description="不合署时与乡镇机关的距离")
    department_id: strawberry.Private[uuid.UUID]
    township_id: strawberry.Private[uuid.UUID]
    head_cadre_id: strawberry.Private[uuid.UUID | None]
    region_id: strawberry.Private[uuid.UUID | None]

    @strawberry.field(description="所属片区 (1+X / 大镇带小乡的中心机构)")
    async def region(self, info: Info[Context, None]) -> Optional["Region"]:
        if self.region_id is None:
            return None
        return Region.of(await info.context.loader("region", _loader(models.Region)).load(self.region_id))

    @strawberry.field(description="派出部门")
    async def department(self, info: Info[Context, None]) -> Department:
        return await department_of(info, self.department_id)

    @strawberry.field(description="所在乡镇(街道)")
    async def township(self, info: Info[Context, None]) -> Township:
        return await township_of(info, self.township_id)

    @strawberry.field(description="在岗人数")
    async def in_post(self, info: Info[Context, None]) -> int:
        return (await info.context.loader("occupancy", _occupancy).load(uuid.UUID(self.id))).in_post

    @strawberry.field(description="已批准待到岗人数")
    async def incoming(self, info: Info[Context, None]) -> int:
        return (await info.context.loader("occupancy", _occupancy).load(uuid.UUID(self.id))).incoming

    @strawberry.field(description="可用员额 = 员额 − 在岗 − 已批准待到岗")
    async def available(self, info: Info[Context, None]) -> int:
        return (await info.context.loader("occupancy", _occupancy).load(uuid.UUID(self.id))).available

    @strawberry.field(description="缺额 = 员额 − 在岗")
    async def vacancy(self, info: Info[Context, None]) -> int:
        return (await info.context.loader("occupancy", _occupancy).load(uuid.UUID(self.id))).vacancy

    @strawberry.field(description="负责人 (无权查看时为空)")
    async def head(self, info: Info[Context, None]) -> Optional["Cadre"]:
        if self.head_cadre_id is None:
            return None
        row = await info.context.loader("cadre", _visible_cadres).load(self.head_cadre_id)
        return Cadre.of(row) if row else None

    @staticmethod
    def of(row: models.Agency) -> "Agency":
        return Agency(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            quota=row.quota,
            is_enforcement=row.is_enforcement,
            co_located=row.co_located,
            distance_km=row.distance_km,
            department_id=row.department_id,
            township_id=row.township_id,
            head_cadre_id=row.head_cadre_id,
            region_id=row.region_id,
        )

    @classmethod
    async def resolve_reference(cls, info: Info[Context, None], id: strawberry.ID) -> "Agency | None":
        row = await _org(info, "agency").load(parse_id(id, "机构"))
        return Agency.of(row) if row else None


async def department_of(info: Info[Context, None], department_id: uuid.UUID) -> "Department":
    return Department.of(await _org(info, "department").load(department_id))


async def township_of(info: Info[Context, None], township_id: uuid.UUID) -> "Township":
    return Township.of(await _org(info, "township").load(township_id))


async def agency_of(info: Info[Context, None], agency_id: uuid.UUID | None) -> "Agency | None":
    if agency_id is None:
        return None
    return Agency.of(await _org(info, "agency").load(agency_id))


def _occupancy(ctx: Context) -> DataLoader:
    async def load(ids: list[uuid.UUID]):
        found = await vacancies.occupancy(ctx.session, list(ids))
        return [found[i] for i in ids]

    return DataLoader(load_fn=load)


def _postings(ctx: Context) -> DataLoader:
    async def load(ids: list[uuid.UUID]):
        found = await profile.postings_for(ctx.session, list(ids))
        return [found[i] for i in ids]

    return DataLoader(load_fn=load)


def _results(ctx: Context) -> DataLoader:
    async def load(ids: list[uuid.UUID]):
        rows = (
            await ctx.session.scalars(
                select(models.AssessmentResult)
                .where(models.AssessmentResult.cadre_id.in_(ids))
                .order_by(models.AssessmentResult.year.desc())
            )
        ).all()
        out: dict = {i: [] for i in ids}
        for r in rows:
            out[r.cadre_id].append(r)
        return [out[i] for i in ids]

    return DataLoader(load_fn=load)


@strawberry.type(description="年度考核结果")
class AssessmentResultType:
    year: int = strawberry.field(description="考核年度")
    grade: str | None = strawberry.field(description="EXCELLENT / COMPETENT / BASIC / INCOMPETENT")


@strawberry.type(description="任职经历")
class Posting:
    role: str = strawberry.field(description="HEAD 负责人 / DEPUTY 副职 / MEMBER 成员")
    start_date: dt.date = strawberry.field(description="开始日期")
    end_date: dt.date | None = strawberry.field(description="结束日期 (在任为空)")
    agency_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="派驻机构")
    async def agency(self, info: Info[Context, None]) -> "Agency":
        return await agency_of(info, self.agency_id)


def _visible_cadres(ctx: Context) -> DataLoader:
    async def load(ids: list[uuid.UUID]):
        found = await roster.cadres_by_id(ctx.session, ctx.principal, list(ids))
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


@strawberry.federation.type(keys=["id"], description="派驻干部")
class Cadre:
    id: strawberry.ID
    name: str = strawberry.field(description="姓名")
    professional_line: str = strawberry.field(description="业务条线")
    is_enforcement: bool = strawberry.field(description="执法人员")
    status: CadreStatus = strawberry.field(description="在岗、请假、借调或已离开")
    posted_on: dt.date = strawberry.field(description="到本乡镇(街道)任职日期")
    department_id: strawberry.Private[uuid.UUID]
    township_id: strawberry.Private[uuid.UUID]
    agency_id: strawberry.Private[uuid.UUID]
    row: strawberry.Private[models.Cadre]

    @strawberry.field(description="政治面貌")
    def political_status(self) -> str | None:
        return self.row.political_status

    @strawberry.field(description="职级")
    def rank(self) -> str | None:
        return self.row.rank

    @strawberry.field(description="学历")
    def education(self) -> str | None:
        return self.row.education

    @strawberry.field(description="执法证号")
    def enforcement_cert_no(self) -> str | None:
        return self.row.enforcement_cert_no

    @strawberry.field(description="执法证有效期至")
    def enforcement_cert_expiry(self) -> dt.date | None:
        return self.row.enforcement_cert_expiry

    @strawberry.field(
        description="年度考核结果 (来自考核服务的审定结果)。"
        "敏感: 仅组织部、县领导、本人所属部门和乡镇的管理员及本人可见，其他人为 null"
    )
    async def assessment_results(self, info: Info[Context, None]) -> list[AssessmentResultType] | None:
        if not policy.sees_grades(info.context.principal, self.row):
            return None
        rows = await info.context.loader("results", _results).load(self.row.id)
        return [AssessmentResultType(year=r.year, grade=r.grade) for r in rows]

    @strawberry.field(description="任职经历")
    async def postings(self, info: Info[Context, None]) -> list[Posting]:
        rows = await info.context.loader("postings", _postings).load(self.row.id)
        return [Posting(role=r.role, start_date=r.start_date, end_date=r.end_date, agency_id=r.agency_id) for r in rows]

    @strawberry.field(
        description="年龄 (周岁)。"
        "敏感: 与出生日期同一范围可见 (编办、组织部、本人所属部门和乡镇、本人)，其他人为 null，请用 ageBand"
    )
    def age(self, info: Info[Context, None]) -> int | None:
        if not policy.manages(info.context.principal, self.row):
            return None
        return roster.age(self.row.birth_date)

    @strawberry.field(description="最早可调整日期: 在本乡镇满两年 (MIN_TENURE_2Y; 之前调整须说明例外理由)")
    def next_move_allowed_on(self) -> dt.date:
        return adjustments.earliest_move(self.row.posted_on)

    @strawberry.field(description="年龄段 (老中青): 所有可见此人者均可见")
    def age_band(self) -> AgeBand:
        return AgeBand.of(roster.age(self.row.birth_date))

    @strawberry.field(description="出生日期 (敏感: 非管理方为空)")
    def birth_date(self, info: Info[Context, None]) -> dt.date | None:
        return self.row.birth_date if policy.manages(info.context.principal, self.row) else None

    @strawberry.field(description="身份证号 (敏感: 非管理方脱敏)")
    def id_number(self, info: Info[Context, None]) -> str | None:
        return roster.shown(self.row.id_number, "id_number", policy.manages(info.context.principal, self.row))

    @strawberry.field(description="手机号 (敏感: 非管理方脱敏)")
    def phone(self, info: Info[Context, None]) -> str | None:
        return roster.shown(self.row.phone, "phone", policy.manages(info.context.principal, self.row))

    @strawberry.field(description="敏感字段是否对当前调用者可见")
    def sensitive_visible(self, info: Info[Context, None]) -> bool:
        return policy.manages(info.context.principal, self.row)

    # Sync resolvers returning the prefetched object (or an awaitable when nothing prefetched it).
    @strawberry.field(description="派出部门")
    def department(self, info: Info[Context, None]) -> Department:
        return gql.now_or_later(_org(info, "department"), self.department_id, Department.of)

    @strawberry.field(description="所在乡镇(街道)")
    def township(self, info: Info[Context, None]) -> Township:
        return gql.now_or_later(_org(info, "township"), self.township_id, Township.of)

    @strawberry.field(description="所在派驻机构")
    def agency(self, info: Info[Context, None]) -> Agency:
        return gql.now_or_later(_org(info, "agency"), self.agency_id, Agency.of)

    @staticmethod
    async def prefetch(info: Info[Context, None], rows: list[models.Cadre], wanted: set[str]) -> None:
        """Load the org units a page of cadres will show, one batch each, before the page resolves."""
        for kind in _ORG_LOADERS:
            if kind in wanted and rows:
                await _org(info, kind).load_many({getattr(r, f"{kind}_id") for r in rows})

    @staticmethod
    def of(row: models.Cadre) -> "Cadre":
        return Cadre(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            professional_line=row.professional_line,
            is_enforcement=row.is_enforcement,
            status=row.status,
            posted_on=row.posted_on,
            department_id=row.department_id,
            township_id=row.township_id,
            agency_id=row.agency_id,
            row=row,
        )

    @classmethod
    async def resolve_reference(cls, info: Info[Context, None], id: strawberry.ID) -> "Cadre | None":
        row = await info.context.loader("cadre", _visible_cadres).load(parse_id(id, "干部"))
        return Cadre.of(row) if row else None


@strawberry.input(description="名单筛选")
class CadreFilter:
    department_id: strawberry.ID | None = None
    township_id: strawberry.ID | None = None
    agency_id: strawberry.ID | None = None
    status: CadreStatus | None = strawberry.field(default=None, description="在岗、请假、借调或已离开")
    professional_line: str | None = strawberry.field(default=None, description="业务条线 (全称, 如 人民调解)")
    is_enforcement: bool | None = strawberry.field(default=None, description="是否执法人员")
    posted_before: dt.date | None = strawberry.field(
        default=None, description="在本乡镇任职始于该日之前 (任职年限: 满两年方可调整, 见 nextMoveAllowedOn)"
    )

    def rules(self) -> roster.CadreFilter:
        """The plain filter the roster rules take."""
        return roster.CadreFilter(
            department_id=self.department_id,
            township_id=self.township_id,
            agency_id=self.agency_id,
            status=self.status.value if self.status else None,
            professional_line=self.professional_line,
            is_enforcement=self.is_enforcement,
            posted_before=self.posted_before,
        )


@strawberry.type
class RosterQuery:
    @strawberry.federation.field(description="派驻部门", requires_scopes=gql.ROSTER_READERS)
    async def departments(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> gql.Connection[Department]:
        page = await roster.list_departments(info.context.session, info.context.principal, first=first, after=after)
        return gql.connection(page, Department.of)

    @strawberry.federation.field(description="乡镇(街道)", requires_scopes=gql.ROSTER_READERS)
    async def townships(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> gql.Connection[Township]:
        page = await roster.list_townships(info.context.session, info.context.principal, first=first, after=after)
        return gql.connection(page, Township.of)

    @strawberry.federation.field(description="派驻机构", requires_scopes=gql.ROSTER_READERS)
    async def agencies(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        township_id: strawberry.ID | None = None,
        department_id: strawberry.ID | None = None,
    ) -> gql.Connection[Agency]:
        page = await roster.list_agencies(
            info.context.session,
            info.context.principal,
            first=first,
            after=after,
            township_id=township_id,
            department_id=department_id,
        )
        return gql.connection(page, Agency.of)

    @strawberry.federation.field(description="派驻干部名单 (按权限范围过滤)", requires_scopes=gql.ROSTER_READERS)
    async def cadres(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: CadreFilter | None = None,
    ) -> gql.Connection[Cadre]:
        f = filter.rules() if filter else None
        page = await roster.list_cadres(
            info.context.session, info.context.principal, first=first, after=after, filter=f
        )
        await Cadre.prefetch(info, page.items, gql.requested(info, "nodes") | gql.requested(info, "edges", "node"))
        return gql.connection(page, Cadre.of)

    @strawberry.federation.field(
        description="单个派驻干部; 不存在或无权查看时 NOT_FOUND", requires_scopes=gql.ROSTER_READERS
    )
    async def cadre(self, info: Info[Context, None], id: strawberry.ID) -> Cadre:
        row = await info.context.loader("cadre", _visible_cadres).load(parse_id(id, "干部"))
        if row is None:  # missing and not visible read the same (docs/api.md, lookups by id)
            raise NotFound("未找到该人员")
        return Cadre.of(row)
