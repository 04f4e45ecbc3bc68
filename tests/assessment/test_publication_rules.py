"""公示 and 审定: grades, the objection window, objections resolved before final approval."""

from __future__ import annotations

import datetime as dt

import pytest
from assessment_world import DEPARTMENTS, ORG, TOWNSHIPS, dept, person, town
from sqlalchemy import select
from test_cycle_rules import _open, _score_all

from assessment import cycles
from assessment.models import Member, TownshipRound
from servicekit.calendar import today
from servicekit.errors import Forbidden, RuleViolation
from servicekit.outbox import OutboxEvent
from servicekit.principal import Role


async def _complete(session):
    cycle = await _open(session)
    for d in range(len(DEPARTMENTS)):
        await _score_all(session, cycle, d)
        await cycles.make_shortlist(session, dept(d), cycle_id=cycle.id, department_id=DEPARTMENTS[d])
        members = (
            await session.scalars(
                select(Member).where(
                    Member.cycle_id == cycle.id, Member.shortlisted.is_(True), Member.department_id == DEPARTMENTS[d]
                )
            )
        ).all()
        best = sorted(members, key=lambda m: m.total, reverse=True)
        await cycles.submit_round1(
            session, dept(d), cycle_id=cycle.id, department_id=DEPARTMENTS[d], cadre_ids={m.cadre_id for m in best[:1]}
        )
        for t, township in enumerate(TOWNSHIPS):
            if await session.get(TownshipRound, (cycle.id, DEPARTMENTS[d], township)):
                await cycles.submit_round2(
                    session,
                    town(t),
                    cycle_id=cycle.id,
                    department_id=DEPARTMENTS[d],
                    township_id=township,
                    cadre_ids=set(),
                )
    return cycle


async def test_publication_grades_and_approval(session):
    cycle = await _complete(session)
    with pytest.raises(Forbidden):
        await cycles.publish(session, dept(0), cycle_id=cycle.id, objection_days=5)
    await cycles.publish(session, ORG, cycle_id=cycle.id, objection_days=5)
    grades = {m.grade for m in (await session.scalars(select(Member).where(Member.cycle_id == cycle.id))).all()}
    assert "EXCELLENT" in grades and grades <= set(cycles.GRADES)
    member = (await session.scalars(select(Member).where(Member.cycle_id == cycle.id))).first()
    me = person(Role.CADRE, member.cadre_id)
    page = await cycles.list_members(session, me, cycle_id=cycle.id, first=10, after=None)
    assert [m.cadre_id for m in page.items] == [member.cadre_id]  # a cadre sees their own result once published
    objection = await cycles.file_objection(session, me, cycle_id=cycle.id, text="平时考核分数有误")
    with pytest.raises(RuleViolation) as err:
        await cycles.approve(session, ORG, cycle_id=cycle.id)
    assert err.value.rule == "OBJECTION_WINDOW_OPEN"
    cycle.objection_deadline = today() - dt.timedelta(days=1)  # the window passes
    with pytest.raises(RuleViolation) as err:
        await cycles.approve(session, ORG, cycle_id=cycle.id)
    assert err.value.rule == "OBJECTIONS_PENDING"
    await cycles.resolve_objection(session, ORG, objection_id=objection.id, resolution="经复核维持原等次")
    await cycles.approve(session, ORG, cycle_id=cycle.id)
    event = (await session.scalars(select(OutboxEvent).where(OutboxEvent.type == "assessment.results_approved"))).one()
    assert len(event.payload["results"]) == 48


async def test_rule_flow_out_of_order_publication_needs_every_department(session):
    cycle = await _open(session)
    with pytest.raises(RuleViolation) as err:
        await cycles.publish(session, ORG, cycle_id=cycle.id, objection_days=5)
    assert err.value.rule == "FLOW_OUT_OF_ORDER"


async def test_rule_objection_window_closed(session):
    cycle = await _complete(session)
    member = (await session.scalars(select(Member).where(Member.cycle_id == cycle.id))).first()
    with pytest.raises(RuleViolation) as err:  # not published yet
        await cycles.file_objection(session, person(Role.CADRE, member.cadre_id), cycle_id=cycle.id, text="x")
    assert err.value.rule == "OBJECTION_WINDOW_CLOSED"


