"""The OAuth 2 / OpenID Connect server in process, driven by Authlib's own client (the standard
library a Python department system or a test harness brings) over an ASGI transport to the real
identity app with its own database: authorization code with PKCE S256 and its refusals, the
id_token, refresh-token rotation and reuse detection, revocation (RFC 7009) ending a whole family,
introspection (RFC 7662) for internal services only, client credentials held to the registered
scopes, userinfo. Each refusal is checked by its OAuth error and by what it leaves behind."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import re
import secrets
import urllib.parse
import uuid

import httpx
import pytest
from authlib.integrations.httpx_client import AsyncOAuth2Client
from identity_inprocess import ISSUER, identity_settings, seeded
from joserfc import jwt
from joserfc.jwk import KeySet
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from identity import app as identity_app
from identity import keys, passwords, seed
from identity.config import IdentitySettings
from identity.models import AuthorizationCode, IssuedAccessToken, OAuthClient, RefreshToken, RoleBindingRow, User
from servicekit import db
from servicekit.audit import AuditRecord

REDIRECT = "http://127.0.0.1:4080/callback"
PASSWORD = "Ward-4-County!"
DEPT_SECRET = "dept-system-secret-0123456789"
TOWN = str(uuid.UUID(int=200))


class World:
    def __init__(self, app, settings: IdentitySettings, engine, user_id: uuid.UUID, jwks: KeySet):
        self.app, self.settings, self.engine, self.user_id, self.jwks = app, settings, engine, user_id, jwks

    def http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url=ISSUER)

    def oauth(self, client_id: str = "county-web", **kw) -> AsyncOAuth2Client:
        return AsyncOAuth2Client(
            client_id=client_id,
            transport=httpx.ASGITransport(app=self.app),
            base_url=ISSUER,
            **kw,
        )

    def session(self) -> Session:
        return Session(self.engine)


@pytest.fixture(scope="module")
def world(database_url, run_prefix, tmp_path_factory):
    settings, _ = identity_settings(database_url, f"{run_prefix}og_", tmp_path_factory.mktemp("keys"))
    users = {}

    def seed_world(session):
        seed.ensure_internal_clients(session, settings, ["personnel"])
        seed.ensure_web_client(session, "http://127.0.0.1:4080")
        session.add(
            OAuthClient(
                client_id="sfj-system",
                name="司法局业务系统",
                secret_hash=passwords.hash_password(DEPT_SECRET),
                redirect_uris=[],
                grant_types=["client_credentials"],
                scopes=["events:report", "events:status"],
                department_id="dept-justice",
            )
        )
        for username, name in (("zhang", "张三"), ("li", "李四")):
            user = User(username=username, display_name=name, password_hash=passwords.hash_password(PASSWORD))
            session.add(user)
            session.flush()
            session.add(RoleBindingRow(user_id=user.id, role="COMMAND_CENTRE", scope_kind="TOWNSHIP", scope_id=TOWN))
            users[username] = user.id

    seeded(settings, seed_world)
    engine = db.make_sync_engine(settings)
    jwks = KeySet.import_key_set(keys.public_jwks(None, settings))
    yield World(identity_app.build(settings), settings, engine, users["zhang"], jwks)
    engine.dispose()


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    return verifier, base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


async def authorize(world: World, *, username="zhang", scope="openid profile api offline_access", **params) -> dict:
    """The browser's part: the login page, then the form posted back; returns the redirect's query."""
    query = {
        "response_type": "code",
        "client_id": "county-web",
        "redirect_uri": REDIRECT,
        "scope": scope,
        "state": "st-1",
        **params,
    }
    async with world.http() as c:
        page = await c.get("/oauth/authorize", params={k: v for k, v in query.items() if v is not None})
        if page.status_code == 302:  # refused back to the app, with the error in the query
            return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(page.headers["location"]).query))
        if "<form" not in page.text:  # refused on an error page (no trusted place to go back to)
            return {"status": page.status_code, "location": page.headers.get("location"), "text": page.text}
        action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page.text).group(1))
        resp = await c.post(action, data={"username": username, "password": PASSWORD})
    assert resp.status_code == 302, resp.text
    return {k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(resp.headers["location"]).query).items()}


async def sign_in(world: World, scope="openid profile api offline_access", nonce=None, username="zhang") -> dict:
    """The whole authorization code flow with Authlib's client: URL with PKCE, login, exchange."""
    async with world.oauth(scope=scope, redirect_uri=REDIRECT, code_challenge_method="S256") as client:
        verifier = secrets.token_urlsafe(48)
        url, state = client.create_authorization_url(f"{ISSUER}/oauth/authorize", code_verifier=verifier, nonce=nonce)
        params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
        assert params["code_challenge_method"] == "S256"
        got = await authorize(
            world,
            username=username,
            scope=scope,
            state=state,
            nonce=nonce,
            code_challenge=params["code_challenge"],
            code_challenge_method="S256",
        )
        assert got["state"] == state
        return await client.fetch_token(f"{ISSUER}/oauth/token", code=got["code"], code_verifier=verifier)


