"""The demo's open work (``python -m personnel demo-open-work``, run by ``make run`` after start):
through the rule modules, as each office would — 编办 sends this round of reminder notices (the
departments below quota must answer), 司法局 submits a replenishment that waits for 组织部's review,
and two head changes wait for their township's opinion (店口镇, 枫桥镇). So the staffing office's,
组织部's, the departments' and the townships' 待办 are not empty on their first login; and 综合执法局 asks 编办 to
move a place between two of its agencies."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.principal import ROLE_SCOPE, Principal, Role, RoleBinding

from . import adjustments, quotas, reminders, vacancies
from .adjustments import Item
from .calendar import today
from .models import Adjustment, Agency, Cadre, Department, Township

ACTOR = "demo-seed"


def _as(role: Role, scope: uuid.UUID | None = None) -> Principal:
    binding = RoleBinding(role, ROLE_SCOPE[role], str(scope) if scope else None)
    return Principal(subject=ACTOR, kind="user", client_id="demo", token_id="demo", bindings=(binding,))


async def _agency(session: AsyncSession, dept: str, town: str) -> Agency:
    return (
        await session.scalars(
            select(Agency)
            .join(Department, Department.id == Agency.department_id)
            .join(Township, Township.id == Agency.township_id)
            .where(Department.code == dept, Township.code == town)
        )
    ).one()


async def _head_change(session: AsyncSession, dept: str, town: str, when: dt.date) -> None:
    agency = await _agency(session, dept, town)
    cadre = (
        await session.scalars(
            select(Cadre)
            .where(Cadre.agency_id == agency.id, Cadre.status == "IN_POST", Cadre.id != agency.head_cadre_id)
            .order_by(Cadre.posted_on, Cadre.id)
        )
    ).first()
    rows = await adjustments.submit(
        session,
        _as(Role.DEPARTMENT_ADMIN, agency.department_id),
        department_id=agency.department_id,
        effective_date=when,
        reason="负责人届满调整",
        items=[Item("HEAD_CHANGE", cadre_id=cadre.id, to_agency_id=agency.id)],
    )
    await adjustments.org_review(
        session, _as(Role.ORG_DEPARTMENT), batch_id=rows[0].batch_id, approve=True, note="同意"
    )


async def open_work(session: AsyncSession) -> dict:
    if await session.scalar(select(func.count()).where(Adjustment.requested_by == ACTOR)):
        return {"skipped": "the demo's open work is there already"}
    soon = today() + dt.timedelta(days=14)
    _, notices = await reminders.issue(
        session, _as(Role.STAFFING_OFFICE), deadline=today() + dt.timedelta(days=30), note="请于期限内按员额补齐"
    )
    sfj = (await session.scalars(select(Department).where(Department.code == "sfj"))).one()
    agency_ids = (await session.scalars(select(Agency.id).where(Agency.department_id == sfj.id))).all()
    occupancy = await vacancies.occupancy(session, list(agency_ids))
    room = next(o.agency_id for o in sorted(occupancy.values(), key=lambda o: str(o.agency_id)) if o.available > 0)
    await adjustments.submit(
        session,
        _as(Role.DEPARTMENT_ADMIN, sfj.id),
        department_id=sfj.id,
        effective_date=soon,
        reason="补员",
        items=[
            Item(
                "IN",
                to_agency_id=room,
                newcomer={
                    "name": "沈若溪",
                    "birth_date": "1995-04-12",
                    "professional_line": "人民调解",
                    "gender": "FEMALE",
                },
            )
        ],
    )
    await _head_change(session, "zhzfj", "diankou", soon)
    await _head_change(session, "sfj", "fengqiao", soon)
    # 综合执法局 asks to move a place between two of its agencies: 编办 decides.
    zhzfj = (await session.scalars(select(Department).where(Department.code == "zhzfj"))).one()
    ids = (await session.scalars(select(Agency.id).where(Agency.department_id == zhzfj.id))).all()
    room = sorted((o for o in (await vacancies.occupancy(session, list(ids))).values()), key=lambda o: str(o.agency_id))
    give = next(o for o in room if o.available > 0)
    take = next(o for o in room if o.agency_id != give.agency_id)
    await quotas.propose(
        session,
        _as(Role.DEPARTMENT_ADMIN, zhzfj.id),
        department_id=zhzfj.id,
        new_total=None,
        agency_quotas={give.agency_id: give.quota - 1, take.agency_id: take.quota + 1},
        reason="按执法任务量调剂员额",
    )
    return {
        "reminder_notices": len(notices),
        "replenishment": 1,
        "head_changes_awaiting_township": 2,
        "quota_requests": 1,
    }
