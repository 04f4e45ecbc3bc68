"""Grid events through the real gateway and services: intake by a department system (idempotent
reports, concurrent) and the whole dispatch round trip (accept → dispatch → sign → start →
feedback → verify) as the command centre and the cadre do it. Prints events/s and p50/p95.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/dispatch_round_trip.py
(without DATABASE_URL an embedded PostgreSQL is used). Starts its own stack on free ports with
databases prefixed ``benchgw_`` (dropped and recreated each run) and stops it at the end.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tools"), str(ROOT / "tests")]

from devstack import SERVICES, Stack, embedded_database  # noqa: E402
from helpers import client_token, eventually, login  # noqa: E402
from stackutil import PASSWORD, db_conn, free_port  # noqa: E402

INTAKE = int(os.environ.get("BENCH_INTAKE", 600))
ROUND_TRIPS = int(os.environ.get("BENCH_TRIPS", 60))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", 8))
REPORT = "mutation($i: ReportEventInput!) { reportEvent(input: $i) { created event { id } } }"
ACT = "mutation($i: EventActionInput!) { actOnEvent(input: $i) { state } }"
PREFIX = "benchgw_"


def pct(values: list[float], p: float) -> float:
    return sorted(values)[min(len(values) - 1, int(len(values) * p))] * 1000


def drop_databases(url: str) -> None:
    from sqlalchemy.engine import make_url

    u = make_url(url)
    kw = {"dbname": u.database or "postgres", "user": u.username or "postgres", "autocommit": True}
    if u.host:
        kw["host"] = u.host
    if u.port:
        kw["port"] = u.port
    with psycopg.connect(**kw) as conn:
        for (name,) in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'benchgw\\_%'").fetchall():
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


async def call(client: httpx.AsyncClient, url: str, query: str, variables: dict, token: str) -> tuple[dict, float]:
    t = time.perf_counter()
    resp = await client.post(
        url, json={"query": query, "variables": variables}, headers={"authorization": f"Bearer {token}"}
    )
    elapsed = time.perf_counter() - t
    body = resp.json()
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    return body["data"], elapsed


async def run(stack: Stack) -> None:
    org = json.loads((ROOT / "demo" / "org.json").read_text(encoding="utf-8"))
    town = next(t["id"] for t in org["townships"] if t["code"] == "diankou")
    demo = json.loads((ROOT / "demo" / "identities.json").read_text(encoding="utf-8"))
    cadre_id = next(u for u in demo["users"] if u["username"] == "cadre-demo")["cadre_id"]
    identity, url = stack.url("identity"), stack.gateway_url
    system = client_token(identity, "sfj-system", "sfj-system-demo-secret", "events:report")["access_token"]
    centre = login(identity, "diankou-cc", PASSWORD)["access_token"]
    cadre = login(identity, "cadre-demo", PASSWORD)["access_token"]

    def projected() -> bool:
        with db_conn(stack, "platform") as conn:
            return (
                conn.execute("SELECT count(*) FROM stationed_cadre WHERE cadre_id = %s", (cadre_id,)).fetchone()[0] == 1
            )

    eventually(projected, timeout=120)

    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=CONCURRENCY)) as client:
        # Warm up the gateway's plan cache and the services' pools.
        await call(
            client,
            url,
            REPORT,
            {
                "i": {
                    "townshipId": town,
                    "matterType": "WAGE_ARREARS",
                    "description": "预热",
                    "idempotencyKey": "warm-up",
                }
            },
            system,
        )
        latencies: list[float] = []
        queue = asyncio.Queue()
        for i in range(INTAKE):
            queue.put_nowait(i)

        async def reporter() -> None:
            while not queue.empty():
                i = queue.get_nowait()
                _, t = await call(
                    client,
                    url,
                    REPORT,
                    {
                        "i": {
                            "townshipId": town,
                            "matterType": "WAGE_ARREARS",
                            "priority": "HIGH",
                            "description": f"某企业拖欠工资 #{i}",
                            "idempotencyKey": f"bench-{uuid.uuid4().hex}",
                        }
                    },
                    system,
                )
                latencies.append(t)

        start = time.perf_counter()
        await asyncio.gather(*(reporter() for _ in range(CONCURRENCY)))
        wall = time.perf_counter() - start
        print(
            f"intake: {INTAKE} reports by a department system, {CONCURRENCY} concurrent: "
            f"{INTAKE / wall:.0f} events/s, p50 {pct(latencies, 0.5):.1f} ms, p95 {pct(latencies, 0.95):.1f} ms"
        )

        steps = [
            (centre, {"action": "ACCEPT"}),
            (centre, {"action": "DISPATCH", "assigneeCadreId": cadre_id}),
            (cadre, {"action": "SIGN"}),
            (cadre, {"action": "START"}),
            (cadre, {"action": "FEEDBACK"}),
            (centre, {"action": "VERIFY_PASS", "closingReason": "RESOLVED"}),
        ]
        per_step: dict[str, list[float]] = {s["action"]: [] for _, s in steps}
        trips: list[float] = []
        for i in range(ROUND_TRIPS):
            data, _ = await call(
                client,
                url,
                REPORT,
                {
                    "i": {
                        "townshipId": town,
                        "matterType": "NEIGHBOUR_DISPUTE",
                        "description": f"邻里纠纷 #{i}",
                        "idempotencyKey": f"trip-{uuid.uuid4().hex}",
                    }
                },
                system,
            )
            event_id = data["reportEvent"]["event"]["id"]
            t0 = time.perf_counter()
            for token, step in steps:
                _, t = await call(client, url, ACT, {"i": {"eventId": event_id, **step}}, token)
                per_step[step["action"]].append(t)
            trips.append(time.perf_counter() - t0)
        print(
            f"dispatch round trip (6 mutations through the gateway), {ROUND_TRIPS} events: "
            f"p50 {pct(trips, 0.5):.1f} ms, p95 {pct(trips, 0.95):.1f} ms"
        )
        for action, values in per_step.items():
            print(
                f"  {action:<12} p50 {pct(values, 0.5):6.1f} ms   p95 {pct(values, 0.95):6.1f} ms   "
                f"mean {statistics.mean(values) * 1000:6.1f} ms"
            )


def main() -> None:
    url = os.environ.get("DATABASE_URL") or embedded_database(ROOT / ".data" / "pg-bench")
    drop_databases(url)
    stack = Stack(
        database_url=url,
        db_prefix=PREFIX,
        gateway_port=free_port(),
        ports={name: free_port() for name, _, _ in SERVICES},
        log_dir=ROOT / ".data" / "bench-logs",
        environment="test",
    )
    stack.prepare(demo=True)
    stack.start()
    try:
        asyncio.run(run(stack))
    finally:
        stack.stop()
        drop_databases(url)


if __name__ == "__main__":
    main()
