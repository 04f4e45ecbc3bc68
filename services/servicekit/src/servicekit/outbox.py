"""Transactional outbox and the ordered event feed (the kernel's tables: ``outbox_event``,
``consumer_cursor``). The consumer that follows another service's feed is ``feed.py``.

Producer: ``emit`` writes an event in the same transaction as the change.
Feed: ``GET /events?after=<cursor>`` lists events in a stable order. Ordering by the writing
transaction's id and delivering only transactions older than every one still running means a
later-committing transaction can never slip in behind a cursor that has already moved past it.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

from sqlalchemy import BigInteger, DateTime, Index, String, func, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, Session, mapped_column

from .db import Base
from .errors import BadInput

log = logging.getLogger(__name__)

MAX_FEED_PAGE = 1000


class OutboxEvent(Base):
    __tablename__ = "outbox_event"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    txid: Mapped[int] = mapped_column(
        BigInteger, server_default=text("(pg_current_xact_id()::text::bigint)"), nullable=False
    )
    event_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), unique=True, default=uuid.uuid4)
    type: Mapped[str] = mapped_column(String(100))
    aggregate_type: Mapped[str] = mapped_column(String(100))
    aggregate_id: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict] = mapped_column(JSONB)
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (Index("ix_outbox_event_order", "txid", "id"),)


class ConsumerCursor(Base):
    __tablename__ = "consumer_cursor"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    position: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


def _row(type: str, aggregate_type: str, aggregate_id: Any, payload: dict) -> OutboxEvent:
    return OutboxEvent(
        event_id=uuid.uuid4(), type=type, aggregate_type=aggregate_type, aggregate_id=str(aggregate_id), payload=payload
    )


async def emit(
    session: AsyncSession, type: str, *, aggregate_type: str, aggregate_id: Any, payload: dict
) -> OutboxEvent:
    event = _row(type, aggregate_type, aggregate_id, payload)
    session.add(event)
    await session.flush()
    return event


def emit_sync(session: Session, type: str, *, aggregate_type: str, aggregate_id: Any, payload: dict) -> OutboxEvent:
    event = _row(type, aggregate_type, aggregate_id, payload)
    session.add(event)
    session.flush()
    return event


# --- feed -------------------------------------------------------------------------------------

START = "0:0"


def parse_cursor(value: str | None) -> tuple[int, int]:
    if not value:
        return (0, 0)
    try:
        txid, _, event_id = value.partition(":")
        return (int(txid), int(event_id))
    except ValueError as exc:
        raise BadInput("事件游标格式错误", detail="cursor must look like '<txid>:<id>'") from exc


def format_cursor(txid: int, event_id: int) -> str:
    return f"{txid}:{event_id}"


async def read_feed(session: AsyncSession, after: str | None, limit: int) -> dict:
    if limit < 1 or limit > MAX_FEED_PAGE:
        raise BadInput(f"每页最多 {MAX_FEED_PAGE} 条", detail=f"limit must be 1..{MAX_FEED_PAGE}")
    txid, last_id = parse_cursor(after)
    rows = (
        await session.execute(
            text(
                """
                SELECT id, txid, event_id, type, aggregate_type, aggregate_id, payload, occurred_at
                FROM outbox_event
                WHERE (txid, id) > (:txid, :id)
                  AND txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
                ORDER BY txid, id
                LIMIT :limit
                """
            ),
            {"txid": txid, "id": last_id, "limit": limit},
        )
    ).all()
    events = [
        {
            "cursor": format_cursor(r.txid, r.id),
            "event_id": str(r.event_id),
            "type": r.type,
            "aggregate_type": r.aggregate_type,
            "aggregate_id": r.aggregate_id,
            "payload": r.payload,
            "occurred_at": r.occurred_at.isoformat(),
        }
        for r in rows
    ]
    return {"events": events, "next": events[-1]["cursor"] if events else (after or START)}
