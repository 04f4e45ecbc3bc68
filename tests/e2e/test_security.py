"""Holes an outside review found, each tried again as the reviewer did: scope escalation by a
department system, an unauthenticated memory burst on the identity service, separation of duties."""

from __future__ import annotations

import concurrent.futures
import uuid

import httpx

from helpers import authorize_url, error_codes, gql, pkce_pair, submit_login


def test_client_credentials_grant_only_the_clients_registered_scopes(identity_url):
    for scope in ("events:read api", "events:read", "api", "roster:read offline_access"):
        resp = httpx.post(f"{identity_url}/oauth/token", data={"grant_type": "client_credentials", "scope": scope},
                          auth=("sfj-system", "sfj-system-demo-secret"))
        assert resp.status_code == 400 and resp.json()["error"] == "invalid_scope", (scope, resp.text)
    ok = httpx.post(f"{identity_url}/oauth/token", data={"grant_type": "client_credentials",
                                                         "scope": "roster:read events:report"},
                    auth=("sfj-system", "sfj-system-demo-secret"))
    assert ok.status_code == 200 and ok.json()["scope"] == "roster:read events:report"
    # No scope asked: the registered ones (RFC 6749 §3.3), never more.
    default = httpx.post(f"{identity_url}/oauth/token", data={"grant_type": "client_credentials"},
                         auth=("sfj-system", "sfj-system-demo-secret"))
    assert set(default.json()["scope"].split()) == {"roster:read", "events:report", "events:status"}


def test_a_browser_client_cannot_ask_for_the_internal_feed_scope(identity_url):
    _, challenge = pkce_pair()
    resp = httpx.get(authorize_url(identity_url, challenge, scope="api events:read"), follow_redirects=False)
    assert resp.status_code == 302 and "error=invalid_scope" in resp.headers["location"]


def test_a_department_systems_client_cannot_be_given_the_feed_scope(gateway, user_token):
    for scopes in (["events:read"], ["roster:read", "events:read"], ["api"]):
        _, body = gql(gateway, "mutation($i: CreateServiceClientInput!) { createServiceClient(input: $i) { clientSecret } }",
                      {"i": {"clientId": f"c{uuid.uuid4().hex[:10]}", "name": "测试系统", "scopes": scopes}},
                      token=user_token("bianban"))
        assert error_codes(body) == ["BAD_USER_INPUT"], (scopes, body)


def _rss_kib(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))


def test_a_burst_of_bad_logins_keeps_identity_memory_bounded_and_is_throttled(stack, identity_url):
    """Before: every failed login ran argon2id at 64 MiB, unbounded — 8 at once took identity from
    212 to 693 MiB (the pod limit is 512Mi). Now the hashes in flight are capped and the address is
    turned away once it has failed LOGIN_IP_MAX_FAILURES (20 in the test stack) times."""
    pid = stack.processes["identity"].pid
    before = _rss_kib(pid, "VmRSS")
    _, challenge = pkce_pair()
    address = {"x-forwarded-for": f"192.0.2.{uuid.uuid4().int % 250 + 1}"}

    def attempt(i: int) -> int:
        name = "bianban" if i % 2 else f"nobody{i}"
        return submit_login(identity_url, name, f"wrong-{i}", challenge, headers=address).status_code

    with concurrent.futures.ThreadPoolExecutor(max_workers=24) as pool:
        statuses = list(pool.map(attempt, range(48)))
    assert set(statuses) <= {401, 429, 503}, statuses
    peak = _rss_kib(pid, "VmHWM")
    assert peak - before < 160 * 1024, f"identity grew from {before} KiB to a peak of {peak} KiB"
    # The address is now turned away before any hashing, whatever the account.
    assert attempt(1) == 429 and attempt(2) == 429
    # Another address is unaffected, and the real user still gets in.
    assert submit_login(identity_url, "bianban", "Demo-2026-county", challenge,
                        headers={"x-forwarded-for": "198.51.100.77"}).status_code == 302
    assert httpx.get(f"{identity_url}/readyz").status_code == 200


# --- separation of duties ----------------------------------------------------------------------

GRANT = "mutation($i: GrantRoleInput!) { grantRole(input: $i) { user { roleBindings { id role } } } }"
REVOKE = "mutation($i: RevokeRoleInput!) { revokeRole(input: $i) { user { id } } }"


