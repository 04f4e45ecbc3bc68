"""What an adjustment leaves behind, exactly: the cadre after each kind of change (in, out,
transfer, head change), the event the other services read, the audit record with before and
after, the adjustment's own snapshot, and who may list and read adjustments."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from personnel_world import (
    DEPT,
    ORG_DEPT,
    STAFFING,
    TOWN,
    agency_id,
    cadre_in,
    dept_admin,
    other_agency_with_room,
    person,
    township_admin,
    with_room,
)
from sqlalchemy import select, update

from personnel import adjustments as adj
from personnel import events
from personnel.adjustments import Item
from personnel.calendar import today
from personnel.models import Agency, Cadre, Posting
from servicekit.audit import AuditRecord
from servicekit.errors import BadInput, Forbidden, NotFound
from servicekit.outbox import OutboxEvent
from servicekit.principal import Role

TODAY = today()
NEWCOMER = {
    "name": " 沈若溪 ",
    "birth_date": "1995-04-12",
    "professional_line": "人民调解",
    "gender": "FEMALE",
    "id_number": "330681199504120021",
    "phone": "13800000001",
}


async def _effective(session, items, reason="工作需要"):
    rows = await adj.submit(
        session, dept_admin("sfj"), department_id=DEPT["sfj"], effective_date=TODAY, reason=reason, items=items
    )
    await adj.org_review(session, ORG_DEPT, batch_id=rows[0].batch_id, approve=True, note="同意")
    for r in rows:  # a sitting head moved out or away: the township is asked
        if r.township_opinion_needed:
            asked = await session.get(Agency, adj.opinion_agency_id(r))
            await adj.township_opinion(
                session, person(Role.TOWNSHIP_ADMIN, asked.township_id), adjustment_id=r.id, agree=True, note=None
            )
    return await adj.make_effective(session, dept_admin("sfj"), batch_id=rows[0].batch_id)


async def _events(session, aggregate_id, type_) -> list[OutboxEvent]:
    stmt = select(OutboxEvent).where(OutboxEvent.aggregate_id == str(aggregate_id), OutboxEvent.type == type_)
    return list((await session.scalars(stmt.order_by(OutboxEvent.id))).all())


async def _audit(session, entity_id, action) -> AuditRecord:
    stmt = select(AuditRecord).where(AuditRecord.entity_id == str(entity_id), AuditRecord.action == action)
    return (await session.scalars(stmt.order_by(AuditRecord.seq.desc()))).first()


async def test_an_arrival_creates_the_cadre_from_the_newcomer_and_announces_it(session):
    to = (await with_room(session, "sfj"))[0]
    agency = await session.get(Agency, to)
    [row] = await _effective(session, [Item("IN", to_agency_id=to, newcomer=NEWCOMER)])
    cadre = await session.get(Cadre, row.cadre_id)
    assert (cadre.name, cadre.gender, cadre.birth_date, cadre.professional_line) == (
        "沈若溪",
        "FEMALE",
        dt.date(1995, 4, 12),
        "人民调解",
    )
    assert (cadre.agency_id, cadre.township_id, cadre.department_id, cadre.is_enforcement) == (
        to,
        agency.township_id,
        agency.department_id,
        agency.is_enforcement,
    )
    assert (cadre.posted_on, cadre.status, cadre.id_number, cadre.phone) == (
        TODAY,
        "IN_POST",
        "330681199504120021",
        "13800000001",
    )
    [event] = await _events(session, cadre.id, "cadre.stationed")
    assert (event.aggregate_type, event.payload) == ("Cadre", events.cadre_payload(cadre))


async def test_a_departure_ends_the_posting_frees_the_head_seat_and_says_when(session):
    cadre = await cadre_in(session, "sfj", min_years=2.5)
    agency = await session.get(Agency, cadre.agency_id)
    agency.head_cadre_id = cadre.id
    await session.flush()
    before = events.cadre_payload(cadre)
    await _effective(session, [Item("OUT", cadre_id=cadre.id, from_agency_id=cadre.agency_id)], reason="退休")
    left = await session.get(Cadre, cadre.id)
    assert left.status == "LEFT" and (await session.get(Agency, cadre.agency_id)).head_cadre_id is None
    [event] = await _events(session, cadre.id, "cadre.left")
    assert event.payload == {**events.cadre_payload(left), "effective_date": TODAY.isoformat()}
    record = await _audit(session, cadre.id, "cadre.out")
    assert (record.entity_type, record.actor, record.reason) == ("Cadre", "u-department_admin", "退休")
    assert record.before == before and record.after == events.cadre_payload(left)


async def test_a_transfer_moves_the_cadre_with_the_agencys_township_and_line(session):
    cadre = await cadre_in(session, "sfj", min_years=2.5)
    origin = await session.get(Agency, cadre.agency_id)
    origin.head_cadre_id = cadre.id
    await session.flush()
    to = await other_agency_with_room(session, "sfj", cadre)
    target = await session.get(Agency, to)
    before = events.cadre_payload(cadre)
    posted = cadre.posted_on
    await _effective(session, [Item("TRANSFER", cadre_id=cadre.id, from_agency_id=cadre.agency_id, to_agency_id=to)])
    moved = await session.get(Cadre, cadre.id)
    assert (moved.agency_id, moved.township_id, moved.is_enforcement) == (to, target.township_id, target.is_enforcement)
    assert moved.posted_on == (TODAY if target.township_id != before["township_id"] else posted)
    assert (await session.get(Agency, origin.id)).head_cadre_id is None
    [event] = await _events(session, cadre.id, "cadre.moved")
    assert event.payload == {**events.cadre_payload(moved), "from": before, "effective_date": TODAY.isoformat()}
    record = await _audit(session, cadre.id, "cadre.transfer")
    assert record.before == before and record.after == events.cadre_payload(moved)


async def test_a_new_head_takes_the_seat_and_the_previous_head_becomes_a_member(session):
    cadre = await cadre_in(session, "sfj", min_years=2.5)
    agency = await session.get(Agency, cadre.agency_id)
    previous = await cadre_in(session, "sfj", exclude={cadre.id})
    agency.head_cadre_id = previous.id
    await session.execute(update(Posting).where(Posting.cadre_id == previous.id).values(role="HEAD"))
    await session.flush()
    rows = await adj.submit(
        session,
        dept_admin("sfj"),
        department_id=DEPT["sfj"],
        effective_date=TODAY,
        reason="负责人调整",
        items=[Item("HEAD_CHANGE", cadre_id=cadre.id, to_agency_id=agency.id)],
    )
    await adj.org_review(session, ORG_DEPT, batch_id=rows[0].batch_id, approve=True, note=None)
    town = next(code for code, tid in TOWN.items() if tid == agency.township_id)
    await adj.township_opinion(session, township_admin(town), adjustment_id=rows[0].id, agree=True, note="同意")
    await adj.make_effective(session, dept_admin("sfj"), batch_id=rows[0].batch_id)
    assert (await session.get(Agency, agency.id)).head_cadre_id == cadre.id
    [event] = await _events(session, agency.id, "agency.head_changed")
    assert (event.aggregate_type, event.payload) == (
        "Agency",
        {
            "agency_id": str(agency.id),
            "head_cadre_id": str(cadre.id),
            "previous_head_cadre_id": str(previous.id) if previous else None,
        },
    )
    assert (await _audit(session, cadre.id, "cadre.head_change")) is not None

    async def role(cadre_id):
        stmt = select(Posting.role).where(Posting.cadre_id == cadre_id, Posting.end_date.is_(None))
        return (await session.scalars(stmt)).all()

    assert (await role(cadre.id), await role(previous.id)) == (["HEAD"], ["MEMBER"])


async def test_an_adjustment_snapshot_names_every_field(session):
    cadre = await cadre_in(session, "sfj", min_years=2.5)
    to = await other_agency_with_room(session, "sfj", cadre)
    [row] = await adj.submit(
        session,
        dept_admin("sfj"),
        department_id=DEPT["sfj"],
        effective_date=TODAY,
        reason="工作需要",
        items=[Item("TRANSFER", cadre_id=cadre.id, from_agency_id=cadre.agency_id, to_agency_id=to)],
    )
    assert adj.snapshot(row) == {
        "batch_id": str(row.batch_id),
        "kind": "TRANSFER",
        "status": "SUBMITTED",
        "cadre_id": str(cadre.id),
        "from_agency_id": str(cadre.agency_id),
        "to_agency_id": str(to),
        "effective_date": TODAY.isoformat(),
        "org_review": None,
        "township_opinion": None,
        "opinion_answer": None,
        "replenishment": False,
        "tenure_exception": False,
    }
    rows, reviews, pending = await adj.batch_view(session, dept_admin("sfj"), row.batch_id)
    assert ([r.id for r in rows], reviews, pending) == ([row.id], [], ["ORG_REVIEW"])
    with pytest.raises(NotFound):
        await adj.batch_view(session, dept_admin("zhzfj"), row.batch_id)
    with pytest.raises(NotFound):
        await adj.batch_view(session, STAFFING, uuid.uuid4())


async def test_adjustments_are_listed_by_filter_for_those_who_may_see_them(session):
    cadre = await cadre_in(session, "sfj", min_years=2.5)
    to = await other_agency_with_room(session, "sfj", cadre)
    [row] = await adj.submit(
        session,
        dept_admin("sfj"),
        department_id=DEPT["sfj"],
        effective_date=TODAY,
        reason="工作需要",
        items=[Item("TRANSFER", cadre_id=cadre.id, from_agency_id=cadre.agency_id, to_agency_id=to)],
    )

    async def ids(who=STAFFING, **kw):
        return [r.id for r in (await adj.list_adjustments(session, who, first=50, after=None, **kw)).items]

    assert row.id in await ids()
    assert row.id in await ids(status="SUBMITTED") and row.id not in await ids(status="APPROVED")
    assert row.id in await ids(department_id=DEPT["sfj"]) and row.id not in await ids(department_id=DEPT["zhzfj"])
    assert row.id in await ids(agency_id=to) and row.id in await ids(agency_id=cadre.agency_id)
    assert row.id not in await ids(agency_id=agency_id("zhzfj", "diankou"))
    assert row.id in await ids(cadre_id=cadre.id) and row.id not in await ids(cadre_id=uuid.uuid4())
    assert row.id in await ids(year=TODAY.year) and row.id not in await ids(year=TODAY.year - 1)
    assert row.id not in await ids(tenure_exceptions_only=True)
    assert row.id in await ids(dept_admin("sfj")) and row.id not in await ids(dept_admin("zhzfj"))
    for year in (1999, 2101):
        with pytest.raises(BadInput):
            await ids(year=year)
    with pytest.raises(Forbidden):
        await ids(person(Role.GRID_WORKER, cadre.township_id))
