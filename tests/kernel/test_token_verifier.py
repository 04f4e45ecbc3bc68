"""Every service checks every token itself (servicekit.auth), here in process against the real
identity service app (its token, JWKS, revocation endpoints over an ASGI transport, its own
database and a signing-keys file): real tokens, and forgeries that each differ from a good token in
one respect, each refused with its own reason."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from pathlib import Path

import httpx
import pytest
from identity_inprocess import ISSUER, identity_settings, seeded
from joserfc import jwt
from joserfc.jwk import RSAKey

from identity import app as identity_app
from identity import keys, seed
from servicekit.auth import LEEWAY_SECONDS, TokenVerifier, bearer_token
from servicekit.errors import Unauthenticated
from servicekit.settings import ServiceSettings

SECRET = "dev-svc-personnel-secret"


@pytest.fixture(scope="module")
def identity(database_url, run_prefix, tmp_path_factory):
    """The identity service app in process; returns (app, its signing-keys file, the active key)."""
    settings, key = identity_settings(database_url, f"{run_prefix}tv_", tmp_path_factory.mktemp("keys"))
    seeded(settings, lambda session: seed.ensure_internal_clients(session, settings, ["personnel"]))
    return identity_app.build(settings), Path(settings.signing_keys_file), RSAKey.import_key(key)


def client(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=ISSUER)


def verifier(app, **settings) -> TokenVerifier:
    return TokenVerifier(
        ServiceSettings(identity_url=ISSUER, issuer=ISSUER, audience="county-api", **settings), client=client(app)
    )


async def issued_token(app) -> str:
    async with client(app) as c:
        resp = await c.post(
            "/oauth/token",
            data={"grant_type": "client_credentials", "scope": "events:read"},
            auth=("svc-personnel", SECRET),
        )
    assert resp.status_code == 200, resp.text
    return resp.json()["access_token"]


def claims(**overrides) -> dict:
    now = int(time.time())
    base = {
        "iss": ISSUER,
        "aud": "county-api",
        "iat": now,
        "nbf": now,
        "exp": now + 300,
        "jti": uuid.uuid4().hex,
        "client_id": "county-web",
        "sub": "user-1",
        "kind": "user",
        "scope": "openid api",
        "name": "张三",
        "username": "zhangsan",
        "roles": [{"role": "TOWNSHIP_ADMIN", "scope": "TOWNSHIP", "id": str(uuid.UUID(int=5))}],
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def sign(key: RSAKey, body: dict, typ: str = "at+jwt", kid: str | None = "same") -> str:
    header = {"alg": "RS256", "typ": typ}
    if kid is not None:
        header["kid"] = key.kid if kid == "same" else kid
    return jwt.encode(header, body, key)


async def test_a_token_from_the_identity_service_verifies_to_the_callers_principal(identity):
    app, _, _ = identity
    principal = await verifier(app).verify(await issued_token(app))
    assert (principal.subject, principal.kind, principal.client_id) == ("svc-personnel", "service", "svc-personnel")
    assert principal.scopes == frozenset({"events:read"}) and principal.bindings == ()
    assert len(principal.token_id) >= 16


async def test_a_users_token_carries_name_roles_scopes_and_department(identity):
    app, _, key = identity
    body = claims(department_id=str(uuid.UUID(int=9)))
    principal = await verifier(app).verify(sign(key, body))
    assert (principal.subject, principal.kind, principal.client_id, principal.token_id) == (
        "user-1",
        "user",
        "county-web",
        body["jti"],
    )
    assert (principal.name, principal.username, principal.department_id) == ("张三", "zhangsan", str(uuid.UUID(int=9)))
    assert principal.scopes == frozenset({"openid", "api"})
    assert [(b.role.value, b.scope_id) for b in principal.bindings] == [("TOWNSHIP_ADMIN", str(uuid.UUID(int=5)))]
    # A token without kind, name or roles is a user's with none of them.
    bare = await verifier(app).verify(sign(key, claims(kind=None, name=None, username=None, roles=None, scope=None)))
    assert (bare.kind, bare.name, bare.username, bare.bindings, bare.scopes) == ("user", None, None, (), frozenset())


def _forgeries(key: RSAKey):
    now = int(time.time())
    other = RSAKey.generate_key(2048, parameters={"kid": key.kid})
    good = sign(key, claims())
    h, p, s = good.split(".")
    return {
        "not a JWT at all": ("abc.def", "凭证无效"),
        "a tampered signature": (f"{h}.{p}.{s[:-6]}AAAAAA", "凭证无效"),
        "another key under the real kid": (sign(other, claims()), "凭证无效"),
        "no kid and a foreign key": (sign(other, claims(), kid=None), "凭证无效"),
        "expired beyond the leeway": (
            sign(key, claims(iat=now - 900, nbf=now - 900, exp=now - LEEWAY_SECONDS - 10)),
            "凭证已过期或不适用于本系统",
        ),
        "not valid yet": (sign(key, claims(nbf=now + LEEWAY_SECONDS + 60)), "凭证已过期或不适用于本系统"),
        "another audience": (sign(key, claims(aud="some-other-api")), "凭证已过期或不适用于本系统"),
        "another issuer": (sign(key, claims(iss="https://evil.example")), "凭证已过期或不适用于本系统"),
        "no expiry": (sign(key, claims(exp=None)), "凭证已过期或不适用于本系统"),
        "no subject": (sign(key, claims(sub=None)), "凭证已过期或不适用于本系统"),
        "no token id": (sign(key, claims(jti=None)), "凭证已过期或不适用于本系统"),
        "no client id": (sign(key, claims(client_id=None)), "凭证已过期或不适用于本系统"),
        "an ID token (typ JWT)": (sign(key, claims(), typ="JWT"), "凭证类型错误"),
        "a malformed role claim": (sign(key, claims(roles=[{"role": "KING"}])), "凭证无效"),
    }


@pytest.mark.parametrize("case", list(_forgeries(RSAKey.generate_key(2048, parameters={"kid": "k"}))))
async def test_each_forgery_is_refused_with_its_reason(identity, case):
    app, _, key = identity
    token, message = _forgeries(key)[case]
    with pytest.raises(Unauthenticated) as err:
        await verifier(app).verify(token)
    assert err.value.message == message, (case, err.value.detail)


async def test_the_leeway_accepts_a_clock_a_few_seconds_behind_and_no_more(identity):
    app, _, key = identity
    now = int(time.time())
    v = verifier(app)
    assert (await v.verify(sign(key, claims(exp=now - LEEWAY_SECONDS + 2)))).subject == "user-1"
    assert (await v.verify(sign(key, claims(nbf=now + LEEWAY_SECONDS - 2)))).subject == "user-1"
    with pytest.raises(Unauthenticated):
        await v.verify(sign(key, claims(exp=now - LEEWAY_SECONDS - 2)))
    assert (await v.verify(sign(key, claims(), typ="application/at+jwt"))).kind == "user"


async def test_a_revoked_token_is_refused_once_the_revocation_list_is_refreshed(identity):
    app, _, _ = identity
    token = await issued_token(app)
    v = verifier(app, revocation_refresh_seconds=0)
    assert (await v.verify(token)).subject == "svc-personnel"
    async with client(app) as c:
        resp = await c.post("/oauth/revoke", data={"token": token}, auth=("svc-personnel", SECRET))
    assert resp.status_code == 200
    # The list due for a refresh is refreshed in the background (the request does not wait on
    # identity): the revocation shows by the next call.
    refusals = []
    for _ in range(3):
        try:
            await v.verify(token)
        except Unauthenticated as exc:
            refusals.append(exc.message)
        await asyncio.sleep(0.05)
    assert refusals and set(refusals) == {"凭证已被撤销"}
    # A verifier that refreshes its list rarely keeps accepting until then (the documented window).
    slow = verifier(app, revocation_refresh_seconds=3600)
    await slow.ready()  # its first list, fetched now
    slow._revocations.value = set()  # as it was before the revocation
    assert (await slow.verify(token)).subject == "svc-personnel"


async def test_a_new_signing_key_is_fetched_once_its_kid_is_seen(identity):
    app, path, key = identity
    v = verifier(app, jwks_min_refresh_seconds=0)
    assert (await v.verify(sign(key, claims()))).subject == "user-1"  # keys now cached
    new = keys.generate_private_jwk()
    old = json.loads(path.read_text())
    path.write_text(json.dumps({"active": new["kid"], "keys": [new, *old["keys"]]}))
    token = sign(RSAKey.import_key(new), claims())
    assert (await v.verify(token)).subject == "user-1"  # the unknown kid made it refetch
    # Within the minimum refresh interval an unknown kid does not trigger a fetch.
    patient = verifier(app, jwks_min_refresh_seconds=3600)
    assert (await patient.verify(token)).subject == "user-1"
    newer = keys.generate_private_jwk()
    path.write_text(json.dumps({"active": newer["kid"], "keys": [newer, new, *old["keys"]]}))
    with pytest.raises(Unauthenticated):
        await patient.verify(sign(RSAKey.import_key(newer), claims()))
    path.write_text(json.dumps(old))


async def test_an_unreachable_identity_service_is_a_clear_refusal_not_a_crash():
    from stackutil import free_port

    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    v = TokenVerifier(ServiceSettings(identity_url=url, issuer=url))
    with pytest.raises(Unauthenticated) as err:
        await v.verify(sign(RSAKey.generate_key(2048, parameters={"kid": "k"}), claims()))
    assert err.value.message == "身份服务暂不可用，无法验证凭证"
    await v.aclose()


@pytest.mark.parametrize(
    "header, token",
    [("Bearer abc", "abc"), ("bearer  abc ", "abc"), ("BEARER x.y.z", "x.y.z")],
)
def test_a_bearer_header_gives_its_token(header, token):
    assert bearer_token(header) == token


MISSING = ("缺少访问凭证", "missing bearer token")
MALFORMED = ("访问凭证格式错误", "expected 'Authorization: Bearer <token>'")


@pytest.mark.parametrize(
    "header, refusal",
    [(None, MISSING), ("", MISSING), ("Basic abc", MALFORMED), ("Bearer ", MALFORMED), ("abc", MALFORMED)],
)
def test_a_missing_or_other_scheme_header_is_refused(header, refusal):
    with pytest.raises(Unauthenticated) as err:
        bearer_token(header)
    assert (err.value.message, err.value.detail) == refusal


class PausableIdentity(httpx.AsyncBaseTransport):
    """The real identity app behind a network that can stop answering (as a SIGSTOPped process
    does): while paused, requests hang until the client's timeout. Counts what reaches it."""

    def __init__(self, app):
        self.inner = httpx.ASGITransport(app=app)
        self.paused = False
        self.calls: list[str] = []

    async def handle_async_request(self, request):
        self.calls.append(request.url.path)
        if self.paused:
            # Long past any timeout the verifier should apply; bounded so a regression fails, not hangs.
            await asyncio.sleep(5)
            raise httpx.ReadTimeout("identity stopped answering", request=request)
        return await self.inner.handle_async_request(request)


