"""Holes an outside review found, each tried again as the reviewer did: scope escalation by a
department system, an unauthenticated memory burst on the identity service, separation of duties."""

from __future__ import annotations

import base64
import concurrent.futures
import json
import time
import uuid

import httpx
import pytest
from helpers import authorize_url, client_token, error_codes, gql, login, pkce_pair, submit_login
from stackutil import DEMO, db_conn, demo_path


def test_client_credentials_grant_only_the_clients_registered_scopes(identity_url):
    for scope in ("events:read api", "events:read", "api", "roster:read offline_access"):
        resp = httpx.post(
            f"{identity_url}/oauth/token",
            data={"grant_type": "client_credentials", "scope": scope},
            auth=("sfj-system", "sfj-system-demo-secret"),
        )
        assert resp.status_code == 400 and resp.json()["error"] == "invalid_scope", (scope, resp.text)
    ok = httpx.post(
        f"{identity_url}/oauth/token",
        data={"grant_type": "client_credentials", "scope": "roster:read events:report"},
        auth=("sfj-system", "sfj-system-demo-secret"),
    )
    assert ok.status_code == 200 and ok.json()["scope"] == "roster:read events:report"
    # No scope asked: the registered ones (RFC 6749 §3.3), never more.
    default = httpx.post(
        f"{identity_url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=("sfj-system", "sfj-system-demo-secret"),
    )
    assert set(default.json()["scope"].split()) == {"roster:read", "events:report", "events:status"}


def test_a_browser_client_cannot_ask_for_the_internal_feed_scope(identity_url):
    _, challenge = pkce_pair()
    resp = httpx.get(authorize_url(identity_url, challenge, scope="api events:read"), follow_redirects=False)
    assert resp.status_code == 302 and "error=invalid_scope" in resp.headers["location"]


def test_a_department_systems_client_cannot_be_given_the_feed_scope(gateway, user_token):
    for scopes in (["events:read"], ["roster:read", "events:read"], ["api"]):
        _, body = gql(
            gateway,
            "mutation($i: CreateServiceClientInput!) { createServiceClient(input: $i) { clientSecret } }",
            {"i": {"clientId": f"c{uuid.uuid4().hex[:10]}", "name": "测试系统", "scopes": scopes}},
            token=user_token("bianban"),
        )
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

    # A known account of its own, so its account lock (ACCOUNT_LOCKOUT_THRESHOLD) holds no demo login.
    owner = f"burst{uuid.uuid4().hex[:8]}"
    _, made = gql(
        stack.gateway_url,
        "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }",
        {"i": {"username": owner, "displayName": "压测账号", "password": "Burst-Pass-2026"}},
        token=login(identity_url, "bianban", "Demo-2026-county")["access_token"],
    )
    assert not made.get("errors"), made

    def attempt(i: int) -> int:
        name = owner if i % 2 else f"nobody{i}"
        return submit_login(identity_url, name, f"wrong-{i}", challenge, headers=address).status_code

    with concurrent.futures.ThreadPoolExecutor(max_workers=24) as pool:
        statuses = list(pool.map(attempt, range(48)))
    assert set(statuses) <= {401, 429, 503}, statuses
    peak = _rss_kib(pid, "VmHWM")
    assert peak - before < 160 * 1024, f"identity grew from {before} KiB to a peak of {peak} KiB"
    # The address is now turned away before any hashing, whatever the account.
    assert attempt(1) == 429 and attempt(2) == 429
    # Another address is unaffected, and the real user still gets in.
    assert (
        submit_login(
            identity_url, "bianban", "Demo-2026-county", challenge, headers={"x-forwarded-for": "198.51.100.77"}
        ).status_code
        == 302
    )
    assert httpx.get(f"{identity_url}/readyz").status_code == 200


