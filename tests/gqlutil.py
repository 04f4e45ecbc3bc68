"""Resolvers in process: a service's own schema executed against the test's rolled-back session,
with the kernel's extensions (guard, transaction, error codes) and a real request ``Context`` —
the GraphQL layer tested without the stack (fast), the stack e2e tests kept for the gateway."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.app import Context
from servicekit.principal import Principal
from servicekit.settings import ServiceSettings


async def execute(schema, session, principal: Principal, query: str, variables: dict | None = None):
    """``(data, errors)`` with each error as ``extensions`` (``code``, ``rule``, ``index`` …).

    The request gets a session of its own inside the test's transaction (a savepoint), as a request
    gets its own in the service: its commit or rollback touches only what the request did."""
    await session.flush()
    request_session = AsyncSession(
        bind=await session.connection(), join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    ctx = Context(
        request=None,
        principal=principal,
        settings=ServiceSettings(environment="test"),
        sessionmaker=lambda: request_session,
    )
    result = await schema.execute(query, variable_values=variables, context_value=ctx)
    return result.data, [dict(e.extensions or {}, message=e.message) for e in result.errors or []]
