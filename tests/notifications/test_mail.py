"""Mail, against a real SMTP server (aiosmtpd): each new item reaches every person holding its role
binding who has an address (identity's feed), with a UTF-8 subject, the console link and the
delivery's id as Message-ID; an SMTP server that is down is retried; a revoked binding stops mail."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
import uuid

import pytest
from aiosmtpd.controller import Controller
from devstack import ROOT
from notifications_world import OTHER_TOWN, TOWN, feed_event
from sqlalchemy import delete, select

from notifications import consumers, deliveries, preferences
from notifications.config import NotificationsSettings
from notifications.consumers import apply_binding, apply_contact, apply_grid_event
from notifications.models import Delivery, InboxItem, Preference, Recipient, RecipientBinding
from servicekit import db, migrations
from servicekit.errors import BadInput, Forbidden
from servicekit.principal import Principal


class Sink:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PORT = _free_port()


@pytest.fixture(scope="module")
def sink():
    handler = Sink()
    controller = Controller(handler, hostname="127.0.0.1", port=PORT)
    controller.start()
    yield handler, controller
    controller.stop()


@pytest.fixture(scope="module")
def settings(database_url, run_prefix) -> NotificationsSettings:
    s = NotificationsSettings(
        database_url=database_url,
        db_prefix=f"{run_prefix}nm_",
        log_json=False,
        notify_smtp_url=f"smtp://127.0.0.1:{PORT}",
        notify_console_url="https://console.county.example",
    )
    migrations.upgrade(ROOT / "services" / "notifications", s)
    return s


@pytest.fixture
async def maker(settings):
    engine = db.make_async_engine(settings)
    factory = db.make_sessionmaker(engine)
    consumers.CHANNELS[:] = [deliveries.EMAIL]
    yield factory
    consumers.CHANNELS[:] = []
    async with factory() as session, session.begin():
        for model in (InboxItem, Recipient, RecipientBinding, Preference):
            await session.execute(delete(model))
    await engine.dispose()


def _identity(type_: str, payload: dict) -> dict:
    return {**feed_event(type_, str(uuid.uuid4()), payload), "aggregate_type": "User"}


async def _people(maker) -> dict[str, str]:
    """A: the centre of TOWN with an address; B: the same binding, no address; C: another town's
    centre; D: TOWN's centre but deactivated. Returns their user ids and the binding of A."""
    ids = {k: str(uuid.uuid4()) for k in "ABCD"}
    async with maker() as session, session.begin():
        for who, address, active in (
            ("A", "a@county.example", True),
            ("B", None, True),
            ("C", "c@county.example", True),
            ("D", "d@county.example", False),
        ):
            await apply_contact(
                session, _identity("user.contact", {"user_id": ids[who], "email": address, "active": active})
            )
        for who, town in (("A", TOWN), ("B", TOWN), ("C", OTHER_TOWN), ("D", TOWN)):
            binding = {
                "binding_id": str(uuid.uuid4()),
                "user_id": ids[who],
                "role": "COMMAND_CENTRE",
                "scope_kind": "TOWNSHIP",
                "scope_id": town,
            }
            await apply_binding(session, _identity("role.granted", binding))
            ids[f"{who}-binding"] = binding
    return ids


async def _report(maker) -> str:
    grid = str(uuid.uuid4())
    async with maker() as session, session.begin():
        await apply_grid_event(
            session, feed_event("event.reported", grid, {"township_id": TOWN, "matter_type": "NEIGHBOUR_DISPUTE"})
        )
    return grid


async def _deliveries(maker, grid) -> list[Delivery]:
    async with maker() as session:
        return list(
            (
                await session.scalars(
                    select(Delivery)
                    .join(InboxItem, InboxItem.id == Delivery.item_id)
                    .where(InboxItem.source_id == grid)
                )
            ).all()
        )


async def test_a_new_item_is_mailed_to_each_holder_of_its_binding_with_an_address(maker, settings, sink):
    handler, _ = sink
    handler.messages.clear()
    ids = await _people(maker)
    grid = await _report(maker)
    [d] = await _deliveries(maker, grid)
    assert (d.channel, str(d.user_id)) == ("EMAIL", ids["A"])  # not B (no address), C (elsewhere), D (inactive)
    assert await deliveries.DeliveryWorker(maker, settings).tick() == 1
    [msg] = handler.messages
    assert msg["To"] == "a@county.example" and msg["Subject"] == "【待办】网格事件待受理：NEIGHBOUR_DISPUTE"
    assert msg["Message-ID"] == f"<{d.id}@{settings.notify_mail_domain}>"
    body = msg.get_content()
    assert f"https://console.county.example/#/dispatch?event={grid}" in body
    assert (await _deliveries(maker, grid))[0].status == "SENT"


