"""Each service's migrations build exactly the tables its models declare: alembic's autogenerate
finds nothing to add, drop or alter after ``upgrade head`` (an index or column added to a model
without a migration, or the reverse, fails here rather than in production)."""

from __future__ import annotations

import importlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from devstack import ROOT
from sqlalchemy import MetaData

from servicekit import db, migrations
from servicekit.db import Base as KernelBase

SERVICES = {  # directory: (package, settings class)
    "identity": ("identity", "IdentitySettings"),
    "personnel": ("personnel", "PersonnelSettings"),
    "assessment": ("assessment", "AssessmentSettings"),
    "platform": ("platforms", "PlatformSettings"),
    "notifications": ("notifications", "NotificationsSettings"),
}


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_migrations_match_models(service, database_url, run_prefix):
    package, settings_class = SERVICES[service]
    importlib.import_module("servicekit.audit")
    importlib.import_module("servicekit.outbox")
    models = importlib.import_module(f"{package}.models")
    settings = getattr(importlib.import_module(f"{package}.config"), settings_class)(
        database_url=database_url, db_prefix=f"{run_prefix}mig_", log_json=False
    )
    migrations.upgrade(ROOT / "services" / service, settings)
    merged = MetaData(naming_convention=models.Base.metadata.naming_convention)
    for md in (models.Base.metadata, KernelBase.metadata):
        for table in md.tables.values():
            table.to_metadata(merged)
    engine = db.make_sync_engine(settings)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), merged)
    finally:
        engine.dispose()
    assert diff == []


def test_the_kernel_tables_are_one_branch_every_service_depends_on(database_url, run_prefix):
    """The audit log, outbox and cursors are defined once (servicekit's ``kernel`` branch, ``k0001``)
    and every service's first revision depends on it. Alembic then records only the service's head
    (the kernel's revision is implied), which is also what a database made before the branch holds:
    such a database has nothing outstanding, and an init container waiting on it does not wait."""
    from alembic.script import ScriptDirectory
    from sqlalchemy import inspect

    from personnel.config import PersonnelSettings

    for service in SERVICES:
        script = ScriptDirectory.from_config(
            migrations.alembic_config(ROOT / "services" / service, PersonnelSettings(database_url=database_url))
        )
        roots = [r for r in script.walk_revisions() if r.down_revision is None]
        assert {r.revision for r in roots} == {"0001", "k0001"}, service
        assert script.get_revision("0001").dependencies == "k0001", service
    settings = PersonnelSettings(database_url=database_url, db_prefix=f"{run_prefix}kb_", log_json=False)
    migrations.upgrade(ROOT / "services" / "personnel", settings)
    assert migrations.pending(ROOT / "services" / "personnel", settings) == (("0013",), [])
    assert migrations.wait_until_migrated(ROOT / "services" / "personnel", settings, timeout=0)
    engine = db.make_sync_engine(settings)
    try:
        assert {"audit_log", "outbox_event", "consumer_cursor"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
