"""Listing adjustments (adjustments.list_adjustments) exactly: newest first with the id breaking
ties, pages that follow on without gaps or repeats, the year as Asia/Shanghai counts it with both
ends of the range accepted, and the 例外报备 list of approved 2-year exceptions only. Plus what
taking effect leaves in the record of postings and the events."""

from __future__ import annotations

import datetime as dt

import pytest
from personnel_world import DEPT, ORG_DEPT, STAFFING, cadre_in, dept_admin, with_room
from sqlalchemy import select, update

from personnel import adjustments as adj
from personnel import events
from personnel.adjustments import Item
from personnel.calendar import today
from personnel.models import Adjustment, Agency, Cadre, Posting
from servicekit.errors import BadInput
from servicekit.outbox import OutboxEvent

TODAY = today()
NEWCOMER = {"name": "沈若溪", "birth_date": "1995-04-12", "professional_line": "人民调解"}
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


async def arrivals(session, n: int) -> list[Adjustment]:
    """``n`` single-arrival batches into agencies with room, each its own request."""
    rows = []
    for to in (await with_room(session, "zhzfj"))[:n]:
        rows += await adj.submit(
            session,
            dept_admin("zhzfj"),
            department_id=DEPT["zhzfj"],
            effective_date=TODAY,
            reason="补员",
            items=[Item("IN", to_agency_id=to, newcomer=NEWCOMER)],
        )
    assert len(rows) == n
    return rows


async def set_requested_at(session, row: Adjustment, at: dt.datetime) -> None:
    await session.execute(update(Adjustment).where(Adjustment.id == row.id).values(requested_at=at))
    await session.flush()
    await session.refresh(row)


async def listing(session, **kw):
    return await adj.list_adjustments(session, STAFFING, **{"first": 50, "after": None, **kw})


async def test_newest_first_the_id_breaking_ties_and_pages_that_follow_on(session):
    rows = await arrivals(session, 5)
    same = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.timezone.utc)
    for i, row in enumerate(rows):
        # Three share a request time; two are later, one of them much later.
        at = same if i < 3 else same + dt.timedelta(hours=i)
        await set_requested_at(session, row, at)
    expected = [r.id for r in sorted(rows, key=lambda r: (r.requested_at, r.id), reverse=True)]
    mine = {r.id for r in rows}
    assert [r.id for r in (await listing(session)).items if r.id in mine] == expected
    # Pages of two over just these five (filtered by the department), cursor after cursor.
    seen, after = [], None
    while True:
        page = await adj.list_adjustments(session, STAFFING, first=2, after=after, department_id=DEPT["zhzfj"])
        assert len(page.items) <= 2
        seen += [r.id for r in page.items]
        if not page.has_next:
            break
        after = page.cursors[-1]
    assert [x for x in seen if x in mine] == expected and len(seen) == len(set(seen))
    assert len((await adj.list_adjustments(session, STAFFING, first=None, after=None)).items) <= 20


async def test_the_year_is_counted_in_asia_shanghai_and_both_ends_are_accepted(session):
    [first, last] = await arrivals(session, 2)
    # 00:30 on 1 January in Shanghai is still the old year in UTC.
    await set_requested_at(session, first, dt.datetime(2026, 1, 1, 0, 30, tzinfo=SHANGHAI))
    # 23:30 on 31 December in Shanghai.
    await set_requested_at(session, last, dt.datetime(2026, 12, 31, 23, 30, tzinfo=SHANGHAI))

    async def ids(year):
        return {r.id for r in (await listing(session, year=year)).items} & {first.id, last.id}

    assert await ids(2026) == {first.id, last.id}
    assert await ids(2025) == set() and await ids(2027) == set()
    await set_requested_at(session, first, dt.datetime(2026, 1, 1, 0, 0, tzinfo=SHANGHAI))  # the first instant
    await set_requested_at(session, last, dt.datetime(2027, 1, 1, 0, 0, tzinfo=SHANGHAI))  # the next year's
    assert await ids(2026) == {first.id} and await ids(2027) == {last.id}
    await listing(session, year=2000)
    await listing(session, year=2100)
    for year in (1999, 2101):
        with pytest.raises(BadInput) as err:
            await listing(session, year=year)
        assert err.value.message == "年度须在 2000–2100 之间"


