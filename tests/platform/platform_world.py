"""Platform against a real PostgreSQL database; the stationed-cadre projection is fed through the
real handler of personnel's events. Each test runs in a rolled-back transaction."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from servicekit import db, migrations
from servicekit.principal import ROLE_SCOPE, Principal, Role, RoleBinding

from dbutil import rolled_back
from devstack import ROOT
from platforms.config import PlatformSettings
from platforms.events import apply_cadre

TOWN, OTHER_TOWN = uuid.UUID(int=200), uuid.UUID(int=201)
MEDIATOR, CITY_OFFICER, ELSEWHERE = uuid.UUID(int=1), uuid.UUID(int=2), uuid.UUID(int=3)


@pytest.fixture(scope="session")
async def platform_settings(database_url, run_prefix) -> PlatformSettings:
    settings = PlatformSettings(database_url=database_url, db_prefix=f"{run_prefix}pl_", log_json=False)
    migrations.upgrade(ROOT / "services" / "platform", settings)
    engine = db.make_async_engine(settings)
    async with db.make_sessionmaker(engine)() as session, session.begin():
        for cadre, town, line in ((MEDIATOR, TOWN, "人民调解"), (CITY_OFFICER, TOWN, "城市管理"),
                                  (ELSEWHERE, OTHER_TOWN, "人民调解")):
            await apply_cadre(session, {"type": "cadre.stationed", "payload": {
                "cadre_id": str(cadre), "name": "x", "department_id": str(uuid.UUID(int=100)), "township_id": str(town),
                "agency_id": str(uuid.UUID(int=300)), "professional_line": line, "is_enforcement": False,
                "status": "IN_POST", "posted_on": dt.date(2022, 1, 1).isoformat()}})
    await engine.dispose()
    return settings


@pytest.fixture
async def session(platform_settings):
    async with rolled_back(platform_settings) as s:
        yield s


def person(role: Role, scope_id) -> Principal:
    return Principal(subject=f"u-{role.value.lower()}-{scope_id}", kind="user", client_id="w", token_id="t",
                     bindings=(RoleBinding(role, ROLE_SCOPE[role], str(scope_id)),), scopes=frozenset({"api"}))


CENTRE = person(Role.COMMAND_CENTRE, TOWN)
GRID = person(Role.GRID_WORKER, TOWN)
SYSTEM = Principal(subject="sfj-system", kind="service", client_id="sfj-system", token_id="t",
                   scopes=frozenset({"events:report"}))
