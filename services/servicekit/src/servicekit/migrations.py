"""Alembic helpers: each service keeps its own migration environment; this holds the shared parts.

Every environment has two version locations: the service's ``migrations/versions`` and the
kernel's branch (``servicekit/kernel_migrations``, label ``kernel``: the audit log, outbox and
consumer cursor tables, defined once for all services). ``upgrade(service_dir, settings)`` creates
the service database if missing and runs ``alembic upgrade heads`` (both branches) under a
PostgreSQL advisory lock, so two replicas (or a Job and an init container) never migrate at once.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, create_engine, pool, text

from . import db
from .settings import ServiceSettings

MIGRATION_LOCK = 7301002
KERNEL_VERSIONS = Path(__file__).resolve().parent / "kernel_migrations"


def alembic_config(service_dir: str | Path, settings: ServiceSettings) -> Config:
    service_dir = Path(settings.migrations_dir or service_dir)
    cfg = Config(str(service_dir / "alembic.ini"))
    cfg.set_main_option("script_location", str(service_dir / "migrations"))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option(
        "version_locations", os.pathsep.join([str(service_dir / "migrations" / "versions"), str(KERNEL_VERSIONS)])
    )
    cfg.attributes["settings"] = settings
    return cfg


def upgrade(service_dir: str | Path, settings: ServiceSettings, revision: str = "heads") -> None:
    db.ensure_database(settings)
    command.upgrade(alembic_config(service_dir, settings), revision)


def pending(service_dir: str | Path, settings: ServiceSettings) -> tuple[tuple[str, ...], list[str]]:
    """(revisions the database is at, revisions still to apply to reach every head). A database
    made before the kernel had its own branch records only the service's head; the kernel's
    revision is then implied (the service's first revision depends on it), not outstanding."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(service_dir, settings))
    engine = create_engine(db.service_url(settings), poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            current = tuple(sorted(MigrationContext.configure(conn).get_current_heads()))
    finally:
        engine.dispose()
    todo = [r.revision for r in script.iterate_revisions("heads", current or None)]
    return current, todo


def wait_until_migrated(
    service_dir: str | Path, settings: ServiceSettings, timeout: float, interval: float = 2.0
) -> bool:
    """For an init container: wait until the migration Job has brought the database to head."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            current, todo = pending(service_dir, settings)
            if not todo:
                return True
            print(f"{settings.service_name}: database at {current}, waiting for {todo}", flush=True)
        except Exception as exc:  # noqa: BLE001 - database not there yet: keep waiting
            print(f"{settings.service_name}: database not reachable yet ({type(exc).__name__})", flush=True)
        if time.monotonic() > deadline:
            return False
        time.sleep(interval)


def run_env(metadata: list[MetaData], settings_factory) -> None:
    """Body of every service's ``migrations/env.py``."""
    settings = context.config.attributes.get("settings") or settings_factory()
    url = db.service_url(settings)
    if context.is_offline_mode():
        context.configure(url=url.render_as_string(hide_password=False), target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as conn:
        conn.execute(text(f"SELECT pg_advisory_lock({MIGRATION_LOCK})"))
        conn.commit()
        try:
            context.configure(connection=conn, target_metadata=metadata, compare_type=True)
            with context.begin_transaction():
                context.run_migrations()
            conn.commit()
        finally:
            conn.execute(text(f"SELECT pg_advisory_unlock({MIGRATION_LOCK})"))
            conn.commit()
    engine.dispose()
