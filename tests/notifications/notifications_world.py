"""The inbox against a real PostgreSQL database, fed through the real handlers with the events the
platform and personnel publish (their feed's shape: cursor, event id, type, aggregate, payload)."""

from __future__ import annotations

import itertools
import uuid

import pytest
from dbutil import rolled_back
from devstack import ROOT

from notifications.config import NotificationsSettings
from servicekit import migrations
from servicekit.principal import ROLE_SCOPE, Principal, Role, RoleBinding

TOWN, OTHER_TOWN = str(uuid.UUID(int=200)), str(uuid.UUID(int=201))
SFS, SQUAD = str(uuid.UUID(int=300)), str(uuid.UUID(int=301))
DEPT, OTHER_DEPT = str(uuid.UUID(int=100)), str(uuid.UUID(int=101))
MEDIATOR, OTHER = str(uuid.UUID(int=1)), str(uuid.UUID(int=2))
_seq = itertools.count(1)


@pytest.fixture(scope="session")
def notifications_settings(database_url, run_prefix) -> NotificationsSettings:
    settings = NotificationsSettings(database_url=database_url, db_prefix=f"{run_prefix}n_", log_json=False)
    migrations.upgrade(ROOT / "services" / "notifications", settings)
    return settings


@pytest.fixture
async def session(notifications_settings):
    async with rolled_back(notifications_settings) as s:
        yield s


def feed_event(type_: str, aggregate_id: str, payload: dict, *, txid: int = 1, seq: int | None = None) -> dict:
    """One event as a producer's ``/events`` feed delivers it."""
    seq = seq if seq is not None else next(_seq)
    return {
        "cursor": f"{txid}:{seq}",
        "event_id": str(uuid.uuid4()),
        "type": type_,
        "aggregate_type": "GridEvent",
        "aggregate_id": aggregate_id,
        "payload": payload,
        "occurred_at": "2026-12-03T08:00:00+00:00",
    }


def person(role: Role, scope: str | None = None) -> Principal:
    return Principal(
        subject=f"u-{role.value.lower()}",
        kind="user",
        client_id="county-web",
        token_id="t",
        bindings=(RoleBinding(role, ROLE_SCOPE[role], scope),),
        scopes=frozenset({"api"}),
    )


# Every role in its own and in another scope: who sees an item is the matrix under test.
def everyone() -> dict[str, Principal]:
    return {
        "STAFFING_OFFICE": person(Role.STAFFING_OFFICE),
        "ORG_DEPARTMENT": person(Role.ORG_DEPARTMENT),
        "LEADERSHIP": person(Role.LEADERSHIP),
        "DEPARTMENT_ADMIN(own)": person(Role.DEPARTMENT_ADMIN, DEPT),
        "DEPARTMENT_ADMIN(other)": person(Role.DEPARTMENT_ADMIN, OTHER_DEPT),
        "TOWNSHIP_ADMIN(own)": person(Role.TOWNSHIP_ADMIN, TOWN),
        "COMMAND_CENTRE(own)": person(Role.COMMAND_CENTRE, TOWN),
        "COMMAND_CENTRE(other)": person(Role.COMMAND_CENTRE, OTHER_TOWN),
        "GRID_WORKER(own)": person(Role.GRID_WORKER, TOWN),
        "AGENCY_HEAD(own)": person(Role.AGENCY_HEAD, SFS),
        "AGENCY_HEAD(other)": person(Role.AGENCY_HEAD, SQUAD),
        "CADRE(own)": person(Role.CADRE, MEDIATOR),
        "CADRE(other)": person(Role.CADRE, OTHER),
    }
