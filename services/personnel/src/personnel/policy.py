"""Who sees which part of the roster (双重管理: each side sees only what is theirs).

Returns SQL conditions rather than yes/no so that a list is filtered in the same query that pages it.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.sql.elements import ColumnElement

from servicekit import visibility
from servicekit.errors import Forbidden
from servicekit.principal import Principal, Role

from .models import Adjustment, Agency, Cadre, QuotaChangeRequest, RosterSnapshotEntry


def cadre_visibility(principal: Principal) -> ColumnElement[bool] | None:
    """``None`` means the whole county; otherwise a condition on ``Cadre``."""
    return visibility.cadre_rows(principal, department=Cadre.department_id, township=Cadre.township_id,
                                 agency=Cadre.agency_id, cadre=Cadre.id)


def org_reader(principal: Principal) -> None:
    """Departments, townships and agencies (names, quotas) are open to every user of the system."""
    if principal.is_service and not principal.has_scope("roster:read"):
        raise Forbidden("该服务客户端无权读取组织信息", detail="scope roster:read required")


def _the_persons_own(principal: Principal, cadre: Cadre) -> bool:
    """The person's department, the person's township, or the person."""
    return (principal.has_role(Role.DEPARTMENT_ADMIN, str(cadre.department_id))
            or principal.has_role(Role.TOWNSHIP_ADMIN, str(cadre.township_id))
            or principal.has_role(Role.CADRE, str(cadre.id)))


def manages(principal: Principal, cadre: Cadre) -> bool:
    """Who may see a person's sensitive fields (ID number, phone, birth date): the county offices,
    the person's department and township, and the person."""
    if principal.is_service:
        return False
    return (principal.has_role(Role.STAFFING_OFFICE) or principal.has_role(Role.ORG_DEPARTMENT)
            or _the_persons_own(principal, cadre))


def sees_grades(principal: Principal, cadre: Cadre) -> bool:
    """Approved assessment grades (年度考核等次): the same audience as the assessment service's
    published results — the organisation department and leadership, the person's department and
    township, and the person. Not the command centre, grid workers, agency heads or service tokens."""
    if principal.is_service:
        return False
    return (principal.has_role(Role.ORG_DEPARTMENT) or principal.has_role(Role.LEADERSHIP)
            or _the_persons_own(principal, cadre))


def adjustment_visibility(principal: Principal):
    """Adjustments: the county offices see all; a department its own; a township those touching it."""
    if principal.is_service:
        raise Forbidden("服务客户端无权查看人事调整")
    def touching(ids):
        in_township = select(Agency.id).where(Agency.township_id.in_(ids))
        return or_(Adjustment.from_agency_id.in_(in_township), Adjustment.to_agency_id.in_(in_township))

    return visibility.scoped(principal, {Role.DEPARTMENT_ADMIN: lambda ids: Adjustment.department_id.in_(ids),
                                         Role.TOWNSHIP_ADMIN: touching}, denied="无权查看人事调整")


def quota_request_visibility(principal: Principal):
    if principal.is_service:
        raise Forbidden("服务客户端无权查看员额调整")
    return visibility.scoped(principal, {Role.DEPARTMENT_ADMIN: lambda ids: QuotaChangeRequest.department_id.in_(ids)},
                             denied="无权查看员额调整")


def agency_visibility(principal: Principal):
    """The agencies whose quotas a principal's analytics may count: the same scopes as the roster."""
    return visibility.cadre_rows(principal, department=Agency.department_id, township=Agency.township_id,
                                 agency=Agency.id, cadre=Agency.head_cadre_id)


def county_reader(principal: Principal) -> None:
    """County-wide supervision views (statistics, forecasts): the county offices and leadership."""
    if principal.is_service or not any(principal.has_role(r) for r in visibility.COUNTY_READERS):
        raise Forbidden("仅编办、组织部和领导可查看全县统计")


def snapshot_visibility(principal: Principal):
    return visibility.cadre_rows(principal, department=RosterSnapshotEntry.department_id,
                                 township=RosterSnapshotEntry.township_id, agency=RosterSnapshotEntry.agency_id,
                                 cadre=RosterSnapshotEntry.cadre_id)
