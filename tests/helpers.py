"""Small helpers the tests share: GraphQL calls, tokens, the login form, polling."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import time
import urllib.parse
from typing import Any, Callable

import httpx


def gql(
    url: str, query: str, variables: dict | None = None, token: str | None = None, headers: dict | None = None
) -> tuple[int, dict]:
    h = {"content-type": "application/json", **(headers or {})}
    if token:
        h["authorization"] = f"Bearer {token}"
    resp = httpx.post(url, json={"query": query, "variables": variables or {}}, headers=h, timeout=30)
    return resp.status_code, resp.json()


def error_codes(body: dict) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors") or []]


def client_token(identity_url: str, client_id: str, secret: str, scope: str) -> dict:
    resp = httpx.post(
        f"{identity_url}/oauth/token",
        data={"grant_type": "client_credentials", "scope": scope},
        auth=(client_id, secret),
        timeout=30,
    )
    assert resp.status_code == 200, resp.text
    return resp.json()


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


REDIRECT = "http://127.0.0.1:4080/callback"


def authorize_url(
    identity_url: str,
    challenge: str | None,
    state: str = "st-1",
    client_id: str = "county-web",
    scope: str = "api offline_access",
    method: str = "S256",
    redirect_uri: str = REDIRECT,
) -> str:
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": scope,
        "state": state,
    }
    if challenge:
        params.update(code_challenge=challenge, code_challenge_method=method)
    return f"{identity_url}/oauth/authorize?{urllib.parse.urlencode(params)}"


def submit_login(
    identity_url: str, username: str, password: str, challenge: str, headers: dict | None = None
) -> httpx.Response:
    """Drive the login page like a browser: GET the form, POST it back to its action."""
    with httpx.Client(timeout=30, headers=headers) as client:
        page = client.get(authorize_url(identity_url, challenge))
        assert page.status_code == 200, page.text
        action = re.search(r'<form method="post" action="([^"]+)"', page.text).group(1)
        action = action.replace("&amp;", "&")
        return client.post(action, data={"username": username, "password": password})


def login(identity_url: str, username: str, password: str) -> dict:
    verifier, challenge = pkce_pair()
    resp = submit_login(identity_url, username, password, challenge)
    assert resp.status_code == 302, resp.text
    query = urllib.parse.parse_qs(urllib.parse.urlparse(resp.headers["location"]).query)
    assert query["state"] == ["st-1"]
    token = httpx.post(
        f"{identity_url}/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": REDIRECT,
            "client_id": "county-web",
            "code_verifier": verifier,
        },
        timeout=30,
    )
    assert token.status_code == 200, token.text
    return token.json()


def refresh(identity_url: str, refresh_token: str) -> httpx.Response:
    return httpx.post(
        f"{identity_url}/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": "county-web"},
        timeout=30,
    )


def eventually(check: Callable[[], Any], timeout: float = 15.0, interval: float = 0.1) -> Any:
    """Poll until ``check`` returns a truthy value (caches refresh on their own schedule)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last value {value!r})")
        time.sleep(interval)
