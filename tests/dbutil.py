"""A session inside a transaction that is rolled back at the end: each test sees the same data."""

from __future__ import annotations

import contextlib

from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import db


@contextlib.asynccontextmanager
async def rolled_back(settings):
    engine = db.make_async_engine(settings)
    async with engine.connect() as conn:
        outer = await conn.begin()
        # Code under test may commit or use savepoints; all of it stays inside the outer transaction.
        session = AsyncSession(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield session
        finally:
            await session.close()
            await outer.rollback()
    await engine.dispose()


async def each_role(session, roles: dict, attempt) -> dict[str, str]:
    """Permission matrices: every role tries ``attempt(principal)`` once, inside a savepoint rolled
    back afterwards, and the outcome is "ok", "FORBIDDEN" or the error's code."""
    from servicekit.errors import AppError, Forbidden

    outcomes = {}
    for name, who in roles.items():
        savepoint = await session.begin_nested()
        try:
            await attempt(who)
            outcomes[name] = "ok"
        except Forbidden:
            outcomes[name] = "FORBIDDEN"
        except AppError as exc:
            outcomes[name] = exc.code
        finally:
            await savepoint.rollback()
    return outcomes


def gate_mismatches(root_fields: dict, operations: dict, roles: dict) -> list[tuple[str, str]]:
    """(root field, role) pairs where a service's root-field gate (``policy.ROOT_FIELDS``) and its
    permission matrix disagree: the gate must let in every role the matrix allows for that field
    (the rule then checks the scope: own or other) and stop every other role. Matrix entries are
    ``"field"`` or ``"field(variant)"`` → (allowed role names such as ``"ROLE(own)"``, …)."""
    allowed: dict[str, set[str]] = {}
    for operation, (ok, *_) in operations.items():
        allowed.setdefault(operation.split("(")[0].strip(), set()).update(r.split("(")[0] for r in ok)
    return [
        (field, name)
        for field, bases in allowed.items()
        for name, who in roles.items()
        if root_fields[field].allows(who) != (name.split("(")[0] in bases)
    ]


async def refused(session, exc_type, call, *models):
    """Awaits ``call`` expecting ``exc_type``; asserts that no row of ``models`` nor of the audit log
    was written (a refused step writes nothing). Returns the error."""
    import pytest
    from sqlalchemy import func, select

    from servicekit.audit import AuditRecord

    async def counts():
        return [await session.scalar(select(func.count()).select_from(m)) for m in (*models, AuditRecord)]

    before = await counts()
    with pytest.raises(exc_type) as err:
        await call
    assert await counts() == before, "a refused step writes nothing"
    return err.value
