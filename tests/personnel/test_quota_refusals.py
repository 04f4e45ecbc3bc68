"""员额 requests and the quota model, word for word: who may ask, decide and model; every bound at
its edge (0 and MAX_QUOTA in, one past refused); each refusal's rule, words and details; the
model's lines built from the right township figures; a model request's stated method."""

from __future__ import annotations

import datetime as dt
import uuid

import dbutil
import pytest
from personnel_world import DEPT, ORG_DEPT, STAFFING, agency_id, dept_admin, shift_one_place, township_admin, with_room
from sqlalchemy import select, update

from personnel import adjustments as adj
from personnel import apportion, quotas, reminders, vacancies
from personnel.adjustments import Item
from personnel.calendar import today
from personnel.models import Agency, Department, QuotaChangeRequest, Township
from servicekit.audit import AuditRecord
from servicekit.errors import BadInput, Forbidden, NotFound, RuleViolation
from servicekit.outbox import OutboxEvent
from servicekit.principal import Principal

MAX = quotas.MAX_QUOTA
SERVICE = Principal(subject="sfj-system", kind="service", client_id="sfj-system", token_id="t")


def refused(session, exc_type, call):
    return dbutil.refused(session, exc_type, call, QuotaChangeRequest)


def propose(session, who=STAFFING, *, department="sfj", new_total=None, quotas_=None, reason="调整", reorg=False):
    return quotas.propose(
        session,
        who,
        department_id=DEPT.get(department, department),
        new_total=new_total,
        agency_quotas=quotas_ or {},
        reason=reason,
        reorganisation=reorg,
    )


async def test_who_may_ask_and_the_words_of_each_refusal(session):
    for who in (township_admin("diankou"), dept_admin("zhzfj"), ORG_DEPT, SERVICE):
        err = await refused(session, Forbidden, propose(session, who))
        assert (err.message, err.detail) == (
            "只有本部门或编办可以提出员额调整",
            "DEPARTMENT_ADMIN of this department or STAFFING_OFFICE",
        )
    err = await refused(session, NotFound, propose(session, department=uuid.UUID(int=7)))
    assert err.message == "部门不存在"
    err = await refused(session, BadInput, propose(session, reason="   "))
    assert err.message == "请说明调整理由"
    err = await refused(session, BadInput, propose(session, quotas_={agency_id("zhzfj", "diankou"): 3}))
    assert (err.message, err.detail) == (
        "只能调整本部门的派驻机构",
        f"agencies not in this department: ['{agency_id('zhzfj', 'diankou')}']",
    )
    total = (await session.get(Department, DEPT["sfj"])).quota_total
    err = await refused(session, BadInput, propose(session, new_total=total))
    assert (err.message, err.detail) == ("调整前后员额相同", "nothing changes")


@pytest.mark.parametrize("bad", [-1, MAX + 1])
async def test_a_quota_outside_0_and_max_is_bad_input(session, bad):
    a = agency_id("sfj", "diankou")
    for call in (propose(session, quotas_={a: bad}), propose(session, new_total=bad)):
        err = await refused(session, BadInput, call)
        assert (err.message, err.detail) == (f"员额须在 0–{MAX} 之间", f"quotas must be 0..{MAX}")


@pytest.mark.parametrize("edge", [0, MAX])
async def test_0_and_max_pass_the_bounds_and_meet_the_ledgers_rules(session, edge):
    err = await refused(session, RuleViolation, propose(session, new_total=edge))
    assert err.rule == "QUOTA_SUM_MATCHES_TOTAL"
    err = await refused(session, RuleViolation, propose(session, quotas_={agency_id("sfj", "diankou"): edge}))
    assert err.rule in ("QUOTA_SUM_MATCHES_TOTAL", "QUOTA_BELOW_OCCUPANCY")


async def test_rule_quota_sum_matches_total_states_both_sums(session):
    department = await session.get(Department, DEPT["sfj"])
    err = await refused(session, RuleViolation, propose(session, new_total=department.quota_total + 1))
    assert err.message == (
        f"各派驻机构员额之和({department.quota_total})须等于部门下沉员额总量({department.quota_total + 1})"
    )
    assert err.detail == "agency quotas must add up to the department total"


