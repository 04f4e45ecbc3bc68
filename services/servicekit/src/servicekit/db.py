"""Database access: one PostgreSQL database per service, derived from ``DATABASE_URL``.

The transaction belongs to the request: the GraphQL layer commits a successful mutation and
rolls back everything else, so rules code never commits.
"""

from __future__ import annotations

import functools
import re

import psycopg
from sqlalchemy import MetaData, create_engine, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase

from .settings import ServiceSettings

# Constraint names that Alembic can diff and PostgreSQL errors can name.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

_DB_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def make_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING)


class Base(DeclarativeBase):
    """Declarative base for the kernel's own tables (audit log, outbox, consumer cursors).

    Each service has its own base for its tables; Alembic targets both metadatas.
    """

    metadata = make_metadata()


def server_url(settings: ServiceSettings) -> URL:
    if not settings.database_url:
        raise RuntimeError("DATABASE_URL is not set. `make run` starts an embedded PostgreSQL and sets it for you.")
    url = make_url(settings.database_url)
    if settings.database_user:
        url = url.set(username=settings.database_user)
    if settings.database_password:
        url = url.set(password=settings.database_password)
    return url


def database_name(settings: ServiceSettings, service: str | None = None) -> str:
    name = f"{settings.db_prefix}{service or settings.service_name}"
    if not _DB_NAME.match(name):
        raise ValueError(f"invalid database name {name!r}")
    return name


def service_url(settings: ServiceSettings, *, driver: str = "postgresql+psycopg") -> URL:
    return server_url(settings).set(drivername=driver, database=database_name(settings))


def _libpq_kwargs(url: URL) -> dict:
    kw = {"dbname": url.database or "postgres", "autocommit": True}
    if url.host:
        kw["host"] = url.host
    if url.port:
        kw["port"] = url.port
    if url.username:
        kw["user"] = url.username
    if url.password:
        kw["password"] = url.password
    for key, value in url.query.items():
        kw[key] = value if isinstance(value, str) else value[-1]
    return kw


def ensure_database(settings: ServiceSettings) -> bool:
    """Create this service's database if missing. Returns True when it was created."""
    name = database_name(settings)
    with psycopg.connect(**_libpq_kwargs(server_url(settings))) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists:
            return False
        try:
            conn.execute(f'CREATE DATABASE "{name}"')
        except psycopg.errors.DuplicateDatabase:  # a sibling process won the race
            return False
        return True


def drop_database(settings: ServiceSettings) -> None:
    name = database_name(settings)
    with psycopg.connect(**_libpq_kwargs(server_url(settings))) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_async_engine(settings: ServiceSettings) -> AsyncEngine:
    return create_async_engine(
        service_url(settings),
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size,
        pool_pre_ping=True,
    )


def make_sync_engine(settings: ServiceSettings) -> Engine:
    return create_engine(service_url(settings), pool_size=5, max_overflow=5, pool_pre_ping=True)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def ping(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))


async def get_for_update(session: AsyncSession, model, key, *, missing: str):
    """The row to change, locked until the transaction ends (``SELECT … FOR UPDATE``), or
    ``NOT_FOUND`` with ``missing`` as the message: the opening of every write that loads one row."""
    from .errors import NotFound

    row = await session.get(model, key, with_for_update=True)
    if row is None:
        raise NotFound(missing)
    return row


@functools.cache
def _update_rows_sql(model, columns: tuple[str, ...]):
    from sqlalchemy.dialects import postgresql

    table = model.__table__
    keys = _primary_key(model)
    names = keys + columns
    dialect = postgresql.dialect()
    arrays = ", ".join(f"CAST(:{n} AS {table.c[n].type.compile(dialect=dialect)}[])" for n in names)
    sets = ", ".join(f"{n} = v.{n}" for n in columns)
    match = " AND ".join(f"t.{n} = v.{n}" for n in keys)
    return text(f"UPDATE {table.name} AS t SET {sets} FROM unnest({arrays}) AS v({', '.join(names)}) WHERE {match}")


async def update_rows(session: AsyncSession, model, rows: list[dict]) -> None:
    """Write many rows of ``model`` in one ``UPDATE … FROM unnest(…)``, each row given as its
    primary key and the columns to set (every row the same columns): the bulk path where a rule
    writes thousands of rows (a shortlist, a publication), not one statement per row.

    Objects of those rows this session already holds take the written values, as if reloaded.
    Keys are column names, which must also be the mapped attributes' names (as in every model here)."""
    from sqlalchemy.orm.attributes import set_committed_value

    if not rows:
        return
    await session.flush()
    keys = _primary_key(model)
    columns = tuple(n for n in rows[0] if n not in keys)
    await session.execute(_update_rows_sql(model, columns), {n: [r[n] for r in rows] for n in keys + columns})
    held = session.sync_session.identity_map
    if not held:
        return
    for r in rows:
        obj = held.get((model, tuple(r[k] for k in keys), None))
        if obj is not None:
            for n in columns:
                set_committed_value(obj, n, r[n])


@functools.cache
def _primary_key(model) -> tuple[str, ...]:
    from sqlalchemy import inspect as sa_inspect

    return tuple(c.name for c in sa_inspect(model).primary_key)
