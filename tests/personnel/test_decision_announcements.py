"""双重管理's decisions are announced for the waiting party's 待办 in the transaction of each change:
a township's recommendation (the department decides), a career recommendation (组织部), a
middle-post proposal (the department consents). Ids, status and scopes only: no names, no reasons."""

from __future__ import annotations

from personnel_world import ORG_DEPT, cadre_in, dept_admin, township_admin
from sqlalchemy import select

from personnel import development as dev
from personnel import recommendations
from personnel.models import Township
from servicekit.outbox import OutboxEvent


async def _announced(session, aggregate_id) -> list[tuple[str, dict]]:
    rows = (
        await session.scalars(
            select(OutboxEvent).where(OutboxEvent.aggregate_id == str(aggregate_id)).order_by(OutboxEvent.id)
        )
    ).all()
    return [(e.type, e.payload) for e in rows]


async def test_a_township_recommendation_is_announced_pending_then_decided(session):
    cadre = await cadre_in(session, "sfj", min_years=2.5)
    town = (await session.get(Township, cadre.township_id)).code
    rec = await recommendations.recommend(
        session, township_admin(town), cadre_id=cadre.id, kind="DISMISS", reasons="群众反映强烈"
    )
    await recommendations.decide(session, dept_admin("sfj"), recommendation_id=rec.id, accept=False, note="不属实")
    scope = {"kind": "DISMISS", "department_id": str(cadre.department_id), "township_id": str(cadre.township_id)}
    assert await _announced(session, rec.id) == [
        ("township_recommendation.changed", {"status": "PENDING", **scope}),
        ("township_recommendation.changed", {"status": "DECLINED", **scope}),
    ]


async def test_a_career_recommendation_and_a_middle_post_are_announced_until_decided(session):
    cadre = await cadre_in(session, "sfj", min_years=0)
    town = (await session.get(Township, cadre.township_id)).code
    rec = await dev.recommend(session, dept_admin("sfj"), cadre_id=cadre.id, target="RESERVE", reasons="业务骨干")
    await dev.decide_recommendation(session, ORG_DEPT, recommendation_id=rec.id, approve=True, note=None)
    assert [p["status"] for _, p in await _announced(session, rec.id)] == ["PENDING", "APPROVED"]
    post = await dev.propose_middle_post(
        session, township_admin(town), cadre_id=cadre.id, post="综治办副主任", concurrent=True
    )
    await dev.consent_middle_post(session, dept_admin("sfj"), middle_post_id=post.id, consent=True)
    scope = {"department_id": str(cadre.department_id), "township_id": str(cadre.township_id)}
    assert await _announced(session, post.id) == [
        ("middle_post.changed", {"status": "PROPOSED", **scope}),
        ("middle_post.changed", {"status": "HELD", **scope}),
    ]
