"""Who sees which part of the roster (双重管理: each side sees only what is theirs).

Returns SQL conditions rather than yes/no so that a list is filtered in the same query that pages it.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.sql.elements import ColumnElement

from servicekit import access, visibility
from servicekit.errors import Forbidden
from servicekit.principal import Principal, Role

from .models import Adjustment, Agency, Cadre, QuotaChangeRequest, RosterSnapshotEntry


def cadre_visibility(principal: Principal) -> ColumnElement[bool] | None:
    """``None`` means the whole county; otherwise a condition on ``Cadre``."""
    return visibility.cadre_rows(
        principal, department=Cadre.department_id, township=Cadre.township_id, agency=Cadre.agency_id, cadre=Cadre.id
    )


def reads_org(principal: Principal) -> bool:
    """Whether :func:`org_reader` lets this caller read the organisation's figures."""
    return not principal.is_service or principal.has_scope("roster:read")


def org_reader(principal: Principal) -> None:
    """Departments, townships and agencies (names, quotas) are open to every user of the system."""
    if not reads_org(principal):
        raise Forbidden("该服务客户端无权读取组织信息", detail="scope roster:read required")


def _the_persons_own(principal: Principal, cadre: Cadre) -> bool:
    """The person's department, the person's township, or the person."""
    return (
        principal.has_role(Role.DEPARTMENT_ADMIN, str(cadre.department_id))
        or principal.has_role(Role.TOWNSHIP_ADMIN, str(cadre.township_id))
        or principal.has_role(Role.CADRE, str(cadre.id))
    )


def manages(principal: Principal, cadre: Cadre) -> bool:
    """Who may see a person's sensitive fields (ID number, phone, birth date): the county offices,
    the person's department and township, and the person."""
    if principal.is_service:
        return False
    return (
        principal.has_role(Role.STAFFING_OFFICE)
        or principal.has_role(Role.ORG_DEPARTMENT)
        or _the_persons_own(principal, cadre)
    )


def sees_grades(principal: Principal, cadre: Cadre) -> bool:
    """Approved assessment grades (年度考核等次): the same audience as the assessment service's
    published results — the organisation department and leadership, the person's department and
    township, and the person. Not the command centre, grid workers, agency heads or service tokens."""
    if principal.is_service:
        return False
    return (
        principal.has_role(Role.ORG_DEPARTMENT)
        or principal.has_role(Role.LEADERSHIP)
        or _the_persons_own(principal, cadre)
    )


def adjustment_visibility(principal: Principal):
    """Adjustments: the county offices see all; a department its own; a township those touching it."""
    if principal.is_service:
        raise Forbidden("服务客户端无权查看人事调整")

    def touching(ids):
        in_township = select(Agency.id).where(Agency.township_id.in_(ids))
        return or_(Adjustment.from_agency_id.in_(in_township), Adjustment.to_agency_id.in_(in_township))

    return visibility.scoped(
        principal,
        {Role.DEPARTMENT_ADMIN: lambda ids: Adjustment.department_id.in_(ids), Role.TOWNSHIP_ADMIN: touching},
        denied="无权查看人事调整",
    )


def quota_request_visibility(principal: Principal):
    if principal.is_service:
        raise Forbidden("服务客户端无权查看员额调整")
    return visibility.scoped(
        principal,
        {Role.DEPARTMENT_ADMIN: lambda ids: QuotaChangeRequest.department_id.in_(ids)},
        denied="无权查看员额调整",
    )


def agency_visibility(principal: Principal):
    """The agencies whose quotas a principal's analytics may count: the same scopes as the roster."""
    return visibility.cadre_rows(
        principal,
        department=Agency.department_id,
        township=Agency.township_id,
        agency=Agency.id,
        cadre=Agency.head_cadre_id,
    )


def county_reader(principal: Principal) -> None:
    """County-wide supervision views (statistics, forecasts): the county offices and leadership."""
    if principal.is_service or not any(principal.has_role(r) for r in visibility.COUNTY_READERS):
        raise Forbidden("仅编办、组织部和领导可查看全县统计")


def snapshot_visibility(principal: Principal):
    return visibility.cadre_rows(
        principal,
        department=RosterSnapshotEntry.department_id,
        township=RosterSnapshotEntry.township_id,
        agency=RosterSnapshotEntry.agency_id,
        cadre=RosterSnapshotEntry.cadre_id,
    )


