"""Every personnel mutation × every role: allowed where docs/domain.md says so, FORBIDDEN elsewhere.

Each operation is prepared by the roles that may do the steps before it, then tried by every
role inside a savepoint, so each attempt starts from the same state."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from types import SimpleNamespace

import pytest
from dbutil import each_role, gate_mismatches
from openpyxl import Workbook
from personnel_world import (
    DEPT,
    LEADER,
    ORG_DEPT,
    STAFFING,
    TOWN,
    cadre_in,
    dept_admin,
    other_agency_with_room,
    person,
    shift_one_place,
)

from personnel import adjustments, development, excel, profile, quotas, recommendations, regions, reminders, snapshots
from personnel.adjustments import Item
from personnel.calendar import today
from personnel.models import Agency, Cadre
from servicekit.principal import Principal, Role, RoleBinding, ScopeKind

SERVICE = Principal(
    subject="sfj-system",
    kind="service",
    client_id="sfj-system",
    token_id="t",
    scopes=frozenset({"roster:read"}),
    department_id=str(DEPT["sfj"]),
)


def roles(cadre: Cadre, agency: uuid.UUID) -> dict[str, Principal]:
    """One principal per role, scoped around the cadre the operations are about."""
    town = str(cadre.township_id)
    return {
        "STAFFING_OFFICE": STAFFING,
        "ORG_DEPARTMENT": ORG_DEPT,
        "LEADERSHIP": LEADER,
        "DEPARTMENT_ADMIN(own)": dept_admin("sfj"),
        "DEPARTMENT_ADMIN(other)": dept_admin("zhzfj"),
        "TOWNSHIP_ADMIN(own)": person(Role.TOWNSHIP_ADMIN, town),
        "TOWNSHIP_ADMIN(other)": person(
            Role.TOWNSHIP_ADMIN, TOWN["tongshan"] if town != str(TOWN["tongshan"]) else TOWN["wuxie"]
        ),
        "AGENCY_HEAD": person(Role.AGENCY_HEAD, agency),
        "COMMAND_CENTRE": person(Role.COMMAND_CENTRE, town),
        "GRID_WORKER": person(Role.GRID_WORKER, town),
        "CADRE(self)": Principal(
            subject="c",
            kind="user",
            client_id="w",
            token_id="t",
            scopes=frozenset({"api"}),
            bindings=(RoleBinding(Role.CADRE, ScopeKind.SELF, str(cadre.id)),),
        ),
        "SERVICE": SERVICE,
    }


def _xlsx() -> bytes:
    wb = Workbook()
    wb.active.append(excel.ROSTER_COLUMNS)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


async def _head_change(s, cadre):
    return await adjustments.submit(
        s,
        dept_admin("sfj"),
        department_id=DEPT["sfj"],
        effective_date=today(),
        reason="任命",
        items=[Item("HEAD_CHANGE", cadre_id=cadre.id, to_agency_id=cadre.agency_id)],
    )


async def _transfer(s, cadre, reshuffle=False):
    to = await other_agency_with_room(s, "sfj", cadre)
    return await adjustments.submit(
        s,
        dept_admin("sfj"),
        department_id=DEPT["sfj"],
        effective_date=today(),
        reason="交流",
        reshuffle=reshuffle,
        items=[Item("TRANSFER", cadre_id=cadre.id, from_agency_id=cadre.agency_id, to_agency_id=to)],
    )


async def _shift(s):
    grow, shrink = await shift_one_place(s, "sfj")
    q = {a: (await s.get(Agency, a)).quota for a in (grow, shrink)}
    return {grow: q[grow] + 1, shrink: q[shrink] - 1}


# operation: (allowed roles, prepare(session, cadre) -> state, attempt(session, who, cadre, state))
OPERATIONS = {
    "proposeQuotaChange": (
        {"STAFFING_OFFICE", "DEPARTMENT_ADMIN(own)"},
        lambda s, c: _shift(s),
        lambda s, w, c, st: quotas.propose(
            s, w, department_id=DEPT["sfj"], new_total=None, agency_quotas=st, reason="调剂"
        ),
    ),
    "decideQuotaChange": ({"STAFFING_OFFICE"}, lambda s, c: _shift(s), None),  # prepared below (needs a request)
    "submitAdjustments": (
        {"DEPARTMENT_ADMIN(own)"},
        lambda s, c: _noop(),
        lambda s, w, c, st: adjustments.submit(
            s,
            w,
            department_id=DEPT["sfj"],
            effective_date=today(),
            reason="任命",
            items=[Item("HEAD_CHANGE", cadre_id=c.id, to_agency_id=c.agency_id)],
        ),
    ),
    "reviewAdjustments": (
        {"ORG_DEPARTMENT"},
        lambda s, c: _transfer(s, c),
        lambda s, w, c, st: adjustments.org_review(s, w, batch_id=st[0].batch_id, approve=True, note=None),
    ),
    "giveTownshipOpinion": ({"TOWNSHIP_ADMIN(own)"}, None, None),
    "answerTownshipOpinion": ({"ORG_DEPARTMENT"}, None, None),
    "reviewReshuffle": ({"ORG_DEPARTMENT", "STAFFING_OFFICE", "TOWNSHIP_ADMIN(own)"}, None, None),
    "makeAdjustmentsEffective": ({"DEPARTMENT_ADMIN(own)", "ORG_DEPARTMENT"}, None, None),
    "issueReminders": (
        {"STAFFING_OFFICE"},
        lambda s, c: _noop(),
        lambda s, w, c, st: reminders.issue(s, w, deadline=today() + dt.timedelta(days=9), note=None),
    ),
    "answerReminder": ({"DEPARTMENT_ADMIN(own)"}, None, None),
    "lockRoster": (
        {"STAFFING_OFFICE"},
        lambda s, c: _noop(),
        lambda s, w, c, st: snapshots.lock(s, w, period="2031", note=None),
    ),
    "createRegion": (
        {"STAFFING_OFFICE"},
        lambda s, c: _noop(),
        lambda s, w, c, st: regions.create(
            s,
            w,
            name="测试片区",
            model="ONE_PLUS_X",
            hub_township_id=TOWN["caota"],
            satellite_ids=[TOWN["huangshan"]],
            reason=None,
        ),
    ),
    "recommendCadreAction": (
        {"TOWNSHIP_ADMIN(own)"},
        lambda s, c: _noop(),
        lambda s, w, c, st: recommendations.recommend(s, w, cadre_id=c.id, kind="DISMISS", reasons="x"),
    ),
    "decideRecommendation": ({"DEPARTMENT_ADMIN(own)"}, None, None),
    "updateDailyManagement": (
        {"TOWNSHIP_ADMIN(own)"},
        lambda s, c: _noop(),
        lambda s, w, c, st: profile.update_daily(
            s, w, cadre_id=c.id, status="ON_LEAVE", phone=None, political_status=None, reason=None
        ),
    ),
    "updateProfessionalInfo": (
        {"DEPARTMENT_ADMIN(own)"},
        lambda s, c: _noop(),
        lambda s, w, c, st: profile.update_professional(
            s,
            w,
            cadre_id=c.id,
            professional_line="法律服务",
            rank=None,
            education=None,
            enforcement_cert_no=None,
            enforcement_cert_expiry=None,
            reason=None,
        ),
    ),
    "importRoster": ({"STAFFING_OFFICE"}, lambda s, c: _noop(), lambda s, w, c, st: excel.import_roster(s, w, _xlsx())),
    "fileTrainingPlan(DEPARTMENT)": (
        {"DEPARTMENT_ADMIN(own)"},
        lambda s, c: _noop(),
        lambda s, w, c, st: development.file_plan(
            s, w, owner_kind="DEPARTMENT", owner_id=DEPT["sfj"], year=today().year, title="计划", content="内容"
        ),
    ),
    "fileTrainingPlan(TOWNSHIP)": (
        {"TOWNSHIP_ADMIN(own)"},
        lambda s, c: _noop(),
        lambda s, w, c, st: development.file_plan(
            s, w, owner_kind="TOWNSHIP", owner_id=c.township_id, year=today().year, title="计划", content="内容"
        ),
    ),
    "pairMentor": (
        {"DEPARTMENT_ADMIN(own)"},
        lambda s, c: cadre_in(s, "sfj", exclude={c.id}),
        lambda s, w, c, st: development.pair_mentor(s, w, mentor_id=st.id, mentee_id=c.id),
    ),
    "recommendForCareer": (
        {"DEPARTMENT_ADMIN(own)", "TOWNSHIP_ADMIN(own)"},
        lambda s, c: _noop(),
        lambda s, w, c, st: development.recommend(s, w, cadre_id=c.id, target="RESERVE", reasons="好"),
    ),
    "decideCareerRecommendation": (
        {"ORG_DEPARTMENT"},
        lambda s, c: development.recommend(s, dept_admin("sfj"), cadre_id=c.id, target="RESERVE", reasons="好"),
        lambda s, w, c, st: development.decide_recommendation(s, w, recommendation_id=st.id, approve=True, note=None),
    ),
    "proposeMiddlePost": (
        {"TOWNSHIP_ADMIN(own)"},
        lambda s, c: _noop(),
        lambda s, w, c, st: development.propose_middle_post(s, w, cadre_id=c.id, post="副主任", concurrent=True),
    ),
    "consentMiddlePost": ({"DEPARTMENT_ADMIN(own)"}, None, None),
}


async def _noop():
    return None


async def _prepare_decide_quota(s, c):
    return await quotas.propose(
        s, STAFFING, department_id=DEPT["sfj"], new_total=None, agency_quotas=await _shift(s), reason="调剂"
    )


async def _prepare_opinion(s, c):
    rows = await _head_change(s, c)
    await adjustments.org_review(s, ORG_DEPT, batch_id=rows[0].batch_id, approve=True, note=None)
    return rows


async def _prepare_disagreement(s, c):
    rows = await _prepare_opinion(s, c)
    town = (await s.get(Agency, rows[0].to_agency_id)).township_id
    await adjustments.township_opinion(
        s, person(Role.TOWNSHIP_ADMIN, town), adjustment_id=rows[0].id, agree=False, note="不熟悉本镇情况"
    )
    return rows


async def _prepare_reshuffle(s, c):
    rows = await _transfer(s, c, reshuffle=True)
    await adjustments.org_review(s, ORG_DEPT, batch_id=rows[0].batch_id, approve=True, note=None)
    return rows


async def _prepare_effective(s, c):
    rows = await _transfer(s, c)
    await adjustments.org_review(s, ORG_DEPT, batch_id=rows[0].batch_id, approve=True, note=None)
    return rows


async def _prepare_answer(s, c):
    return (
        await reminders.issue(
            s, STAFFING, deadline=today() + dt.timedelta(days=9), note=None, department_ids=[DEPT["sfj"]]
        )
    )[1][0]


async def _prepare_decide_rec(s, c):
    town = str(c.township_id)
    return await recommendations.recommend(
        s, person(Role.TOWNSHIP_ADMIN, town), cadre_id=c.id, kind="DISMISS", reasons="x"
    )


async def _prepare_consent(s, c):
    return await development.propose_middle_post(
        s, person(Role.TOWNSHIP_ADMIN, str(c.township_id)), cadre_id=c.id, post="副主任", concurrent=True
    )


PREPARED = {
    "decideQuotaChange": (
        _prepare_decide_quota,
        lambda s, w, c, st: quotas.decide(s, w, request_id=st.id, approve=True, note=None),
    ),
    "giveTownshipOpinion": (
        _prepare_opinion,
        lambda s, w, c, st: adjustments.township_opinion(s, w, adjustment_id=st[0].id, agree=True, note=None),
    ),
    "answerTownshipOpinion": (
        _prepare_disagreement,
        lambda s, w, c, st: adjustments.answer_township_opinion(
            s, w, adjustment_id=st[0].id, proceed=True, note="经研究继续办理"
        ),
    ),
    "reviewReshuffle": (
        _prepare_reshuffle,
        lambda s, w, c, st: adjustments.three_party_review(s, w, batch_id=st[0].batch_id, agree=True, note=None),
    ),
    "makeAdjustmentsEffective": (
        _prepare_effective,
        lambda s, w, c, st: adjustments.make_effective(s, w, batch_id=st[0].batch_id),
    ),
    "answerReminder": (_prepare_answer, lambda s, w, c, st: reminders.answer(s, w, notice_id=st.id, plan="补齐")),
    "decideRecommendation": (
        _prepare_decide_rec,
        lambda s, w, c, st: recommendations.decide(s, w, recommendation_id=st.id, accept=False, note="经核实"),
    ),
    "consentMiddlePost": (
        _prepare_consent,
        lambda s, w, c, st: development.consent_middle_post(s, w, middle_post_id=st.id, consent=True),
    ),
}


def _plain(state):
    if isinstance(state, list):
        return [_plain(x) for x in state]
    if hasattr(state, "__table__"):
        return SimpleNamespace(id=state.id, batch_id=getattr(state, "batch_id", None))
    return state


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
async def test_personnel_permission_matrix(session, operation):
    allowed, prepare, attempt = OPERATIONS[operation]
    if operation in PREPARED:
        prepare, attempt = PREPARED[operation]
    row = await cadre_in(session, "sfj", min_years=2.5)
    state = _plain(await prepare(session, row))
    # Savepoint rollbacks expire ORM objects; the attempts work from plain copies of the ids.
    cadre = SimpleNamespace(
        id=row.id, agency_id=row.agency_id, township_id=row.township_id, department_id=row.department_id
    )
    outcomes = await each_role(session, roles(cadre, cadre.agency_id), lambda who: attempt(session, who, cadre, state))
    expected = {name: ("ok" if name in allowed else "FORBIDDEN") for name in outcomes}
    assert outcomes == expected


def test_the_root_field_gate_lets_in_exactly_the_matrix_roles():
    """policy.ROOT_FIELDS (the gate in front of each root field) and the rules agree, role by role:
    every role the matrix allows passes the gate (the rule then checks the scope: own or other), and
    every other role is stopped at the gate already."""
    from personnel.policy import ROOT_FIELDS

    assert (
        gate_mismatches(
            ROOT_FIELDS, OPERATIONS, roles(SimpleNamespace(id=uuid.uuid4(), township_id=TOWN["diankou"]), uuid.uuid4())
        )
        == []
    )
