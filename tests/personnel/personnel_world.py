"""Personnel rules against a real PostgreSQL database holding the demo data (the field report's
6 departments, 12 townships, 72 agencies, 566 people). Each test runs in a transaction that is
rolled back, so tests never see each other's changes."""

from __future__ import annotations

import json
import uuid

import pytest
from dbutil import rolled_back
from devstack import ROOT
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker as sync_sessionmaker

from personnel import seed
from personnel.calendar import today
from personnel.config import PersonnelSettings
from personnel.models import Cadre
from servicekit import db, migrations
from servicekit.principal import Principal, Role, RoleBinding

ORG = json.loads((ROOT / "demo" / "org.json").read_text(encoding="utf-8"))
NS = uuid.UUID(ORG["namespace"])
DEPT = {d["code"]: uuid.UUID(d["id"]) for d in ORG["departments"]}
TOWN = {t["code"]: uuid.UUID(t["id"]) for t in ORG["townships"]}


def agency_id(dept: str, town: str) -> uuid.UUID:
    return uuid.uuid5(NS, f"agency:{dept}:{town}")


@pytest.fixture(scope="session")
def personnel_settings(database_url, run_prefix) -> PersonnelSettings:
    settings = PersonnelSettings(database_url=database_url, db_prefix=f"{run_prefix}p_", log_json=False)
    migrations.upgrade(ROOT / "services" / "personnel", settings)
    engine = db.make_sync_engine(settings)
    with sync_sessionmaker(engine)() as session, session.begin():
        seed.seed_demo(session, settings)
    engine.dispose()
    return settings


@pytest.fixture
async def session(personnel_settings):
    async with rolled_back(personnel_settings) as s:
        yield s


def person(role: Role, scope_id: uuid.UUID | str | None = None, subject: str = "u") -> Principal:
    from servicekit.principal import ROLE_SCOPE

    return Principal(
        subject=f"{subject}-{role.value.lower()}",
        kind="user",
        client_id="county-web",
        token_id="t",
        bindings=(RoleBinding(role, ROLE_SCOPE[role], str(scope_id) if scope_id else None),),
        scopes=frozenset({"api"}),
    )


STAFFING = person(Role.STAFFING_OFFICE)
ORG_DEPT = person(Role.ORG_DEPARTMENT)
LEADER = person(Role.LEADERSHIP)


def dept_admin(code: str) -> Principal:
    return person(Role.DEPARTMENT_ADMIN, DEPT[code])


def township_admin(code: str) -> Principal:
    return person(Role.TOWNSHIP_ADMIN, TOWN[code])


async def with_room(session, dept: str, exclude: set | None = None) -> list:
    """Agencies of a department with at least one available place, most room first."""
    from sqlalchemy import select

    from personnel import vacancies
    from personnel.models import Agency

    ids = (await session.scalars(select(Agency.id).where(Agency.department_id == DEPT[dept]))).all()
    occ = await vacancies.occupancy(session, list(ids))
    return [
        o.agency_id
        for o in sorted(occ.values(), key=lambda o: (-o.available, str(o.agency_id)))
        if o.available > 0 and o.agency_id not in (exclude or set())
    ]


async def cadre_in(
    session, dept: str, *, min_years: float | None = None, max_years: float | None = None, exclude=()
) -> Cadre:
    stmt = select(Cadre).where(Cadre.department_id == DEPT[dept], Cadre.status == "IN_POST").order_by(Cadre.id)
    for c in (await session.scalars(stmt)).all():
        years = (today() - c.posted_on).days / 365.2425
        if c.id in exclude or (min_years and years < min_years) or (max_years and years > max_years):
            continue
        return c
    raise AssertionError("no such cadre in the demo data")


async def other_agency_with_room(session, dept: str, cadre: Cadre):
    return next(a for a in await with_room(session, dept) if a != cadre.agency_id)


async def shift_one_place(session, dept: str) -> tuple[uuid.UUID, uuid.UUID]:
    """(grow, shrink): two of a department's agencies, the second with a place to give the first."""
    shrink = (await with_room(session, dept))[0]
    grow = next(a for a in (agency_id(dept, "diankou"), agency_id(dept, "fengqiao")) if a != shrink)
    return grow, shrink
