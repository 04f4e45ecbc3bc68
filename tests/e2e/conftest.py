"""The whole system, started once per test run on free ports against this run's databases:
real identity service, real subgraphs, real Hive Gateway."""

from __future__ import annotations

import pytest
from devstack import ROOT, SERVICES, Stack
from helpers import client_token, login
from stackutil import PASSWORD, db_conn, free_port


def new_stack(database_url: str, prefix: str) -> Stack:
    """A whole system on free ports with demo data, in databases named ``prefix…``. The browser
    test's single-page app will be served from ``stack.spa_origin``: the gateway allows it (CORS)."""
    spa_origin = f"http://127.0.0.1:{free_port()}"
    stack = Stack(
        database_url=database_url,
        db_prefix=prefix,
        gateway_port=free_port(),
        ports={name: free_port() for name, _, _ in SERVICES},
        log_dir=ROOT / ".data" / "test-logs" / prefix.rstrip("_"),
        environment="test",
        extra_env={
            # Short cache lifetimes so revocation and key retirement show within a test.
            "REVOCATION_REFRESH_SECONDS": "0.3", "JWKS_CACHE_SECONDS": "1", "JWKS_MIN_REFRESH_SECONDS": "0.2",
            "LOCKOUT_THRESHOLD": "3", "LOCKOUT_MINUTES": "10", "GATEWAY_MAX_DEPTH": "5",
            # Tests stand in for clients at other addresses through X-Forwarded-For.
            "TRUSTED_PROXIES": "127.0.0.1/32", "LOGIN_IP_MAX_FAILURES": "20",
            "CORS_ORIGINS": spa_origin,
        },
    )
    stack.spa_origin = spa_origin
    return stack


def register_spa(stack: Stack) -> None:
    """A front-end team registers its redirect URIs with the county-web client (test data, as an
    administrator would): the identity service then allows its origin (CORS) and its logout return."""
    with db_conn(stack, "identity") as conn:
        conn.execute("UPDATE oauth_client SET redirect_uris = redirect_uris || %s::text[], "
                     "post_logout_redirect_uris = post_logout_redirect_uris || %s::text[] WHERE client_id = 'county-web'",
                     ([f"{stack.spa_origin}/callback.html"], [f"{stack.spa_origin}/"]))


@pytest.fixture(scope="session")
def stack(database_url, run_prefix):
    s = new_stack(database_url, run_prefix)
    s.prepare(demo=True)
    register_spa(s)
    s.start()
    yield s
    s.stop()


@pytest.fixture(scope="session")
def identity_url(stack) -> str:
    return stack.url("identity")


@pytest.fixture(scope="session")
def gateway(stack) -> str:
    return stack.gateway_url


@pytest.fixture
def service_token(identity_url) -> str:
    return client_token(identity_url, "sfj-system", "sfj-system-demo-secret", "roster:read")["access_token"]


@pytest.fixture
def user_token(identity_url):
    cache: dict[str, str] = {}

    def get(username: str) -> str:
        if username not in cache:
            cache[username] = login(identity_url, username, PASSWORD)["access_token"]
        return cache[username]

    return get
