"""Token verification for subgraphs: every service checks every token itself.

Signature via the identity service's JWKS (cached, refreshed on an unknown ``kid`` at most once
per ``jwks_min_refresh_seconds``), then issuer, audience, expiry, not-before, and the identity
service's list of revoked token ids (refreshed every ``revocation_refresh_seconds``).
"""

from __future__ import annotations

import asyncio
import time

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


class TokenVerifier:
    def __init__(self, settings: ServiceSettings, client: httpx.AsyncClient | None = None):
        self.settings = settings
        self._client = client or httpx.AsyncClient(timeout=5.0)
        self._keys: KeySet | None = None
        self._keys_at = 0.0
        self._revoked: set[str] = set()
        self._revoked_at = 0.0
        self._lock = asyncio.Lock()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _fetch_keys(self) -> None:
        resp = await self._client.get(f"{self.settings.identity_url}/.well-known/jwks.json")
        resp.raise_for_status()
        self._keys = KeySet.import_key_set(resp.json())
        self._keys_at = time.monotonic()

    async def _key_set(self, kid: str | None) -> KeySet:
        now = time.monotonic()
        stale = self._keys is None or now - self._keys_at > self.settings.jwks_cache_seconds
        unknown = kid is not None and self._keys is not None and not any(k.kid == kid for k in self._keys.keys)
        if stale or (unknown and now - self._keys_at > self.settings.jwks_min_refresh_seconds):
            async with self._lock:
                try:
                    await self._fetch_keys()
                except (httpx.HTTPError, ValueError) as exc:
                    if self._keys is None:
                        raise Unauthenticated("身份服务暂不可用，无法验证凭证", detail=str(exc)) from exc
        assert self._keys is not None
        return self._keys

    async def _is_revoked(self, jti: str) -> bool:
        now = time.monotonic()
        if now - self._revoked_at > self.settings.revocation_refresh_seconds:
            async with self._lock:
                if time.monotonic() - self._revoked_at > self.settings.revocation_refresh_seconds:
                    try:
                        resp = await self._client.get(f"{self.settings.identity_url}/oauth/revoked")
                        resp.raise_for_status()
                        self._revoked = set(resp.json()["jtis"])
                        self._revoked_at = time.monotonic()
                    except (httpx.HTTPError, ValueError, KeyError):
                        # Keep the last known list; failing closed would take every service down
                        # with the identity service.
                        pass
        return jti in self._revoked

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
