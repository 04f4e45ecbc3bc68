"""The personnel policy's row filters as SQL and its refusals word for word, in process: which
column each role is matched on (a role matched on the wrong column would show another unit's rows),
and what a refused caller reads."""

from __future__ import annotations

import uuid

import pytest
from personnel_world import LEADER, ORG_DEPT, STAFFING, person
from sqlalchemy.dialects import postgresql

from personnel import policy
from servicekit.errors import Forbidden
from servicekit.principal import Principal, Role

ID = uuid.UUID(int=77)


def sql(cond) -> str:
    return str(cond.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


def service(*scopes: str) -> Principal:
    return Principal(subject="svc", kind="service", client_id="sfj-system", token_id="t", scopes=frozenset(scopes))


@pytest.mark.parametrize(
    "role, column",
    [
        (Role.DEPARTMENT_ADMIN, "roster_snapshot_entry.department_id"),
        (Role.TOWNSHIP_ADMIN, "roster_snapshot_entry.township_id"),
        (Role.AGENCY_HEAD, "roster_snapshot_entry.agency_id"),
        (Role.CADRE, "roster_snapshot_entry.cadre_id"),
    ],
)
def test_roster_snapshots_are_matched_on_the_roles_own_column(role, column):
    assert sql(policy.snapshot_visibility(person(role, ID))) == f"{column} IN ('{ID}')"


@pytest.mark.parametrize(
    "role, column",
    [
        (Role.DEPARTMENT_ADMIN, "agency.department_id"),
        (Role.TOWNSHIP_ADMIN, "agency.township_id"),
        (Role.AGENCY_HEAD, "agency.id"),
        (Role.CADRE, "agency.head_cadre_id"),  # a cadre counts the agency they head
    ],
)
def test_agencies_are_matched_on_the_roles_own_column(role, column):
    assert sql(policy.agency_visibility(person(role, ID))) == f"{column} IN ('{ID}')"


def test_quota_requests_a_department_sees_its_own_and_others_are_refused_with_the_reason():
    assert sql(policy.quota_request_visibility(person(Role.DEPARTMENT_ADMIN, ID))) == (
        f"quota_change_request.department_id IN ('{ID}')"
    )
    assert policy.quota_request_visibility(STAFFING) is None
    with pytest.raises(Forbidden) as err:
        policy.quota_request_visibility(person(Role.TOWNSHIP_ADMIN, ID))
    assert err.value.message == "无权查看员额调整"
    with pytest.raises(Forbidden) as err:
        policy.quota_request_visibility(service("roster:read"))
    assert err.value.message == "服务客户端无权查看员额调整"


def test_adjustments_a_township_sees_those_touching_it_and_others_are_refused_with_the_reason():
    assert "adjustment.department_id IN" in sql(policy.adjustment_visibility(person(Role.DEPARTMENT_ADMIN, ID)))
    touching = sql(policy.adjustment_visibility(person(Role.TOWNSHIP_ADMIN, ID)))
    assert "adjustment.from_agency_id IN" in touching and "adjustment.to_agency_id IN" in touching
    assert f"agency.township_id IN ('{ID}')" in touching
    with pytest.raises(Forbidden) as err:
        policy.adjustment_visibility(person(Role.GRID_WORKER, ID))
    assert err.value.message == "无权查看人事调整"
    with pytest.raises(Forbidden) as err:
        policy.adjustment_visibility(service("roster:read"))
    assert err.value.message == "服务客户端无权查看人事调整"


def test_county_statistics_are_for_the_county_offices_and_leadership():
    for who in (STAFFING, ORG_DEPT, LEADER):
        policy.county_reader(who)
    for who in (person(Role.DEPARTMENT_ADMIN, ID), person(Role.TOWNSHIP_ADMIN, ID), service("roster:read")):
        with pytest.raises(Forbidden) as err:
            policy.county_reader(who)
        assert err.value.message == "仅编办、组织部和领导可查看全县统计"


def test_org_units_are_open_to_people_and_to_systems_with_roster_read():
    policy.org_reader(person(Role.GRID_WORKER, ID))
    policy.org_reader(service("roster:read"))
    with pytest.raises(Forbidden) as err:
        policy.org_reader(service("events:write"))
    assert (err.value.message, err.value.detail) == ("该服务客户端无权读取组织信息", "scope roster:read required")
