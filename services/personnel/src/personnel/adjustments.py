"""Personnel adjustments (人事调整) and the full-process checks (全流程制约). Plain rules.

Flow: submitted by the department → organisation department pre-review (组织部事前审核) →
for a head change, the township's opinion (征求属地意见) → for a concentrated reshuffle, the
three-party review (组织部 + 编办 + each township concerned, 三方会审) → APPROVED → effective
from its date. Nothing changes in the roster before that.

Rules (``extensions.rule``):
- ``QUOTA_EXCEEDED``: no inflow above the agency's available places.
- ``ONE_ROUND_PER_YEAR``: at most one adjustment round per agency per calendar year — for the
  agency a person leaves as for the one they join. A replenishment (补员: arrivals outside a
  reshuffle, which can only fill empty seats) is not a round: it neither counts nor is blocked.
- ``MIN_TENURE_2Y``: at least 2 years in the same township, unless an exception reason is given
  and the organisation department approves it explicitly (``TENURE_EXCEPTION_NOT_APPROVED``);
  approved exceptions are listed for reporting.
- ``NOT_APPROVED`` / ``NOT_YET_EFFECTIVE``: no effect before approval and before the date.
- ``HEAD_NEEDS_TOWNSHIP_OPINION`` and ``RESHUFFLE_NEEDS_THREE_PARTY``: the steps above, in order.
  The township is asked on a head change and whenever the sitting head is moved out or away.
- ``DISAGREEMENT_NEEDS_ANSWER``: the township's opinion is advice, not a veto — a disagreement is
  recorded and the batch waits until 组织部 answers it, saying why it proceeds (or stopping it).
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import extract, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import audit, db, outbox
from servicekit.errors import BadInput, Conflict, Forbidden, NotFound, RuleViolation
from servicekit.pagination import decode_key, make_page, page_size
from servicekit.principal import Principal, Role

from . import events, policy, profile, reminders, vacancies
from .calendar import today
from .models import Adjustment, Agency, Cadre, ReshuffleReview

KINDS = ("IN", "OUT", "TRANSFER", "HEAD_CHANGE")
OPEN = ("SUBMITTED", "APPROVED")
MIN_TENURE_YEARS = 2


@dataclass
class Item:
    kind: str
    cadre_id: uuid.UUID | None = None
    from_agency_id: uuid.UUID | None = None
    to_agency_id: uuid.UUID | None = None
    newcomer: dict | None = None
    tenure_exception_reason: str | None = None


def _years_between(start: dt.date, end: dt.date) -> float:
    return (end - start).days / 365.2425


MIN_YEAR, MAX_YEAR = 2000, 2100
SHANGHAI = dt.timezone(dt.timedelta(hours=8))  # business years are Asia/Shanghai's


def earliest_move(posted_on: dt.date) -> dt.date:
    """The first day a cadre posted on ``posted_on`` may be moved without an exception (MIN_TENURE_2Y)."""
    return posted_on + dt.timedelta(days=math.ceil(MIN_TENURE_YEARS * 365.2425))


def _party_of(principal: Principal, townships: set[uuid.UUID]) -> list[str]:
    parties = []
    if principal.has_role(Role.ORG_DEPARTMENT):
        parties.append("ORG_DEPARTMENT")
    if principal.has_role(Role.STAFFING_OFFICE):
        parties.append("STAFFING_OFFICE")
    parties += [f"TOWNSHIP:{t}" for t in townships if principal.has_role(Role.TOWNSHIP_ADMIN, str(t))]
    return parties


async def _agencies(session: AsyncSession, ids: set[uuid.UUID]) -> dict[uuid.UUID, Agency]:
    return {a.id: a for a in (await session.scalars(select(Agency).where(Agency.id.in_(ids)))).all()} if ids else {}


async def submit(
    session: AsyncSession,
    principal: Principal,
    *,
    department_id: uuid.UUID,
    items: list[Item],
    effective_date: dt.date,
    reason: str,
    reshuffle: bool = False,
) -> list[Adjustment]:
    if principal.is_service or not principal.has_role(Role.DEPARTMENT_ADMIN, str(department_id)):
        raise Forbidden("人事调整须由本派驻部门提出", detail="DEPARTMENT_ADMIN of this department submits adjustments")
    if not items:
        raise BadInput("至少需要一项调整")
    if len(items) > 1 and not reshuffle:
        raise BadInput("多项调整须作为集中调整提交", detail="several items form a reshuffle (reshuffle: true)")
    if not reason.strip():
        raise BadInput("请说明调整理由")
    agency_ids = {a for i in items for a in (i.from_agency_id, i.to_agency_id) if a}
    agencies = await _agencies(session, agency_ids)
    if missing := agency_ids - set(agencies):
        raise NotFound("派驻机构不存在", detail=f"unknown agencies {sorted(map(str, missing))}")
    if any(a.department_id != department_id for a in agencies.values()):
        raise Forbidden("只能调整本部门的派驻机构", detail="agency of another department")
    cadre_ids = [i.cadre_id for i in items if i.cadre_id]
    if len(cadre_ids) != len(set(cadre_ids)):
        raise BadInput("同一人不能在一批调整中出现两次")
    cadres = (
        {c.id: c for c in (await session.scalars(select(Cadre).where(Cadre.id.in_(cadre_ids)))).all()}
        if cadre_ids
        else {}
    )
    open_for = (
        set(
            (
                await session.scalars(
                    select(Adjustment.cadre_id).where(Adjustment.cadre_id.in_(cadre_ids), Adjustment.status.in_(OPEN))
                )
            ).all()
        )
        if cadre_ids
        else set()
    )
    if open_for:
        raise Conflict("该人员已有未完成的调整", detail=f"open adjustment for {sorted(map(str, open_for))}")

    batch_id = uuid.uuid4()
    rows = []
    replenishment = not reshuffle and all(i.kind == "IN" for i in items)
    for item in items:
        _validate_item(item, cadres, agencies, department_id)
        cadre = cadres.get(item.cadre_id) if item.cadre_id else None
        _check_tenure(item, cadre, agencies, effective_date)
        sitting_head = (
            item.kind in ("OUT", "TRANSFER")
            and cadre is not None
            and agencies[item.from_agency_id].head_cadre_id == cadre.id
        )
        rows.append(
            Adjustment(
                batch_id=batch_id,
                kind=item.kind,
                department_id=department_id,
                cadre_id=item.cadre_id,
                from_agency_id=item.from_agency_id,
                to_agency_id=item.to_agency_id,
                newcomer=item.newcomer,
                effective_date=effective_date,
                reason=reason.strip(),
                tenure_exception_reason=item.tenure_exception_reason,
                requested_by=principal.subject,
                status="SUBMITTED",
                replenishment=replenishment,
                township_opinion_needed=item.kind == "HEAD_CHANGE" or sitting_head,
            )
        )
    await _check_rounds(session, rows, agencies, exclude_batch=batch_id)
    await _check_quota(session, rows)
    session.add_all(rows)
    await session.flush()
    if reshuffle:
        townships = {agencies[a].township_id for r in rows for a in (r.from_agency_id, r.to_agency_id) if a}
        session.add_all(
            [
                ReshuffleReview(batch_id=batch_id, party=p)
                for p in ["ORG_DEPARTMENT", "STAFFING_OFFICE", *sorted(f"TOWNSHIP:{t}" for t in townships)]
            ]
        )
    for r in rows:
        await audit.record(
            session,
            actor=principal,
            action="adjustment.submit",
            entity_type="Adjustment",
            entity_id=r.id,
            after=snapshot(r),
            reason=reason,
        )
    await session.flush()
    await announce(session, rows)
    return rows


def _validate_item(item: Item, cadres: dict, agencies: dict, department_id: uuid.UUID) -> None:
    if item.kind not in KINDS:
        raise BadInput("调整类型无效", detail=f"kind must be one of {KINDS}")
    need = {
        "IN": ("to",),
        "OUT": ("cadre", "from"),
        "TRANSFER": ("cadre", "from", "to"),
        "HEAD_CHANGE": ("cadre", "to"),
    }[item.kind]
    present = {"cadre": item.cadre_id, "from": item.from_agency_id, "to": item.to_agency_id}
    if any(present[k] is None for k in need) or any(present[k] is not None for k in present if k not in need):
        raise BadInput(f"{item.kind} 调整须且只须填写: {', '.join(need)}")
    if item.kind == "IN":
        nc = item.newcomer or {}
        if not str(nc.get("name", "")).strip() or not nc.get("professional_line") or not nc.get("birth_date"):
            raise BadInput("新派驻人员须填写姓名、出生日期和业务条线")
        return
    if item.newcomer:
        raise BadInput("只有调入(IN)才填写新人员信息")
    cadre = cadres.get(item.cadre_id)
    if cadre is None:
        raise NotFound("人员不存在")
    if cadre.department_id != department_id:
        raise Forbidden("只能调整本部门的人员")
    if cadre.status not in vacancies.OCCUPYING:
        raise Conflict("该人员不在岗", detail=f"status {cadre.status}")
    if item.kind in ("OUT", "TRANSFER") and cadre.agency_id != item.from_agency_id:
        raise BadInput("调出机构与人员所在机构不符")
    if item.kind == "TRANSFER" and item.from_agency_id == item.to_agency_id:
        raise BadInput("调入与调出机构相同")
    if item.kind == "HEAD_CHANGE" and cadre.agency_id != item.to_agency_id:
        raise BadInput("负责人须为本机构在岗人员", detail="appoint a head from the agency's own people")


def _check_tenure(item: Item, cadre: Cadre | None, agencies: dict, effective_date: dt.date) -> None:
    if item.kind not in ("OUT", "TRANSFER") or cadre is None:
        return
    leaves_township = item.kind == "OUT" or agencies[item.to_agency_id].township_id != cadre.township_id
    if not leaves_township:
        return
    years = _years_between(cadre.posted_on, effective_date)
    if years < MIN_TENURE_YEARS and not (item.tenure_exception_reason or "").strip():
        raise RuleViolation(
            "MIN_TENURE_2Y",
            f"派驻干部在同一乡镇(街道)工作不少于{MIN_TENURE_YEARS}年(现{years:.1f}年)；"
            "确需调整须说明理由并经组织部同意",
            detail=f"{years:.2f} years in township",
            cadre_id=str(cadre.id),
        )


async def _check_rounds(
    session: AsyncSession, rows: list[Adjustment], agencies: dict, exclude_batch: uuid.UUID
) -> None:
    # Both ends count: an agency a person leaves has been adjusted as much as the one they join.
    touched = {a for r in rows if not r.replenishment for a in (r.from_agency_id, r.to_agency_id) if a}
    if not touched:
        return
    year = rows[0].effective_date.year
    others = (
        await session.execute(
            select(Adjustment.from_agency_id, Adjustment.to_agency_id).where(
                Adjustment.batch_id != exclude_batch,
                Adjustment.replenishment.is_(False),
                Adjustment.status.in_((*OPEN, "EFFECTIVE")),
                extract("year", Adjustment.effective_date) == year,
                or_(Adjustment.from_agency_id.in_(touched), Adjustment.to_agency_id.in_(touched)),
            )
        )
    ).all()
    busy = {a for row in others for a in row if a in touched}
    if busy:
        names = "、".join(sorted(agencies[a].name for a in busy if a in agencies))
        raise RuleViolation(
            "ONE_ROUND_PER_YEAR",
            f"{names}本年度已有一次人事调整，每年不超过1次",
            detail=f"agencies already adjusted in {year}",
            agencies=sorted(map(str, busy)),
        )


async def _check_quota(session: AsyncSession, rows: list[Adjustment]) -> None:
    net: Counter = Counter()
    for r in rows:
        if r.kind in vacancies.INBOUND:
            net[r.to_agency_id] += 1
        if r.kind in ("OUT", "TRANSFER"):
            net[r.from_agency_id] -= 1
    inflow = {a: n for a, n in net.items() if n > 0}
    if not inflow:
        return
    occ = await vacancies.occupancy(session, list(inflow))
    for agency_id, n in inflow.items():
        if occ[agency_id].available < n:
            raise RuleViolation(
                "QUOTA_EXCEEDED",
                f"调入人数({n})超过可用员额({max(occ[agency_id].available, 0)})",
                detail=f"agency {agency_id}: available {occ[agency_id].available}, inflow {n}",
                agency_id=str(agency_id),
            )


async def _batch(session: AsyncSession, batch_id: uuid.UUID, lock: bool = True) -> list[Adjustment]:
    stmt = select(Adjustment).where(Adjustment.batch_id == batch_id).order_by(Adjustment.requested_at, Adjustment.id)
    rows = list((await session.scalars(stmt.with_for_update() if lock else stmt)).all())
    if not rows:
        raise NotFound("调整批次不存在")
    return rows


async def _reviews(session: AsyncSession, batch_id: uuid.UUID) -> list[ReshuffleReview]:
    return list(
        (
            await session.scalars(
                select(ReshuffleReview).where(ReshuffleReview.batch_id == batch_id).order_by(ReshuffleReview.party)
            )
        ).all()
    )


async def _advance(session: AsyncSession, rows: list[Adjustment]) -> None:
    """Move the batch to APPROVED once every required step has agreed."""
    if any(r.status != "SUBMITTED" for r in rows):
        return
    if any(r.org_review != "APPROVED" for r in rows):
        return
    if any(r.township_opinion_needed and not _opinion_settled(r) for r in rows):
        return
    reviews = await _reviews(session, rows[0].batch_id)
    if reviews and any(v.decision != "AGREE" for v in reviews):
        return
    agencies = await _agencies(session, {a for r in rows for a in (r.from_agency_id, r.to_agency_id) if a})
    # Places and rounds may have been taken by other batches approved meanwhile.
    await _check_rounds(session, rows, agencies, exclude_batch=rows[0].batch_id)
    await _check_quota(session, rows)
    for r in rows:
        r.status = "APPROVED"


def _opinion_settled(r: Adjustment) -> bool:
    """The township agreed, or disagreed and 组织部 answered why it proceeds."""
    return r.township_opinion == "AGREE" or (r.township_opinion == "DISAGREE" and r.opinion_answer is not None)


def opinion_agency_id(r: Adjustment) -> uuid.UUID | None:
    """The agency whose township is asked: the one a new head leads, or the one a sitting head leaves."""
    if not r.township_opinion_needed:
        return None
    return r.to_agency_id if r.kind == "HEAD_CHANGE" else r.from_agency_id


async def org_review(
    session: AsyncSession,
    principal: Principal,
    *,
    batch_id: uuid.UUID,
    approve: bool,
    note: str | None,
    approve_tenure_exception: bool = False,
) -> list[Adjustment]:
    if principal.is_service or not principal.has_role(Role.ORG_DEPARTMENT):
        raise Forbidden("人员调整须经组织部事前审核", detail="ORG_DEPARTMENT reviews adjustments")
    rows = await _batch(session, batch_id)
    if any(r.status != "SUBMITTED" or r.org_review for r in rows):
        raise RuleViolation("ALREADY_REVIEWED", "该批调整已审核")
    if approve and any(r.tenure_exception_reason for r in rows) and not approve_tenure_exception:
        raise RuleViolation(
            "TENURE_EXCEPTION_NOT_APPROVED",
            "本批含未满2年的调整，须明确同意例外后方可通过",
            detail="set approveTenureException to approve the 2-year exception",
        )
    for r in rows:
        before = snapshot(r)
        r.org_review, r.org_reviewed_by, r.org_review_note = (
            ("APPROVED" if approve else "REJECTED"),
            principal.subject,
            note,
        )
        if not approve:
            r.status = "REJECTED"
        await audit.record(
            session,
            actor=principal,
            action="adjustment.org_review",
            entity_type="Adjustment",
            entity_id=r.id,
            before=before,
            after=snapshot(r),
            reason=note,
        )
    if approve:
        await _advance(session, rows)
    await announce(session, rows)
    return rows


async def township_opinion(
    session: AsyncSession, principal: Principal, *, adjustment_id: uuid.UUID, agree: bool, note: str | None
) -> Adjustment:
    adj = await db.get_for_update(session, Adjustment, adjustment_id, missing="调整不存在")
    asked = opinion_agency_id(adj) or adj.to_agency_id or adj.from_agency_id
    agency = await session.get(Agency, asked) if asked else None
    if principal.is_service or agency is None or not principal.has_role(Role.TOWNSHIP_ADMIN, str(agency.township_id)):
        raise Forbidden("只有派驻机构所在乡镇(街道)可以提出意见")
    if not adj.township_opinion_needed:
        raise BadInput("只有负责人调整(含现任负责人调出、调离)需要征求属地意见")
    if adj.status != "SUBMITTED" or adj.org_review != "APPROVED":
        raise RuleViolation(
            "HEAD_NEEDS_TOWNSHIP_OPINION" if adj.org_review is None else "ALREADY_DECIDED",
            "须在组织部审核通过后、生效前征求属地意见",
            detail=f"status {adj.status}, org review {adj.org_review}",
        )
    if agree is False and not (note or "").strip():
        raise BadInput("不同意时请说明理由")
    before = snapshot(adj)
    adj.township_opinion, adj.township_opinion_by, adj.township_opinion_note = (
        ("AGREE" if agree else "DISAGREE"),
        principal.subject,
        note,
    )
    # A disagreement is advice: the batch waits for 组织部's answer (answer_township_opinion).
    await audit.record(
        session,
        actor=principal,
        action="adjustment.township_opinion",
        entity_type="Adjustment",
        entity_id=adj.id,
        before=before,
        after=snapshot(adj),
        reason=note,
    )
    rows = await _batch(session, adj.batch_id)
    if agree:
        await _advance(session, rows)
    await announce(session, rows)
    return adj


async def answer_township_opinion(
    session: AsyncSession, principal: Principal, *, adjustment_id: uuid.UUID, proceed: bool, note: str
) -> list[Adjustment]:
    """组织部 answers a township's disagreement: proceeds, saying why, or stops the batch."""
    if principal.is_service or not principal.has_role(Role.ORG_DEPARTMENT):
        raise Forbidden("乡镇(街道)的不同意见由组织部答复", detail="ORG_DEPARTMENT answers a township's disagreement")
    adj = await session.get(Adjustment, adjustment_id)
    if adj is None:
        raise NotFound("调整不存在")
    rows = await _batch(session, adj.batch_id)
    adj = next(r for r in rows if r.id == adjustment_id)
    if adj.township_opinion != "DISAGREE":
        raise RuleViolation("NO_DISAGREEMENT", "乡镇(街道)未提出不同意见，无需答复")
    if adj.opinion_answer is not None or adj.status != "SUBMITTED":
        raise RuleViolation("ALREADY_DECIDED", "已答复乡镇(街道)意见")
    if not note.strip():
        raise BadInput("请说明答复理由", detail="say why 组织部 proceeds over, or accepts, the disagreement")
    before = snapshot(adj)
    adj.opinion_answer, adj.opinion_answered_by = note.strip(), principal.subject
    if not proceed:
        for r in rows:
            r.status = "REJECTED"
    await audit.record(
        session,
        actor=principal,
        action="adjustment.opinion_answer",
        entity_type="Adjustment",
        entity_id=adj.id,
        before=before,
        after={**snapshot(adj), "proceed": proceed},
        reason=note,
    )
    if proceed:
        await _advance(session, rows)
    await announce(session, rows)
    return rows


