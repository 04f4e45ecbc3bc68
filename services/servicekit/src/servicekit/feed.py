"""Following another service's event feed: a consumer with a durable cursor.

A consumer applies each batch and advances its cursor (``consumer_cursor``) in one local
transaction, so a crash anywhere re-delivers (at least once) but never loses or double-applies an
event. ``consumer_hooks`` runs a service's consumers and timers as background tasks of its app.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

import httpx
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .outbox import START, ConsumerCursor
from .service_token import service_token

log = logging.getLogger(__name__)

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
        return cls(
            name=name,
            feed_url=f"{base_url}/events",
            handlers=handlers,
            sessionmaker=runtime.sessionmaker,
            token=service_token(s),
            batch_size=s.consumer_batch_size,
            received=runtime.feed_events.labels(name),
            failed=runtime.feed_errors.labels(name),
            polled=runtime.feed_polled.labels(name),
        )

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
            resp = await client.get(
                self.feed_url, params=params, headers={"Authorization": f"Bearer {await self.token()}"}
            )
            if resp.status_code == 401 and hasattr(self.token, "invalidate"):
                # The cached token was revoked or signed with a retired key: get a new one now
                # rather than stalling until it would have expired.
                self.token.invalidate()
                resp = await client.get(
                    self.feed_url, params=params, headers={"Authorization": f"Bearer {await self.token()}"}
                )
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
                await session.execute(select(ConsumerCursor).where(ConsumerCursor.name == self.name).with_for_update())
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
