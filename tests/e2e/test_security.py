"""Holes an outside review found, each tried again as the reviewer did: scope escalation by a
department system, an unauthenticated memory burst on the identity service, separation of duties."""

from __future__ import annotations

import base64
import concurrent.futures
import json
import uuid

import httpx
import pytest

from helpers import authorize_url, client_token, error_codes, gql, pkce_pair, submit_login
from stackutil import DEMO, db_conn, demo_path


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


# --- cost of a single request ------------------------------------------------------------------

def test_aliases_are_limited_at_the_gateway_and_in_each_subgraph(stack, gateway, user_token):
    token = user_token("bianban")
    many = "{ " + " ".join(f"a{i}: me {{ subject }}" for i in range(16)) + " }"
    _, body = gql(gateway, many, token=token)
    assert set(error_codes(body)) == {"BAD_USER_INPUT"} and body.get("data") is None, body
    few = "{ " + " ".join(f"a{i}: me {{ subject }}" for i in range(3)) + " }"
    assert gql(gateway, few, token=token)[1]["data"]["a2"]["subject"]
    # Inside the cluster a subgraph is reachable directly: it holds its own limit (30).
    direct = "{ " + " ".join(f"a{i}: departments {{ nodes {{ id }} }}" for i in range(31)) + " }"
    _, body = gql(f"{stack.url('personnel')}/graphql", direct, token=token)
    assert set(error_codes(body)) == {"BAD_USER_INPUT"}, body
    assert any("aliases" in e["extensions"].get("detail", "") for e in body["errors"]), body


def test_one_export_per_request(stack, gateway, user_token):
    token = user_token("bianban")
    two = "{ a: exportQuotaTable { filename } b: exportVacancies { filename } }"
    for url in (gateway, f"{stack.url('personnel')}/graphql"):
        _, body = gql(url, two, token=token)
        assert body.get("data") is None and "BAD_USER_INPUT" in error_codes(body), (url, body)
    _, body = gql(gateway, "{ exportQuotaTable { filename } }", token=token)
    assert body["data"]["exportQuotaTable"]["filename"].endswith(".xlsx")


def test_introspection_and_suggestions_are_off_outside_dev(stack, gateway, user_token):
    token = user_token("bianban")
    for url in (gateway, *(f"{stack.url(n)}/graphql" for n in ("identity", "personnel", "assessment", "platform"))):
        _, body = gql(url, "{ __schema { types { name } } }", token=token)
        assert body.get("data") is None or "__schema" not in (body.get("data") or {}), (url, body)
        assert error_codes(body), (url, body)
        _, body = gql(url, "{ departmentz { id } }", token=token)
        assert "Did you mean" not in json.dumps(body, ensure_ascii=False), (url, body)


def test_a_direct_subgraph_call_is_held_to_the_fields_scopes(stack, identity_url):
    roster_reader = client_token(identity_url, "sfj-system", "sfj-system-demo-secret", "roster:read")["access_token"]
    _, body = gql(f"{stack.url('assessment')}/graphql", "{ assessmentCycles { id } }", token=roster_reader)
    assert error_codes(body) == ["FORBIDDEN"], body
    # An internal feed reader's token calls no business field at all.
    feed_reader = client_token(identity_url, "svc-personnel", "dev-svc-personnel-secret", "events:read")["access_token"]
    for name in ("personnel", "assessment", "platform", "identity"):
        _, body = gql(f"{stack.url(name)}/graphql", "{ __typename }", token=feed_reader)
        assert error_codes(body) == ["FORBIDDEN"], (name, body)


def test_the_gateway_requires_the_claims_the_subgraphs_require(stack):
    from test_auth_flows import _claims, _sign, _signing_key

    key = _signing_key(stack)
    for claim in ("jti", "sub", "client_id"):
        claims = _claims(stack)
        del claims[claim]
        status, body = gql(stack.gateway_url, "{ me { subject } }", token=_sign(key, claims))
        assert status == 401 and error_codes(body) == ["UNAUTHENTICATED"], (claim, body)


# --- bad input: a clear error, nothing written, never a 500 ------------------------------------

ORG = json.loads((demo_path() / "org.json").read_text(encoding="utf-8"))
DIANKOU = next(t["id"] for t in ORG["townships"] if t["code"] == "diankou")
SFJ = next(d["id"] for d in ORG["departments"] if d["code"] == "sfj")
DEMO_CADRE = next(u for u in DEMO["users"] if u["username"] == "cadre-demo")["cadre_id"]
REPORT = "mutation($i: ReportEventInput!) { reportEvent(input: $i) { created event { id } } }"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


