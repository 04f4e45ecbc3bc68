"""Deliveries: each new 待办 sent on the county's channels — **mail** over SMTP, **DingTalk** work
notifications and **WeCom** app messages to each person who holds the item's role binding (from
identity's feed) and has an address there, and the **signed webhook** for other systems (e.g. a
浙政钉 bridge).

A delivery row is queued in the transaction that opens its item (never lost, never queued twice:
unique per item, channel and person — the ``X-County-Delivery`` id or mail ``Message-ID`` a
receiver dedupes on). The worker sends what is due, one transaction per batch with ``FOR UPDATE
SKIP LOCKED`` (replicas share the queue), and on failure schedules the next attempt with
exponential backoff; after the last attempt the row is DEAD, which ops see
(``notifications_deliveries_dead``).

Each person's settings (``preferences``) apply when a row is queued: a kind taken off a channel is
not queued there; what is not urgent waits for quiet hours to end, or for the person's daily digest
(status DIGEST: one message per person, channel and day listing what is still open). Vendors'
limits: one delivery per item and person, each item's text distinct (it carries the item's
number), so a person never gets one text twice in a day; vendor calls are paced
(``NOTIFY_VENDOR_PER_SECOND``) and a refusal (a rate limit included) is retried with backoff.

The webhook body is JSON without personal data (the item's kind, title, link, recipient role and
scope, deadline). ``X-County-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>``
with ``X-County-Timestamp`` (Unix seconds): a receiver recomputes it and refuses a timestamp more
than five minutes away (replays).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
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
from sqlalchemy import String, cast, func, select, union
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from . import inbox, preferences, vendors
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
# An item addressed to a person by name (the reporter of an event) reaches that account.
NAMED = (InboxItem.role == inbox.PERSON) & (InboxItem.scope_id == cast(Recipient.user_id, String))
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
        reachable = (InboxItem.id.in_(item_ids), Recipient.active.is_(True), ADDRESS[channel].is_not(None))
        by_binding = (
            select(InboxItem.id, RecipientBinding.user_id)
            .join(RecipientBinding, HOLDS_ITEMS_BINDING)
            .join(Recipient, Recipient.user_id == RecipientBinding.user_id)
            .where(*reachable)
        )
        by_name = select(InboxItem.id, Recipient.user_id).join(Recipient, NAMED).where(*reachable)
        people = await session.execute(union(by_binding, by_name))
        rows += [{"item_id": i, "channel": channel, "user_id": u} for i, u in people.all()]
    rows = await _schedule(session, rows)
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
    recent = (InboxItem.done_at.is_(None), InboxItem.created_at > func.now() - LATE_RECIPIENT)
    held = (
        select(InboxItem.id)
        .join(RecipientBinding, HOLDS_ITEMS_BINDING)
        .where(RecipientBinding.user_id == user_id, *recent)
    )
    named = select(InboxItem.id).where(InboxItem.role == inbox.PERSON, InboxItem.scope_id == str(user_id), *recent)
    items = (await session.scalars(union(held, named))).all()
    if items:
        rows = [{"item_id": i, "channel": c, "user_id": user_id} for i in items for c in personal]
        rows = await _schedule(session, rows)
        if rows:
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


# The daily digest goes at this time, Asia/Shanghai (``NOTIFY_DIGEST_AT``; consumers() sets it).
DIGEST_AT = dt.time(8, 0)


def next_digest(now: dt.datetime, at: dt.time | None = None) -> dt.datetime:
    at = at or DIGEST_AT
    local = now.astimezone(SHANGHAI)
    day = local.date() if local.time() < at else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, at, SHANGHAI)


async def _schedule(session: AsyncSession, rows: list[dict]) -> list[dict]:
    """Each person's settings on their personal rows: a kind taken off a channel is not queued there;
    what is not urgent waits for the digest (status DIGEST) or, in quiet hours, for the morning."""
    now = dt.datetime.now(dt.timezone.utc)
    for r in rows:  # every row names its time and status (one multi-row INSERT needs the same columns)
        r["next_attempt_at"], r["status"] = now, "PENDING"
    personal = [r for r in rows if r["channel"] in ADDRESS]
    if not personal:
        return rows
    items = {
        i: (kind, urgent)
        for i, kind, urgent in (
            await session.execute(
                select(InboxItem.id, InboxItem.kind, InboxItem.urgent).where(
                    InboxItem.id.in_({r["item_id"] for r in personal})
                )
            )
        ).all()
    }
    prefs = await preferences.of_people(session, [r["user_id"] for r in personal])
    later = after_quiet_hours(now)
    kept = [r for r in rows if r["channel"] not in ADDRESS]
    for r in personal:
        kind, urgent = items[r["item_id"]]
        pref = prefs.get(r["user_id"])
        if not preferences.wants(pref, kind, r["channel"]):
            continue
        if not urgent and pref is not None and pref.digest:
            r["status"], r["next_attempt_at"] = "DIGEST", next_digest(now)
        elif not urgent and later is not None and (pref is None or pref.quiet_hours):
            r["next_attempt_at"] = later
        kept.append(r)
    return kept


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
    """The item as a work notification's text (DingTalk, WeCom): title, deadline, the console link,
    and the item's number — two items never read the same (a vendor refuses one text twice a day)."""
    due = f"\n期限：{item.due_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}" if item.due_at else ""
    return f"【待办】{item.title}{due}\n{settings.notify_console_url.rstrip('/')}/#{item.link}\n编号 {str(item.id)[:8]}"


