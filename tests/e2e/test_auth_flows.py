"""Must show: service tokens and user logins reach the gateway; bad tokens are refused at the
gateway and directly at every subgraph."""

from __future__ import annotations

import time
import uuid

import httpx
from helpers import authorize_url, client_token, error_codes, eventually, gql, login, pkce_pair, refresh, submit_login
from joserfc import jwt
from joserfc.jwk import RSAKey
from stackutil import db_conn, demo_user, subgraph

from identity.login import account_key

ME = "{ me { subject kind scopes departmentId roleBindings { role scopeKind scopeId } } }"
SUBGRAPHS = ["identity", "personnel", "assessment", "platform", "notifications"]


def test_service_client_gets_a_token_by_client_credentials_and_queries_the_gateway(gateway, identity_url):
    token = client_token(identity_url, "sfj-system", "sfj-system-demo-secret", "roster:read")
    assert token["token_type"] == "Bearer" and "refresh_token" not in token
    status, body = gql(gateway, ME + " ", token=token["access_token"])
    assert status == 200, body
    me = body["data"]["me"]
    assert me["kind"] == "service" and me["subject"] == "sfj-system" and me["scopes"] == ["roster:read"]
    assert me["departmentId"]  # a department system's token is bound to its department
    status, body = gql(
        gateway, "{ cadres(first: 2) { nodes { name department { code } } } }", token=token["access_token"]
    )
    assert status == 200 and {n["department"]["code"] for n in body["data"]["cadres"]["nodes"]} == {"sfj"}


def test_user_logs_in_by_authorization_code_with_pkce_and_me_returns_role_bindings(gateway, identity_url):
    tokens = login(identity_url, "diankou-admin", "Demo-2026-county")
    assert tokens["refresh_token"]
    status, body = gql(gateway, ME, token=tokens["access_token"])
    assert status == 200, body
    bindings = body["data"]["me"]["roleBindings"]
    role, scope, scope_id = demo_user("diankou-admin")["roles"][0]
    assert bindings == [{"role": role, "scopeKind": scope, "scopeId": scope_id}]


def test_authorization_without_pkce_is_refused(identity_url):
    resp = httpx.get(authorize_url(identity_url, challenge=None), follow_redirects=False)
    assert resp.status_code == 302
    assert "error=invalid_request" in resp.headers["location"]


def test_authorization_with_plain_pkce_is_refused(identity_url):
    _, challenge = pkce_pair()
    resp = httpx.get(authorize_url(identity_url, challenge, method="plain"), follow_redirects=False)
    assert resp.status_code == 302 and "error=invalid_request" in resp.headers["location"]


def test_code_exchange_with_the_wrong_verifier_is_refused(identity_url):
    _, challenge = pkce_pair()
    resp = submit_login(identity_url, "leader", "Demo-2026-county", challenge)
    code = httpx.URL(resp.headers["location"]).params["code"]
    token = httpx.post(
        f"{identity_url}/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "http://127.0.0.1:4080/callback",
            "client_id": "county-web",
            "code_verifier": pkce_pair()[0],
        },
    )
    assert token.status_code == 400 and token.json()["error"] == "invalid_grant"


def test_unknown_redirect_uri_shows_an_error_page_and_never_redirects(identity_url):
    _, challenge = pkce_pair()
    url = authorize_url(identity_url, challenge, redirect_uri="http://evil.example/callback")
    resp = httpx.get(url, follow_redirects=False)
    assert resp.status_code == 400 and "location" not in resp.headers


def test_password_and_implicit_grants_do_not_exist(identity_url):
    resp = httpx.post(
        f"{identity_url}/oauth/token",
        data={
            "grant_type": "password",
            "username": "leader",
            "password": "Demo-2026-county",
            "client_id": "county-web",
        },
    )
    assert resp.status_code == 400 and resp.json()["error"] == "unsupported_grant_type"
    resp = httpx.get(
        f"{identity_url}/oauth/authorize",
        params={"response_type": "token", "client_id": "county-web", "redirect_uri": "http://127.0.0.1:4080/callback"},
        follow_redirects=False,
    )
    assert resp.status_code in (302, 400)
    assert "access_token" not in resp.headers.get("location", "")