def test_one_account_guessed_from_many_forwarded_addresses_is_locked(stack, identity_url, user_token):
    """Before: 12 bad passwords for one account, each with a different X-Forwarded-For, gave 12 × 401
    and no 429 (the throttle keys held the address the caller chose)."""
    username = f"xff{uuid.uuid4().hex[:8]}"
    _, made = gql(
        stack.gateway_url,
        "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }",
        {"i": {"username": username, "displayName": "多地址测试", "password": "Many-Addr-2026"}},
        token=user_token("bianban"),
    )
    assert not made.get("errors"), made
    _, challenge = pkce_pair()
    statuses = [
        submit_login(
            identity_url, username, f"bad-{i}", challenge, headers={"x-forwarded-for": f"192.0.2.{i}"}
        ).status_code
        for i in range(1, 13)
    ]
    assert 429 in statuses and statuses[-1] == 429, statuses


def test_a_department_systems_client_needs_its_department_to_read_the_roster(gateway, user_token, identity_url):
    """Before: a client registered with roster:read and no departmentId read the whole county."""
    _, body = gql(
        gateway,
        "mutation($i: CreateServiceClientInput!) { createServiceClient(input: $i) { clientSecret } }",
        {"i": {"clientId": f"c{uuid.uuid4().hex[:10]}", "name": "无部门系统", "scopes": ["roster:read"]}},
        token=user_token("bianban"),
    )
    assert error_codes(body) == ["BAD_USER_INPUT"] and "所属部门" in body["errors"][0]["message"]


# --- separation of duties ----------------------------------------------------------------------

GRANT = "mutation($i: GrantRoleInput!) { grantRole(input: $i) { user { roleBindings { id role } } } }"
REVOKE = "mutation($i: RevokeRoleInput!) { revokeRole(input: $i) { user { id } } }"


def _subject(gateway, token) -> str:
    return gql(gateway, "{ me { subject } }", token=token)[1]["data"]["me"]["subject"]


def _new_user(gateway, token) -> str:
    _, body = gql(
        gateway,
        "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }",
        {"i": {"username": f"sod{uuid.uuid4().hex[:10]}", "displayName": "分权测试", "password": "Duties-Pass-2026"}},
        token=token,
    )
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
    _, body = gql(
        gateway, GRANT, {"i": {"userId": user, "role": "STAFFING_OFFICE", "scopeKind": "COUNTY"}}, token=bianban
    )
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
        actor, kind = conn.execute(
            "SELECT actor, actor_kind FROM audit_log WHERE action = 'role.bootstrap' ORDER BY seq DESC LIMIT 1"
        ).fetchone()
    assert kind == "operator" and actor.startswith("cli:")
    from helpers import login

    token = login(identity_url, username, "Bootstrap-Pass-2026")["access_token"]
    assert gql(stack.gateway_url, "{ me { roleBindings { role } } }", token=token)[1]["data"]["me"]["roleBindings"] == [
        {"role": "STAFFING_OFFICE"}
    ]


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


def test_a_roster_diff_counts_as_an_expensive_field(stack, gateway, user_token):
    """Before: rosterDiff (two whole snapshots compared) could be aliased 15 times in one request."""
    many = "{ " + " ".join(f'd{i}: rosterDiff(snapshotId: "{uuid.uuid4()}") {{ __typename }}' for i in range(3)) + " }"
    for url in (gateway, f"{stack.url('personnel')}/graphql"):
        _, body = gql(url, many, token=user_token("bianban"))
        assert body.get("data") is None and "BAD_USER_INPUT" in error_codes(body), (url, body)


