"""Deliveries: each new 待办 sent on the county's channels — **mail** over SMTP to each person who
holds the item's role binding (from identity's feed) and has an address, and the **signed webhook**
for other systems (e.g. a 浙政钉 bridge); DingTalk and WeCom will be further channels of this queue.

A delivery row is queued in the transaction that opens its item (never lost, never queued twice:
unique per item, channel and person — the ``X-County-Delivery`` id or mail ``Message-ID`` a
receiver dedupes on). The worker sends
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
import smtplib
import time
import urllib.parse
import uuid
from email.message import EmailMessage
from email.utils import format_datetime

import httpx
from prometheus_client import Counter, Gauge
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from . import vendors
from .models import Delivery, InboxItem, Recipient, RecipientBinding

log = logging.getLogger(__name__)
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
WEBHOOK, EMAIL, DINGTALK, WECOM = "WEBHOOK", "EMAIL", "DINGTALK", "WECOM"
BATCH = 50
# A person holds an item's binding: how an item addressed to a role reaches people.
HOLDS_ITEMS_BINDING = (
    (RecipientBinding.role == InboxItem.role)
    & (RecipientBinding.scope_kind == InboxItem.scope_kind)
    & RecipientBinding.scope_id.is_not_distinct_from(InboxItem.scope_id)
)
# A personal channel and the recipient's address on it.
ADDRESS = {EMAIL: Recipient.email, DINGTALK: Recipient.dingtalk_user_id, WECOM: Recipient.wecom_user_id}


def channels(settings) -> list[str]:
    on = (
        (EMAIL, settings.notify_smtp_url),
        (DINGTALK, settings.notify_dingtalk_url),
        (WECOM, settings.notify_wecom_url),
        (WEBHOOK, settings.notify_webhook_url),
    )
    return [c for c, url in on if url]


async def enqueue(session: AsyncSession, item_ids: list[uuid.UUID], chans: list[str]) -> None:
    """Queue each new item on each channel: the webhook once, mail once per person holding the
    item's binding now (active, with an address)."""
    if not item_ids or not chans:
        return
    rows = [{"item_id": i, "channel": WEBHOOK, "user_id": None} for i in item_ids] if WEBHOOK in chans else []
    for channel in [c for c in chans if c in ADDRESS]:
        people = await session.execute(
            select(InboxItem.id, RecipientBinding.user_id)
            .join(RecipientBinding, HOLDS_ITEMS_BINDING)
            .join(Recipient, Recipient.user_id == RecipientBinding.user_id)
            .where(InboxItem.id.in_(item_ids), Recipient.active.is_(True), ADDRESS[channel].is_not(None))
            .distinct()
        )
        rows += [{"item_id": i, "channel": channel, "user_id": u} for i, u in people.all()]
    await _hold_for_quiet_hours(session, rows)
    if rows:
        await session.execute(
            insert(Delivery).values(rows).on_conflict_do_nothing(constraint="uq_delivery_item_channel_user")
        )


# Feeds are not ordered with one another: an item may open before its recipient's binding or address
# has arrived from identity's feed (at start-up above all). When they arrive, the person's open items
# of this long ago are mailed too; older ones stay in the inbox only (no flood on a role change).
LATE_RECIPIENT = dt.timedelta(minutes=15)


async def enqueue_for_user(session: AsyncSession, user_id, chans: list[str]) -> None:
    """Send a person their open items opened within ``LATE_RECIPIENT`` that they were not sent."""
    person = await session.get(Recipient, user_id)
    if person is None or not person.active:
        return
    personal = [c for c in chans if c in ADDRESS and getattr(person, ADDRESS[c].key)]
    if not personal:
        return
    items = (
        await session.scalars(
            select(InboxItem.id)
            .join(RecipientBinding, HOLDS_ITEMS_BINDING)
            .where(
                RecipientBinding.user_id == user_id,
                InboxItem.done_at.is_(None),
                InboxItem.created_at > func.now() - LATE_RECIPIENT,
            )
        )
    ).all()
    if items:
        rows = [{"item_id": i, "channel": c, "user_id": user_id} for i in items for c in personal]
        await _hold_for_quiet_hours(session, rows)
        await session.execute(
            insert(Delivery).values(rows).on_conflict_do_nothing(constraint="uq_delivery_item_channel_user")
        )


# Quiet hours, Asia/Shanghai (``NOTIFY_QUIET_HOURS``, default 22:00-07:00; consumers() sets it): personal
# channels hold back what is not urgent until the morning. None: no quiet hours.
QUIET: tuple[dt.time, dt.time] | None = None


def quiet_hours(setting: str) -> tuple[dt.time, dt.time] | None:
    if not setting.strip():
        return None
    start, _, end = setting.partition("-")
    return dt.time.fromisoformat(start.strip()), dt.time.fromisoformat(end.strip())


