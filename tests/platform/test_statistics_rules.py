"""Statistics from the frozen history, per township / unit / person, within each reader's reach;
the monthly publication (per-cadre summaries, township workload) happens exactly once."""

from __future__ import annotations

import datetime as dt

import pytest
from platform_world import (
    CENTRE,
    CITY_OFFICER,
    ENFORCEMENT,
    GRID,
    JUSTICE,
    MEDIATOR,
    ORG,
    OTHER_TOWN,
    SFS,
    SQUAD,
    SYSTEM,
    TOWN,
    person,
)
from sqlalchemy import select

from platforms import deadlines, dispatch, org, stats
from servicekit.calendar import SHANGHAI
from servicekit.errors import BadInput, Forbidden
from servicekit.outbox import OutboxEvent
from servicekit.principal import Role

DAY = dt.datetime(2026, 10, 12, 9, tzinfo=SHANGHAI)  # a Monday in October
MONTH = (dt.datetime(2026, 10, 1, tzinfo=SHANGHAI), dt.datetime(2026, 11, 1, tzinfo=SHANGHAI))


async def _closed(session, cadre, *, sign_after_hours=1, reason=None, matter="NEIGHBOUR_DISPUTE"):
    event, _ = await dispatch.report(
        session, GRID, township_id=TOWN, matter_type=matter, priority="NORMAL", description="x", location=None
    )
    event.reported_at = DAY
    await dispatch.act(session, CENTRE, event_id=event.id, action="accept", now=DAY)
    await dispatch.act(
        session, CENTRE, event_id=event.id, action="dispatch", assignee_cadre_id=cadre, reason=reason, now=DAY
    )
    me = person(Role.CADRE, cadre)
    signed = DAY + dt.timedelta(hours=sign_after_hours)
    await deadlines.sweep(session, signed)
    await dispatch.act(session, me, event_id=event.id, action="sign", now=signed)
    await dispatch.act(session, me, event_id=event.id, action="start", now=signed)
    await dispatch.act(session, me, event_id=event.id, action="feedback", now=signed + dt.timedelta(hours=5))
    await dispatch.act(
        session,
        CENTRE,
        event_id=event.id,
        action="verify_pass",
        closing_reason="RESOLVED",
        callback=dispatch.CallbackInput(reached=True, satisfaction="SATISFIED"),
        now=signed + dt.timedelta(hours=6),
    )
    return event


async def test_figures_per_person_unit_and_township(session):
    await _closed(session, MEDIATOR)
    await _closed(session, MEDIATOR, sign_after_hours=30)  # signed after the one-working-day limit
    await _closed(session, CITY_OFFICER, reason="调解员均外出")  # outside the line, with the override reason
    by_cadre = {r.key: r for r in await stats.compute(session, group_by="CADRE", start=MONTH[0], end=MONTH[1])}
    m = by_cadre[MEDIATOR]
    assert (m.dispatched, m.signed, m.signed_on_time, m.handled, m.handled_on_time, m.closed) == (2, 2, 1, 2, 2, 2)
    assert (m.overdue_phases, m.outside_line, m.callbacks, m.satisfied, m.avg_handle_hours) == (1, 0, 2, 2, 5.0)
    assert m.on_time_rate == 0.75
    assert by_cadre[CITY_OFFICER].outside_line == 1
    by_unit = {r.key: r for r in await stats.compute(session, group_by="UNIT", start=MONTH[0], end=MONTH[1])}
    assert (by_unit[SFS].closed, by_unit[SQUAD].closed) == (2, 1)
    (town,) = await stats.compute(session, group_by="TOWNSHIP", start=MONTH[0], end=MONTH[1])
    assert (town.key, town.closed, town.callbacks) == (TOWN, 3, 3)
    # Nothing counted outside the period.
    assert await stats.compute(session, group_by="CADRE", start=MONTH[1], end=MONTH[1] + dt.timedelta(days=30)) == []


