"""`make bench`: every performance goal beside its figure, measured in one run on this machine, in
one table (also written to benchmarks/RESULTS.md). Load comes from wrk, a C load generator that
does not share the interpreter with what it measures; every request carries its own token (the
gateway merges identical in-flight requests); ratios are taken from the same run.

    .venv/bin/python benchmarks/goals.py          # what `make bench` runs (a few minutes)
    BENCH_SMOKE=1 .venv/bin/python ...            # the tiny size `make test` runs (tests/e2e/test_bench_smoke.py)

Figures, never assertions: this prints what it measured and whether each goal is met.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tools"), str(ROOT / "tests")]

from devstack import SERVICES, Stack, embedded_database, mail_sink  # noqa: E402
from helpers import client_token, eventually, login  # noqa: E402
from stackutil import PASSWORD, db_conn, drop_databases, free_port, mails, service_app  # noqa: E402

SMOKE = os.environ.get("BENCH_SMOKE") == "1"
SECONDS = float(os.environ.get("BENCH_SECONDS", "1" if SMOKE else "10"))
MANY = int(os.environ.get("BENCH_MANY", "2" if SMOKE else "20"))  # the "20 concurrent clients"
CADRES = int(os.environ.get("BENCH_CADRES", "2000" if SMOKE else "100000"))
ROSTER = "{ cadres(first: 50) { nodes { id name professionalLine township { name } agency { name } } } }"
FEDERATED = (
    "{ cadres(first: 50) { nodes { id name professionalLine township { name } agency { name }"
    " openTaskCount assessmentRoster { status } } } }"
)
REPORT = "mutation($i: ReportEventInput!) { reportEvent(input: $i) { created event { id } } }"

INTAKE_LUA = """
local token = %(token)s
local prefix = %(prefix)s
local township = %(township)s
local n = 0
request = function()
  n = n + 1
  local body = '{"query": ' .. %(query)s .. ', "variables": {"i": {"townshipId": "' .. township ..
    '", "matterType": "WAGE_ARREARS", "description": "bench", "idempotencyKey": "' .. prefix .. n .. '"}}}'
  return wrk.format("POST", nil, {["content-type"] = "application/json", ["authorization"] = "Bearer " .. token}, body)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%f %%f %%f %%f %%d %%d\\n", latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6), summary.errors.status + summary.errors.connect
    + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.requests))
