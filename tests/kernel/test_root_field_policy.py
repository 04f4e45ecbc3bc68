"""Deny by default at the root: a subgraph does not build while a root field has no declared
policy, and a declared policy gates the resolver (FORBIDDEN before it runs)."""

from __future__ import annotations

import pytest
import strawberry

from servicekit import access, db, gql
from servicekit.app import Context
from servicekit.principal import Principal, Role, RoleBinding, ScopeKind
from servicekit.settings import ServiceSettings

CALLS: list[str] = []


@strawberry.type
class Query:
    @strawberry.field
    def open_field(self) -> str:
        CALLS.append("open")
        return "x"

    @strawberry.field
    def office_field(self) -> str:
        CALLS.append("office")
        return "y"


POLICY = {"openField": access.signed_in("anyone"), "officeField": access.roles(Role.STAFFING_OFFICE, summary="编办")}


def _ctx(engine, principal: Principal) -> Context:
    return Context(
        request=None,
        principal=principal,
        settings=ServiceSettings(environment="test"),
        sessionmaker=db.make_sessionmaker(engine),
    )


def _person(*roles: Role) -> Principal:
    return Principal(
        subject="u",
        kind="user",
        client_id="c",
        token_id="t",
        scopes=frozenset({"api"}),
        bindings=tuple(RoleBinding(r, ScopeKind.COUNTY, None) for r in roles),
    )


def test_a_root_field_without_a_declared_policy_stops_the_schema():
    with pytest.raises(RuntimeError, match="no policy for \\['officeField'\\]"):
        gql.schema(query=Query, policy={"openField": POLICY["openField"]})


def test_a_policy_for_no_field_stops_the_schema():
    with pytest.raises(RuntimeError, match="policy for no field \\['gone'\\]"):
        gql.schema(query=Query, policy={**POLICY, "gone": access.people("x")})


async def test_the_declared_policy_gates_the_resolver(engine):
    schema = gql.schema(query=Query, policy=POLICY)
    CALLS.clear()
    result = await schema.execute("{ officeField }", context_value=_ctx(engine, _person(Role.TOWNSHIP_ADMIN)))
    assert [e.extensions["code"] for e in result.errors] == ["FORBIDDEN"] and CALLS == []
    result = await schema.execute(
        "{ officeField openField }", context_value=_ctx(engine, _person(Role.STAFFING_OFFICE))
    )
    assert not result.errors and result.data == {"officeField": "y", "openField": "x"}


def test_access_rules():
    service = Principal(subject="s", kind="service", client_id="s", token_id="t", scopes=frozenset({"roster:read"}))
    assert access.signed_in("x").allows(service) and access.signed_in("x").allows(_person())
    assert not access.people("x").allows(service) and access.people("x").allows(_person(Role.CADRE))
    office = access.roles(Role.STAFFING_OFFICE, summary="x")
    assert office.allows(_person(Role.STAFFING_OFFICE)) and not office.allows(_person(Role.ORG_DEPARTMENT))
    assert not office.allows(service) and access.roles(Role.STAFFING_OFFICE, summary="x", services=True).allows(service)


@pytest.mark.parametrize("service", ["identity", "personnel", "assessment", "platforms", "notifications"])
def test_every_service_declares_every_root_field(service):
    import importlib

    schema = importlib.import_module(f"{service}.graphql").schema  # builds only when the policy is complete
    declared = importlib.import_module(f"{service}.policy").ROOT_FIELDS
    roots = [t for t in (schema._schema.query_type, schema._schema.mutation_type) if t]
    assert {f for t in roots for f in t.fields if not f.startswith("_")} == set(declared)


SEEN: list[set[str]] = []


@strawberry.type
class Item:
    a: str = "a"
    b: str = "b"
    c: str = "c"


@strawberry.type
class Page:
    nodes: list[Item]


@strawberry.type
class PageQuery:
    @strawberry.field
    def page(self, info: strawberry.Info) -> Page:
        SEEN.append(gql.requested(info, "nodes"))
        return Page(nodes=[Item()])


def test_requested_reads_the_selection_through_fragments():
    """What a page resolver prefetches for its items: the fields selected under ``nodes``, written
    out or in named and inline fragments."""
    SEEN.clear()
    schema = strawberry.Schema(query=PageQuery)
    query = "{ page { nodes { a ...F ... on Item { c } } } } fragment F on Item { b }"
    assert schema.execute_sync(query).errors is None
    assert SEEN == [{"a", "b", "c"}]
