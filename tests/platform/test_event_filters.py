"""The dispatch board's filters (gridEvents filter): state, township, overdue, assignee, lead unit,
outside line — each returns exactly the events it names, within what the caller may see."""

from __future__ import annotations

import pytest
from platform_world import (
    CENTRE,
    CITY_OFFICER,
    GRID,
    MEDIATOR,
    MEDIATOR_2,
    ORG,
    OTHER_TOWN,
    SFS,
    SQUAD,
    SYSTEM,
    TOWN,
    person,
)
from sqlalchemy import update

from platforms import dispatch
from platforms.models import GridEvent
from servicekit.errors import BadInput
from servicekit.principal import Principal, Role


async def _event(session, *, who=GRID, town=TOWN, matter="NEIGHBOUR_DISPUTE"):
    event, _ = await dispatch.report(
        session, who, township_id=town, matter_type=matter, priority="NORMAL", description="事件描述", location=None
    )
    return event


async def _ids(session, principal, **filters) -> set:
    page = await dispatch.list_events(session, principal, first=100, after=None, **filters)
    assert not page.has_next
    return {e.id for e in page.items}


@pytest.fixture
async def board(session):
    """Four events in the township and one elsewhere: one reported, one dispatched to the 司法所 and
    assigned to the mediator, one dispatched to the enforcement squad's officer, one overdue."""
    reported = await _event(session)
    to_sfs = await _event(session)
    for action, kw in (
        ("accept", {}),
        ("dispatch", {"lead_unit_id": SFS}),
        ("assign", {"assignee_cadre_id": MEDIATOR}),
    ):
        await dispatch.act(
            session,
            CENTRE if action != "assign" else person(Role.AGENCY_HEAD, SFS),
            event_id=to_sfs.id,
            action=action,
            **kw,
        )
    to_squad = await _event(session, matter="STREET_TRADING")
    await dispatch.act(session, CENTRE, event_id=to_squad.id, action="accept")
    await dispatch.act(session, CENTRE, event_id=to_squad.id, action="dispatch", assignee_cadre_id=CITY_OFFICER)
    late = await _event(session)
    await session.execute(update(GridEvent).where(GridEvent.id == late.id).values(overdue=True))
    elsewhere = await _event(session, who=person(Role.GRID_WORKER, OTHER_TOWN), town=OTHER_TOWN)
    return {
        "reported": reported.id,
        "to_sfs": to_sfs.id,
        "to_squad": to_squad.id,
        "late": late.id,
        "elsewhere": elsewhere.id,
    }


async def test_filter_by_state(session, board):
    assert await _ids(session, CENTRE, state="DISPATCHED") == {board["to_sfs"], board["to_squad"]}
    assert await _ids(session, CENTRE, state="REPORTED") == {board["reported"], board["late"]}
    with pytest.raises(BadInput):
        await _ids(session, CENTRE, state="LOST")


async def test_filter_by_township_stays_within_what_the_caller_sees(session, board):
    assert await _ids(session, CENTRE, township_id=TOWN) == {
        board[k] for k in ("reported", "to_sfs", "to_squad", "late")
    }
    assert await _ids(session, CENTRE, township_id=OTHER_TOWN) == set()  # not this centre's township
    assert await _ids(session, ORG, township_id=OTHER_TOWN) == {board["elsewhere"]}


async def test_filter_overdue(session, board):
    assert await _ids(session, CENTRE, overdue=True) == {board["late"]}
    assert board["late"] not in await _ids(session, CENTRE, overdue=False)


async def test_filter_by_assignee(session, board):
    assert await _ids(session, CENTRE, assignee_cadre_id=MEDIATOR) == {board["to_sfs"]}
    assert await _ids(session, CENTRE, assignee_cadre_id=CITY_OFFICER) == {board["to_squad"]}


async def test_filter_by_lead_unit(session, board):
    assert await _ids(session, CENTRE, lead_unit_id=SFS) == {board["to_sfs"]}
    assert await _ids(session, CENTRE, lead_unit_id=SQUAD) == {board["to_squad"]}


async def test_filters_combine(session, board):
    assert await _ids(session, CENTRE, state="DISPATCHED", lead_unit_id=SFS, assignee_cadre_id=MEDIATOR) == {
        board["to_sfs"]
    }
    assert await _ids(session, CENTRE, state="REPORTED", lead_unit_id=SFS) == set()


async def test_filter_outside_line(session, board):
    await dispatch.act(
        session, person(Role.CADRE, CITY_OFFICER), event_id=board["to_squad"], action="return", reason="非本人"
    )
    await dispatch.act(
        session,
        CENTRE,
        event_id=board["to_squad"],
        action="dispatch",
        assignee_cadre_id=MEDIATOR_2,
        reason="执法队员外出",
    )
    await dispatch.act(session, CENTRE, event_id=board["reported"], action="accept")
    await dispatch.act(
        session,
        CENTRE,
        event_id=board["reported"],
        action="dispatch",
        assignee_cadre_id=CITY_OFFICER,
        reason="调解员外出",
    )
    assert await _ids(session, CENTRE, outside_line=True) == {board["reported"], board["to_squad"]}
    assert await _ids(session, CENTRE, outside_line=False) == {board["to_sfs"], board["late"]}


async def test_an_unknown_state_is_refused_with_the_states(session, board):
    with pytest.raises(BadInput) as err:
        await _ids(session, CENTRE, state="LOST")
    assert err.value.message == (
        "状态须为 REPORTED, ACCEPTED, REFUSED, DUPLICATE, DISPATCHED, RETURNED, SIGNED, IN_PROGRESS, FEEDBACK, "
        "CLOSED, REOPENED"
    )


async def test_a_department_system_finds_its_report_by_its_own_key(session):
    mine, _ = await dispatch.report(
        session,
        SYSTEM,
        township_id=TOWN,
        matter_type="WAGE_ARREARS",
        priority="HIGH",
        description="欠薪",
        location=None,
        idempotency_key="sfj-1",
    )
    other = Principal(
        subject="scj",
        kind="service",
        client_id="scj",
        token_id="t",
        scopes=frozenset({"events:report", "events:status"}),
    )
    await dispatch.report(
        session,
        other,
        township_id=TOWN,
        matter_type="WAGE_ARREARS",
        priority="HIGH",
        description="欠薪",
        location=None,
        idempotency_key="sfj-1",
    )
    reader = Principal(
        subject="sfj", kind="service", client_id="sfj-system", token_id="t", scopes=frozenset({"events:status"})
    )
    assert await _ids(session, reader, idempotency_key="sfj-1") == {mine.id}
    assert await _ids(session, reader, idempotency_key="sfj-2") == set()
    assert await _ids(session, reader) == {mine.id}  # a system sees only what it reported


async def test_pages_run_newest_first_and_continue_after_the_cursor(session, board):
    expected = [board[k] for k in ("late", "to_squad", "to_sfs", "reported")]  # newest first
    first = await dispatch.list_events(session, CENTRE, first=3, after=None)
    assert [e.id for e in first.items] == expected[:3] and first.has_next
    rest = await dispatch.list_events(session, CENTRE, first=3, after=first.cursors[-1])
    assert [e.id for e in rest.items] == expected[3:] and not rest.has_next