async def three_party_review(
    session: AsyncSession, principal: Principal, *, batch_id: uuid.UUID, agree: bool, note: str | None
) -> list[ReshuffleReview]:
    rows = await _batch(session, batch_id)
    reviews = {r.party: r for r in await _reviews(session, batch_id)}
    if not reviews:
        raise BadInput("只有集中调整需要三方会审")
    agencies = await _agencies(session, {a for r in rows for a in (r.from_agency_id, r.to_agency_id) if a})
    parties = (
        [p for p in _party_of(principal, {a.township_id for a in agencies.values()}) if p in reviews]
        if not principal.is_service
        else []
    )
    if not parties:
        raise Forbidden("只有组织部、编办和相关乡镇(街道)参加三方会审")
    if any(r.status != "SUBMITTED" for r in rows):
        raise RuleViolation("ALREADY_DECIDED", "该批调整已结束审核")
    if any(r.org_review != "APPROVED" for r in rows):
        raise RuleViolation(
            "RESHUFFLE_NEEDS_THREE_PARTY",
            "三方会审在组织部事前审核通过后进行",
            detail="organisation department pre-review first",
        )
    now = dt.datetime.now(dt.timezone.utc)
    for party in parties:
        review = reviews[party]
        if review.decision:
            raise RuleViolation("ALREADY_DECIDED", "已提交会审意见")
        review.decision, review.decided_by, review.note, review.decided_at = (
            ("AGREE" if agree else "DISAGREE"),
            principal.subject,
            note,
            now,
        )
        await audit.record(
            session,
            actor=principal,
            action="reshuffle.review",
            entity_type="Reshuffle",
            entity_id=batch_id,
            after={"party": party, "decision": review.decision},
            reason=note,
        )
    if not agree:
        for r in rows:
            r.status = "REJECTED"
    else:
        await session.flush()
        await _advance(session, rows)
    await session.flush()
    await announce(session, rows)
    return list(reviews.values())