def code_exchange(code: str, verifier: str) -> dict:
    """The public client's token request for an authorization code."""
    return {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": "county-web",
        "code_verifier": verifier,
    }


async def token_request(world: World, data: dict, auth=None) -> httpx.Response:
    async with world.http() as c:
        return await c.post("/oauth/token", data=data, auth=auth)


def claims(world: World, token: str) -> dict:
    return dict(jwt.decode(token, world.jwks).claims)


def family_of(world: World, refresh_token: str) -> list[RefreshToken]:
    with world.session() as s:
        row = s.get(RefreshToken, hashlib.sha256(refresh_token.encode()).hexdigest())
        return list(s.scalars(select(RefreshToken).where(RefreshToken.family_id == row.family_id)).all())


async def revoked_jtis(world: World) -> set[str]:
    async with world.http() as c:
        return set((await c.get("/oauth/revoked")).json()["jtis"])


# ---- authorization code with PKCE ----------------------------------------------------------------


async def test_a_browser_app_signs_in_with_code_and_pkce_and_gets_a_users_access_token(world):
    token = await sign_in(world)
    assert token["token_type"] == "Bearer" and token["expires_in"] == world.settings.access_token_seconds
    assert token["scope"] == "openid profile api offline_access" and token["refresh_token"]
    access = claims(world, token["access_token"])
    assert {k: access[k] for k in ("iss", "aud", "client_id", "sub", "kind", "name", "username", "scope")} == {
        "iss": ISSUER,
        "aud": "county-api",
        "client_id": "county-web",
        "sub": str(world.user_id),
        "kind": "user",
        "name": "张三",
        "username": "zhang",
        "scope": "openid profile api offline_access",
    }
    assert access["roles"] == [{"role": "COMMAND_CENTRE", "scope": "TOWNSHIP", "id": TOWN}]
    assert access["exp"] - access["iat"] == world.settings.access_token_seconds and access["nbf"] == access["iat"]
    assert jwt.decode(token["access_token"], world.jwks).header["typ"] == "at+jwt"
    with world.session() as s:
        row = s.get(IssuedAccessToken, access["jti"])
        assert (row.client_id, row.subject, row.revoked_at) == ("county-web", str(world.user_id), None)
        assert int(row.expires_at.timestamp()) == access["exp"]
        record = s.scalar(select(AuditRecord).where(AuditRecord.entity_id == access["jti"]))
        assert (record.action, record.actor, record.actor_kind, record.after) == (
            "token.issue",
            str(world.user_id),
            "user",
            {"client_id": "county-web", "grant_type": "authorization_code", "scope": access["scope"]},
        )


async def test_the_id_token_names_the_person_the_client_the_nonce_and_the_session(world):
    token = await sign_in(world, nonce="n-" + secrets.token_hex(8))
    decoded = jwt.decode(token["id_token"], world.jwks)
    idt = decoded.claims
    assert decoded.header["typ"] == "JWT" and decoded.header["kid"] == next(iter(world.jwks.keys)).kid
    assert (idt["iss"], idt["aud"], idt["sub"], idt["name"], idt["preferred_username"]) == (
        ISSUER,
        ["county-web"],
        str(world.user_id),
        "张三",
        "zhang",
    )
    assert idt["nonce"].startswith("n-") and idt["auth_time"] <= idt["iat"] <= idt["exp"]
    assert idt["exp"] - idt["iat"] == world.settings.id_token_seconds
    assert idt["sid"] == str(family_of(world, token["refresh_token"])[0].family_id)
    assert idt["amr"] == ["pwd"] and "roles" not in idt


