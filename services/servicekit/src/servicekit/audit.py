"""Append-only, hash-chained audit log: who, when, what, before/after, reason.

Every state change writes one record in the same transaction as the change. Records are
numbered without gaps and each hash covers the previous one, so ``verify`` can name the first
record that was altered, removed or inserted out of turn.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Iterable

from sqlalchemy import BigInteger, DateTime, Index, String, Text, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, Session, mapped_column

from .db import Base
from .logs import request_id_var
from .principal import Principal

GENESIS = "0" * 64
# One chain per database: writers queue on this lock for the few microseconds of an insert.
_LOCK_SQL = text("SELECT pg_advisory_xact_lock(7301001)")


class AuditRecord(Base):
    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))
    actor_kind: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(100))
    entity_type: Mapped[str] = mapped_column(String(100))
    entity_id: Mapped[str] = mapped_column(String(200))
    before: Mapped[Any] = mapped_column(JSONB, nullable=True)
    after: Mapped[Any] = mapped_column(JSONB, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    request_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_audit_log_entity", "entity_type", "entity_id", "seq"),)


@dataclass(frozen=True)
class Actor:
    id: str
    kind: str  # user | service | system

    @classmethod
    def of(cls, principal: Principal | None) -> "Actor":
        if principal is None:
            return cls("system", "system")
        return cls(principal.subject, principal.kind)


def _plain(value: Any) -> Any:
    """JSON-safe copy whose hash survives a round trip through jsonb."""
    if value is None:
        return None
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def compute_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    at = fields["at"].astimezone(dt.timezone.utc).isoformat(timespec="microseconds")
    body = json.dumps({**fields, "at": at}, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def _fields(
    seq: int, actor: Actor, action: str, entity_type: str, entity_id: str, before: Any, after: Any, reason: str | None
) -> dict[str, Any]:
    return {
        "seq": seq,
        "at": dt.datetime.now(dt.timezone.utc),
        "actor": actor.id,
        "actor_kind": actor.kind,
        "action": action,
        "entity_type": entity_type,
        "entity_id": str(entity_id),
        "before": _plain(before),
        "after": _plain(after),
        "reason": reason,
        "request_id": request_id_var.get(),
    }


def _hashed_fields(row: AuditRecord) -> dict[str, Any]:
    return {
        "seq": row.seq,
        "at": row.at,
        "actor": row.actor,
        "actor_kind": row.actor_kind,
        "action": row.action,
        "entity_type": row.entity_type,
        "entity_id": row.entity_id,
        "before": row.before,
        "after": row.after,
        "reason": row.reason,
        "request_id": row.request_id,
    }


_LAST = select(AuditRecord.seq, AuditRecord.hash).order_by(AuditRecord.seq.desc()).limit(1)


async def record(
    session: AsyncSession,
    *,
    actor: Actor | Principal | None,
    action: str,
    entity_type: str,
    entity_id: Any,
    before: Any = None,
    after: Any = None,
    reason: str | None = None,
) -> AuditRecord:
    if not isinstance(actor, Actor):
        actor = Actor.of(actor)
    await session.execute(_LOCK_SQL)
    last = (await session.execute(_LAST)).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    fields = _fields(seq, actor, action, entity_type, entity_id, before, after, reason)
    row = AuditRecord(**fields, prev_hash=prev, hash=compute_hash(prev, fields))
    session.add(row)
    await session.flush()
    return row


async def record_many(
    session: AsyncSession, *, actor: Actor | Principal | None, action: str, entries: list[dict[str, Any]]
) -> list[AuditRecord]:
    """One record per entity changed by one bulk action (``entries``: ``entity_type``,
    ``entity_id``, ``after`` and optionally ``before``/``reason``), linked into the chain in one
    step: one lock, one look at the last link, one insert — not three statements per record."""
    if not isinstance(actor, Actor):
        actor = Actor.of(actor)
    if not entries:
        return []
    await session.execute(_LOCK_SQL)
    last = (await session.execute(_LAST)).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    rows = []
    for e in entries:
        fields = _fields(
            seq, actor, action, e["entity_type"], e["entity_id"], e.get("before"), e.get("after"), e.get("reason")
        )
        row = AuditRecord(**fields, prev_hash=prev, hash=compute_hash(prev, fields))
        rows.append(row)
        seq, prev = seq + 1, row.hash
    session.add_all(rows)
    await session.flush()
    return rows


async def record_read(
    sessionmaker,
    *,
    actor: Actor | Principal | None,
    action: str,
    entity_type: str,
    entity_id: Any,
    after: Any = None,
    reason: str | None = None,
) -> None:
    """Audit a read (a bulk export of personal data) in its own transaction: a query's own
    transaction is rolled back at the end of the request, and the record must stay."""
    async with sessionmaker() as session, session.begin():
        await record(
            session,
            actor=actor,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            after=after,
            reason=reason,
        )


def record_sync(
    session: Session,
    *,
    actor: Actor | Principal | None,
    action: str,
    entity_type: str,
    entity_id: Any,
    before: Any = None,
    after: Any = None,
    reason: str | None = None,
) -> AuditRecord:
    """Same as :func:`record` for the identity service's synchronous OAuth endpoints."""
    if not isinstance(actor, Actor):
        actor = Actor.of(actor)
    session.execute(_LOCK_SQL)
    last = session.execute(_LAST).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    fields = _fields(seq, actor, action, entity_type, entity_id, before, after, reason)
    row = AuditRecord(**fields, prev_hash=prev, hash=compute_hash(prev, fields))
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    problem: str  # "altered" | "missing" | "relinked"

    def __str__(self) -> str:
        return f"audit record {self.seq}: {self.problem}"


def verify_rows(rows: Iterable[AuditRecord], *, start_seq: int = 1, prev: str = GENESIS) -> ChainProblem | None:
    """Walk the chain in order; return the first record that does not fit, or None."""
    expected_seq = start_seq
    for row in rows:
        if row.seq != expected_seq:
            return ChainProblem(expected_seq, "missing")
        if row.prev_hash != prev:
            return ChainProblem(row.seq, "relinked")
        if compute_hash(prev, _hashed_fields(row)) != row.hash:
            return ChainProblem(row.seq, "altered")
        expected_seq, prev = row.seq + 1, row.hash
    return None


async def verify(session: AsyncSession, batch: int = 5000) -> ChainProblem | None:
    """Verify the whole chain in batches of ``batch`` records."""
    next_seq, prev = 1, GENESIS
    while True:
        rows = (
            await session.scalars(
                select(AuditRecord).where(AuditRecord.seq >= next_seq).order_by(AuditRecord.seq).limit(batch)
            )
        ).all()
        if not rows:
            return None
        problem = verify_rows(rows, start_seq=next_seq, prev=prev)
        if problem:
            return problem
        next_seq, prev = rows[-1].seq + 1, rows[-1].hash
