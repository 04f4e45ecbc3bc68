"""Where a page's time goes: the personnel app in process (ASGI, no network), the roster page
requested N times under cProfile, then N times without it. Prints ms per page and the functions
with the most time of their own (benchmarks/PROFILE.md reads from this).

    .venv/bin/python benchmarks/profile_page.py             # its own stack (identity only), 200 pages
    PAGE='{ cadres(first: 50) { nodes { name } } }' N=500 …  # another document, more pages
"""

from __future__ import annotations

import asyncio
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tools"), str(ROOT / "tests")]

from devstack import SERVICES, Stack, embedded_database  # noqa: E402
from helpers import client_token  # noqa: E402
from stackutil import free_port, service_app  # noqa: E402

PAGE = os.environ.get(
    "PAGE", "{ cadres(first: 50) { nodes { id name professionalLine township { name } agency { name } } } }"
)


def run(stack: Stack, n: int = 200, top: int = 25, out=print) -> tuple[float, float]:
    """(ms per page profiled, ms per page not profiled)."""
    token = client_token(stack.url("identity"), "sfj-system", "sfj-system-demo-secret", "roster:read")["access_token"]
    app = service_app(stack, "personnel")

    async def pages() -> tuple[float, float, str]:
        async with app.router.lifespan_context(app):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://profile") as c:
                headers, body = {"authorization": f"Bearer {token}"}, {"query": PAGE}
                for _ in range(20):
                    answer = (await c.post("/graphql", json=body, headers=headers)).json()
                    assert not answer.get("errors"), answer
                profile = cProfile.Profile()
                t = time.perf_counter()
                profile.enable()
                for _ in range(n):
                    await c.post("/graphql", json=body, headers=headers)
                profile.disable()
                profiled = (time.perf_counter() - t) / n * 1000
                t = time.perf_counter()
                for _ in range(n):
                    await c.post("/graphql", json=body, headers=headers)
                plain = (time.perf_counter() - t) / n * 1000
        text = io.StringIO()
        pstats.Stats(profile, stream=text).sort_stats("tottime").print_stats(top)
        return profiled, plain, text.getvalue()

    profiled, plain, table = asyncio.run(pages())
    out(f"{PAGE}\n{plain:.2f} ms per page ({profiled:.2f} ms under cProfile), {n} pages\n{table}")
    return profiled, plain


def main() -> int:
    url = os.environ.get("DATABASE_URL") or embedded_database(ROOT / ".data" / "pg")
    stack = Stack(
        database_url=url,
        db_prefix="benchprof_",
        gateway_port=free_port(),
        ports={n: free_port() for n, _, _ in SERVICES},
        log_dir=ROOT / ".data" / "bench-logs",
        environment="test",
    )
    stack.prepare(demo=True)
    stack.start(services=["identity"], gateway=False)
    try:
        run(stack, int(os.environ.get("N", "200")))
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
