"""The whole annual excellence flow at province size (100k cadres; 90 counties, each with 6
departments and 16 townships, so 540 departments and 1,440 townships; a smaller run keeps ~1,111
cadres per county): open the cycle (roster snapshot), scores
  (loaded in bulk: score entry itself is one
audited statement per score and is not what this measures), shortlist and round 1 for every department, round 2 as
each township reports it (one report for all its departments), publication. Prints the time of each step.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/excellence_flow.py
    BENCH_CADRES=2000 …                              # the smoke size `make test` runs (goals.py)
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select, text

ROOT = Path(__file__).resolve().parents[1]


def settings(database_url: str | None = None, db_prefix: str = "bench_"):
    from assessment.config import AssessmentSettings
    from servicekit import embedded_pg

    url = database_url or os.environ.get("DATABASE_URL") or embedded_pg.start(ROOT / ".data" / "pg-bench")
    return AssessmentSettings(database_url=url, db_prefix=db_prefix, log_json=False)


def principal(role, scope_id=None):
    from servicekit.principal import ROLE_SCOPE, Principal, RoleBinding

    return Principal(
        subject="bench",
        kind="user",
        client_id="bench",
        token_id="bench",
        bindings=(RoleBinding(role, ROLE_SCOPE[role], str(scope_id) if scope_id else None),),
        scopes=frozenset({"api"}),
    )


CADRES = int(os.environ.get("BENCH_CADRES", "100000"))
CALLERS = int(os.environ.get("BENCH_CALLERS", "4"))  # departments / townships acting at the same time


async def main(cadres: int = CADRES, out=print, database_url: str | None = None, db_prefix: str = "bench_") -> float:
    """Runs the flow for ``cadres`` people; returns the seconds of the whole annual flow."""
    from assessment import cycles
    from assessment.models import DepartmentFlow, Member, TownshipRound
    from servicekit import db, migrations
    from servicekit.calendar import today
    from servicekit.principal import Role

    s = settings(database_url, db_prefix)
    migrations.upgrade(ROOT / "services" / "assessment", s)
    engine = db.make_async_engine(s)
    maker = db.make_sessionmaker(engine)
    async with maker() as session, session.begin():
        await session.execute(text("TRUNCATE cycle, roster_entry CASCADE"))
        await session.execute(
            text("""
            INSERT INTO roster_entry (cadre_id, name, department_id, township_id, agency_id, status, events_applied)
            SELECT gen_random_uuid(), '干部' || i, md5('d' || dep)::uuid, md5('t' || town)::uuid,
                   md5('a' || dep || '-' || town)::uuid, 'IN_POST', 1
            FROM (SELECT i, (i % :k) * 6 + (i / :k) % 6 AS dep, (i % :k) * 16 + (i / (:k * 6)) % 16 AS town
                  FROM generate_series(1, :n) i) g""").bindparams(n=cadres, k=max(1, cadres // 1111))
        )
    # Planner statistics for the freshly loaded roster, as a running database would have them
    # (without this the figures swing with autovacuum's timing).
    async with engine.connect() as conn:
        await conn.execute(text("ANALYZE roster_entry"))
        await conn.commit()
    timings = {}

    async def step(name, fn):
        t = time.perf_counter()
        async with maker() as session, session.begin():
            result = await fn(session)
        timings[name] = time.perf_counter() - t
        out(f"{name:48} {timings[name]:8.2f} s")
        return result

    async def callers(name, items, fn):
        """Each item as its own caller does it — one transaction each, as one GraphQL mutation —
        with CALLERS of them at a time (departments and townships act independently)."""
        t = time.perf_counter()
        queue = list(items)

        async def worker():
            while queue:
                item = queue.pop()
                async with maker() as session, session.begin():
                    await fn(session, item)

        await asyncio.gather(*(worker() for _ in range(CALLERS)))
        timings[name] = time.perf_counter() - t
        out(f"{name:48} {timings[name]:8.2f} s")

    org = principal(Role.ORG_DEPARTMENT)
    cycle = await step(
        f"open cycle ({cadres} roster snapshot)",
        lambda ses: cycles.open_cycle(
            ses, org, year=today().year, township_share=Decimal("0.6"), rounding="FLOOR", ties="EXCLUDE_TIED"
        ),
    )
    await step(
        f"load {2 * cadres} scores (bulk)",
        lambda ses: ses.execute(
            text(
                "UPDATE cycle_member SET township_score = 60 + (hashtext(cadre_id::text) & 3999) / 100.0, "
                "department_score = 60 + ((hashtext(cadre_id::text) >> 12) & 3999) / 100.0 WHERE cycle_id = :c"
            ),
            {"c": cycle.id},
        ),
    )
    async with engine.connect() as conn:  # the same, for the snapshot the cycle just took
        await conn.execute(text("ANALYZE cycle_member, department_flow"))
        await conn.commit()
    async with maker() as session:
        departments = (
            await session.scalars(
                text("SELECT DISTINCT department_id FROM cycle_member WHERE cycle_id = :c").bindparams(c=cycle.id)
            )
        ).all()

    await callers(
        f"shortlists ({len(departments)} departments)",
        departments,
        lambda ses, d: cycles.make_shortlist(
            ses, principal(Role.DEPARTMENT_ADMIN, d), cycle_id=cycle.id, department_id=d
        ),
    )

    async def round1(ses, d):
        flow = await ses.get(DepartmentFlow, (cycle.id, d))
        best = (
            await ses.scalars(
                select(Member.cadre_id)
                .where(Member.cycle_id == cycle.id, Member.department_id == d, Member.shortlisted.is_(True))
                .order_by(Member.total.desc())
                .limit(flow.round1_quota)
            )
        ).all()
        await cycles.submit_round1(
            ses, principal(Role.DEPARTMENT_ADMIN, d), cycle_id=cycle.id, department_id=d, cadre_ids=set(best)
        )

    await callers("round 1 (every department)", departments, round1)

    async def round2(ses, township_id):
        # A township reports once for every department stationed with it (as its screen does): it
        # reads its places (one figure, shared by its departments) and its remaining shortlisted
        # people and names the best within them.
        per_department = dict(
            (
                await ses.execute(
                    select(TownshipRound.department_id, TownshipRound.quota).where(
                        TownshipRound.cycle_id == cycle.id, TownshipRound.township_id == township_id
                    )
                )
            ).all()
        )
        rows = (
            await ses.execute(
                select(Member.cadre_id, Member.department_id)
                .where(
                    Member.cycle_id == cycle.id,
                    Member.township_id == township_id,
                    Member.shortlisted.is_(True),
                    Member.excellent_round.is_(None),
                )
                .order_by(Member.total.desc())
            )
        ).all()
        picks = {d: set() for d in per_department}
        places = max(per_department.values(), default=0)
        for cadre_id, d in rows[:places]:
            picks[d].add(cadre_id)
        await cycles.submit_township_round2(
            ses, principal(Role.TOWNSHIP_ADMIN, township_id), cycle_id=cycle.id, township_id=township_id, picks=picks
        )

    async with maker() as session:
        townships = (
            await session.scalars(
                select(TownshipRound.township_id).where(TownshipRound.cycle_id == cycle.id).distinct()
            )
        ).all()
    await callers(f"round 2 ({len(townships)} townships, each for all its departments)", townships, round2)
    await step(
        f"publication (grades for {cadres})", lambda ses: cycles.publish(ses, org, cycle_id=cycle.id, objection_days=5)
    )
    async with maker() as session:
        counts = (
            await session.execute(
                text(
                    "SELECT count(*) FILTER (WHERE shortlisted), count(*) FILTER (WHERE excellent_round = 1), "
                    "count(*) FILTER (WHERE excellent_round = 2) FROM cycle_member WHERE cycle_id = :c"
                ),
                {"c": cycle.id},
            )
        ).one()
    share = (counts[1] + counts[2]) / cadres if cadres else 0
    out(f"shortlisted {counts[0]}, excellent round 1 {counts[1]}, round 2 {counts[2]} of {cadres} ({share:.1%})")
    out(f"{'whole annual flow':48} {sum(timings.values()):8.2f} s")
    await engine.dispose()
    return sum(timings.values())


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
