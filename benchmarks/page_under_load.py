"""The roster page under load, measured from outside Python: wrk (a C load generator) sends the page
with a different token on every request (the gateway merges identical in-flight requests), against
the personnel subgraph directly — once as deployed (garbage collector frozen after start-up) and
once with the collector as CPython leaves it (GC_FREEZE=false), side by side in one run — and
through the gateway. Prints p50/p95/p99 and requests/s, and the ratios the performance goals name.

    .venv/bin/python benchmarks/page_under_load.py            # alone; `make bench` runs it from goals.py
    BENCH_SECONDS=1 BENCH_CONNECTIONS=2 ...                   # the smoke size `make test` runs

Starts its own stack on free ports (databases ``benchpl_*``, recreated each run).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tools"), str(ROOT / "tests")]

from devstack import PYTHON, SERVICES, Stack, embedded_database  # noqa: E402
from helpers import client_token  # noqa: E402
from stackutil import free_port  # noqa: E402

SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = [int(c) for c in os.environ.get("BENCH_CONNECTIONS", "1,20").split(",")]
TOKENS = int(os.environ.get("BENCH_TOKENS", "40"))
PAGE = "{ cadres(first: 50) { nodes { id name professionalLine township { name } agency { name } } } }"

LUA = """
local tokens = %(tokens)s
local body = %(body)s
local n = 0
request = function()
  n = n + 1
  return wrk.format("POST", nil, {["content-type"] = "application/json",
                                  ["authorization"] = "Bearer " .. tokens[(n %% #tokens) + 1]}, body)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%f %%f %%f %%f %%d %%d\\n", latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6), summary.errors.status + summary.errors.connect
    + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.requests))
end
"""


def wrk(url: str, script: Path, connections: int, seconds: float) -> dict:
    out = subprocess.run(
        [
            shutil.which("wrk") or "wrk",
            "-t",
            "1",
            "-c",
            str(connections),
            "-d",
            f"{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("RESULT"))
    p50, p95, p99, rps, errors, requests = line.split()[1:]
    return {
        "p50": float(p50),
        "p95": float(p95),
        "p99": float(p99),
        "rps": float(rps),
        "errors": int(errors),
        "requests": int(requests),
    }


def lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string literal is a valid Lua string literal for this text


def run(
    stack: Stack,
    *,
    seconds: float = SECONDS,
    connections: list[int] = CONNECTIONS,
    token_count: int = TOKENS,
    out=print,
) -> dict:
    identity = stack.url("identity")
    tokens = [
        client_token(identity, "sfj-system", "sfj-system-demo-secret", "roster:read")["access_token"]
        for _ in range(token_count)
    ]
    body = json.dumps({"query": PAGE})
    for url in (stack.gateway_url, f"{stack.url('personnel')}/graphql"):
        check = httpx.post(
            url, content=body, headers={"content-type": "application/json", "authorization": f"Bearer {tokens[0]}"}
        ).json()
        assert not check.get("errors") and len(check["data"]["cadres"]["nodes"]) == 50, check
    unfrozen_port = free_port()
    env = {**stack.env("personnel"), "GC_FREEZE": "false", "RUN_CONSUMERS": "false"}
    unfrozen = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "uvicorn",
            "--factory",
            "personnel.app:app",
            "--host",
            stack.host,
            "--port",
            str(unfrozen_port),
            "--no-access-log",
            "--log-level",
            "warning",
            "--timeout-keep-alive",
            "75",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    targets = {
        "personnel subgraph direct": f"{stack.url('personnel')}/graphql",
        "personnel direct, GC not frozen": f"http://{stack.host}:{unfrozen_port}/graphql",
        "through the gateway": stack.gateway_url,
    }
    results: dict = {}
    try:
        for _ in range(100):
            try:
                if httpx.get(f"http://{stack.host}:{unfrozen_port}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        with tempfile.TemporaryDirectory() as tmp:
            script = Path(tmp) / "page.lua"
            script.write_text(
                LUA % {"tokens": "{" + ",".join(lua_string(t) for t in tokens) + "}", "body": lua_string(body)}
            )
            for name, url in targets.items():
                wrk(url, script, 1, seconds)  # warm-up: connections, caches, the query plan
                for c in connections:
                    results[(name, c)] = wrk(url, script, c, seconds)
    finally:
        unfrozen.terminate()
        unfrozen.wait(timeout=10)
    lines = [
        f"roster page, {PAGE[:60]}…; {os.cpu_count()} cores, {seconds:g} s per cell, wrk",
        f"{'path':<34} {'clients':>7} {'rps':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}",
    ]
    for (name, c), r in results.items():
        lines.append(
            f"{name:<34} {c:>7} {r['rps']:>8.1f} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['p99']:>8.1f} {r['errors']:>6}"
        )
    one = connections[0]
    direct, unf, gw = (results[(n, one)] for n in targets)
    ratios = {
        "p99/p50 direct (goal ≤ 3)": direct["p99"] / direct["p50"],
        "p99/p50 direct, GC not frozen": unf["p99"] / unf["p50"],
        "gateway/direct p50 (goal ≤ 1.3)": gw["p50"] / direct["p50"],
    }
    lines += [f"{k}: {v:.2f}" for k, v in ratios.items()]
    out("\n".join(lines))
    return {"results": results, "ratios": ratios}


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
    stack.prepare(demo=True)
    stack.start()
    try:
        run(stack)
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
