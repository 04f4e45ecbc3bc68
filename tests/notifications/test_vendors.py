"""DingTalk work notifications and WeCom app messages, against a local receiver that speaks each
vendor's protocol: the access token from the app's key and secret, the send call's format, a token
the vendor no longer accepts fetched again, a rate limit answered by a retry with backoff."""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from devstack import ROOT
from notifications_world import TOWN, feed_event
from sqlalchemy import delete, select

from notifications import consumers, deliveries
from notifications.config import NotificationsSettings
from notifications.consumers import apply_binding, apply_contact, apply_grid_event
from notifications.models import Delivery, InboxItem, Recipient, RecipientBinding
from servicekit import db, migrations


class VendorDouble:
    """Both vendors' endpoints. ``script`` holds the errcodes the next sends answer (then 0)."""

    def __init__(self):
        self.tokens = 0
        self.sent: list[tuple[str, dict]] = []
        self.script: list[int] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, body: dict, status: int = 200):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                q = dict(urllib.parse.parse_qsl(url.query))
                ok = (url.path == "/gettoken" and (q.get("appkey"), q.get("appsecret")) == ("dk", "ds")) or (
                    url.path == "/cgi-bin/gettoken" and (q.get("corpid"), q.get("corpsecret")) == ("wc", "ws")
                )
                if not ok:
                    return self._answer({"errcode": 40001, "errmsg": "invalid credential"})
                outer.tokens += 1
                self._answer({"errcode": 0, "access_token": f"t{outer.tokens}", "expires_in": 7200})

            def do_POST(self):
                url = urllib.parse.urlsplit(self.path)
                token = dict(urllib.parse.parse_qsl(url.query)).get("access_token")
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                if token != f"t{outer.tokens}":
                    return self._answer({"errcode": 40014, "errmsg": "invalid access_token"})
                code = outer.script.pop(0) if outer.script else 0
                if code == 0:
                    outer.sent.append((url.path, body))
                self._answer({"errcode": code, "errmsg": "ok" if code == 0 else "limited", "task_id": 1})

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def vendor():
    v = VendorDouble()
    yield v
    v.server.shutdown()


@pytest.fixture(scope="module")
def settings(database_url, run_prefix, vendor) -> NotificationsSettings:
    s = NotificationsSettings(
        database_url=database_url,
        db_prefix=f"{run_prefix}nv_",
        log_json=False,
        notify_dingtalk_url=vendor.url,
        notify_dingtalk_app_key="dk",
        notify_dingtalk_app_secret="ds",
        notify_dingtalk_agent_id="1001",
        notify_wecom_url=vendor.url,
        notify_wecom_corp_id="wc",
        notify_wecom_secret="ws",
        notify_wecom_agent_id="2002",
        notify_console_url="https://console.county.example",
    )
    migrations.upgrade(ROOT / "services" / "notifications", s)
    return s


@pytest.fixture
async def maker(settings):
    engine = db.make_async_engine(settings)
    factory = db.make_sessionmaker(engine)
    consumers.CHANNELS[:] = deliveries.channels(settings)
    yield factory
    consumers.CHANNELS[:] = []
    async with factory() as session, session.begin():
        for model in (InboxItem, Recipient, RecipientBinding):
            await session.execute(delete(model))
    await engine.dispose()


async def _setup(maker) -> str:
    user = str(uuid.uuid4())
    async with maker() as session, session.begin():
        await apply_contact(
            session,
            feed_event(
                "user.contact",
                user,
                {
                    "user_id": user,
                    "email": None,
                    "dingtalk_user_id": "dk-0042",
                    "wecom_user_id": "wx-0042",
                    "active": True,
                },
            ),
        )
        await apply_binding(
            session,
            feed_event(
                "role.granted",
                str(uuid.uuid4()),
                {
                    "binding_id": str(uuid.uuid4()),
                    "user_id": user,
                    "role": "COMMAND_CENTRE",
                    "scope_kind": "TOWNSHIP",
                    "scope_id": TOWN,
                },
            ),
        )
        grid = str(uuid.uuid4())
        await apply_grid_event(session, feed_event("event.reported", grid, {"township_id": TOWN, "matter_type": "X"}))
    return grid


async def _statuses(maker, grid) -> dict[str, tuple[str, int]]:
    async with maker() as session:
        rows = await session.scalars(
            select(Delivery).join(InboxItem, InboxItem.id == Delivery.item_id).where(InboxItem.source_id == grid)
        )
        return {d.channel: (d.status, d.attempts) for d in rows.all()}


async def test_a_new_item_reaches_the_person_on_dingtalk_and_wecom_in_each_vendors_format(maker, settings, vendor):
    vendor.sent.clear()
    grid = await _setup(maker)
    assert await _statuses(maker, grid) == {"DINGTALK": ("PENDING", 0), "WECOM": ("PENDING", 0)}
    await deliveries.DeliveryWorker(maker, settings).tick()
    assert await _statuses(maker, grid) == {"DINGTALK": ("SENT", 1), "WECOM": ("SENT", 1)}
    sent = dict(vendor.sent)
    ding = sent["/topapi/message/corpconversation/asyncsend_v2"]
    assert (ding["agent_id"], ding["userid_list"], ding["msg"]["msgtype"]) == ("1001", "dk-0042", "text")
    assert f"https://console.county.example/#/dispatch?event={grid}" in ding["msg"]["text"]["content"]
    wecom = sent["/cgi-bin/message/send"]
    assert (wecom["touser"], wecom["agentid"], wecom["msgtype"], wecom["enable_duplicate_check"]) == (
        "wx-0042",
        "2002",
        "text",
        1,
    )
    assert wecom["text"]["content"].startswith("【待办】网格事件待受理")


async def test_an_expired_token_is_fetched_again_and_a_rate_limit_is_retried_later(maker, settings, vendor):
    grid = await _setup(maker)
    worker = deliveries.DeliveryWorker(maker, settings)
    await worker.tick()  # both sent; the worker now holds each vendor's token
    assert await _statuses(maker, grid) == {"DINGTALK": ("SENT", 1), "WECOM": ("SENT", 1)}
    vendor.sent.clear()
    vendor.tokens += 1  # the vendor rotated its tokens: the cached ones are refused (40014)
    vendor.script[:] = [45009]  # and the first send on a fresh token hits the rate limit
    later = str(uuid.uuid4())
    async with maker() as session, session.begin():
        await apply_grid_event(session, feed_event("event.reported", later, {"township_id": TOWN, "matter_type": "Y"}))
    now = dt.datetime.now(dt.timezone.utc)
    fetched = vendor.tokens
    await worker.tick(now)
    assert vendor.tokens > fetched  # a new token was fetched instead of failing
    assert sorted(s for s in (await _statuses(maker, later)).values()) == [("PENDING", 1), ("SENT", 1)]
    await worker.tick(now + dt.timedelta(seconds=5))  # the backoff has passed
    assert sorted((await _statuses(maker, later)).values()) == [("SENT", 1), ("SENT", 2)]
    assert len(vendor.sent) == 2
