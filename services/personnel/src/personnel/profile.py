"""The cadre's file: postings history, and the fields each side of dual management keeps.

- The township (属地) keeps daily management: whether the person is in post, on leave or
  seconded, and the contact phone.
- The department keeps the professional side: line, rank, education, enforcement certificate.
Leaving the stationed post happens only through an adjustment (``LEFT_ONLY_BY_ADJUSTMENT``).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

from sqlalchemy import select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import audit, db, outbox
from servicekit.errors import BadInput, Forbidden, RuleViolation
from servicekit.pagination import Page, decode_key, make_page, page_size
from servicekit.principal import Principal, Role

from . import events
from .calendar import today
from .models import Cadre, Posting

DAILY_STATUSES = ("IN_POST", "ON_LEAVE", "SECONDED")
POLITICAL = ("中共党员", "中共预备党员", "共青团员", "民主党派", "群众")
EDUCATION = ("研究生", "大学本科", "大学专科", "中专", "高中及以下")
PHONE = re.compile(r"^1\d{10}$")


async def open_posting(session: AsyncSession, cadre: Cadre, start: dt.date, role: str = "MEMBER") -> None:
    session.add(
        Posting(
            cadre_id=cadre.id, agency_id=cadre.agency_id, township_id=cadre.township_id, role=role, start_date=start
        )
    )


async def close_posting(session: AsyncSession, cadre_id: uuid.UUID, end: dt.date) -> None:
    await session.execute(
        update(Posting).where(Posting.cadre_id == cadre_id, Posting.end_date.is_(None)).values(end_date=end)
    )


async def set_role(session: AsyncSession, cadre_id: uuid.UUID, role: str) -> None:
    await session.execute(
        update(Posting).where(Posting.cadre_id == cadre_id, Posting.end_date.is_(None)).values(role=role)
    )


def _snapshot(c: Cadre) -> dict:
    return {
        "status": c.status,
        "phone": c.phone,
        "professional_line": c.professional_line,
        "rank": c.rank,
        "education": c.education,
        "political_status": c.political_status,
        "enforcement_cert_no": c.enforcement_cert_no,
        "enforcement_cert_expiry": c.enforcement_cert_expiry.isoformat() if c.enforcement_cert_expiry else None,
    }


async def _cadre(session: AsyncSession, cadre_id: uuid.UUID) -> Cadre:
    cadre = await db.get_for_update(session, Cadre, cadre_id, missing="人员不存在")
    return cadre


async def update_daily(
    session: AsyncSession,
    principal: Principal,
    *,
    cadre_id: uuid.UUID,
    status: str | None,
    phone: str | None,
    political_status: str | None,
    reason: str | None,
) -> Cadre:
    cadre = await _cadre(session, cadre_id)
    if principal.is_service or not principal.has_role(Role.TOWNSHIP_ADMIN, str(cadre.township_id)):
        raise Forbidden("日常管理信息由所在乡镇(街道)维护")
    if cadre.status == "LEFT":
        raise RuleViolation("LEFT_ONLY_BY_ADJUSTMENT", "该人员已离开派驻岗位")
    if status is not None and status not in DAILY_STATUSES:
        if status == "LEFT":
            raise RuleViolation("LEFT_ONLY_BY_ADJUSTMENT", "离开派驻岗位须经人事调整", detail="use an OUT adjustment")
        raise BadInput(f"状态须为 {', '.join(DAILY_STATUSES)}")
    if phone is not None and not PHONE.match(phone):
        raise BadInput("手机号应为11位")
    if political_status is not None and political_status not in POLITICAL:
        raise BadInput(f"政治面貌须为 {'、'.join(POLITICAL)}")
    before = _snapshot(cadre)
    cadre.status = status or cadre.status
    cadre.phone = phone or cadre.phone
    # Party membership moves to the township (双重管理, 属地为主), so the township keeps it.
    cadre.political_status = political_status or cadre.political_status
    return await _saved(session, principal, cadre, before, "cadre.daily_update", reason)


async def update_professional(
    session: AsyncSession,
    principal: Principal,
    *,
    cadre_id: uuid.UUID,
    professional_line: str | None,
    rank: str | None,
    education: str | None,
    enforcement_cert_no: str | None,
    enforcement_cert_expiry: dt.date | None,
    reason: str | None,
) -> Cadre:
    cadre = await _cadre(session, cadre_id)
    if principal.is_service or not principal.has_role(Role.DEPARTMENT_ADMIN, str(cadre.department_id)):
        raise Forbidden("业务信息由派驻部门维护")
    if education is not None and education not in EDUCATION:
        raise BadInput(f"学历须为 {'、'.join(EDUCATION)}")
    if professional_line is not None and not professional_line.strip():
        raise BadInput("业务条线不能为空")
    if enforcement_cert_expiry is not None and enforcement_cert_no is None and cadre.enforcement_cert_no is None:
        raise BadInput("请先填写执法证号")
    before = _snapshot(cadre)
    cadre.professional_line = (professional_line or cadre.professional_line).strip()
    cadre.rank = rank or cadre.rank
    cadre.education = education or cadre.education
    cadre.enforcement_cert_no = enforcement_cert_no or cadre.enforcement_cert_no
    cadre.enforcement_cert_expiry = enforcement_cert_expiry or cadre.enforcement_cert_expiry
    return await _saved(session, principal, cadre, before, "cadre.professional_update", reason)


async def _saved(session, principal, cadre, before, action, reason) -> Cadre:
    after = _snapshot(cadre)
    if after == before:
        raise BadInput("没有需要修改的内容")
    await session.flush()
    await outbox.emit(
        session,
        events.CADRE_UPDATED,
        aggregate_type="Cadre",
        aggregate_id=cadre.id,
        payload=events.cadre_payload(cadre),
    )
    await audit.record(
        session,
        actor=principal,
        action=action,
        entity_type="Cadre",
        entity_id=cadre.id,
        before=before,
        after=after,
        reason=reason,
    )
    return cadre


async def postings_for(session: AsyncSession, cadre_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Posting]]:
    rows = (
        await session.scalars(
            select(Posting).where(Posting.cadre_id.in_(cadre_ids)).order_by(Posting.start_date.desc())
        )
    ).all()
    out: dict[uuid.UUID, list[Posting]] = {i: [] for i in cadre_ids}
    for r in rows:
        out[r.cadre_id].append(r)
    return out


async def expiring_certificates(
    session: AsyncSession, visible, within_days: int, *, first: int | None = None, after: str | None = None
) -> Page[Cadre]:
    if within_days < 0 or within_days > 366:
        raise BadInput("天数须在 0 到 366 之间")
    size = page_size(first)
    stmt = (
        select(Cadre)
        .where(
            Cadre.status.in_(DAILY_STATUSES),
            Cadre.enforcement_cert_expiry.is_not(None),
            Cadre.enforcement_cert_expiry <= today() + dt.timedelta(days=within_days),
        )
        .order_by(Cadre.enforcement_cert_expiry, Cadre.id)
        .limit(size + 1)
    )
    if visible is not None:
        stmt = stmt.where(visible)
    if key := decode_key(after, dt.date, uuid.UUID):
        stmt = stmt.where(tuple_(Cadre.enforcement_cert_expiry, Cadre.id) > key)
    rows = (await session.scalars(stmt)).all()
    return make_page(rows, size, lambda c: (c.enforcement_cert_expiry.isoformat(), str(c.id)))
