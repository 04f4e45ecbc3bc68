"""A township's recommendation to dismiss or transfer a stationed cadre (双重管理: the township
recommends, the department decides). Accepting starts an adjustment, with all its checks.

Rules: ``RECOMMENDATION_DECIDED`` (decided once).
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import audit, db, outbox, visibility
from servicekit.errors import BadInput, Conflict, Forbidden, NotFound, RuleViolation
from servicekit.pagination import decode_key, make_page, page_size
from servicekit.principal import Principal, Role

from . import adjustments, events, vacancies
from .models import Cadre, TownshipRecommendation

KINDS = ("DISMISS", "TRANSFER")


async def recommend(
    session: AsyncSession, principal: Principal, *, cadre_id: uuid.UUID, kind: str, reasons: str
) -> TownshipRecommendation:
    cadre = await session.get(Cadre, cadre_id)
    if cadre is None:
        raise NotFound("人员不存在")
    if principal.is_service or not principal.has_role(Role.TOWNSHIP_ADMIN, str(cadre.township_id)):
        raise Forbidden("只有人员所在乡镇(街道)可以提出建议")
    if kind not in KINDS:
        raise BadInput("建议类型须为 DISMISS 或 TRANSFER")
    if not reasons.strip():
        raise BadInput("请写明理由")
    if cadre.status not in vacancies.OCCUPYING:
        raise Conflict("该人员不在岗")
    if await session.scalar(
        select(TownshipRecommendation.id).where(
            TownshipRecommendation.cadre_id == cadre_id, TownshipRecommendation.status == "PENDING"
        )
    ):
        raise Conflict("已有待部门决定的建议")
    rec = TownshipRecommendation(
        cadre_id=cadre_id,
        township_id=cadre.township_id,
        department_id=cadre.department_id,
        kind=kind,
        reasons=reasons.strip(),
        recommended_by=principal.subject,
    )
    session.add(rec)
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="recommendation.create",
        entity_type="TownshipRecommendation",
        entity_id=rec.id,
        after={"cadre_id": str(cadre_id), "kind": kind},
        reason=reasons,
    )
    await _announce(session, rec)
    return rec


async def _announce(session: AsyncSession, rec: TownshipRecommendation) -> None:
    """The department's 待办 while PENDING (in the transaction of the change)."""
    await outbox.emit(
        session,
        events.TOWNSHIP_RECOMMENDATION_CHANGED,
        aggregate_type="TownshipRecommendation",
        aggregate_id=rec.id,
        payload={
            "status": rec.status or "PENDING",
            "kind": rec.kind,
            "department_id": str(rec.department_id),
            "township_id": str(rec.township_id),
        },
    )


async def decide(
    session: AsyncSession,
    principal: Principal,
    *,
    recommendation_id: uuid.UUID,
    accept: bool,
    note: str | None,
    effective_date: dt.date | None = None,
    to_agency_id: uuid.UUID | None = None,
    tenure_exception_reason: str | None = None,
) -> TownshipRecommendation:
    rec = await db.get_for_update(session, TownshipRecommendation, recommendation_id, missing="建议不存在")
    if principal.is_service or not principal.has_role(Role.DEPARTMENT_ADMIN, str(rec.department_id)):
        raise Forbidden("由派驻部门决定")
    if rec.status != "PENDING":
        raise RuleViolation("RECOMMENDATION_DECIDED", "该建议已处理")
    if not accept and not (note or "").strip():
        raise BadInput("不采纳时请说明理由")
    if accept:
        if effective_date is None:
            raise BadInput("采纳时请给出调整生效日期")
        cadre = await session.get(Cadre, rec.cadre_id)
        item = (
            adjustments.Item(
                "OUT",
                cadre_id=cadre.id,
                from_agency_id=cadre.agency_id,
                tenure_exception_reason=tenure_exception_reason,
            )
            if rec.kind == "DISMISS"
            else adjustments.Item(
                "TRANSFER",
                cadre_id=cadre.id,
                from_agency_id=cadre.agency_id,
                to_agency_id=to_agency_id,
                tenure_exception_reason=tenure_exception_reason,
            )
        )
        if rec.kind == "TRANSFER" and to_agency_id is None:
            raise BadInput("调整到哪个派驻机构?")
        rows = await adjustments.submit(
            session,
            principal,
            department_id=rec.department_id,
            items=[item],
            effective_date=effective_date,
            reason=f"采纳乡镇(街道)建议: {rec.reasons}" + (f"；{note}" if note else ""),
        )
        rec.adjustment_batch_id = rows[0].batch_id
    rec.status = "ACCEPTED" if accept else "DECLINED"
    rec.decided_by, rec.decision_note, rec.decided_at = principal.subject, note, dt.datetime.now(dt.timezone.utc)
    await audit.record(
        session,
        actor=principal,
        action="recommendation.decide",
        entity_type="TownshipRecommendation",
        entity_id=rec.id,
        after={"status": rec.status, "batch_id": str(rec.adjustment_batch_id or "")},
        reason=note,
    )
    await _announce(session, rec)
    return rec


async def list_for(
    session: AsyncSession, principal: Principal, *, first: int | None, after: str | None, status: str | None = None
):
    if principal.is_service:
        raise Forbidden("服务客户端无权查看")
    size = page_size(first)
    stmt = (
        select(TownshipRecommendation)
        .order_by(TownshipRecommendation.recommended_at.desc(), TownshipRecommendation.id.desc())
        .limit(size + 1)
    )
    cond = visibility.scoped(
        principal,
        {
            Role.DEPARTMENT_ADMIN: lambda ids: TownshipRecommendation.department_id.in_(ids),
            Role.TOWNSHIP_ADMIN: lambda ids: TownshipRecommendation.township_id.in_(ids),
        },
        denied="无权查看",
    )
    if cond is not None:
        stmt = stmt.where(cond)
    if status:
        stmt = stmt.where(TownshipRecommendation.status == status)
    if key := decode_key(after, dt.datetime, uuid.UUID):
        stmt = stmt.where(tuple_(TownshipRecommendation.recommended_at, TownshipRecommendation.id) < key)
    rows = (await session.scalars(stmt)).all()
    return make_page(rows, size, lambda r: (r.recommended_at.isoformat(), str(r.id)))