async def make_effective(session: AsyncSession, principal: Principal, *, batch_id: uuid.UUID) -> list[Adjustment]:
    rows = await _batch(session, batch_id)
    department_id = rows[0].department_id
    if principal.is_service or not (
        principal.has_role(Role.DEPARTMENT_ADMIN, str(department_id)) or principal.has_role(Role.ORG_DEPARTMENT)
    ):
        raise Forbidden("只有本部门或组织部可以办理生效")
    if any(r.status == "EFFECTIVE" for r in rows):
        raise RuleViolation("ALREADY_EFFECTIVE", "该批调整已生效")
    if any(r.status != "APPROVED" for r in rows):
        missing = pending_steps(rows, await _reviews(session, batch_id))
        raise RuleViolation("NOT_APPROVED", "调整未完成审批，不能生效", detail=f"pending: {missing}", pending=missing)
    if rows[0].effective_date > today():
        raise RuleViolation("NOT_YET_EFFECTIVE", f"生效日期为 {rows[0].effective_date:%Y-%m-%d}，尚未到期")
    agencies = await _agencies(session, {a for r in rows for a in (r.from_agency_id, r.to_agency_id) if a})
    now = dt.datetime.now(dt.timezone.utc)
    # Leavers first, so that arrivals in the same reshuffle take the places they free.
    for r in sorted(rows, key=lambda r: {"OUT": 0, "TRANSFER": 1, "IN": 2, "HEAD_CHANGE": 3}[r.kind]):
        await _apply(session, principal, r, agencies)
        r.status, r.effected_at = "EFFECTIVE", now
        await audit.record(
            session,
            actor=principal,
            action="adjustment.effective",
            entity_type="Adjustment",
            entity_id=r.id,
            after=snapshot(r),
        )
    await session.flush()
    await reminders.refresh(session, {department_id})
    await announce(session, rows)
    return rows