def test_discovery_and_jwks_are_published(identity_url):
    meta = httpx.get(f"{identity_url}/.well-known/oauth-authorization-server").json()
    assert meta["issuer"] == identity_url
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert "password" not in meta["grant_types_supported"] and "implicit" not in meta["grant_types_supported"]
    assert httpx.get(f"{identity_url}/.well-known/openid-configuration").json()["jwks_uri"] == meta["jwks_uri"]
    keys = httpx.get(meta["jwks_uri"]).json()["keys"]
    assert keys and all("d" not in k and k["kid"] for k in keys)


# --- tokens that must be refused everywhere ------------------------------------------------------


def _signing_key(stack) -> RSAKey:
    with db_conn(stack, "identity") as conn:
        row = conn.execute("SELECT private_jwk FROM signing_key WHERE status = 'active'").fetchone()
    return RSAKey.import_key(row[0])


def _claims(stack, **overrides) -> dict:
    now = int(time.time())
    claims = {
        "iss": stack.url("identity"),
        "aud": "county-api",
        "iat": now,
        "nbf": now,
        "exp": now + 300,
        "jti": uuid.uuid4().hex,
        "client_id": "sfj-system",
        "sub": "sfj-system",
        "kind": "service",
        "scope": "roster:read",
        "roles": [],
    }
    claims.update(overrides)
    return claims


def _sign(key: RSAKey, claims: dict, typ: str = "at+jwt") -> str:
    return jwt.encode({"alg": "RS256", "typ": typ, "kid": key.kid}, claims, key)


def _refused_everywhere(stack, token: str | None) -> None:
    status, body = gql(stack.gateway_url, "{ me { subject } }", token=token)
    assert status == 401 and error_codes(body) == ["UNAUTHENTICATED"], body
    for name in SUBGRAPHS:
        status, body = gql(subgraph(stack, name), "{ __typename }", token=token)
        assert status == 401 and error_codes(body) == ["UNAUTHENTICATED"], (name, body)


def test_no_token_is_refused(stack):
    _refused_everywhere(stack, None)


def test_a_forged_signature_is_refused(stack, service_token):
    header, payload, signature = service_token.split(".")
    forged = f"{header}.{payload}.{signature[:-6]}AAAAAA"
    _refused_everywhere(stack, forged)


def test_a_token_signed_by_another_key_with_a_known_kid_is_refused(stack):
    real = _signing_key(stack)
    other = RSAKey.generate_key(2048, parameters={"kid": real.kid})
    _refused_everywhere(stack, _sign(other, _claims(stack)))


def test_an_expired_token_is_refused(stack):
    now = int(time.time())
    _refused_everywhere(stack, _sign(_signing_key(stack), _claims(stack, iat=now - 900, nbf=now - 900, exp=now - 600)))


def test_a_token_for_another_audience_is_refused(stack):
    _refused_everywhere(stack, _sign(_signing_key(stack), _claims(stack, aud="some-other-api")))


def test_a_token_from_another_issuer_is_refused(stack):
    _refused_everywhere(stack, _sign(_signing_key(stack), _claims(stack, iss="https://evil.example")))


def test_an_id_token_style_jwt_is_not_an_access_token(stack):
    _refused_everywhere(stack, _sign(_signing_key(stack), _claims(stack), typ="JWT"))


def test_a_token_with_an_unknown_scope_is_refused_at_the_gateway(stack):
    status, body = gql(
        stack.gateway_url,
        "{ me { subject } }",
        token=_sign(_signing_key(stack), _claims(stack, scope="roster:read root:all")),
    )
    assert status == 401 and error_codes(body) == ["UNAUTHENTICATED"], body


def test_a_well_formed_token_signed_by_the_real_key_is_accepted(stack):
    # The forgeries above differ from this control in exactly one respect each.
    status, body = gql(stack.gateway_url, "{ me { subject } }", token=_sign(_signing_key(stack), _claims(stack)))
    assert status == 200 and body["data"]["me"]["subject"] == "sfj-system"