PROBES = [  # (who, query, variables)
    ("bianban", 'query { users(search: "a\\u0000b") { nodes { id } } }', None),
    ("bianban", "query($s: String) { users(search: $s) { nodes { id } } }", {"s": "a\x00b"}),
    ("bianban", "query($a: String) { users(first: 2, after: $a) { nodes { id } } }", {"a": "\x00"}),
    ("bianban", "query($a: String) { cadres(first: 2, after: $a) { nodes { id } } }", {"a": _b64(b"[" * 3000)}),
    ("bianban", "query($a: String) { cadres(first: 2, after: $a) { nodes { id } } }", {"a": _b64(b'["a\\u0000", "x"]')}),
    ("bianban", "query($a: String) { cadres(first: 2, after: $a) { nodes { id } } }", {"a": _b64(b'[{"x": [1]}, "x"]')}),
    ("sfj-admin", "mutation($i: UpdateProfessionalInfoInput!) { updateProfessionalInfo(input: $i) { id } }",
     {"i": {"cadreId": DEMO_CADRE, "rank": "科" * 41}}),
    ("sfj-admin", "mutation($i: UpdateProfessionalInfoInput!) { updateProfessionalInfo(input: $i) { id } }",
     {"i": {"cadreId": DEMO_CADRE, "enforcementCertNo": "9" * 41}}),
    ("bianban", "query($d: ID!) { quotaProposal(departmentId: $d, weights: {population: 1e279}, method: LARGEST_REMAINDER) { total } }",
     {"d": SFJ}),
    ("bianban", "query($d: ID!) { quotaProposal(departmentId: $d, weights: {population: 1}, method: LARGEST_REMAINDER, minimumPerAgency: -3517) { total } }",
     {"d": SFJ}),
    ("bianban", "query($d: ID!) { quotaProposal(departmentId: $d, weights: {population: 1}, method: LARGEST_REMAINDER, total: -314) { total } }",
     {"d": SFJ}),
    ("bianban", "query($d: ID!, $w: Float!) { quotaProposal(departmentId: $d, weights: {area: $w}, method: LARGEST_REMAINDER) { total } }",
     {"d": SFJ, "w": 123456789012345678901234567890.5}),
    ("diankou-admin", "mutation($t: ID!, $n: String!) { setCommandCentre(input: {townshipId: $t, name: $n}) { id } }",
     {"t": DIANKOU, "n": "指挥\x00室"}),
    ("diankou-grid", REPORT, {"i": {"townshipId": DIANKOU, "matterType": "NEIGHBOUR_DISPUTE", "description": "纠纷\x00"}}),
    ("diankou-grid", REPORT, {"i": {"townshipId": DIANKOU, "matterType": "NEIGHBOUR_DISPUTE", "description": "纠纷",
                                    "location": "村口\x00", "attachments": [{"name": "a\x00.jpg", "ref": "oss://b/k"}]}}),
    ("diankou-grid", REPORT, {"i": {"townshipId": DIANKOU, "matterType": "NEIGHBOUR_DISPUTE", "description": "纠纷",
                                    "attachments": [{"name": "a.jpg", "ref": "javascript:alert(1)"}]}}),
    ("diankou-grid", REPORT, {"i": {"townshipId": DIANKOU, "matterType": "NEIGHBOUR_DISPUTE", "description": "x" * 30000}}),
]


@pytest.mark.parametrize("who, query, variables", PROBES, ids=[f"probe{i}" for i in range(len(PROBES))])
def test_bad_input_is_a_clear_error_never_a_server_error(stack, gateway, user_token, who, query, variables):
    counts = _row_counts(stack)
    status, body = gql(gateway, query, variables, token=user_token(who))
    assert status < 500 and error_codes(body) == ["BAD_USER_INPUT"], body
    assert _row_counts(stack) == counts


def test_a_lone_surrogate_is_bad_input(gateway, user_token):
    # JSON can carry what UTF-8 cannot: "\ud800" alone.
    resp = httpx.post(gateway, content=b'{"query": "query($s: String) { users(search: $s) { nodes { id } } }", '
                                       b'"variables": {"s": "a\\ud800b"}}',
                      headers={"content-type": "application/json", "authorization": f"Bearer {user_token('bianban')}"})
    assert resp.status_code < 500 and error_codes(resp.json()) == ["BAD_USER_INPUT"], resp.text


def test_a_department_systems_key_with_a_nul_is_bad_input(gateway, identity_url):
    system = client_token(identity_url, "sfj-system", "sfj-system-demo-secret", "events:report")["access_token"]
    _, body = gql(gateway, REPORT, {"i": {"townshipId": DIANKOU, "matterType": "NEIGHBOUR_DISPUTE",
                                          "description": "纠纷", "idempotencyKey": "k\x00"}}, token=system)
    assert error_codes(body) == ["BAD_USER_INPUT"], body


def _row_counts(stack) -> dict:
    out = {}
    for service, table in (("personnel", "audit_log"), ("platform", "grid_event"), ("platform", "audit_log")):
        with db_conn(stack, service) as conn:
            out[(service, table)] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return out