async def test_a_server_that_is_down_is_retried_and_a_revoked_binding_stops_mail(maker, settings, sink):
    handler, _ = sink
    handler.messages.clear()
    ids = await _people(maker)
    grid = await _report(maker)
    now = dt.datetime.now(dt.timezone.utc)
    down = settings.model_copy(update={"notify_smtp_url": f"smtp://127.0.0.1:{_free_port()}"})  # nobody listens
    await deliveries.DeliveryWorker(maker, down).tick(now)
    [d] = await _deliveries(maker, grid)
    assert (d.status, d.attempts) == ("PENDING", 1) and d.last_error
    await deliveries.DeliveryWorker(maker, settings).tick(now + dt.timedelta(seconds=5))
    assert [m["To"] for m in handler.messages] == ["a@county.example"]
    assert (await _deliveries(maker, grid))[0].status == "SENT"
    async with maker() as session, session.begin():
        await apply_binding(session, _identity("role.revoked", ids["A-binding"]))
    later = await _report(maker)
    assert await _deliveries(maker, later) == []


async def test_a_recipient_who_arrives_after_the_item_is_mailed_if_it_is_recent(maker, settings, sink):
    """Feeds are not ordered with one another: the item may come before identity's binding."""
    handler, _ = sink
    handler.messages.clear()
    grid = await _report(maker)  # nobody known yet
    assert await _deliveries(maker, grid) == []
    await _people(maker)  # identity's feed catches up
    [d] = await _deliveries(maker, grid)
    assert d.channel == "EMAIL"
    await deliveries.DeliveryWorker(maker, settings).tick()
    assert [m["To"] for m in handler.messages] == ["a@county.example"]


async def test_in_quiet_hours_a_message_waits_for_the_morning_unless_urgent(maker, settings, sink):
    """Mail queued at night (whatever the hour this test runs: the quiet hours cover the whole day
    here) waits; an URGENT report's goes at once."""
    await _people(maker)
    before = deliveries.QUIET
    deliveries.QUIET = (dt.time(0, 0), dt.time(23, 59))
    try:
        grid = await _report(maker)
        urgent = str(uuid.uuid4())
        async with maker() as session, session.begin():
            await apply_grid_event(
                session,
                feed_event(
                    "event.reported", urgent, {"township_id": TOWN, "matter_type": "POLLUTION", "priority": "URGENT"}
                ),
            )
    finally:
        deliveries.QUIET = before
    [held] = await _deliveries(maker, grid)
    [now] = await _deliveries(maker, urgent)
    assert held.next_attempt_at > dt.datetime.now(dt.timezone.utc) >= now.next_attempt_at
    assert held.next_attempt_at.astimezone(dt.timezone(dt.timedelta(hours=8))).time() == dt.time(23, 59)


def _user(user_id: str) -> Principal:
    return Principal(subject=user_id, kind="user", client_id="county-web", token_id="t", scopes=frozenset({"api"}))


async def test_a_kind_taken_off_mail_is_not_mailed_and_the_rest_still_is(maker, settings, sink):
    ids = await _people(maker)
    async with maker() as session, session.begin():
        before = await preferences.mine(session, _user(ids["A"]), [deliveries.EMAIL])
        assert (before.digest, before.quiet_hours, before.by_kind, before.reachable) == (False, True, {}, ["EMAIL"])
        await preferences.choose(
            session,
            _user(ids["A"]),
            [deliveries.EMAIL],
            digest=False,
            quiet_hours=True,
            by_kind={"EVENT_TO_ACCEPT": []},
        )
    grid = await _report(maker)
    assert await _deliveries(maker, grid) == []  # in the inbox only
    async with maker() as session, session.begin():
        await apply_grid_event(session, feed_event("event.accept", grid, {"township_id": TOWN, "state": "ACCEPTED"}))
    assert [d.channel for d in await _deliveries(maker, grid)] == ["EMAIL"]  # the next step is mailed


