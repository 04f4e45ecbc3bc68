"""The whole system, started once per test run on free ports against this run's databases:
real identity service, real subgraphs, real Hive Gateway."""

from __future__ import annotations

import pytest
from helpers import client_token, login
from stackutil import PASSWORD, running_stack


@pytest.fixture(scope="session")
def stack(database_url, run_prefix):
    # Mail on, as in `make run`: every 待办 the suite opens is also mailed (the delivery-lag benchmark reads it).
    with running_stack(database_url, run_prefix, spa=True, mail=True) as s:
        yield s


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