async def test_without_profile_the_id_token_carries_no_name(world):
    token = await sign_in(world, scope="openid api")
    idt = claims(world, token["id_token"])
    assert "name" not in idt and "preferred_username" not in idt, idt


async def test_a_replayed_nonce_is_refused(world):
    nonce = "n-" + secrets.token_hex(8)
    await sign_in(world, nonce=nonce)
    _, challenge = pkce()
    got = await authorize(world, nonce=nonce, code_challenge=challenge, code_challenge_method="S256")
    assert (got["error"], got["error_description"], got["state"]) == ("invalid_request", "Replay attack", "st-1")


async def test_a_nonce_longer_than_can_be_stored_whole_is_refused_not_cut(world):
    """Before: nonces were cut to 255 characters but compared whole, so a long one could be replayed."""
    _, challenge = pkce()
    got = await authorize(world, nonce="n" * 256, code_challenge=challenge, code_challenge_method="S256")
    assert (got["error"], got["state"]) == ("invalid_request", "st-1")
    longest = "n" * 255
    token = await sign_in(world, nonce=longest)
    assert claims(world, token["id_token"])["nonce"] == longest


@pytest.mark.parametrize(
    "origin",
    [
        "http://127.0.0.1.evil.example",
        "http://localhost.evil.example:4080",
        "http://console.county.example",
        "https://user@console.county.example",
        "https://console.county.example/path",
        "https://console.county.example?x=1",
        "https://",
        "javascript:alert(1)",
    ],
)
def test_the_console_origin_is_an_https_origin_or_the_loopback_itself(origin):
    """Before: `ensure_web_client` took any origin that began like a loopback one."""
    with pytest.raises(ValueError):
        seed.web_origin(origin)


def test_accepted_console_origins_come_back_as_origins():
    assert seed.web_origin(" https://Console.County.example/ ") == "https://console.county.example"
    assert seed.web_origin("http://127.0.0.1:4080") == "http://127.0.0.1:4080"
    assert seed.web_origin("http://localhost:5173") == "http://localhost:5173"


async def test_authorization_without_pkce_or_with_plain_pkce_is_refused(world):
    got = await authorize(world)
    assert (got["error"], got["error_description"]) == (
        "invalid_request",
        "Missing 'code_challenge' (PKCE S256 is required)",
    )
    _, challenge = pkce()
    got = await authorize(world, code_challenge=challenge, code_challenge_method="plain")
    assert (got["error"], got["error_description"]) == ("invalid_request", "'code_challenge_method' must be S256")
    got = await authorize(world, code_challenge=challenge)  # no method: S256 is not assumed
    assert got["error"] == "invalid_request"


async def test_a_wrong_verifier_spends_the_code(world):
    verifier, challenge = pkce()
    got = await authorize(world, code_challenge=challenge, code_challenge_method="S256")
    wrong = await token_request(world, code_exchange(got["code"], pkce()[0]))
    assert (wrong.status_code, wrong.json()["error"]) == (400, "invalid_grant")
    right = await token_request(world, code_exchange(got["code"], verifier))
    assert (right.status_code, right.json()["error"]) == (400, "invalid_grant")


async def test_a_code_presented_twice_revokes_what_its_first_use_issued(world):
    verifier, challenge = pkce()
    got = await authorize(world, code_challenge=challenge, code_challenge_method="S256")
    exchange = code_exchange(got["code"], verifier)
    first = await token_request(world, exchange)
    assert first.status_code == 200
    again = await token_request(world, exchange)
    assert (again.status_code, again.json()["error"]) == (400, "invalid_grant")
    assert claims(world, first.json()["access_token"])["jti"] in await revoked_jtis(world)
    assert all(r.revoked_at is not None for r in family_of(world, first.json()["refresh_token"]))
    with world.session() as s:
        record = s.scalar(
            select(AuditRecord).where(AuditRecord.action == "token.family_revoked").order_by(AuditRecord.seq.desc())
        )
        assert (record.entity_type, record.reason) == ("TokenFamily", "authorization code reused")


