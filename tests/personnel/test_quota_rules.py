"""员额 (quota) rules: the staffing office approves every change; the ledger always adds up."""

from __future__ import annotations

import pytest
from personnel_world import (
    DEPT,
    LEADER,
    ORG_DEPT,
    STAFFING,
    TOWN,
    agency_id,
    dept_admin,
    shift_one_place,
    township_admin,
    with_room,
)
from sqlalchemy import func, select

from personnel import quotas, vacancies
from personnel.models import Agency, Department, QuotaChangeRequest
from servicekit.audit import AuditRecord
from servicekit.errors import Forbidden, RuleViolation
from servicekit.principal import Principal

SERVICE = Principal(
    subject="sfj-system", kind="service", client_id="sfj-system", token_id="t", scopes=frozenset({"roster:read"})
)


async def _quota(session, dept, town) -> int:
    return (await session.get(Agency, agency_id(dept, town))).quota


async def _q(session, agency) -> int:
    return (await session.get(Agency, agency)).quota


async def test_demo_ledger_reproduces_the_report(session):
    totals = await quotas.department_totals(session)
    assert sum(t for t, _ in totals.values()) == 597
    assert all(total == agencies for total, agencies in totals.values())
    by_dept = await vacancies.summary(session, "department")
    assert sum(s.in_post for s in by_dept) == 566 and sum(s.vacancy for s in by_dept) == 31


async def test_a_quota_change_takes_effect_only_when_the_staffing_office_approves(session):
    a, b = await shift_one_place(session, "sfj")
    qa, qb = await _q(session, a), await _q(session, b)
    request = await quotas.propose(
        session,
        dept_admin("sfj"),
        department_id=DEPT["sfj"],
        new_total=None,
        agency_quotas={a: qa + 1, b: qb - 1},
        reason="店口镇人口增长",
    )
    assert request.status == "PENDING" and await _q(session, a) == qa
    await quotas.decide(session, STAFFING, request_id=request.id, approve=True, note="同意")
    assert (await _q(session, a), await _q(session, b)) == (qa + 1, qb - 1)
    actions = (await session.scalars(select(AuditRecord.action).where(AuditRecord.entity_id == str(request.id)))).all()
    assert list(actions) == ["quota.request", "quota.approve"]


async def test_rule_quota_sum_matches_total(session):
    a = agency_id("sfj", "diankou")
    with pytest.raises(RuleViolation) as err:
        await quotas.propose(
            session,
            dept_admin("sfj"),
            department_id=DEPT["sfj"],
            new_total=None,
            agency_quotas={a: await _quota(session, "sfj", "diankou") + 1},
            reason="只加不减",
        )
    assert err.value.rule == "QUOTA_SUM_MATCHES_TOTAL"
    assert await session.scalar(select(func.count()).select_from(QuotaChangeRequest)) == 0


async def test_rule_quota_sum_matches_total_with_a_new_department_total(session):
    a = agency_id("sfj", "diankou")
    department = await session.get(Department, DEPT["sfj"])
    request = await quotas.propose(
        session,
        dept_admin("sfj"),
        department_id=DEPT["sfj"],
        new_total=department.quota_total + 2,
        agency_quotas={a: await _quota(session, "sfj", "diankou") + 2},
        reason="省定下沉指标增加",
    )
    await quotas.decide(session, STAFFING, request_id=request.id, approve=True, note=None)
    totals = await quotas.department_totals(session)
    assert totals[DEPT["sfj"]] == (department.quota_total, department.quota_total)


async def test_rule_quota_below_occupancy(session):
    target = agency_id("zhzfj", "diankou")
    occ = (await vacancies.occupancy(session, [target]))[target]
    other = agency_id("zhzfj", "tongshan")
    moved = occ.quota - (occ.in_post - 1)  # leaves one place fewer than the people in post
    with pytest.raises(RuleViolation) as err:
        await quotas.propose(
            session,
            dept_admin("zhzfj"),
            department_id=DEPT["zhzfj"],
            new_total=None,
            agency_quotas={target: occ.in_post - 1, other: await _q(session, other) + moved},
            reason="压减",
        )
    assert err.value.rule == "QUOTA_BELOW_OCCUPANCY"


