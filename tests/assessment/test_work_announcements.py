"""What the assessment waits for is announced in the transaction of each step (work.py), the whole
set each time: each side's scores, the shortlist, round 1, each township's round 2, 组织部's
publication and approval, the cadres during 公示, honour nominations and review meetings."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from assessment_world import DEPARTMENTS, ORG, PEOPLE_PER_UNIT, TOWNSHIPS, cadre_id, dept, town
from sqlalchemy import select
from test_cycle_rules import _open, _score_all
from test_publication_rules import _complete

from assessment import cycles, honours, reviews
from servicekit.calendar import today
from servicekit.outbox import OutboxEvent


async def _last(session, type_: str, aggregate_id: str) -> dict:
    event = (
        await session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.type == type_, OutboxEvent.aggregate_id == aggregate_id)
            .order_by(OutboxEvent.id.desc())
            .limit(1)
        )
    ).first()
    assert event is not None, (type_, aggregate_id)
    return event.payload


def _waiting(payload: dict) -> set[tuple]:
    return {(w["step"], w["role"], w.get("township_id")) for w in payload["waiting"]}


async def test_a_departments_flow_announces_each_party_it_waits_for_in_turn(session):
    cycle = await _open(session)
    flow = f"{cycle.id}:{DEPARTMENTS[0]}"
    every_town = {("TOWNSHIP_SCORES", "TOWNSHIP_ADMIN", str(t)) for t in TOWNSHIPS}
    opened = await _last(session, "assessment.flow_changed", flow)
    assert _waiting(opened) == every_town | {("DEPARTMENT_SCORES", "DEPARTMENT_ADMIN", None)}
    assert opened["department_id"] == str(DEPARTMENTS[0]) and opened["period"] == "2026"
    # One township scores all its people: it leaves the list; the others and the department stay.
    for n in range(PEOPLE_PER_UNIT):
        await cycles.set_score(
            session, town(0), cycle_id=cycle.id, cadre_id=cadre_id(0, 0, n), side="TOWNSHIP", score=80, reason=None
        )
    assert ("TOWNSHIP_SCORES", "TOWNSHIP_ADMIN", str(TOWNSHIPS[0])) not in _waiting(
        await _last(session, "assessment.flow_changed", flow)
    )
    await _score_all(session, cycle, 0)
    assert _waiting(await _last(session, "assessment.flow_changed", flow)) == {("SHORTLIST", "DEPARTMENT_ADMIN", None)}
    await cycles.make_shortlist(session, dept(0), cycle_id=cycle.id, department_id=DEPARTMENTS[0])
    assert _waiting(await _last(session, "assessment.flow_changed", flow)) == {("ROUND1", "DEPARTMENT_ADMIN", None)}
    await cycles.submit_round1(session, dept(0), cycle_id=cycle.id, department_id=DEPARTMENTS[0], cadre_ids=set())
    assert _waiting(await _last(session, "assessment.flow_changed", flow)) == {
        ("ROUND2", "TOWNSHIP_ADMIN", str(t)) for t in TOWNSHIPS
    }
    await cycles.submit_round2(
        session, town(1), cycle_id=cycle.id, department_id=DEPARTMENTS[0], township_id=TOWNSHIPS[1], cadre_ids=set()
    )
    assert _waiting(await _last(session, "assessment.flow_changed", flow)) == {
        ("ROUND2", "TOWNSHIP_ADMIN", str(t)) for t in (TOWNSHIPS[0], TOWNSHIPS[2])
    }
    # The other department's flow was not touched: still waiting for its scores.
    other = await _last(session, "assessment.flow_changed", f"{cycle.id}:{DEPARTMENTS[1]}")
    assert ("DEPARTMENT_SCORES", "DEPARTMENT_ADMIN", None) in _waiting(other)


async def test_a_batch_of_scores_announces_once_per_department(session):
    cycle = await _open(session)
    before = await session.scalar(select(OutboxEvent.id).order_by(OutboxEvent.id.desc()).limit(1))
    await cycles.set_scores(
        session,
        town(0),
        cycle_id=cycle.id,
        side="TOWNSHIP",
        items=[cycles.ScoreItem(cadre_id(0, 0, n), Decimal(70)) for n in range(PEOPLE_PER_UNIT)],
    )
    after = (
        await session.scalars(
            select(OutboxEvent).where(OutboxEvent.id > before, OutboxEvent.type == "assessment.flow_changed")
        )
    ).all()
    assert [e.aggregate_id for e in after] == [f"{cycle.id}:{DEPARTMENTS[0]}"]


async def test_a_cycle_waits_for_publication_then_tells_every_cadre_and_waits_for_approval(session):
    cycle = await _complete(session)
    done = await _last(session, "assessment.cycle_changed", str(cycle.id))
    assert _waiting(done) == {("PUBLISH", "ORG_DEPARTMENT", None)} and done["cadre_ids"] == []
    await cycles.publish(session, ORG, cycle_id=cycle.id, objection_days=5)
    published = await _last(session, "assessment.cycle_changed", str(cycle.id))
    assert _waiting(published) == {("APPROVE", "ORG_DEPARTMENT", None)}
    assert len(published["cadre_ids"]) == len(DEPARTMENTS) * len(TOWNSHIPS) * PEOPLE_PER_UNIT
    assert published["objection_deadline"] == cycle.objection_deadline.isoformat()
    cycle.objection_deadline = today() - dt.timedelta(days=1)
    await cycles.approve(session, ORG, cycle_id=cycle.id)
    approved = await _last(session, "assessment.cycle_changed", str(cycle.id))
    assert approved["waiting"] == [] and approved["cadre_ids"] == [] and approved["status"] == "APPROVED"


async def test_an_honour_nomination_and_its_decision_are_announced(session):
    cycle = await _complete(session)
    await cycles.publish(session, ORG, cycle_id=cycle.id, objection_days=5)
    cycle.objection_deadline = today() - dt.timedelta(days=1)
    await cycles.approve(session, ORG, cycle_id=cycle.id)
    nominated = await honours.nominate_excellent(session, dept(0), cycle_id=cycle.id)
    assert nominated
    honour = nominated[0]
    assert (await _last(session, "honour.changed", str(honour.id)))["status"] == "NOMINATED"
    await honours.decide(session, ORG, honour_id=honour.id, approve=True)
    assert (await _last(session, "honour.changed", str(honour.id))) == {
        "status": "APPROVED",
        "kind": "EXCELLENT_CADRE",
        "year": 2026,
    }


async def test_a_review_meeting_names_its_participants_and_agency_heads_while_open(session):
    meeting = await reviews.convene(session, ORG, year=2026, held_on=dt.date(2026, 12, 20), title="2026 年度述职评议会")
    opened = await _last(session, "review.meeting_changed", str(meeting.id))
    agencies = {str(uuid.UUID(int=300 + d * 10 + t)) for d in range(len(DEPARTMENTS)) for t in range(len(TOWNSHIPS))}
    assert set(opened["agencies"]) == agencies
    assert set(opened["departments"]) == {str(d) for d in DEPARTMENTS}
    assert set(opened["townships"]) == {str(t) for t in TOWNSHIPS}
    assert opened["held_on"] == "2026-12-20" and opened["status"] == "OPEN"
    await reviews.score(session, ORG, meeting_id=meeting.id, agency_id=uuid.UUID(int=300), value=Decimal(90))
    await reviews.close(session, ORG, meeting_id=meeting.id)
    closed = await _last(session, "review.meeting_changed", str(meeting.id))
    assert closed["status"] == "CLOSED" and closed["agencies"] == []
