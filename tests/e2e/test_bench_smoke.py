"""`make bench` at a tiny size, so that no benchmark can rot unnoticed: every figure of the goals
table (wrk against the roster page direct and through the gateway, the federated page, the SQL
replay, intake, delivery lag to the inbox and the SMTP server, the annual excellence flow, `make run`
to its first answer). Figures are printed,
never asserted as timings (this machine is busy with the rest of the suite)."""

from __future__ import annotations

import importlib.util
import sys

from devstack import ROOT


def _goals(monkeypatch):
    monkeypatch.setenv("BENCH_SMOKE", "1")
    spec = importlib.util.spec_from_file_location("goals", ROOT / "benchmarks" / "goals.py")
    goals = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "goals", goals)  # dataclasses look their module up there
    spec.loader.exec_module(goals)
    return goals


def test_every_goal_is_measured_at_smoke_size(stack, monkeypatch, database_url, run_prefix):
    goals = _goals(monkeypatch)
    rows = goals.run(stack, out=print)
    rows += goals.after_the_stack(database_url, f"{run_prefix}bx_", out=print)
    print("\n".join(goals.table(rows)))
    measured = {r.figure: r for r in rows}
    assert all(r.value is not None and r.value > 0 for r in rows), rows
    assert sum(1 for r in rows if r.met is not None) == 11  # every goal of the issues has its figure
    intake = [r for name, r in measured.items() if name.startswith("intake")]
    assert len(intake) == 2 and all("(0 lost, 0 errors)" in r.figure for r in intake), intake


def test_province_roster_page_runs_at_smoke_size(database_url, run_prefix):
    """benchmarks/roster_page.py on a tiny generated province (the generator included): the same
    code `make bench` runs at 100k cadres."""
    import asyncio

    spec = importlib.util.spec_from_file_location("roster_page", ROOT / "benchmarks" / "roster_page.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    medians = asyncio.run(
        bench.main(database_url, f"{run_prefix}rp_", size={"counties": 2, "townships": 12, "cadres": 600}, repeats=3)
    )
    assert len(medians) == 6 and all(m > 0 for m in medians.values())


def test_page_profile_runs_at_smoke_size(stack):
    """benchmarks/profile_page.py (what benchmarks/PROFILE.md reads from) on a few pages."""
    spec = importlib.util.spec_from_file_location("profile_page", ROOT / "benchmarks" / "profile_page.py")
    profile = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(profile)
    profiled, plain = profile.run(stack, n=5, top=5)
    assert profiled > 0 and plain > 0
