"""The checked-in subgraph SDL and supergraph are what the code and the composer produce now."""

from __future__ import annotations

import subprocess
import sys

from devstack import ROOT


def test_checked_in_subgraph_sdl_is_current():
    out = subprocess.run([sys.executable, "tools/export_sdl.py", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_supergraph_composes_and_is_current():
    out = subprocess.run(["node", "compose.mjs", "--check"], cwd=ROOT / "gateway", capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_every_subgraph_speaks_federation_2_9():
    for name in ("identity", "personnel", "assessment", "platform"):
        sdl = (ROOT / "gateway" / "subgraphs" / f"{name}.graphql").read_text(encoding="utf-8")
        assert "https://specs.apollo.dev/federation/v2.9" in sdl, name