async def test_rule_reorganisation_lowers_total(session):
    a = (await with_room(session, "scjgj"))[0]  # a place that can go without breaking occupancy
    department = await session.get(Department, DEPT["scjgj"])
    quota = await _q(session, a)
    with pytest.raises(RuleViolation) as err:
        await quotas.propose(
            session,
            dept_admin("scjgj"),
            department_id=DEPT["scjgj"],
            new_total=department.quota_total - 1,
            agency_quotas={a: quota - 1},
            reason="五泄并入枫桥片区",
            reorganisation=True,
        )
    assert err.value.rule == "REORGANISATION_LOWERS_TOTAL"


async def test_rule_request_already_decided(session):
    a, b = await shift_one_place(session, "zhzfj")
    request = await quotas.propose(
        session,
        dept_admin("zhzfj"),
        department_id=DEPT["zhzfj"],
        new_total=None,
        agency_quotas={a: await _q(session, a) + 1, b: await _q(session, b) - 1},
        reason="调剂",
    )
    await quotas.decide(session, STAFFING, request_id=request.id, approve=False, note="理由不充分")
    with pytest.raises(RuleViolation) as err:
        await quotas.decide(session, STAFFING, request_id=request.id, approve=True, note=None)
    assert err.value.rule == "REQUEST_ALREADY_DECIDED"


@pytest.mark.parametrize("who", [dept_admin("sfj"), township_admin("diankou"), ORG_DEPT, LEADER])
async def test_only_the_staffing_office_decides(session, who):
    a, b = await shift_one_place(session, "sfj")
    request = await quotas.propose(
        session,
        dept_admin("sfj"),
        department_id=DEPT["sfj"],
        new_total=None,
        agency_quotas={a: await _q(session, a) + 1, b: await _q(session, b) - 1},
        reason="调剂",
    )
    with pytest.raises(Forbidden):
        await quotas.decide(session, who, request_id=request.id, approve=True, note=None)


@pytest.mark.parametrize("who", [dept_admin("zhzfj"), township_admin("diankou"), ORG_DEPT, LEADER])
async def test_only_the_department_itself_or_the_staffing_office_proposes(session, who):
    with pytest.raises(Forbidden):
        await quotas.propose(
            session,
            who,
            department_id=DEPT["sfj"],
            new_total=None,
            agency_quotas={agency_id("sfj", "diankou"): 1},
            reason="x",
        )


async def test_roster_structure_reproduces_the_enforcement_share_and_adds_up(session):
    from personnel import analytics

    county = await analytics.structure(session, STAFFING, "county")
    assert len(county) == 1
    c = county[0]
    assert (c.quota, c.in_post) == (597, 566) and c.enforcement_share > 0.71
    assert c.young + c.middle + c.old == c.in_post
    assert c.tenure_under_1 + c.tenure_1_to_2 + c.tenure_2_to_5 + c.tenure_5_plus == c.in_post
    by_township = await analytics.structure(session, STAFFING, "township")
    assert len(by_township) == 12 and sum(t.in_post for t in by_township) == 566


async def test_roster_structure_is_limited_to_what_a_department_may_see(session):
    from personnel import analytics

    rows = await analytics.structure(session, dept_admin("sfj"), "department")
    assert [r.key for r in rows] == [DEPT["sfj"]] and rows[0].quota == 100


async def test_the_dynamic_model_recommends_a_split_that_adds_up_and_becomes_a_request(session):
    total, lines = await quotas.model_proposal(
        session,
        dept_admin("scjgj"),
        department_id=DEPT["scjgj"],
        weights={"population": 0.5, "enterprises": 0.5},
        method="HUNTINGTON_HILL",
        minimum=2,
    )
    assert total == 140 and sum(x.recommended for x in lines) == 140 and min(x.recommended for x in lines) >= 2
    by_town = {x.township_id: x.recommended for x in lines}
    assert by_town[TOWN["diankou"]] > by_town[TOWN["tongshan"]]  # 店口: many more people and firms


