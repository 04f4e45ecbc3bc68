"""Helpers for tests that run against the started stack (kept out of conftest so that test
modules import them by a unique name)."""

from __future__ import annotations

import contextlib
import email
import email.policy
import json
import shutil
import socket
from pathlib import Path

import psycopg
from devstack import ROOT, SERVICES, Stack, connect

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


def drop_databases(database_url: str, prefix: str) -> None:
    """Drops every database whose name starts with ``prefix`` (a run's, a benchmark's)."""
    with connect(database_url, "postgres") as conn:
        like = prefix.replace("_", r"\_") + "%"
        for (name,) in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", (like,)).fetchall():
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def service_app(stack, service: str):
    """A service's ASGI app built in this process on the stack's databases (no consumers), checking
    tokens against the stack's identity service: for statement counts, profiles, SQL capture."""
    import importlib

    package, settings_class = {
        "personnel": ("personnel", "PersonnelSettings"),
        "assessment": ("assessment", "AssessmentSettings"),
        "platform": ("platforms", "PlatformSettings"),
        "notifications": ("notifications", "NotificationsSettings"),
    }[service]
    settings = getattr(importlib.import_module(f"{package}.config"), settings_class)(
        database_url=stack.database_url,
        db_prefix=stack.db_prefix,
        run_consumers=False,
        identity_url=stack.url("identity"),
        issuer=stack.url("identity"),
        log_json=False,
    )
    return importlib.import_module(f"{package}.app").build(settings)


async def statements_per_page(
    stack, service: str, query: str, *, token: str, sizes, variables, nodes
) -> dict[int, int]:
    """The SQL statements one GraphQL call costs, per page size: the service's app runs in-process
    on the stack's databases with a statement counter on its engine. ``variables(n)`` gives a call's
    variables, ``nodes(data)`` the page it returned (checked to hold ``n`` items)."""
    import httpx
    from sqlalchemy import event

    app = service_app(stack, service)
    runtime = app.state.runtime
    statements: list[str] = []
    event.listen(
        runtime.engine.sync_engine, "before_cursor_execute", lambda conn, cursor, sql, *a: statements.append(sql)
    )
    counts = {}
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"http://{service}") as client:
            for n in sizes:
                statements.clear()
                resp = await client.post(
                    "/graphql",
                    json={"query": query, "variables": variables(n)},
                    headers={"authorization": f"Bearer {token}"},
                )
                assert resp.status_code == 200 and len(nodes(resp.json()["data"])) == n, resp.text
                counts[n] = len(statements)
    finally:
        await runtime.engine.dispose()
    return counts


def new_stack(database_url: str, prefix: str) -> Stack:
    """A whole system on free ports with demo data, in databases named ``prefix…``. The browser
    test's single-page app will be served from ``stack.spa_origin``: the gateway allows it (CORS)."""
    spa_origin = f"http://127.0.0.1:{free_port()}"
    stack = Stack(
        database_url=database_url,
        db_prefix=prefix,
        gateway_port=free_port(),
        ports={name: free_port() for name, _, _ in SERVICES},
        log_dir=ROOT / ".data" / "test-logs" / prefix.rstrip("_"),
        environment="test",
        extra_env={
            # Short cache lifetimes so revocation and key retirement show within a test.
            "REVOCATION_REFRESH_SECONDS": "0.3",
            "JWKS_CACHE_SECONDS": "1",
            "JWKS_MIN_REFRESH_SECONDS": "0.2",
            "LOCKOUT_THRESHOLD": "3",
            "LOCKOUT_MINUTES": "10",
            "GATEWAY_MAX_DEPTH": "5",
            # Load tests and benchmarks send thousands of requests as one caller: no per-caller limit
            # here (test_security starts a gateway of its own with a small one).
            "GATEWAY_RATE_PER_SECOND": "1000000",
            "GATEWAY_RATE_BURST": "1000000",
            # Tests stand in for clients at other addresses through X-Forwarded-For.
            "TRUSTED_PROXIES": "127.0.0.1/32",
            "LOGIN_IP_MAX_FAILURES": "20",
            "CORS_ORIGINS": spa_origin,
        },
    )
    stack.spa_origin = spa_origin
    return stack


