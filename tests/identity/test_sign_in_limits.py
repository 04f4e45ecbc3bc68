"""What a caller can spend on the identity service, in process against the real app and its own
database: failed sign-ins counted per address (IPv6 by its /64), per account and address, and per
account whatever the address (with the addresses the owner signed in from kept out of that lock),
client secrets the same way, a throttle table that does not grow without bound, a flood of
sign-ins held on its own lane while the revocation list keeps answering, one refresh token used
twice at once, and a session's absolute age."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import html
import re
import urllib.parse
import uuid

import httpx
import pytest
from identity_inprocess import ISSUER, identity_settings, seeded
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from identity import app as identity_app
from identity import login, passwords, seed
from identity.models import LoginThrottle, OAuthClient, RefreshToken, User
from servicekit import db

PASSWORD = "Ward-4-County!"
SECRET = "dept-system-secret-0123456789"
REDIRECT = "http://127.0.0.1:4080/callback"
PROXY = "10.1.0.9"  # the ingress controller, the one peer whose X-Forwarded-For is believed


@pytest.fixture(scope="module")
def world(database_url, run_prefix, tmp_path_factory):
    settings, _ = identity_settings(database_url, f"{run_prefix}sl_", tmp_path_factory.mktemp("keys"))
    settings = settings.model_copy(
        update={
            "trusted_proxies": f"{PROXY}/32",
            "lockout_threshold": 5,
            "account_lockout_threshold": 10,
            "login_ip_max_failures": 50,
            "hashing_threads": 1,
            "hashing_queue": 2,
        }
    )

    def seed_world(session):
        seed.ensure_web_client(session, "http://127.0.0.1:4080")
        session.add(
            OAuthClient(
                client_id="sfj-system",
                name="司法局业务系统",
                secret_hash=passwords.hash_password(SECRET),
                redirect_uris=[],
                grant_types=["client_credentials"],
                scopes=["events:report"],
                department_id=str(uuid.UUID(int=7)),
            )
        )

    seeded(settings, seed_world)
    engine = db.make_sync_engine(settings)
    yield identity_app.build(settings), settings, engine
    engine.dispose()


def http(app, peer: str = PROXY) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(peer, 40000)), base_url=ISSUER)


def new_user(engine) -> str:
    username = f"u{uuid.uuid4().hex[:10]}"
    with Session(engine) as s, s.begin():
        s.add(User(username=username, display_name="测试", password_hash=passwords.hash_password(PASSWORD)))
    return username


def authorize_query(challenge: str, scope: str = "openid api") -> dict:
    return {
        "response_type": "code",
        "client_id": "county-web",
        "redirect_uri": REDIRECT,
        "scope": scope,
        "state": "s",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }


async def submit_form(
    c: httpx.AsyncClient, query: dict, username: str, password: str, headers: dict | None = None
) -> httpx.Response:
    """The login page, then its form posted back (the browser's part of the flow)."""
    page = await c.get("/oauth/authorize", params=query, headers=headers)
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page.text).group(1))
    return await c.post(action, data={"username": username, "password": password}, headers=headers)


async def attempt(app, username: str, password: str, *, address: str | None = None, peer: str = PROXY) -> int:
    """One sign-in through the login page, as a browser behind the ingress at ``address``."""
    headers = {"x-forwarded-for": address} if address else {}
    async with http(app, peer) as c:
        resp = await submit_form(
            c, authorize_query("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"), username, password, headers
        )
    return resp.status_code


async def test_a_forwarded_for_header_from_a_peer_that_is_not_the_ingress_is_ignored(world):
    """A caller that is not the ingress cannot pick its address by sending the header: its tries
    count against its own address, and the pair lock comes after LOCKOUT_THRESHOLD as always."""
    app, _, engine = world
    username = new_user(engine)
    statuses = [
        await attempt(app, username, "wrong", address=f"192.0.2.{i}", peer="198.51.100.77") for i in range(1, 8)
    ]
    assert statuses == [401] * 5 + [429] * 2


async def test_rule_account_lockout_guessing_from_many_addresses_locks_the_account(world):
    """Before: 12 bad passwords for one account, each from another address, gave 12 × 401."""
    app, _, engine = world
    username = new_user(engine)
    assert await attempt(app, username, PASSWORD, address="203.0.113.50") == 302  # the owner's office
    statuses = [await attempt(app, username, "wrong", address=f"192.0.2.{i}") for i in range(1, 13)]
    assert statuses == [401] * 10 + [429] * 2
    # Even the right password from an address the owner never used is turned away for now …
    assert await attempt(app, username, PASSWORD, address="198.51.100.3") == 429
    # … but the owner, from where they signed in before, is not shut out by someone else's flood.
    assert await attempt(app, username, PASSWORD, address="203.0.113.50") == 302


async def test_an_ipv6_caller_is_counted_by_its_slash_64(world):
    app, _, engine = world
    username = new_user(engine)
    statuses = [await attempt(app, username, "wrong", address=f"2001:db8:5:7::{i:x}") for i in range(1, 8)]
    assert statuses == [401] * 5 + [429] * 2
    # Another /64 is another subscriber.
    assert await attempt(app, username, PASSWORD, address="2001:db8:5:8::1") == 302
    assert login.throttle_address("2001:db8:5:7:aaaa::1") == "2001:db8:5:7::/64"
    assert login.throttle_address("::ffff:192.0.2.1") == "192.0.2.1"
    assert login.throttle_address("not an address") == "unknown"


