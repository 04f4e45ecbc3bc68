"""Transactional outbox, ordered event feed and a consumer with a durable cursor.

Producer: ``emit`` writes an event in the same transaction as the change.
Feed: ``GET /events?after=<cursor>`` lists events in a stable order. Ordering by the writing
transaction's id and delivering only transactions older than every one still running means a
later-committing transaction can never slip in behind a cursor that has already moved past it.
Consumer: applies each batch and advances its cursor in one local transaction, so a crash
anywhere re-delivers (at least once) but never loses or double-applies an event.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

import httpx
from sqlalchemy import BigInteger, DateTime, Index, String, func, select, text
from sqlalchemy.dialects.postgresql import JSONB, UUID, insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
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
    return OutboxEvent(event_id=uuid.uuid4(), type=type, aggregate_type=aggregate_type,
                       aggregate_id=str(aggregate_id), payload=payload)


async def emit(session: AsyncSession, type: str, *, aggregate_type: str, aggregate_id: Any,
               payload: dict) -> OutboxEvent:
    event = _row(type, aggregate_type, aggregate_id, payload)
    session.add(event)
    await session.flush()
    return event


def emit_sync(session: Session, type: str, *, aggregate_type: str, aggregate_id: Any,
              payload: dict) -> OutboxEvent:
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


# --- consumer ---------------------------------------------------------------------------------

Handler = Callable[[AsyncSession, dict], Awaitable[None]]


@dataclass
class FeedConsumer:
    """Follows one producer's feed and applies events to local projections.

    ``handlers`` maps event type to an idempotent coroutine ``(session, event)``; events of other
    types advance the cursor and are otherwise ignored.
    """

    name: str
    feed_url: str
    handlers: dict[str, Handler]
    sessionmaker: async_sessionmaker[AsyncSession]
    token: Callable[[], Awaitable[str]]
    batch_size: int = 200
    idle_seconds: float = 0.5
    client: httpx.AsyncClient | None = None
    received: Any = None  # prometheus counter children (``.inc(n)``), when the process exposes metrics
    failed: Any = None
    polled: Any = None  # gauge child: when the feed was last read successfully

    @classmethod
    def following(cls, runtime, *, name: str, base_url: str, handlers: dict[str, Handler]) -> "FeedConsumer":
        """A consumer of the service at ``base_url``, with this service's own token and batch size."""
        s = runtime.settings
        return cls(name=name, feed_url=f"{base_url}/events", handlers=handlers, sessionmaker=runtime.sessionmaker,
                   token=service_token(s), batch_size=s.consumer_batch_size,
                   received=runtime.feed_events.labels(name), failed=runtime.feed_errors.labels(name),
                   polled=runtime.feed_polled.labels(name))

    async def position(self, session: AsyncSession) -> str:
        cursor = await session.get(ConsumerCursor, self.name)
        return cursor.position if cursor else START

    async def poll_once(self) -> int:
        """Fetch one batch and apply it. Returns the number of events received."""
        client = self.client or httpx.AsyncClient(timeout=10.0)
        try:
            async with self.sessionmaker() as session:
                after = await self.position(session)
            params = {"after": after, "limit": self.batch_size}
            resp = await client.get(self.feed_url, params=params,
                                    headers={"Authorization": f"Bearer {await self.token()}"})
            if resp.status_code == 401 and hasattr(self.token, "invalidate"):
                # The cached token was revoked or signed with a retired key: get a new one now
                # rather than stalling until it would have expired.
                self.token.invalidate()
                resp = await client.get(self.feed_url, params=params,
                                        headers={"Authorization": f"Bearer {await self.token()}"})
            resp.raise_for_status()
            page = resp.json()
        finally:
            if self.client is None:
                await client.aclose()
        events = page["events"]
        if not events:
            return 0
        async with self.sessionmaker() as session, session.begin():
            # Lock the cursor row: two replicas of a consumer apply each batch only once.
            current = (
                await session.execute(
                    select(ConsumerCursor).where(ConsumerCursor.name == self.name).with_for_update()
                )
            ).scalar_one_or_none()
            if (current.position if current else START) != after:
                return 0  # another replica advanced meanwhile; fetch again
            for event in events:
                handler = self.handlers.get(event["type"])
                if handler is not None:
                    await handler(session, event)
            stmt = insert(ConsumerCursor).values(name=self.name, position=page["next"])
            await session.execute(
                stmt.on_conflict_do_update(
                    index_elements=[ConsumerCursor.name],
                    set_={"position": stmt.excluded.position, "updated_at": func.now()},
                )
            )
        return len(events)

    async def run(self, stop: asyncio.Event | None = None) -> None:
        stop = stop or asyncio.Event()
        if self.client is None:
            # One connection pool for the life of the loop, not one per poll.
            async with httpx.AsyncClient(timeout=10.0) as client:
                self.client = client
                try:
                    await self._loop(stop)
                finally:
                    self.client = None
        else:
            await self._loop(stop)

    async def _loop(self, stop: asyncio.Event) -> None:
        backoff = self.idle_seconds
        while not stop.is_set():
            try:
                n = await self.poll_once()
                backoff = self.idle_seconds
                if self.polled is not None:
                    self.polled.set_to_current_time()
                if n and self.received is not None:
                    self.received.inc(n)
            except Exception as exc:  # noqa: BLE001 - the producer or our own database is away
                # Any failure — the feed unreachable, our database restarting — backs off and tries
                # again; before, a database error ended the consumer for the life of the process.
                log.warning("feed %s: poll failed (%s: %s)", self.feed_url, type(exc).__name__, exc)
                n, backoff = 0, min(backoff * 2, 30.0)
                if self.failed is not None:
                    self.failed.inc()
            if n == 0:
                try:
                    await asyncio.wait_for(stop.wait(), timeout=backoff)
                except asyncio.TimeoutError:
                    pass