async def test_rule_reorganisation_lowers_total_states_the_change(session):
    department = await session.get(Department, DEPT["sfj"])
    grow, shrink = await shift_one_place(session, "sfj")
    q = (await session.get(Agency, shrink)).quota
    call = propose(session, new_total=department.quota_total - 1, quotas_={shrink: q - 1}, reorg=True)
    err = await refused(session, RuleViolation, call)
    assert (err.rule, err.message) == ("REORGANISATION_LOWERS_TOTAL", "优化派驻模式不得减少下沉员额总量")
    assert err.detail == f"total {department.quota_total} → {department.quota_total - 1}"
    # The same change outside a reorganisation is an ordinary request, held as one.
    request = await propose(session, new_total=department.quota_total - 1, quotas_={shrink: q - 1})
    assert request.reorganisation is False


async def test_a_reorganisation_is_recorded_as_one(session):
    grow, shrink = await shift_one_place(session, "sfj")
    qg, qs = (await session.get(Agency, grow)).quota, (await session.get(Agency, shrink)).quota
    request = await propose(session, quotas_={grow: qg + 1, shrink: qs - 1}, reorg=True, reason=" 优化 ")
    assert (request.reorganisation, request.reason, request.lines) == (
        True,
        "优化",
        {str(grow): [qg, qg + 1], str(shrink): [qs, qs - 1]},
    )
    [record] = (await session.scalars(select(AuditRecord).where(AuditRecord.entity_id == str(request.id)))).all()
    assert (record.action, record.entity_type, record.after["reorganisation"]) == (
        "quota.request",
        "QuotaChangeRequest",
        True,
    )


async def test_rule_quota_below_occupancy_names_the_agency_and_the_people_in_post(session):
    a = agency_id("sfj", "diankou")
    err = await refused(session, RuleViolation, propose(session, quotas_={a: 0}, new_total=None))
    if err.rule != "QUOTA_BELOW_OCCUPANCY":  # the sum rule comes first: keep the total in step
        total = (await session.get(Department, DEPT["sfj"])).quota_total
        q = (await session.get(Agency, a)).quota
        err = await refused(session, RuleViolation, propose(session, quotas_={a: 0}, new_total=total - q))
    assert err.rule == "QUOTA_BELOW_OCCUPANCY"
    assert err.message.startswith("员额(0)不能少于在岗及已批准待到岗人数(")
    assert err.detail.startswith(f"agency {a}: quota 0 < occupied ") and err.extra == {"agency_id": str(a)}


async def test_decide_refusals_say_why(session):
    grow, shrink = await shift_one_place(session, "sfj")
    qg, qs = (await session.get(Agency, grow)).quota, (await session.get(Agency, shrink)).quota
    request = await propose(session, dept_admin("sfj"), quotas_={grow: qg + 1, shrink: qs - 1})
    for who in (ORG_DEPT, dept_admin("sfj"), SERVICE):
        err = await refused(
            session, Forbidden, quotas.decide(session, who, request_id=request.id, approve=True, note=None)
        )
        assert (err.message, err.detail) == ("员额调整须由编办审批", "STAFFING_OFFICE decides quota changes")
    err = await refused(
        session, NotFound, quotas.decide(session, STAFFING, request_id=uuid.uuid4(), approve=True, note=None)
    )
    assert err.message == "员额调整申请不存在"
    await quotas.decide(session, STAFFING, request_id=request.id, approve=True, note="同意")
    err = await refused(
        session, RuleViolation, quotas.decide(session, STAFFING, request_id=request.id, approve=False, note=None)
    )
    assert (err.rule, err.message, err.detail) == ("REQUEST_ALREADY_DECIDED", "该申请已处理", "status APPROVED")


async def test_rule_quota_changed_since_request_says_to_ask_again(session):
    grow, shrink = await shift_one_place(session, "sfj")
    qg, qs = (await session.get(Agency, grow)).quota, (await session.get(Agency, shrink)).quota
    first = await propose(session, quotas_={grow: qg + 1, shrink: qs - 1})
    second = await propose(session, quotas_={grow: qg + 1, shrink: qs - 1})
    await quotas.decide(session, STAFFING, request_id=first.id, approve=True, note=None)
    err = await refused(
        session, RuleViolation, quotas.decide(session, STAFFING, request_id=second.id, approve=True, note=None)
    )
    assert (err.rule, err.message, err.detail) == (
        "QUOTA_CHANGED_SINCE_REQUEST",
        "员额已在申请后发生变化，请重新提出申请",
        "the ledger moved since this request was made",
    )
    # Only the department total moved: the same.
    department = await session.get(Department, DEPT["zhzfj"])
    a = agency_id("zhzfj", "diankou")
    q = (await session.get(Agency, a)).quota
    third = await propose(session, department="zhzfj", quotas_={a: q + 1}, new_total=department.quota_total + 1)
    department.quota_total += 5
    await session.flush()
    err = await refused(
        session, RuleViolation, quotas.decide(session, STAFFING, request_id=third.id, approve=True, note=None)
    )
    assert err.rule == "QUOTA_CHANGED_SINCE_REQUEST"


