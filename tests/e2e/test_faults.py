"""Faults under load, short version of `make chaos` (tools/chaos.py): kill -9 the platform service,
then the personnel and the notifications service, then take this stack's databases away, all while a department system
keeps reporting; nothing accepted is lost or doubled — neither the event, its 待办 nor its mail —,
feeds catch up, audit chains verify, the deadline worker sweeps again. On a stack of its own."""

from __future__ import annotations

import chaos
import pytest
from stackutil import running_stack


@pytest.fixture(scope="module")
def fault_stack(database_url, run_prefix):
    with running_stack(database_url, f"{run_prefix}ch_", extra_env={"DEADLINE_INTERVAL_SECONDS": "1"}, mail=True) as s:
        yield s


def test_faults_under_load_lose_and_double_nothing(fault_stack):
    figures = chaos.run(fault_stack, phase_seconds=1.5, workers=3)
    assert [f["fault"] for f in figures["faults"]] == [
        "kill -9 platform",
        "kill -9 personnel",
        "kill -9 notifications",
        "database down",
    ]
    assert figures["inbox_items"] == figures["accepted_events"]
    # every one of them mailed to the centre, once per person (a resend keeps its Message-ID)
    assert figures["mail_deliveries"] >= figures["accepted_events"]
    assert figures["accepted_events"] > 0
    felt = {f["fault"]: f["refused_attempts"] for f in figures["faults"]}
    # Intake is the platform's: it is refused while the platform or the database is down (and then
    # recovers: run() waited for an accepted report after each fault), not while personnel is.
    assert felt["kill -9 platform"] > 0 and felt["database down"] > 0, figures


def test_a_stopped_identity_service_does_not_stall_the_graph(fault_stack):
    """Before: with identity stopped (SIGSTOP), requests through the gateway with a valid token were
    still unanswered at a 30 s client timeout (the revocation fetch had no timeout and sat on every
    request's path). Now the last good list serves, and every call is answered within the client's
    10 s limit while identity is frozen."""
    import concurrent.futures
    import os
    import signal

    import httpx
    from helpers import client_token

    token = client_token(fault_stack.url("identity"), "sfj-system", "sfj-system-demo-secret", "roster:read")[
        "access_token"
    ]
    query = {"query": "{ cadres(first: 2) { nodes { name } } }"}
    headers = {"authorization": f"Bearer {token}"}
    assert httpx.post(fault_stack.gateway_url, json=query, headers=headers, timeout=10).status_code == 200
    identity = fault_stack.processes["identity"]
    os.kill(identity.pid, signal.SIGSTOP)
    try:

        def call(i: int) -> int:
            url = fault_stack.gateway_url if i % 2 else f"{fault_stack.url('personnel')}/graphql"
            return httpx.post(url, json=query, headers=headers, timeout=10).status_code

        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(call, range(8)))
    finally:
        os.kill(identity.pid, signal.SIGCONT)
    assert statuses == [200] * 8, statuses
