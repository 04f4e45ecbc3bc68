"""OpenID Connect on the identity service, tried with standard pieces: the id_token checked by
Authlib's OIDC claim rules against the published JWKS, userinfo by scope, RP-initiated logout,
discovery, and CORS as an allow-list at the identity service and at the gateway."""

from __future__ import annotations

import re
import urllib.parse

import httpx
import pytest
from authlib.oidc.core import CodeIDToken
from helpers import REDIRECT, gql, pkce_pair
from joserfc import jwt
from joserfc.jwk import KeySet
from stackutil import PASSWORD

FOREIGN = "https://evil.example"


def _sign_in(identity_url: str, username: str, *, scope: str, nonce: str | None = None) -> dict:
    verifier, challenge = pkce_pair()
    params = {
        "response_type": "code",
        "client_id": "county-web",
        "redirect_uri": REDIRECT,
        "scope": scope,
        "state": "s1",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    if nonce:
        params["nonce"] = nonce
    with httpx.Client(timeout=30) as client:
        page = client.get(f"{identity_url}/oauth/authorize?{urllib.parse.urlencode(params)}")
        assert page.status_code == 200, page.text
        action = re.search(r'<form method="post" action="([^"]+)"', page.text).group(1).replace("&amp;", "&")
        done = client.post(action, data={"username": username, "password": PASSWORD})
    code = urllib.parse.parse_qs(urllib.parse.urlparse(done.headers["location"]).query)["code"][0]
    token = httpx.post(
        f"{identity_url}/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": "county-web",
            "code_verifier": verifier,
        },
    )
    assert token.status_code == 200, token.text
    return token.json()


def test_the_id_token_satisfies_openid_connect_core(identity_url):
    tokens = _sign_in(identity_url, "sfj-admin", scope="openid profile api", nonce="n-0S6_WzA2Mj")
    meta = httpx.get(f"{identity_url}/.well-known/openid-configuration").json()
    keys = KeySet.import_key_set(httpx.get(meta["jwks_uri"]).json())
    decoded = jwt.decode(tokens["id_token"], keys, algorithms=["RS256"])
    assert decoded.header["kid"] in {k.kid for k in keys.keys}
    claims = CodeIDToken(
        decoded.claims,
        decoded.header,
        options={"iss": {"value": meta["issuer"]}, "aud": {"values": ["county-web"]}},
        params={"nonce": "n-0S6_WzA2Mj", "access_token": tokens["access_token"]},
    )
    claims.validate()  # iss, aud, exp, iat, auth_time, nonce, at_hash (Authlib's rules)
    assert {"sub", "auth_time", "at_hash", "sid"} <= set(decoded.claims)
    assert decoded.claims["preferred_username"] == "sfj-admin" and decoded.claims["name"]


def test_without_openid_there_is_no_id_token_and_plain_oauth_still_works(identity_url):
    tokens = _sign_in(identity_url, "sfj-admin", scope="api offline_access")
    assert "id_token" not in tokens and tokens["access_token"] and tokens["refresh_token"]


def test_userinfo_gives_claims_by_scope_with_role_bindings(identity_url):
    tokens = _sign_in(identity_url, "diankou-admin", scope="openid profile api")
    info = httpx.get(f"{identity_url}/oauth/userinfo", headers={"authorization": f"Bearer {tokens['access_token']}"})
    assert info.status_code == 200, info.text
    body = info.json()
    assert body["preferred_username"] == "diankou-admin" and body["roles"][0]["role"] == "TOWNSHIP_ADMIN"
    bare = _sign_in(identity_url, "diankou-admin", scope="openid api")
    body = httpx.get(
        f"{identity_url}/oauth/userinfo", headers={"authorization": f"Bearer {bare['access_token']}"}
    ).json()
    assert "preferred_username" not in body and body["sub"]
    # No openid: not an OpenID Connect token; garbage: not a token.
    plain = _sign_in(identity_url, "diankou-admin", scope="api")
    assert (
        httpx.get(
            f"{identity_url}/oauth/userinfo", headers={"authorization": f"Bearer {plain['access_token']}"}
        ).status_code
        == 403
    )
    assert httpx.get(f"{identity_url}/oauth/userinfo", headers={"authorization": "Bearer nope"}).status_code == 401


def test_logout_returns_only_to_registered_addresses(identity_url, stack):
    tokens = _sign_in(identity_url, "leader", scope="openid api offline_access")
    bad = httpx.get(
        f"{identity_url}/oauth/logout",
        params={"id_token_hint": tokens["id_token"], "post_logout_redirect_uri": f"{FOREIGN}/"},
    )
    assert bad.status_code == 400 and "location" not in bad.headers and "退出登录失败" in bad.text
    good = httpx.get(
        f"{identity_url}/oauth/logout",
        params={
            "id_token_hint": tokens["id_token"],
            "post_logout_redirect_uri": f"{stack.spa_origin}/",
            "state": "xyz",
        },
    )
    assert good.status_code == 302 and good.headers["location"] == f"{stack.spa_origin}/?state=xyz"
    refreshed = httpx.post(
        f"{identity_url}/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "client_id": "county-web"},
    )
    assert refreshed.status_code == 400  # the session's refresh-token family is gone


