"""Dual management on the roster skeleton: each side sees only what is theirs, through the gateway,
and a roster page costs the same number of SQL statements whatever its size."""

from __future__ import annotations

import json
import uuid

import pytest
from helpers import error_codes, gql
from stackutil import DEMO, demo_path, statements_per_page

ORG = json.loads((demo_path() / "org.json").read_text(encoding="utf-8"))
DEPT = {d["code"]: d["id"] for d in ORG["departments"]}
TOWN = {t["code"]: t["id"] for t in ORG["townships"]}
ROSTER = (
    "query($a: String) { cadres(first: 100, after: $a) { nodes { id department { id } township { id } agency { id } "
    "} pageInfo { hasNextPage endCursor } } }"
)


def _all(gateway, token):
    nodes, after = [], None
    while True:
        status, body = gql(gateway, ROSTER, {"a": after}, token=token)
        assert status == 200 and not body.get("errors"), body
        nodes += body["data"]["cadres"]["nodes"]
        if not body["data"]["cadres"]["pageInfo"]["hasNextPage"]:
            return nodes
        after = body["data"]["cadres"]["pageInfo"]["endCursor"]


@pytest.mark.parametrize(
    "username, expect",
    [
        ("bianban", lambda n: True),
        ("zuzhibu", lambda n: True),
        ("leader", lambda n: True),
        ("sfj-admin", lambda n: n["department"]["id"] == DEPT["sfj"]),
        ("diankou-admin", lambda n: n["township"]["id"] == TOWN["diankou"]),
        ("diankou-cc", lambda n: n["township"]["id"] == TOWN["diankou"]),
        ("diankou-grid", lambda n: n["township"]["id"] == TOWN["diankou"]),
        ("diankou-sfs-head", lambda n: n["agency"]["id"] == DEMO["users"][7]["roles"][0][2]),
        ("cadre-demo", lambda n: n["id"] == DEMO["users"][10]["cadre_id"]),
    ],
)
def test_roster_visibility_follows_dual_management(gateway, user_token, username, expect):
    nodes = _all(gateway, user_token(username))
    assert nodes and all(expect(n) for n in nodes)
    if username in ("bianban", "zuzhibu", "leader"):
        assert len(nodes) == 566


def test_a_township_cannot_read_another_townships_cadre(gateway, user_token):
    token = user_token("fengqiao-admin")
    _, body = gql(gateway, '{ cadre(id: "%s") { name } }' % DEMO["users"][10]["cadre_id"], token=token)
    assert error_codes(body) == ["NOT_FOUND"] and body["data"] is None  # as if it did not exist
    _, body = gql(gateway, '{ cadre(id: "%s") { name } }' % uuid.uuid4(), token=token)
    assert error_codes(body) == ["NOT_FOUND"]


def test_malformed_ids_are_bad_input(gateway, service_token):
    _, body = gql(gateway, '{ cadre(id: "not-a-uuid") { name } }', token=service_token)
    assert error_codes(body) == ["BAD_USER_INPUT"]


def test_service_client_without_roster_scope_is_forbidden_at_the_gateway_and_the_subgraph(stack, gateway, identity_url):
    from helpers import client_token
    from stackutil import subgraph

    token = client_token(identity_url, "sfj-system", "sfj-system-demo-secret", "events:report")["access_token"]
    _, body = gql(gateway, "{ cadres(first: 1) { nodes { name } } }", token=token)
    # Refused by the gateway's @requiresScopes check, before any subgraph is called …
    assert (
        error_codes(body) == ["FORBIDDEN"] and body["errors"][0]["extensions"]["detail"] == "Unauthorized field or type"
    )
    # … and by the subgraph's own policy when called directly.
    _, body = gql(subgraph(stack, "personnel"), "{ cadres(first: 1) { nodes { name } } }", token=token)
    assert error_codes(body) == ["FORBIDDEN"]


async def test_a_roster_page_costs_a_constant_number_of_statements(stack, service_token):
    query = (
        "query($n: Int) { cadres(first: $n) { nodes { name department { name } township { name } agency { name quota "
        "department { code } } } } }"
    )
    # the sfj-system token sees its own department (92 people)
    counts = await statements_per_page(
        stack,
        "personnel",
        query,
        token=service_token,
        sizes=(1, 10, 80),
        variables=lambda n: {"n": n},
        nodes=lambda d: d["cadres"]["nodes"],
    )
    assert counts[1] == counts[10] == counts[80], counts
    assert counts[80] <= 4, counts  # page + departments + townships + agencies


async def test_the_federated_roster_page_costs_each_subgraph_a_constant_number_of_statements(
    stack, gateway, user_token
):
    """The roster page with openTaskCount (platform) and assessmentRoster (assessment): the gateway
    asks each of those subgraphs for the whole page's people in one _entities call, which must cost
    the same few statements for 1, 10 or 80 people."""
    token = user_token("bianban")
    _, body = gql(gateway, "{ cadres(first: 80) { nodes { id } } }", token=token)
    ids = [n["id"] for n in body["data"]["cadres"]["nodes"]]
    assert len(ids) == 80
    for service, selection in (
        ("platform", "openTaskCount"),
        ("assessment", "assessmentRoster { status }"),
    ):
        counts = await statements_per_page(
            stack,
            service,
            f"query($r: [_Any!]!) {{ _entities(representations: $r) {{ ... on Cadre {{ {selection} }} }} }}",
            token=token,
            sizes=(1, 10, 80),
            variables=lambda n: {"r": [{"__typename": "Cadre", "id": i} for i in ids[:n]]},
            nodes=lambda d: d["_entities"],
        )
        assert counts[1] == counts[10] == counts[80], (service, counts)
        assert counts[80] == 1, (service, counts)  # one grouped statement for the whole page