async def test_rule_minimum_exceeds_total(session):
    with pytest.raises(RuleViolation) as err:
        await quotas.model_proposal(
            session, STAFFING, department_id=DEPT["sthjfj"], weights={"area": 1}, method="LARGEST_REMAINDER", minimum=3
        )  # 12 agencies × 3 > 30
    assert err.value.rule == "MINIMUM_EXCEEDS_TOTAL"


async def test_a_model_split_that_would_drop_below_the_people_in_post_is_refused(session):
    # Weighting by area alone moves places to the large mountain townships, below the people in post elsewhere.
    with pytest.raises(RuleViolation) as err:
        await quotas.propose_from_model(
            session,
            dept_admin("zhzfj"),
            department_id=DEPT["zhzfj"],
            weights={"area": 1},
            method="LARGEST_REMAINDER",
            minimum=1,
            reason="按面积",
        )
    assert err.value.rule == "QUOTA_BELOW_OCCUPANCY"


@pytest.mark.parametrize("who", ["another department", "a township", "a department system"])
async def test_a_quota_model_is_for_the_county_offices_and_the_department_itself(session, who):
    """The model's split of a department's quota (quotaProposal): 编办, 组织部, leadership and that
    department; another department, a township and a service token are refused."""
    principal = {
        "another department": dept_admin("zhzfj"),
        "a township": township_admin("diankou"),
        "a department system": SERVICE,
    }[who]
    with pytest.raises(Forbidden):
        await quotas.model_proposal(
            session,
            principal,
            department_id=DEPT["scjgj"],
            weights={"population": 1},
            method="HUNTINGTON_HILL",
            minimum=1,
        )
    for allowed in (STAFFING, ORG_DEPT, LEADER, dept_admin("scjgj")):
        total, _ = await quotas.model_proposal(
            session,
            allowed,
            department_id=DEPT["scjgj"],
            weights={"population": 1},
            method="HUNTINGTON_HILL",
            minimum=1,
        )
        assert total == 140


@pytest.mark.parametrize("weight", [0.0, 1_000_000.0])
async def test_a_weight_of_zero_or_the_bound_is_accepted(session, weight):
    """Weights are relative and may be zero (a factor left out) up to MAX_WEIGHT; the bounds belong in."""
    total, lines = await quotas.model_proposal(
        session,
        STAFFING,
        department_id=DEPT["scjgj"],
        weights={"population": 1, "area": weight},
        method="LARGEST_REMAINDER",
        minimum=1,
    )
    assert total == sum(x.recommended for x in lines) == 140


async def test_on_duty_counts_only_those_really_working_there(session):
    """真沉真下: 实有 (on the list, holding the quota) and 在岗 (really working there) are both shown;
    a seconded or on-leave person is 实有 but a gap in 在岗."""
    from sqlalchemy import update as sql_update

    from personnel.models import Cadre

    before = {s.key: s for s in await vacancies.summary(session, "department")}
    [seconded, on_leave] = (
        await session.scalars(
            select(Cadre.id).where(Cadre.department_id == DEPT["sfj"], Cadre.status == "IN_POST").limit(2)
        )
    ).all()
    await session.execute(sql_update(Cadre).where(Cadre.id == seconded).values(status="SECONDED"))
    await session.execute(sql_update(Cadre).where(Cadre.id == on_leave).values(status="ON_LEAVE"))
    after = {s.key: s for s in await vacancies.summary(session, "department")}
    b, a = before[DEPT["sfj"]], after[DEPT["sfj"]]
    assert (a.in_post, a.vacancy) == (b.in_post, b.vacancy)  # 实有 and 缺额 unchanged: the posts are held
    assert (a.on_duty, a.on_duty_gap) == (b.on_duty - 2, b.on_duty_gap + 2)
    assert b.on_duty == b.in_post  # the demo has everyone in post
