"""Write each subgraph's federation SDL to gateway/subgraphs/<name>.graphql (input of composition).

Usage: python tools/export_sdl.py [--check]   (--check: fail if a checked-in file is stale)
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "gateway" / "subgraphs"
SUBGRAPHS = {
    "identity": "identity.graphql",
    "personnel": "personnel.graphql",
    "assessment": "assessment.graphql",
    "platform": "platforms.graphql",
    "notifications": "notifications.graphql",
}


def sdl(module: str) -> str:
    return importlib.import_module(module).schema.as_str().rstrip() + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    OUT.mkdir(parents=True, exist_ok=True)
    stale = []
    for name, module in SUBGRAPHS.items():
        path = OUT / f"{name}.graphql"
        text = sdl(module)
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print(f"stale subgraph SDL: {', '.join(stale)} — run `make supergraph`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
