"""Who sees which part of the roster (双重管理: each side sees only what is theirs).

Returns SQL conditions rather than yes/no so that a list is filtered in the same query that pages it.
"""

from __future__ import annotations

from sqlalchemy.sql.elements import ColumnElement

from servicekit import visibility
from servicekit.errors import Forbidden
from servicekit.principal import Principal

from .models import Cadre


def cadre_visibility(principal: Principal) -> ColumnElement[bool] | None:
    """``None`` means the whole county; otherwise a condition on ``Cadre``."""
    return visibility.cadre_rows(principal, department=Cadre.department_id, township=Cadre.township_id,
                                 agency=Cadre.agency_id, cadre=Cadre.id)


def org_reader(principal: Principal) -> None:
    """Departments, townships and agencies (names, quotas) are open to every user of the system."""
    if principal.is_service and not principal.has_scope("roster:read"):
        raise Forbidden("该服务客户端无权读取组织信息", detail="scope roster:read required")
