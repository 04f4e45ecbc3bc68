"""Dual management (双重管理) as SQL: which rows about stationed cadres a principal may see.

Every service keeps rows keyed by department, township, agency and cadre; the same bindings
decide visibility everywhere, so the rule lives here once and each service's ``policy`` applies
it to its own columns. ``None`` means the whole county.
"""

from __future__ import annotations

import uuid

from sqlalchemy import or_
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


def cadre_rows(principal: Principal, *, department, township, agency, cadre,
               service_scope: str = "roster:read") -> ColumnElement[bool] | None:
    if principal.is_service:
        if not principal.has_scope(service_scope):
            raise Forbidden("该服务客户端无权读取人员信息", detail=f"scope {service_scope} required")
        # A department system sees its own department's people only.
        return department == uuid.UUID(principal.department_id) if principal.department_id else None
    if any(principal.has_role(r) for r in COUNTY_READERS):
        return None
    conditions: list[ColumnElement[bool]] = []
    if ids := uuids(principal.scope_ids(Role.DEPARTMENT_ADMIN)):
        conditions.append(department.in_(ids))
    if ids := uuids(set().union(*(principal.scope_ids(r) for r in TOWNSHIP_ROLES))):
        conditions.append(township.in_(ids))
    if ids := uuids(principal.scope_ids(Role.AGENCY_HEAD)):
        conditions.append(agency.in_(ids))
    if ids := uuids(principal.scope_ids(Role.CADRE)):
        conditions.append(cadre.in_(ids))
    if not conditions:
        raise Forbidden("无权查看人员信息")
    return or_(*conditions) if len(conditions) > 1 else conditions[0]
