"""Who may call a root field at all: the gate in front of every query and mutation.

Each service declares one ``Access`` per root field in its ``policy.ROOT_FIELDS``; ``gql.schema``
refuses to build a schema with a root field that has none (deny by default: a new field without a
declared policy does not start) and puts the gate in front of the field's resolver, so a caller
outside it gets ``FORBIDDEN`` before any SQL runs. Behind the gate, the service's policy functions
decide row by row (own department, own township, own person): the gate says *who*, the rows say
*which*.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .principal import Principal, Role


@dataclass(frozen=True)
class Access:
    summary: str  # who, in a line (shown in docs/policy tables and in the FORBIDDEN detail)
    people: bool = True  # people's tokens (browser apps)
    roles: frozenset[Role] | None = None  # for people: None is any role
    services: bool = False  # service tokens (department systems); the gateway already checked scopes

    def allows(self, principal: Principal) -> bool:
        if principal.is_service:
            return self.services
        if not self.people:
            return False
        return self.roles is None or any(principal.has_role(r) for r in self.roles)


def signed_in(summary: str) -> Access:
    """Every caller the gateway let in: people, and service tokens holding the field's scopes."""
    return Access(summary, services=True)


def people(summary: str) -> Access:
    """Any person (no service token); what each sees is filtered by row."""
    return Access(summary)


def roles(*allowed: Role, summary: str, services: bool = False) -> Access:
    """People holding one of ``allowed`` (in any scope; the rule checks the scope)."""
    return Access(summary, roles=frozenset(allowed), services=services)


def check(root_fields: Iterable[str], declared: dict[str, Access]) -> None:
    """Fail at start-up for a root field without a declared policy, or a policy for no field."""
    fields = {f for f in root_fields if not f.startswith("_")}
    missing = sorted(fields - set(declared))
    stale = sorted(set(declared) - fields)
    if missing or stale:
        raise RuntimeError(
            "the service's policy.ROOT_FIELDS does not match its schema: "
            f"no policy for {missing}; policy for no field {stale}"
        )
