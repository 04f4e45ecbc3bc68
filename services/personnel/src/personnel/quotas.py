"""Quota ledger (员额): department totals, agency quotas, and change requests the staffing office
decides. Plain rules; the caller owns the transaction.

Rules (``extensions.rule``):
- ``QUOTA_SUM_MATCHES_TOTAL``: after a change the agencies' quotas add up to the department total.
- ``QUOTA_BELOW_OCCUPANCY``: an agency's quota may not drop below the people in post plus the
  approved arrivals not yet in post.
- ``REORGANISATION_LOWERS_TOTAL``: reorganising into regions (1+X, 大镇带小乡) never lowers the
  total sent down.
- ``REQUEST_ALREADY_DECIDED``: a request is decided once.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import audit, db, outbox
from servicekit.errors import BadInput, Forbidden, NotFound, RuleViolation
from servicekit.pagination import decode_key, make_page, page_size
from servicekit.principal import Principal, Role

from . import apportion, events, policy, reminders, vacancies
from .models import Agency, Department, QuotaChangeRequest, Township

# A county's departments count their staff in hundreds; anything near these is a typo or a probe.
MAX_QUOTA = 100_000
# Weights are relative (only their ratio matters); a bound keeps the arithmetic exact.
MAX_WEIGHT = 1_000_000.0


def _can_propose(principal: Principal, department_id: uuid.UUID) -> bool:
    return principal.has_role(Role.STAFFING_OFFICE) or principal.has_role(Role.DEPARTMENT_ADMIN, str(department_id))


async def propose(
    session: AsyncSession,
    principal: Principal,
    *,
    department_id: uuid.UUID,
    new_total: int | None,
    agency_quotas: dict[uuid.UUID, int],
    reason: str,
    reorganisation: bool = False,
) -> QuotaChangeRequest:
    """A department (or the staffing office) asks for new quotas; nothing changes until approval."""
    if principal.is_service or not _can_propose(principal, department_id):
        raise Forbidden(
            "只有本部门或编办可以提出员额调整", detail="DEPARTMENT_ADMIN of this department or STAFFING_OFFICE"
        )
    department = await session.get(Department, department_id)
    if department is None:
        raise NotFound("部门不存在")
    if not reason.strip():
        raise BadInput("请说明调整理由")
    if any(not 0 <= q <= MAX_QUOTA for q in agency_quotas.values()) or (
        new_total is not None and not 0 <= new_total <= MAX_QUOTA
    ):
        raise BadInput(f"员额须在 0–{MAX_QUOTA} 之间", detail=f"quotas must be 0..{MAX_QUOTA}")
    agencies = {
        a.id: a for a in (await session.scalars(select(Agency).where(Agency.department_id == department_id))).all()
    }
    foreign = [str(a) for a in agency_quotas if a not in agencies]
    if foreign:
        raise BadInput("只能调整本部门的派驻机构", detail=f"agencies not in this department: {foreign}")
    total = department.quota_total if new_total is None else new_total
    lines = {str(a): [agencies[a].quota, q] for a, q in agency_quotas.items() if agencies[a].quota != q}
    if not lines and total == department.quota_total:
        raise BadInput("调整前后员额相同", detail="nothing changes")
    _check_shape(department, agencies, lines, total, reorganisation)
    await _check_occupancy(session, lines)
    request = QuotaChangeRequest(
        department_id=department_id,
        old_total=department.quota_total,
        new_total=total,
        lines=lines,
        reorganisation=reorganisation,
        reason=reason.strip(),
        requested_by=principal.subject,
    )
    session.add(request)
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="quota.request",
        entity_type="QuotaChangeRequest",
        entity_id=request.id,
        after=_snapshot(request),
        reason=reason,
    )
    await _announce(session, request)
    return request


async def _announce(session: AsyncSession, request: QuotaChangeRequest) -> None:
    await outbox.emit(
        session,
        events.QUOTA_REQUEST_CHANGED,
        aggregate_type="QuotaChangeRequest",
        aggregate_id=request.id,
        payload={
            "department_id": str(request.department_id),
            "status": request.status,
            "old_total": request.old_total,
            "new_total": request.new_total,
        },
    )


def _check_shape(
    department: Department,
    agencies: dict[uuid.UUID, Agency],
    lines: dict[str, list[int]],
    total: int,
    reorganisation: bool,
) -> None:
    after = {a.id: a.quota for a in agencies.values()}
    after.update({uuid.UUID(k): v[1] for k, v in lines.items()})
    if sum(after.values()) != total:
        raise RuleViolation(
            "QUOTA_SUM_MATCHES_TOTAL",
            f"各派驻机构员额之和({sum(after.values())})须等于部门下沉员额总量({total})",
            detail="agency quotas must add up to the department total",
        )
    if reorganisation and total < department.quota_total:
        raise RuleViolation(
            "REORGANISATION_LOWERS_TOTAL",
            "优化派驻模式不得减少下沉员额总量",
            detail=f"total {department.quota_total} → {total}",
        )


async def _check_occupancy(session: AsyncSession, lines: dict[str, list[int]]) -> None:
    if not lines:
        return
    ids = [uuid.UUID(k) for k in lines]
    occupancy = await vacancies.occupancy(session, ids)
    for agency_id in ids:
        taken = occupancy[agency_id].in_post + occupancy[agency_id].incoming
        new = lines[str(agency_id)][1]
        if new < taken:
            raise RuleViolation(
                "QUOTA_BELOW_OCCUPANCY",
                f"员额({new})不能少于在岗及已批准待到岗人数({taken})",
                detail=f"agency {agency_id}: quota {new} < occupied {taken}",
                agency_id=str(agency_id),
            )


async def decide(
    session: AsyncSession, principal: Principal, *, request_id: uuid.UUID, approve: bool, note: str | None
) -> QuotaChangeRequest:
    if principal.is_service or not principal.has_role(Role.STAFFING_OFFICE):
        raise Forbidden("员额调整须由编办审批", detail="STAFFING_OFFICE decides quota changes")
    request = await db.get_for_update(session, QuotaChangeRequest, request_id, missing="员额调整申请不存在")
    if request.status != "PENDING":
        raise RuleViolation("REQUEST_ALREADY_DECIDED", "该申请已处理", detail=f"status {request.status}")
    before = _snapshot(request)
    request.decided_by, request.decided_at, request.decision_note = (
        principal.subject,
        dt.datetime.now(dt.timezone.utc),
        note,
    )
    if not approve:
        request.status = "REJECTED"
    else:
        department = await session.get(Department, request.department_id, with_for_update=True)
        agencies = {
            a.id: a
            for a in (
                await session.scalars(
                    select(Agency).where(Agency.department_id == request.department_id).with_for_update()
                )
            ).all()
        }
        if department.quota_total != request.old_total or any(
            agencies[uuid.UUID(k)].quota != v[0] for k, v in request.lines.items()
        ):
            raise RuleViolation(
                "QUOTA_CHANGED_SINCE_REQUEST",
                "员额已在申请后发生变化，请重新提出申请",
                detail="the ledger moved since this request was made",
            )
        # Re-check against today's roster: people may have arrived since the request.
        _check_shape(department, agencies, request.lines, request.new_total, request.reorganisation)
        await _check_occupancy(session, request.lines)
        department.quota_total = request.new_total
        for agency_id, (_, new) in request.lines.items():
            agencies[uuid.UUID(agency_id)].quota = new
        request.status = "APPROVED"
        await session.flush()
        await reminders.refresh(session, {department.id})
        await outbox.emit(
            session,
            events.QUOTA_CHANGED,
            aggregate_type="Department",
            aggregate_id=department.id,
            payload={
                "department_id": str(department.id),
                "quota_total": department.quota_total,
                "agencies": {k: v[1] for k, v in request.lines.items()},
                "request_id": str(request.id),
            },
        )
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="quota.approve" if approve else "quota.reject",
        entity_type="QuotaChangeRequest",
        entity_id=request.id,
        before=before,
        after=_snapshot(request),
        reason=note,
    )
    await _announce(session, request)
    return request


def _snapshot(r: QuotaChangeRequest) -> dict:
    return {
        "status": r.status,
        "department_id": str(r.department_id),
        "old_total": r.old_total,
        "new_total": r.new_total,
        "lines": r.lines,
        "reorganisation": r.reorganisation,
    }


async def department_totals(session: AsyncSession) -> dict[uuid.UUID, tuple[int, int]]:
    """(department total, sum of agency quotas) per department — they must agree."""
    rows = (
        await session.execute(
            select(Department.id, Department.quota_total, func.coalesce(func.sum(Agency.quota), 0))
            .join(Agency, Agency.department_id == Department.id, isouter=True)
            .group_by(Department.id)
        )
    ).all()
    return {r[0]: (r[1], r[2]) for r in rows}


async def list_requests(
    session: AsyncSession, principal: Principal, *, first: int | None, after: str | None, status: str | None = None
):
    size = page_size(first)
    stmt = (
        select(QuotaChangeRequest)
        .order_by(QuotaChangeRequest.requested_at.desc(), QuotaChangeRequest.id.desc())
        .limit(size + 1)
    )
    if (cond := policy.quota_request_visibility(principal)) is not None:
        stmt = stmt.where(cond)
    if status:
        stmt = stmt.where(QuotaChangeRequest.status == status)
    if key := decode_key(after, dt.datetime, uuid.UUID):
        stmt = stmt.where(tuple_(QuotaChangeRequest.requested_at, QuotaChangeRequest.id) < key)
    rows = (await session.scalars(stmt)).all()
    return make_page(rows, size, lambda r: (r.requested_at.isoformat(), str(r.id)))


async def get_request(session: AsyncSession, principal: Principal, request_id: uuid.UUID) -> QuotaChangeRequest:
    """One request, for those who see it in the list; anyone else hears NOT_FOUND, as for an id
    that does not exist."""
    stmt = select(QuotaChangeRequest).where(QuotaChangeRequest.id == request_id)
    if (cond := policy.quota_request_visibility(principal)) is not None:
        stmt = stmt.where(cond)
    request = await session.scalar(stmt)
    if request is None:
        raise NotFound("员额调整申请不存在或无权查看")
    return request


# --- dynamic quota model (动态调整员额) -------------------------------------------------------

FACTORS = ("population", "area", "enterprises", "workload")


@dataclass(frozen=True)
class ProposalLine:
    agency_id: uuid.UUID
    township_id: uuid.UUID
    current: int
    recommended: int
    score: float


async def model_proposal(
    session: AsyncSession,
    principal: Principal,
    *,
    department_id: uuid.UUID,
    weights: dict[str, float],
    method: str,
    minimum: int,
    total: int | None = None,
) -> tuple[int, list[ProposalLine]]:
    """The department's recommended split across its agencies, beside the current one."""
    readers = (Role.STAFFING_OFFICE, Role.ORG_DEPARTMENT, Role.LEADERSHIP)
    if principal.is_service or not (
        any(principal.has_role(r) for r in readers) or principal.has_role(Role.DEPARTMENT_ADMIN, str(department_id))
    ):
        raise Forbidden("无权测算该部门员额", detail="STAFFING_OFFICE, ORG_DEPARTMENT, LEADERSHIP or the department")
    unknown = set(weights) - set(FACTORS)
    if unknown or any(not 0 <= w <= MAX_WEIGHT for w in weights.values()) or not sum(weights.values()) > 0:
        raise BadInput(
            f"权重须为人口、面积、企业数、工作量的 0–{MAX_WEIGHT} 之间的数且不全为0",
            detail=f"factors: {FACTORS}, each 0..{MAX_WEIGHT}",
        )
    if not 0 <= minimum <= MAX_QUOTA:
        raise BadInput(f"每机构最少员额须在 0–{MAX_QUOTA} 之间", detail=f"minimumPerAgency must be 0..{MAX_QUOTA}")
    if total is not None and not 0 <= total <= MAX_QUOTA:
        raise BadInput(f"员额总量须在 0–{MAX_QUOTA} 之间", detail=f"total must be 0..{MAX_QUOTA}")
    department = await session.get(Department, department_id)
    if department is None:
        raise NotFound("部门不存在")
    rows = (
        await session.execute(
            select(Agency, Township)
            .join(Township, Township.id == Agency.township_id)
            .where(Agency.department_id == department_id)
        )
    ).all()
    metrics = {
        a.id: {"population": t.population, "area": t.area_km2, "enterprises": t.enterprises, "workload": t.workload}
        for a, t in rows
    }
    scores = apportion.township_scores(metrics, weights)
    total = department.quota_total if total is None else total
    try:
        seats = apportion.apportion(total, scores, minimum=minimum, method=method)
    except apportion.ApportionError as exc:
        raise RuleViolation(
            "MINIMUM_EXCEEDS_TOTAL", "员额总量不足以保证每个派驻机构的最低员额", detail=str(exc)
        ) from exc
    lines = [
        ProposalLine(a.id, t.id, a.quota, seats[a.id], round(scores[a.id], 6))
        for a, t in sorted(rows, key=lambda r: r[1].code)
    ]
    return total, lines


async def propose_from_model(
    session: AsyncSession,
    principal: Principal,
    *,
    department_id: uuid.UUID,
    weights: dict[str, float],
    method: str,
    minimum: int,
    reason: str,
) -> QuotaChangeRequest:
    total, lines = await model_proposal(
        session, principal, department_id=department_id, weights=weights, method=method, minimum=minimum
    )
    stated = "、".join(f"{k}×{v:g}" for k, v in weights.items())
    return await propose(
        session,
        principal,
        department_id=department_id,
        new_total=total,
        agency_quotas={line.agency_id: line.recommended for line in lines},
        reason=f"{reason.strip()}（测算: {method}, 权重 {stated}, 每机构最少 {minimum} 名）",
    )
