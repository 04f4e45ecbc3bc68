"""The personnel policy (双重管理) in-process, role by role, against the demo county: who sees which
people, whose sensitive fields and grades, which adjustments and quota requests, and who may read
the county's statistics. The expected sets are counted from the data with plain SQL, so a mistake in
a policy function shows here without the whole stack."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from personnel_world import DEPT, LEADER, ORG_DEPT, STAFFING, TOWN, agency_id, dept_admin, person, township_admin
from sqlalchemy import func, select, text

from personnel import policy
from personnel.models import Adjustment, Agency, Cadre, QuotaChangeRequest, RosterSnapshotEntry
from servicekit.errors import Forbidden
from servicekit.principal import Principal, Role

SFS = agency_id("sfj", "diankou")  # 店口司法所


def service(*scopes: str, department: uuid.UUID | None = None) -> Principal:
    return Principal(
        subject="svc",
        kind="service",
        client_id="sfj-system",
        token_id="t",
        scopes=frozenset(scopes),
        department_id=str(department) if department else None,
    )


async def _subject(session) -> Cadre:
    """A person of 司法局 stationed at 店口司法所: the one every per-person rule below is asked about."""
    return (await session.scalars(select(Cadre).where(Cadre.agency_id == SFS).order_by(Cadre.id).limit(1))).one()


async def _visible(session, condition, column=Cadre.id, model=Cadre) -> set:
    stmt = select(column)
    if condition is not None:
        stmt = stmt.where(condition)
    return set((await session.scalars(stmt)).all())


async def _where(session, sql: str, **params) -> set:
    return set((await session.scalars(text(sql), params)).all())


# role name → (principal factory taking the subject cadre, "manages", "sees grades")
PEOPLE = {
    "STAFFING_OFFICE": (lambda c: STAFFING, True, False),
    "ORG_DEPARTMENT": (lambda c: ORG_DEPT, True, True),
    "LEADERSHIP": (lambda c: LEADER, False, True),
    "DEPARTMENT_ADMIN(own)": (lambda c: dept_admin("sfj"), True, True),
    "DEPARTMENT_ADMIN(other)": (lambda c: dept_admin("zhzfj"), False, False),
    "TOWNSHIP_ADMIN(own)": (lambda c: township_admin("diankou"), True, True),
    "TOWNSHIP_ADMIN(other)": (lambda c: township_admin("fengqiao"), False, False),
    "AGENCY_HEAD(own)": (lambda c: person(Role.AGENCY_HEAD, SFS), False, False),
    "COMMAND_CENTRE(own)": (lambda c: person(Role.COMMAND_CENTRE, TOWN["diankou"]), False, False),
    "GRID_WORKER(own)": (lambda c: person(Role.GRID_WORKER, TOWN["diankou"]), False, False),
    "CADRE(self)": (lambda c: person(Role.CADRE, c.id), True, True),
    "CADRE(other)": (lambda c: person(Role.CADRE, uuid.UUID(int=1)), False, False),
    "SERVICE": (lambda c: service("roster:read"), False, False),
}


@pytest.mark.parametrize("role", sorted(PEOPLE))
async def test_sensitive_fields_and_grades_matrix(session, role):
    cadre = await _subject(session)
    make, manages, grades = PEOPLE[role]
    who = make(cadre)
    assert policy.manages(who, cadre) is manages
    assert policy.sees_grades(who, cadre) is grades


async def test_cadre_visibility_per_role(session):
    cadre = await _subject(session)
    everyone = await _where(session, "SELECT id FROM cadre")
    expected = {
        "STAFFING_OFFICE": everyone,
        "ORG_DEPARTMENT": everyone,
        "LEADERSHIP": everyone,
        "DEPARTMENT_ADMIN(own)": await _where(session, "SELECT id FROM cadre WHERE department_id = :d", d=DEPT["sfj"]),
        "DEPARTMENT_ADMIN(other)": await _where(
            session, "SELECT id FROM cadre WHERE department_id = :d", d=DEPT["zhzfj"]
        ),
        "TOWNSHIP_ADMIN(own)": await _where(session, "SELECT id FROM cadre WHERE township_id = :t", t=TOWN["diankou"]),
        "TOWNSHIP_ADMIN(other)": await _where(
            session, "SELECT id FROM cadre WHERE township_id = :t", t=TOWN["fengqiao"]
        ),
        "AGENCY_HEAD(own)": await _where(session, "SELECT id FROM cadre WHERE agency_id = :a", a=SFS),
        "COMMAND_CENTRE(own)": await _where(session, "SELECT id FROM cadre WHERE township_id = :t", t=TOWN["diankou"]),
        "GRID_WORKER(own)": await _where(session, "SELECT id FROM cadre WHERE township_id = :t", t=TOWN["diankou"]),
        "CADRE(self)": {cadre.id},
        "CADRE(other)": set(),
        "SERVICE": set(),  # a system registered without a department reads no one (fail closed)
    }
    for role, (make, _, _) in PEOPLE.items():
        seen = await _visible(session, policy.cadre_visibility(make(cadre)))
        assert seen == expected[role], role
        assert len(everyone) == 566 and 0 < len(expected["AGENCY_HEAD(own)"]) < len(expected["TOWNSHIP_ADMIN(own)"])
    # A department's system reads its own department only; without the scope, nothing.
    sfj = await _visible(session, policy.cadre_visibility(service("roster:read", department=DEPT["sfj"])))
    assert sfj == expected["DEPARTMENT_ADMIN(own)"]
    with pytest.raises(Forbidden):
        policy.cadre_visibility(service("events:report"))
    with pytest.raises(Forbidden):
        policy.cadre_visibility(Principal(subject="nobody", kind="user", client_id="w", token_id="t"))


async def test_agency_and_snapshot_visibility_follow_the_roster(session):
    sfj_agencies = await _visible(session, policy.agency_visibility(dept_admin("sfj")), Agency.id, Agency)
    assert sfj_agencies == await _where(session, "SELECT id FROM agency WHERE department_id = :d", d=DEPT["sfj"])
    diankou = await _visible(session, policy.agency_visibility(township_admin("diankou")), Agency.id, Agency)
    assert diankou == await _where(session, "SELECT id FROM agency WHERE township_id = :t", t=TOWN["diankou"])
    assert await _visible(session, policy.agency_visibility(person(Role.AGENCY_HEAD, SFS)), Agency.id, Agency) == {SFS}
    assert policy.agency_visibility(STAFFING) is None
    condition = policy.snapshot_visibility(township_admin("diankou"))
    assert "township_id" in str(condition.compile()) and RosterSnapshotEntry.__tablename__ in str(condition.compile())


@pytest.mark.parametrize(
    "who, allowed",
    [
        (STAFFING, True),
        (ORG_DEPT, True),
        (LEADER, True),
        (dept_admin("sfj"), False),
        (township_admin("diankou"), False),
        (person(Role.AGENCY_HEAD, SFS), False),
        (person(Role.COMMAND_CENTRE, TOWN["diankou"]), False),
        (person(Role.CADRE, uuid.UUID(int=1)), False),
        (service("roster:read"), False),
    ],
)
def test_county_statistics_readers(who, allowed):
    if allowed:
        policy.county_reader(who)
    else:
        with pytest.raises(Forbidden):
            policy.county_reader(who)


def test_organisation_is_open_to_users_and_to_systems_with_the_roster_scope():
    for who in (
        STAFFING,
        township_admin("diankou"),
        person(Role.GRID_WORKER, TOWN["diankou"]),
        person(Role.CADRE, uuid.UUID(int=1)),
        service("roster:read"),
    ):
        policy.org_reader(who)
    with pytest.raises(Forbidden):
        policy.org_reader(service("events:report"))


async def test_adjustments_and_quota_requests_per_role(session):
    # Adjustment rows are invented here only to count who sees which: one of 司法局 out of 店口镇,
    # one of 综合执法局 between two other townships.
    sfj_out = Adjustment(
        department_id=DEPT["sfj"],
        batch_id=uuid.uuid4(),
        kind="OUT",
        status="SUBMITTED",
        effective_date=dt.date(2030, 1, 1),
        reason="r",
        requested_by="u",
        from_agency_id=SFS,
    )
    far = Adjustment(
        department_id=DEPT["zhzfj"],
        batch_id=uuid.uuid4(),
        kind="TRANSFER",
        status="SUBMITTED",
        effective_date=dt.date(2030, 1, 1),
        reason="r",
        requested_by="u",
        from_agency_id=agency_id("zhzfj", "fengqiao"),
        to_agency_id=agency_id("zhzfj", "ciwu"),
    )
    requests = [
        QuotaChangeRequest(
            department_id=DEPT[d],
            old_total=1,
            new_total=2,
            lines={},
            reason="r",
            requested_by="u",
            reorganisation=False,
        )
        for d in ("sfj", "zhzfj")
    ]
    session.add_all([sfj_out, far, *requests])
    await session.flush()
    mine = {sfj_out.id, far.id}

    async def adjustments(who) -> set:
        return await _visible(session, policy.adjustment_visibility(who), Adjustment.id, Adjustment) & mine

    assert await adjustments(STAFFING) == mine and await adjustments(ORG_DEPT) == mine
    assert await adjustments(dept_admin("sfj")) == {sfj_out.id}
    assert await adjustments(township_admin("diankou")) == {sfj_out.id}  # it leaves 店口镇
    assert await adjustments(township_admin("fengqiao")) == {far.id}
    assert await adjustments(township_admin("ciwu")) == {far.id}  # it arrives in 次坞镇
    for who in (
        person(Role.AGENCY_HEAD, SFS),
        person(Role.COMMAND_CENTRE, TOWN["diankou"]),
        person(Role.CADRE, uuid.UUID(int=1)),
    ):
        with pytest.raises(Forbidden):
            policy.adjustment_visibility(who)
    with pytest.raises(Forbidden):
        policy.adjustment_visibility(service("roster:read"))

    ids = {r.id for r in requests}

    async def quota_requests(who) -> set:
        return (
            await _visible(session, policy.quota_request_visibility(who), QuotaChangeRequest.id, QuotaChangeRequest)
            & ids
        )

    assert await quota_requests(STAFFING) == ids and await quota_requests(LEADER) == ids
    assert await quota_requests(dept_admin("sfj")) == {requests[0].id}
    for who in (township_admin("diankou"), person(Role.CADRE, uuid.UUID(int=1)), service("roster:read")):
        with pytest.raises(Forbidden):
            policy.quota_request_visibility(who)
    assert (await session.scalar(select(func.count()).select_from(Cadre))) == 566