async def _apply(session: AsyncSession, principal: Principal, r: Adjustment, agencies: dict) -> None:
    if r.kind == "IN":
        nc = r.newcomer
        to = agencies[r.to_agency_id]
        cadre = Cadre(
            name=nc["name"].strip(),
            gender=nc.get("gender", "MALE"),
            birth_date=dt.date.fromisoformat(nc["birth_date"]),
            professional_line=nc["professional_line"],
            is_enforcement=to.is_enforcement,
            department_id=to.department_id,
            township_id=to.township_id,
            agency_id=to.id,
            posted_on=r.effective_date,
            status="IN_POST",
            id_number=nc.get("id_number"),
            phone=nc.get("phone"),
        )
        session.add(cadre)
        await session.flush()
        await profile.open_posting(session, cadre, r.effective_date)
        r.cadre_id = cadre.id
        await outbox.emit(
            session,
            events.CADRE_STATIONED,
            aggregate_type="Cadre",
            aggregate_id=cadre.id,
            payload=events.cadre_payload(cadre),
        )
        return
    cadre = await session.get(Cadre, r.cadre_id, with_for_update=True)
    before = events.cadre_payload(cadre)
    if r.kind == "OUT":
        cadre.status = "LEFT"
        await profile.close_posting(session, cadre.id, r.effective_date)
        await _vacate_head(session, agencies[r.from_agency_id], cadre.id)
        await outbox.emit(
            session,
            events.CADRE_LEFT,
            aggregate_type="Cadre",
            aggregate_id=cadre.id,
            payload={**events.cadre_payload(cadre), "effective_date": r.effective_date.isoformat()},
        )
    elif r.kind == "TRANSFER":
        to = agencies[r.to_agency_id]
        await _vacate_head(session, agencies[r.from_agency_id], cadre.id)
        if to.township_id != cadre.township_id:
            cadre.posted_on = r.effective_date
        cadre.agency_id, cadre.township_id, cadre.is_enforcement = to.id, to.township_id, to.is_enforcement
        await profile.close_posting(session, cadre.id, r.effective_date)
        await profile.open_posting(session, cadre, r.effective_date)
        await outbox.emit(
            session,
            events.CADRE_MOVED,
            aggregate_type="Cadre",
            aggregate_id=cadre.id,
            payload={**events.cadre_payload(cadre), "from": before, "effective_date": r.effective_date.isoformat()},
        )
    elif r.kind == "HEAD_CHANGE":
        previous = agencies[r.to_agency_id].head_cadre_id
        if previous and previous != cadre.id:
            await profile.set_role(session, previous, "MEMBER")
        agencies[r.to_agency_id].head_cadre_id = cadre.id
        await profile.set_role(session, cadre.id, "HEAD")
        await outbox.emit(
            session,
            events.AGENCY_HEAD_CHANGED,
            aggregate_type="Agency",
            aggregate_id=r.to_agency_id,
            payload={
                "agency_id": str(r.to_agency_id),
                "head_cadre_id": str(cadre.id),
                "previous_head_cadre_id": str(previous) if previous else None,
            },
        )
    await audit.record(
        session,
        actor=principal,
        action=f"cadre.{r.kind.lower()}",
        entity_type="Cadre",
        entity_id=cadre.id,
        before=before,
        after=events.cadre_payload(cadre),
        reason=r.reason,
    )