end
"""


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


page_under_load = _module("page_under_load")


@dataclass
class Row:
    figure: str
    value: float | None
    unit: str
    goal: str
    met: bool | None  # None: a figure printed for context, no goal of its own

    def line(self) -> str:
        shown = "—" if self.value is None else (f"{self.value:.2f}" if self.value < 100 else f"{self.value:.0f}")
        verdict = {True: "met", False: "NOT MET", None: ""}[self.met]
        return f"{self.figure:<56} {shown + ' ' + self.unit:>14}  {self.goal:<14} {verdict}"


def _lua_script(tmp: Path, name: str, tokens: list[str], query: str) -> Path:
    script = tmp / f"{name}.lua"
    script.write_text(
        page_under_load.LUA
        % {
            "tokens": "{" + ",".join(page_under_load.lua_string(t) for t in tokens) + "}",
            "body": page_under_load.lua_string(json.dumps({"query": query})),
        }
    )
    return script


def pages(stack: Stack, tmp: Path, tokens: list[str], out) -> dict:
    """The roster page direct and through the gateway, and the federated page (the same page plus a
    field from the platform and one from assessment) through the gateway, at 1 and MANY clients."""
    figures = page_under_load.run(stack, seconds=SECONDS, connections=[1, MANY], token_count=len(tokens), out=out)
    # A person's page (the organisation department's: the whole county): a department system's token
    # does not read tasks.
    people = [login(stack.url("identity"), "zuzhibu", PASSWORD)["access_token"] for _ in tokens]
    federated = _lua_script(tmp, "federated", people, FEDERATED)
    check = httpx.post(
        stack.gateway_url, json={"query": FEDERATED}, headers={"authorization": f"Bearer {people[0]}"}
    ).json()
    assert not check.get("errors"), check
    page_under_load.wrk(stack.gateway_url, federated, 1, SECONDS)  # warm-up
    for c in (1, MANY):
        figures["results"][("federated page through the gateway", c)] = page_under_load.wrk(
            stack.gateway_url, federated, c, SECONDS
        )
    return figures


def sql_share(stack: Stack, token: str, repeats: int) -> tuple[float, float]:
    """(the page through the personnel app in process, its own SQL replayed with psycopg), p50 ms.
    The statements are captured from the app (with their parameters) and run again directly."""
    from sqlalchemy import event

    app = service_app(stack, "personnel")
    captured: list[tuple[str, object]] = []
    recording = {"on": False}

    def record(conn, cursor, statement, parameters, context, executemany):
        if recording["on"]:
            captured.append((statement, parameters))

    event.listen(app.state.runtime.engine.sync_engine, "before_cursor_execute", record)

    async def through_app() -> list[float]:
        times = []
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                headers = {"authorization": f"Bearer {token}"}
                for i in range(repeats + 20):
                    recording["on"] = i == 19
                    t = time.perf_counter()
                    body = (await client.post("/graphql", json={"query": ROSTER}, headers=headers)).json()
                    if i >= 20:
                        times.append(time.perf_counter() - t)
                    assert not body.get("errors"), body
        return times

    app_times = asyncio.run(through_app())
    statements = [(s, p) for s, p in captured if not s.lstrip().upper().startswith(("BEGIN", "ROLLBACK", "COMMIT"))]
    with db_conn(stack, "personnel") as conn:
        sql_times = []
        for i in range(repeats + 20):
            t = time.perf_counter()
            for statement, parameters in statements:
                conn.execute(statement, parameters).fetchall()
            if i >= 20:
                sql_times.append(time.perf_counter() - t)
            conn.rollback()
    return statistics.median(app_times) * 1000, statistics.median(sql_times) * 1000


def intake(stack: Stack, tmp: Path, clients: list[int]) -> dict[int, dict]:
    """Department systems reporting events through the gateway with unique idempotency keys; after
    each run, the events in the platform's database are counted: nothing lost."""
    org = json.loads((ROOT / "demo" / "org.json").read_text(encoding="utf-8"))
    township = next(t["id"] for t in org["townships"] if t["code"] == "diankou")
    token = client_token(stack.url("identity"), "sfj-system", "sfj-system-demo-secret", "events:report")["access_token"]
    results = {}
    for c in clients:
        prefix = f"bench-{uuid.uuid4().hex[:8]}-"
        script = tmp / f"intake{c}.lua"
        script.write_text(
            INTAKE_LUA
            % {
                "token": json.dumps(token),
                "prefix": json.dumps(prefix),
                "township": json.dumps(township),
                "query": json.dumps(json.dumps(REPORT)),
            }
        )
        r = page_under_load.wrk(stack.gateway_url, script, c, SECONDS)
        with db_conn(stack, "platform") as conn:
            stored = conn.execute(
                "SELECT count(*) FROM grid_event WHERE idempotency_key LIKE %s", (prefix + "%",)
            ).fetchone()[0]
        r["stored"] = stored
        results[c] = r
    return results


EVENT_LINK = re.compile(r"/dispatch\?event=([0-9a-f-]{36})")


async def _open_loop(url: str, token: str, township: str, prefix: str, rate: int, seconds: float) -> float:
    """Reports sent at a fixed rate whatever the answers take (an open loop: wrk waits for each
    answer before the next request, so it cannot hold a rate); returns the rate achieved."""
    n = max(1, round(rate * seconds))
    headers = {"authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=64)) as client:

        async def one(i: int) -> None:
            variables = {
                "i": {
                    "townshipId": township,
                    "matterType": "WAGE_ARREARS",
                    "description": "bench",
                    "idempotencyKey": f"{prefix}{i}",
                }
            }
            await client.post(url, json={"query": REPORT, "variables": variables}, headers=headers)

        started = time.perf_counter()
        tasks = []
        for i in range(n):
            await asyncio.sleep(max(0.0, started + i / rate - time.perf_counter()))
            tasks.append(asyncio.create_task(one(i)))
        sent = time.perf_counter() - started
        await asyncio.gather(*tasks)
    return n / max(sent, 1 / rate)


def delivery_lag(stack: Stack, rate: int) -> dict:
    """Reports through the gateway at ``rate`` events/s; for each, the time from its commit in the
    platform to its 待办 item in the notifications service, and to the mail for the command centre
    arriving at the stack's SMTP server (``stack.mail_dir``). Returns the p95 of each, in ms."""
    org = json.loads((ROOT / "demo" / "org.json").read_text(encoding="utf-8"))
    township = next(t["id"] for t in org["townships"] if t["code"] == "diankou")
    token = client_token(stack.url("identity"), "sfj-system", "sfj-system-demo-secret", "events:report")["access_token"]
    prefix = f"lag-{uuid.uuid4().hex[:8]}-"
    achieved = asyncio.run(_open_loop(stack.gateway_url, token, township, prefix, rate, SECONDS))
    with db_conn(stack, "platform") as conn:
        reported = dict(
            conn.execute(
                "SELECT id::text, reported_at FROM grid_event WHERE idempotency_key LIKE %s", (prefix + "%",)
            ).fetchall()
        )

    def items() -> dict:
        with db_conn(stack, "notifications") as conn:
            return dict(
                conn.execute(
                    "SELECT source_id, min(created_at) FROM inbox_item WHERE kind = 'EVENT_TO_ACCEPT'"
                    " AND source_id = ANY(%s) GROUP BY source_id",
                    (list(reported),),
                ).fetchall()
            )

    def mailed() -> dict:
        first: dict[str, float] = {}
        for arrived, msg in mails(stack):
            body = msg.get_body(preferencelist=("plain",))
            found = EVENT_LINK.search(body.get_content() if body is not None else "")
            if found and found.group(1) in reported and "待受理" in str(msg["Subject"]):
                first[found.group(1)] = min(first.get(found.group(1), arrived), arrived)
        return first

    opened = eventually(lambda: (got := items()) and len(got) == len(reported) and got, timeout=60, interval=0.2)
    sent = eventually(lambda: (got := mailed()) and len(got) == len(reported) and got, timeout=60, interval=0.2)

    def p95(values: list[float]) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]

    to_item = [(opened[e] - at).total_seconds() * 1000 for e, at in reported.items()]
    to_mail = [(sent[e] - at.timestamp()) * 1000 for e, at in reported.items()]
    return {"events": len(reported), "rps": achieved, "item_p95": p95(to_item), "mail_p95": p95(to_mail)}


