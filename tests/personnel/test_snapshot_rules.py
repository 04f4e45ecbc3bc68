"""清单式锁定: lock the roster for a period and compare the live roster with it."""

from __future__ import annotations

import pytest
from personnel_world import DEPT, ORG_DEPT, STAFFING, TOWN, cadre_in, dept_admin, other_agency_with_room, township_admin
from sqlalchemy import select

from personnel import adjustments as adj
from personnel import snapshots
from personnel.adjustments import Item
from personnel.calendar import today
from personnel.models import Cadre
from servicekit.errors import Forbidden, RuleViolation


async def test_a_locked_roster_matches_the_live_one_until_something_changes(session):
    snap = await snapshots.lock(session, STAFFING, period="2026-Q4", note="年末锁定")
    assert (snap.in_post, snap.quota) == (566, 597)
    diff = await snapshots.compare(session, STAFFING, snap.id)
    assert (diff.arrived, diff.departed, diff.moved, diff.quota_changes) == ([], [], [], [])
    cadre = await cadre_in(session, "sfj", min_years=2.5)
    origin = cadre.agency_id
    to = await other_agency_with_room(session, "sfj", cadre)
    rows = await adj.submit(
        session,
        dept_admin("sfj"),
        department_id=DEPT["sfj"],
        effective_date=today(),
        reason="交流",
        items=[Item("TRANSFER", cadre_id=cadre.id, from_agency_id=origin, to_agency_id=to)],
    )
    await adj.org_review(session, ORG_DEPT, batch_id=rows[0].batch_id, approve=True, note=None)
    await adj.make_effective(session, ORG_DEPT, batch_id=rows[0].batch_id)
    diff = await snapshots.compare(session, STAFFING, snap.id)
    assert diff.moved == [(cadre.id, origin, to)] and diff.arrived == [] and diff.departed == []


async def test_rule_period_already_locked(session):
    await snapshots.lock(session, STAFFING, period="2026", note=None)
    with pytest.raises(RuleViolation) as err:
        await snapshots.lock(session, STAFFING, period="2026", note=None)
    assert err.value.rule == "PERIOD_ALREADY_LOCKED"


@pytest.mark.parametrize("who", [ORG_DEPT, dept_admin("sfj"), township_admin("diankou")])
async def test_only_the_staffing_office_locks(session, who):
    with pytest.raises(Forbidden):
        await snapshots.lock(session, who, period="2026-H2", note=None)


async def test_a_township_compares_only_its_own_people(session):
    """One person leaves 店口镇 and one 枫桥镇 after the lock: 店口镇 sees its own departure only;
    the staffing office sees both."""
    snap = await snapshots.lock(session, STAFFING, period="2026-11", note=None)
    leaving = {}
    for town in ("diankou", "fengqiao"):
        cadre = (
            await session.scalars(
                select(Cadre)
                .where(Cadre.township_id == TOWN[town], Cadre.status == "IN_POST")
                .order_by(Cadre.id)
                .limit(1)
            )
        ).one()
        cadre.status = "LEFT"
        leaving[town] = cadre.id
    await session.flush()
    diff = await snapshots.compare(session, township_admin("diankou"), snap.id)
    assert diff.departed == [leaving["diankou"]] and diff.arrived == []
    county = await snapshots.compare(session, STAFFING, snap.id)
    assert sorted(county.departed) == sorted(leaving.values())
