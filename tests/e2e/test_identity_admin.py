"""Identity administration: the permission matrix, rule violations, and nothing written on failure."""

from __future__ import annotations

import subprocess
import uuid

import httpx
import pytest
from devstack import PYTHON, ROOT
from helpers import authorize_url, error_codes, eventually, gql, pkce_pair
from stackutil import DEMO, db_conn

ADMINS = {"bianban", "zuzhibu"}
USERS = [u["username"] for u in DEMO["users"]]

OPERATIONS = {
    "users": ("query { users(first: 5) { nodes { username roleBindings { role } } } }", None),
    "serviceClients": ("query { serviceClients { nodes { clientId } } }", None),
    "createUser": (
        "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }",
        lambda: {
            "i": {"username": f"m{uuid.uuid4().hex[:10]}", "displayName": "矩阵测试", "password": "Matrix-Pass-2026"}
        },
    ),
    "createServiceClient": (
        "mutation($i: CreateServiceClientInput!) { createServiceClient(input: $i) { clientSecret } }",
        lambda: {"i": {"clientId": f"c{uuid.uuid4().hex[:10]}", "name": "测试系统", "scopes": ["events:report"]}},
    ),
}


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("username", USERS)
def test_identity_administration_permission_matrix(gateway, user_token, username, operation):
    query, variables = OPERATIONS[operation]
    status, body = gql(gateway, query, variables() if variables else None, token=user_token(username))
    if username in ADMINS:
        assert not body.get("errors"), body
    else:
        assert error_codes(body) == ["FORBIDDEN"], body


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_identity_administration_is_forbidden_to_service_clients(gateway, service_token, operation):
    query, variables = OPERATIONS[operation]
    _, body = gql(gateway, query, variables() if variables else None, token=service_token)
    assert error_codes(body) == ["FORBIDDEN"], body


@pytest.mark.parametrize("username", USERS)
def test_revoke_role_permission_matrix(stack, gateway, user_token, username):
    """revokeRole × every role: only the county offices revoke, and a refused revocation leaves the
    binding in place."""
    admin = user_token("zuzhibu")
    _, created = gql(
        gateway,
        "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }",
        {"i": {"username": f"r{uuid.uuid4().hex[:10]}", "displayName": "撤销测试", "password": "Revoke-Pass-2026"}},
        token=admin,
    )
    user_id = created["data"]["createUser"]["user"]["id"]
    township = DEMO["users"][5]["roles"][0][2]
    _, granted = gql(
        gateway,
        "mutation($i: GrantRoleInput!) { grantRole(input: $i) { binding { id } } }",
        {"i": {"userId": user_id, "role": "GRID_WORKER", "scopeKind": "TOWNSHIP", "scopeId": township}},
        token=admin,
    )
    binding = granted["data"]["grantRole"]["binding"]["id"]
    _, body = gql(
        gateway,
        "mutation($i: RevokeRoleInput!) { revokeRole(input: $i) { user { roleBindings { id } } } }",
        {"i": {"bindingId": binding, "reason": "调离"}},
        token=user_token(username),
    )
    with db_conn(stack, "identity") as conn:
        left = conn.execute("SELECT count(*) FROM role_binding WHERE id = %s", (binding,)).fetchone()[0]
    if username in ADMINS:
        assert not body.get("errors") and body["data"]["revokeRole"]["user"]["roleBindings"] == [], body
        assert left == 0
    else:
        assert error_codes(body) == ["FORBIDDEN"], body
        assert left == 1


def _audit_count(stack) -> int:
    with db_conn(stack, "identity") as conn:
        return conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]


def test_role_scope_mismatch_is_a_rule_violation_and_writes_nothing(stack, gateway, user_token):
    token = user_token("bianban")
    _, created = gql(
        gateway,
        "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }",
        {"i": {"username": f"r{uuid.uuid4().hex[:10]}", "displayName": "规则测试", "password": "Rule-Pass-2026"}},
        token=token,
    )
    user_id = created["data"]["createUser"]["user"]["id"]
    before = _audit_count(stack)
    _, body = gql(
        gateway,
        "mutation($i: GrantRoleInput!) { grantRole(input: $i) { binding { role } } }",
        {"i": {"userId": user_id, "role": "TOWNSHIP_ADMIN", "scopeKind": "COUNTY"}},
        token=token,
    )
    assert error_codes(body) == ["RULE_VIOLATION"]
    assert body["errors"][0]["extensions"]["rule"] == "ROLE_SCOPE_MISMATCH"
    assert _audit_count(stack) == before
    with db_conn(stack, "identity") as conn:
        assert conn.execute("SELECT count(*) FROM role_binding WHERE user_id = %s", (user_id,)).fetchone()[0] == 0


