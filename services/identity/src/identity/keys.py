"""Signing keys: create, rotate, retire; publish the JWKS of keys that still verify.

Two sources. By default keys live in the identity database (shared by every replica) and the
``rotate-key`` / ``retire-key`` commands manage them. In Kubernetes they can come from a Secret
mounted as a file (``SIGNING_KEYS_FILE``: ``{"active": kid, "keys": [private JWK, ...]}``):
then rotation is an update of the Secret — add the new key and make it active, keep the old
one listed until its tokens have expired, then remove it (retire).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from pathlib import Path

from joserfc.jwk import KeySet, RSAKey
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from servicekit import audit

from .models import SigningKey


class KeyFileError(RuntimeError):
    pass


_file_cache: dict[str, tuple[float, dict]] = {}


def _from_file(path: str) -> dict:
    mtime = os.stat(path).st_mtime
    cached = _file_cache.get(path)
    if cached and cached[0] == mtime:
        return cached[1]
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    kids = [k.get("kid") for k in data.get("keys", [])]
    if not kids or data.get("active") not in kids or any("d" not in k for k in data["keys"]):
        raise KeyFileError(f"{path}: needs 'keys' (private JWKs with kid) and an 'active' kid among them")
    _file_cache[path] = (mtime, data)
    return data


def _new_key() -> tuple[str, dict]:
    kid = uuid.uuid4().hex[:16]
    key = RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})
    return kid, key.as_dict(private=True)


def active_key(session: Session, settings) -> RSAKey:
    if settings.signing_keys_file:
        data = _from_file(settings.signing_keys_file)
        return RSAKey.import_key(next(k for k in data["keys"] if k["kid"] == data["active"]))
    row = session.scalars(select(SigningKey).where(SigningKey.status == "active")).first()
    if row is None:
        row = rotate(session, reason="first signing key")
    return RSAKey.import_key(row.private_jwk)


def _db_managed(settings) -> None:
    if settings is not None and settings.signing_keys_file:
        raise KeyFileError("signing keys come from SIGNING_KEYS_FILE: rotate or retire by updating that Secret")


def rotate(session: Session, *, reason: str = "rotation", actor=None, settings=None) -> SigningKey:
    """Make a new active key; the old active key stays in the JWKS as ``previous``."""
    _db_managed(settings)
    session.execute(update(SigningKey).where(SigningKey.status == "active").values(status="previous"))
    kid, jwk = _new_key()
    row = SigningKey(kid=kid, status="active", private_jwk=jwk)
    session.add(row)
    session.flush()
    audit.record_sync(
        session,
        actor=actor,
        action="signing_key.rotate",
        entity_type="SigningKey",
        entity_id=kid,
        after={"kid": kid, "status": "active"},
        reason=reason,
    )
    return row


def retire(session: Session, kid: str, *, reason: str = "retired", actor=None, settings=None) -> SigningKey:
    _db_managed(settings)
    row = session.get(SigningKey, kid)
    if row is None:
        raise LookupError(kid)
    if row.status == "active":
        raise ValueError("rotate before retiring the active key")
    before = row.status
    row.status, row.retired_at = "retired", dt.datetime.now(dt.timezone.utc)
    audit.record_sync(
        session,
        actor=actor,
        action="signing_key.retire",
        entity_type="SigningKey",
        entity_id=kid,
        before={"status": before},
        after={"status": "retired"},
        reason=reason,
    )
    return row


def public_jwks(session: Session, settings) -> dict:
    if settings.signing_keys_file:
        data = _from_file(settings.signing_keys_file)
        return KeySet([RSAKey.import_key(k) for k in data["keys"]]).as_dict(private=False)
    rows = session.scalars(
        select(SigningKey).where(SigningKey.status != "retired").order_by(SigningKey.created_at.desc())
    ).all()
    return KeySet([RSAKey.import_key(r.private_jwk) for r in rows]).as_dict(private=False)


def generate_private_jwk() -> dict:
    """A new private signing key, for putting into the signing-keys Secret."""
    return _new_key()[1]