def _subject(gateway, token) -> str:
    return gql(gateway, "{ me { subject } }", token=token)[1]["data"]["me"]["subject"]


def _new_user(gateway, token) -> str:
    _, body = gql(gateway, "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }",
                  {"i": {"username": f"sod{uuid.uuid4().hex[:10]}", "displayName": "分权测试",
                         "password": "Duties-Pass-2026"}}, token=token)
    return body["data"]["createUser"]["user"]["id"]


def _bindings(stack, user_id) -> int:
    from stackutil import db_conn

    with db_conn(stack, "identity") as conn:
        return conn.execute("SELECT count(*) FROM role_binding WHERE user_id = %s", (user_id,)).fetchone()[0]


def test_no_self_role_change(stack, gateway, user_token):
    token = user_token("zuzhibu")
    me = _subject(gateway, token)
    before = _bindings(stack, me)
    _, body = gql(gateway, GRANT, {"i": {"userId": me, "role": "STAFFING_OFFICE", "scopeKind": "COUNTY"}}, token=token)
    assert error_codes(body) == ["RULE_VIOLATION"] and body["errors"][0]["extensions"]["rule"] == "NO_SELF_ROLE_CHANGE"
    _, body = gql(gateway, GRANT, {"i": {"userId": me, "role": "LEADERSHIP", "scopeKind": "COUNTY"}}, token=token)
    assert body["errors"][0]["extensions"]["rule"] == "NO_SELF_ROLE_CHANGE"
    assert _bindings(stack, me) == before


def test_county_office_role_by_its_office(stack, gateway, user_token):
    bianban, zuzhibu = user_token("bianban"), user_token("zuzhibu")
    user = _new_user(gateway, bianban)
    # The organisation department cannot hand out the staffing office's role, nor the reverse.
    for token, role in ((zuzhibu, "STAFFING_OFFICE"), (bianban, "ORG_DEPARTMENT")):
        _, body = gql(gateway, GRANT, {"i": {"userId": user, "role": role, "scopeKind": "COUNTY"}}, token=token)
        assert error_codes(body) == ["RULE_VIOLATION"], body
        assert body["errors"][0]["extensions"]["rule"] == "COUNTY_OFFICE_ROLE_BY_ITS_OFFICE"
    assert _bindings(stack, user) == 0
    # The office itself may; and then the other office cannot revoke it.
    _, body = gql(gateway, GRANT, {"i": {"userId": user, "role": "STAFFING_OFFICE", "scopeKind": "COUNTY"}}, token=bianban)
    binding = body["data"]["grantRole"]["user"]["roleBindings"][0]["id"]
    _, body = gql(gateway, REVOKE, {"i": {"bindingId": binding}}, token=zuzhibu)
    assert body["errors"][0]["extensions"]["rule"] == "COUNTY_OFFICE_ROLE_BY_ITS_OFFICE"
    assert _bindings(stack, user) == 1
    _, body = gql(gateway, REVOKE, {"i": {"bindingId": binding}}, token=bianban)
    assert not body.get("errors") and _bindings(stack, user) == 0
    # Other roles stay with either office.
    _, body = gql(gateway, GRANT, {"i": {"userId": user, "role": "LEADERSHIP", "scopeKind": "COUNTY"}}, token=zuzhibu)
    assert not body.get("errors"), body


def test_the_first_county_office_account_comes_from_an_audited_command(stack, identity_url, monkeypatch):
    from stackutil import db_conn

    username = f"boot{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("BOOTSTRAP_ADMIN_PASSWORD", "Bootstrap-Pass-2026")
    out = stack.manage("identity", "bootstrap-admin", username, "STAFFING_OFFICE", "首位编办管理员")
    assert f"{username} holds STAFFING_OFFICE" in out
    with db_conn(stack, "identity") as conn:
        actor, kind = conn.execute("SELECT actor, actor_kind FROM audit_log WHERE action = 'role.bootstrap' "
                                   "ORDER BY seq DESC LIMIT 1").fetchone()
    assert kind == "operator" and actor.startswith("cli:")
    from helpers import login

    token = login(identity_url, username, "Bootstrap-Pass-2026")["access_token"]
    assert gql(stack.gateway_url, "{ me { roleBindings { role } } }", token=token)[1]["data"]["me"]["roleBindings"] == [
        {"role": "STAFFING_OFFICE"}]
