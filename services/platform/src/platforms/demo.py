"""The demo's lived day on the board (``python -m platforms demo-dispatch``, run by ``make run`` once
the stationed agencies and cadres have arrived from personnel's feed): 店口镇's command centre
accepts two of the hotline's reports and dispatches one to the 司法所 (its head assigns it) and one
straight to the demo cadre (杨明 signs it); the grid worker reports the wage claim again from the
factory gate and the centre marks it a duplicate — through the rule module, as each would, so the
agency head's, the cadre's and the grid worker's 待办 are not empty on their first login."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.principal import ROLE_SCOPE, Principal, Role, RoleBinding

from . import dispatch
from .models import GridEvent, StationedCadre, Unit

DEMO_CADRE = uuid.UUID("86d41125-d5d8-5de2-b0dd-8c0f570851f7")  # 杨明, 店口镇司法所 (demo/identities.json)
DEMO_GRID_WORKER = "4f1c2a9e-6b3d-5e8f-9a17-2c5d8e0b7f31"  # diankou-grid's account (demo/identities.json)


def _centre(township_id: uuid.UUID) -> Principal:
    binding = RoleBinding(Role.COMMAND_CENTRE, ROLE_SCOPE[Role.COMMAND_CENTRE], str(township_id))
    return Principal(subject="demo-seed", kind="user", client_id="demo", token_id="demo", bindings=(binding,))


async def dispatch_some(session: AsyncSession) -> dict:
    cadre = await session.get(StationedCadre, DEMO_CADRE)
    if cadre is None:
        return {"skipped": "the demo cadre has not arrived from personnel's feed"}
    moved = await session.scalar(
        select(func.count()).where(GridEvent.reported_by == "demo-hotline", GridEvent.state != "REPORTED")
    )
    if moved:
        return {"skipped": "the demo's reports have been handled already"}
    reports = {
        e.matter_type: e
        for e in (
            await session.scalars(
                select(GridEvent).where(GridEvent.reported_by == "demo-hotline", GridEvent.state == "REPORTED")
            )
        ).all()
    }
    dispute, wages = reports.get("NEIGHBOUR_DISPUTE"), reports.get("WAGE_ARREARS")
    unit = await session.get(Unit, cadre.agency_id)
    if dispute is None or wages is None or unit is None:
        return {"skipped": "the demo's reports or the 司法所 are not there"}
    centre = _centre(cadre.township_id)
    for event in (dispute, wages):
        await dispatch.act(session, centre, event_id=event.id, action="accept")
    # The dispute goes to the mediator himself; the wage claim to the 司法所, whose head assigns it.
    await dispatch.act(session, centre, event_id=dispute.id, action="dispatch", assignee_cadre_id=cadre.cadre_id)
    await dispatch.act(session, centre, event_id=wages.id, action="dispatch", lead_unit_id=unit.id)
    binding = RoleBinding(Role.GRID_WORKER, ROLE_SCOPE[Role.GRID_WORKER], str(cadre.township_id))
    worker = Principal(subject=DEMO_GRID_WORKER, kind="user", client_id="demo", token_id="demo", bindings=(binding,))
    again, _ = await dispatch.report(
        session,
        worker,
        township_id=cadre.township_id,
        matter_type="WAGE_ARREARS",
        priority="HIGH",
        description="五金厂门口工人聚集讨薪",
        location=wages.location,
        grid_id=wages.grid_id,
    )
    await dispatch.act(session, centre, event_id=again.id, action="mark_duplicate", duplicate_of=wages.id)
    return {"to_cadre": str(dispute.id), "to_unit": str(wages.id), "duplicate": str(again.id)}


async def wait_for_cadre(session_factory, timeout: float = 90.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        async with session_factory() as session:
            if await session.get(StationedCadre, DEMO_CADRE) is not None and await session.scalar(
                select(func.count()).select_from(Unit).where(Unit.kind == "AGENCY")
            ):
                return
        await asyncio.sleep(0.5)
    raise TimeoutError("the stationed cadres did not arrive")
