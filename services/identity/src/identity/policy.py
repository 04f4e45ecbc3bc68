"""Who may administer identities: only the staffing office (编办) and the organisation department
(组织部); no one changes their own roles, and a county office's role is handed on only by that
office (separation of duties). Every signed-in caller may read who they are (``me``)."""

from __future__ import annotations

import uuid

from servicekit import access
from servicekit.errors import Forbidden, RuleViolation
from servicekit.principal import Principal, Role

ADMIN_ROLES = (Role.STAFFING_OFFICE, Role.ORG_DEPARTMENT)
# The county offices' own roles: each is handed on only by that office (separation of duties) —
# or, for the very first holder, by an operator with `python -m identity bootstrap-admin`, audited.
COUNTY_OFFICE_ROLES = ADMIN_ROLES


def require_admin(principal: Principal) -> None:
    if principal.is_service or not any(principal.has_role(r) for r in ADMIN_ROLES):
        raise Forbidden(
            "仅编办或组织部可管理账号", detail="identity administration requires STAFFING_OFFICE or ORG_DEPARTMENT"
        )


def check_separation_of_duties(principal: Principal, user_id: uuid.UUID, role: Role) -> None:
    """No one changes their own roles; a county office's role is granted or revoked only by that office."""
    if str(user_id) == principal.subject:
        raise RuleViolation(
            "NO_SELF_ROLE_CHANGE", "不能变更自己的角色", detail="no one grants or revokes their own roles"
        )
    if role in COUNTY_OFFICE_ROLES and not principal.has_role(role):
        raise RuleViolation(
            "COUNTY_OFFICE_ROLE_BY_ITS_OFFICE",
            f"{role.value} 角色只能由本机关授予或撤销",
            detail=f"only a holder of {role.value} grants or revokes {role.value}",
        )


# Who may call each root field at all (servicekit.access): the schema does not build without an
# entry per field.
_ADMIN = access.roles(*ADMIN_ROLES, summary="编办 or 组织部")
ROOT_FIELDS: dict[str, access.Access] = {
    "me": access.signed_in("every signed-in caller, about themselves"),
    "users": _ADMIN,
    "serviceClients": _ADMIN,
    "createUser": _ADMIN,
    "grantRole": _ADMIN,
    "revokeRole": _ADMIN,
    "unlockUser": _ADMIN,
    "deactivateUser": _ADMIN,
    "createServiceClient": _ADMIN,
}
