"""Platform against a real PostgreSQL database; the stationed-cadre projection is fed through the
real handler of personnel's events. Each test runs in a rolled-back transaction."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from dbutil import rolled_back
from devstack import ROOT

from platforms.config import PlatformSettings
from platforms.consumers import apply_cadre, apply_unit
from servicekit import db, migrations
from servicekit.principal import ROLE_SCOPE, Principal, Role, RoleBinding

TOWN, OTHER_TOWN = uuid.UUID(int=200), uuid.UUID(int=201)
JUSTICE, ENFORCEMENT = uuid.UUID(int=100), uuid.UUID(int=101)  # 司法局, 综合执法局
SFS, SQUAD, SFS_ELSEWHERE = (
    uuid.UUID(int=300),
    uuid.UUID(int=301),
    uuid.UUID(int=302),
)  # 司法所, 执法中队, 另一乡镇的司法所
MEDIATOR, CITY_OFFICER, ELSEWHERE, MEDIATOR_2 = (uuid.UUID(int=i) for i in (1, 2, 3, 4))
CADRES = {  # cadre: (township, agency, department, line)
    MEDIATOR: (TOWN, SFS, JUSTICE, "人民调解"),
    MEDIATOR_2: (TOWN, SFS, JUSTICE, "人民调解"),
    CITY_OFFICER: (TOWN, SQUAD, ENFORCEMENT, "城市管理"),
    ELSEWHERE: (OTHER_TOWN, SFS_ELSEWHERE, JUSTICE, "人民调解"),
}


async def seed_world(session) -> None:
    """The townships, agencies and cadres, fed through the real handlers of personnel's events."""
    for town, name in ((TOWN, "店口镇"), (OTHER_TOWN, "枫桥镇")):
        await apply_unit(
            session, {"type": "unit.upserted", "payload": {"id": str(town), "kind": "TOWNSHIP", "name": name}}
        )
    for agency, town, dept, name in (
        (SFS, TOWN, JUSTICE, "店口司法所"),
        (SQUAD, TOWN, ENFORCEMENT, "店口执法中队"),
        (SFS_ELSEWHERE, OTHER_TOWN, JUSTICE, "枫桥司法所"),
    ):
        await apply_unit(
            session,
            {
                "type": "unit.upserted",
                "payload": {
                    "id": str(agency),
                    "kind": "AGENCY",
                    "name": name,
                    "township_id": str(town),
                    "department_id": str(dept),
                    "head_cadre_id": None,
                },
            },
        )
    for cadre, (town, agency, dept, line) in CADRES.items():
        await apply_cadre(
            session,
            {
                "type": "cadre.stationed",
                "payload": {
                    "cadre_id": str(cadre),
                    "name": f"干部{cadre.int}",
                    "department_id": str(dept),
                    "township_id": str(town),
                    "agency_id": str(agency),
                    "professional_line": line,
                    "is_enforcement": False,
                    "status": "IN_POST",
                    "posted_on": dt.date(2022, 1, 1).isoformat(),
                },
            },
        )


@pytest.fixture(scope="session")
async def platform_settings(database_url, run_prefix) -> PlatformSettings:
    settings = PlatformSettings(database_url=database_url, db_prefix=f"{run_prefix}pl_", log_json=False)
    migrations.upgrade(ROOT / "services" / "platform", settings)
    engine = db.make_async_engine(settings)
    async with db.make_sessionmaker(engine)() as session, session.begin():
        await seed_world(session)
    await engine.dispose()
    return settings


@pytest.fixture
async def session(platform_settings):
    async with rolled_back(platform_settings) as s:
        yield s


def person(role: Role, scope_id) -> Principal:
    return Principal(
        subject=f"u-{role.value.lower()}-{scope_id}",
        kind="user",
        client_id="w",
        token_id="t",
        bindings=(RoleBinding(role, ROLE_SCOPE[role], str(scope_id)),),
        scopes=frozenset({"api"}),
    )


CENTRE = person(Role.COMMAND_CENTRE, TOWN)
ADMIN = person(Role.TOWNSHIP_ADMIN, TOWN)
ORG = Principal(
    subject="u-org",
    kind="user",
    client_id="w",
    token_id="t",
    scopes=frozenset({"api"}),
    bindings=(RoleBinding(Role.ORG_DEPARTMENT, ROLE_SCOPE[Role.ORG_DEPARTMENT], None),),
)
GRID = person(Role.GRID_WORKER, TOWN)
SYSTEM = Principal(
    subject="sfj-system", kind="service", client_id="sfj-system", token_id="t", scopes=frozenset({"events:report"})
)
