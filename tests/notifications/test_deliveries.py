"""Deliveries on the signed webhook, against a real local HTTP receiver: each new item is POSTed with
its dedupe id and an HMAC-SHA256 signature over timestamp and body; a failure is retried with
exponential backoff under the same id; after the last attempt the delivery is DEAD."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from devstack import ROOT
from notifications_world import TOWN, feed_event
from sqlalchemy import delete, select

from notifications import deliveries, inbox
from notifications.config import NotificationsSettings
from notifications.consumers import apply_grid_event
from notifications.models import Delivery, InboxItem
from servicekit import db, migrations

SECRET = "webhook-test-secret"


class Receiver:
    """Answers each POST with the next status of ``answers`` (then 200) and keeps what it got."""

    def __init__(self):
        self.answers: list[int] = []
        self.got: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["content-length"]))
                outer.got.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
                status = outer.answers.pop(0) if outer.answers else 200
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def receiver():
    r = Receiver()
    yield r
    r.server.shutdown()


@pytest.fixture(scope="module")
def settings(database_url, run_prefix, receiver) -> NotificationsSettings:
    s = NotificationsSettings(
        database_url=database_url,
        db_prefix=f"{run_prefix}nd_",
        log_json=False,
        notify_webhook_url=receiver.url,
        notify_webhook_secret=SECRET,
        notify_max_attempts=3,
    )
    migrations.upgrade(ROOT / "services" / "notifications", s)
    return s


@pytest.fixture
async def maker(settings):
    engine = db.make_async_engine(settings)
    factory = db.make_sessionmaker(engine)
    yield factory
    async with factory() as session, session.begin():
        await session.execute(delete(InboxItem))
    await engine.dispose()


async def _new_item(maker) -> InboxItem:
    grid = str(uuid.uuid4())
    async with maker() as session, session.begin():
        opened = await inbox.advance(
            session,
            feed_event("event.reported", grid, {"township_id": TOWN, "matter_type": "NEIGHBOUR_DISPUTE"}),
            source=inbox.GRID_EVENT,
            steps=inbox.grid_event_steps({"township_id": TOWN, "state": "REPORTED"}),
            title_detail="NEIGHBOUR_DISPUTE",
            link=f"/dispatch?event={grid}",
        )
        await deliveries.enqueue(session, opened, [deliveries.WEBHOOK])
        await deliveries.enqueue(session, opened, [deliveries.WEBHOOK])  # queued twice: still one
    async with maker() as session:
        return (await session.scalars(select(InboxItem).where(InboxItem.source_id == grid))).one()


async def _delivery(maker, item_id) -> Delivery:
    async with maker() as session:
        return (await session.scalars(select(Delivery).where(Delivery.item_id == item_id))).one()


def _verified(got: dict) -> dict:
    h = got["headers"]
    ts = int(h["x-county-timestamp"])
    assert abs(time.time() - ts) < 300  # a receiver refuses a stale timestamp (replays)
    expected = "sha256=" + hmac.new(SECRET.encode(), f"{ts}.".encode() + got["body"], hashlib.sha256).hexdigest()
    assert hmac.compare_digest(h["x-county-signature"], expected)
    assert h["content-type"].startswith("application/json")
    return json.loads(got["body"])


async def test_a_new_item_is_posted_signed_retried_with_backoff_under_the_same_id(maker, settings, receiver):
    receiver.got.clear()
    receiver.answers[:] = [500]
    item = await _new_item(maker)
    worker = deliveries.DeliveryWorker(maker, settings)
    now = dt.datetime.now(dt.timezone.utc)
    assert await worker.tick(now) == 1
    d = await _delivery(maker, item.id)
    assert (d.status, d.attempts, d.last_error) == ("PENDING", 1, "HTTP 500")
    assert d.next_attempt_at == now + dt.timedelta(seconds=settings.notify_backoff_seconds)
    assert await worker.tick(now) == 0  # not due yet
    assert await worker.tick(now + dt.timedelta(seconds=3)) == 1
    d = await _delivery(maker, item.id)
    assert (d.status, d.attempts, d.last_error) == ("SENT", 2, None)
    assert [g["headers"]["x-county-delivery"] for g in receiver.got] == [str(d.id)] * 2  # one dedupe id
    body = _verified(receiver.got[-1])
    assert body["item_id"] == str(item.id) and body["kind"] == "EVENT_TO_ACCEPT"
    assert body["recipient"] == {"role": "COMMAND_CENTRE", "scope_kind": "TOWNSHIP", "scope_id": TOWN}
    assert await worker.tick(now + dt.timedelta(hours=2)) == 0  # sent is sent


async def test_after_the_last_attempt_a_delivery_is_dead_and_counted(maker, settings, receiver):
    from prometheus_client import CollectorRegistry

    receiver.answers[:] = [503, 503, 503, 503]
    item = await _new_item(maker)
    registry = CollectorRegistry()
    worker = deliveries.DeliveryWorker(maker, settings, registry=registry)
    now = dt.datetime.now(dt.timezone.utc)
    for step in range(settings.notify_max_attempts):
        await worker.tick(now + dt.timedelta(hours=step))
    d = await _delivery(maker, item.id)
    assert (d.status, d.attempts) == ("DEAD", settings.notify_max_attempts)
    assert registry.get_sample_value("notifications_deliveries_dead") >= 1
    assert registry.get_sample_value("notifications_deliveries_failed_total", {"channel": "WEBHOOK"}) == 3
    receiver.answers.clear()


def test_backoff_doubles_up_to_its_cap():
    assert [deliveries.backoff(n, 2, 30).total_seconds() for n in (1, 2, 3, 4, 5, 6)] == [2, 4, 8, 16, 30, 30]


async def test_the_feed_handlers_queue_a_delivery_for_each_item_they_open(maker):
    from notifications import consumers

    consumers.CHANNELS[:] = [deliveries.WEBHOOK]
    try:
        grid = str(uuid.uuid4())
        async with maker() as session, session.begin():
            await apply_grid_event(
                session, feed_event("event.reported", grid, {"township_id": TOWN, "matter_type": "X"})
            )
        async with maker() as session:
            [item] = (await session.scalars(select(InboxItem).where(InboxItem.source_id == grid))).all()
            assert (
                await session.scalars(select(Delivery).where(Delivery.item_id == item.id))
            ).one().status == "PENDING"
    finally:
        consumers.CHANNELS[:] = []