def make_run_start(database_url: str) -> float:
    """`make run` from a warm install (dependencies present; a fresh database prefix, so migrations
    and the demo data are part of it) until the gateway answers a query."""
    ports = {n: free_port() for n, _, _ in SERVICES}
    gateway, console = free_port(), free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "GATEWAY_PORT": str(gateway),
        "CONSOLE_PORT": str(console),
        "DB_PREFIX": f"benchrun{uuid.uuid4().hex[:6]}_",
        **{f"{n.upper()}_PORT": str(p) for n, p in ports.items()},
    }
    started = time.perf_counter()
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        identity = f"http://127.0.0.1:{ports['identity']}"

        def answered() -> bool:
            try:
                token = client_token(identity, "sfj-system", "sfj-system-demo-secret", "roster:read")["access_token"]
                body = httpx.post(
                    f"http://127.0.0.1:{gateway}/graphql",
                    json={"query": "{ cadres(first: 1) { nodes { name } } }"},
                    headers={"authorization": f"Bearer {token}"},
                    timeout=5,
                ).json()
                return bool(body.get("data", {}).get("cadres"))
            except (httpx.HTTPError, KeyError, ValueError, AssertionError):
                return False

        eventually(answered, timeout=180, interval=0.2)
        return time.perf_counter() - started
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        drop_databases(database_url, env["DB_PREFIX"])


def run(stack: Stack, out=print) -> list[Row]:
    identity = stack.url("identity")
    tokens = [
        client_token(identity, "sfj-system", "sfj-system-demo-secret", "roster:read")["access_token"]
        for _ in range(3 if SMOKE else 40)
    ]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        figures = pages(stack, Path(tmp), tokens, out)
        res = figures["results"]
        direct1 = res[("personnel subgraph direct", 1)]
        gw1, gw_many = res[("through the gateway", 1)], res[("through the gateway", MANY)]
        fed1, fed_many = (
            res[("federated page through the gateway", 1)],
            res[("federated page through the gateway", MANY)],
        )
        ratio = direct1["p99"] / direct1["p50"]
        rows.append(Row("roster page, 1 client, direct: p99 / p50", ratio, "×", "≤ 3", ratio <= 3))
        overhead = gw1["p50"] / direct1["p50"]
        rows.append(Row("roster page, 1 client: gateway p50 / direct p50", overhead, "×", "≤ 1.3", overhead <= 1.3))
        app_ms, sql_ms = sql_share(stack, tokens[0], 20 if SMOKE else 300)
        rows.append(Row("roster page in the personnel app (in process), p50", app_ms, "ms", "", None))
        rows.append(Row("  its own SQL replayed with psycopg, p50", sql_ms, "ms", "", None))
        rows.append(Row("framework overhead: app / its SQL", app_ms / sql_ms, "×", "≤ 3", app_ms / sql_ms <= 3))
        rows.append(Row("roster page, direct, 1 client: p50", direct1["p50"], "ms", "", None))
        rows.append(Row("roster page, gateway, 1 client: p50", gw1["p50"], "ms", "", None))
        rows.append(
            Row(f"roster page, gateway, {MANY} clients: p95", gw_many["p95"], "ms", "< 50", gw_many["p95"] < 50)
        )
        rows.append(Row(f"  throughput at {MANY} clients", gw_many["rps"], "req/s", "", None))
        rows.append(Row("federated page, gateway, 1 client: p50", fed1["p50"], "ms", "", None))
        rows.append(
            Row(f"federated page, gateway, {MANY} clients: p95", fed_many["p95"], "ms", "< 50", fed_many["p95"] < 50)
        )
        rate = 100
        lag = delivery_lag(stack, rate)
        out(f"delivery lag: {lag}")
        rows.append(
            Row(
                f"report → 待办 item at {lag['rps']:.0f} events/s ({lag['events']} events): p95",
                lag["item_p95"],
                "ms",
                "≤ 2000",
                lag["item_p95"] <= 2000,
            )
        )
        rows.append(
            Row("report → its mail in the SMTP server: p95", lag["mail_p95"], "ms", "≤ 5000", lag["mail_p95"] <= 5000)
        )
        for c, r in intake(stack, Path(tmp), [8, MANY] if not SMOKE else [1, 2]).items():
            lost = max(0, r["requests"] - r["stored"])
            rows.append(
                Row(
                    f"intake through the gateway, {c} clients ({lost} lost, {r['errors']} errors)",
                    r["rps"],
                    "events/s",
                    "≥ 300, 0 lost",
                    r["rps"] >= 300 and lost == 0 and r["errors"] == 0,
                )
            )
    return rows


