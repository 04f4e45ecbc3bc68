"""Roster page latency at province size (100k cadres, 1,400 townships): the personnel subgraph's
GraphQL execution with its real SQL, without HTTP. Prints p50/p95 and SQL statements per page.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/roster_page.py
(without DATABASE_URL an embedded PostgreSQL is used). The data set is generated once into the
databases prefixed ``bench_`` and reused. `make test` runs it at a tiny size (tests/e2e/test_bench_smoke.py).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import event, text
from sqlalchemy.orm import sessionmaker

ROOT = Path(__file__).resolve().parents[1]

QUERY = """query($n: Int, $a: String, $f: CadreFilter) { cadres(first: $n, after: $a, filter: $f) {
  nodes { name professionalLine idNumber department { name } township { name } agency { name quota available } }
  pageInfo { hasNextPage endCursor } } }"""


def settings(database_url: str | None = None, db_prefix: str = "bench_"):
    from personnel.config import PersonnelSettings
    from servicekit import embedded_pg

    url = database_url or os.environ.get("DATABASE_URL") or embedded_pg.start(ROOT / ".data" / "pg-bench")
    return PersonnelSettings(database_url=url, db_prefix=db_prefix, log_json=False)


def ensure_data(s, size: dict | None = None) -> None:
    from personnel import generate
    from servicekit import db, migrations

    migrations.upgrade(ROOT / "services" / "personnel", s)
    engine = db.make_sync_engine(s)
    with sessionmaker(engine)() as session, session.begin():
        if not session.execute(text("SELECT count(*) FROM cadre")).scalar():
            t = time.perf_counter()
            made = generate.generate(session, **(size or {}))
            print("generating province-sized data …", made, f"{time.perf_counter() - t:.1f}s")
    engine.dispose()


def principal(role, scope_id=None):
    from servicekit.principal import ROLE_SCOPE, Principal, RoleBinding

    return Principal(
        subject="bench",
        kind="user",
        client_id="bench",
        token_id="bench",
        bindings=(RoleBinding(role, ROLE_SCOPE[role], scope_id),),
        scopes=frozenset({"api"}),
    )


async def main(
    database_url: str | None = None, db_prefix: str = "bench_", size: dict | None = None, repeats: int = 30, out=print
) -> dict[str, float]:
    """p50 ms per case; ``size`` is passed to the generator (the province by default)."""
    from personnel.graphql import schema
    from servicekit import db
    from servicekit.app import Context
    from servicekit.principal import Role

    s = settings(database_url, db_prefix)
    ensure_data(s, size)
    engine = db.make_async_engine(s)
    maker = db.make_sessionmaker(engine)
    statements = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(1))
    async with maker() as session:
        dept = str((await session.execute(text("SELECT id FROM department ORDER BY code LIMIT 1"))).scalar())
        town = str((await session.execute(text("SELECT id FROM township ORDER BY code LIMIT 1"))).scalar())
    cases = [
        ("county, first page of 20", principal(Role.STAFFING_OFFICE), {"n": 20}),
        ("county, first page of 100", principal(Role.STAFFING_OFFICE), {"n": 100}),
        ("county, page 50 of 100 (cursor)", principal(Role.STAFFING_OFFICE), {"n": 100, "deep": 49}),
        ("department admin, page of 100", principal(Role.DEPARTMENT_ADMIN, dept), {"n": 100}),
        ("township admin, page of 100", principal(Role.TOWNSHIP_ADMIN, town), {"n": 100}),
        ("county, filtered by township", principal(Role.STAFFING_OFFICE), {"n": 100, "f": {"townshipId": town}}),
    ]
    out(f"{'case':38} {'p50 ms':>8} {'p95 ms':>8} {'SQL/page':>9}")
    medians: dict[str, float] = {}
    for name, who, args in cases:
        after = None
        for _ in range(args.get("deep", 0)):  # walk to the deep page once
            async with maker() as session:
                ctx = Context(request=None, principal=who, settings=s, sessionmaker=maker, _session=session)
                r = await schema.execute(QUERY, {"n": args["n"], "a": after}, context_value=ctx)
                after = r.data["cadres"]["pageInfo"]["endCursor"]
        times, counts = [], []
        for _ in range(repeats):
            async with maker() as session:
                ctx = Context(request=None, principal=who, settings=s, sessionmaker=maker, _session=session)
                statements.clear()
                t = time.perf_counter()
                r = await schema.execute(QUERY, {"n": args["n"], "a": after, "f": args.get("f")}, context_value=ctx)
                times.append((time.perf_counter() - t) * 1000)
                counts.append(len(statements))
                assert not r.errors, r.errors
        times.sort()
        medians[name] = statistics.median(times)
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        out(f"{name:38} {medians[name]:8.1f} {p95:8.1f} {max(counts):9d}")
    await engine.dispose()
    return medians


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