def test_granting_a_role_is_audited_and_shows_in_the_next_token(stack, gateway, identity_url, user_token):
    from helpers import login

    token = user_token("zuzhibu")
    username = f"g{uuid.uuid4().hex[:10]}"
    _, created = gql(
        gateway,
        "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }",
        {"i": {"username": username, "displayName": "授权测试", "password": "Grant-Pass-2026"}},
        token=token,
    )
    user_id = created["data"]["createUser"]["user"]["id"]
    township = DEMO["users"][5]["roles"][0][2]
    _, body = gql(
        gateway,
        "mutation($i: GrantRoleInput!) { grantRole(input: $i) { user { roleBindings { id role scopeId } } } }",
        {
            "i": {
                "userId": user_id,
                "role": "GRID_WORKER",
                "scopeKind": "TOWNSHIP",
                "scopeId": township,
                "reason": "新聘网格员",
            }
        },
        token=token,
    )
    granted = body["data"]["grantRole"]["user"]["roleBindings"]
    assert [{"role": b["role"], "scopeId": b["scopeId"]} for b in granted] == [
        {"role": "GRID_WORKER", "scopeId": township}
    ]
    with db_conn(stack, "identity") as conn:
        row = conn.execute(
            "SELECT actor, after, reason FROM audit_log WHERE action = 'role.grant' AND entity_id = %s", (user_id,)
        ).fetchone()
    assert row[1] == {"role": "GRID_WORKER", "scope": "TOWNSHIP", "id": township} and row[2] == "新聘网格员"
    fresh = login(identity_url, username, "Grant-Pass-2026")["access_token"]
    _, me = gql(gateway, "{ me { roleBindings { role scopeId } } }", token=fresh)
    assert me["data"]["me"]["roleBindings"] == [{"role": "GRID_WORKER", "scopeId": township}]
    # Revoking the binding ends the tokens that carry it (before: they worked until they expired).
    binding = granted[0]["id"]
    _, body = gql(
        gateway,
        "mutation($i: RevokeRoleInput!) { revokeRole(input: $i) { user { id } } }",
        {"i": {"bindingId": binding, "reason": "调离网格"}},
        token=token,
    )
    assert not body.get("errors"), body
    eventually(lambda: gql(gateway, "{ me { subject } }", token=fresh)[0] == 401)
    again = login(identity_url, username, "Grant-Pass-2026")["access_token"]
    assert gql(gateway, "{ me { roleBindings { role } } }", token=again)[1]["data"]["me"]["roleBindings"] == []


@pytest.mark.parametrize(
    "variables, code",
    [
        ({"first": 101}, "BAD_USER_INPUT"),
        ({"first": 0}, "BAD_USER_INPUT"),
        ({"first": 5, "after": "not-a-cursor!"}, "BAD_USER_INPUT"),
        ({"first": "five"}, "BAD_USER_INPUT"),
    ],
)
def test_bad_page_arguments_are_refused_precisely(gateway, user_token, variables, code):
    _, body = gql(
        gateway,
        "query($first: Int, $after: String) { users(first: $first, after: $after) { nodes { id } } }",
        variables,
        token=user_token("bianban"),
    )
    assert error_codes(body) == [code], body


def test_users_are_paged_by_keyset_cursor(gateway, user_token):
    seen, after = [], None
    while True:
        _, body = gql(
            gateway,
            "query($a: String) { users(first: 4, after: $a) { edges { cursor node { username } } pageInfo { "
            "hasNextPage endCursor } } }",
            {"a": after},
            token=user_token("bianban"),
        )
        conn = body["data"]["users"]
        seen += [e["node"]["username"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert seen == sorted(seen) and len(seen) == len(set(seen)) and set(USERS) <= set(seen)


@pytest.mark.parametrize("package", ["identity", "personnel"])
def test_verify_audit_command_reports_an_intact_chain_after_real_traffic(stack, package):
    # Logins, token issues, admin changes and demo loading have all written to these chains.
    out = stack.manage(package, "verify-audit")
    assert "audit chain intact" in out


def test_bootstrap_registers_the_web_consoles_origin(stack, identity_url):
    """`kubectl apply -k` runs `python -m identity bootstrap` with CONSOLE_ORIGIN from county-config:
    afterwards the console's callback is a registered redirect of county-web (the other URIs stay),
    once, audited; an origin that is not https is refused and changes nothing."""

    def bootstrap(origin: str):
        return subprocess.run(
            [PYTHON, "-m", "identity", "bootstrap"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**stack.env("identity"), "CONSOLE_ORIGIN": origin},
        )

    def registered():
        with db_conn(stack, "identity") as conn:
            return conn.execute(
                "SELECT redirect_uris, post_logout_redirect_uris FROM oauth_client WHERE client_id = 'county-web'"
            ).fetchone()

    before = registered()
    for _ in range(2):  # idempotent
        done = bootstrap("https://console.county.example/")
        assert done.returncode == 0 and "county-web: https://console.county.example/callback registered" in done.stdout
    uris, logout = registered()
    assert uris == [*before[0], "https://console.county.example/callback"]
    assert logout == [*before[1], "https://console.county.example/"]
    with db_conn(stack, "identity") as conn:
        assert conn.execute("SELECT count(*) FROM audit_log WHERE action = 'client.web_origin'").fetchone()[0] == 1
    _, challenge = pkce_pair()
    page = httpx.get(authorize_url(identity_url, challenge, redirect_uri="https://console.county.example/callback"))
    assert page.status_code == 200 and 'name="password"' in page.text

    refused = bootstrap("http://console.example")
    assert refused.returncode != 0 and registered() == (uris, logout)
