"""The township's set-up: units on platforms, grids and members, team visits, posts (定岗定责定人)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from platform_world import (
    ADMIN,
    CENTRE,
    CITY_OFFICER,
    ELSEWHERE,
    GRID,
    JUSTICE,
    MEDIATOR,
    MEDIATOR_2,
    SFS,
    SQUAD,
    TOWN,
    person,
)
from sqlalchemy import func, select

from platforms import org
from platforms.models import GridMember, Post, PostHolder, TeamVisit, Unit
from servicekit.calendar import today
from servicekit.errors import BadInput, Conflict, Forbidden, RuleViolation
from servicekit.principal import Role


async def test_a_township_adds_its_office_to_a_platform_and_seats_agencies(session):
    office = await org.create_office(
        session, ADMIN, township_id=TOWN, name="综治办", platform_code="SAFETY_RULE_OF_LAW"
    )
    await org.attach_unit(session, ADMIN, unit_id=SFS, platform_code="SAFETY_RULE_OF_LAW")
    units = await org.list_units(session, CENTRE, TOWN)
    assert {(u.name, u.kind, u.platform_code) for u in units} >= {
        ("综治办", "OFFICE", "SAFETY_RULE_OF_LAW"),
        ("店口司法所", "AGENCY", "SAFETY_RULE_OF_LAW"),
    }
    with pytest.raises(BadInput):
        await org.attach_unit(session, ADMIN, unit_id=office.id, platform_code="NO_SUCH_PLATFORM")
    with pytest.raises(Forbidden):  # the department does not seat its agency; the township does
        await org.attach_unit(
            session, person(Role.DEPARTMENT_ADMIN, JUSTICE), unit_id=SFS, platform_code="PUBLIC_SERVICE"
        )


async def test_rule_member_not_in_township(session):
    grid = await org.create_grid(session, ADMIN, township_id=TOWN, code="DK-01", name="店口一网格", village="店口村")
    await org.add_member(session, ADMIN, grid_id=grid.id, kind="CADRE", cadre_id=MEDIATOR, name=None, duty="MEMBER")
    await org.add_member(
        session, ADMIN, grid_id=grid.id, kind="GRID_WORKER", cadre_id=None, name="王网格", duty="MEMBER"
    )
    with pytest.raises(RuleViolation) as err:
        await org.add_member(
            session, ADMIN, grid_id=grid.id, kind="CADRE", cadre_id=ELSEWHERE, name=None, duty="MEMBER"
        )
    assert err.value.rule == "MEMBER_NOT_IN_TOWNSHIP"
    with pytest.raises(Conflict):
        await org.add_member(session, ADMIN, grid_id=grid.id, kind="CADRE", cadre_id=MEDIATOR, name=None, duty="LEADER")
    with pytest.raises(Conflict):
        await org.create_grid(session, ADMIN, township_id=TOWN, code="DK-01", name="重复", village=None)
    assert await session.scalar(select(func.count()).select_from(GridMember)) == 2


async def test_rule_visit_in_future_and_visits_are_read_by_both_sides(session):
    grid = await org.create_grid(session, ADMIN, township_id=TOWN, code="DK-02", name="店口二网格", village=None)
    with pytest.raises(RuleViolation) as err:
        await org.log_visit(
            session,
            GRID,
            grid_id=grid.id,
            visited_on=today() + dt.timedelta(days=1),
            place="x村",
            findings="x",
            cadre_ids=[MEDIATOR],
            staff_names=[],
        )
    assert err.value.rule == "VISIT_IN_FUTURE"
    with pytest.raises(RuleViolation) as err:
        await org.log_visit(
            session,
            GRID,
            grid_id=grid.id,
            visited_on=today(),
            place="x村",
            findings="x",
            cadre_ids=[ELSEWHERE],
            staff_names=[],
        )
    assert err.value.rule == "MEMBER_NOT_IN_TOWNSHIP"
    await org.log_visit(
        session,
        GRID,
        grid_id=grid.id,
        visited_on=today(),
        place="店口村3组",
        findings="独居老人家中电线老化",
        cadre_ids=[MEDIATOR, CITY_OFFICER],
        staff_names=["李乡干"],
    )
    assert await session.scalar(select(func.count()).select_from(TeamVisit)) == 1
    # The justice bureau sees the visit its mediator joined; the enforcement cadre sees it as their own.
    seen = await org.list_visits(
        session, person(Role.DEPARTMENT_ADMIN, JUSTICE), township_id=None, cadre_id=None, first=10, after=None
    )
    assert len(seen.items) == 1
    mine = await org.list_visits(
        session, person(Role.CADRE, MEDIATOR_2), township_id=None, cadre_id=None, first=10, after=None
    )
    assert mine.items == []


async def test_rule_holder_not_in_unit(session):
    post = await org.create_post(session, ADMIN, unit_id=SFS, name="矛盾纠纷调处岗")
    await org.set_duties(session, ADMIN, post_id=post.id, duties=[("NEIGHBOUR_DISPUTE", "邻里纠纷调解")])
    with pytest.raises(RuleViolation) as err:
        await org.set_holders(session, ADMIN, post_id=post.id, cadre_ids=[CITY_OFFICER])
    assert err.value.rule == "HOLDER_NOT_IN_UNIT"
    await org.set_holders(session, ADMIN, post_id=post.id, cadre_ids=[MEDIATOR])
    # A township office's post may be held by any stationed cadre of the township.
    office = await org.create_office(session, ADMIN, township_id=TOWN, name="综治办", platform_code=None)
    joint = await org.create_post(session, ADMIN, unit_id=office.id, name="联合执法岗")
    await org.set_holders(session, ADMIN, post_id=joint.id, cadre_ids=[CITY_OFFICER, MEDIATOR_2])
    assert await session.scalar(select(func.count()).select_from(PostHolder)) == 3
    with pytest.raises(BadInput):
        await org.set_duties(session, ADMIN, post_id=post.id, duties=[("NO_SUCH_MATTER", None)])
    with pytest.raises(Forbidden):
        await org.create_post(session, CENTRE, unit_id=SQUAD, name="x")
    assert await session.scalar(select(func.count()).select_from(Post)) == 2
    assert (await session.get(Unit, SQUAD)).kind == "AGENCY"


async def test_unknown_grid_and_unit_are_not_found(session):
    from servicekit.errors import NotFound

    with pytest.raises(NotFound):
        await org.create_post(session, ADMIN, unit_id=uuid.uuid4(), name="x")
    with pytest.raises(NotFound):
        await org.log_visit(
            session,
            GRID,
            grid_id=uuid.uuid4(),
            visited_on=today(),
            place="x",
            findings="x",
            cadre_ids=[MEDIATOR],
            staff_names=[],
        )