async def test_results_stay_with_the_assessors_before_publication(session):
    cycle = await _open(session)
    with pytest.raises(Forbidden):
        await cycles.list_members(session, person(Role.LEADERSHIP), cycle_id=cycle.id, first=10, after=None)
    page = await cycles.list_members(session, town(0), cycle_id=cycle.id, first=100, after=None)
    assert page.items and all(m.township_id == TOWNSHIPS[0] for m in page.items)


async def test_an_excused_cadre_does_not_block_the_shortlist(session):
    cycle = await _open(session)
    await _score_all(session, cycle, 0)
    member = (
        await session.scalars(select(Member).where(Member.cycle_id == cycle.id, Member.department_id == DEPARTMENTS[0]))
    ).first()
    member.department_score = None
    await session.flush()
    missing = await cycles.completeness(session, dept(0), cycle_id=cycle.id)
    assert [(m.cadre_id, sides) for m, sides in missing] == [(member.cadre_id, ["DEPARTMENT"])]
    with pytest.raises(Forbidden):
        await cycles.excuse(session, dept(0), cycle_id=cycle.id, cadre_id=member.cadre_id, reason="长期病假")
    await cycles.excuse(session, ORG, cycle_id=cycle.id, cadre_id=member.cadre_id, reason="长期病假")
    flow = await cycles.make_shortlist(session, dept(0), cycle_id=cycle.id, department_id=DEPARTMENTS[0])
    assert flow.status == "SHORTLISTED"


async def test_results_export_labels_units_and_ranks_within_department(session):
    from io import BytesIO

    from openpyxl import load_workbook

    from assessment import export
    from assessment.consumers import apply_unit

    await apply_unit(
        session,
        {"type": "unit.upserted", "payload": {"id": str(DEPARTMENTS[0]), "kind": "DEPARTMENT", "name": "诸暨市司法局"}},
    )
    cycle = await _complete(session)
    rows = list(
        load_workbook(BytesIO(await export.results_workbook(session, dept(0), cycle.id))).active.iter_rows(
            values_only=True
        )
    )
    assert rows[0][0] == "姓名" and len(rows) == 1 + 24
    assert {r[1] for r in rows[1:]} == {"诸暨市司法局"}
    ranks = [r[6] for r in rows[1:]]
    assert ranks[0] == 1 and ranks == sorted(ranks)


async def _published(session):
    cycle = await _complete(session)
    await cycles.publish(session, ORG, cycle_id=cycle.id, objection_days=5)
    excellent = (
        await session.scalars(select(Member).where(Member.cycle_id == cycle.id, Member.grade == "EXCELLENT"))
    ).all()
    return cycle, excellent


async def test_rule_publicity_list_is_open_to_those_concerned(session):
    """公示: the 优秀 list (name, department, township, agency) is open to the stationed cadres of that
    department or township during the objection window — not only each cadre's own result."""
    cycle, excellent = await _published(session)
    one = excellent[0]
    everyone = (await session.scalars(select(Member).where(Member.cycle_id == cycle.id))).all()
    colleague = next(m for m in everyone if m.department_id == one.department_id and m.cadre_id != one.cadre_id)
    page = await cycles.publicity_list(
        session, person(Role.CADRE, colleague.cadre_id), cycle_id=cycle.id, first=50, after=None
    )
    seen = {m.cadre_id for m in page.items}
    assert one.cadre_id in seen and all(m.grade == "EXCELLENT" for m in page.items)
    assert seen == {
        m.cadre_id
        for m in excellent
        if m.department_id == colleague.department_id or m.township_id == colleague.township_id
    }
    assert [m.name for m in page.items] == sorted(m.name for m in page.items)
    # The county sees the whole list; a department its own people's part.
    assert {
        m.cadre_id for m in (await cycles.publicity_list(session, ORG, cycle_id=cycle.id, first=50, after=None)).items
    } == {m.cadre_id for m in excellent}
    mine = await cycles.publicity_list(session, dept(1), cycle_id=cycle.id, first=50, after=None)
    assert {m.department_id for m in mine.items} <= {DEPARTMENTS[1]}
    # Someone outside the cycle, a grid worker or a service sees nothing.
    import uuid

    with pytest.raises(Forbidden):
        await cycles.publicity_list(session, person(Role.CADRE, uuid.uuid4()), cycle_id=cycle.id, first=5, after=None)
    with pytest.raises(Forbidden):
        await cycles.publicity_list(
            session, person(Role.GRID_WORKER, TOWNSHIPS[0]), cycle_id=cycle.id, first=5, after=None
        )