def test_one_caller_is_held_to_its_request_rate_and_others_are_not(stack, identity_url):
    """Before: no per-caller limit — one script could take the graph from everyone. A gateway of its
    own (on the same services) with a small bucket: 5 at once, then one per two seconds."""
    import subprocess

    from devstack import ROOT
    from stackutil import free_port

    port = free_port()
    env = {**stack.env(), "GATEWAY_PORT": str(port), "GATEWAY_HOST": "127.0.0.1"}
    env.update(GATEWAY_RATE_BURST="5", GATEWAY_RATE_PER_SECOND="0.5")
    proc = subprocess.Popen(
        ["node", "node_modules/.bin/hive-gateway", "supergraph"],
        cwd=ROOT / "gateway",
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        from helpers import eventually

        def ready() -> bool:
            try:
                return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        eventually(ready, timeout=30)
        url = f"http://127.0.0.1:{port}/graphql"
        busy = client_token(identity_url, "sfj-system", "sfj-system-demo-secret", "roster:read")["access_token"]
        calm = login(identity_url, "zuzhibu", "Demo-2026-county")["access_token"]
        answers = [gql(url, "{ me { subject } }", token=busy) for _ in range(8)]
        assert [status for status, _ in answers[:5]] == [200] * 5
        status, body = answers[-1]
        assert status == 429 and error_codes(body) == ["RATE_LIMITED"], body
        assert body["errors"][0]["extensions"]["retryAfter"] >= 1
        # Another caller has a bucket of its own.
        assert gql(url, "{ me { subject } }", token=calm)[0] == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_introspection_and_suggestions_are_off_outside_dev(stack, gateway, user_token):
    token = user_token("bianban")
    subgraphs = ("identity", "personnel", "assessment", "platform", "notifications")
    for url in (gateway, *(f"{stack.url(n)}/graphql" for n in subgraphs)):
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
    for name in ("personnel", "assessment", "platform", "identity", "notifications"):
        _, body = gql(f"{stack.url(name)}/graphql", "{ __typename }", token=feed_reader)
        assert error_codes(body) == ["FORBIDDEN"], (name, body)


def test_a_root_field_inside_a_fragment_is_held_to_its_scopes_too(stack, identity_url):
    """Before: the kernel's per-field scope check looked at plain root fields only."""
    roster_reader = client_token(identity_url, "sfj-system", "sfj-system-demo-secret", "roster:read")["access_token"]
    url = f"{stack.url('assessment')}/graphql"
    for query in (
        "{ ... on Query { assessmentCycles { id } } }",
        "query { ...Cycles } fragment Cycles on Query { assessmentCycles { id } }",
        "{ ... { ... on Query { assessmentCycles { id } } } }",
    ):
        _, body = gql(url, query, token=roster_reader)
        assert error_codes(body) == ["FORBIDDEN"], (query, body)


def test_a_township_reached_through_a_reference_shows_no_planning_figures_without_roster_read(
    stack, gateway, identity_url
):
    """Before: a department system with events:report events:status (no roster:read) was refused
    `townships` yet read each township's factors and monthly workload through its own grid events."""
    system = client_token(identity_url, "sfj-system", "sfj-system-demo-secret", "events:report events:status")[
        "access_token"
    ]
    township = next(t["id"] for t in ORG["townships"] if t["code"] == "diankou")
    _, made = gql(
        gateway,
        "mutation($i: ReportEventInput!) { reportEvent(input: $i) { created } }",
        {
            "i": {
                "townshipId": township,
                "matterType": "NEIGHBOUR_DISPUTE",
                "description": "引用测试",
                "idempotencyKey": f"ref-{uuid.uuid4().hex[:8]}",
            }
        },
        token=system,
    )
    assert made["data"]["reportEvent"]["created"] is True, made
    _, body = gql(gateway, "{ townships { nodes { id } } }", token=system)
    assert error_codes(body) == ["FORBIDDEN"]
    _, body = gql(
        gateway,
        "{ gridEvents(first: 5) { nodes { township { id name factors { population } workloadMonths { events } } } } }",
        token=system,
    )
    assert not body.get("errors"), body
    townships = [n["township"] for n in body["data"]["gridEvents"]["nodes"]]
    assert townships and all(t["name"] and t["factors"] is None and t["workloadMonths"] == [] for t in townships)
    # With roster:read the same system reads them, as through `townships`.
    reader = client_token(identity_url, "sfj-system", "sfj-system-demo-secret", "roster:read events:status")[
        "access_token"
    ]
    _, body = gql(gateway, "{ townships { nodes { factors { population } } } }", token=reader)
    assert body["data"]["townships"]["nodes"][0]["factors"]["population"] > 0


def test_the_gateway_requires_the_claims_the_subgraphs_require(stack):
    from test_auth_flows import _claims, _sign, _signing_key

    key = _signing_key(stack)
    for claim in ("jti", "sub", "client_id"):
        claims = _claims(stack)
        del claims[claim]
        status, body = gql(stack.gateway_url, "{ me { subject } }", token=_sign(key, claims))
        assert status == 401 and error_codes(body) == ["UNAUTHENTICATED"], (claim, body)


def test_a_flood_of_unknown_kids_leaves_the_real_key_working_at_the_gateway(stack, identity_url):
    """Before: the gateway's jwks-rsa spent its rate limit (60 fetches a minute) on made-up kids; once
    the real key's cache entry expired (JWKS_CACHE_SECONDS=1 here) its refetch was refused and every
    caller got "Authentication is not available" (500) for as long as the flood lasted."""
    from joserfc import jwt as jose_jwt
    from joserfc.jwk import RSAKey
    from test_auth_flows import _claims

    forger = RSAKey.generate_key(2048)
    for i in range(80):
        token = jose_jwt.encode({"alg": "RS256", "typ": "at+jwt", "kid": f"made-up-{i}"}, _claims(stack), forger)
        status, body = gql(stack.gateway_url, "{ me { subject } }", token=token)
        assert status == 401 and error_codes(body) == ["UNAUTHENTICATED"], (i, body)
    time.sleep(1.5)  # the real key's cache lifetime passes
    real = client_token(identity_url, "sfj-system", "sfj-system-demo-secret", "roster:read")["access_token"]
    status, body = gql(stack.gateway_url, "{ me { subject } }", token=real)
    assert status == 200 and body["data"]["me"]["subject"] == "sfj-system", body


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
    (
        "bianban",
        "query($a: String) { cadres(first: 2, after: $a) { nodes { id } } }",
        {"a": _b64(b'["a\\u0000", "x"]')},
    ),
    (
        "bianban",
        "query($a: String) { cadres(first: 2, after: $a) { nodes { id } } }",
        {"a": _b64(b'[{"x": [1]}, "x"]')},
    ),
    (
        "sfj-admin",
        "mutation($i: UpdateProfessionalInfoInput!) { updateProfessionalInfo(input: $i) { id } }",
        {"i": {"cadreId": DEMO_CADRE, "rank": "科" * 41}},
    ),
    (
        "sfj-admin",
        "mutation($i: UpdateProfessionalInfoInput!) { updateProfessionalInfo(input: $i) { id } }",
        {"i": {"cadreId": DEMO_CADRE, "enforcementCertNo": "9" * 41}},
    ),
    (
        "bianban",
        "query($d: ID!) { quotaProposal(departmentId: $d, weights: {population: 1e279}, method: LARGEST_REMAINDER) { "
        "total } }",
        {"d": SFJ},
    ),
    (
        "bianban",
        "query($d: ID!) { quotaProposal(departmentId: $d, weights: {population: 1}, method: LARGEST_REMAINDER, "
        "minimumPerAgency: -3517) { total } }",
        {"d": SFJ},
    ),
    (
        "bianban",
        "query($d: ID!) { quotaProposal(departmentId: $d, weights: {population: 1}, method: LARGEST_REMAINDER, "
        "total: -314) { total } }",
        {"d": SFJ},
    ),
    (
        "bianban",
        "query($d: ID!, $w: Float!) { quotaProposal(departmentId: $d, weights: {area: $w}, method: "
        "LARGEST_REMAINDER) { total } }",
        {"d": SFJ, "w": 123456789012345678901234567890.5},
    ),
    (
        "diankou-admin",
        "mutation($t: ID!, $n: String!) { setCommandCentre(input: {townshipId: $t, name: $n}) { id } }",
        {"t": DIANKOU, "n": "指挥\x00室"},
    ),
    (
        "diankou-grid",
        REPORT,
        {"i": {"townshipId": DIANKOU, "matterType": "NEIGHBOUR_DISPUTE", "description": "纠纷\x00"}},
    ),
    (
        "diankou-grid",
        REPORT,
        {
            "i": {
                "townshipId": DIANKOU,
                "matterType": "NEIGHBOUR_DISPUTE",
                "description": "纠纷",
                "location": "村口\x00",
                "attachments": [{"name": "a\x00.jpg", "ref": "oss://county-files/k"}],
            }
        },
    ),
    (
        "diankou-grid",
        REPORT,
        {
            "i": {
                "townshipId": DIANKOU,
                "matterType": "NEIGHBOUR_DISPUTE",
                "description": "纠纷",
                "attachments": [{"name": "a.jpg", "ref": "javascript:alert(1)"}],
            }
        },
    ),
    (
        "diankou-grid",
        REPORT,
        {"i": {"townshipId": DIANKOU, "matterType": "NEIGHBOUR_DISPUTE", "description": "x" * 30000}},
    ),
]