async def _vacate_head(session: AsyncSession, agency: Agency, cadre_id: uuid.UUID) -> None:
    """The sitting head leaves the agency: the seat is empty, and the services that follow the
    roster (identity's role bindings, assessment's reviews) are told."""
    if agency.head_cadre_id != cadre_id:
        return
    agency.head_cadre_id = None
    await outbox.emit(
        session,
        events.AGENCY_HEAD_CHANGED,
        aggregate_type="Agency",
        aggregate_id=agency.id,
        payload={"agency_id": str(agency.id), "head_cadre_id": None, "previous_head_cadre_id": str(cadre_id)},
    )


async def announce(session: AsyncSession, rows: list[Adjustment]) -> None:
    """Publish where the batch stands, in the transaction that moved it (``adjustment.batch_changed``):
    the actionable steps and who takes each — what the notifications service turns into 待办."""
    reviews = await _reviews(session, rows[0].batch_id)
    status = "SUBMITTED" if any(r.status == "SUBMITTED" for r in rows) else rows[0].status
    if any(r.status == "REJECTED" for r in rows):
        status = "REJECTED"
    waiting: list[dict] = []
    if status == "SUBMITTED":
        if any(r.org_review is None for r in rows):
            waiting.append({"step": "ORG_REVIEW", "role": "ORG_DEPARTMENT"})
        else:
            asked = {opinion_agency_id(r) for r in rows if r.township_opinion_needed and r.township_opinion is None}
            agencies = await _agencies(session, {a for a in asked if a})
            waiting += [
                {"step": "TOWNSHIP_OPINION", "role": "TOWNSHIP_ADMIN", "township_id": str(t)}
                for t in sorted({a.township_id for a in agencies.values()}, key=str)
            ]
            if any(r.township_opinion == "DISAGREE" and r.opinion_answer is None for r in rows):
                waiting.append({"step": "OPINION_ANSWER", "role": "ORG_DEPARTMENT"})
            for v in reviews:
                if v.decision is None:
                    party, _, township = v.party.partition(":")
                    waiting.append(
                        {"step": "THREE_PARTY_REVIEW", "role": "TOWNSHIP_ADMIN", "township_id": township}
                        if township
                        else {"step": "THREE_PARTY_REVIEW", "role": party}
                    )
    elif status == "APPROVED":
        waiting.append({"step": "MAKE_EFFECTIVE", "role": "DEPARTMENT_ADMIN"})
    await outbox.emit(
        session,
        events.ADJUSTMENT_BATCH_CHANGED,
        aggregate_type="AdjustmentBatch",
        aggregate_id=rows[0].batch_id,
        payload={
            "department_id": str(rows[0].department_id),
            "status": status,
            "kinds": sorted({r.kind for r in rows}),
            "effective_date": rows[0].effective_date.isoformat(),
            "waiting": waiting,
        },
    )