async def test_the_exception_list_holds_approved_exceptions_only(session):
    short = await cadre_in(session, "sfj", max_years=1.5)
    [excepted] = await adj.submit(
        session,
        dept_admin("sfj"),
        department_id=DEPT["sfj"],
        effective_date=TODAY,
        reason="援疆",
        items=[Item("OUT", cadre_id=short.id, from_agency_id=short.agency_id, tenure_exception_reason="援疆")],
    )
    [plain] = await arrivals(session, 1)
    await adj.org_review(session, ORG_DEPT, batch_id=plain.batch_id, approve=True, note=None)

    async def exceptions():
        return {r.id for r in (await listing(session, tenure_exceptions_only=True)).items}

    assert excepted.id not in await exceptions()  # not yet approved
    assert plain.id not in await exceptions()  # approved, but no exception
    await adj.org_review(
        session, ORG_DEPT, batch_id=excepted.batch_id, approve=True, note=None, approve_tenure_exception=True
    )
    assert excepted.id in await exceptions() and plain.id not in await exceptions()


async def test_taking_effect_ends_and_opens_postings_and_announces_the_cadre(session):
    leaver = await cadre_in(session, "sfj", min_years=2.5)
    # An arrival takes the agency's enforcement status: an enforcement agency shows it.
    enforcement = [a for a in await with_room(session, "zhzfj") if (await session.get(Agency, a)).is_enforcement][0]
    out = await adj.submit(
        session,
        dept_admin("sfj"),
        department_id=DEPT["sfj"],
        effective_date=TODAY,
        reason="退休",
        items=[Item("OUT", cadre_id=leaver.id, from_agency_id=leaver.agency_id)],
    )
    arrival = await adj.submit(
        session,
        dept_admin("zhzfj"),
        department_id=DEPT["zhzfj"],
        effective_date=TODAY,
        reason="补员",
        items=[Item("IN", to_agency_id=enforcement, newcomer=NEWCOMER)],  # no gender given
    )
    for rows, who in ((out, dept_admin("sfj")), (arrival, dept_admin("zhzfj"))):
        await adj.org_review(session, ORG_DEPT, batch_id=rows[0].batch_id, approve=True, note=None)
        await adj.make_effective(session, who, batch_id=rows[0].batch_id)
    postings = (await session.scalars(select(Posting).where(Posting.cadre_id == leaver.id))).all()
    assert postings and all(p.end_date is not None for p in postings)
    assert max(p.end_date for p in postings) == TODAY
    [left] = (
        await session.scalars(
            select(OutboxEvent).where(OutboxEvent.type == events.CADRE_LEFT, OutboxEvent.aggregate_id == str(leaver.id))
        )
    ).all()
    assert left.aggregate_type == "Cadre"
    newcomer = await session.get(Cadre, arrival[0].cadre_id)
    assert (newcomer.gender, newcomer.status, newcomer.is_enforcement) == ("MALE", "IN_POST", True)
    [opened] = (await session.scalars(select(Posting).where(Posting.cadre_id == newcomer.id))).all()
    assert (opened.agency_id, opened.start_date, opened.end_date) == (enforcement, TODAY, None)


async def test_a_transfer_is_announced_as_the_cadres_move(session):
    cadre = await cadre_in(session, "zhzfj", min_years=2.5)
    to = next(a for a in await with_room(session, "zhzfj") if a != cadre.agency_id)
    rows = await adj.submit(
        session,
        dept_admin("zhzfj"),
        department_id=DEPT["zhzfj"],
        effective_date=TODAY,
        reason="交流",
        items=[Item("TRANSFER", cadre_id=cadre.id, from_agency_id=cadre.agency_id, to_agency_id=to)],
    )
    await adj.org_review(session, ORG_DEPT, batch_id=rows[0].batch_id, approve=True, note=None)
    await adj.make_effective(session, dept_admin("zhzfj"), batch_id=rows[0].batch_id)
    [moved] = (
        await session.scalars(
            select(OutboxEvent).where(OutboxEvent.type == events.CADRE_MOVED, OutboxEvent.aggregate_id == str(cadre.id))
        )
    ).all()
    assert moved.aggregate_type == "Cadre" and moved.payload["agency_id"] == str(to)
