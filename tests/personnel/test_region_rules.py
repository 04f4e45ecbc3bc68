"""优化派驻模式: regions around a hub township; the total sent down never falls."""

from __future__ import annotations

import pytest
from personnel_world import DEPT, STAFFING, TOWN, agency_id, dept_admin, with_room
from sqlalchemy import select

from personnel import quotas, regions, vacancies
from personnel.models import Agency, Department
from servicekit.errors import Forbidden, RuleViolation


async def test_a_region_makes_the_hub_agencies_regional(session):
    region = await regions.create(
        session,
        STAFFING,
        name="枫桥片区",
        model="BIG_TOWN_LEADS_SMALL",
        hub_township_id=TOWN["fengqiao"],
        satellite_ids=[TOWN["wuxie"], TOWN["tongshan"]],
        reason="小乡只有1-2人",
    )
    hub_agencies = (await session.scalars(select(Agency).where(Agency.township_id == TOWN["fengqiao"]))).all()
    assert len(hub_agencies) == 6 and {a.region_id for a in hub_agencies} == {region.id}
    assert set((await regions.satellites(session, [region.id]))[region.id]) == {TOWN["wuxie"], TOWN["tongshan"]}


async def test_rule_township_already_in_region(session):
    await regions.create(
        session,
        STAFFING,
        name="店口片区",
        model="ONE_PLUS_X",
        hub_township_id=TOWN["diankou"],
        satellite_ids=[TOWN["ciwu"]],
        reason=None,
    )
    with pytest.raises(RuleViolation) as err:
        await regions.create(
            session,
            STAFFING,
            name="牌头片区",
            model="ONE_PLUS_X",
            hub_township_id=TOWN["paitou"],
            satellite_ids=[TOWN["ciwu"]],
            reason=None,
        )
    assert err.value.rule == "TOWNSHIP_ALREADY_IN_REGION"


async def test_rule_hub_is_satellite(session):
    with pytest.raises(RuleViolation) as err:
        await regions.create(
            session,
            STAFFING,
            name="x",
            model="ONE_PLUS_X",
            hub_township_id=TOWN["caota"],
            satellite_ids=[TOWN["caota"]],
            reason=None,
        )
    assert err.value.rule == "HUB_IS_SATELLITE"


async def test_only_the_staffing_office_sets_up_regions(session):
    with pytest.raises(Forbidden):
        await regions.create(
            session,
            dept_admin("sfj"),
            name="x",
            model="ONE_PLUS_X",
            hub_township_id=TOWN["caota"],
            satellite_ids=[TOWN["wuxie"]],
            reason=None,
        )


async def test_moving_places_to_the_hub_keeps_the_total(session):
    """Satellites keep resident staff; the hub takes the places the satellites no longer need."""
    hub = agency_id("zhzfj", "fengqiao")
    # The satellite: the department's agency with the most unused places (the demo data has 31 in all).
    satellite = (await with_room(session, "zhzfj", exclude={hub}))[0]
    spare = (await vacancies.occupancy(session, [satellite]))[satellite].available
    assert spare > 0
    q = {a: (await session.get(Agency, a)).quota for a in (hub, satellite)}
    total = (await session.get(Department, DEPT["zhzfj"])).quota_total
    request = await quotas.propose(
        session,
        dept_admin("zhzfj"),
        department_id=DEPT["zhzfj"],
        new_total=total,
        agency_quotas={hub: q[hub] + spare, satellite: q[satellite] - spare},
        reason="卫星乡镇并入枫桥片区",
        reorganisation=True,
    )
    await quotas.decide(session, STAFFING, request_id=request.id, approve=True, note=None)
    after = {
        a.id: a.quota
        for a in (
            await session.scalars(
                select(Agency).where(Agency.department_id == DEPT["zhzfj"]).execution_options(populate_existing=True)
            )
        ).all()
    }
    assert (after[hub], after[satellite]) == (q[hub] + spare, q[satellite] - spare)
    assert sum(after.values()) == total == (await session.get(Department, DEPT["zhzfj"])).quota_total


async def test_rule_reorganisation_lowers_total(session):
    """Moving places out of the county's total under the name of a reorganisation is refused."""
    satellite = (await with_room(session, "zhzfj"))[0]
    spare = (await vacancies.occupancy(session, [satellite]))[satellite].available
    quota = (await session.get(Agency, satellite)).quota
    total = (await session.get(Department, DEPT["zhzfj"])).quota_total
    with pytest.raises(RuleViolation) as err:
        await quotas.propose(
            session,
            dept_admin("zhzfj"),
            department_id=DEPT["zhzfj"],
            new_total=total - spare,
            agency_quotas={satellite: quota - spare},
            reason="并入片区",
            reorganisation=True,
        )
    assert err.value.rule == "REORGANISATION_LOWERS_TOTAL"


async def test_rule_quota_changed_since_request(session):
    """Two requests against the same ledger: once one is approved, the other describes a ledger that
    no longer exists and is refused, changing nothing."""
    hub, satellite = (
        agency_id("zhzfj", "fengqiao"),
        (await with_room(session, "zhzfj", exclude={agency_id("zhzfj", "fengqiao")}))[0],
    )
    q = {a: (await session.get(Agency, a)).quota for a in (hub, satellite)}
    total = (await session.get(Department, DEPT["zhzfj"])).quota_total
    first = await quotas.propose(
        session,
        dept_admin("zhzfj"),
        department_id=DEPT["zhzfj"],
        new_total=total,
        agency_quotas={hub: q[hub] + 1, satellite: q[satellite] - 1},
        reason="一",
    )
    second = await quotas.propose(
        session,
        dept_admin("zhzfj"),
        department_id=DEPT["zhzfj"],
        new_total=total + 1,
        agency_quotas={hub: q[hub] + 1},
        reason="二",
    )
    await quotas.decide(session, STAFFING, request_id=first.id, approve=True, note=None)
    with pytest.raises(RuleViolation) as err:
        await quotas.decide(session, STAFFING, request_id=second.id, approve=True, note=None)
    assert err.value.rule == "QUOTA_CHANGED_SINCE_REQUEST"
    assert (await session.get(Department, DEPT["zhzfj"])).quota_total == total
    assert (await session.get(Agency, hub)).quota == q[hub] + 1
