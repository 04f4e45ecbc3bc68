"""Signing keys: create, rotate, retire; publish the JWKS of keys that still verify."""

from __future__ import annotations

import datetime as dt
import uuid

from joserfc.jwk import KeySet, RSAKey
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from servicekit import audit

from .models import SigningKey


def _new_key() -> tuple[str, dict]:
    kid = uuid.uuid4().hex[:16]
    key = RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})
    return kid, key.as_dict(private=True)


def active_key(session: Session) -> RSAKey:
    row = session.scalars(select(SigningKey).where(SigningKey.status == "active")).first()
    if row is None:
        row = rotate(session, reason="first signing key")
    return RSAKey.import_key(row.private_jwk)


def rotate(session: Session, *, reason: str = "rotation", actor=None) -> SigningKey:
    """Make a new active key; the old active key stays in the JWKS as ``previous``."""
    session.execute(update(SigningKey).where(SigningKey.status == "active").values(status="previous"))
    kid, jwk = _new_key()
    row = SigningKey(kid=kid, status="active", private_jwk=jwk)
    session.add(row)
    session.flush()
    audit.record_sync(session, actor=actor, action="signing_key.rotate", entity_type="SigningKey",
                      entity_id=kid, after={"kid": kid, "status": "active"}, reason=reason)
    return row


def retire(session: Session, kid: str, *, reason: str = "retired", actor=None) -> SigningKey:
    row = session.get(SigningKey, kid)
    if row is None:
        raise LookupError(kid)
    if row.status == "active":
        raise ValueError("rotate before retiring the active key")
    before = row.status
    row.status, row.retired_at = "retired", dt.datetime.now(dt.timezone.utc)
    audit.record_sync(session, actor=actor, action="signing_key.retire", entity_type="SigningKey",
                      entity_id=kid, before={"status": before}, after={"status": "retired"}, reason=reason)
    return row


def public_jwks(session: Session) -> dict:
    rows = session.scalars(
        select(SigningKey).where(SigningKey.status != "retired").order_by(SigningKey.created_at.desc())
    ).all()
    return KeySet([RSAKey.import_key(r.private_jwk) for r in rows]).as_dict(private=False)
