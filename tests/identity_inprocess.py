"""The identity service in process (its app over an ASGI transport, its own database, a signing-keys
file), for the kernel's token checks and the OAuth grant tests alike."""

from __future__ import annotations

import json
from pathlib import Path

from devstack import ROOT
from sqlalchemy.orm import Session

from identity import keys
from identity.config import IdentitySettings
from servicekit import db, migrations

ISSUER = "http://identity.test"


def identity_settings(database_url: str, db_prefix: str, keys_dir: Path) -> tuple[IdentitySettings, dict]:
    """Migrated settings with a fresh active signing key in ``keys_dir``; returns (settings, private JWK)."""
    path = keys_dir / "signing-keys.json"
    key = keys.generate_private_jwk()
    path.write_text(json.dumps({"active": key["kid"], "keys": [key]}))
    settings = IdentitySettings(
        database_url=database_url,
        db_prefix=db_prefix,
        issuer=ISSUER,
        signing_keys_file=str(path),
        log_json=False,
        run_consumers=False,
    )
    migrations.upgrade(ROOT / "services" / "identity", settings)
    return settings, key


def seeded(settings: IdentitySettings, seed_fn) -> None:
    """Runs ``seed_fn(session)`` in one committed transaction of the identity database."""
    engine = db.make_sync_engine(settings)
    with Session(engine) as session, session.begin():
        seed_fn(session)
    engine.dispose()