async def test_an_expired_code_is_refused(world):
    verifier, challenge = pkce()
    got = await authorize(world, code_challenge=challenge, code_challenge_method="S256")
    with world.session() as s, s.begin():
        s.execute(
            update(AuthorizationCode)
            .where(AuthorizationCode.code_hash == hashlib.sha256(got["code"].encode()).hexdigest())
            .values(expires_at=AuthorizationCode.expires_at - dt.timedelta(minutes=10))
        )
    resp = await token_request(world, code_exchange(got["code"], verifier))
    assert resp.json()["error"] == "invalid_grant"


async def test_a_code_is_for_the_client_it_was_issued_to(world):
    verifier, challenge = pkce()
    got = await authorize(world, code_challenge=challenge, code_challenge_method="S256")
    resp = await token_request(
        world,
        {"grant_type": "authorization_code", "code": got["code"], "redirect_uri": REDIRECT, "code_verifier": verifier},
        auth=("sfj-system", DEPT_SECRET),
    )
    assert resp.json()["error"] == "unauthorized_client"  # it holds no authorization_code grant


async def test_a_code_is_stored_hashed_with_its_redirect_scope_and_lifetime(world):
    verifier, challenge = pkce()
    got = await authorize(world, scope="api roster:read", code_challenge=challenge, code_challenge_method="S256")
    assert (got["error"], got["error_description"]) == (
        "invalid_scope",
        "scope not registered for this client: roster:read",
    )
    got = await authorize(world, scope="api", code_challenge=challenge, code_challenge_method="S256")
    with world.session() as s:
        row = s.get(AuthorizationCode, hashlib.sha256(got["code"].encode()).hexdigest())
        assert (row.client_id, row.user_id, row.redirect_uri, row.scope, row.code_challenge) == (
            "county-web",
            world.user_id,
            REDIRECT,
            "api",
            challenge,
        )
        assert round((row.expires_at - row.auth_time).total_seconds()) == world.settings.authorization_code_seconds
        assert (row.code_challenge_method, row.nonce, row.used_at) == ("S256", None, None)


async def test_an_unregistered_redirect_uri_gets_an_error_page_never_a_redirect(world):
    _, challenge = pkce()
    got = await authorize(
        world, redirect_uri="http://evil.example/callback", code_challenge=challenge, code_challenge_method="S256"
    )
    assert got["status"] == 400 and got["location"] is None


# ---- refresh tokens --------------------------------------------------------------------------------


async def test_refresh_rotates_and_keeps_the_family_and_scope(world):
    token = await sign_in(world)
    async with world.oauth() as client:
        fresh = await client.refresh_token(f"{ISSUER}/oauth/token", refresh_token=token["refresh_token"])
    assert fresh["refresh_token"] != token["refresh_token"] and fresh["scope"] == token["scope"]
    family = family_of(world, token["refresh_token"])
    assert len(family) == 2 and len({r.family_id for r in family}) == 1
    old = next(r for r in family if r.token_hash == hashlib.sha256(token["refresh_token"].encode()).hexdigest())
    new = next(r for r in family if r is not old)
    assert old.rotated_at is not None and (new.rotated_at, new.revoked_at, old.revoked_at) == (None, None, None)
    assert round((new.expires_at - new.issued_at).total_seconds()) == world.settings.refresh_token_seconds
    assert claims(world, fresh["access_token"])["sub"] == str(world.user_id)
    with world.session() as s:
        row = s.get(IssuedAccessToken, claims(world, fresh["access_token"])["jti"])
        assert row.family_id == old.family_id


async def test_reuse_of_a_rotated_refresh_token_revokes_the_whole_family(world):
    token = await sign_in(world)
    async with world.oauth() as client:
        fresh = await client.refresh_token(f"{ISSUER}/oauth/token", refresh_token=token["refresh_token"])
    reuse = await token_request(
        world, {"grant_type": "refresh_token", "refresh_token": token["refresh_token"], "client_id": "county-web"}
    )
    assert (reuse.status_code, reuse.json()["error"]) == (400, "invalid_grant")
    assert all(r.revoked_at is not None for r in family_of(world, token["refresh_token"]))
    gone = await revoked_jtis(world)
    assert {claims(world, t["access_token"])["jti"] for t in (token, fresh)} <= gone
    later = await token_request(
        world, {"grant_type": "refresh_token", "refresh_token": fresh["refresh_token"], "client_id": "county-web"}
    )
    assert later.json()["error"] == "invalid_grant"


