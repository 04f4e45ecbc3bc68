"""Assessment against a real PostgreSQL database whose roster projection is fed through the real
event handler (the events personnel publishes). Each test runs in a rolled-back transaction."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from dbutil import rolled_back
from devstack import ROOT
from sqlalchemy import select

from assessment.config import AssessmentSettings
from assessment.consumers import apply_cadre
from assessment.models import Member
from servicekit import db, migrations
from servicekit.principal import ROLE_SCOPE, Principal, Role, RoleBinding

DEPARTMENTS = [uuid.UUID(int=100 + i) for i in range(2)]
TOWNSHIPS = [uuid.UUID(int=200 + i) for i in range(3)]
PEOPLE_PER_UNIT = 8  # 2 departments × 3 townships × 8 = 48 cadres


def cadre_id(d: int, t: int, n: int) -> uuid.UUID:
    return uuid.UUID(int=10_000 + d * 1000 + t * 100 + n)


@pytest.fixture(scope="session")
async def assessment_settings(database_url, run_prefix) -> AssessmentSettings:
    settings = AssessmentSettings(database_url=database_url, db_prefix=f"{run_prefix}a_", log_json=False)
    migrations.upgrade(ROOT / "services" / "assessment", settings)
    engine = db.make_async_engine(settings)
    async with db.make_sessionmaker(engine)() as session, session.begin():
        for d, dep in enumerate(DEPARTMENTS):
            for t, town in enumerate(TOWNSHIPS):
                for n in range(PEOPLE_PER_UNIT):
                    await apply_cadre(
                        session,
                        {
                            "type": "cadre.stationed",
                            "payload": {
                                "cadre_id": str(cadre_id(d, t, n)),
                                "name": f"干部{d}{t}{n}",
                                "department_id": str(dep),
                                "township_id": str(town),
                                "agency_id": str(uuid.UUID(int=300 + d * 10 + t)),
                                "status": "IN_POST",
                                "professional_line": "x",
                                "is_enforcement": True,
                                "posted_on": dt.date(2020, 1, 1).isoformat(),
                            },
                        },
                    )
    await engine.dispose()
    return settings


@pytest.fixture
async def session(assessment_settings):
    async with rolled_back(assessment_settings) as s:
        yield s


def person(role: Role, scope_id=None) -> Principal:
    return Principal(
        subject=f"u-{role.value.lower()}",
        kind="user",
        client_id="w",
        token_id="t",
        bindings=(RoleBinding(role, ROLE_SCOPE[role], str(scope_id) if scope_id else None),),
        scopes=frozenset({"api"}),
    )


ORG = person(Role.ORG_DEPARTMENT)


def dept(i: int) -> Principal:
    return person(Role.DEPARTMENT_ADMIN, DEPARTMENTS[i])


def town(i: int) -> Principal:
    return person(Role.TOWNSHIP_ADMIN, TOWNSHIPS[i])


async def round2_candidate(session, cycle_id: uuid.UUID, d: int, t: int) -> uuid.UUID | None:
    """Someone department ``d`` shortlisted in township ``t`` and did not name in round 1."""
    return await session.scalar(
        select(Member.cadre_id)
        .where(
            Member.cycle_id == cycle_id,
            Member.department_id == DEPARTMENTS[d],
            Member.township_id == TOWNSHIPS[t],
            Member.shortlisted.is_(True),
            Member.excellent_round.is_(None),
        )
        .limit(1)
    )
