"""缺额与队伍结构: vacancies, their forecast, the roster's structure and expiring enforcement certificates, in
GraphQL."""

from __future__ import annotations

import enum
import uuid
from typing import Annotated

import strawberry
from strawberry.types import Info

from servicekit import gql
from servicekit.app import Context

from .. import (
    analytics,
    excel,
    policy,
    profile,
    reminders,
    vacancies,
)
from .roster import (
    Cadre,
    Department,
    Township,
    department_of,
    township_of,
)


@strawberry.type(description="缺额统计")
class VacancySummary:
    quota: int = strawberry.field(description="员额")
    in_post: int = strawberry.field(description="实有人数 (名单上占员额的人, 含借调、请假)")
    incoming: int = strawberry.field(description="已批准待到岗人数")
    vacancy: int = strawberry.field(description="缺额 (员额 − 实有 − 待到岗)")
    fill_rate: float = strawberry.field(description="到岗率 = 实有 / 员额")
    on_duty: int = strawberry.field(description="在岗人数 (真沉真下: 不含借调、请假)")
    on_duty_gap: int = strawberry.field(description="在岗缺口 = 员额 − 在岗 (缺额加借调、请假)")
    key: strawberry.Private[uuid.UUID]
    by: strawberry.Private[str]

    @strawberry.field(description="部门 (按部门统计时)")
    async def department(self, info: Info[Context, None]) -> Department | None:
        if self.by != "department":
            return None
        return await department_of(info, self.key)

    @strawberry.field(description="乡镇 (按乡镇统计时)")
    async def township(self, info: Info[Context, None]) -> Township | None:
        if self.by != "township":
            return None
        return await township_of(info, self.key)


@strawberry.enum(description="缺额统计口径")
class VacancyGrouping(enum.Enum):
    DEPARTMENT = strawberry.enum_value("department", description="按部门")
    TOWNSHIP = strawberry.enum_value("township", description="按乡镇")


@strawberry.enum(description="统计口径")
class StructureGrouping(enum.Enum):
    COUNTY = strawberry.enum_value("county", description="全县合计")
    DEPARTMENT = strawberry.enum_value("department", description="按部门")
    TOWNSHIP = strawberry.enum_value("township", description="按乡镇")


@strawberry.type(description="队伍结构: 到岗率、执法人员占比、老中青、在乡镇任职年限")
class RosterStructure:
    quota: int = strawberry.field(description="员额")
    in_post: int = strawberry.field(description="在岗人数")
    fill_rate: float = strawberry.field(description="到岗率 (0–1)")
    enforcement: int = strawberry.field(description="执法人员数")
    enforcement_share: float = strawberry.field(description="执法人员占下沉人员比例 (报告: 71%以上)")
    young: int = strawberry.field(description="青 (35岁以下)")
    middle: int = strawberry.field(description="中 (35–49岁)")
    old: int = strawberry.field(description="老 (50岁及以上)")
    average_age: float = strawberry.field(description="平均年龄 (岁)")
    tenure_under_1: int = strawberry.field(description="在本乡镇不满1年")
    tenure_1_to_2: int = strawberry.field(description="在本乡镇 1–2 年")
    tenure_2_to_5: int = strawberry.field(description="在本乡镇 2–5 年")
    tenure_5_plus: int = strawberry.field(description="在本乡镇 5 年以上")
    key: strawberry.Private[uuid.UUID | None]
    by: strawberry.Private[str]

    @strawberry.field(description="部门 (按部门统计时)")
    async def department(self, info: Info[Context, None]) -> Department | None:
        if self.by != "department" or self.key is None:
            return None
        return await department_of(info, self.key)

    @strawberry.field(description="乡镇 (按乡镇统计时)")
    async def township(self, info: Info[Context, None]) -> Township | None:
        if self.by != "township" or self.key is None:
            return None
        return await township_of(info, self.key)


