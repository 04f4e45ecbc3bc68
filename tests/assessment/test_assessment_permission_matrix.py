"""Every assessment mutation × every role: allowed where docs/domain.md says so, FORBIDDEN elsewhere."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from types import SimpleNamespace

import pytest
from assessment_world import DEPARTMENTS, ORG, TOWNSHIPS, cadre_id, dept, person, town
from dbutil import each_role, gate_mismatches
from test_cycle_rules import _open, _score_all
from test_publication_rules import _complete

from assessment import cycles, honours, reviews
from assessment.models import Cycle
from servicekit.calendar import today
from servicekit.principal import Principal, Role

SUBJECT = cadre_id(0, 0, 0)  # department 0, township 0

ROLES = {
    "ORG_DEPARTMENT": ORG,
    "STAFFING_OFFICE": person(Role.STAFFING_OFFICE),
    "LEADERSHIP": person(Role.LEADERSHIP),
    "DEPARTMENT_ADMIN(own)": dept(0),
    "DEPARTMENT_ADMIN(other)": dept(1),
    "TOWNSHIP_ADMIN(own)": town(0),
    "TOWNSHIP_ADMIN(other)": town(1),
    "AGENCY_HEAD": person(Role.AGENCY_HEAD, uuid.UUID(int=300)),  # department 0 in township 0
    "COMMAND_CENTRE": person(Role.COMMAND_CENTRE, TOWNSHIPS[0]),
    "GRID_WORKER": person(Role.GRID_WORKER, TOWNSHIPS[0]),
    "CADRE(self)": person(Role.CADRE, SUBJECT),
    "SERVICE": Principal(subject="s", kind="service", client_id="s", token_id="t", scopes=frozenset({"roster:read"})),
}


async def _opened(s):
    return SimpleNamespace(cycle=await _open(s))


async def _scored(s):
    cycle = await _open(s)
    await _score_all(s, cycle, 0)
    return SimpleNamespace(cycle=cycle)


async def _shortlisted(s):
    st = await _scored(s)
    await cycles.make_shortlist(s, dept(0), cycle_id=st.cycle.id, department_id=DEPARTMENTS[0])
    return st


async def _round1(s):
    st = await _shortlisted(s)
    await cycles.submit_round1(s, dept(0), cycle_id=st.cycle.id, department_id=DEPARTMENTS[0], cadre_ids=set())
    return st


async def _published(s):
    cycle = await _complete(s)
    await cycles.publish(s, ORG, cycle_id=cycle.id, objection_days=5)
    return SimpleNamespace(cycle=cycle)


async def _objected(s):
    st = await _published(s)
    st.objection = await cycles.file_objection(s, person(Role.CADRE, SUBJECT), cycle_id=st.cycle.id, text="x")
    return st


async def _window_passed(s):
    st = await _published(s)
    (await s.get(Cycle, st.cycle.id)).objection_deadline = today() - dt.timedelta(days=1)
    return st


async def _nothing(s):
    return SimpleNamespace()


async def _meeting(s):
    return SimpleNamespace(
        meeting=await reviews.convene(s, ORG, year=2026, held_on=dt.date(2026, 12, 20), title="述职评议")
    )


async def _scored_meeting(s):
    st = await _meeting(s)
    await reviews.score(s, ORG, meeting_id=st.meeting.id, agency_id=uuid.UUID(int=300), value=Decimal(90))
    return st


async def _nominated(s):
    return SimpleNamespace(
        honour=await honours.nominate(
            s, dept(0), kind="MODEL_SQUAD", year=2026, subject_id=uuid.UUID(int=300), reasons="事迹"
        )
    )


OPERATIONS = {
    "openAssessmentCycle": (
        {"ORG_DEPARTMENT"},
        _nothing,
        lambda s, w, st: cycles.open_cycle(
            s, w, year=today().year + 1, township_share=Decimal("0.6"), rounding="FLOOR", ties="EXCLUDE_TIED"
        ),
    ),
    "setAssessmentScore(TOWNSHIP)": (
        {"TOWNSHIP_ADMIN(own)"},
        _opened,
        lambda s, w, st: cycles.set_score(
            s, w, cycle_id=st.cycle.id, cadre_id=SUBJECT, side="TOWNSHIP", score=Decimal(88), reason=None
        ),
    ),
    "setAssessmentScore(DEPARTMENT)": (
        {"DEPARTMENT_ADMIN(own)"},
        _opened,
        lambda s, w, st: cycles.set_score(
            s, w, cycle_id=st.cycle.id, cadre_id=SUBJECT, side="DEPARTMENT", score=Decimal(88), reason=None
        ),
    ),
    "setAssessmentScores(TOWNSHIP)": (
        {"TOWNSHIP_ADMIN(own)"},
        _opened,
        lambda s, w, st: cycles.set_scores(
            s, w, cycle_id=st.cycle.id, side="TOWNSHIP", items=[cycles.ScoreItem(cadre_id=SUBJECT, score=Decimal(88))]
        ),
    ),
    "setAssessmentScores(DEPARTMENT)": (
        {"DEPARTMENT_ADMIN(own)"},
        _opened,
        lambda s, w, st: cycles.set_scores(
            s, w, cycle_id=st.cycle.id, side="DEPARTMENT", items=[cycles.ScoreItem(cadre_id=SUBJECT, score=Decimal(88))]
        ),
    ),
    "makeExcellenceShortlist": (
        {"DEPARTMENT_ADMIN(own)"},
        _scored,
        lambda s, w, st: cycles.make_shortlist(s, w, cycle_id=st.cycle.id, department_id=DEPARTMENTS[0]),
    ),
    "submitExcellenceRound1": (
        {"DEPARTMENT_ADMIN(own)"},
        _shortlisted,
        lambda s, w, st: cycles.submit_round1(
            s, w, cycle_id=st.cycle.id, department_id=DEPARTMENTS[0], cadre_ids=set()
        ),
    ),
    "submitExcellenceRound2": (
        {"TOWNSHIP_ADMIN(own)"},
        _round1,
        lambda s, w, st: cycles.submit_round2(
            s, w, cycle_id=st.cycle.id, department_id=DEPARTMENTS[0], township_id=TOWNSHIPS[0], cadre_ids=set()
        ),
    ),
    "submitTownshipExcellenceRound2": (
        {"TOWNSHIP_ADMIN(own)"},
        _round1,
        lambda s, w, st: cycles.submit_township_round2(
            s, w, cycle_id=st.cycle.id, township_id=TOWNSHIPS[0], picks={DEPARTMENTS[0]: set()}
        ),
    ),
    "excuseFromAssessment": (
        {"ORG_DEPARTMENT"},
        _opened,
        lambda s, w, st: cycles.excuse(s, w, cycle_id=st.cycle.id, cadre_id=SUBJECT, reason="病假"),
    ),
    "publishAssessmentResults": (
        {"ORG_DEPARTMENT"},
        lambda s: _complete_ns(s),
        lambda s, w, st: cycles.publish(s, w, cycle_id=st.cycle.id, objection_days=5),
    ),
    "fileAssessmentObjection": (
        {"CADRE(self)"},
        _published,
        lambda s, w, st: cycles.file_objection(s, w, cycle_id=st.cycle.id, text="异议"),
    ),
    "resolveAssessmentObjection": (
        {"ORG_DEPARTMENT"},
        _objected,
        lambda s, w, st: cycles.resolve_objection(s, w, objection_id=st.objection.id, resolution="维持"),
    ),
    "assessmentObjections (query)": (
        {"ORG_DEPARTMENT", "CADRE(self)"},
        _objected,
        lambda s, w, st: cycles.list_objections(s, w, cycle_id=st.cycle.id, open_only=False),
    ),
    "approveAssessmentResults": (
        {"ORG_DEPARTMENT"},
        _window_passed,
        lambda s, w, st: cycles.approve(s, w, cycle_id=st.cycle.id),
    ),
    "nominateHonour": (
        {"DEPARTMENT_ADMIN(own)", "TOWNSHIP_ADMIN(own)"},
        _nothing,
        lambda s, w, st: honours.nominate(
            s, w, kind="MODEL_SQUAD", year=2026, subject_id=uuid.UUID(int=300), reasons="事迹"
        ),
    ),
    "decideHonour": (
        {"ORG_DEPARTMENT"},
        _nominated,
        lambda s, w, st: honours.decide(s, w, honour_id=st.honour.id, approve=True),
    ),
    "conveneReviewMeeting": (
        {"ORG_DEPARTMENT"},
        _nothing,
        lambda s, w, st: reviews.convene(s, w, year=2026, held_on=dt.date(2026, 12, 20), title="述职评议"),
    ),
    "scoreAgencyHead": (
        {"TOWNSHIP_ADMIN(own)", "DEPARTMENT_ADMIN(own)", "ORG_DEPARTMENT", "STAFFING_OFFICE", "LEADERSHIP"},
        _meeting,
        lambda s, w, st: reviews.score(s, w, meeting_id=st.meeting.id, agency_id=uuid.UUID(int=300), value=Decimal(88)),
    ),
    "closeReviewMeeting": (
        {"ORG_DEPARTMENT"},
        _scored_meeting,
        lambda s, w, st: reviews.close(s, w, meeting_id=st.meeting.id),
    ),
    # Each side turns its own excellent results into nominations, so another department or township
    # acts on its own people, never on these.
    "nominateExcellentCadres": (
        {"DEPARTMENT_ADMIN(own)", "DEPARTMENT_ADMIN(other)", "TOWNSHIP_ADMIN(own)", "TOWNSHIP_ADMIN(other)"},
        lambda s: _approved(s),
        lambda s, w, st: honours.nominate_excellent(s, w, cycle_id=st.cycle.id),
    ),
    "fileAgencyReport": (
        {"AGENCY_HEAD"},
        _nothing,
        lambda s, w, st: honours.file_report(
            s, w, agency_id=uuid.UUID(int=300), period="2026-Q4", kind="PLAN", content="计划"
        ),
    ),
}


async def _approved(s):
    st = await _window_passed(s)
    await cycles.approve(s, ORG, cycle_id=st.cycle.id)
    return st


async def _complete_ns(s):
    return SimpleNamespace(cycle=await _complete(s))


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
async def test_assessment_permission_matrix(session, operation):
    allowed, prepare, attempt = OPERATIONS[operation]
    st = await prepare(session)
    # Plain ids: savepoint rollbacks expire ORM objects.
    for key, value in list(vars(st).items()):
        setattr(st, key, SimpleNamespace(id=value.id))
    outcomes = await each_role(session, ROLES, lambda who: attempt(session, who, st))
    assert outcomes == {name: ("ok" if name in allowed else "FORBIDDEN") for name in outcomes}


def test_the_root_field_gate_lets_in_exactly_the_matrix_roles():
    """policy.ROOT_FIELDS (the gate in front of each root field) and the rules agree, role by role:
    every role the matrix allows passes the gate (the rule then checks the scope: own or other), and
    every other role is stopped at the gate already."""
    from assessment.policy import ROOT_FIELDS

    assert gate_mismatches(ROOT_FIELDS, OPERATIONS, ROLES) == []
