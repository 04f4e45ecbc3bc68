"""Property tests of the excellence flow (hypothesis): for any roster and scores the counts never
exceed the quotas, round-2 picks are never round-1 picks, everyone excellent was shortlisted, and
the result does not depend on input order."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment import excellence as ex

score = st.integers(min_value=600, max_value=1000).map(lambda n: Decimal(n) / 10)
roster = st.dictionaries(
    st.integers(min_value=1, max_value=10_000),
    st.tuples(score, score, st.integers(min_value=1, max_value=4)),
    min_size=1,
    max_size=80,
)
config = st.builds(ex.Settings, rounding=st.sampled_from(ex.ROUNDINGS), ties=st.sampled_from(ex.TIES))


def _flow(people, s, seed=0):
    """Department shortlists, names round 1 greedily from the top; each township fills round 2."""
    items = list(people.items())
    random.Random(seed).shuffle(items)
    people = dict(items)
    totals = {c: ex.combine(t, d, s) for c, (t, d, _) in people.items()}
    township_scores = {c: t for c, (t, _, _) in people.items()}
    sl = ex.shortlist(totals, s, township_scores)
    round1 = ex.top({c: totals[c] for c in sl.members}, sl.round1_quota, "EXCLUDE_TIED")
    ex.check_round1(round1, sl)
    round2 = {}
    for town in {w for _, _, w in people.values()}:
        in_town = {c for c, (_, _, w) in people.items() if w == town}
        q = ex.round2_quota(len(in_town), s)
        remaining = {c: totals[c] for c in sl.members & in_town - round1}
        picks = ex.top(remaining, q, "EXCLUDE_TIED")
        ex.check_round2(picks, sl, round1, in_town, q)
        round2[town] = (picks, q)
    return totals, sl, round1, round2


@settings(max_examples=300, deadline=None)
@given(people=roster, s=config)
def test_excellence_flow_invariants(people, s):
    totals, sl, round1, round2 = _flow(people, s)
    assert len(sl.members) <= sl.size_quota <= len(people)
    assert len(round1) <= sl.round1_quota and round1 <= sl.members
    for picks, q in round2.values():
        assert len(picks) <= q and not picks & round1 and picks <= sl.members
    excellent = round1.union(*(p for p, _ in round2.values()))
    assert excellent <= sl.members
    # nobody outside the shortlist scores above someone inside it (ties may leave both out)
    if sl.members and len(sl.members) < len(totals):
        assert min(totals[c] for c in sl.members) >= max(totals[c] for c in set(totals) - sl.members)


@settings(max_examples=150, deadline=None)
@given(people=roster, s=config)
def test_the_result_does_not_depend_on_input_order(people, s):
    assert _flow(people, s, seed=1)[1:] == _flow(people, s, seed=2)[1:]


def test_the_reports_numbers_for_forty_people():
    s = ex.Settings()
    assert (ex.quota(40, s.shortlist_share, "FLOOR"), ex.quota(40, s.round1_share, "FLOOR")) == (16, 5)
    assert ex.combine(Decimal("90"), Decimal("80"), s) == Decimal("86.00")  # 60% township, 40% department


def test_ties_at_the_cut_stay_out_rather_than_exceed_the_quota():
    scores = {"a": Decimal(90), "b": Decimal(85), "c": Decimal(85), "d": Decimal(70)}
    assert ex.top(scores, 2, "EXCLUDE_TIED") == {"a"}
    assert ex.top(scores, 2, "TOWNSHIP_SCORE_THEN_EXCLUDE", {"a": 1, "b": 2, "c": 1, "d": 0}) == {"a", "b"}


@pytest.mark.parametrize("picks, rule", [({"x"}, "PICK_NOT_SHORTLISTED"), ({"a", "b"}, "EXCELLENCE_QUOTA_EXCEEDED")])
def test_round_one_rules(picks, rule):
    sl = ex.Shortlist(frozenset({"a", "b", "c"}), 3, 1)
    with pytest.raises(ex.PickError) as err:
        ex.check_round1(picks, sl)
    assert err.value.rule == rule


@pytest.mark.parametrize(
    "picks, rule",
    [
        ({"a"}, "ALREADY_EXCELLENT"),
        ({"z"}, "PICK_NOT_SHORTLISTED"),
        ({"c"}, "PICK_OUTSIDE_TOWNSHIP"),
        ({"b", "d"}, "EXCELLENCE_QUOTA_EXCEEDED"),
    ],
)
def test_round_two_rules(picks, rule):
    sl = ex.Shortlist(frozenset({"a", "b", "c", "d"}), 4, 1)
    with pytest.raises(ex.PickError) as err:
        ex.check_round2(picks, sl, {"a"}, {"a", "b", "d"}, 1)
    assert err.value.rule == rule


def test_settings_must_be_coherent():
    with pytest.raises(ValueError):
        ex.Settings(township_weight=Decimal("0.7"))
    with pytest.raises(ValueError):
        ex.Settings(round1_share=Decimal("0.3"), round2_share=Decimal("0.2"))
