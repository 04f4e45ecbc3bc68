"""A scratch database holding only the kernel's tables; tables are truncated between tests."""

from __future__ import annotations

import pytest
from sqlalchemy import text

import servicekit.audit  # noqa: F401  (registers the kernel tables)
import servicekit.outbox  # noqa: F401
from servicekit import db
from servicekit.db import Base as KernelBase
from servicekit.settings import ServiceSettings


@pytest.fixture(scope="session")
def kernel_settings(database_url, run_prefix) -> ServiceSettings:
    settings = ServiceSettings(service_name="kernel", database_url=database_url, db_prefix=run_prefix)
    db.ensure_database(settings)
    engine = db.make_sync_engine(settings)
    KernelBase.metadata.create_all(engine)
    engine.dispose()
    return settings


@pytest.fixture
async def engine(kernel_settings):
    engine = db.make_async_engine(kernel_settings)
    yield engine
    async with engine.begin() as conn:
        await conn.execute(text("TRUNCATE audit_log, outbox_event, consumer_cursor RESTART IDENTITY"))
    await engine.dispose()


@pytest.fixture
def sessionmaker(engine):
    return db.make_sessionmaker(engine)
