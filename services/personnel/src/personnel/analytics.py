"""Roster analytics (队伍结构): fill rate, enforcement share, the old/middle/young mix (老中青),
tenure in township — by department, by township, or for the whole county. One grouped query.

Age bands: 青 under 35, 中 35–49, 老 50 and over (``YOUNG_BELOW`` / ``OLD_FROM``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import Integer, cast, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.principal import Principal

from . import policy
from .calendar import today
from .models import Agency, Cadre
from .vacancies import OCCUPYING

YOUNG_BELOW = 35
OLD_FROM = 50


def age_band(years: int) -> str:
    """老中青: ``YOUNG`` under 35, ``MIDDLE`` 35–49, ``OLD`` 50 and over."""
    return "YOUNG" if years < YOUNG_BELOW else "OLD" if years >= OLD_FROM else "MIDDLE"


@dataclass(frozen=True)
class Structure:
    key: uuid.UUID | None
    quota: int
    in_post: int
    enforcement: int
    young: int
    middle: int
    old: int
    tenure_under_1: int
    tenure_1_to_2: int
    tenure_2_to_5: int
    tenure_5_plus: int
    average_age: float

    @property
    def fill_rate(self) -> float:
        return round(self.in_post / self.quota, 4) if self.quota else 1.0

    @property
    def enforcement_share(self) -> float:
        return round(self.enforcement / self.in_post, 4) if self.in_post else 0.0


def _years(since, on: dt.date):
    # whole years between two dates, in SQL
    return cast(func.date_part("year", func.age(literal(on), since)), Integer)


async def structure(session: AsyncSession, principal: Principal, by: str) -> list[Structure]:
    on = today()
    key_of = {
        "department": (Cadre.department_id, Agency.department_id),
        "township": (Cadre.township_id, Agency.township_id),
        "county": (literal(None), literal(None)),
    }[by]
    age = _years(Cadre.birth_date, on)
    tenure = _years(Cadre.posted_on, on)
    people = (
        select(
            key_of[0].label("key"),
            func.count().label("in_post"),
            func.count().filter(Cadre.is_enforcement).label("enforcement"),
            func.count().filter(age < YOUNG_BELOW).label("young"),
            func.count().filter(age.between(YOUNG_BELOW, OLD_FROM - 1)).label("middle"),
            func.count().filter(age >= OLD_FROM).label("old"),
            func.count().filter(tenure < 1).label("t0"),
            func.count().filter(tenure == 1).label("t1"),
            func.count().filter(tenure.between(2, 4)).label("t2"),
            func.count().filter(tenure >= 5).label("t5"),
            func.coalesce(func.avg(age), 0).label("avg_age"),
        )
        .where(Cadre.status.in_(OCCUPYING))
        .group_by(key_of[0])
    )
    places = select(key_of[1].label("key"), func.sum(Agency.quota).label("quota")).group_by(key_of[1])
    visible = policy.cadre_visibility(principal)
    if visible is not None:
        people = people.where(visible)
        places = places.where(policy.agency_visibility(principal))
    people, places = people.subquery(), places.subquery()
    join = places.c.key.is_not_distinct_from(people.c.key)
    rows = (
        await session.execute(
            select(
                places.c.key,
                places.c.quota,
                *[
                    func.coalesce(people.c[c], 0)
                    for c in ("in_post", "enforcement", "young", "middle", "old", "t0", "t1", "t2", "t5", "avg_age")
                ],
            )
            .select_from(places.join(people, join, isouter=True))
            .order_by(places.c.key)
        )
    ).all()
    return [Structure(r[0], int(r[1] or 0), *[int(x) for x in r[2:11]], round(float(r[11]), 1)) for r in rows]