class ClientCredentials:
    """Caches this service's own access token (client credentials grant) until shortly before expiry."""

    def __init__(self, token_url: str, client_id: str, client_secret: str, scope: str):
        self.token_url, self.client_id, self.client_secret, self.scope = token_url, client_id, client_secret, scope
        self._token: str | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()

    def invalidate(self) -> None:
        self._token = None

    async def __call__(self) -> str:
        loop = asyncio.get_running_loop()
        async with self._lock:
            if self._token is None or loop.time() > self._expires - 30:
                async with httpx.AsyncClient(timeout=10.0) as client:
                    resp = await client.post(
                        self.token_url,
                        data={"grant_type": "client_credentials", "scope": self.scope},
                        auth=(self.client_id, self.client_secret),
                    )
                    resp.raise_for_status()
                    body = resp.json()
                self._token = body["access_token"]
                self._expires = loop.time() + float(body.get("expires_in", 300))
            return self._token


def consumer_hooks(make_consumers: Callable[["object"], list[FeedConsumer]]):
    """Startup/shutdown hooks that run a service's consumers as background tasks of its app."""
    state: dict[str, Any] = {}

    async def start(runtime) -> None:
        if not runtime.settings.run_consumers:
            return
        state["stop"] = asyncio.Event()
        state["tasks"] = [asyncio.create_task(c.run(state["stop"])) for c in make_consumers(runtime)]

    async def stop(runtime) -> None:
        if "stop" in state:
            state["stop"].set()
            await asyncio.gather(*state["tasks"], return_exceptions=True)

    return start, stop


def service_token(settings) -> ClientCredentials:
    if not settings.service_client_id or not settings.service_client_secret:
        raise RuntimeError("SERVICE_CLIENT_ID and SERVICE_CLIENT_SECRET are needed to read other services' feeds")
    return ClientCredentials(f"{settings.identity_url}/oauth/token", settings.service_client_id,
                             settings.service_client_secret, "events:read")
