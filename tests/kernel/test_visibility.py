"""Dual management as SQL (``visibility.scoped``): the county sees everything, every other user the
OR of what each of their roles sees, and a user none of whose roles applies is refused."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import Column, MetaData, Table
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import UUID

from servicekit import visibility
from servicekit.errors import Forbidden
from servicekit.principal import ROLE_SCOPE, Principal, Role, RoleBinding

ROWS = Table("rows", MetaData(), Column("department_id", UUID), Column("township_id", UUID))
D, T = uuid.UUID(int=1), uuid.UUID(int=2)
READERS = {
    Role.DEPARTMENT_ADMIN: lambda ids: ROWS.c.department_id.in_(ids),
    (Role.TOWNSHIP_ADMIN, Role.COMMAND_CENTRE): lambda ids: ROWS.c.township_id.in_(ids),
}


def who(*bindings: tuple[Role, uuid.UUID | None]) -> Principal:
    return Principal(
        subject="u",
        kind="user",
        client_id="c",
        token_id="t",
        scopes=frozenset({"api"}),
        bindings=tuple(RoleBinding(r, ROLE_SCOPE[r], str(i) if i else None) for r, i in bindings),
    )


def sql(cond) -> str:
    return str(cond.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


def test_the_county_sees_everything_and_each_side_its_own():
    assert visibility.scoped(who((Role.ORG_DEPARTMENT, None)), READERS, denied="x") is None
    assert (
        sql(visibility.scoped(who((Role.DEPARTMENT_ADMIN, D)), READERS, denied="x")) == f"rows.department_id IN ('{D}')"
    )
    both = sql(visibility.scoped(who((Role.DEPARTMENT_ADMIN, D), (Role.COMMAND_CENTRE, T)), READERS, denied="x"))
    assert both == f"rows.department_id IN ('{D}') OR rows.township_id IN ('{T}')"


def test_no_applicable_role_is_forbidden_and_the_county_can_be_narrowed():
    with pytest.raises(Forbidden) as err:
        visibility.scoped(who((Role.GRID_WORKER, T)), READERS, denied="无权查看")
    assert err.value.message == "无权查看"
    with pytest.raises(Forbidden):  # a list the county offices do not read by default
        visibility.scoped(who((Role.LEADERSHIP, None)), READERS, denied="x", county=(Role.ORG_DEPARTMENT,))


PEOPLE = Table(
    "people",
    MetaData(),
    Column("department_id", UUID),
    Column("township_id", UUID),
    Column("agency_id", UUID),
    Column("cadre_id", UUID),
)


def people_rows(principal, **kw):
    c = PEOPLE.c
    return visibility.cadre_rows(
        principal, department=c.department_id, township=c.township_id, agency=c.agency_id, cadre=c.cadre_id, **kw
    )


@pytest.mark.parametrize("role", visibility.COUNTY_READERS)
def test_each_county_office_sees_every_row(role):
    assert visibility.scoped(who((role, None)), READERS, denied="x") is None
    assert people_rows(who((role, None))) is None


@pytest.mark.parametrize(
    "role, column",
    [
        (Role.DEPARTMENT_ADMIN, "department_id"),
        (Role.TOWNSHIP_ADMIN, "township_id"),
        (Role.COMMAND_CENTRE, "township_id"),
        (Role.GRID_WORKER, "township_id"),
        (Role.AGENCY_HEAD, "agency_id"),
        (Role.CADRE, "cadre_id"),
    ],
)
def test_dual_management_each_role_sees_the_people_of_its_own_unit(role, column):
    assert sql(people_rows(who((role, D)))) == f"people.{column} IN ('{D}')"


def test_a_user_without_a_role_over_people_is_refused_with_the_reason():
    with pytest.raises(Forbidden) as err:
        people_rows(who())
    assert err.value.message == "无权查看人员信息"


def test_every_unit_of_a_role_counts_and_malformed_scope_ids_are_ignored():
    principal = Principal(
        subject="u",
        kind="user",
        client_id="c",
        token_id="t",
        scopes=frozenset({"api"}),
        bindings=(
            RoleBinding(Role.TOWNSHIP_ADMIN, ROLE_SCOPE[Role.TOWNSHIP_ADMIN], str(T)),
            RoleBinding(Role.COMMAND_CENTRE, ROLE_SCOPE[Role.COMMAND_CENTRE], str(D)),
            RoleBinding(Role.TOWNSHIP_ADMIN, ROLE_SCOPE[Role.TOWNSHIP_ADMIN], "not-a-uuid"),
        ),
    )
    cond = sql(visibility.scoped(principal, READERS, denied="x"))
    assert cond.startswith("rows.township_id IN (") and str(D) in cond and str(T) in cond and "not-a-uuid" not in cond
    assert sorted(visibility.uuids({str(D), "x", str(T), ""})) == [D, T]
    only_bad = Principal(
        subject="u",
        kind="user",
        client_id="c",
        token_id="t",
        scopes=frozenset({"api"}),
        bindings=(RoleBinding(Role.DEPARTMENT_ADMIN, ROLE_SCOPE[Role.DEPARTMENT_ADMIN], "x"),),
    )
    with pytest.raises(Forbidden):  # a role whose only unit is not an id sees nothing, not everything
        visibility.scoped(only_bad, READERS, denied="x")


def test_a_role_with_several_conditions_sees_the_union_of_them():
    readers = {
        Role.DEPARTMENT_ADMIN: [lambda ids: ROWS.c.department_id.in_(ids), lambda ids: ROWS.c.township_id.in_(ids)]
    }
    assert sql(visibility.scoped(who((Role.DEPARTMENT_ADMIN, D)), readers, denied="x")) == (
        f"rows.department_id IN ('{D}') OR rows.township_id IN ('{D}')"
    )


def service(scopes: set[str], department: uuid.UUID | None = None) -> Principal:
    return Principal(
        subject="svc",
        kind="service",
        client_id="dept-system",
        token_id="t",
        scopes=frozenset(scopes),
        department_id=str(department) if department else None,
    )


def test_a_department_system_reads_its_own_departments_people_only():
    assert sql(people_rows(service({"roster:read"}, D))) == f"people.department_id = '{D}'"
    # Fail closed: a client registered without a department reads no one (before: the whole county).
    assert sql(people_rows(service({"roster:read"}))) == "false"


def test_a_service_token_without_the_read_scope_is_refused_and_told_which_scope():
    with pytest.raises(Forbidden) as err:
        people_rows(service({"events:write"}, D))
    assert err.value.message == "该服务客户端无权读取人员信息" and "roster:read" in err.value.detail
    with pytest.raises(Forbidden) as err:  # a list may ask for its own scope
        people_rows(service({"roster:read"}, D), service_scope="grid:read")
    assert "grid:read" in err.value.detail
    assert sql(people_rows(service({"grid:read"}, D), service_scope="grid:read")) == f"people.department_id = '{D}'"