# --- the model (quotaProposal) ---------------------------------------------------------------


def model(
    session, who=STAFFING, *, department="scjgj", weights=None, minimum=1, total=None, method="LARGEST_REMAINDER"
):
    return quotas.model_proposal(
        session,
        who,
        department_id=DEPT.get(department, department),
        weights=weights or {"population": 1},
        method=method,
        minimum=minimum,
        total=total,
    )


async def test_the_model_refusals_say_why(session):
    for who in (township_admin("diankou"), dept_admin("zhzfj"), SERVICE):
        with pytest.raises(Forbidden) as err:
            await model(session, who)
        assert (err.value.message, err.value.detail) == (
            "无权测算该部门员额",
            "STAFFING_OFFICE, ORG_DEPARTMENT, LEADERSHIP or the department",
        )
    words = f"权重须为人口、面积、企业数、工作量的 0–{quotas.MAX_WEIGHT} 之间的数且不全为0"
    for weights in (
        {"height": 1},
        {"population": 1, "height": 1},
        {"population": -1},
        {"population": quotas.MAX_WEIGHT * 2},
        {"population": 0, "area": 0},
        {},
    ):
        with pytest.raises(BadInput) as err:
            await quotas.model_proposal(
                session, STAFFING, department_id=DEPT["scjgj"], weights=weights, method="LARGEST_REMAINDER", minimum=1
            )
        assert (err.value.message, err.value.detail) == (
            words,
            f"factors: {quotas.FACTORS}, each 0..{quotas.MAX_WEIGHT}",
        ), weights
    for minimum in (-1, MAX + 1):
        with pytest.raises(BadInput) as err:
            await model(session, minimum=minimum)
        assert (err.value.message, err.value.detail) == (
            f"每机构最少员额须在 0–{MAX} 之间",
            f"minimumPerAgency must be 0..{MAX}",
        )
    for total in (-1, MAX + 1):
        with pytest.raises(BadInput) as err:
            await model(session, total=total)
        assert (err.value.message, err.value.detail) == (f"员额总量须在 0–{MAX} 之间", f"total must be 0..{MAX}")
    with pytest.raises(NotFound) as err:
        await model(session, department=uuid.UUID(int=7))
    assert err.value.message == "部门不存在"
    with pytest.raises(RuleViolation) as err:
        await model(session, minimum=MAX)
    assert (err.value.rule, err.value.message) == ("MINIMUM_EXCEEDS_TOTAL", "员额总量不足以保证每个派驻机构的最低员额")
    assert err.value.detail


async def test_the_models_bounds_belong_in(session):
    total, lines = await model(session, minimum=0, total=0)
    assert total == 0 and all(x.recommended == 0 for x in lines)
    total, lines = await model(session, total=MAX)
    assert total == MAX == sum(x.recommended for x in lines)


async def set_figures(session, column: str, figures: dict) -> None:
    """Each agency's township gets ``figures[agency]`` as its ``column`` (rolled back with the test)."""
    for agency, value in figures.items():
        town = await session.get(Township, (await session.get(Agency, agency)).township_id)
        setattr(town, column, value)
    await session.flush()


COLUMNS = {"population": "population", "area": "area_km2", "enterprises": "enterprises", "workload": "workload"}


@pytest.mark.parametrize("factor", list(COLUMNS))
async def test_the_model_weighs_each_townships_own_figure(session, factor):
    agencies = (
        await session.scalars(select(Agency).where(Agency.department_id == DEPT["scjgj"]).order_by(Agency.id))
    ).all()
    # This factor rises with the agency's position, every other factor falls: the wrong column
    # would give the opposite split.
    for f, column in COLUMNS.items():
        n = len(agencies)
        await set_figures(
            session, column, {a.id: (i + 1 if f == factor else n - i) * 10 for i, a in enumerate(agencies)}
        )
    total, lines = await model(session, weights={factor: 1}, total=1000, minimum=0)
    figures = {a.id: (i + 1) * 10 for i, a in enumerate(agencies)}
    shares = {k: v / sum(figures.values()) for k, v in figures.items()}
    assert {x.agency_id: x.recommended for x in lines} == apportion.apportion(
        1000, shares, minimum=0, method="LARGEST_REMAINDER"
    )
    towns = {t.id: t for t in (await session.scalars(select(Township))).all()}
    for x in lines:
        agency = next(a for a in agencies if a.id == x.agency_id)
        assert (x.township_id, x.current, x.score) == (agency.township_id, agency.quota, round(shares[agency.id], 6))
    codes = [towns[x.township_id].code for x in lines]
    assert codes == sorted(codes)