def after_the_stack(database_url: str, db_prefix: str, out=print) -> list[Row]:
    """The figures that need no running stack: the annual excellence flow, and `make run` itself."""
    excellence = _module("excellence_flow")
    seconds = asyncio.run(excellence.main(CADRES, out=out, database_url=database_url, db_prefix=db_prefix))
    start = make_run_start(database_url)
    return [
        Row(f"annual excellence flow, {CADRES} cadres, end to end", seconds, "s", "≤ 15", seconds <= 15),
        Row("make run (warm install) to the first answered query", start, "s", "≤ 15", start <= 15),
    ]


def table(rows: list[Row]) -> list[str]:
    return [
        f"Performance goals — {os.cpu_count()} cores, {SECONDS:g} s per load cell, wrk; "
        f"{'SMOKE SIZE (make test)' if SMOKE else 'full size'}",
        f"{'figure':<56} {'measured':>14}  {'goal':<14} verdict",
        *[r.line() for r in rows],
    ]


def main() -> int:
    url = os.environ.get("DATABASE_URL") or embedded_database(ROOT / ".data" / "pg")
    stack = Stack(
        database_url=url,
        db_prefix="benchpl_",
        gateway_port=free_port(),
        ports={n: free_port() for n, _, _ in SERVICES},
        log_dir=ROOT / ".data" / "bench-logs",
        environment="test",
        # The load generator is one caller sending thousands of requests: the gateway's per-caller
        # limit (GATEWAY_RATE_*) would measure itself, not the system.
        extra_env={"GATEWAY_RATE_PER_SECOND": "1000000", "GATEWAY_RATE_BURST": "1000000"},
    )
    details: list[str] = []
    # Mail to a local SMTP server whatever the hour, as `make run` does: the delivery-lag figure reads it.
    stack.mail_dir = ROOT / ".data" / "bench-mail"
    shutil.rmtree(stack.mail_dir, ignore_errors=True)
    sink = mail_sink(free_port(), stack.mail_dir)
    stack.extra_env.update({"NOTIFY_SMTP_URL": f"smtp://127.0.0.1:{sink.port}", "NOTIFY_QUIET_HOURS": ""})
    stack.prepare(demo=True)
    stack.start()
    try:
        rows = run(stack, out=lambda text: (print(text), details.append(text)))
    finally:
        stack.stop()
        sink.stop()
    rows += after_the_stack(url, "bench_", out=lambda text: (print(text), details.append(text)))
    lines = table(rows)
    print("\n".join(lines))
    if not SMOKE:
        (ROOT / "benchmarks" / "RESULTS.md").write_text(
            "# make bench: the latest run on the development machine\n\n"
            "`benchmarks/goals.py` (the goals of the performance issue; figures, never asserted). Where a goal\n"
            "is not met, `benchmarks/PROFILE.md` shows where the time goes.\n\n"
            "```\n" + "\n".join(lines) + "\n```\n\nDetails (the same run):\n\n```\n" + "\n".join(details) + "\n```\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
