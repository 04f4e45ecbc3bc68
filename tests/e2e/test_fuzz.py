"""Schema-driven fuzzing of the whole graph with schemathesis (GraphQL mode): every query and
mutation the gateway publishes, with generated arguments, as several roles, against a stack of its
own (fuzzed mutations must not change what the other end-to-end tests see). Any 5xx, and any
INTERNAL_SERVER_ERROR or DOWNSTREAM_SERVICE_ERROR in the answer, fails.

The budget is fixed (``FUZZ_EXAMPLES`` per operation, derandomised so a run is repeatable); raise it
locally with ``FUZZ_EXAMPLES=50 make test PYTEST_ARGS=tests/e2e/test_fuzz.py``.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
import schemathesis
from devstack import ROOT
from helpers import client_token, login
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.graphql import nodes
from stackutil import PASSWORD, running_stack

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
ROLES = ["bianban", "diankou-admin", "diankou-grid"]  # county office, township, least privileged
SERVER_FAULTS = {"INTERNAL_SERVER_ERROR", "DOWNSTREAM_SERVICE_ERROR"}

# Our scalars, as a client would send them (and some it should not).
schemathesis.graphql.scalar(
    "Date",
    st.dates(dt.date(1900, 1, 1), dt.date(2200, 1, 1)).map(lambda d: nodes.String(d.isoformat()))
    | st.text(max_size=12).map(nodes.String),
)
schemathesis.graphql.scalar(
    "DateTime",
    st.datetimes(dt.datetime(1970, 1, 1), dt.datetime(2100, 1, 1)).map(lambda d: nodes.String(d.isoformat() + "+08:00"))
    | st.text(max_size=12).map(nodes.String),
)
schemathesis.graphql.scalar(
    "Decimal",
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**6), max_value=10**6).map(
        lambda d: nodes.String(str(d))
    )
    | st.text(max_size=8).map(nodes.String),
)


@pytest.fixture(scope="module")
def fuzz_stack(database_url, run_prefix):
    with running_stack(database_url, f"{run_prefix}fz_") as s:
        yield s


@pytest.fixture(scope="module")
def fuzz_tokens(fuzz_stack) -> dict[str, str]:
    identity = fuzz_stack.url("identity")
    tokens = {u: login(identity, u, PASSWORD)["access_token"] for u in ROLES}
    tokens["sfj-system"] = client_token(
        identity, "sfj-system", "sfj-system-demo-secret", "roster:read events:report events:status"
    )["access_token"]
    return tokens


# The published supergraph is the gateway's schema (introspection is off outside dev).
GRAPH = schemathesis.graphql.from_path(str(ROOT / "gateway" / "supergraph.graphql"))
OPERATIONS = [result.ok() for result in GRAPH.get_all_operations()]


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_no_generated_request_gets_a_server_error(operation, fuzz_stack, fuzz_tokens):
    @settings(
        max_examples=EXAMPLES, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(case=operation.as_strategy())
    def fuzz(case):
        for who, token in fuzz_tokens.items():
            response = case.call(
                base_url=fuzz_stack.gateway_url, headers={"authorization": f"Bearer {token}"}, timeout=30
            )
            assert response.status_code < 500, (who, case.body, response.text[:500])
            body = response.json()
            codes = {(e.get("extensions") or {}).get("code") for e in body.get("errors") or []}
            assert not codes & SERVER_FAULTS, (who, case.body, body)

    fuzz()
