"""This service's own access token (client credentials), cached until shortly before it expires:
what a consumer shows another service's ``/events`` feed."""

from __future__ import annotations

import asyncio

import httpx


class ClientCredentials:
    """Caches this service's own access token (client credentials grant) until shortly before expiry."""

    def __init__(self, token_url: str, client_id: str, client_secret: str, scope: str):
        self.token_url, self.client_id, self.client_secret, self.scope = token_url, client_id, client_secret, scope
        self._token: str | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()

    def invalidate(self) -> None:
        self._token = None

    async def __call__(self) -> str:
        loop = asyncio.get_running_loop()
        async with self._lock:
            if self._token is None or loop.time() > self._expires - 30:
                async with httpx.AsyncClient(timeout=10.0) as client:
                    resp = await client.post(
                        self.token_url,
                        data={"grant_type": "client_credentials", "scope": self.scope},
                        auth=(self.client_id, self.client_secret),
                    )
                    resp.raise_for_status()
                    body = resp.json()
                self._token = body["access_token"]
                self._expires = loop.time() + float(body.get("expires_in", 300))
            return self._token


def service_token(settings) -> ClientCredentials:
    if not settings.service_client_id or not settings.service_client_secret:
        raise RuntimeError("SERVICE_CLIENT_ID and SERVICE_CLIENT_SECRET are needed to read other services' feeds")
    return ClientCredentials(
        f"{settings.identity_url}/oauth/token",
        settings.service_client_id,
        settings.service_client_secret,
        "events:read",
    )