@pytest.mark.parametrize("who, query, variables", PROBES, ids=[f"probe{i}" for i in range(len(PROBES))])
def test_bad_input_is_a_clear_error_never_a_server_error(stack, gateway, user_token, who, query, variables):
    counts = _row_counts(stack)
    status, body = gql(gateway, query, variables, token=user_token(who))
    assert status < 500 and error_codes(body) == ["BAD_USER_INPUT"], body
    assert _row_counts(stack) == counts


def test_a_lone_surrogate_is_bad_input(gateway, user_token):
    # JSON can carry what UTF-8 cannot: "\ud800" alone.
    resp = httpx.post(
        gateway,
        content=b'{"query": "query($s: String) { users(search: $s) { nodes { id } } }", '
        b'"variables": {"s": "a\\ud800b"}}',
        headers={"content-type": "application/json", "authorization": f"Bearer {user_token('bianban')}"},
    )
    assert resp.status_code < 500 and error_codes(resp.json()) == ["BAD_USER_INPUT"], resp.text


def test_a_department_systems_key_with_a_nul_is_bad_input(gateway, identity_url):
    system = client_token(identity_url, "sfj-system", "sfj-system-demo-secret", "events:report")["access_token"]
    _, body = gql(
        gateway,
        REPORT,
        {
            "i": {
                "townshipId": DIANKOU,
                "matterType": "NEIGHBOUR_DISPUTE",
                "description": "纠纷",
                "idempotencyKey": "k\x00",
            }
        },
        token=system,
    )
    assert error_codes(body) == ["BAD_USER_INPUT"], body