async def test_an_expired_refresh_token_is_refused(world):
    token = await sign_in(world)
    with world.session() as s, s.begin():
        s.execute(
            update(RefreshToken)
            .where(RefreshToken.token_hash == hashlib.sha256(token["refresh_token"].encode()).hexdigest())
            .values(expires_at=RefreshToken.issued_at)
        )
    resp = await token_request(
        world, {"grant_type": "refresh_token", "refresh_token": token["refresh_token"], "client_id": "county-web"}
    )
    assert resp.json()["error"] == "invalid_grant"


async def test_a_deactivated_person_cannot_refresh(world):
    token = await sign_in(world, username="li")
    with world.session() as s, s.begin():
        s.execute(update(User).where(User.username == "li").values(active=False))
    try:
        resp = await token_request(
            world, {"grant_type": "refresh_token", "refresh_token": token["refresh_token"], "client_id": "county-web"}
        )
        assert resp.json()["error"] == "invalid_request"  # Authlib: the token names no user
    finally:
        with world.session() as s, s.begin():
            s.execute(update(User).where(User.username == "li").values(active=True))


async def test_a_refresh_token_is_for_the_client_it_was_issued_to(world):
    token = await sign_in(world)
    resp = await token_request(
        world,
        {"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
        auth=("sfj-system", DEPT_SECRET),
    )
    assert resp.json()["error"] == "unauthorized_client"
    assert all(r.revoked_at is None and r.rotated_at is None for r in family_of(world, token["refresh_token"]))


# ---- revocation (RFC 7009) --------------------------------------------------------------------------


async def test_revoking_a_refresh_token_ends_its_whole_family(world):
    token = await sign_in(world)
    async with world.oauth() as client:
        fresh = await client.refresh_token(f"{ISSUER}/oauth/token", refresh_token=token["refresh_token"])
        resp = await client.revoke_token(
            f"{ISSUER}/oauth/revoke", token=fresh["refresh_token"], token_type_hint="refresh_token"
        )
    assert resp.status_code == 200
    assert all(r.revoked_at is not None for r in family_of(world, token["refresh_token"]))
    assert {claims(world, t["access_token"])["jti"] for t in (token, fresh)} <= await revoked_jtis(world)
    again = await token_request(
        world, {"grant_type": "refresh_token", "refresh_token": fresh["refresh_token"], "client_id": "county-web"}
    )
    assert again.json()["error"] == "invalid_grant"
    with world.session() as s:
        record = s.scalar(
            select(AuditRecord).where(AuditRecord.action == "token.family_revoked").order_by(AuditRecord.seq.desc())
        )
        assert record.reason == "refresh token revoked by client"


async def test_revoking_an_access_token_revokes_that_token_only_and_is_audited(world):
    token = await sign_in(world)
    jti = claims(world, token["access_token"])["jti"]
    async with world.oauth() as client:
        resp = await client.revoke_token(f"{ISSUER}/oauth/revoke", token=token["access_token"])
    assert resp.status_code == 200 and jti in await revoked_jtis(world)
    assert all(r.revoked_at is None for r in family_of(world, token["refresh_token"]))
    with world.session() as s:
        record = s.scalar(select(AuditRecord).where(AuditRecord.entity_id == jti, AuditRecord.action == "token.revoke"))
        assert (record.actor, record.actor_kind, record.entity_type) == ("county-web", "client", "AccessToken")
        first_at = s.get(IssuedAccessToken, jti).revoked_at
    async with world.oauth() as client:  # revoking twice keeps the first time
        await client.revoke_token(f"{ISSUER}/oauth/revoke", token=token["access_token"])
    with world.session() as s:
        assert s.get(IssuedAccessToken, jti).revoked_at == first_at


async def test_a_client_cannot_revoke_another_clients_token(world):
    token = await sign_in(world)
    async with world.http() as c:
        resp = await c.post("/oauth/revoke", data={"token": token["refresh_token"]}, auth=("sfj-system", DEPT_SECRET))
    assert (resp.status_code, resp.json()["error"]) == (400, "invalid_grant")
    assert all(r.revoked_at is None for r in family_of(world, token["refresh_token"]))


async def test_revoked_lists_only_unexpired_revoked_tokens(world):
    token = await sign_in(world)
    jti = claims(world, token["access_token"])["jti"]
    async with world.oauth() as client:
        await client.revoke_token(f"{ISSUER}/oauth/revoke", token=token["access_token"])
    with world.session() as s, s.begin():
        s.execute(
            update(IssuedAccessToken).where(IssuedAccessToken.jti == jti).values(expires_at=IssuedAccessToken.issued_at)
        )
    assert jti not in await revoked_jtis(world)


# ---- client credentials -------------------------------------------------------------------------------


async def test_a_department_system_gets_its_registered_scopes_by_default(world):
    async with world.oauth("sfj-system", client_secret=DEPT_SECRET) as client:
        token = await client.fetch_token(f"{ISSUER}/oauth/token", grant_type="client_credentials")
    assert token["scope"] == "events:report events:status" and "refresh_token" not in token
    access = claims(world, token["access_token"])
    assert {k: access[k] for k in ("sub", "kind", "name", "roles", "client_id", "department_id", "scope")} == {
        "sub": "sfj-system",
        "kind": "service",
        "name": "司法局业务系统",
        "roles": [],
        "client_id": "sfj-system",
        "department_id": "dept-justice",
        "scope": "events:report events:status",
    }


async def test_a_client_asking_for_an_unregistered_scope_is_refused_not_narrowed(world):
    resp = await token_request(
        world, {"grant_type": "client_credentials", "scope": "events:report api"}, auth=("sfj-system", DEPT_SECRET)
    )
    assert resp.status_code == 400
    assert resp.json() == {
        "error": "invalid_scope",
        "error_description": "应用请求的权限范围无效。 (scope not registered for this client: api)",
    }
    narrower = await token_request(
        world, {"grant_type": "client_credentials", "scope": "events:status"}, auth=("sfj-system", DEPT_SECRET)
    )
    assert narrower.json()["scope"] == "events:status"


async def test_an_internal_service_token_has_no_department(world):
    secret = seed.internal_client_secret("personnel", world.settings)
    resp = await token_request(world, {"grant_type": "client_credentials"}, auth=("svc-personnel", secret))
    access = claims(world, resp.json()["access_token"])
    assert "department_id" not in access and access["scope"] == "events:read"


async def test_a_wrong_client_secret_is_refused_and_audited(world):
    resp = await token_request(world, {"grant_type": "client_credentials"}, auth=("sfj-system", "wrong"))
    assert (resp.status_code, resp.json()["error"]) == (401, "invalid_client")
    with world.session() as s:
        record = s.scalar(
            select(AuditRecord).where(AuditRecord.action == "client.auth_failure").order_by(AuditRecord.seq.desc())
        )
        assert (record.actor, record.actor_kind, record.entity_type, record.entity_id) == (
            "sfj-system",
            "client",
            "OAuthClient",
            "sfj-system",
        )
        assert record.reason.startswith("from ")


async def test_a_public_client_has_no_client_credentials_grant(world):
    resp = await token_request(world, {"grant_type": "client_credentials", "client_id": "county-web"})
    assert resp.json()["error"] == "invalid_client"  # a public client cannot authenticate
    resp = await token_request(world, {"grant_type": "password", "username": "zhang", "password": PASSWORD})
    assert resp.json()["error"] == "unsupported_grant_type"  # no password grant at all


async def test_an_inactive_client_is_unknown(world):
    with world.session() as s, s.begin():
        s.execute(update(OAuthClient).where(OAuthClient.client_id == "sfj-system").values(active=False))
    try:
        resp = await token_request(world, {"grant_type": "client_credentials"}, auth=("sfj-system", DEPT_SECRET))
        assert resp.json()["error"] == "invalid_client"
    finally:
        with world.session() as s, s.begin():
            s.execute(update(OAuthClient).where(OAuthClient.client_id == "sfj-system").values(active=True))


# ---- introspection (RFC 7662) --------------------------------------------------------------------------


async def _introspect(world: World, token: str, auth, hint: str | None = None) -> httpx.Response:
    data = {"token": token, **({"token_type_hint": hint} if hint else {})}
    async with world.http() as c:
        return await c.post("/oauth/introspect", data=data, auth=auth)


async def test_an_internal_service_introspects_access_and_refresh_tokens(world):
    internal = ("svc-personnel", seed.internal_client_secret("personnel", world.settings))
    token = await sign_in(world)
    access = (await _introspect(world, token["access_token"], internal)).json()
    assert access == {**claims(world, token["access_token"]), "active": True, "token_type": "Bearer"}
    refresh = (await _introspect(world, token["refresh_token"], internal, hint="refresh_token")).json()
    row = family_of(world, token["refresh_token"])[0]
    assert refresh == {
        "active": True,
        "token_type": "refresh_token",
        "client_id": "county-web",
        "scope": token["scope"],
        "sub": str(world.user_id),
        "exp": int(row.expires_at.timestamp()),
        "iat": int(row.issued_at.timestamp()),
    }
    # Without a hint an opaque refresh token is still found.
    assert (await _introspect(world, token["refresh_token"], internal)).json()["token_type"] == "refresh_token"


async def test_a_revoked_or_unknown_token_introspects_inactive(world):
    internal = ("svc-personnel", seed.internal_client_secret("personnel", world.settings))
    token = await sign_in(world)
    async with world.oauth() as client:
        await client.revoke_token(f"{ISSUER}/oauth/revoke", token=token["access_token"])
    assert (await _introspect(world, token["access_token"], internal)).json() == {"active": False}
    assert (await _introspect(world, "not-a-token", internal)).json() == {"active": False}


async def test_a_department_system_may_not_introspect_even_its_own_token(world):
    async with world.oauth("sfj-system", client_secret=DEPT_SECRET) as client:
        token = await client.fetch_token(f"{ISSUER}/oauth/token", grant_type="client_credentials")
    resp = await _introspect(world, token["access_token"], ("sfj-system", DEPT_SECRET))
    assert (resp.status_code, resp.json()) == (200, {"active": False})


# ---- userinfo -----------------------------------------------------------------------------------------


async def test_userinfo_gives_the_person_and_their_role_bindings(world):
    token = await sign_in(world)
    async with world.http() as c:
        resp = await c.get("/oauth/userinfo", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert resp.json() == {
        "sub": str(world.user_id),
        "name": "张三",
        "preferred_username": "zhang",
        "roles": [{"role": "COMMAND_CENTRE", "scope": "TOWNSHIP", "id": TOWN}],
    }


async def test_userinfo_needs_the_openid_scope(world):
    token = await sign_in(world, scope="api")
    async with world.http() as c:
        resp = await c.get("/oauth/userinfo", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert resp.status_code == 403 and "insufficient_scope" in resp.headers.get("www-authenticate", resp.text)


# ---- the default redirect and RP-initiated logout ----------------------------------------------------------


async def test_without_a_redirect_uri_the_code_goes_to_the_first_registered_one(world):
    _, challenge = pkce()
    got = await authorize(world, redirect_uri=None, code_challenge=challenge, code_challenge_method="S256")
    with world.session() as s:
        row = s.get(AuthorizationCode, hashlib.sha256(got["code"].encode()).hexdigest())
        assert row.redirect_uri == REDIRECT


async def test_logout_with_the_id_token_ends_its_session_and_returns_to_the_app(world):
    token = await sign_in(world)
    async with world.http() as c:
        resp = await c.get(
            "/oauth/logout",
            params={
                "id_token_hint": token["id_token"],
                "post_logout_redirect_uri": "http://127.0.0.1:4080/",
                "state": "bye",
            },
        )
    assert (resp.status_code, resp.headers["location"]) == (302, "http://127.0.0.1:4080/?state=bye")
    assert all(r.revoked_at is not None for r in family_of(world, token["refresh_token"]))
    assert claims(world, token["access_token"])["jti"] in await revoked_jtis(world)


async def test_logout_refuses_an_access_token_or_a_foreign_token_as_the_hint(world):
    token = await sign_in(world)
    forged = jwt.encode(
        {"alg": "RS256", "typ": "JWT"},
        {"iss": "http://elsewhere.example", "sub": "x", "aud": ["county-web"]},
        keys.active_key(None, world.settings),
    )
    for hint in (token["access_token"], forged, "not-a-jwt"):
        async with world.http() as c:
            resp = await c.get("/oauth/logout", params={"id_token_hint": hint})
        assert resp.status_code == 400 and "id_token_hint is not an id_token of this issuer" in resp.text
    assert all(r.revoked_at is None for r in family_of(world, token["refresh_token"]))
