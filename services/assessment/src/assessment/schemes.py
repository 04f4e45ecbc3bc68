"""考核方案: each township and each department sets its own regular and annual schemes covering
conduct (思想作风), results (工作实绩), ability (业务能力) and public response (社会反响); townships
also count post management (岗位管理) and grid work (网格工作). Weights add up to 100.

Rules: ``WEIGHTS_TOTAL_100``, ``TOWNSHIP_INDICATORS`` (a township scheme counts post management and
grid work), ``SCHEME_IN_USE`` (a scheme a cycle uses is never retired under it),
``INDICATOR_SCORES_INCOMPLETE``.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import audit
from servicekit.errors import BadInput, Forbidden, NotFound, RuleViolation
from servicekit.principal import Principal, Role

from .models import Cycle, CycleScheme, Indicator, Scheme

BASE_INDICATORS = {"CONDUCT": "思想作风", "RESULTS": "工作实绩", "ABILITY": "业务能力", "PUBLIC_RESPONSE": "社会反响"}
TOWNSHIP_EXTRA = {"POST_MANAGEMENT": "岗位管理", "GRID_WORK": "网格工作"}
PERIODS = ("ANNUAL", "QUARTERLY", "MONTHLY")


def _assessor(principal: Principal, kind: str, assessor_id: uuid.UUID) -> None:
    role = {"TOWNSHIP": Role.TOWNSHIP_ADMIN, "DEPARTMENT": Role.DEPARTMENT_ADMIN}.get(kind)
    if role is None:
        raise BadInput("考核方须为 TOWNSHIP 或 DEPARTMENT")
    if principal.is_service or not principal.has_role(role, str(assessor_id)):
        raise Forbidden("只能制定本乡镇(本部门)的考核方案")


async def create(
    session: AsyncSession,
    principal: Principal,
    *,
    assessor_kind: str,
    assessor_id: uuid.UUID,
    period_type: str,
    indicators: dict[str, tuple[str, int]],
) -> Scheme:
    """A new version: becomes the active one; the previous version is retired unless a cycle uses it."""
    _assessor(principal, assessor_kind, assessor_id)
    if period_type not in PERIODS:
        raise BadInput(f"周期类型须为 {', '.join(PERIODS)}")
    if not indicators or any(w <= 0 for _, w in indicators.values()):
        raise BadInput("指标权重须为正数")
    if sum(w for _, w in indicators.values()) != 100:
        raise RuleViolation("WEIGHTS_TOTAL_100", f"指标权重合计须为100 (现为 {sum(w for _, w in indicators.values())})")
    if assessor_kind == "TOWNSHIP" and not set(TOWNSHIP_EXTRA) <= set(indicators):
        raise RuleViolation("TOWNSHIP_INDICATORS", "乡镇方案须包含岗位管理和网格工作")
    version = (
        await session.scalar(
            select(func.max(Scheme.version)).where(
                Scheme.assessor_kind == assessor_kind,
                Scheme.assessor_id == assessor_id,
                Scheme.period_type == period_type,
            )
        )
        or 0
    ) + 1
    in_use = set(
        (
            await session.scalars(
                select(CycleScheme.scheme_id)
                .join(Cycle, Cycle.id == CycleScheme.cycle_id)
                .where(Cycle.status != "APPROVED")
            )
        ).all()
    )
    previous = (
        await session.scalars(
            select(Scheme).where(
                Scheme.assessor_kind == assessor_kind,
                Scheme.assessor_id == assessor_id,
                Scheme.period_type == period_type,
                Scheme.status == "ACTIVE",
            )
        )
    ).all()
    if any(p.id in in_use for p in previous):
        raise RuleViolation("SCHEME_IN_USE", "现行方案正用于未结束的考核，结束后再修订")
    await session.execute(update(Scheme).where(Scheme.id.in_([p.id for p in previous])).values(status="RETIRED"))
    scheme = Scheme(
        assessor_kind=assessor_kind,
        assessor_id=assessor_id,
        period_type=period_type,
        version=version,
        status="ACTIVE",
        created_by=principal.subject,
    )
    session.add(scheme)
    await session.flush()
    session.add_all([Indicator(scheme_id=scheme.id, code=c, name=n, weight=w) for c, (n, w) in indicators.items()])
    await audit.record(
        session,
        actor=principal,
        action="scheme.create",
        entity_type="Scheme",
        entity_id=scheme.id,
        after={
            "assessor": f"{assessor_kind}:{assessor_id}",
            "period": period_type,
            "version": version,
            "indicators": {c: w for c, (_, w) in indicators.items()},
        },
    )
    return scheme


def period_type(period: str) -> str:
    return "ANNUAL" if "-" not in period else "QUARTERLY" if "-Q" in period else "MONTHLY"


async def attach_active(session: AsyncSession, cycle: Cycle) -> None:
    """At opening, the cycle records the active schemes of its period type; they cannot be retired under it."""
    ids = (
        await session.scalars(
            select(Scheme.id).where(Scheme.status == "ACTIVE", Scheme.period_type == period_type(cycle.period))
        )
    ).all()
    session.add_all([CycleScheme(cycle_id=cycle.id, scheme_id=i) for i in ids])


async def scheme_for(session: AsyncSession, cycle_id: uuid.UUID, kind: str, assessor_id: uuid.UUID) -> Scheme | None:
    return (
        await session.scalars(
            select(Scheme)
            .join(CycleScheme, CycleScheme.scheme_id == Scheme.id)
            .where(CycleScheme.cycle_id == cycle_id, Scheme.assessor_kind == kind, Scheme.assessor_id == assessor_id)
        )
    ).first()


async def weighted(session: AsyncSession, scheme: Scheme, scores: dict[str, Decimal]) -> Decimal:
    indicators = {
        i.code: i.weight
        for i in (await session.scalars(select(Indicator).where(Indicator.scheme_id == scheme.id))).all()
    }
    if set(scores) != set(indicators):
        raise RuleViolation(
            "INDICATOR_SCORES_INCOMPLETE", "须按方案的全部指标评分，且不多不少", detail=f"expected {sorted(indicators)}"
        )
    if any(not Decimal(0) <= v <= Decimal(100) for v in scores.values()):
        raise RuleViolation("SCORE_OUT_OF_RANGE", "分数须在 0 到 100 之间")
    return (sum(Decimal(indicators[c]) * v for c, v in scores.items()) / 100).quantize(Decimal("0.01"))


async def get(session: AsyncSession, scheme_id: uuid.UUID) -> Scheme:
    scheme = await session.get(Scheme, scheme_id)
    if scheme is None:
        raise NotFound("考核方案不存在")
    return scheme


async def active_schemes(session: AsyncSession, assessor_id: uuid.UUID) -> list[Scheme]:
    """An assessor's schemes in force (one per period type)."""
    stmt = (
        select(Scheme).where(Scheme.assessor_id == assessor_id, Scheme.status == "ACTIVE").order_by(Scheme.period_type)
    )
    return list((await session.scalars(stmt)).all())


async def indicators_of(session: AsyncSession, scheme_id: uuid.UUID) -> list[Indicator]:
    stmt = select(Indicator).where(Indicator.scheme_id == scheme_id).order_by(Indicator.code)
    return list((await session.scalars(stmt)).all())
