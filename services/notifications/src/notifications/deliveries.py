"""Deliveries: each new 待办 sent on the county's channels. So far the **signed webhook** (for other
systems, e.g. a 浙政钉 bridge); mail, DingTalk and WeCom will be further channels of the same queue.

A delivery row is queued in the transaction that opens its item (never lost, never queued twice:
unique per item and channel — the ``X-County-Delivery`` id a receiver dedupes on). The worker sends
what is due, one transaction per batch with ``FOR UPDATE SKIP LOCKED`` (replicas share the queue),
and on failure schedules the next attempt with exponential backoff; after the last attempt the row
is DEAD, which ops see (``notifications_deliveries_dead``).

The webhook body is JSON without personal data (the item's kind, title, link, recipient role and
scope, deadline). ``X-County-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>``
with ``X-County-Timestamp`` (Unix seconds): a receiver recomputes it and refuses a timestamp more
than five minutes away (replays).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import json
import logging
import time
import uuid

import httpx
from prometheus_client import Counter, Gauge
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .models import Delivery, InboxItem

log = logging.getLogger(__name__)
WEBHOOK = "WEBHOOK"
BATCH = 50


def channels(settings) -> list[str]:
    return [WEBHOOK] if settings.notify_webhook_url else []


async def enqueue(session: AsyncSession, item_ids: list[uuid.UUID], chans: list[str]) -> None:
    if not item_ids or not chans:
        return
    await session.execute(
        insert(Delivery)
        .values([{"item_id": i, "channel": c} for i in item_ids for c in chans])
        .on_conflict_do_nothing(constraint="uq_delivery_item_channel")
    )


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={mac}"


def body_of(item: InboxItem) -> bytes:
    return json.dumps(
        {
            "item_id": str(item.id),
            "kind": item.kind,
            "title": item.title,
            "link": item.link,
            "recipient": {"role": item.role, "scope_kind": item.scope_kind, "scope_id": item.scope_id},
            "due_at": item.due_at.isoformat() if item.due_at else None,
            "created_at": item.created_at.isoformat(),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def backoff(attempts: int, base: float, cap: float) -> dt.timedelta:
    return dt.timedelta(seconds=min(base * 2 ** (attempts - 1), cap))


class DeliveryWorker:
    """Sends due deliveries every ``interval`` seconds (beside the feed consumers)."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], settings, *, registry=None, client=None):
        self.sessionmaker, self.settings, self.client = sessionmaker, settings, client
        self.sent = self.failed = self.dead = None
        if registry is not None:
            self.sent = Counter("notifications_deliveries_sent", "Deliveries sent", ["channel"], registry=registry)
            self.failed = Counter(
                "notifications_deliveries_failed", "Delivery attempts that failed", ["channel"], registry=registry
            )
            self.dead = Gauge("notifications_deliveries_dead", "Deliveries given up on (DEAD)", registry=registry)

    async def _send(self, client: httpx.AsyncClient, delivery: Delivery, item: InboxItem) -> None:
        body = body_of(item)
        ts = int(time.time())
        resp = await client.post(
            self.settings.notify_webhook_url,
            content=body,
            headers={
                "content-type": "application/json; charset=utf-8",
                "x-county-delivery": str(delivery.id),
                "x-county-timestamp": str(ts),
                "x-county-signature": sign(self.settings.notify_webhook_secret, ts, body),
            },
        )
        if resp.status_code // 100 != 2:
            raise RuntimeError(f"HTTP {resp.status_code}")

    async def tick(self, now: dt.datetime | None = None) -> int:
        """Send what is due; returns how many were attempted."""
        now = now or dt.datetime.now(dt.timezone.utc)
        s = self.settings
        attempted = 0
        async with httpx.AsyncClient(timeout=s.notify_timeout_seconds) as own:
            client = self.client or own
            async with self.sessionmaker() as session, session.begin():
                rows = (
                    await session.execute(
                        select(Delivery, InboxItem)
                        .join(InboxItem, InboxItem.id == Delivery.item_id)
                        .where(Delivery.status == "PENDING", Delivery.next_attempt_at <= now)
                        .order_by(Delivery.next_attempt_at)
                        .limit(BATCH)
                        .with_for_update(of=Delivery, skip_locked=True)
                    )
                ).all()
                for delivery, item in rows:
                    attempted += 1
                    delivery.attempts += 1
                    try:
                        await self._send(client, delivery, item)
                    except Exception as exc:  # the receiver's answer or the network: retried later
                        delivery.last_error = str(exc)[:500]
                        if delivery.attempts >= s.notify_max_attempts:
                            delivery.status = "DEAD"
                        else:
                            delivery.next_attempt_at = now + backoff(
                                delivery.attempts, s.notify_backoff_seconds, s.notify_backoff_cap_seconds
                            )
                        if self.failed is not None:
                            self.failed.labels(delivery.channel).inc()
                        continue
                    delivery.status, delivery.sent_at, delivery.last_error = "SENT", now, None
                    if self.sent is not None:
                        self.sent.labels(delivery.channel).inc()
                if self.dead is not None:
                    self.dead.set(await session.scalar(select(func.count()).where(Delivery.status == "DEAD")) or 0)
        return attempted

    async def run(self, stop: asyncio.Event | None = None) -> None:
        stop = stop or asyncio.Event()
        while not stop.is_set():
            try:
                await self.tick()
            except Exception:  # the next tick retries: one bad row must not stop every delivery
                log.exception("delivery tick failed")
            try:
                await asyncio.wait_for(stop.wait(), timeout=self.settings.notify_interval_seconds)
            except asyncio.TimeoutError:
                pass
