"""Who sees and changes what in the assessment (双重管理: each side scores and reads its own).

- 组织部 opens cycles, excuses, publishes, resolves objections and approves; it reads all results;
- a department scores its own people (部门评分, 40%), makes its shortlist and round 1;
- a township scores the people stationed there (乡镇评分, 60%) and makes round 2;
- before publication only the two assessing sides and 组织部 see results; after it, leadership
  reads all and each cadre their own (and may object);
- service tokens read only the roster projection (``roster:read``).
"""

from __future__ import annotations

import uuid

from servicekit import access, visibility
from servicekit.errors import Forbidden
from servicekit.principal import Principal, Role

from .models import Member


def require_department_admin(principal: Principal, department_id: uuid.UUID) -> None:
    if principal.is_service or not principal.has_role(Role.DEPARTMENT_ADMIN, str(department_id)):
        raise Forbidden("由派驻部门办理")


def member_visibility(principal: Principal, published: bool = False):
    """Before publication, results are seen only by the assessors concerned (and the organisation
    department); after it, leadership reads all and each cadre their own."""
    if principal.is_service:
        raise Forbidden("服务客户端无权查看考核结果")
    readers = {
        Role.DEPARTMENT_ADMIN: lambda ids: Member.department_id.in_(ids),
        Role.TOWNSHIP_ADMIN: lambda ids: Member.township_id.in_(ids),
    }
    if published:
        readers[Role.CADRE] = lambda ids: Member.cadre_id.in_(ids)
    return visibility.scoped(
        principal,
        readers,
        denied="考核结果公示前仅对考核双方可见",
        county=(Role.ORG_DEPARTMENT, Role.LEADERSHIP) if published else (Role.ORG_DEPARTMENT,),
    )


# Who may call each root field at all (servicekit.access): the schema does not build without an
# entry per field. Behind the gate, the functions above and the rule modules check the scope.
_ORG = access.roles(Role.ORG_DEPARTMENT, summary="组织部")
_PEOPLE = access.people("people; results filtered to the assessing sides (after publication: leadership, the cadre)")
_SIDES = access.roles(
    Role.TOWNSHIP_ADMIN, Role.DEPARTMENT_ADMIN, summary="the township or department, for its own people"
)
ROOT_FIELDS: dict[str, access.Access] = {
    "assessmentRoster": access.signed_in("people; department systems with roster:read"),
    "assessmentWeights": access.signed_in("every signed-in caller"),
    "honourList": access.signed_in("every signed-in caller (published honours)"),
    "assessmentCycles": _PEOPLE,
    "cycleMembers": _PEOPLE,
    "publicityList": _PEOPLE,
    "reviewOutcomes": _PEOPLE,
    "assessmentSchemes": _PEOPLE,
    "exportAssessmentResults": _PEOPLE,
    "assessmentObjections": access.roles(Role.ORG_DEPARTMENT, Role.CADRE, summary="组织部 (all); the cadre (own)"),
    "missingScores": _PEOPLE,
    "excellencePlaces": _PEOPLE,
    "agencyReports": _PEOPLE,
    "openAssessmentCycle": _ORG,
    "excuseFromAssessment": _ORG,
    "publishAssessmentResults": _ORG,
    "resolveAssessmentObjection": _ORG,
    "approveAssessmentResults": _ORG,
    "fileAssessmentObjection": access.roles(
        Role.CADRE, summary="a cadre: on their own result or the 优秀 list of their department or township"
    ),
    "setAssessmentScore": _SIDES,
    "setAssessmentScores": _SIDES,
    "createAssessmentScheme": _SIDES,
    "makeExcellenceShortlist": access.roles(Role.DEPARTMENT_ADMIN, summary="the department"),
    "submitExcellenceRound1": access.roles(Role.DEPARTMENT_ADMIN, summary="the department"),
    "submitExcellenceRound2": access.roles(Role.TOWNSHIP_ADMIN, summary="the township"),
    "submitTownshipExcellenceRound2": access.roles(Role.TOWNSHIP_ADMIN, summary="the township"),
    "nominateHonour": _SIDES,
    "nominateExcellentCadres": _SIDES,
    "decideHonour": _ORG,
    "conveneReviewMeeting": _ORG,
    "closeReviewMeeting": _ORG,
    "scoreAgencyHead": access.roles(
        Role.TOWNSHIP_ADMIN,
        Role.DEPARTMENT_ADMIN,
        Role.ORG_DEPARTMENT,
        Role.STAFFING_OFFICE,
        Role.LEADERSHIP,
        summary="the review meeting's raters",
    ),
    "fileAgencyReport": access.roles(Role.AGENCY_HEAD, summary="the agency head"),
}