def test_a_revoked_token_is_refused(stack, identity_url):
    token = client_token(identity_url, "sfj-system", "sfj-system-demo-secret", "roster:read")["access_token"]
    assert gql(stack.gateway_url, "{ me { subject } }", token=token)[0] == 200
    resp = httpx.post(
        f"{identity_url}/oauth/revoke", data={"token": token}, auth=("sfj-system", "sfj-system-demo-secret")
    )
    assert resp.status_code == 200
    eventually(lambda: gql(stack.gateway_url, "{ me { subject } }", token=token)[0] == 401)
    eventually(lambda: all(gql(subgraph(stack, n), "{ __typename }", token=token)[0] == 401 for n in SUBGRAPHS))
    intro = httpx.post(
        f"{identity_url}/oauth/introspect", data={"token": token}, auth=("svc-personnel", "dev-svc-personnel-secret")
    ).json()
    assert intro == {"active": False}


def test_introspection_describes_an_active_token_to_internal_services_only(identity_url, service_token):
    intro = httpx.post(
        f"{identity_url}/oauth/introspect",
        data={"token": service_token},
        auth=("svc-personnel", "dev-svc-personnel-secret"),
    ).json()
    assert intro["active"] is True and intro["client_id"] == "sfj-system" and intro["scope"] == "roster:read"
    # A department system is not a resource server: not even its own token.
    refused = httpx.post(
        f"{identity_url}/oauth/introspect", data={"token": service_token}, auth=("sfj-system", "sfj-system-demo-secret")
    )
    assert refused.json() == {"active": False}


# --- refresh tokens ----------------------------------------------------------------------------


def test_refresh_rotates_and_reuse_of_a_rotated_token_revokes_the_family(stack, identity_url):
    first = login(identity_url, "zuzhibu", "Demo-2026-county")
    second = refresh(identity_url, first["refresh_token"])
    assert second.status_code == 200, second.text
    second = second.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert gql(stack.gateway_url, "{ me { subject } }", token=second["access_token"])[0] == 200

    reuse = refresh(identity_url, first["refresh_token"])  # a stolen copy of the rotated token
    assert reuse.status_code == 400 and reuse.json()["error"] == "invalid_grant"
    # The whole family is gone: the newest refresh token and the access tokens issued from it.
    assert refresh(identity_url, second["refresh_token"]).status_code == 400
    eventually(lambda: gql(stack.gateway_url, "{ me { subject } }", token=second["access_token"])[0] == 401)
    eventually(lambda: gql(subgraph(stack, "personnel"), "{ __typename }", token=second["access_token"])[0] == 401)
    with db_conn(stack, "identity") as conn:
        actions = [r[0] for r in conn.execute("SELECT action FROM audit_log WHERE action = 'token.family_revoked'")]
    assert actions


def test_revoking_a_refresh_token_ends_its_whole_family(stack, identity_url):
    """A browser app logging out revokes its refresh token at /oauth/revoke (RFC 7009): the rotated
    descendants and the access tokens issued from the family die with it."""
    first = login(identity_url, "zuzhibu", "Demo-2026-county")
    second = refresh(identity_url, first["refresh_token"]).json()
    revoked = httpx.post(
        f"{identity_url}/oauth/revoke",
        data={"token": second["refresh_token"], "token_type_hint": "refresh_token", "client_id": "county-web"},
    )
    assert revoked.status_code == 200
    assert refresh(identity_url, second["refresh_token"]).status_code == 400
    eventually(lambda: gql(stack.gateway_url, "{ me { subject } }", token=second["access_token"])[0] == 401)
    # Another session of the same person is untouched.
    other = login(identity_url, "zuzhibu", "Demo-2026-county")
    assert refresh(identity_url, other["refresh_token"]).status_code == 200


# --- lockout -----------------------------------------------------------------------------------


