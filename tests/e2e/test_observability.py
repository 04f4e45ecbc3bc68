"""Health, readiness, metrics and the request id carried from the gateway into subgraph logs."""

from __future__ import annotations

import json
import re
import socket
import time
import uuid

import httpx
import pytest
from helpers import error_codes, eventually, gql, pkce_pair, submit_login

SERVICES = ["identity", "personnel", "assessment", "platform", "notifications"]


@pytest.mark.parametrize("name", SERVICES)
def test_health_readiness_and_metrics_on_every_service(stack, name):
    base = stack.url(name)
    assert httpx.get(f"{base}/healthz").json()["status"] == "ok"
    assert httpx.get(f"{base}/readyz").json()["status"] == "ready"
    metrics = httpx.get(f"{base}/metrics")
    assert metrics.status_code == 200 and "http_requests_total" in metrics.text


def test_feed_consumers_and_the_deadline_worker_are_measured(stack):
    def measured() -> bool:
        text = httpx.get(f"{stack.url('platform')}/metrics").text
        return 'feed_events_total{feed="personnel"}' in text and "deadline_sweep_seconds_count" in text

    eventually(measured, timeout=30)
    assert 'feed_events_total{feed="personnel"}' in httpx.get(f"{stack.url('assessment')}/metrics").text

    # What the lag alert reads: a recent successful poll, per feed.
    def polled() -> float:
        text = httpx.get(f"{stack.url('assessment')}/metrics").text
        line = r'^feed_last_poll_success_timestamp_seconds\{feed="personnel"\} (\S+)$'
        return float(re.search(line, text, re.M).group(1))

    eventually(lambda: time.time() - polled() < 60, timeout=30)


def test_gateway_health_and_metrics(stack):
    base = stack.gateway_url.rsplit("/", 1)[0]
    assert httpx.get(f"{base}/healthz").status_code == 200
    assert httpx.get(f"{base}/readyz").status_code == 200
    assert httpx.get(f"{base}/metrics").status_code == 200


def test_request_id_travels_from_gateway_to_subgraph_logs(stack, gateway, service_token):
    """The gateway makes the request id; the client's own id travels beside it (x-client-request-id)
    into every subgraph's log line, never in its place."""
    client_rid = f"test-{uuid.uuid4().hex}"
    resp = httpx.post(
        gateway,
        json={"query": "{ cadres(first: 1) { nodes { name assessmentRoster { status } } } }"},
        headers={"authorization": f"Bearer {service_token}", "x-request-id": client_rid},
    )
    assert resp.status_code == 200 and resp.headers["x-client-request-id"] == client_rid
    rid = resp.headers["x-request-id"]
    assert rid != client_rid and len(rid) == 32

    def logged(name: str) -> bool:
        lines = (stack.log_dir / f"{name}.log").read_text(encoding="utf-8").splitlines()
        entries = [json.loads(line) for line in lines if line.startswith("{")]
        return any(
            e.get("request_id") == rid and e.get("client_request_id") == client_rid and e.get("path") == "/graphql"
            for e in entries
        )

    eventually(lambda: logged("personnel") and logged("assessment"))


@pytest.mark.parametrize("raw", [b"\xff\xfe", b"a b", b"x" * 101, b"<script>", b"\xe5\xbc\xa0\xe4\xb8\x89"])
def test_a_request_id_of_any_bytes_is_replaced_never_a_server_error(stack, raw):
    """Before: a non-UTF-8 X-Request-Id answered 500 on every Python service, before authentication."""
    for name in SERVICES:
        host, port = stack.url(name).removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as conn:
            conn.sendall(
                b"GET /healthz HTTP/1.1\r\nHost: "
                + host.encode()
                + b"\r\nX-Request-Id: "
                + raw
                + b"\r\nX-Client-Request-Id: "
                + raw
                + b"\r\nConnection: close\r\n\r\n"
            )
            answer = b""
            while chunk := conn.recv(65536):
                answer += chunk
        head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        assert head[0].split()[1] == "200", (name, raw, answer[:300])
        rid = next(line.split(":", 1)[1].strip() for line in head if line.lower().startswith("x-request-id:"))
        assert rid.encode() != raw and len(rid) == 32


def test_gateway_limits_query_depth(gateway, service_token):
    # GATEWAY_MAX_DEPTH=5 in the test stack.
    assert gql(gateway, "{ cadres { edges { node { agency { name } } } } }", token=service_token)[0] == 200
    status, body = gql(gateway, "{ cadres { edges { node { agency { township { name } } } } } }", token=service_token)
    assert error_codes(body) == ["BAD_USER_INPUT"] and "depth" in body["errors"][0]["message"].lower()


def test_gateway_limits_query_tokens(gateway, service_token):
    huge = "{ " + " ".join(f"a{i}: __typename" for i in range(2000)) + " }"
    _, body = gql(gateway, huge, token=service_token)
    assert error_codes(body) == ["BAD_USER_INPUT"] and "token" in body["errors"][0]["message"].lower()


def test_gateway_gives_no_field_suggestions_outside_dev(gateway, service_token):
    _, body = gql(gateway, "{ cadres { nodes { nam } } }", token=service_token)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "Did you mean" not in body["errors"][0]["message"]


def test_identity_exposes_sign_in_failures_and_signing_key_age(stack, identity_url):
    """What the CountySignInFailuresHigh and CountySigningKeyOld alerts read."""

    def figure(name: str) -> float:
        text = httpx.get(f"{identity_url}/metrics").text
        return float(re.search(rf"^{name} (\S+)$", text, re.M).group(1))

    before = figure("login_failures_total")
    submit_login(
        identity_url, "bianban", "not-the-password", pkce_pair()[1], headers={"x-forwarded-for": "198.51.100.150"}
    )
    assert figure("login_failures_total") == before + 1
    assert figure("signing_key_age_seconds") > 0


def test_the_platform_counts_events_on_the_boards(stack):
    """The dashboard's events by state and overdue count come from the deadline worker."""

    def counted() -> bool:
        text = httpx.get(f"{stack.url('platform')}/metrics").text
        return 'grid_events_open{state="REPORTED"}' in text and re.search(r"^grid_events_overdue \S+$", text, re.M)

    eventually(counted, timeout=30)
