"""Helpers for tests that run against the started stack (kept out of conftest so that test
modules import them by a unique name)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import psycopg
from devstack import ROOT, connect

DEMO = json.loads((ROOT / "demo" / "identities.json").read_text(encoding="utf-8"))
PASSWORD = DEMO["password"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def subgraph(stack, name: str) -> str:
    return f"{stack.url(name)}/graphql"


def db_conn(stack, service: str) -> psycopg.Connection:
    return connect(stack.database_url, f"{stack.db_prefix}{service}")


def demo_user(username: str) -> dict:
    return next(u for u in DEMO["users"] if u["username"] == username)


def demo_path() -> Path:
    return ROOT / "demo"


async def statements_per_page(stack, service: str, query: str, *, token: str, sizes, variables, nodes) -> dict[int, int]:
    """The SQL statements one GraphQL call costs, per page size: the service's app runs in-process
    on the stack's databases with a statement counter on its engine. ``variables(n)`` gives a call's
    variables, ``nodes(data)`` the page it returned (checked to hold ``n`` items)."""
    import importlib

    import httpx
    from sqlalchemy import event

    package, settings_class = {"personnel": ("personnel", "PersonnelSettings"),
                               "assessment": ("assessment", "AssessmentSettings"),
                               "platform": ("platforms", "PlatformSettings")}[service]
    settings = getattr(importlib.import_module(f"{package}.config"), settings_class)(
        database_url=stack.database_url, db_prefix=stack.db_prefix, run_consumers=False,
        identity_url=stack.url("identity"), issuer=stack.url("identity"), log_json=False)
    app = importlib.import_module(f"{package}.app").build(settings)
    runtime = app.state.runtime
    statements: list[str] = []
    event.listen(runtime.engine.sync_engine, "before_cursor_execute", lambda conn, cursor, sql, *a: statements.append(sql))
    counts = {}
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"http://{service}") as client:
            for n in sizes:
                statements.clear()
                resp = await client.post("/graphql", json={"query": query, "variables": variables(n)},
                                         headers={"authorization": f"Bearer {token}"})
                assert resp.status_code == 200 and len(nodes(resp.json()["data"])) == n, resp.text
                counts[n] = len(statements)
    finally:
        await runtime.engine.dispose()
    return counts