@strawberry.type(description="缺额预测")
class VacancyForecast:
    vacancy_now: int = strawberry.field(description="现有缺额")
    retirements: int = strawberry.field(description="期内到龄退休")
    approved_outflows: int = strawberry.field(description="已批准调出")
    approved_inflows: int = strawberry.field(description="已批准调入")
    eligible_to_rotate: int = strawberry.field(description="期内满2年、可交流轮岗 (不计入预测缺额)")
    projected_vacancy: int = strawberry.field(description="预计缺额 = 现有缺额 + 到龄退休 + 已批准调出 − 已批准调入")
    department_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="部门")
    async def department(self, info: Info[Context, None]) -> Department:
        return await department_of(info, self.department_id)


@strawberry.type
class AnalyticsQuery:
    @strawberry.federation.field(description="实时缺额 (按部门或乡镇汇总)", requires_scopes=gql.ROSTER_READERS)
    async def vacancies(
        self, info: Info[Context, None], by: Annotated[VacancyGrouping, strawberry.argument(description="统计口径")]
    ) -> list[VacancySummary]:
        policy.org_reader(info.context.principal)
        rows = await vacancies.summary(info.context.session, by.value)
        return [
            VacancySummary(
                quota=r.quota,
                in_post=r.in_post,
                incoming=r.incoming,
                vacancy=r.vacancy,
                fill_rate=r.fill_rate,
                on_duty=r.on_duty,
                on_duty_gap=r.on_duty_gap,
                key=r.key,
                by=by.value,
            )
            for r in rows
        ]

    @strawberry.federation.field(description="未来若干月缺额预测", requires_scopes=gql.PEOPLE)
    async def vacancy_forecast(
        self, info: Info[Context, None], months: Annotated[int, strawberry.argument(description="预测月数")] = 6
    ) -> list[VacancyForecast]:
        policy.county_reader(info.context.principal)
        rows = await reminders.forecast(info.context.session, months)
        return [
            VacancyForecast(
                vacancy_now=r.vacancy_now,
                retirements=r.retirements,
                approved_outflows=r.approved_outflows,
                approved_inflows=r.approved_inflows,
                eligible_to_rotate=r.eligible_to_rotate,
                projected_vacancy=r.projected_vacancy,
                department_id=r.department_id,
            )
            for r in rows
        ]

    @strawberry.federation.field(description="导出缺额 Excel", requires_scopes=gql.PEOPLE)
    async def export_vacancies(self, info: Info[Context, None]) -> gql.ExcelFile:
        return gql.ExcelFile.of("缺额", await excel.export_vacancies(info.context.session, info.context.principal))

    @strawberry.federation.field(description="队伍结构统计 (按权限范围)", requires_scopes=gql.ROSTER_READERS)
    async def roster_structure(
        self, info: Info[Context, None], by: Annotated[StructureGrouping, strawberry.argument(description="统计口径")]
    ) -> list[RosterStructure]:
        rows = await analytics.structure(info.context.session, info.context.principal, by.value)
        return [
            RosterStructure(
                quota=r.quota,
                in_post=r.in_post,
                fill_rate=r.fill_rate,
                enforcement=r.enforcement,
                enforcement_share=r.enforcement_share,
                young=r.young,
                middle=r.middle,
                old=r.old,
                average_age=r.average_age,
                tenure_under_1=r.tenure_under_1,
                tenure_1_to_2=r.tenure_1_to_2,
                tenure_2_to_5=r.tenure_2_to_5,
                tenure_5_plus=r.tenure_5_plus,
                key=r.key,
                by=by.value,
            )
            for r in rows
        ]

    @strawberry.federation.field(description="即将到期或已过期的执法证 (按权限范围)", requires_scopes=gql.PEOPLE)
    async def expiring_enforcement_certificates(
        self,
        info: Info[Context, None],
        within_days: Annotated[int, strawberry.argument(description="多少天内到期")] = 90,
        first: int | None = None,
        after: str | None = None,
    ) -> gql.Connection[Cadre]:
        page = await profile.expiring_certificates(
            info.context.session, policy.cadre_visibility(info.context.principal), within_days, first=first, after=after
        )
        return gql.connection(page, Cadre.of)