async def test_rule_publicity_list_waits_for_publication(session):
    cycle = await _complete(session)
    with pytest.raises(RuleViolation) as err:
        await cycles.publicity_list(session, ORG, cycle_id=cycle.id, first=5, after=None)
    assert err.value.rule == "NOT_PUBLISHED"


async def test_rule_objection_not_concerned(session):
    """Anyone concerned may object to someone on the list, with reasons; others may not — and a
    refusal writes nothing. 组织部 answers, and a regrade applies to the person objected to."""
    from sqlalchemy import func

    from assessment.models import Objection
    from servicekit.audit import AuditRecord

    cycle, excellent = await _published(session)
    one = excellent[0]
    everyone = (await session.scalars(select(Member).where(Member.cycle_id == cycle.id))).all()
    colleague = next(m for m in everyone if m.township_id == one.township_id and m.cadre_id != one.cadre_id)
    stranger = next(m for m in everyone if m.township_id != one.township_id and m.department_id != one.department_id)
    before = await session.scalar(select(func.count()).select_from(AuditRecord))
    with pytest.raises(RuleViolation) as err:
        await cycles.file_objection(
            session,
            person(Role.CADRE, stranger.cadre_id),
            cycle_id=cycle.id,
            text="不了解",
            about_cadre_id=one.cadre_id,
        )
    assert err.value.rule == "OBJECTION_NOT_CONCERNED"
    ordinary = next(
        m
        for m in everyone
        if m.grade != "EXCELLENT" and m.township_id == colleague.township_id and m.cadre_id != colleague.cadre_id
    )
    with pytest.raises(RuleViolation) as err:  # only the 优秀 list is open to others' objections
        await cycles.file_objection(
            session,
            person(Role.CADRE, colleague.cadre_id),
            cycle_id=cycle.id,
            text="x",
            about_cadre_id=ordinary.cadre_id,
        )
    assert err.value.rule == "OBJECTION_NOT_CONCERNED"
    assert await session.scalar(select(func.count()).select_from(AuditRecord)) == before
    assert await session.scalar(select(func.count()).select_from(Objection)) == 0
    objection = await cycles.file_objection(
        session,
        person(Role.CADRE, colleague.cadre_id),
        cycle_id=cycle.id,
        text="该同志年内有两次事件逾期未办结",
        about_cadre_id=one.cadre_id,
    )
    assert (objection.cadre_id, objection.about_cadre_id) == (colleague.cadre_id, one.cadre_id)
    [mine] = await cycles.list_objections(
        session, person(Role.CADRE, colleague.cadre_id), cycle_id=cycle.id, open_only=False
    )
    assert mine.id == objection.id
    await cycles.resolve_objection(
        session, ORG, objection_id=objection.id, resolution="经核实属实，改定为称职", new_grade="COMPETENT"
    )
    assert (await session.get(Member, (cycle.id, one.cadre_id))).grade == "COMPETENT"
    assert (await session.get(Member, (cycle.id, colleague.cadre_id))).grade == colleague.grade


async def test_filing_and_answering_an_objection_are_announced_for_the_inbox(session):
    """``objection.filed`` / ``objection.resolved`` in the same transaction, ids only (no text, no names)."""
    cycle, excellent = await _published(session)
    me = person(Role.CADRE, excellent[0].cadre_id)
    objection = await cycles.file_objection(session, me, cycle_id=cycle.id, text="分数有误")
    await cycles.resolve_objection(session, ORG, objection_id=objection.id, resolution="维持")
    events = (
        await session.scalars(
            select(OutboxEvent).where(OutboxEvent.aggregate_id == str(objection.id)).order_by(OutboxEvent.id)
        )
    ).all()
    assert [(e.type, e.payload) for e in events] == [
        ("objection.filed", {"cycle_id": str(cycle.id), "deadline": cycle.objection_deadline.isoformat()}),
        ("objection.resolved", {"cycle_id": str(cycle.id)}),
    ]
