"""The feed never lets a later-committing transaction slip behind a cursor that already moved on."""

from __future__ import annotations

import pytest

from servicekit import outbox
from servicekit.errors import BadInput


async def _feed(sessionmaker, after=None, limit=100):
    async with sessionmaker() as session:
        return await outbox.read_feed(session, after, limit)


async def test_events_of_an_open_transaction_hold_back_later_commits(sessionmaker):
    slow = sessionmaker()
    await outbox.emit(slow, "cadre.stationed", aggregate_type="Cadre", aggregate_id="A", payload={"n": 1})
    # A second transaction starts later, writes and commits first.
    async with sessionmaker() as fast:
        await outbox.emit(fast, "cadre.stationed", aggregate_type="Cadre", aggregate_id="B", payload={"n": 2})
        await fast.commit()
    page = await _feed(sessionmaker)
    assert [e["aggregate_id"] for e in page["events"]] == []  # B waits for A's fate
    await slow.commit()
    await slow.close()
    page = await _feed(sessionmaker)
    assert [e["aggregate_id"] for e in page["events"]] == ["A", "B"]
    assert (await _feed(sessionmaker, page["next"]))["events"] == []


async def test_a_rolled_back_event_is_never_delivered(sessionmaker):
    async with sessionmaker() as session:
        await outbox.emit(session, "x", aggregate_type="T", aggregate_id="gone", payload={})
        await session.rollback()
    async with sessionmaker() as session:
        await outbox.emit(session, "x", aggregate_type="T", aggregate_id="kept", payload={})
        await session.commit()
    assert [e["aggregate_id"] for e in (await _feed(sessionmaker))["events"]] == ["kept"]


async def test_the_feed_pages_in_order(sessionmaker):
    for i in range(5):
        async with sessionmaker() as session:
            await outbox.emit(session, "x", aggregate_type="T", aggregate_id=str(i), payload={})
            await session.commit()
    seen, after = [], None
    while True:
        page = await _feed(sessionmaker, after, limit=2)
        if not page["events"]:
            break
        seen += [e["aggregate_id"] for e in page["events"]]
        after = page["next"]
    assert seen == ["0", "1", "2", "3", "4"]


@pytest.mark.parametrize("after, limit", [("nonsense", 10), ("1:x", 10), (None, 0), (None, 1001)])
async def test_bad_feed_arguments_are_refused(sessionmaker, after, limit):
    with pytest.raises(BadInput):
        await _feed(sessionmaker, after, limit)