def test_discovery_lists_what_is_supported(identity_url):
    meta = httpx.get(f"{identity_url}/.well-known/openid-configuration").json()
    assert {"openid", "profile", "api", "offline_access"} <= set(meta["scopes_supported"])
    assert meta["userinfo_endpoint"].endswith("/oauth/userinfo") and meta["end_session_endpoint"].endswith(
        "/oauth/logout"
    )
    assert meta["response_types_supported"] == ["code"] and meta["id_token_signing_alg_values_supported"] == ["RS256"]
    assert {"sub", "nonce", "auth_time", "at_hash", "name", "preferred_username"} <= set(meta["claims_supported"])


@pytest.mark.parametrize(
    "path, method",
    [
        ("/.well-known/openid-configuration", "GET"),
        ("/.well-known/jwks.json", "GET"),
        ("/oauth/token", "POST"),
        ("/oauth/revoke", "POST"),
        ("/oauth/userinfo", "GET"),
    ],
)
def test_identity_cors_is_an_allow_list(identity_url, stack, path, method):
    def preflight(origin):
        return httpx.options(
            f"{identity_url}{path}",
            headers={
                "origin": origin,
                "access-control-request-method": method,
                "access-control-request-headers": "authorization, content-type",
            },
        )

    ok = preflight(stack.spa_origin)
    assert ok.status_code == 204 and ok.headers["access-control-allow-origin"] == stack.spa_origin
    assert method in ok.headers["access-control-allow-methods"]
    foreign = preflight(FOREIGN)
    assert not any(h.startswith("access-control-") for h in foreign.headers)
    if method == "GET":
        assert (
            httpx.get(f"{identity_url}{path}", headers={"origin": stack.spa_origin}).headers.get(
                "access-control-allow-origin"
            )
            == stack.spa_origin
        )
        assert (
            "access-control-allow-origin" not in httpx.get(f"{identity_url}{path}", headers={"origin": FOREIGN}).headers
        )


def test_gateway_cors_is_an_allow_list(stack, user_token):
    def preflight(origin):
        return httpx.options(
            stack.gateway_url,
            headers={
                "origin": origin,
                "access-control-request-method": "POST",
                "access-control-request-headers": "authorization, content-type",
            },
        )

    ok = preflight(stack.spa_origin)
    assert ok.headers.get("access-control-allow-origin") == stack.spa_origin
    assert "authorization" in ok.headers["access-control-allow-headers"]
    assert not any(h.startswith("access-control-") for h in preflight(FOREIGN).headers)
    resp = httpx.post(
        stack.gateway_url,
        json={"query": "{ me { username } }"},
        headers={"origin": FOREIGN, "authorization": f"Bearer {user_token('leader')}"},
    )
    assert "access-control-allow-origin" not in resp.headers and resp.json()["data"]["me"]["username"] == "leader"


def test_the_login_page_may_return_to_the_app_and_cannot_be_framed(identity_url):
    _, challenge = pkce_pair()
    params = {
        "response_type": "code",
        "client_id": "county-web",
        "redirect_uri": REDIRECT,
        "scope": "openid api",
        "state": "s",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    page = httpx.get(f"{identity_url}/oauth/authorize?{urllib.parse.urlencode(params)}")
    csp = page.headers["content-security-policy"]
    assert f"form-action 'self' {REDIRECT.rsplit('/', 1)[0]}" in csp and "frame-ancestors 'none'" in csp
    unknown = httpx.get(f"{identity_url}/oauth/authorize?{urllib.parse.urlencode({**params, 'client_id': 'nobody'})}")
    assert unknown.status_code == 400 and "未在本系统登记" in unknown.text and "invalid_client" in unknown.text


def test_me_says_who_is_signed_in(gateway, user_token):
    _, body = gql(gateway, "{ me { username name } }", token=user_token("zuzhibu"))
    assert body["data"]["me"]["username"] == "zuzhibu" and body["data"]["me"]["name"]


def test_token_errors_keep_the_code_and_explain_in_chinese(identity_url):
    resp = httpx.post(
        f"{identity_url}/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": "no-such-code",
            "redirect_uri": REDIRECT,
            "client_id": "county-web",
            "code_verifier": pkce_pair()[0],
        },
    )
    body = resp.json()
    assert resp.status_code == 400 and body["error"] == "invalid_grant" and "请重新登录" in body["error_description"]
