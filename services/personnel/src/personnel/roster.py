"""Roster queries (plain Python): keyset pages filtered by dual-management visibility."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.ids import parse_id
from servicekit.pagination import Page, decode_key, make_page, page_size
from servicekit.principal import Principal

from . import policy
from .models import Agency, Cadre, Department, Township


@dataclass
class CadreFilter:
    department_id: str | None = None
    township_id: str | None = None
    agency_id: str | None = None
    status: str | None = None
    professional_line: str | None = None
    is_enforcement: bool | None = None
    posted_before: dt.date | None = None  # in the township since before this date (tenure)


def cadre_query(principal: Principal, filter: CadreFilter | None = None):
    """Cadres the principal may see, narrowed by the filter (no order, no limit)."""
    stmt = select(Cadre)
    visible = policy.cadre_visibility(principal)
    if visible is not None:
        stmt = stmt.where(visible)
    f = filter or CadreFilter()
    if f.department_id:
        stmt = stmt.where(Cadre.department_id == parse_id(f.department_id, "部门"))
    if f.township_id:
        stmt = stmt.where(Cadre.township_id == parse_id(f.township_id, "乡镇"))
    if f.agency_id:
        stmt = stmt.where(Cadre.agency_id == parse_id(f.agency_id, "机构"))
    if f.status:
        stmt = stmt.where(Cadre.status == f.status)
    if f.professional_line:
        stmt = stmt.where(Cadre.professional_line == f.professional_line)
    if f.is_enforcement is not None:
        stmt = stmt.where(Cadre.is_enforcement.is_(f.is_enforcement))
    if f.posted_before:
        stmt = stmt.where(Cadre.posted_on < f.posted_before)
    return stmt


async def list_cadres(
    session: AsyncSession,
    principal: Principal,
    *,
    first: int | None,
    after: str | None,
    filter: CadreFilter | None = None,
) -> Page[Cadre]:
    size = page_size(first)
    stmt = cadre_query(principal, filter).order_by(Cadre.name, Cadre.id).limit(size + 1)
    if key := decode_key(after, str, uuid.UUID):
        stmt = stmt.where(tuple_(Cadre.name, Cadre.id) > key)
    rows = (await session.scalars(stmt)).all()
    return make_page(rows, size, lambda c: (c.name, str(c.id)))


async def cadres_by_id(session: AsyncSession, principal: Principal, ids: list[uuid.UUID]) -> dict[uuid.UUID, Cadre]:
    stmt = select(Cadre).where(Cadre.id.in_(ids))
    visible = policy.cadre_visibility(principal)
    if visible is not None:
        stmt = stmt.where(visible)
    return {c.id: c for c in (await session.scalars(stmt)).all()}


async def by_ids(session: AsyncSession, model, ids: list[uuid.UUID]) -> dict:
    return {row.id: row for row in (await session.scalars(select(model).where(model.id.in_(ids)))).all()}


async def _by_code(session: AsyncSession, model, first: int | None, after: str | None) -> Page:
    size = page_size(first)
    stmt = select(model).order_by(model.code).limit(size + 1)
    if key := decode_key(after, str):
        stmt = stmt.where(model.code > key[0])
    return make_page((await session.scalars(stmt)).all(), size, lambda r: (r.code,))


async def list_departments(
    session: AsyncSession, principal: Principal, *, first: int | None = None, after: str | None = None
) -> Page[Department]:
    policy.org_reader(principal)
    return await _by_code(session, Department, first, after)


async def list_townships(
    session: AsyncSession, principal: Principal, *, first: int | None = None, after: str | None = None
) -> Page[Township]:
    policy.org_reader(principal)
    return await _by_code(session, Township, first, after)


async def list_agencies(
    session: AsyncSession,
    principal: Principal,
    *,
    first: int | None,
    after: str | None,
    township_id: str | None = None,
    department_id: str | None = None,
) -> Page[Agency]:
    policy.org_reader(principal)
    size = page_size(first)
    stmt = select(Agency).order_by(Agency.name, Agency.id).limit(size + 1)
    if township_id:
        stmt = stmt.where(Agency.township_id == parse_id(township_id, "乡镇"))
    if department_id:
        stmt = stmt.where(Agency.department_id == parse_id(department_id, "部门"))
    if key := decode_key(after, str, uuid.UUID):
        stmt = stmt.where(tuple_(Agency.name, Agency.id) > key)
    rows = (await session.scalars(stmt)).all()
    return make_page(rows, size, lambda a: (a.name, str(a.id)))


def age(birth_date: dt.date, on: dt.date | None = None) -> int:
    on = on or dt.date.today()
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def shown(value: str | None, field: str, full: bool) -> str | None:
    """A sensitive value as the caller may see it: whole for those who manage the person, masked otherwise."""
    if value is None or full:
        return value
    if field == "phone":
        return value[:3] + "****" + value[-4:]
    # Only the region code (first six): the birth date (digits 7–14) and the sequence and check
    # digits that narrow it down (with the age, the last four left ~33 candidate dates) stay hidden.
    return value[:6] + "*" * (len(value) - 6)


async def unit_names(session: AsyncSession) -> dict[uuid.UUID, str]:
    names: dict[uuid.UUID, str] = {}
    for model in (Department, Township, Agency):
        names.update(dict((await session.execute(select(model.id, model.name))).all()))
    return names


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_check_digit(first17: str) -> str:
    """GB 11643 check digit of a resident ID number."""
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]