# Who may call each root field at all (servicekit.access): the schema does not build without an
# entry per field. Behind the gate, the functions above filter rows and the rule modules check scope.
_COUNTY = (Role.STAFFING_OFFICE, Role.ORG_DEPARTMENT, Role.LEADERSHIP)
_ROSTER = access.signed_in("people; department systems with roster:read (sensitive fields masked)")
_PEOPLE = access.people("people; rows filtered to their scope")
ROOT_FIELDS: dict[str, access.Access] = {
    # org units and the roster
    "departments": _ROSTER,
    "townships": _ROSTER,
    "agencies": _ROSTER,
    "cadres": _ROSTER,
    "cadre": _ROSTER,
    # quotas
    "quotaChangeRequests": _PEOPLE,
    "quotaChangeRequest": _PEOPLE,
    "exportQuotaTable": _PEOPLE,
    "quotaProposal": access.roles(*_COUNTY, Role.DEPARTMENT_ADMIN, summary="county offices, leadership, departments"),
    "proposeQuotaChange": access.roles(
        Role.STAFFING_OFFICE, Role.DEPARTMENT_ADMIN, summary="编办; a department for its own agencies"
    ),
    "proposeQuotaFromModel": access.roles(Role.STAFFING_OFFICE, summary="编办"),
    "decideQuotaChange": access.roles(Role.STAFFING_OFFICE, summary="编办"),
    # adjustments
    "adjustments": _PEOPLE,
    "adjustmentBatch": _PEOPLE,
    "submitAdjustments": access.roles(Role.DEPARTMENT_ADMIN, summary="the department, for its own people"),
    "reviewAdjustments": access.roles(Role.ORG_DEPARTMENT, summary="组织部"),
    "giveTownshipOpinion": access.roles(
        Role.TOWNSHIP_ADMIN, summary="the township of the agency whose head is appointed, moved out or away"
    ),
    "answerTownshipOpinion": access.roles(Role.ORG_DEPARTMENT, summary="组织部, after a township disagreed"),
    "reviewReshuffle": access.roles(
        Role.ORG_DEPARTMENT,
        Role.STAFFING_OFFICE,
        Role.TOWNSHIP_ADMIN,
        summary="the three parties: 组织部, 编办, the township",
    ),
    "makeAdjustmentsEffective": access.roles(
        Role.DEPARTMENT_ADMIN, Role.ORG_DEPARTMENT, summary="the department or 组织部, once approved"
    ),
    # vacancies, structure, notices, locks, recommendations, the file, regions
    "vacancies": _ROSTER,
    "vacancyForecast": _PEOPLE,
    "exportVacancies": _PEOPLE,
    "rosterStructure": _ROSTER,
    "expiringEnforcementCertificates": _PEOPLE,
    "reminderNotices": _PEOPLE,
    "reminderStatistics": _PEOPLE,
    "issueReminders": access.roles(Role.STAFFING_OFFICE, summary="编办"),
    "answerReminder": access.roles(Role.DEPARTMENT_ADMIN, summary="the department the notice is for"),
    "rosterSnapshots": _ROSTER,
    "rosterDiff": _ROSTER,
    "lockRoster": access.roles(Role.STAFFING_OFFICE, summary="编办"),
    "townshipRecommendations": _PEOPLE,
    "recommendCadreAction": access.roles(Role.TOWNSHIP_ADMIN, summary="the cadre's township"),
    "decideRecommendation": access.roles(Role.DEPARTMENT_ADMIN, summary="the cadre's department"),
    "exportRoster": _PEOPLE,
    "updateDailyManagement": access.roles(Role.TOWNSHIP_ADMIN, summary="the cadre's township"),
    "updateProfessionalInfo": access.roles(Role.DEPARTMENT_ADMIN, summary="the cadre's department"),
    "importRoster": access.roles(Role.STAFFING_OFFICE, summary="编办"),
    "regions": _ROSTER,
    "createRegion": access.roles(Role.STAFFING_OFFICE, summary="编办"),
    # development
    "trainingPlans": _PEOPLE,
    "developmentStatistics": _PEOPLE,
    "fileTrainingPlan": access.roles(Role.DEPARTMENT_ADMIN, Role.TOWNSHIP_ADMIN, summary="the plan's owner"),
    "recordTrainingSession": access.roles(Role.DEPARTMENT_ADMIN, Role.TOWNSHIP_ADMIN, summary="the plan's owner"),
    "pairMentor": access.roles(Role.DEPARTMENT_ADMIN, summary="the mentee's department"),
    "recommendForCareer": access.roles(
        Role.DEPARTMENT_ADMIN, Role.TOWNSHIP_ADMIN, summary="the cadre's department or township"
    ),
    "decideCareerRecommendation": access.roles(Role.ORG_DEPARTMENT, summary="组织部"),
    "proposeMiddlePost": access.roles(Role.TOWNSHIP_ADMIN, summary="the cadre's township"),
    "consentMiddlePost": access.roles(Role.DEPARTMENT_ADMIN, summary="the cadre's department"),
}
