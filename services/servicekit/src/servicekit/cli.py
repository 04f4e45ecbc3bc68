"""Command-line entry shared by every service: ``python -m <service> migrate|seed-demo|verify-audit|...``."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from pathlib import Path
from typing import Callable

from . import audit, db, logs, migrations
from .app import ServiceRuntime
from .settings import ServiceSettings


async def _verify_audit(settings: ServiceSettings) -> int:
    engine = db.make_async_engine(settings)
    try:
        async with db.make_sessionmaker(engine)() as session:
            problem = await audit.verify(session)
    finally:
        await engine.dispose()
    if problem:
        print(f"{settings.service_name}: {problem}")
        return 1
    print(f"{settings.service_name}: audit chain intact")
    return 0


def main(
    *,
    service_dir: Path,
    settings_factory: Callable[[], ServiceSettings],
    commands: dict[str, Callable[[argparse.Namespace, ServiceSettings], int | None]] | None = None,
    argv: list[str] | None = None,
) -> int:
    parser = argparse.ArgumentParser(prog=settings_factory().service_name)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="create the database if missing and run alembic upgrade head")
    sub.add_parser("verify-audit", help="verify the audit hash chain; names the first bad record")
    wait = sub.add_parser("wait-migrated", help="wait until the database is at the migrations' head")
    wait.add_argument("--timeout", type=float, default=600.0)
    extra = commands or {}
    for name in extra:
        p = sub.add_parser(name)
        p.add_argument("args", nargs="*")
    ns = parser.parse_args(argv)
    settings = settings_factory()
    if ns.command == "migrate":
        migrations.upgrade(service_dir, settings)
        return 0
    if ns.command == "wait-migrated":
        return 0 if migrations.wait_until_migrated(service_dir, settings, ns.timeout) else 1
    if ns.command == "verify-audit":
        return asyncio.run(_verify_audit(settings))
    return extra[ns.command](ns, settings) or 0


def exit_with(code: int) -> None:
    sys.exit(code)


def consume_command(make_consumers):
    """``python -m <service> consume``: run the service's feed consumers until SIGTERM/SIGINT."""

    def run(ns, settings: ServiceSettings) -> int:
        logs.configure(settings.service_name, settings.log_level, settings.log_json)

        async def main() -> None:
            runtime = ServiceRuntime(settings)
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, stop.set)
            try:
                await asyncio.gather(*(c.run(stop) for c in make_consumers(runtime)))
            finally:
                await runtime.engine.dispose()

        asyncio.run(main())
        return 0

    return run
