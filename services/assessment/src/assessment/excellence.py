"""联动化评优 — the excellence flow as plain functions (no I/O).

Order (docs/domain.md): combined scores → the department shortlists the top 40% (入围) → round 1:
the department names up to 12.5% of its assessed people as excellent from the shortlist → round 2:
each township, "综合各派驻部门评定情况", names up to 12.5% of *its* assessed stationed cadres (all
departments together) from the *remaining* shortlisted people stationed with it.

The county's places are counted once (``county_places``): the rounding applies to round 1's
county figure, and round 2 takes what is left of 25% rounded down, so the county names 25% of the
assessed (the fraction of a person below it at most), never more, whatever the rounding. Each
round's county figure is then shared out by largest remainder (``apportion``) — to departments by
their assessed people, to townships by theirs — so no small department or township loses its
fraction to rounding (a 12.5% per department × township pair, rounded down, named only 18%).
Ties at a cut are an explicit setting (``Settings``), and a quota is never exceeded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Hashable, Mapping

ROUNDINGS = ("FLOOR", "HALF_UP", "CEIL")
TIES = ("EXCLUDE_TIED", "TOWNSHIP_SCORE_THEN_EXCLUDE")


@dataclass(frozen=True)
class Settings:
    township_weight: Decimal = Decimal("0.6")
    department_weight: Decimal = Decimal("0.4")
    shortlist_share: Decimal = Decimal("0.40")
    round1_share: Decimal = Decimal("0.125")
    round2_share: Decimal = Decimal("0.125")
    # The base of each round is the county's assessed people (county_places), shared out by
    # largest remainder; the rounding applies to round 1's county figure only.
    rounding: str = "FLOOR"
    ties: str = "EXCLUDE_TIED"

    def __post_init__(self):
        if self.township_weight + self.department_weight != 1:
            raise ValueError("weights must add up to 1")
        if self.rounding not in ROUNDINGS or self.ties not in TIES:
            raise ValueError("unknown rounding or tie rule")
        if not (0 < self.round1_share + self.round2_share <= self.shortlist_share <= 1):
            raise ValueError("the two rounds must fit inside the shortlist")


def combine(township: Decimal, department: Decimal, s: Settings) -> Decimal:
    """总分 = 乡镇权重 × 乡镇评分 + 部门权重 × 部门评分, two decimals."""
    return (s.township_weight * township + s.department_weight * department).quantize(Decimal("0.01"), ROUND_HALF_UP)


def quota(base: int, share: Decimal, rounding: str) -> int:
    exact = Decimal(base) * share
    if rounding == "FLOOR":
        return int(math.floor(exact))
    if rounding == "CEIL":
        return int(math.ceil(exact))
    return int(exact.quantize(Decimal("1"), ROUND_HALF_UP))


def county_places(assessed: int, s: Settings) -> tuple[int, int]:
    """(round 1, round 2) places for the county's ``assessed`` people: round 1 by the cycle's
    rounding, round 2 the rest of (round1 + round2 share) × assessed, rounded down — never above."""
    cap = int(math.floor(Decimal(assessed) * (s.round1_share + s.round2_share)))
    first = min(quota(assessed, s.round1_share, s.rounding), cap)
    return first, cap - first


def apportion(total: int, sizes: Mapping[Hashable, int]) -> dict:
    """``total`` places shared in proportion to ``sizes`` by largest remainder (Hamilton): each
    gets the whole part of its share, the places left go to the largest fractions (ties by key,
    so the answer does not depend on order). The shares add up to ``total`` exactly."""
    whole = sum(sizes.values())
    if whole == 0 or total <= 0:
        return {k: 0 for k in sizes}
    exact = {k: Decimal(total) * n / whole for k, n in sizes.items()}
    shares = {k: int(math.floor(v)) for k, v in exact.items()}
    left = total - sum(shares.values())
    for k in sorted(sizes, key=lambda k: (-(exact[k] - shares[k]), str(k)))[:left]:
        shares[k] += 1
    return shares


def top(
    scores: Mapping[Hashable, Decimal], k: int, ties: str, secondary: Mapping[Hashable, Decimal] | None = None
) -> set:
    """The best ``k`` by score. People tied at the cut all stay out (never more than ``k``), unless
    ``TOWNSHIP_SCORE_THEN_EXCLUDE`` breaks the tie by the township score first."""
    if k <= 0 or not scores:
        return set()
    key = (
        (lambda c: (scores[c], secondary[c]))
        if ties == "TOWNSHIP_SCORE_THEN_EXCLUDE" and secondary
        else (lambda c: (scores[c],))
    )
    ranked = sorted(scores, key=key, reverse=True)
    if k >= len(ranked):
        return set(ranked)
    cut = key(ranked[k - 1])
    if key(ranked[k]) != cut:
        return set(ranked[:k])
    return {c for c in ranked[:k] if key(c) > cut}


@dataclass(frozen=True)
class Shortlist:
    members: frozenset
    size_quota: int
    round1_quota: int


def shortlist(
    totals: Mapping[Hashable, Decimal], s: Settings, township_scores: Mapping[Hashable, Decimal] | None = None
) -> Shortlist:
    base = len(totals)
    k = quota(base, s.shortlist_share, s.rounding)
    return Shortlist(frozenset(top(totals, k, s.ties, township_scores)), k, quota(base, s.round1_share, s.rounding))


class PickError(ValueError):
    def __init__(self, rule: str, message: str):
        self.rule, self.message = rule, message
        super().__init__(message)


def check_round1(picks: set, sl: Shortlist) -> None:
    if not picks <= sl.members:
        raise PickError("PICK_NOT_SHORTLISTED", "只能从入围人员中评定")
    if len(picks) > sl.round1_quota:
        raise PickError("EXCELLENCE_QUOTA_EXCEEDED", f"第一轮名额为 {sl.round1_quota} 名")


def round2_quota(assessed_in_township: int, s: Settings) -> int:
    return quota(assessed_in_township, s.round2_share, s.rounding)


def check_round2(picks: set, sl: Shortlist, round1: set, in_township: set, quota_: int) -> None:
    if picks & round1:
        raise PickError("ALREADY_EXCELLENT", "第一轮已评为优秀的人员不能重复评定")
    if not picks <= sl.members:
        raise PickError("PICK_NOT_SHORTLISTED", "只能从入围人员中评定")
    if not picks <= in_township:
        raise PickError("PICK_OUTSIDE_TOWNSHIP", "只能评定本乡镇(街道)的派驻人员")
    if len(picks) > quota_:
        raise PickError("EXCELLENCE_QUOTA_EXCEEDED", f"本乡镇第二轮名额尚余 {max(quota_, 0)} 名 (各部门共用)")