def test_a_lockout_expires_on_its_own(stack, identity_url, user_token):
    username = f"exp{uuid.uuid4().hex[:8]}"
    status, body = gql(
        stack.gateway_url,
        "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }",
        {"i": {"username": username, "displayName": "到期测试", "password": "Correct-Horse-1"}},
        token=user_token("bianban"),
    )
    assert status == 200 and not body.get("errors"), body
    _, challenge = pkce_pair()
    address = {"x-forwarded-for": "203.0.113.9"}
    for _ in range(3):
        submit_login(identity_url, username, "wrong-password", challenge, headers=address)
    assert submit_login(identity_url, username, "Correct-Horse-1", challenge, headers=address).status_code == 429
    with db_conn(stack, "identity") as conn:  # LOCKOUT_MINUTES pass
        moved = conn.execute(
            "UPDATE login_throttle SET blocked_until = now() - interval '1 second', "
            "window_started_at = now() - interval '1 hour' "
            "WHERE blocked_until IS NOT NULL AND key = %s",
            (f"pair:{account_key(username)}|203.0.113.9",),
        ).rowcount
    assert moved == 1
    assert submit_login(identity_url, username, "Correct-Horse-1", challenge, headers=address).status_code == 302


def test_lockout_after_repeated_failed_logins_is_per_address(stack, identity_url, user_token):
    username = f"lock{uuid.uuid4().hex[:8]}"
    status, body = gql(
        stack.gateway_url,
        """mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }""",
        {"i": {"username": username, "displayName": "锁定测试", "password": "Correct-Horse-1"}},
        token=user_token("bianban"),
    )
    assert status == 200 and not body.get("errors"), body
    _, challenge = pkce_pair()
    attacker = {"x-forwarded-for": "203.0.113.7"}  # the test stack trusts 127.0.0.1 as its proxy
    for _ in range(3):  # LOCKOUT_THRESHOLD=3 in the test stack
        failed = submit_login(identity_url, username, "wrong-password", challenge, headers=attacker)
        assert failed.status_code == 401 and "用户名或密码错误" in failed.text
    locked = submit_login(identity_url, username, "Correct-Horse-1", challenge, headers=attacker)
    assert locked.status_code == 429 and "过于频繁" in locked.text and int(locked.headers["retry-after"]) > 0
    # An unknown account gets exactly the same answers: nothing tells the two apart.
    ghost = f"ghost{uuid.uuid4().hex[:8]}"
    for _ in range(3):
        assert submit_login(identity_url, ghost, "wrong-password", challenge, headers=attacker).status_code == 401
    assert submit_login(identity_url, ghost, "Correct-Horse-1", challenge, headers=attacker).status_code == 429
    # The lock holds that address only: the owner, elsewhere, is not shut out.
    assert (
        submit_login(
            identity_url, username, "Correct-Horse-1", challenge, headers={"x-forwarded-for": "198.51.100.20"}
        ).status_code
        == 302
    )
    with db_conn(stack, "identity") as conn:
        reasons = [
            r[0]
            for r in conn.execute(
                "SELECT a.reason FROM audit_log a JOIN user_account u ON a.entity_id = u.id::text "
                "WHERE u.username = %s AND a.action = 'login.failure' ORDER BY a.seq",
                (username,),
            )
        ]
    assert reasons[-1] == "wrong password; address locked out of this account from 203.0.113.7"
    # An administrator can unlock; then the right password works again from that address too.
    user_id = body["data"]["createUser"]["user"]["id"]
    for _ in range(3):
        submit_login(identity_url, username, "wrong-password", challenge, headers=attacker)
    status, body = gql(
        stack.gateway_url,
        "mutation($i: UnlockUserInput!) { unlockUser(input: $i) { user { locked } } }",
        {"i": {"userId": user_id, "reason": "本人来电核实"}},
        token=user_token("bianban"),
    )
    assert body["data"]["unlockUser"]["user"]["locked"] is False
    assert submit_login(identity_url, username, "Correct-Horse-1", challenge, headers=attacker).status_code == 302
