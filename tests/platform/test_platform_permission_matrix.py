"""Every platform mutation (and the centre-only query) × every role: allowed where docs/domain.md and
the issue say so, FORBIDDEN elsewhere (the department supervises but never changes anything)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from dbutil import each_role, gate_mismatches
from platform_world import (
    ADMIN,
    CENTRE,
    ENFORCEMENT,
    GRID,
    JUSTICE,
    MEDIATOR,
    MEDIATOR_2,
    ORG,
    OTHER_TOWN,
    SFS,
    SQUAD,
    TOWN,
    person,
)

from platforms import deadlines, dispatch, org, sla
from servicekit.calendar import today
from servicekit.principal import Principal, Role

ROLES = {
    "ORG_DEPARTMENT": ORG,
    "STAFFING_OFFICE": person(Role.STAFFING_OFFICE, None),
    "LEADERSHIP": person(Role.LEADERSHIP, None),
    "DEPARTMENT_ADMIN(own)": person(Role.DEPARTMENT_ADMIN, JUSTICE),
    "DEPARTMENT_ADMIN(other)": person(Role.DEPARTMENT_ADMIN, ENFORCEMENT),
    "TOWNSHIP_ADMIN(own)": ADMIN,
    "TOWNSHIP_ADMIN(other)": person(Role.TOWNSHIP_ADMIN, OTHER_TOWN),
    "COMMAND_CENTRE(own)": CENTRE,
    "COMMAND_CENTRE(other)": person(Role.COMMAND_CENTRE, OTHER_TOWN),
    "AGENCY_HEAD(lead unit)": person(Role.AGENCY_HEAD, SFS),
    "AGENCY_HEAD(other unit)": person(Role.AGENCY_HEAD, SQUAD),
    "GRID_WORKER(own)": GRID,
    "GRID_WORKER(other)": person(Role.GRID_WORKER, OTHER_TOWN),
    "CADRE(assignee)": person(Role.CADRE, MEDIATOR),
    "CADRE(other)": person(Role.CADRE, MEDIATOR_2),
    "SERVICE": Principal(
        subject="sys",
        kind="service",
        client_id="sys",
        token_id="t",
        scopes=frozenset({"events:report", "events:status", "roster:read"}),
    ),
}
CENTRE_SIDE = {"TOWNSHIP_ADMIN(own)", "COMMAND_CENTRE(own)"}
HANDLERS = {"CADRE(assignee)", "AGENCY_HEAD(lead unit)"}
TOWNSHIP_ADMIN = {"TOWNSHIP_ADMIN(own)"}
LIMITS = {
    "sign": sla.Limit(2, sla.HOURS),
    "handle": sla.Limit(1, sla.WORKING_DAYS),
    "verify": sla.Limit(1, sla.WORKING_DAYS),
}


async def _event(s, *, to: str | None = None):
    event, _ = await dispatch.report(
        s, GRID, township_id=TOWN, matter_type="NEIGHBOUR_DISPUTE", priority="NORMAL", description="x", location=None
    )
    steps = {
        "REPORTED": [],
        "ACCEPTED": ["accept"],
        "DISPATCHED": ["accept", "dispatch"],
        "SIGNED": ["accept", "dispatch", "sign"],
        "IN_PROGRESS": ["accept", "dispatch", "sign", "start"],
        "FEEDBACK": ["accept", "dispatch", "sign", "start", "feedback"],
        "CLOSED": ["accept", "dispatch", "sign", "start", "feedback", "verify_pass"],
    }[to or "REPORTED"]
    for action in steps:
        who = CENTRE if action in ("accept", "dispatch", "verify_pass") else person(Role.CADRE, MEDIATOR)
        await dispatch.act(
            s,
            who,
            event_id=event.id,
            action=action,
            lead_unit_id=SFS if action == "dispatch" else None,
            assignee_cadre_id=MEDIATOR if action == "dispatch" else None,
            closing_reason="RESOLVED" if action == "verify_pass" else None,
        )
    return SimpleNamespace(event=event)


def _in(state):
    return lambda s: _event(s, to=state)


async def _grid(s):
    grid = await org.create_grid(s, ADMIN, township_id=TOWN, code="M1", name="矩阵网格", village=None)
    member = await org.add_member(s, ADMIN, grid_id=grid.id, kind="STAFF", cadre_id=None, name="张乡干", duty="MEMBER")
    return SimpleNamespace(grid=grid, member=member)


async def _post(s):
    return SimpleNamespace(post=await org.create_post(s, ADMIN, unit_id=SFS, name="调解岗"))


async def _nothing(s):
    return SimpleNamespace()


def _act(action, **kw):
    return lambda s, w, st: dispatch.act(s, w, event_id=st.event.id, action=action, **kw)


OPERATIONS = {
    "reportEvent": (
        CENTRE_SIDE | {"GRID_WORKER(own)", "SERVICE"},
        _nothing,
        lambda s, w, st: dispatch.report(
            s,
            w,
            township_id=TOWN,
            matter_type="POLLUTION",
            priority="HIGH",
            description="x",
            location=None,
            idempotency_key="k-1",
        ),
    ),
    "actOnEvent(accept)": (CENTRE_SIDE, _in("REPORTED"), _act("accept")),
    "actOnEvent(refuse)": (CENTRE_SIDE, _in("REPORTED"), _act("refuse", reason="不属实")),
    "actOnEvent(dispatch)": (CENTRE_SIDE, _in("ACCEPTED"), _act("dispatch", lead_unit_id=SFS)),
    "actOnEvent(assign)": (
        CENTRE_SIDE | {"AGENCY_HEAD(lead unit)"},
        _in("DISPATCHED"),
        _act("assign", assignee_cadre_id=MEDIATOR_2),
    ),
    "actOnEvent(return)": (HANDLERS, _in("DISPATCHED"), _act("return", reason="非本单位职责")),
    "actOnEvent(sign)": (HANDLERS, _in("DISPATCHED"), _act("sign")),
    "actOnEvent(start)": (HANDLERS, _in("SIGNED"), _act("start")),
    "actOnEvent(feedback)": (HANDLERS, _in("IN_PROGRESS"), _act("feedback")),
    "actOnEvent(verify_pass)": (CENTRE_SIDE, _in("FEEDBACK"), _act("verify_pass", closing_reason="RESOLVED")),
    "actOnEvent(verify_fail)": (CENTRE_SIDE, _in("FEEDBACK"), _act("verify_fail", reason="未解决")),
    "actOnEvent(reopen)": (CENTRE_SIDE, _in("CLOSED"), _act("reopen", reason="再次反映")),
    "recordCallback": (
        CENTRE_SIDE,
        _in("FEEDBACK"),
        lambda s, w, st: dispatch.record_callback(
            s, w, event_id=st.event.id, callback=dispatch.CallbackInput(reached=False)
        ),
    ),
    "duplicateCandidates": (
        CENTRE_SIDE,
        _in("REPORTED"),
        lambda s, w, st: dispatch.duplicate_candidates(s, w, event_id=st.event.id),
    ),
    "createOffice": (
        TOWNSHIP_ADMIN,
        _nothing,
        lambda s, w, st: org.create_office(s, w, township_id=TOWN, name="综治办", platform_code=None),
    ),
    "attachUnitToPlatform": (
        TOWNSHIP_ADMIN,
        _nothing,
        lambda s, w, st: org.attach_unit(s, w, unit_id=SFS, platform_code="SAFETY_RULE_OF_LAW"),
    ),
    "setCommandCentre": (
        TOWNSHIP_ADMIN,
        _nothing,
        lambda s, w, st: org.set_command_centre(s, w, township_id=TOWN, name="店口镇综合信息指挥室"),
    ),
    "createGrid": (
        TOWNSHIP_ADMIN,
        _nothing,
        lambda s, w, st: org.create_grid(s, w, township_id=TOWN, code="X", name="x", village=None),
    ),
    "addGridMember": (
        TOWNSHIP_ADMIN,
        _grid,
        lambda s, w, st: org.add_member(
            s, w, grid_id=st.grid.id, kind="CADRE", cadre_id=MEDIATOR, name=None, duty="MEMBER"
        ),
    ),
    "removeGridMember": (TOWNSHIP_ADMIN, _grid, lambda s, w, st: org.remove_member(s, w, member_id=st.member.id)),
    "logTeamVisit": (
        {"TOWNSHIP_ADMIN(own)", "COMMAND_CENTRE(own)", "GRID_WORKER(own)"},
        _grid,
        lambda s, w, st: org.log_visit(
            s,
            w,
            grid_id=st.grid.id,
            visited_on=today(),
            place="某村",
            findings="无",
            cadre_ids=[MEDIATOR],
            staff_names=[],
        ),
    ),
    "createPost": (TOWNSHIP_ADMIN, _nothing, lambda s, w, st: org.create_post(s, w, unit_id=SFS, name="调解岗")),
    "setPostDuties": (
        TOWNSHIP_ADMIN,
        _post,
        lambda s, w, st: org.set_duties(s, w, post_id=st.post.id, duties=[("NEIGHBOUR_DISPUTE", None)]),
    ),
    "setPostHolders": (
        TOWNSHIP_ADMIN,
        _post,
        lambda s, w, st: org.set_holders(s, w, post_id=st.post.id, cadre_ids=[MEDIATOR]),
    ),
    "setSlaPolicy": (
        {"ORG_DEPARTMENT"},
        _nothing,
        lambda s, w, st: deadlines.set_policy(
            s,
            w,
            matter_type=None,
            priority="HIGH",
            limits=LIMITS,
            warn_share=Decimal("0.8"),
            escalate_share=Decimal("2"),
        ),
    ),
    "setPlatform": (
        {"ORG_DEPARTMENT"},
        _nothing,
        lambda s, w, st: org.set_platform(s, w, code="PARTY_BUILDING", name="党建统领", position=1),
    ),
    "setMatterType": (
        {"ORG_DEPARTMENT"},
        _nothing,
        lambda s, w, st: org.set_matter_type(
            s, w, code="ROAD_DAMAGE", name="道路破损", professional_line="城市管理", platform_code="PUBLIC_SERVICE"
        ),
    ),
    "setWorkCalendar": (
        {"ORG_DEPARTMENT"},
        _nothing,
        lambda s, w, st: deadlines.set_calendar(s, w, days=[(dt.date(2027, 1, 1), False, "元旦")], clear=[]),
    ),
}


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
async def test_platform_permission_matrix(session, operation):
    allowed, prepare, attempt = OPERATIONS[operation]
    st = await prepare(session)
    for key, value in list(vars(st).items()):  # plain ids: savepoint rollbacks expire ORM objects
        setattr(st, key, SimpleNamespace(id=value.id))
    outcomes = await each_role(session, ROLES, lambda who: attempt(session, who, st))
    if operation.startswith("actOnEvent"):
        # Acting reveals no more than reading: who may not see the event hears NOT_FOUND, as for an
        # id that does not exist; who sees it (a supervising department) but may not act, FORBIDDEN.
        seen = await each_role(session, ROLES, lambda who: dispatch.get_event(session, who, st.event.id))
        expected = {
            name: "ok" if name in allowed else "FORBIDDEN" if seen[name] == "ok" else "NOT_FOUND" for name in outcomes
        }
        assert expected != {name: "ok" if name in allowed else "FORBIDDEN" for name in outcomes}  # both kinds occur
    else:
        expected = {name: ("ok" if name in allowed else "FORBIDDEN") for name in outcomes}
    assert outcomes == expected


def test_the_root_field_gate_lets_in_exactly_the_matrix_roles():
    """policy.ROOT_FIELDS (the gate in front of each root field) and the rules agree, role by role:
    every role the matrix allows passes the gate (the rule then checks the scope: own or other), and
    every other role is stopped at the gate already."""
    from platforms.policy import ROOT_FIELDS

    assert gate_mismatches(ROOT_FIELDS, OPERATIONS, ROLES) == []
