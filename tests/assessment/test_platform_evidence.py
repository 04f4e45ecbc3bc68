"""Platform statistics as evidence beside the indicators: the monthly summaries the platform
publishes are kept per cadre and month (a redelivery replaces the month) and added up over a
cycle's period."""

from __future__ import annotations

from assessment_world import cadre_id
from sqlalchemy import select

from assessment import evidence
from assessment.consumers import apply_monthly_summary
from assessment.models import PlatformEvidence


def test_a_cycle_period_covers_its_months():
    assert evidence.months_of("2026") == [f"2026-{m:02d}" for m in range(1, 13)]
    assert evidence.months_of("2026-Q4") == ["2026-10", "2026-11", "2026-12"]
    assert evidence.months_of("2026-11") == ["2026-11"]


def test_months_add_up_with_rates_from_the_counts():
    e = evidence.add_up(
        {
            "2026-10": {
                "closed": 3,
                "dispatched": 4,
                "timed_steps": 8,
                "on_time_steps": 6,
                "callbacks": 2,
                "satisfied": 1,
                "team_visits": 2,
            },
            "2026-11": {
                "closed": 1,
                "dispatched": 1,
                "timed_steps": 2,
                "on_time_steps": 2,
                "callbacks": 0,
                "satisfied": 0,
                "outside_line": 1,
            },
        }
    )
    assert (e.months, e.closed, e.dispatched, e.team_visits, e.outside_line) == (["2026-10", "2026-11"], 4, 5, 2, 1)
    assert (e.on_time_rate, e.satisfaction_rate) == (0.8, 0.5)
    assert evidence.add_up({}).on_time_rate is None


async def test_a_month_is_kept_once_per_cadre(session):
    cadre = cadre_id(0, 0, 1)
    event = {"type": "cadre.monthly_summary", "payload": {"cadre_id": str(cadre), "period": "2026-10", "closed": 2}}
    await apply_monthly_summary(session, event)
    await apply_monthly_summary(session, {**event, "payload": {**event["payload"], "closed": 3}})
    rows = (await session.scalars(select(PlatformEvidence).where(PlatformEvidence.cadre_id == cadre))).all()
    assert [(r.period, r.figures["closed"]) for r in rows] == [("2026-10", 3)]