def _row_counts(stack) -> dict:
    out = {}
    for service, table in (("personnel", "audit_log"), ("platform", "grid_event"), ("platform", "audit_log")):
        with db_conn(stack, service) as conn:
            out[(service, table)] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return out


# --- one request, one transaction ---------------------------------------------------------------


def test_a_document_of_mutations_commits_whole_or_not_at_all(stack, gateway, user_token):
    token = user_token("bianban")
    _, body = gql(
        gateway,
        "query($d: ID!) { agencies(first: 1, departmentId: $d) { nodes { id quota } } }",
        {"d": SFJ},
        token=token,
    )
    agency = body["data"]["agencies"]["nodes"][0]
    _, body = gql(gateway, "{ departments(first: 50) { nodes { id quotaTotal } } }", token=token)
    total = next(d["quotaTotal"] for d in body["data"]["departments"]["nodes"] if d["id"] == SFJ)
    document = """mutation($p: ProposeQuotaChangeInput!, $d: DecideQuotaChangeInput!) {
      proposeQuotaChange(input: $p) { request { id } }
      decideQuotaChange(input: $d) { request { id } } }"""
    variables = {
        "p": {
            "departmentId": SFJ,
            "newTotal": total + 1,
            "reason": "整体提交测试",
            "agencyQuotas": [{"agencyId": agency["id"], "quota": agency["quota"] + 1}],
        },
        "d": {"requestId": str(uuid.uuid4()), "approve": True},
    }

    def requests() -> int:
        with db_conn(stack, "personnel") as conn:
            return conn.execute("SELECT count(*) FROM quota_change_request").fetchone()[0]

    before = requests()
    # Directly, the subgraph runs both in one transaction: the refused second undoes the first.
    _, body = gql(f"{stack.url('personnel')}/graphql", document, variables, token=token)
    assert "NOT_FOUND" in error_codes(body) and requests() == before, body
    # The gateway would send each field as a request of its own (each committing on its own), so it
    # takes one mutation field per request.
    _, body = gql(gateway, document, variables, token=token)
    assert error_codes(body) == ["BAD_USER_INPUT"] and body.get("data") is None, body
    assert requests() == before


