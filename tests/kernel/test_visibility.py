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
