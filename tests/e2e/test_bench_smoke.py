"""`make bench`'s load benchmark at a tiny size, so that it cannot rot unnoticed: wrk against the
roster page directly, with the collector unfrozen, and through the gateway. Figures are printed,
never asserted as timings (this machine is busy with the rest of the suite)."""

from __future__ import annotations

import importlib.util

from devstack import ROOT


def test_page_under_load_runs_at_smoke_size(stack):
    spec = importlib.util.spec_from_file_location("page_under_load", ROOT / "benchmarks" / "page_under_load.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    figures = bench.run(stack, seconds=1, connections=[1, 2], token_count=3)
    assert len(figures["results"]) == 6
    assert all(r["requests"] > 0 and r["errors"] == 0 for r in figures["results"].values()), figures
    assert set(figures["ratios"]) == {
        "p99/p50 direct (goal ≤ 3)",
        "p99/p50 direct, GC not frozen",
        "gateway/direct p50 (goal ≤ 1.3)",
    }