# --- who sees what ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "username, sees",
    [
        ("zuzhibu", True),
        ("leader", True),
        ("sfj-admin", True),
        ("diankou-admin", True),
        ("cadre-demo", True),
        ("diankou-cc", False),
        ("diankou-grid", False),
        ("diankou-sfs-head", False),
        ("bianban", False),
    ],
)
def test_grades_only_for_the_assessment_audience(gateway, user_token, username, sees):
    _, body = gql(
        gateway,
        '{ cadre(id: "%s") { name assessmentResults { year grade } } }' % DEMO_CADRE,
        token=user_token(username),
    )
    cadre = body["data"]["cadre"]
    assert cadre is not None and (cadre["assessmentResults"] is not None) is sees, body


def test_grades_are_not_for_service_tokens(gateway, service_token):
    _, body = gql(gateway, "{ cadres(first: 3) { nodes { assessmentResults { grade } } } }", token=service_token)
    assert all(n["assessmentResults"] is None for n in body["data"]["cadres"]["nodes"]), body


def test_concurrent_retries_with_one_idempotency_key_return_the_first_event(stack, gateway, identity_url):
    system = client_token(identity_url, "sfj-system", "sfj-system-demo-secret", "events:report")["access_token"]
    variables = {
        "i": {
            "townshipId": DIANKOU,
            "matterType": "NEIGHBOUR_DISPUTE",
            "description": "并发重试",
            "idempotencyKey": f"race-{uuid.uuid4().hex}",
        }
    }
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: gql(gateway, REPORT, variables, token=system), range(4)))
    assert all(status == 200 and not body.get("errors") for status, body in answers), answers
    events = {body["data"]["reportEvent"]["event"]["id"] for _, body in answers}
    created = [body["data"]["reportEvent"]["created"] for _, body in answers]
    assert len(events) == 1 and created.count(True) == 1, answers


def test_acting_on_another_townships_event_reveals_nothing(gateway, user_token):
    _, body = gql(
        gateway,
        REPORT,
        {"i": {"townshipId": DIANKOU, "matterType": "NEIGHBOUR_DISPUTE", "description": "他镇事件"}},
        token=user_token("diankou-grid"),
    )
    event = body["data"]["reportEvent"]["event"]["id"]
    act = "mutation($i: EventActionInput!) { actOnEvent(input: $i) { state } }"
    answers = []
    for target in (event, str(uuid.uuid4())):
        for action in ("ACCEPT", "SIGN", "VERIFY_PASS"):
            _, body = gql(
                gateway, act, {"i": {"eventId": target, "action": action}}, token=user_token("fengqiao-admin")
            )
            answers.append(
                (error_codes(body), body["errors"][0]["message"], body["errors"][0]["extensions"].get("allowed"))
            )
    # The same answer for a real event in any state-dependent action and for an id that does not exist.
    assert len(set(map(repr, answers))) == 1 and answers[0][0] == ["NOT_FOUND"], answers


# --- accounts and codes ---------------------------------------------------------------------------


def test_a_deactivated_user_cannot_sign_in_or_refresh_and_their_tokens_die(stack, gateway, identity_url, user_token):
    from helpers import eventually, login, refresh

    admin = user_token("bianban")
    username = f"leave{uuid.uuid4().hex[:8]}"
    _, body = gql(
        gateway,
        "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }",
        {"i": {"username": username, "displayName": "离职测试", "password": "Leaving-Pass-2026"}},
        token=admin,
    )
    user_id = body["data"]["createUser"]["user"]["id"]
    tokens = login(identity_url, username, "Leaving-Pass-2026")
    assert gql(gateway, "{ me { subject } }", token=tokens["access_token"])[0] == 200
    _, body = gql(
        gateway,
        "mutation($i: DeactivateUserInput!) { deactivateUser(input: $i) { user { active } } }",
        {"i": {"userId": user_id, "reason": "调出本县"}},
        token=admin,
    )
    assert body["data"]["deactivateUser"]["user"]["active"] is False, body
    assert refresh(identity_url, tokens["refresh_token"]).status_code == 400
    eventually(lambda: gql(gateway, "{ me { subject } }", token=tokens["access_token"])[0] == 401)
    _, challenge = pkce_pair()
    assert submit_login(identity_url, username, "Leaving-Pass-2026", challenge).status_code == 401


