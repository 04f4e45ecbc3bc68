"""培养选任: plans, sessions with attendance, mentoring, two-way recommendation and posts."""

from __future__ import annotations

import datetime as dt

import pytest
from personnel_world import DEPT, ORG_DEPT, STAFFING, TOWN, dept_admin, township_admin
from sqlalchemy import select

from personnel import development as dev
from personnel.calendar import today
from personnel.models import Cadre, Township
from servicekit.errors import Forbidden, RuleViolation

YEAR = today().year


async def _people(session, dept, n=3, township=None):
    stmt = select(Cadre).where(Cadre.department_id == DEPT[dept], Cadre.status == "IN_POST").order_by(Cadre.id)
    if township:
        stmt = stmt.where(Cadre.township_id == TOWN[township])
    return list((await session.scalars(stmt.limit(n))).all())


async def test_a_department_files_one_plan_a_year_and_records_sessions(session):
    plan = await dev.file_plan(
        session,
        dept_admin("sfj"),
        owner_kind="DEPARTMENT",
        owner_id=DEPT["sfj"],
        year=YEAR,
        title="司法所业务轮训",
        content="人民调解、社区矫正",
    )
    with pytest.raises(RuleViolation) as err:
        await dev.file_plan(
            session,
            dept_admin("sfj"),
            owner_kind="DEPARTMENT",
            owner_id=DEPT["sfj"],
            year=YEAR,
            title="再报一次",
            content="x",
        )
    assert err.value.rule == "ONE_PLAN_PER_YEAR"
    people = await _people(session, "sfj")
    for kind in ("ROTATION_TRAINING", "CASE_CONSULTATION", "CASE_CONSULTATION"):
        await dev.record_session(
            session,
            dept_admin("sfj"),
            plan_id=plan.id,
            kind=kind,
            title="会商",
            held_on=dt.date(YEAR, 3, 1),
            attendance={p.id: i != 0 for i, p in enumerate(people)},
        )
    stats = {s.department_id: s for s in await dev.statistics(session, YEAR)}[DEPT["sfj"]]
    assert (stats.rotation_trainings, stats.case_consultations) == (1, 2)
    assert stats.attendance_rate == pytest.approx(2 / 3, abs=1e-3)


async def test_rule_attendee_out_of_scope(session):
    plan = await dev.file_plan(
        session,
        township_admin("diankou"),
        owner_kind="TOWNSHIP",
        owner_id=TOWN["diankou"],
        year=YEAR,
        title="店口镇干部培训",
        content="网格工作",
    )
    elsewhere = await _people(session, "sfj", 1, township="fengqiao")
    with pytest.raises(RuleViolation) as err:
        await dev.record_session(
            session,
            township_admin("diankou"),
            plan_id=plan.id,
            kind="OTHER",
            title="x",
            held_on=dt.date(YEAR, 5, 1),
            attendance={elsewhere[0].id: True},
        )
    assert err.value.rule == "ATTENDEE_OUT_OF_SCOPE"
    here = await _people(session, "zhzfj", 2, township="diankou")  # stationed in 店口 from another department
    row = await dev.record_session(
        session,
        township_admin("diankou"),
        plan_id=plan.id,
        kind="OTHER",
        title="网格培训",
        held_on=dt.date(YEAR, 5, 1),
        attendance={p.id: True for p in here},
    )
    assert row.id


async def test_rule_mentor_same_department(session):
    (a,) = await _people(session, "sfj", 1)
    (b,) = await _people(session, "zhzfj", 1)
    with pytest.raises(RuleViolation) as err:
        await dev.pair_mentor(session, dept_admin("sfj"), mentor_id=b.id, mentee_id=a.id)
    assert err.value.rule == "MENTOR_SAME_DEPARTMENT"
    mentor, mentee, other = await _people(session, "sfj", 3)
    await dev.pair_mentor(session, dept_admin("sfj"), mentor_id=mentor.id, mentee_id=mentee.id)
    with pytest.raises(RuleViolation) as err:
        await dev.pair_mentor(session, dept_admin("sfj"), mentor_id=other.id, mentee_id=mentee.id)
    assert err.value.rule == "MENTEE_ALREADY_PAIRED"


async def test_the_demo_holds_the_reports_development_figures(session):
    """近两年6名提任乡科级副职、17名担(兼)任乡镇中层; one department's year: 4 集中轮训, 6 案件会商."""
    from personnel.seed import TRAINING_YEAR

    stats = await dev.statistics(session, TRAINING_YEAR)
    assert sum(s.promotions_approved for s in stats) == 6
    assert sum(s.middle_posts_held for s in stats) == 17
    sfj = {s.department_id: s for s in stats}[DEPT["sfj"]]
    assert (sfj.rotation_trainings, sfj.case_consultations) == (4, 6) and 0.8 < sfj.attendance_rate < 1


async def test_both_sides_recommend_and_the_organisation_department_decides(session):
    (cadre,) = await _people(session, "sfj", 1)
    promoted_before = {s.department_id: s for s in await dev.statistics(session, YEAR)}[DEPT["sfj"]].promotions_approved
    town = (await session.get(Township, cadre.township_id)).code
    by_dept = await dev.recommend(session, dept_admin("sfj"), cadre_id=cadre.id, target="PROMOTION", reasons="业务骨干")
    by_town = await dev.recommend(
        session, township_admin(town), cadre_id=cadre.id, target="PROMOTION", reasons="群众认可"
    )
    assert (by_dept.side, by_town.side) == ("DEPARTMENT", "TOWNSHIP")
    with pytest.raises(RuleViolation) as err:
        await dev.recommend(session, dept_admin("sfj"), cadre_id=cadre.id, target="PROMOTION", reasons="再推")
    assert err.value.rule == "DUPLICATE_RECOMMENDATION"
    for who in (dept_admin("sfj"), STAFFING, township_admin(town)):
        with pytest.raises(Forbidden):
            await dev.decide_recommendation(session, who, recommendation_id=by_dept.id, approve=True, note=None)
    await dev.decide_recommendation(session, ORG_DEPT, recommendation_id=by_dept.id, approve=True, note="提拔为副科")
    stats = {s.department_id: s for s in await dev.statistics(session, YEAR)}[DEPT["sfj"]]
    assert stats.promotions_approved == promoted_before + 1


async def test_rule_middle_post_needs_department_consent(session):
    (cadre,) = await _people(session, "sfj", 1)
    town = (await session.get(Township, cadre.township_id)).code
    post = await dev.propose_middle_post(
        session, township_admin(town), cadre_id=cadre.id, post="综治办副主任", concurrent=True
    )
    assert post.status == "PROPOSED"
    with pytest.raises(Forbidden):
        await dev.consent_middle_post(session, township_admin(town), middle_post_id=post.id, consent=True)
    await dev.consent_middle_post(session, dept_admin("sfj"), middle_post_id=post.id, consent=True)
    assert post.status == "HELD" and post.start_date == today()
    with pytest.raises(RuleViolation) as err:
        await dev.consent_middle_post(session, dept_admin("sfj"), middle_post_id=post.id, consent=False)
    assert err.value.rule == "MIDDLE_POST_NEEDS_DEPARTMENT_CONSENT"