async def test_a_request_from_the_model_states_its_method_and_weights(session):
    grow, shrink = await shift_one_place(session, "scjgj")
    agencies = (await session.scalars(select(Agency).where(Agency.department_id == DEPT["scjgj"]))).all()
    # Figures that reproduce today's split but for one place moved from `shrink` to `grow`.
    figures = {a.id: a.quota + (a.id == grow) - (a.id == shrink) for a in agencies}
    for column in ("population", "enterprises"):
        await set_figures(session, column, figures)
    request = await quotas.propose_from_model(
        session,
        dept_admin("scjgj"),
        department_id=DEPT["scjgj"],
        weights={"population": 1, "enterprises": 0.5},
        method="LARGEST_REMAINDER",
        minimum=0,
        reason=" 按人口和企业 ",
    )
    assert (
        request.reason == "按人口和企业（测算: LARGEST_REMAINDER, 权重 population×1、enterprises×0.5, 每机构最少 0 名）"
    )
    total = (await session.get(Department, DEPT["scjgj"])).quota_total
    assert (request.old_total, request.new_total) == (total, total)
    assert {k: v[1] for k, v in request.lines.items()} == {str(grow): figures[grow], str(shrink): figures[shrink]}


async def test_department_totals_put_each_total_beside_the_sum_of_its_agencies(session):
    empty = Department(code="new-dept", name="新设部门", quota_total=7)
    session.add(empty)
    await session.flush()
    totals = await quotas.department_totals(session)
    assert totals[empty.id] == (7, 0)  # a department with no agency yet still shows, its agencies summing to 0
    department = await session.get(Department, DEPT["sfj"])
    agencies = (await session.scalars(select(Agency).where(Agency.department_id == DEPT["sfj"]))).all()
    department.quota_total += 3  # out of step, so the two figures differ
    await session.flush()
    assert totals != (tot := await quotas.department_totals(session))
    assert tot[DEPT["sfj"]] == (department.quota_total, sum(a.quota for a in agencies))


# --- approval against today's roster, what it records, and the list ----------------------------


async def _arrival_approved(session, department: str, to):

    rows = await adj.submit(
        session,
        dept_admin(department),
        department_id=DEPT[department],
        effective_date=today(),
        reason="补员",
        items=[
            Item("IN", to_agency_id=to, newcomer={"name": "新人", "birth_date": "1996-01-01", "professional_line": "x"})
        ],
    )
    await adj.org_review(session, ORG_DEPT, batch_id=rows[0].batch_id, approve=True, note=None)
    assert rows[0].status == "APPROVED"


async def _cut_to_people_in_post(session, department: str, agency):
    """A request cutting ``agency`` to its people in post (and the department total with it)."""

    occ = (await vacancies.occupancy(session, [agency]))[agency]
    total = (await session.get(Department, DEPT[department])).quota_total
    return propose(
        session, department=department, quotas_={agency: occ.in_post}, new_total=total - (occ.quota - occ.in_post)
    )


async def test_rule_quota_below_occupancy_counts_approved_arrivals_as_taken(session):
    agency = (await with_room(session, "zhzfj"))[0]
    await _arrival_approved(session, "zhzfj", agency)
    err = await refused(session, RuleViolation, await _cut_to_people_in_post(session, "zhzfj", agency))
    assert err.rule == "QUOTA_BELOW_OCCUPANCY"


async def test_rule_quota_below_occupancy_is_checked_again_at_approval(session):
    agency = (await with_room(session, "zhzfj"))[0]
    request = await (await _cut_to_people_in_post(session, "zhzfj", agency))
    await _arrival_approved(session, "zhzfj", agency)  # someone is on the way since the request
    err = await refused(
        session, RuleViolation, quotas.decide(session, STAFFING, request_id=request.id, approve=True, note=None)
    )
    assert (err.rule, err.extra) == ("QUOTA_BELOW_OCCUPANCY", {"agency_id": str(agency)})


