"""Dual management (双重管理) as SQL: which rows about stationed cadres a principal may see.

Every service keeps rows keyed by department, township, agency and cadre; the same bindings
decide visibility everywhere, so the rule lives here once and each service's ``policy`` applies
it to its own columns. ``None`` means the whole county.
"""

from __future__ import annotations

import uuid
from typing import Callable, Iterable, Mapping

from sqlalchemy import false, or_
from sqlalchemy.sql.elements import ColumnElement

from .errors import Forbidden
from .principal import Principal, Role

COUNTY_READERS = (Role.STAFFING_OFFICE, Role.ORG_DEPARTMENT, Role.LEADERSHIP)
TOWNSHIP_ROLES = (Role.TOWNSHIP_ADMIN, Role.COMMAND_CENTRE, Role.GRID_WORKER)


def uuids(values: set[str]) -> list[uuid.UUID]:
    out = []
    for v in values:
        try:
            out.append(uuid.UUID(v))
        except ValueError:
            continue
    return out


Condition = Callable[[list[uuid.UUID]], ColumnElement[bool]]


def scoped(
    principal: Principal,
    by_role: Mapping[Role | tuple[Role, ...], Condition | list[Condition]],
    *,
    denied: str,
    county: Iterable[Role] = COUNTY_READERS,
) -> ColumnElement[bool] | None:
    """The one shape of every "which rows may this user see" rule: ``None`` (everything) for the
    ``county`` roles; otherwise the OR of what each role the user holds sees, given the ids the role
    is bound to; ``Forbidden(denied)`` when no role applies. Service tokens are each list's own
    business (their scopes differ) and are settled before calling this."""
    if any(principal.has_role(r) for r in county):
        return None
    conditions: list[ColumnElement[bool]] = []
    for roles, make in by_role.items():
        roles = roles if isinstance(roles, tuple) else (roles,)
        if ids := uuids(set().union(*(principal.scope_ids(r) for r in roles))):
            conditions += [m(ids) for m in (make if isinstance(make, list) else [make])]
    if not conditions:
        raise Forbidden(denied)
    return or_(*conditions) if len(conditions) > 1 else conditions[0]


def cadre_rows(
    principal: Principal, *, department, township, agency, cadre, service_scope: str = "roster:read"
) -> ColumnElement[bool] | None:
    if principal.is_service:
        if not principal.has_scope(service_scope):
            raise Forbidden("该服务客户端无权读取人员信息", detail=f"scope {service_scope} required")
        # A department system sees its own department's people only; one registered without a
        # department sees no one (fail closed: a missing registration field never opens the county).
        if not principal.department_id:
            return false()
        return department == uuid.UUID(principal.department_id)
    return scoped(
        principal,
        {
            Role.DEPARTMENT_ADMIN: lambda ids: department.in_(ids),
            TOWNSHIP_ROLES: lambda ids: township.in_(ids),
            Role.AGENCY_HEAD: lambda ids: agency.in_(ids),
            Role.CADRE: lambda ids: cadre.in_(ids),
        },
        denied="无权查看人员信息",
    )
