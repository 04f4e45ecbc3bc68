"""优化派驻模式: regions (1+X, 大镇带小乡). The staffing office groups satellite townships around
a hub; the department's agency in the hub becomes the regional agency serving them. Moving
places into the hub is a quota change request flagged ``reorganisation`` (the total sent down
may not fall: ``REORGANISATION_LOWERS_TOTAL`` in quotas.py).

Rules: ``TOWNSHIP_ALREADY_IN_REGION`` (a township belongs to one region), ``HUB_IS_SATELLITE``.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import audit, outbox
from servicekit.errors import BadInput, Conflict, Forbidden, NotFound, RuleViolation
from servicekit.principal import Principal, Role

from . import events
from .models import Agency, Region, RegionSatellite, Township

MODELS = ("ONE_PLUS_X", "BIG_TOWN_LEADS_SMALL")


async def create(
    session: AsyncSession,
    principal: Principal,
    *,
    name: str,
    model: str,
    hub_township_id: uuid.UUID,
    satellite_ids: list[uuid.UUID],
    reason: str | None,
) -> Region:
    if principal.is_service or not principal.has_role(Role.STAFFING_OFFICE):
        raise Forbidden("派驻模式由编办确定")
    if model not in MODELS:
        raise BadInput(f"模式须为 {', '.join(MODELS)}")
    if not name.strip() or not satellite_ids:
        raise BadInput("请填写片区名称和所带乡镇")
    if hub_township_id in satellite_ids:
        raise RuleViolation("HUB_IS_SATELLITE", "中心镇不能同时是被带乡镇")
    ids = {hub_township_id, *satellite_ids}
    found = set((await session.scalars(select(Township.id).where(Township.id.in_(ids)))).all())
    if found != ids:
        raise NotFound("乡镇不存在", detail=f"unknown {sorted(map(str, ids - found))}")
    taken = set(
        (await session.scalars(select(RegionSatellite.township_id).where(RegionSatellite.township_id.in_(ids)))).all()
    )
    hubs = set(
        (await session.scalars(select(Region.hub_township_id).where(Region.hub_township_id.in_(satellite_ids)))).all()
    )
    if taken or hubs:
        raise RuleViolation(
            "TOWNSHIP_ALREADY_IN_REGION", "乡镇已属于其他片区", detail=f"{sorted(map(str, taken | hubs))}"
        )
    if await session.scalar(select(Region.id).where(Region.name == name.strip())):
        raise Conflict("片区名称已存在")
    region = Region(name=name.strip(), model=model, hub_township_id=hub_township_id, created_by=principal.subject)
    session.add(region)
    await session.flush()
    session.add_all([RegionSatellite(region_id=region.id, township_id=t) for t in satellite_ids])
    # Every agency in the hub becomes its department's regional agency.
    await session.execute(update(Agency).where(Agency.township_id == hub_township_id).values(region_id=region.id))
    await outbox.emit(
        session,
        events.REGION_CREATED,
        aggregate_type="Region",
        aggregate_id=region.id,
        payload={
            "hub_township_id": str(hub_township_id),
            "satellites": [str(t) for t in satellite_ids],
            "model": model,
        },
    )
    await audit.record(
        session,
        actor=principal,
        action="region.create",
        entity_type="Region",
        entity_id=region.id,
        after={
            "name": region.name,
            "model": model,
            "hub": str(hub_township_id),
            "satellites": [str(t) for t in satellite_ids],
        },
        reason=reason,
    )
    return region


async def satellites(session: AsyncSession, region_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    rows = (
        await session.execute(
            select(RegionSatellite.region_id, RegionSatellite.township_id).where(
                RegionSatellite.region_id.in_(region_ids)
            )
        )
    ).all()
    out: dict[uuid.UUID, list[uuid.UUID]] = {r: [] for r in region_ids}
    for region_id, township_id in rows:
        out[region_id].append(township_id)
    return out


async def list_regions(session: AsyncSession) -> list[Region]:
    return list((await session.scalars(select(Region).order_by(Region.name))).all())