async def test_an_approval_is_recorded_on_the_request_and_announced_for_the_department(session):

    grow, shrink = await shift_one_place(session, "sfj")
    qg, qs = (await session.get(Agency, grow)).quota, (await session.get(Agency, shrink)).quota
    request = await propose(session, quotas_={grow: qg + 1, shrink: qs - 1})
    before = quotas._snapshot(request)
    await quotas.decide(session, STAFFING, request_id=request.id, approve=True, note="同意")
    assert request.decided_at.tzinfo is not None and request.decided_by == "u-staffing_office"
    [record] = (
        await session.scalars(
            select(AuditRecord).where(AuditRecord.entity_id == str(request.id), AuditRecord.action == "quota.approve")
        )
    ).all()
    assert (record.entity_type, record.reason, record.before, record.after) == (
        "QuotaChangeRequest",
        "同意",
        before,
        quotas._snapshot(request),
    )
    [event] = (await session.scalars(select(OutboxEvent).where(OutboxEvent.type == "quota.changed"))).all()
    assert event.aggregate_id == str(DEPT["sfj"])


async def test_a_cut_that_fills_every_gap_closes_the_departments_reminder_notice(session):

    _, [notice] = await reminders.issue(
        session, STAFFING, deadline=today() + dt.timedelta(days=30), note=None, department_ids=[DEPT["zhzfj"]]
    )
    agencies = (await session.scalars(select(Agency.id).where(Agency.department_id == DEPT["zhzfj"]))).all()
    occ = await vacancies.occupancy(session, list(agencies))
    gaps = {a: o.quota - o.in_post - o.incoming for a, o in occ.items() if o.quota - o.in_post - o.incoming > 0}
    total = (await session.get(Department, DEPT["zhzfj"])).quota_total
    request = await propose(
        session,
        department="zhzfj",
        quotas_={a: occ[a].quota - g for a, g in gaps.items()},
        new_total=total - sum(gaps.values()),
    )
    assert notice.status != "CLOSED"
    await quotas.decide(session, STAFFING, request_id=request.id, approve=True, note=None)
    assert notice.status == "CLOSED"


async def test_quota_requests_are_listed_newest_first_in_pages_that_follow_on(session):

    grow, shrink = await shift_one_place(session, "sfj")
    qg, qs = (await session.get(Agency, grow)).quota, (await session.get(Agency, shrink)).quota
    requests = [await propose(session, quotas_={grow: qg + 1, shrink: qs - 1}, reason=f"第{i}次") for i in range(5)]
    same = dt.datetime(2026, 2, 1, tzinfo=dt.timezone.utc)
    for i, r in enumerate(requests):
        at = same if i < 3 else same + dt.timedelta(days=i)
        await session.execute(update(QuotaChangeRequest).where(QuotaChangeRequest.id == r.id).values(requested_at=at))
    await session.flush()
    for r in requests:
        await session.refresh(r)
    expected = [r.id for r in sorted(requests, key=lambda r: (r.requested_at, r.id), reverse=True)]
    seen, after = [], None
    while True:
        page = await quotas.list_requests(session, STAFFING, first=2, after=after)
        assert len(page.items) <= 2
        seen += [r.id for r in page.items]
        if not page.has_next:
            break
        after = page.cursors[-1]
    assert [x for x in seen if x in set(expected)] == expected and len(seen) == len(set(seen))


async def test_the_model_uses_the_method_asked_for_and_says_why_a_minimum_cannot_be_met(session):
    agencies = (await session.scalars(select(Agency).where(Agency.department_id == DEPT["scjgj"]))).all()
    figures = {a.id: (i + 1) ** 3 for i, a in enumerate(agencies)}  # steep: the two methods part ways
    await set_figures(session, "population", figures)
    shares = {k: v / sum(figures.values()) for k, v in figures.items()}
    by = {}
    for method in ("LARGEST_REMAINDER", "HUNTINGTON_HILL"):
        _, lines = await model(session, total=len(agencies) + 3, minimum=0, method=method)
        by[method] = {x.agency_id: x.recommended for x in lines}
        assert by[method] == apportion.apportion(len(agencies) + 3, shares, minimum=0, method=method)
    assert by["LARGEST_REMAINDER"] != by["HUNTINGTON_HILL"]
    try:
        apportion.apportion(5, shares, minimum=3, method="LARGEST_REMAINDER")
    except apportion.ApportionError as exc:
        expected = str(exc)
    with pytest.raises(RuleViolation) as err:
        await model(session, total=5, minimum=3)
    assert err.value.detail == expected