def digest_text(settings, items: list[InboxItem]) -> str:
    """The day's digest: each open item's title, deadline and link, oldest first."""
    base = settings.notify_console_url.rstrip("/")
    lines = [f"【待办汇总】{len(items)} 项待办"]
    for n, item in enumerate(items, 1):
        due = f"（期限 {item.due_at.astimezone(SHANGHAI):%m-%d %H:%M}）" if item.due_at else ""
        lines.append(f"{n}. {item.title}{due}\n   {base}/#{item.link}")
    return "\n".join(lines)


def digest_mail(settings, key: uuid.UUID, items: list[InboxItem], to: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.notify_mail_from
    msg["To"] = to
    msg["Subject"] = f"【待办汇总】{len(items)} 项待办"
    msg["Message-ID"] = f"<digest-{key}@{settings.notify_mail_domain}>"
    msg["Date"] = format_datetime(dt.datetime.now(dt.timezone.utc))
    msg.set_content(digest_text(settings, items) + "\n\n（本邮件由县属乡用系统自动发送，请勿回复。）\n")
    return msg


class Mailer:
    """One SMTP connection for a tick's messages (``NOTIFY_SMTP_URL``: smtp://host:port — upgraded
    with STARTTLS when the server offers it — or smtps:// for TLS from the start; user:password@ to
    log in). A connection that fails is dropped; the next message opens a new one."""

    def __init__(self, settings):
        self.settings, self.smtp = settings, None

    def _connect(self) -> smtplib.SMTP:
        url = urllib.parse.urlsplit(self.settings.notify_smtp_url)
        timeout = self.settings.notify_timeout_seconds
        if url.scheme == "smtps":
            smtp = smtplib.SMTP_SSL(url.hostname, url.port or 465, timeout=timeout)
        else:
            smtp = smtplib.SMTP(url.hostname, url.port or 25, timeout=timeout)
            smtp.ehlo()
            if smtp.has_extn("starttls"):
                smtp.starttls()
                smtp.ehlo()
        if url.username:
            smtp.login(urllib.parse.unquote(url.username), urllib.parse.unquote(url.password or ""))
        return smtp

    def send(self, msg: EmailMessage) -> None:
        try:
            if self.smtp is None:
                self.smtp = self._connect()
            self.smtp.send_message(msg)
        except (smtplib.SMTPException, OSError):
            self.close()
            raise

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.smtp = None


class Pace:
    """At most ``per_second`` calls a second (a vendor's rate limit), spaced evenly."""

    def __init__(self, per_second: float):
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self.next = 0.0

    async def wait(self) -> None:
        now = time.monotonic()
        if self.next > now:
            await asyncio.sleep(self.next - now)
        self.next = max(now, self.next) + self.interval


def backoff(attempts: int, base: float, cap: float) -> dt.timedelta:
    return dt.timedelta(seconds=min(base * 2 ** (attempts - 1), cap))


class DeliveryWorker:
    """Sends due deliveries every ``interval`` seconds (beside the feed consumers)."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], settings, *, registry=None, client=None):
        self.sessionmaker, self.settings, self.client = sessionmaker, settings, client
        self.vendors = vendors.from_settings(settings)  # one token cache per worker
        # vendors limit calls per second: each vendor channel is paced (NOTIFY_VENDOR_PER_SECOND)
        self.pace = {c: Pace(settings.notify_vendor_per_second) for c in (DINGTALK, WECOM)}
        self.mailer = Mailer(settings)
        self.sent = self.failed = self.dead = None
        if registry is not None:
            self.sent = Counter("notifications_deliveries_sent", "Deliveries sent", ["channel"], registry=registry)
            self.failed = Counter(
                "notifications_deliveries_failed", "Delivery attempts that failed", ["channel"], registry=registry
            )
            self.dead = Gauge("notifications_deliveries_dead", "Deliveries given up on (DEAD)", registry=registry)

    async def _personal(self, client: httpx.AsyncClient, channel: str, person, text: str, mail) -> None:
        address = getattr(person, ADDRESS[channel].key) if person is not None else None
        if not address:
            raise RuntimeError("no address")
        if channel == EMAIL:
            await asyncio.to_thread(self.mailer.send, mail(address))
        else:
            await self.pace[channel].wait()
            await self.vendors[channel].send(client, address, text)

    async def _send(self, session, client: httpx.AsyncClient, delivery: Delivery, item: InboxItem, person, now) -> str:
        """Send one delivery; returns its new status."""
        if delivery.channel in ADDRESS:
            text = text_of(self.settings, item)
            await self._personal(
                client, delivery.channel, person, text, lambda to: mail_of(self.settings, delivery, item, to)
            )
            return "SENT"
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
        return "SENT"

    async def tick(self, now: dt.datetime | None = None) -> int:
        """Send what is due; returns how many were attempted."""
        now = now or dt.datetime.now(dt.timezone.utc)
        try:
            return await self._tick(now)
        finally:  # one connection per tick: none left idle between ticks
            await asyncio.to_thread(self.mailer.close)

    async def _tick(self, now: dt.datetime) -> int:
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
                    try:
                        status = await self._send(session, client, delivery, item, person, now)
                    except Exception as exc:  # the receiver's answer or the network: retried later
                        self._failed([delivery], exc, now)
                        continue
                    self._done([delivery], status, now)
                attempted += await self._digests(session, client, now)
                if self.dead is not None:
                    self.dead.set(await session.scalar(select(func.count()).where(Delivery.status == "DEAD")) or 0)
        return attempted

    def _failed(self, rows: list[Delivery], exc: Exception, now: dt.datetime) -> None:
        s = self.settings
        for delivery in rows:
            delivery.attempts += 1
            delivery.last_error = str(exc)[:500]
            if delivery.attempts >= s.notify_max_attempts:
                delivery.status = "DEAD"
            else:
                delivery.next_attempt_at = now + backoff(
                    delivery.attempts, s.notify_backoff_seconds, s.notify_backoff_cap_seconds
                )
        if self.failed is not None and rows:
            self.failed.labels(rows[0].channel).inc()

    def _done(self, rows: list[Delivery], status: str, now: dt.datetime) -> None:
        for delivery in rows:
            delivery.attempts += 1
            delivery.status, delivery.sent_at, delivery.last_error = status, now, None
        if self.sent is not None and rows and status == "SENT":
            self.sent.labels(rows[0].channel).inc()

    async def _digests(self, session: AsyncSession, client: httpx.AsyncClient, now: dt.datetime) -> int:
        """Due digests: one message per person and channel with their items still open; the items
        done meanwhile are SKIPPED (nothing left to tell)."""
        rows = (
            await session.execute(
                select(Delivery, InboxItem, Recipient)
                .join(InboxItem, InboxItem.id == Delivery.item_id)
                .outerjoin(Recipient, Recipient.user_id == Delivery.user_id)
                .where(Delivery.status == "DIGEST", Delivery.next_attempt_at <= now)
                .order_by(Delivery.user_id, Delivery.channel, InboxItem.created_at)
                .limit(BATCH * 10)
                .with_for_update(of=Delivery, skip_locked=True)
            )
        ).all()
        groups: dict[tuple, list] = {}
        for delivery, item, person in rows:
            groups.setdefault((delivery.user_id, delivery.channel), []).append((delivery, item, person))
        for (user_id, channel), group in groups.items():
            done = [d for d, i, _ in group if i.done_at is not None]
            self._done(done, "SKIPPED", now)
            still = [(d, i) for d, i, _ in group if i.done_at is None]
            if not still:
                continue
            person = group[0][2]
            items = [i for _, i in still]
            text = digest_text(self.settings, items)
            # the same digest (person, channel, day) is the same message when resent
            key = uuid.uuid5(uuid.NAMESPACE_URL, f"digest:{user_id}:{channel}:{now.astimezone(SHANGHAI):%Y-%m-%d}")
            try:
                await self._personal(
                    client, channel, person, text, functools.partial(digest_mail, self.settings, key, items)
                )
            except Exception as exc:  # retried with backoff, as one message
                for d, _ in still:
                    d.status = "DIGEST"
                self._failed([d for d, _ in still], exc, now)
                continue
            self._done([d for d, _ in still], "SENT", now)
        return len(rows)

    async def run(self, stop: asyncio.Event | None = None) -> None:
        stop = stop or asyncio.Event()
        while not stop.is_set():
            attempted = 0
            try:
                attempted = await self.tick()
            except Exception:  # the next tick retries: one bad row must not stop every delivery
                log.exception("delivery tick failed")
            if attempted >= BATCH:
                continue  # a backlog: the next batch at once, not after the interval
            try:
                await asyncio.wait_for(stop.wait(), timeout=self.settings.notify_interval_seconds)
            except asyncio.TimeoutError:
                pass