def _code(identity_url: str) -> tuple[str, str]:
    import urllib.parse

    verifier, challenge = pkce_pair()
    resp = submit_login(identity_url, "leader", "Demo-2026-county", challenge)
    return urllib.parse.parse_qs(urllib.parse.urlparse(resp.headers["location"]).query)["code"][0], verifier


def _exchange(identity_url: str, code: str, verifier: str) -> httpx.Response:
    from helpers import REDIRECT

    return httpx.post(
        f"{identity_url}/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": "county-web",
            "code_verifier": verifier,
        },
    )


def test_a_code_dies_after_a_failed_pkce_attempt(identity_url):
    code, verifier = _code(identity_url)
    assert _exchange(identity_url, code, pkce_pair()[0]).status_code == 400
    again = _exchange(identity_url, code, verifier)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_reuse_of_a_code_revokes_what_it_issued(stack, identity_url):
    from helpers import eventually, refresh

    code, verifier = _code(identity_url)
    first = _exchange(identity_url, code, verifier)
    assert first.status_code == 200
    tokens = first.json()
    assert _exchange(identity_url, code, verifier).json()["error"] == "invalid_grant"
    assert refresh(identity_url, tokens["refresh_token"]).status_code == 400
    eventually(lambda: gql(stack.gateway_url, "{ me { subject } }", token=tokens["access_token"])[0] == 401)


def test_a_bulk_export_of_personal_data_is_audited(stack, gateway, user_token):
    def exports() -> int:
        with db_conn(stack, "personnel") as conn:
            return conn.execute("SELECT count(*) FROM audit_log WHERE action = 'roster.export'").fetchone()[0]

    before = exports()
    _, body = gql(gateway, "{ exportRoster { filename } }", token=user_token("sfj-admin"))
    assert body["data"]["exportRoster"]["filename"]
    assert exports() == before + 1


def test_a_failed_client_authentication_is_audited(stack, identity_url):
    resp = httpx.post(
        f"{identity_url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=("sfj-system", "not-the-secret"),
        headers={"x-forwarded-for": "198.51.100.99"},
    )
    assert resp.status_code == 401
    with db_conn(stack, "identity") as conn:
        row = conn.execute(
            "SELECT reason FROM audit_log WHERE action = 'client.auth_failure' ORDER BY seq DESC LIMIT 1"
        ).fetchone()
    assert row == ("from 198.51.100.99",)


def test_a_refused_input_is_logged_without_the_values_it_echoes(stack, user_token):
    """Before: graphql-core's coercion message echoes the whole input object, and the service logged
    it: an ID number and a phone typed into a form ended up in the log store."""
    with db_conn(stack, "personnel") as conn:
        id_number, phone = conn.execute(
            "SELECT id_number, phone FROM cadre WHERE id_number IS NOT NULL AND phone IS NOT NULL LIMIT 1"
        ).fetchone()
    newcomer = {
        "name": "张三",
        "birthDate": "1990-01-01",
        "professionalLine": "人民调解",
        "idNumber": id_number,
        "phone": phone,
        "bogus": 1,
    }
    variables = {
        "i": {
            "departmentId": str(uuid.uuid4()),
            "effectiveDate": "2026-12-01",
            "reason": "补员",
            "items": [{"kind": "IN", "newcomer": newcomer}],
        }
    }
    _, body = gql(
        f"{stack.url('personnel')}/graphql",
        "mutation($i: SubmitAdjustmentsInput!) { submitAdjustments(input: $i) { __typename } }",
        variables,
        token=user_token("sfj-admin"),
    )
    assert error_codes(body) == ["BAD_USER_INPUT"] and id_number in body["errors"][0]["message"]  # the caller's own
    log = (stack.log_dir / "personnel.log").read_text(encoding="utf-8")
    assert "graphql error" in log and "bogus" in log
    assert id_number not in log and phone not in log