async def test_a_daily_digest_gathers_what_is_still_open_into_one_mail(maker, settings, sink):
    handler, _ = sink
    handler.messages.clear()
    ids = await _people(maker)
    async with maker() as session, session.begin():
        await preferences.choose(
            session, _user(ids["A"]), [deliveries.EMAIL], digest=True, quiet_hours=True, by_kind={}
        )
    first, second = await _report(maker), await _report(maker)
    async with maker() as session, session.begin():  # the first is accepted: its step is done, the next opens
        await apply_grid_event(session, feed_event("event.accept", first, {"township_id": TOWN, "state": "ACCEPTED"}))
    rows = await _deliveries(maker, first) + await _deliveries(maker, second)
    assert {d.status for d in rows} == {"DIGEST"} and len(rows) == 3
    due = rows[0].next_attempt_at
    assert due.astimezone(deliveries.SHANGHAI).time() == deliveries.DIGEST_AT
    worker = deliveries.DeliveryWorker(maker, settings)
    await worker.tick(due - dt.timedelta(minutes=1))
    assert handler.messages == []  # not before its time
    await worker.tick(due + dt.timedelta(seconds=1))
    [msg] = handler.messages
    assert msg["Subject"] == "【待办汇总】2 项待办" and msg["To"] == "a@county.example"
    body = msg.get_content()
    assert f"/#/dispatch?event={first}" in body and f"/#/dispatch?event={second}" in body
    assert "网格事件待派遣" in body and body.count("网格事件待受理") == 1  # the accepted step is left out
    rows = await _deliveries(maker, first) + await _deliveries(maker, second)
    assert sorted(d.status for d in rows) == ["SENT", "SENT", "SKIPPED"]
    await worker.tick(due + dt.timedelta(seconds=2))
    assert len(handler.messages) == 1  # once


async def test_an_urgent_item_skips_the_digest(maker, settings, sink):
    ids = await _people(maker)
    async with maker() as session, session.begin():
        await preferences.choose(
            session, _user(ids["A"]), [deliveries.EMAIL], digest=True, quiet_hours=True, by_kind={}
        )
        urgent = str(uuid.uuid4())
        await apply_grid_event(
            session,
            feed_event("event.reported", urgent, {"township_id": TOWN, "matter_type": "FIRE", "priority": "URGENT"}),
        )
    [d] = await _deliveries(maker, urgent)
    assert d.status == "PENDING" and d.next_attempt_at <= dt.datetime.now(dt.timezone.utc)


async def test_bad_settings_are_refused_and_a_service_token_has_none(maker):
    async with maker() as session:
        me = _user(str(uuid.uuid4()))
        with pytest.raises(BadInput):
            await preferences.choose(session, me, [], digest=False, quiet_hours=True, by_kind={"NOPE": []})
        with pytest.raises(BadInput):
            await preferences.choose(
                session, me, [], digest=False, quiet_hours=True, by_kind={"EVENT_TO_ACCEPT": ["FAX"]}
            )
        service = Principal(subject="svc", kind="service", client_id="x", token_id="t", scopes=frozenset())
        with pytest.raises(Forbidden):
            await preferences.mine(session, service, [])


async def test_the_reporter_is_mailed_by_name_when_their_report_is_closed(maker, settings, sink):
    handler, _ = sink
    handler.messages.clear()
    reporter = str(uuid.uuid4())
    async with maker() as session, session.begin():
        await apply_contact(session, _identity("user.contact", {"user_id": reporter, "email": "grid@county.example"}))
    grid = str(uuid.uuid4())
    async with maker() as session, session.begin():
        await apply_grid_event(
            session,
            feed_event(
                "event.verify_pass", grid, {"township_id": TOWN, "state": "CLOSED", "reporter_user_id": reporter}
            ),
        )
    [d] = await _deliveries(maker, grid)
    assert str(d.user_id) == reporter
    await deliveries.DeliveryWorker(maker, settings).tick()
    [msg] = handler.messages
    assert msg["To"] == "grid@county.example" and "已办结" in msg["Subject"]


async def test_a_server_that_wants_a_login_gets_the_urls_user_and_password_and_one_connection_per_tick(
    maker, settings, sink
):
    from aiosmtpd.smtp import AuthResult

    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret pass")

    handler = Sink()
    port = _free_port()
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, authenticator=authenticator, auth_require_tls=False
    )
    controller.start()
    try:
        await _people(maker)
        first, second = await _report(maker), await _report(maker)
        login = settings.model_copy(
            update={"notify_smtp_url": f"smtp://mailer%40county:s3cret%20pass@127.0.0.1:{port}"}
        )
        assert await deliveries.DeliveryWorker(maker, login).tick() == 2
    finally:
        controller.stop()
    assert len(handler.messages) == 2 and logins == [(b"mailer@county", b"s3cret pass")]  # one login, two mails
    assert {d.status for d in await _deliveries(maker, first) + await _deliveries(maker, second)} == {"SENT"}
