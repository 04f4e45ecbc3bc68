"""Token verification for subgraphs: every service checks every token itself.

Signature via the identity service's JWKS (cached, refreshed on an unknown ``kid`` at most once
per ``jwks_min_refresh_seconds``), then issuer, audience, expiry, not-before, and the identity
service's list of revoked token ids (refreshed every ``revocation_refresh_seconds``, served stale
for at most ``revocation_max_age_seconds`` while identity does not answer, then fail closed).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Awaitable, Callable

import httpx
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry

from .errors import Unauthenticated
from .principal import Principal, RoleBinding
from .settings import ServiceSettings

ALGORITHMS = ["RS256"]
LEEWAY_SECONDS = 5


class _Refresher:
    """One fetch in flight per process, whoever asks: callers that find a fetch running await that
    one instead of queueing their own (N waiting callers cost one timeout, not N). A failed fetch is
    not retried within ``backoff`` seconds: the last good value is served meanwhile."""

    def __init__(self, fetch: Callable[[], Awaitable[Any]], backoff: float, timeout: float):
        self._fetch, self.backoff, self.timeout = fetch, backoff, timeout
        self.value: Any = None
        self.at = 0.0  # monotonic time of the last good value (0: none yet)
        self._failed_at = -1e9
        self._task: asyncio.Task | None = None

    def age(self) -> float:
        return time.monotonic() - self.at if self.at else float("inf")

    async def refresh(self) -> bool:
        """Fetch now (or join the fetch in flight); True when a good value came back."""
        if self._task is None:
            if time.monotonic() - self._failed_at < self.backoff:
                return False
            self._task = asyncio.ensure_future(self._run())
        task = self._task
        return await asyncio.shield(task)

    def refresh_soon(self) -> None:
        """Start a fetch in the background (if none runs and none failed just now), without waiting."""
        if self._task is None and time.monotonic() - self._failed_at >= self.backoff:
            self._task = asyncio.ensure_future(self._run())

    async def _run(self) -> bool:
        try:
            # The whole fetch, not only each socket operation, is bounded: a peer that accepts and
            # then never answers (a stopped process) costs one timeout.
            self.value = await asyncio.wait_for(self._fetch(), self.timeout)
            self.at = time.monotonic()
            return True
        except Exception:  # noqa: BLE001 - any failed fetch (network, status, body) keeps the last value
            self._failed_at = time.monotonic()
            return False
        finally:
            self._task = None


class TokenVerifier:
    """Signature, claims and revocation, with the identity service off the request path as far as
    safety allows:

    - the key set is refreshed on its own schedule (``jwks_cache_seconds``), in the background while
      the old one is served; an unknown ``kid`` triggers at most one fetch per
      ``jwks_min_refresh_seconds`` for the whole process and is otherwise answered from the local key
      set — a flood of made-up kids costs one fetch, never the real key's availability;
    - the revocation list is refreshed every ``revocation_refresh_seconds``; while identity does not
      answer, the last good list is served for up to ``revocation_max_age_seconds`` (as long as an
      access token lives, so nothing revoked meanwhile outlives its own expiry by more than that);
      with no list at all, or one older than that, tokens are refused (fail closed) and ``ready()``
      says not ready;
    - every fetch has a short timeout (``identity_timeout_seconds``) and one in flight per process.
    """

    def __init__(self, settings: ServiceSettings, client: httpx.AsyncClient | None = None):
        self.settings = settings
        timeout = settings.identity_timeout_seconds
        self._client = client or httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=min(timeout, 1.0)))
        backoff = max(0.2, min(settings.jwks_min_refresh_seconds, 1.0))
        self._jwks = _Refresher(self._fetch_keys, backoff, timeout)
        self._revocations = _Refresher(self._fetch_revoked, backoff, timeout)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _fetch_keys(self) -> KeySet:
        resp = await self._client.get(f"{self.settings.identity_url}/.well-known/jwks.json")
        resp.raise_for_status()
        return KeySet.import_key_set(resp.json())

    async def _fetch_revoked(self) -> set[str]:
        resp = await self._client.get(f"{self.settings.identity_url}/oauth/revoked")
        resp.raise_for_status()
        return set(resp.json()["jtis"])

    async def _key_set(self, kid: str | None) -> KeySet:
        jwks = self._jwks
        if jwks.value is None:
            await jwks.refresh()
            if jwks.value is None:
                raise Unauthenticated("身份服务暂不可用，无法验证凭证", detail="no signing keys yet")
        elif jwks.age() > self.settings.jwks_cache_seconds:
            jwks.refresh_soon()  # the old set serves until the new one arrives
        unknown = kid is not None and not any(k.kid == kid for k in jwks.value.keys)
        if unknown and jwks.age() > self.settings.jwks_min_refresh_seconds:
            await jwks.refresh()  # a newly rotated key; at most one fetch per interval for everyone
        return jwks.value

    async def ready(self) -> None:
        """Raises while this process could not check revocation (no list, or one too old)."""
        if self._revocations.age() > self.settings.revocation_refresh_seconds:
            await self._revocations.refresh()
        if self._revocations.age() > self.settings.revocation_max_age_seconds:
            raise RuntimeError("no current revocation list from the identity service")

    async def _is_revoked(self, jti: str) -> bool:
        lists = self._revocations
        if lists.age() > self.settings.revocation_refresh_seconds:
            if lists.age() > self.settings.revocation_max_age_seconds:
                await lists.refresh()  # none, or too old to trust: wait (bounded by the timeout)
            else:
                lists.refresh_soon()
        if lists.age() > self.settings.revocation_max_age_seconds:
            raise Unauthenticated(
                "身份服务暂不可用，无法确认凭证未被撤销", detail="revocation list unavailable (fail closed)"
            )
        return jti in lists.value

    async def verify(self, token: str) -> Principal:
        try:
            header = jws.extract_compact(token.encode()).protected
        except Exception as exc:  # noqa: BLE001 - any parse failure is an invalid token
            raise Unauthenticated("凭证无效", detail="malformed token") from exc
        kid = header.get("kid")
        keys = await self._key_set(kid)
        try:
            decoded = jwt.decode(token, keys, algorithms=ALGORITHMS)
        except (JoseError, ValueError) as exc:
            # Maybe a key we have not seen yet: one refresh, then give up.
            if kid is None:
                raise Unauthenticated("凭证无效", detail=f"invalid token: {exc}") from exc
            try:
                decoded = jwt.decode(token, await self._key_set(kid), algorithms=ALGORITHMS)
            except (JoseError, ValueError) as exc2:
                raise Unauthenticated("凭证无效", detail=f"invalid token: {exc2}") from exc2
        if decoded.header.get("typ", "").lower() not in ("at+jwt", "application/at+jwt"):
            raise Unauthenticated("凭证类型错误", detail="not an RFC 9068 access token")
        registry = JWTClaimsRegistry(
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": self.settings.issuer},
            aud={"essential": True, "value": self.settings.audience},
            exp={"essential": True},
            sub={"essential": True},
            jti={"essential": True},
            client_id={"essential": True},
        )
        try:
            registry.validate(decoded.claims)
        except JoseError as exc:
            raise Unauthenticated("凭证已过期或不适用于本系统", detail=f"claims rejected: {exc}") from exc
        claims = decoded.claims
        if await self._is_revoked(claims["jti"]):
            raise Unauthenticated("凭证已被撤销", detail="token revoked")
        try:
            bindings = tuple(RoleBinding.from_claim(c) for c in claims.get("roles", []))
        except (KeyError, ValueError) as exc:
            raise Unauthenticated("凭证无效", detail="malformed role claim") from exc
        return Principal(
            subject=str(claims["sub"]),
            kind=claims.get("kind", "user"),
            client_id=str(claims["client_id"]),
            token_id=str(claims["jti"]),
            name=claims.get("name"),
            bindings=bindings,
            scopes=frozenset(str(claims.get("scope", "")).split()),
            department_id=claims.get("department_id"),
            username=claims.get("username"),
        )


def bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise Unauthenticated("缺少访问凭证", detail="missing bearer token")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("访问凭证格式错误", detail="expected 'Authorization: Bearer <token>'")
    return token.strip()