async def test_each_reader_sees_only_their_share(session):
    await _closed(session, MEDIATOR)
    await _closed(session, CITY_OFFICER, reason="调解员均外出")

    async def keys(who, group="CADRE"):
        page = await stats.statistics(session, who, group_by=group, start=MONTH[0], end=MONTH[1], first=100)
        return {r.key for r in page.items}

    assert await keys(CENTRE) == {MEDIATOR, CITY_OFFICER}
    assert await keys(ORG) == {MEDIATOR, CITY_OFFICER}
    assert await keys(person(Role.DEPARTMENT_ADMIN, JUSTICE)) == {MEDIATOR}
    assert await keys(person(Role.DEPARTMENT_ADMIN, ENFORCEMENT), "UNIT") == {SQUAD}
    assert await keys(person(Role.AGENCY_HEAD, SFS), "UNIT") == {SFS}
    assert await keys(person(Role.CADRE, CITY_OFFICER)) == {CITY_OFFICER}
    assert await keys(person(Role.COMMAND_CENTRE, OTHER_TOWN)) == set()
    for outsider in (SYSTEM, GRID):  # a grid worker follows their own reports, not the figures
        with pytest.raises(Forbidden):
            await keys(outsider)
    with pytest.raises(BadInput):
        await stats.statistics(session, ORG, group_by="CADRE", start=MONTH[1], end=MONTH[0])
    with pytest.raises(BadInput):
        await stats.statistics(session, ORG, group_by="CADRE", start=MONTH[0], end=MONTH[0] + dt.timedelta(days=400))
    # Pages of groups in id order, one statement pair per page.
    first = await stats.statistics(session, ORG, group_by="CADRE", start=MONTH[0], end=MONTH[1], first=1)
    rest = await stats.statistics(
        session, ORG, group_by="CADRE", start=MONTH[0], end=MONTH[1], first=1, after=first.cursors[-1]
    )
    assert (first.has_next, [r.key for r in first.items + rest.items]) == (True, sorted([MEDIATOR, CITY_OFFICER]))
    with pytest.raises(BadInput):
        await stats.statistics(session, ORG, group_by="CADRE", start=MONTH[0], end=MONTH[1], first=101)


async def test_the_month_is_published_once_with_summaries_and_workload(session):
    await _closed(session, MEDIATOR)
    grid = await org.create_grid(
        session, person(Role.TOWNSHIP_ADMIN, TOWN), township_id=TOWN, code="G", name="网格", village=None
    )
    visit = await org.log_visit(
        session,
        GRID,
        grid_id=grid.id,
        visited_on=DAY.date(),
        place="某村",
        findings="无",
        cadre_ids=[CITY_OFFICER],
        staff_names=[],
    )
    assert visit.visited_on == DAY.date()
    assert await stats.publish_month(session, "2026-10") is True
    assert await stats.publish_month(session, "2026-10") is False
    rows = (
        await session.execute(
            select(OutboxEvent.type, OutboxEvent.payload)
            .where(OutboxEvent.type.in_(("cadre.monthly_summary", "township.workload")))
            .order_by(OutboxEvent.id)
        )
    ).all()
    summaries = {p["cadre_id"]: p for t, p in rows if t == "cadre.monthly_summary"}
    assert summaries[str(MEDIATOR)]["closed"] == 1 and summaries[str(MEDIATOR)]["on_time_rate"] == 1.0
    assert summaries[str(CITY_OFFICER)]["team_visits"] == 1 and summaries[str(CITY_OFFICER)]["closed"] == 0
    (workload,) = [p for t, p in rows if t == "township.workload"]
    assert (workload["township_id"], workload["period"], workload["events"], workload["stationed"]) == (
        str(TOWN),
        "2026-10",
        1,
        3,
    )
    assert stats.previous_month(dt.datetime(2027, 1, 1, 3, tzinfo=SHANGHAI)) == "2026-12"
    with pytest.raises(BadInput):
        stats.month_bounds("2026-13")


async def test_a_worker_down_over_month_ends_publishes_every_missed_month(session):
    assert stats.months_between("2026-10", "2027-01") == ["2026-11", "2026-12", "2027-01"]
    assert stats.months_between("2026-10", "2026-10") == []
    assert len(stats.months_between("2020-01", "2026-10")) == stats.MAX_CATCH_UP
    now = dt.datetime(2027, 1, 5, tzinfo=SHANGHAI)
    assert await stats.due_months(session, now) == ["2026-12"]  # first run: the month just ended
    await stats.publish_month(session, "2026-10")
    assert await stats.due_months(session, now) == ["2026-11", "2026-12"]


async def test_an_assignment_within_the_unit_counts_for_the_person_not_twice_for_the_unit(session):
    event, _ = await dispatch.report(
        session,
        GRID,
        township_id=TOWN,
        matter_type="NEIGHBOUR_DISPUTE",
        priority="NORMAL",
        description="x",
        location=None,
    )
    await dispatch.act(session, CENTRE, event_id=event.id, action="accept", now=DAY)
    await dispatch.act(session, CENTRE, event_id=event.id, action="dispatch", lead_unit_id=SFS, now=DAY)
    await dispatch.act(
        session, person(Role.AGENCY_HEAD, SFS), event_id=event.id, action="assign", assignee_cadre_id=MEDIATOR, now=DAY
    )
    units = {r.key: r.dispatched for r in await stats.compute(session, group_by="UNIT", start=MONTH[0], end=MONTH[1])}
    cadres = {r.key: r.dispatched for r in await stats.compute(session, group_by="CADRE", start=MONTH[0], end=MONTH[1])}
    towns = {
        r.key: r.dispatched for r in await stats.compute(session, group_by="TOWNSHIP", start=MONTH[0], end=MONTH[1])
    }
    assert (units, cadres, towns) == ({SFS: 1}, {MEDIATOR: 1}, {TOWN: 1})