def pending_steps(rows: list[Adjustment], reviews: list[ReshuffleReview]) -> list[str]:
    steps = []
    if any(r.org_review is None for r in rows):
        steps.append("ORG_REVIEW")
    if any(r.township_opinion_needed and r.township_opinion is None for r in rows):
        steps.append("TOWNSHIP_OPINION")
    if any(r.township_opinion == "DISAGREE" and r.opinion_answer is None for r in rows):
        steps.append("OPINION_ANSWER")
    if reviews and any(v.decision is None for v in reviews):
        steps.append("THREE_PARTY_REVIEW")
    return steps


def snapshot(r: Adjustment) -> dict:
    return {
        "batch_id": str(r.batch_id),
        "kind": r.kind,
        "status": r.status,
        "cadre_id": str(r.cadre_id) if r.cadre_id else None,
        "from_agency_id": str(r.from_agency_id) if r.from_agency_id else None,
        "to_agency_id": str(r.to_agency_id) if r.to_agency_id else None,
        "effective_date": r.effective_date.isoformat(),
        "org_review": r.org_review,
        "township_opinion": r.township_opinion,
        "opinion_answer": r.opinion_answer,
        "replenishment": bool(r.replenishment),
        "tenure_exception": bool(r.tenure_exception_reason),
    }