def hung_verifier(app, **settings) -> tuple[TokenVerifier, PausableIdentity]:
    transport = PausableIdentity(app)
    merged = {"identity_timeout_seconds": 0.3, **settings}
    v = TokenVerifier(
        ServiceSettings(identity_url=ISSUER, issuer=ISSUER, audience="county-api", **merged),
        client=httpx.AsyncClient(transport=transport, base_url=ISSUER, timeout=merged["identity_timeout_seconds"]),
    )
    return v, transport


async def test_a_hung_identity_service_does_not_stall_requests_that_hold_a_recent_list(identity):
    """Before: the revocation fetch had no bound and every request queued behind one lock, so a
    stopped identity service stalled every call. Now requests are answered from the last good list
    while one background fetch times out."""
    app, _, key = identity
    v, net = hung_verifier(app, revocation_refresh_seconds=0, revocation_max_age_seconds=600)
    token = sign(key, claims())
    assert (await v.verify(token)).subject == "user-1"  # keys and a first list
    net.paused = True
    fetches = net.calls.count("/oauth/revoked")
    results = await asyncio.gather(*(v.verify(token) for _ in range(20)))
    assert all(p.subject == "user-1" for p in results)
    # All twenty were answered while the one fetch they started still hangs: none waited for it.
    assert v._revocations._task is not None and not v._revocations._task.done()
    assert net.calls.count("/oauth/revoked") == fetches + 1
    await v.aclose()


