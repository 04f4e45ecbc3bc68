"""Apportionment of a quota total across agencies (动态调整员额): plain functions, no I/O.

Two stated methods:
- ``LARGEST_REMAINDER`` (Hamilton): everyone gets the minimum; the rest is split in proportion to
  the weights, rounded down, and the leftover places go to the largest remainders.
- ``HUNTINGTON_HILL`` (the method of equal proportions): everyone gets the minimum (at least 1);
  each further place goes to the highest priority ``w / sqrt(n (n + 1))``.
Ties go to the key that sorts first, so the result never depends on input order.
"""

from __future__ import annotations

import heapq
import math
from typing import Hashable, Mapping

METHODS = ("LARGEST_REMAINDER", "HUNTINGTON_HILL")


class ApportionError(ValueError):
    pass


def apportion(
    total: int, weights: Mapping[Hashable, float], *, minimum: int = 1, method: str = "LARGEST_REMAINDER"
) -> dict[Hashable, int]:
    if method not in METHODS:
        raise ApportionError(f"unknown method {method}")
    if not weights:
        return {}
    if any(w < 0 or math.isnan(w) for w in weights.values()):
        raise ApportionError("weights must be non-negative numbers")
    keys = sorted(weights, key=str)
    floor = max(minimum, 1) if method == "HUNTINGTON_HILL" else max(minimum, 0)
    if total < floor * len(keys):
        raise ApportionError(f"total {total} cannot give {len(keys)} agencies at least {floor} each")
    seats = {k: floor for k in keys}
    rest = total - floor * len(keys)
    if rest == 0:
        return seats
    weight_sum = sum(weights[k] for k in keys)
    if weight_sum == 0:
        weights = {k: 1.0 for k in keys}  # nothing to tell them apart: split evenly
        weight_sum = float(len(keys))
    if method == "LARGEST_REMAINDER":
        exact = {k: rest * weights[k] / weight_sum for k in keys}
        for k in keys:
            seats[k] += int(exact[k])
        leftover = total - sum(seats.values())
        order = sorted(keys, key=lambda k: (-(exact[k] - int(exact[k])), -weights[k], str(k)))
        for k in order[:leftover]:
            seats[k] += 1
        return seats
    heap = [(-weights[k] / math.sqrt(seats[k] * (seats[k] + 1)), str(k), i) for i, k in enumerate(keys)]
    heapq.heapify(heap)
    for _ in range(rest):
        _, _, i = heapq.heappop(heap)
        k = keys[i]
        seats[k] += 1
        heapq.heappush(heap, (-weights[k] / math.sqrt(seats[k] * (seats[k] + 1)), str(k), i))
    return seats


def township_scores(
    metrics: Mapping[Hashable, Mapping[str, float]], weights: Mapping[str, float]
) -> dict[Hashable, float]:
    """Each township's share of each factor (population, area, enterprises, workload), weighted."""
    totals = {f: sum(m.get(f, 0.0) for m in metrics.values()) for f in weights}
    return {
        k: sum(w * (m.get(f, 0.0) / totals[f] if totals[f] else 0.0) for f, w in weights.items())
        for k, m in metrics.items()
    }
