"""Excel export of a cycle's results and rankings, limited to what the caller may see."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import spreadsheet
from servicekit.errors import NotFound
from servicekit.principal import Principal

from . import policy
from .models import Cycle, Member, UnitName

GRADE_NAMES = {"EXCELLENT": "优秀", "COMPETENT": "称职", "BASIC": "基本称职", "INCOMPETENT": "不称职"}
HEADER = ["姓名", "派驻部门", "乡镇(街道)", "乡镇评分", "部门评分", "总分", "部门内排名", "入围", "优秀(轮次)", "等次"]


async def results_workbook(session: AsyncSession, principal: Principal, cycle_id: uuid.UUID) -> bytes:
    cycle = await session.get(Cycle, cycle_id)
    if cycle is None:
        raise NotFound("考核周期不存在")
    rank = func.rank().over(partition_by=Member.department_id, order_by=Member.total.desc().nulls_last())
    stmt = select(Member, rank.label("rank")).where(Member.cycle_id == cycle_id)
    if (cond := policy.member_visibility(principal, published=cycle.status != "OPEN")) is not None:
        stmt = stmt.where(cond)
    rows = (
        await session.execute(stmt.order_by(Member.department_id, Member.total.desc().nulls_last(), Member.name))
    ).all()
    names = dict((await session.execute(select(UnitName.id, UnitName.name))).all())
    return spreadsheet.workbook(
        f"{cycle.period}考核结果",
        HEADER,
        (
            [
                m.name,
                names.get(m.department_id, str(m.department_id)),
                names.get(m.township_id, str(m.township_id)),
                m.township_score,
                m.department_score,
                m.total,
                r if m.total is not None else None,
                "是" if m.shortlisted else "",
                m.excellent_round or "",
                GRADE_NAMES.get(m.grade or "", ""),
            ]
            for m, r in rows
        ),
    )