async def test_without_a_current_revocation_list_tokens_are_refused_and_the_service_is_not_ready(identity):
    """Before: a service that started while identity was down had an empty list and accepted every
    revoked token. Now it fails closed, within the fetch timeout, and /readyz says not ready."""
    app, _, key = identity
    v, net = hung_verifier(app, revocation_max_age_seconds=1)
    await v._key_set(None)  # the keys came, then identity stopped answering
    net.paused = True
    refusals = await asyncio.gather(*(v.verify(sign(key, claims())) for _ in range(10)), return_exceptions=True)
    assert {type(r) for r in refusals} == {Unauthenticated}
    assert {r.message for r in refusals} == {"身份服务暂不可用，无法确认凭证未被撤销"}
    assert net.calls.count("/oauth/revoked") == 1  # ten callers shared one fetch, which timed out
    with pytest.raises(RuntimeError):
        await v.ready()
    net.paused = False
    await asyncio.sleep(1.1)  # the failed fetch's backoff passes
    await v.ready()
    assert (await v.verify(sign(key, claims()))).subject == "user-1"
    await v.aclose()


async def test_a_flood_of_unknown_kids_costs_one_fetch_and_the_real_key_keeps_working(identity):
    """Before: every unknown kid could spend a fetch (the gateway's jwks-rsa: its rate limit), and
    once the real key's entry expired its refetch was refused: authentication down for everyone."""
    app, _, key = identity
    v, net = hung_verifier(app, jwks_min_refresh_seconds=60, jwks_cache_seconds=0.2)
    good = sign(key, claims())
    assert (await v.verify(good)).subject == "user-1"
    before = net.calls.count("/.well-known/jwks.json")
    forged = [sign(RSAKey.generate_key(2048, parameters={"kid": f"made-up-{i}"}), claims()) for i in range(3)]
    for _ in range(30):
        for token in forged:
            with pytest.raises(Unauthenticated) as err:
                await v.verify(token)
            assert err.value.message == "凭证无效"
    assert net.calls.count("/.well-known/jwks.json") - before == 0  # within the minimum interval: none
    await asyncio.sleep(0.3)  # the key set is due: refreshed in the background, the old one serves
    assert (await v.verify(good)).subject == "user-1"
    await v.aclose()
