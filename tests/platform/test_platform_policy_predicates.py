"""The platform's permission predicates (platforms.policy) as a table, in process: each role on its
own unit, on another unit, and the same binding on a service token — deny by default."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.dialects import postgresql

from platforms import policy
from servicekit.errors import Forbidden
from servicekit.principal import ROLE_SCOPE, Principal, Role, RoleBinding

OWN, OTHER = uuid.UUID(int=71), uuid.UUID(int=72)


def who(role: Role | None, unit: uuid.UUID | None = OWN, *, kind: str = "user") -> Principal:
    bindings = () if role is None else (RoleBinding(role, ROLE_SCOPE[role], str(unit) if unit else None),)
    return Principal(subject="u", kind=kind, client_id="c", token_id="t", scopes=frozenset({"api"}), bindings=bindings)


ROLES = list(Role)


def _expect(predicate, allowed: set[Role], county: bool = False):
    """``predicate(principal, OWN)`` for every role bound to OWN, to OTHER, and as a service."""
    for role in ROLES:
        unit = None if ROLE_SCOPE[role].value == "COUNTY" else OWN
        assert predicate(who(role, unit), OWN) is (role in allowed), (predicate.__name__, role, "own")
        if unit is not None:
            assert predicate(who(role, OTHER), OWN) is False, (predicate.__name__, role, "other")
        assert predicate(who(role, unit, kind="service"), OWN) is False, (predicate.__name__, role, "service")
    assert predicate(who(None), OWN) is False


def test_the_command_centre_is_the_centre_or_the_township_admin_of_that_township():
    _expect(policy.is_centre, {Role.COMMAND_CENTRE, Role.TOWNSHIP_ADMIN})


def test_only_the_township_admin_maintains_the_township():
    _expect(policy.is_township_admin, {Role.TOWNSHIP_ADMIN})


def test_a_unit_is_headed_by_its_agency_head_only():
    _expect(policy.heads_unit, {Role.AGENCY_HEAD})
    assert policy.heads_unit(who(Role.AGENCY_HEAD, OWN), None) is False


def test_a_cadre_is_only_themself():
    _expect(policy.is_cadre, {Role.CADRE})
    assert policy.is_cadre(who(Role.CADRE, OWN), None) is False


def test_team_visits_are_logged_by_the_townships_own_people():
    _expect(policy.may_log_visit, {Role.TOWNSHIP_ADMIN, Role.COMMAND_CENTRE, Role.GRID_WORKER})


@pytest.mark.parametrize(
    "require, allowed, message",
    [
        (policy.require_centre, {Role.COMMAND_CENTRE, Role.TOWNSHIP_ADMIN}, "由本乡镇(街道)指挥室办理"),
        (policy.require_township_admin, {Role.TOWNSHIP_ADMIN}, "由本乡镇(街道)管理员维护"),
    ],
)
def test_requirements_refuse_everyone_else_with_the_reason(require, allowed, message):
    for role in ROLES:
        unit = None if ROLE_SCOPE[role].value == "COUNTY" else OWN
        if role in allowed:
            require(who(role, unit), OWN)
            with pytest.raises(Forbidden):
                require(who(role, OTHER), OWN)
        else:
            with pytest.raises(Forbidden) as err:
                require(who(role, unit), OWN)
            assert err.value.message == message


def test_county_settings_belong_to_the_organisation_department():
    policy.require_county_settings(who(Role.ORG_DEPARTMENT, None))
    for role in set(ROLES) - {Role.ORG_DEPARTMENT}:
        with pytest.raises(Forbidden) as err:
            policy.require_county_settings(who(role, None if ROLE_SCOPE[role].value == "COUNTY" else OWN))
        assert err.value.message == "工作日历和办理时限由县级统一设置"
    with pytest.raises(Forbidden):
        policy.require_county_settings(who(Role.ORG_DEPARTMENT, None, kind="service"))


def test_township_scope_is_the_county_for_county_offices_and_the_own_townships_otherwise():
    for role in (Role.STAFFING_OFFICE, Role.ORG_DEPARTMENT, Role.LEADERSHIP):
        assert policy.township_scope(who(role, None)) is None
    for role in (Role.TOWNSHIP_ADMIN, Role.COMMAND_CENTRE, Role.GRID_WORKER):
        assert policy.township_scope(who(role, OWN)) == [OWN]
    # Department admins, unit heads and cadres read platform records through their units, not here.
    for role in (Role.DEPARTMENT_ADMIN, Role.AGENCY_HEAD, Role.CADRE):
        assert policy.township_scope(who(role, OWN)) == []
    with pytest.raises(Forbidden) as err:
        policy.township_scope(who(Role.TOWNSHIP_ADMIN, OWN, kind="service"))
    assert err.value.message == "服务客户端无权查看平台台账"


def test_a_township_reader_reads_only_its_own_townships_records():
    policy.require_township_reader(who(Role.LEADERSHIP, None), OTHER, "网格")
    policy.require_township_reader(who(Role.COMMAND_CENTRE, OWN), OWN, "网格")
    for principal in (who(Role.COMMAND_CENTRE, OWN), who(Role.DEPARTMENT_ADMIN, OWN)):
        with pytest.raises(Forbidden) as err:
            policy.require_township_reader(principal, OTHER, "网格")
        assert err.value.message == "只能查看本乡镇(街道)的网格"


def test_a_department_supervises_its_own_agencies_and_cadres():
    def sql(stmt):
        return str(stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))

    assert sql(policy.department_units([OWN])).endswith(f"WHERE unit.department_id IN ('{OWN}')")
    assert f"department_id IN ('{OWN}')" in sql(policy.department_cadres([OWN]))
    assert "cadre_id" in sql(policy.department_cadres([OWN])).split("FROM")[0]
