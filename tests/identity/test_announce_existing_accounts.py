"""An installation upgraded from before the notifications service: migration 0008 announces the
accounts and role bindings that already existed (the notifications service learns who holds what
and how to reach them), once, in the shape the live events have."""

from __future__ import annotations

import uuid

from devstack import ROOT
from sqlalchemy import text

from identity.config import IdentitySettings
from servicekit import db, migrations


def test_existing_accounts_and_bindings_are_announced_once_by_the_upgrade(database_url, run_prefix):
    settings = IdentitySettings(database_url=database_url, db_prefix=f"{run_prefix}up_", log_json=False)
    service = ROOT / "services" / "identity"
    migrations.upgrade(service, settings, "0007")
    user, binding = uuid.uuid4(), uuid.uuid4()
    engine = db.make_sync_engine(settings)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO user_account (id, username, display_name, password_hash, active, email, failed_logins)"
                    " VALUES (:id, 'old-hand', '老同志', 'x', true, 'old@example.gov.cn', 0)"
                ),
                {"id": user},
            )
            conn.execute(
                text(
                    "INSERT INTO role_binding (id, user_id, role, scope_kind, scope_id)"
                    " VALUES (:id, :user, 'TOWNSHIP_ADMIN', 'TOWNSHIP', 'abc')"
                ),
                {"id": binding, "user": user},
            )
        migrations.upgrade(service, settings)
        migrations.upgrade(service, settings)  # already at head: nothing again
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT type, aggregate_id, payload FROM outbox_event ORDER BY id")).all()
    finally:
        engine.dispose()
    assert [(t, a) for t, a, _ in rows] == [("user.contact", str(user)), ("role.granted", str(binding))]
    assert rows[0][2] == {
        "user_id": str(user),
        "email": "old@example.gov.cn",
        "dingtalk_user_id": None,
        "wecom_user_id": None,
        "active": True,
    }
    assert rows[1][2] == {
        "binding_id": str(binding),
        "user_id": str(user),
        "role": "TOWNSHIP_ADMIN",
        "scope_kind": "TOWNSHIP",
        "scope_id": "abc",
    }
