"""One request, one trace: with OTEL_EXPORTER_OTLP_ENDPOINT set, a federated query through the
gateway leaves spans from the gateway, the subgraphs and their SQL statements under the trace id
the caller's W3C ``traceparent`` started — received here by a small OTLP/HTTP receiver — and the
subgraphs' JSON log lines carry that trace id."""

from __future__ import annotations

import gzip
import http.server
import json
import secrets
import threading
import time

import httpx
import pytest
from helpers import gql, login
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from stackutil import PASSWORD, free_port, running_stack


class _Receiver(http.server.BaseHTTPRequestHandler):
    spans: list[tuple[str, str, str, dict]] = []  # (trace id, service, span name, attributes)

    def do_POST(self):  # noqa: N802
        body = self._body()
        if self.headers.get("content-type", "").startswith("application/json"):
            self._json(json.loads(body))  # the Node exporter's default encoding
            return self._ok()
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        for resource_spans in request.resource_spans:
            service = next(
                (a.value.string_value for a in resource_spans.resource.attributes if a.key == "service.name"), "?"
            )
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    attributes = {a.key: a.value.string_value for a in span.attributes}
                    self.spans.append((span.trace_id.hex(), service, span.name, attributes))
        self._ok()

    def _json(self, request: dict) -> None:
        def value(v: dict) -> str:
            return str(next(iter(v.values()), "")) if v else ""

        for resource_spans in request.get("resourceSpans", []):
            attrs = {
                a["key"]: value(a.get("value", {})) for a in resource_spans.get("resource", {}).get("attributes", [])
            }
            for scope_spans in resource_spans.get("scopeSpans", []):
                for span in scope_spans.get("spans", []):
                    attributes = {a["key"]: value(a.get("value", {})) for a in span.get("attributes", [])}
                    self.spans.append(
                        (span["traceId"].lower(), attrs.get("service.name", "?"), span["name"], attributes)
                    )

    def _body(self) -> bytes:
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            self.rfile.readline()
            body = b"".join(chunks)
        else:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
        if self.headers.get("content-encoding", "").lower() == "gzip":
            body = gzip.decompress(body)
        return body

    def _ok(self) -> None:
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def traced_stack(database_url, run_prefix):
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    otel = {"OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{port}", "OTEL_BSP_SCHEDULE_DELAY": "200"}
    with running_stack(database_url, f"{run_prefix}tr_", extra_env=otel) as s:
        yield s
    server.shutdown()


def test_a_federated_query_is_one_trace_across_gateway_subgraphs_and_sql(traced_stack):
    token = login(traced_stack.url("identity"), "diankou-admin", PASSWORD)["access_token"]
    trace_id = secrets.token_hex(16)
    status, body = gql(
        traced_stack.gateway_url,
        "{ cadres(first: 3) { nodes { name township { name commandCentreName } } } }",
        token=token,
        headers={"traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"},
    )
    assert status == 200 and not body.get("errors"), body

    def mine():
        return [s for s in _Receiver.spans if s[0] == trace_id]

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        services = {service for _, service, _, _ in mine()}
        sql = [s for s in mine() if "db.system" in s[3] or "db.system.name" in s[3]]
        if {"personnel", "platform"} <= services and len(services) >= 3 and sql:
            break
        time.sleep(0.3)
    spans = mine()
    services = {service for _, service, _, _ in spans}
    assert {"personnel", "platform"} <= services, spans
    everyone = {
        (svc, name)
        for _, svc, name, _ in _Receiver.spans
        if svc not in ("personnel", "platform", "identity", "assessment")
    }
    assert services - {"personnel", "platform", "identity", "assessment"}, (
        f"no gateway span: {services}; others: {sorted(everyone)[:20]}"
    )
    db_spans = [
        (t[:8], svc, n, sorted(a)[:6]) for t, svc, n, a in _Receiver.spans if any(k.startswith("db.") for k in a)
    ]
    assert any(any(k.startswith("db.") for k in a) for _, _, _, a in spans), (
        f"no SQL span in the trace; elsewhere: {db_spans[:5]}; names: {[(s[1], s[2]) for s in spans][:30]}"
    )

    # The subgraph's log line for that request carries the same trace id.
    log = (traced_stack.log_dir / "personnel.log").read_text(encoding="utf-8").splitlines()
    lines = [json.loads(line) for line in log if line.startswith("{")]
    assert any(entry.get("trace_id") == trace_id for entry in lines)


def test_spans_carry_no_query_string_of_a_sign_out(traced_stack):
    """Before: the server span recorded the full URL, so `GET /oauth/logout?id_token_hint=…` put the
    person's name, username and session id into the trace store."""
    hint = f"eyJhbGciOiJSUzI1NiJ9.hint-{secrets.token_hex(16)}.sig"  # refused, but traced all the same
    resp = httpx.get(f"{traced_stack.url('identity')}/oauth/logout", params={"id_token_hint": hint})
    assert resp.status_code == 400

    def logout_spans():
        return [a for _, svc, name, a in _Receiver.spans if svc == "identity" and "logout" in json.dumps(a)]

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not logout_spans():
        time.sleep(0.3)
    assert logout_spans(), "no span of the sign-out"
    everything = json.dumps([a for *_, a in _Receiver.spans], ensure_ascii=False)
    assert hint not in everything and hint[:40] not in everything and "id_token_hint" not in everything