async def test_the_throttle_table_keeps_only_what_still_counts(world):
    app, settings, engine = world
    old = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=2)
    with Session(engine) as s, s.begin():
        for i in range(700):
            s.add(LoginThrottle(key=f"ip:198.18.{i // 250}.{i % 250}", failures=3, window_started_at=old))
        s.add(
            LoginThrottle(
                key="ip:198.18.9.9", failures=0, window_started_at=old, blocked_until=old + dt.timedelta(days=1)
            )
        )
        s.add(LoginThrottle(key=login.known_key("someone", "198.18.9.8"), failures=0, window_started_at=old))
    for _ in range(2):  # each failure clears up to 500 stale rows
        await attempt(app, new_user(engine), "wrong", address="192.0.2.200")
    with Session(engine) as s:
        stale = s.scalar(select(func.count()).where(LoginThrottle.key.like("ip:198.18.%")))
        assert stale == 1  # only the one still blocked
        assert s.get(LoginThrottle, login.known_key("someone", "198.18.9.8")) is not None  # within 30 days


async def client_token(app, secret: str, address: str) -> int:
    async with http(app) as c:
        resp = await c.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=("sfj-system", secret),
            headers={"x-forwarded-for": address},
        )
    return resp.status_code


async def test_rule_client_lockout_guessing_a_secret_from_many_addresses_locks_the_client(world):
    app, _, engine = world
    assert await client_token(app, SECRET, "203.0.113.60") == 200  # the department's server
    statuses = [await client_token(app, "guess", f"192.0.2.{i}") for i in range(1, 13)]
    assert set(statuses) == {401}
    assert await client_token(app, SECRET, "198.51.100.61") == 401  # locked for unknown addresses
    assert await client_token(app, SECRET, "203.0.113.60") == 200  # its own server goes on working
    with Session(engine) as s:
        assert s.get(LoginThrottle, "client:sfj-system").blocked_until is not None


async def test_a_flood_of_sign_ins_waits_on_its_own_lane_and_the_revocation_list_keeps_answering(world):
    """Before: each sign-in held a thread of the shared pool while it waited for an argon2 slot, so a
    cheap flood left no thread for /oauth/revoked — which every gateway and subgraph reads on the
    request path. Now sign-ins beyond the lane's threads and queue are answered 503 at once."""
    app, _, engine = world
    username = new_user(engine)

    async def revoked_list() -> int:
        async with http(app) as c:
            return (await c.get("/oauth/revoked")).status_code

    flood = [
        asyncio.ensure_future(attempt(app, username, "wrong", address=f"198.19.{i // 200}.{i % 200}"))
        for i in range(40)
    ]
    await asyncio.sleep(0.05)
    assert await revoked_list() == 200
    statuses = await asyncio.gather(*flood)
    assert 503 in statuses and set(statuses) <= {401, 429, 503}


async def code_and_refresh(app, username: str) -> str:
    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    async with http(app) as c:
        resp = await submit_form(c, authorize_query(challenge, "openid api offline_access"), username, PASSWORD)
        code = urllib.parse.parse_qs(urllib.parse.urlsplit(resp.headers["location"]).query)["code"][0]
        token = await c.post(
            "/oauth/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": REDIRECT,
                "client_id": "county-web",
                "code_verifier": verifier,
            },
        )
    return token.json()["refresh_token"]


async def refresh(app, refresh_token: str) -> httpx.Response:
    async with http(app) as c:
        return await c.post(
            "/oauth/token",
            data={"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": "county-web"},
        )


async def test_two_refreshes_with_one_token_at_once_give_one_new_token_and_end_the_family(world):
    """Before: both succeeded (no row lock), leaving two live branches reuse detection never saw."""
    app, _, engine = world
    token = await code_and_refresh(app, new_user(engine))
    first, second = await asyncio.gather(refresh(app, token), refresh(app, token))
    assert sorted([first.status_code, second.status_code]) == [200, 400]
    winner = first if first.status_code == 200 else second
    # The loser was a reuse of a rotated token: the whole family, the winner's new token too, ends.
    assert (await refresh(app, winner.json()["refresh_token"])).status_code == 400


async def test_rule_session_max_age_a_session_ends_however_often_it_is_refreshed(world):
    app, settings, engine = world
    token = await code_and_refresh(app, new_user(engine))
    token = (await refresh(app, token)).json()["refresh_token"]
    digest = hashlib.sha256(token.encode()).hexdigest()
    with Session(engine) as s, s.begin():
        row = s.get(RefreshToken, digest)
        # Each rotation's expiry never passes the session's limit counted from the sign-in.
        assert row.expires_at <= row.session_started_at + dt.timedelta(seconds=settings.session_max_seconds)
        s.execute(
            update(RefreshToken)
            .where(RefreshToken.family_id == row.family_id)
            .values(session_started_at=func.now() - dt.timedelta(seconds=settings.session_max_seconds + 1))
        )
    resp = await refresh(app, token)
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_grant"
