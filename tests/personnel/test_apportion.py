"""Apportionment methods: exact totals, minimums, order independence, monotonicity (hypothesis)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from personnel.apportion import METHODS, ApportionError, apportion, township_scores

weights_st = st.dictionaries(
    st.text(min_size=1, max_size=4), st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=15
)


@settings(max_examples=300, deadline=None)
@given(
    weights=weights_st,
    extra=st.integers(min_value=0, max_value=300),
    minimum=st.integers(min_value=0, max_value=3),
    method=st.sampled_from(METHODS),
)
def test_apportionment_properties(weights, extra, minimum, method):
    floor = max(minimum, 1) if method == "HUNTINGTON_HILL" else minimum
    total = floor * len(weights) + extra
    seats = apportion(total, weights, minimum=minimum, method=method)
    assert sum(seats.values()) == total
    assert all(v >= floor for v in seats.values())
    # order independence
    shuffled = list(weights.items())
    random.Random(1).shuffle(shuffled)
    assert apportion(total, dict(shuffled), minimum=minimum, method=method) == seats
    # a larger weight never gets fewer places
    for a in weights:
        for b in weights:
            if weights[a] > weights[b]:
                assert seats[a] >= seats[b], (a, b, seats)


def test_the_two_methods_are_the_stated_ones():
    w = {"A": 5, "B": 3, "C": 2}
    assert apportion(10, w, minimum=0, method="LARGEST_REMAINDER") == {"A": 5, "B": 3, "C": 2}
    # Huntington–Hill favours small claims a little more than Hamilton.
    assert apportion(7, {"A": 90, "B": 6, "C": 4}, minimum=1, method="HUNTINGTON_HILL") == {"A": 5, "B": 1, "C": 1}
    assert apportion(7, {"A": 90, "B": 6, "C": 4}, minimum=0, method="LARGEST_REMAINDER") == {"A": 6, "B": 1, "C": 0}


def test_a_minimum_the_total_cannot_cover_is_refused():
    with pytest.raises(ApportionError):
        apportion(5, {"A": 1, "B": 1, "C": 1}, minimum=2)


def test_township_scores_weight_each_factor_by_its_share():
    scores = township_scores(
        {"x": {"population": 300, "area": 10}, "y": {"population": 100, "area": 30}}, {"population": 0.5, "area": 0.5}
    )
    assert scores == pytest.approx({"x": 0.5 * 0.75 + 0.5 * 0.25, "y": 0.5 * 0.25 + 0.5 * 0.75})
