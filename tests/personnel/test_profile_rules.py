"""Dual management of the cadre's file: the township keeps daily management, the department the
professional side; postings follow adjustments."""

from __future__ import annotations

import datetime as dt

import pytest
from personnel_world import (
    DEPT,
    LEADER,
    ORG_DEPT,
    STAFFING,
    cadre_in,
    dept_admin,
    other_agency_with_room,
    township_admin,
)
from sqlalchemy import select

from personnel import adjustments as adj
from personnel import policy, profile
from personnel.adjustments import Item
from personnel.calendar import today
from personnel.models import Agency, Posting, Township
from servicekit.errors import BadInput, Forbidden, RuleViolation
from servicekit.outbox import OutboxEvent


async def _town(session, cadre) -> str:
    return (await session.get(Township, cadre.township_id)).code


async def test_the_township_keeps_daily_management(session):
    cadre = await cadre_in(session, "sfj", min_years=2.5)
    town = await _town(session, cadre)
    await profile.update_daily(
        session,
        township_admin(town),
        cadre_id=cadre.id,
        status="ON_LEAVE",
        phone="13900001111",
        political_status=None,
        reason="病假",
    )
    assert (cadre.status, cadre.phone) == ("ON_LEAVE", "13900001111")
    event = (
        await session.scalars(
            select(OutboxEvent).where(OutboxEvent.aggregate_id == str(cadre.id)).order_by(OutboxEvent.id.desc())
        )
    ).first()
    assert event.type == "cadre.updated" and event.payload["status"] == "ON_LEAVE"


@pytest.mark.parametrize("who", ["department", "org_department", "staffing_office", "leadership", "other_township"])
async def test_only_the_cadres_township_changes_daily_management(session, who):
    cadre = await cadre_in(session, "sfj", min_years=2.5)
    town = await _town(session, cadre)
    who = {
        "department": dept_admin("sfj"),
        "org_department": ORG_DEPT,
        "staffing_office": STAFFING,
        "leadership": LEADER,
        "other_township": township_admin("diankou" if town == "tongshan" else "tongshan"),
    }[who]
    with pytest.raises(Forbidden):
        await profile.update_daily(
            session, who, cadre_id=cadre.id, status="ON_LEAVE", phone=None, political_status=None, reason=None
        )


async def test_rule_left_only_by_adjustment(session):
    cadre = await cadre_in(session, "sfj", min_years=2.5)
    with pytest.raises(RuleViolation) as err:
        await profile.update_daily(
            session,
            township_admin(await _town(session, cadre)),
            cadre_id=cadre.id,
            status="LEFT",
            phone=None,
            political_status=None,
            reason=None,
        )
    assert err.value.rule == "LEFT_ONLY_BY_ADJUSTMENT"


async def test_the_department_keeps_the_professional_side(session):
    cadre = await cadre_in(session, "zhzfj", min_years=2.5)
    expiry = today() + dt.timedelta(days=30)
    await profile.update_professional(
        session,
        dept_admin("zhzfj"),
        cadre_id=cadre.id,
        professional_line="违建治理",
        rank=None,
        education="研究生",
        enforcement_cert_no="ZJ-NEW-1",
        enforcement_cert_expiry=expiry,
        reason="换证",
    )
    assert (cadre.professional_line, cadre.education, cadre.enforcement_cert_expiry) == ("违建治理", "研究生", expiry)
    with pytest.raises(Forbidden):
        await profile.update_professional(
            session,
            township_admin(await _town(session, cadre)),
            cadre_id=cadre.id,
            professional_line="x",
            rank=None,
            education=None,
            enforcement_cert_no=None,
            enforcement_cert_expiry=None,
            reason=None,
        )
    with pytest.raises(BadInput):
        await profile.update_professional(
            session,
            dept_admin("zhzfj"),
            cadre_id=cadre.id,
            professional_line=None,
            rank=None,
            education="博士后",
            enforcement_cert_no=None,
            enforcement_cert_expiry=None,
            reason=None,
        )
    seen, after = [], None
    while True:  # walk every page
        page = await profile.expiring_certificates(
            session, policy.cadre_visibility(dept_admin("zhzfj")), 31, first=20, after=after
        )
        seen += page.items
        if not page.has_next:
            break
        after = page.cursors[-1]
    assert cadre.id in {c.id for c in seen} and all(c.department_id == DEPT["zhzfj"] for c in seen)
    assert len({c.id for c in seen}) == len(seen)


async def test_postings_follow_a_transfer(session):
    cadre = await cadre_in(session, "sfj", min_years=2.5)
    origin = cadre.agency_id
    to = await other_agency_with_room(session, "sfj", cadre)
    rows = await adj.submit(
        session,
        dept_admin("sfj"),
        department_id=DEPT["sfj"],
        effective_date=today(),
        reason="交流",
        items=[Item("TRANSFER", cadre_id=cadre.id, from_agency_id=origin, to_agency_id=to)],
    )
    await adj.org_review(session, ORG_DEPT, batch_id=rows[0].batch_id, approve=True, note=None)
    await adj.make_effective(session, ORG_DEPT, batch_id=rows[0].batch_id)
    postings = (await profile.postings_for(session, [cadre.id]))[cadre.id]
    assert [(p.agency_id, p.end_date) for p in postings] == [(to, None), (origin, today())]


async def test_a_head_change_moves_the_head_role(session):
    agency = await session.get(Agency, (await with_head(session)))
    old_head = agency.head_cadre_id
    new_head = (
        await session.scalars(
            select(Posting.cadre_id).where(
                Posting.agency_id == agency.id, Posting.role == "MEMBER", Posting.end_date.is_(None)
            )
        )
    ).first()
    rows = await adj.submit(
        session,
        dept_admin("sfj"),
        department_id=DEPT["sfj"],
        effective_date=today(),
        reason="任命",
        items=[Item("HEAD_CHANGE", cadre_id=new_head, to_agency_id=agency.id)],
    )
    await adj.org_review(session, ORG_DEPT, batch_id=rows[0].batch_id, approve=True, note=None)
    town = (await session.get(Township, agency.township_id)).code
    await adj.township_opinion(session, township_admin(town), adjustment_id=rows[0].id, agree=True, note=None)
    await adj.make_effective(session, dept_admin("sfj"), batch_id=rows[0].batch_id)
    roles = dict(
        (
            await session.execute(
                select(Posting.cadre_id, Posting.role).where(
                    Posting.cadre_id.in_([old_head, new_head]), Posting.end_date.is_(None)
                )
            )
        ).all()
    )
    assert roles == {old_head: "MEMBER", new_head: "HEAD"}


async def with_head(session):
    return (
        await session.scalars(
            select(Agency.id)
            .where(Agency.department_id == DEPT["sfj"], Agency.head_cadre_id.is_not(None))
            .order_by(Agency.id)
        )
    ).first()