def register_spa(stack: Stack) -> None:
    """A front-end team registers its redirect URIs with the county-web client (test data, as an
    administrator would): the identity service then allows its origin (CORS) and its logout return."""
    with db_conn(stack, "identity") as conn:
        conn.execute(
            "UPDATE oauth_client SET redirect_uris = redirect_uris || %s::text[], "
            "post_logout_redirect_uris = post_logout_redirect_uris || %s::text[] WHERE client_id = 'county-web'",
            ([f"{stack.spa_origin}/callback.html", f"{stack.spa_origin}/callback"], [f"{stack.spa_origin}/"]),
        )


_TEMPLATES: set[tuple[str, str]] = set()


def prepare_from_template(stack: Stack) -> None:
    """Demo data in the stack's databases, copied from a set migrated and seeded once per test run.

    Migrating and seeding four services costs ~25 s; ``CREATE DATABASE … TEMPLATE`` copies the
    result in about a second, so each extra stack (fuzz, faults, tracing, console) starts from the
    same data without paying for it again. The template databases share the run's prefix and are
    dropped with the rest at the end."""
    run_prefix = stack.db_prefix.split("_", 1)[0] + "_"
    template = Stack(database_url=stack.database_url, db_prefix=f"{run_prefix}tpl_", log_dir=stack.log_dir)
    key = (stack.database_url, template.db_prefix)
    if key not in _TEMPLATES:
        template.prepare(demo=True)
        _TEMPLATES.add(key)
    from sqlalchemy.engine import make_url

    with connect(stack.database_url, make_url(stack.database_url).database or "postgres") as conn:
        for name, _, _ in SERVICES:
            conn.execute(f'DROP DATABASE IF EXISTS "{stack.db_prefix}{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{stack.db_prefix}{name}" TEMPLATE "{template.db_prefix}{name}"')


@contextlib.contextmanager
def running_stack(
    database_url: str,
    prefix: str,
    *,
    extra_env: dict | None = None,
    spa: bool = False,
    console: bool = False,
    mail: bool = False,
):
    """A stack with demo data, started and, at the end, stopped. ``spa``: the browser test's app is
    registered; ``console``: the built web console (web/dist) is served from ``stack.spa_origin``;
    ``mail``: a local SMTP server (the one ``make run`` starts) keeps what the notifications
    service sends in ``stack.mail_dir``, whatever the hour."""
    stack = new_stack(database_url, prefix)
    stack.extra_env.update(extra_env or {})
    sink = None
    if mail:
        from devstack import mail_sink

        stack.mail_dir = stack.log_dir / "mail"
        shutil.rmtree(stack.mail_dir, ignore_errors=True)
        sink = mail_sink(free_port(), stack.mail_dir)
        stack.extra_env.update({"NOTIFY_SMTP_URL": f"smtp://127.0.0.1:{sink.port}", "NOTIFY_QUIET_HOURS": ""})
    prepare_from_template(stack)
    if console:
        stack.console_port = int(stack.spa_origin.rsplit(":", 1)[1])
    if spa or console:
        register_spa(stack)
    stack.start()
    try:
        yield stack
    finally:
        stack.stop()
        if sink is not None:
            sink.stop()


def mails(stack) -> list[tuple[float, email.message.EmailMessage]]:
    """What the stack's mail sink received: (arrival time, message), oldest first."""
    if stack.mail_dir is None or not stack.mail_dir.is_dir():
        return []
    found = []
    for f in sorted(stack.mail_dir.glob("*.eml")):
        try:
            found.append((f.stat().st_mtime, email.message_from_bytes(f.read_bytes(), policy=email.policy.default)))
        except FileNotFoundError:  # being written
            continue
    return found