async def list_adjustments(
    session: AsyncSession,
    principal: Principal,
    *,
    first: int | None,
    after: str | None,
    status: str | None = None,
    tenure_exceptions_only: bool = False,
    department_id: uuid.UUID | None = None,
    agency_id: uuid.UUID | None = None,
    cadre_id: uuid.UUID | None = None,
    year: int | None = None,
):
    size = page_size(first)
    stmt = select(Adjustment).order_by(Adjustment.requested_at.desc(), Adjustment.id.desc()).limit(size + 1)
    if (cond := policy.adjustment_visibility(principal)) is not None:
        stmt = stmt.where(cond)
    if status:
        stmt = stmt.where(Adjustment.status == status)
    if department_id:
        stmt = stmt.where(Adjustment.department_id == department_id)
    if agency_id:  # into or out of the agency
        stmt = stmt.where(or_(Adjustment.to_agency_id == agency_id, Adjustment.from_agency_id == agency_id))
    if cadre_id:
        stmt = stmt.where(Adjustment.cadre_id == cadre_id)
    if year is not None:
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise BadInput(f"年度须在 {MIN_YEAR}–{MAX_YEAR} 之间")
        start = dt.datetime(year, 1, 1, tzinfo=SHANGHAI)
        stmt = stmt.where(Adjustment.requested_at >= start, Adjustment.requested_at < start.replace(year=year + 1))
    if tenure_exceptions_only:
        # 例外报备: approved exceptions to the 2-year rule.
        stmt = stmt.where(Adjustment.tenure_exception_reason.is_not(None), Adjustment.org_review == "APPROVED")
    if key := decode_key(after, dt.datetime, uuid.UUID):
        stmt = stmt.where(tuple_(Adjustment.requested_at, Adjustment.id) < key)
    rows = (await session.scalars(stmt)).all()
    return make_page(rows, size, lambda r: (r.requested_at.isoformat(), str(r.id)))


async def batch_view(session: AsyncSession, principal: Principal, batch_id: uuid.UUID):
    stmt = select(Adjustment).where(Adjustment.batch_id == batch_id).order_by(Adjustment.requested_at, Adjustment.id)
    if (cond := policy.adjustment_visibility(principal)) is not None:
        stmt = stmt.where(cond)
    rows = list((await session.scalars(stmt)).all())
    if not rows:
        raise NotFound("调整批次不存在")
    reviews = await _reviews(session, batch_id)
    return rows, reviews, pending_steps(rows, reviews)
