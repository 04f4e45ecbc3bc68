"""The audit log is append-only and hash-chained: verification names the first altered or missing record."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from servicekit import audit
from servicekit.audit import Actor

ACTOR = Actor("u-1", "user")


async def _write(sessionmaker, n: int) -> None:
    async with sessionmaker() as session:
        for i in range(n):
            await audit.record(
                session,
                actor=ACTOR,
                action="quota.change",
                entity_type="Agency",
                entity_id=f"a{i}",
                before={"quota": i},
                after={"quota": i + 1, "名称": "店口司法所"},
                reason="编办批复",
            )
        await session.commit()


async def _verify(sessionmaker):
    async with sessionmaker() as session:
        return await audit.verify(session, batch=3)


async def test_an_untouched_chain_verifies(sessionmaker):
    await _write(sessionmaker, 7)
    assert await _verify(sessionmaker) is None


async def test_an_altered_record_is_named(sessionmaker, engine):
    await _write(sessionmaker, 7)
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE audit_log SET after = '{\"quota\": 99}' WHERE seq = 4"))
    problem = await _verify(sessionmaker)
    assert (problem.seq, problem.problem) == (4, "altered")


async def test_a_deleted_record_is_named(sessionmaker, engine):
    await _write(sessionmaker, 7)
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM audit_log WHERE seq = 5"))
    problem = await _verify(sessionmaker)
    assert (problem.seq, problem.problem) == (5, "missing")


async def test_a_deleted_first_record_is_named(sessionmaker, engine):
    await _write(sessionmaker, 3)
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM audit_log WHERE seq = 1"))
    problem = await _verify(sessionmaker)
    assert (problem.seq, problem.problem) == (1, "missing")


async def test_a_rewritten_record_with_a_recomputed_hash_breaks_the_next_link(sessionmaker, engine):
    await _write(sessionmaker, 5)
    async with sessionmaker() as session:
        row = await session.get(audit.AuditRecord, 2)
        row.reason = "篡改"
        row.hash = audit.compute_hash(row.prev_hash, audit._hashed_fields(row))
        await session.commit()
    problem = await _verify(sessionmaker)
    assert (problem.seq, problem.problem) == (3, "relinked")


async def test_concurrent_writers_keep_one_gapless_chain(sessionmaker):
    await asyncio.gather(*(_write(sessionmaker, 5) for _ in range(6)))
    assert await _verify(sessionmaker) is None
    async with sessionmaker() as session:
        assert await session.scalar(text("SELECT max(seq) FROM audit_log")) == 30


async def test_a_rolled_back_change_leaves_no_audit_record(sessionmaker):
    async with sessionmaker() as session:
        await audit.record(session, actor=ACTOR, action="x", entity_type="T", entity_id="1")
        await session.rollback()
    async with sessionmaker() as session:
        assert await session.scalar(text("SELECT count(*) FROM audit_log")) == 0


async def test_a_bulk_action_links_one_record_per_entity_into_the_same_chain(sessionmaker):
    await _write(sessionmaker, 2)
    async with sessionmaker() as session:
        rows = await audit.record_many(
            session,
            actor=ACTOR,
            action="excellence.round2",
            entries=[{"entity_type": "TownshipRound", "entity_id": f"r{i}", "after": {"n": i}} for i in range(4)],
        )
        await session.commit()
    assert [r.seq for r in rows] == [3, 4, 5, 6]
    assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
    await _write(sessionmaker, 1)
    assert await _verify(sessionmaker) is None
    async with sessionmaker() as session:  # and an altered one of them is named, like any record
        await session.execute(text("UPDATE audit_log SET after = '{\"n\": 9}' WHERE seq = 5"))
        await session.commit()
    problem = await _verify(sessionmaker)
    assert (problem.seq, problem.problem) == (5, "altered")