def after_quiet_hours(now: dt.datetime, quiet: tuple[dt.time, dt.time] | None = None) -> dt.datetime | None:
    """When a message held back at ``now`` may go (None: not in quiet hours)."""
    quiet = quiet or QUIET
    if quiet is None:
        return None
    start, end = quiet
    local = now.astimezone(SHANGHAI)
    if end <= local.time() < start:
        return None
    morning = local.date() if local.time() < end else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(morning, end, SHANGHAI)


async def _hold_for_quiet_hours(session: AsyncSession, rows: list[dict]) -> None:
    now = dt.datetime.now(dt.timezone.utc)
    for r in rows:  # every row names its time (one multi-row INSERT needs the same columns)
        r["next_attempt_at"] = now
    later = after_quiet_hours(now)
    if later is None:
        return
    personal = {r["item_id"] for r in rows if r["channel"] in ADDRESS}
    if not personal:
        return
    urgent = set(
        (
            await session.scalars(select(InboxItem.id).where(InboxItem.id.in_(personal), InboxItem.urgent.is_(True)))
        ).all()
    )
    for r in rows:
        if r["channel"] in ADDRESS and r["item_id"] not in urgent:
            r["next_attempt_at"] = later


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


def mail_of(settings, delivery: Delivery, item: InboxItem, to: str) -> EmailMessage:
    """The item as a mail: the title as subject (UTF-8, RFC 2047), the link into the console, and
    the delivery's id as Message-ID (a resend is the same message)."""
    msg = EmailMessage()
    msg["From"] = settings.notify_mail_from
    msg["To"] = to
    msg["Subject"] = f"【待办】{item.title}"
    msg["Message-ID"] = f"<{delivery.id}@{settings.notify_mail_domain}>"
    msg["Date"] = format_datetime(item.created_at)
    due = f"\n办理期限：{item.due_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}" if item.due_at else ""
    msg.set_content(
        f"{item.title}{due}\n\n打开办理：{settings.notify_console_url.rstrip('/')}/#{item.link}\n\n"
        "（本邮件由县属乡用系统自动发送，请勿回复。）\n"
    )
    return msg


def text_of(settings, item: InboxItem) -> str:
    """The item as a work notification's text (DingTalk, WeCom): title, deadline, the console link."""
    due = f"\n期限：{item.due_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}" if item.due_at else ""
    return f"【待办】{item.title}{due}\n{settings.notify_console_url.rstrip('/')}/#{item.link}"


def send_mail(settings, msg: EmailMessage) -> None:
    """Over SMTP (``NOTIFY_SMTP_URL``: smtp://host:port, or smtps:// for TLS; user:password@ to log in)."""
    url = urllib.parse.urlsplit(settings.notify_smtp_url)
    connect = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
    with connect(url.hostname, url.port or 25, timeout=settings.notify_timeout_seconds) as smtp:
        if url.username:
            smtp.login(urllib.parse.unquote(url.username), urllib.parse.unquote(url.password or ""))
        smtp.send_message(msg)


def backoff(attempts: int, base: float, cap: float) -> dt.timedelta:
    return dt.timedelta(seconds=min(base * 2 ** (attempts - 1), cap))


class DeliveryWorker:
    """Sends due deliveries every ``interval`` seconds (beside the feed consumers)."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], settings, *, registry=None, client=None):
        self.sessionmaker, self.settings, self.client = sessionmaker, settings, client
        self.vendors = vendors.from_settings(settings)  # one token cache per worker
        self.sent = self.failed = self.dead = None
        if registry is not None:
            self.sent = Counter("notifications_deliveries_sent", "Deliveries sent", ["channel"], registry=registry)
            self.failed = Counter(
                "notifications_deliveries_failed", "Delivery attempts that failed", ["channel"], registry=registry
            )
            self.dead = Gauge("notifications_deliveries_dead", "Deliveries given up on (DEAD)", registry=registry)

    async def _send(self, client: httpx.AsyncClient, delivery: Delivery, item: InboxItem, person) -> None:
        if delivery.channel in ADDRESS:
            address = getattr(person, ADDRESS[delivery.channel].key) if person is not None else None
            if not address:
                raise RuntimeError("no address")
            if delivery.channel == EMAIL:
                await asyncio.to_thread(send_mail, self.settings, mail_of(self.settings, delivery, item, address))
            else:
                await self.vendors[delivery.channel].send(client, address, text_of(self.settings, item))
            return
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
                        select(Delivery, InboxItem, Recipient)
                        .join(InboxItem, InboxItem.id == Delivery.item_id)
                        .outerjoin(Recipient, Recipient.user_id == Delivery.user_id)
                        .where(Delivery.status == "PENDING", Delivery.next_attempt_at <= now)
                        .order_by(Delivery.next_attempt_at)
                        .limit(BATCH)
                        .with_for_update(of=Delivery, skip_locked=True)
                    )
                ).all()
                for delivery, item, person in rows:
                    attempted += 1
                    delivery.attempts += 1
                    try:
                        await self._send(client, delivery, item, person)
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
