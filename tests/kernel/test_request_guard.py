"""The kernel's request guard, on a small schema of its own: what a direct call to any subgraph is
held to before a resolver runs (depth, aliases, exports, scopes, text, numbers, introspection)."""

from __future__ import annotations

import pytest
import strawberry

from servicekit import db, gql
from servicekit.app import Context
from servicekit.principal import Principal
from servicekit.settings import ServiceSettings

CALLS: list[str] = []


@strawberry.type
class Node:
    level: int

    @strawberry.field
    def child(self) -> "Node":
        return Node(level=self.level + 1)


@strawberry.type
class Query:
    @strawberry.federation.field(requires_scopes=gql.PEOPLE)
    def node(self) -> Node:
        CALLS.append("node")
        return Node(level=0)

    @strawberry.federation.field(requires_scopes=gql.ROSTER_READERS)
    def echo(self, text: str = "", ratio: float = 0.0) -> str:
        CALLS.append("echo")
        return text

    @strawberry.field
    def export_everything(self) -> str:
        CALLS.append("export")
        return "file"


SCHEMA = gql.schema(query=Query)


@pytest.fixture
def run(engine):
    """Executes a document with the kernel's extensions and a real request Context."""

    async def call(query: str, variables: dict | None = None, *, scopes=("api",), environment="test"):
        CALLS.clear()
        principal = Principal(subject="u", kind="user", client_id="c", token_id="t", scopes=frozenset(scopes))
        settings = ServiceSettings(environment=environment, graphql_max_depth=15, graphql_max_aliases=30)
        ctx = Context(request=None, principal=principal, settings=settings, sessionmaker=db.make_sessionmaker(engine))
        result = await SCHEMA.execute(query, variable_values=variables, context_value=ctx)
        codes = [(e.extensions or {}).get("code") for e in result.errors or []]
        details = " ".join(str((e.extensions or {}).get("detail", "")) for e in result.errors or [])
        return codes, details

    return call


def nested(depth: int) -> str:
    return "{ node { " + "child { " * (depth - 2) + "level" + " }" * (depth - 2) + " } }"


async def test_depth_limit(run):
    assert await run(nested(15)) == ([], "")
    codes, detail = await run(nested(16))
    assert codes == ["BAD_USER_INPUT"] and "depth 16" in detail and CALLS == []


async def test_alias_limit(run):
    assert (await run("{ " + " ".join(f"a{i}: echo" for i in range(30)) + " }"))[0] == []
    codes, detail = await run("{ " + " ".join(f"a{i}: echo" for i in range(31)) + " }")
    assert codes == ["BAD_USER_INPUT"] and "31 aliases" in detail and CALLS == []


async def test_one_export_per_request(run):
    assert (await run("{ a: exportEverything }"))[0] == []
    codes, _ = await run("{ a: exportEverything b: exportEverything }")
    assert codes == ["BAD_USER_INPUT"] and CALLS == []


@pytest.mark.parametrize(
    "query, variables",
    [
        ('{ echo(text: "a\\u0000b") }', None),
        ("query($t: String!) { echo(text: $t) }", {"t": "a\x00b"}),
        ("query($t: String!) { echo(text: $t) }", {"t": "a\ud800b"}),
        ("query($t: String!) { echo(text: $t) }", {"t": "x" * 20_001}),
        ("{ echo(ratio: 1e279) }", None),
        ("query($r: Float!) { echo(ratio: $r) }", {"r": 1e13}),
    ],
)
async def test_text_and_numbers_nothing_can_store(run, query, variables):
    codes, _ = await run(query, variables)
    assert codes == ["BAD_USER_INPUT"] and CALLS == []


async def test_ordinary_text_and_numbers_pass(run):
    assert await run(
        "query($t: String!, $r: Float!) { echo(text: $t, ratio: $r) }", {"t": "店口镇 " * 100, "r": 0.7191}
    ) == ([], "")


async def test_scopes_per_root_field(run):
    assert (await run("{ echo }", scopes=("roster:read",)))[0] == []
    codes, detail = await run("{ node { level } }", scopes=("roster:read",))
    assert codes == ["FORBIDDEN"] and "requires scopes" in detail and CALLS == []
    # An internal feed reader's token calls nothing at all.
    assert (await run("{ echo }", scopes=("events:read",)))[0] == ["FORBIDDEN"]


async def test_introspection_only_in_dev(run):
    assert (await run("{ __schema { queryType { name } } }", environment="dev"))[0] == []
    assert (await run("{ __schema { queryType { name } } }"))[0] == ["BAD_USER_INPUT"]


async def test_a_document_is_validated_once_and_answers_the_same_every_time(run):
    """Parse and validation are cached by the query text (the page a screen sends again and again);
    the checks that depend on the request (variables, the caller's scopes) still run every time."""
    from servicekit import guard

    for _ in range(3):
        assert (await run("{ echo(text: 1) }"))[0] == ["BAD_USER_INPUT"]  # an Int where a String goes
    assert any("echo(text: 1)" in key[1] for key in guard._VALIDATED)
    assert (await run("query($t: String!) { echo(text: $t) }", {"t": "ok"}))[0] == []
    codes, detail = await run("query($t: String!) { echo(text: $t) }", {"t": "bad\x00"})
    assert codes == ["BAD_USER_INPUT"] and "variable" in detail  # same document, new variables: checked
    assert (await run("{ echo }", scopes=("openid",)))[0] == ["FORBIDDEN"]  # same document, other caller
