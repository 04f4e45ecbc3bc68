"""Who may do what on the platforms (双重管理 on the township's side of the work).

- command centre (指挥室值班员): intake, triage, dispatch, verify, close, call-backs — own township;
- township admin: everything in the township, including grids, posts and units;
- unit head (AGENCY_HEAD bound to a platform unit: a stationed agency or a township office):
  assigns within the unit and handles the unit's tasks;
- cadre: signs for and handles own tasks; grid worker: reports and follows own reports;
- department admin: reads its agencies' and cadres' tasks and overrides everywhere, changes nothing;
- county (organisation department): the working-day calendar and the SLA policies, which are
  county-wide settings; county offices and leadership read everything.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from servicekit import access
from servicekit import visibility as vis
from servicekit.errors import Forbidden
from servicekit.principal import Principal, Role

from .models import StationedCadre, Unit


def _user(principal: Principal) -> bool:
    return not principal.is_service


def is_centre(principal: Principal, township_id: uuid.UUID) -> bool:
    return _user(principal) and (
        principal.has_role(Role.COMMAND_CENTRE, str(township_id))
        or principal.has_role(Role.TOWNSHIP_ADMIN, str(township_id))
    )


def is_township_admin(principal: Principal, township_id: uuid.UUID) -> bool:
    return _user(principal) and principal.has_role(Role.TOWNSHIP_ADMIN, str(township_id))


def heads_unit(principal: Principal, unit_id: uuid.UUID | None) -> bool:
    return unit_id is not None and _user(principal) and principal.has_role(Role.AGENCY_HEAD, str(unit_id))


def is_cadre(principal: Principal, cadre_id: uuid.UUID | None) -> bool:
    return cadre_id is not None and _user(principal) and principal.has_role(Role.CADRE, str(cadre_id))


def require_centre(principal: Principal, township_id: uuid.UUID) -> None:
    if not is_centre(principal, township_id):
        raise Forbidden("由本乡镇(街道)指挥室办理")


def require_township_admin(principal: Principal, township_id: uuid.UUID) -> None:
    if not is_township_admin(principal, township_id):
        raise Forbidden("由本乡镇(街道)管理员维护")


def require_county_settings(principal: Principal) -> None:
    if not (_user(principal) and principal.has_role(Role.ORG_DEPARTMENT)):
        raise Forbidden("工作日历和办理时限由县级统一设置")


def may_log_visit(principal: Principal, township_id: uuid.UUID) -> bool:
    return _user(principal) and any(principal.has_role(r, str(township_id)) for r in vis.TOWNSHIP_ROLES)


def township_scope(principal: Principal) -> list[uuid.UUID] | None:
    """Townships whose platform records (grids, posts, visits, statistics) a user reads; ``None``
    is the whole county. Department admins read via their agencies, not here."""
    if principal.is_service:
        raise Forbidden("服务客户端无权查看平台台账")
    if any(principal.has_role(r) for r in vis.COUNTY_READERS):
        return None
    return vis.uuids(set().union(*(principal.scope_ids(r) for r in vis.TOWNSHIP_ROLES)))


def department_units(department_ids: list[uuid.UUID]):
    """The department's agencies (dual management: the department supervises their tasks)."""
    return select(Unit.id).where(Unit.department_id.in_(department_ids))


def department_cadres(department_ids: list[uuid.UUID]):
    return select(StationedCadre.cadre_id).where(StationedCadre.department_id.in_(department_ids))


def require_township_reader(principal: Principal, township_id: uuid.UUID, what: str) -> None:
    scope = township_scope(principal)
    if scope is not None and township_id not in scope:
        raise Forbidden(f"只能查看本乡镇(街道)的{what}")


# Who may call each root field at all (servicekit.access): the schema does not build without an
# entry per field. Behind the gate, the functions above decide per township, unit and event.
_ANYONE = access.signed_in("every signed-in caller")
_EVENTS = access.signed_in("people (by scope); department systems with events:status see their own reports")
_PEOPLE = access.people("people; rows filtered to their townships, units and tasks")
_TOWNSHIP_ADMIN = access.roles(Role.TOWNSHIP_ADMIN, summary="the township's admin")
_COUNTY_SETTINGS = access.roles(Role.ORG_DEPARTMENT, summary="组织部 (county-wide settings)")
_CENTRE = access.roles(Role.COMMAND_CENTRE, Role.TOWNSHIP_ADMIN, summary="the township's command centre")
ROOT_FIELDS: dict[str, access.Access] = {
    "platforms": _ANYONE,
    "matterTypes": _ANYONE,
    "slaPolicies": _ANYONE,
    "workCalendar": _ANYONE,
    "gridEvents": _EVENTS,
    "gridEvent": _EVENTS,
    "reportEvent": access.roles(
        *vis.TOWNSHIP_ROLES,
        summary="the township's admin, command centre, grid workers; department systems",
        services=True,
    ),
    "actOnEvent": access.roles(
        Role.COMMAND_CENTRE,
        Role.TOWNSHIP_ADMIN,
        Role.AGENCY_HEAD,
        Role.CADRE,
        summary="the command centre, the unit head, the assignee, as allowedActions says",
    ),
    "recordCallback": _CENTRE,
    "duplicateCandidates": _CENTRE,
    "eventStatistics": _PEOPLE,
    "eventAlerts": _PEOPLE,
    "platformUnits": _PEOPLE,
    "grids": _PEOPLE,
    "teamVisits": _PEOPLE,
    "posts": _PEOPLE,
    "logTeamVisit": access.roles(*vis.TOWNSHIP_ROLES, summary="the township's admin, command centre, grid workers"),
    "createOffice": _TOWNSHIP_ADMIN,
    "attachUnitToPlatform": _TOWNSHIP_ADMIN,
    "setCommandCentre": _TOWNSHIP_ADMIN,
    "createGrid": _TOWNSHIP_ADMIN,
    "addGridMember": _TOWNSHIP_ADMIN,
    "removeGridMember": _TOWNSHIP_ADMIN,
    "createPost": _TOWNSHIP_ADMIN,
    "setPostDuties": _TOWNSHIP_ADMIN,
    "setPostHolders": _TOWNSHIP_ADMIN,
    "setPlatform": _COUNTY_SETTINGS,
    "setMatterType": _COUNTY_SETTINGS,
    "setSlaPolicy": _COUNTY_SETTINGS,
    "setWorkCalendar": _COUNTY_SETTINGS,
}
