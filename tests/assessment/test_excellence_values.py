"""The excellence arithmetic by value (联动化评优): settings that cannot work are refused, the total
rounds half up, the cut at the shortlist, and each refusal's rule *and* the words a person reads."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assessment import excellence as ex


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"township_weight": Decimal("0.6"), "department_weight": Decimal("0.5")}, "weights must add up to 1"),
        ({"rounding": "BANKERS"}, "unknown rounding or tie rule"),
        ({"ties": "COIN_TOSS"}, "unknown rounding or tie rule"),
        (
            {"round1_share": Decimal("0.25"), "round2_share": Decimal("0.25")},
            "the two rounds must fit inside the shortlist",
        ),
        ({"round1_share": Decimal("0"), "round2_share": Decimal("0")}, "the two rounds must fit inside the shortlist"),
        ({"shortlist_share": Decimal("1.1")}, "the two rounds must fit inside the shortlist"),
    ],
)
def test_settings_that_cannot_work_are_refused(kwargs, message):
    with pytest.raises(ValueError) as err:
        ex.Settings(**kwargs)
    assert str(err.value) == message


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {
            "round1_share": Decimal("0.2"),
            "round2_share": Decimal("0.2"),
            "shortlist_share": Decimal("0.4"),
        },  # exactly fits
        {"shortlist_share": Decimal("1")},
        {
            "township_weight": Decimal("0.55"),
            "department_weight": Decimal("0.45"),
            "rounding": "CEIL",
            "ties": "TOWNSHIP_SCORE_THEN_EXCLUDE",
        },
    ],
)
def test_settings_at_the_edges_are_accepted(kwargs):
    ex.Settings(**kwargs)


def test_the_total_rounds_half_up_to_two_decimals():
    s = ex.Settings(township_weight=Decimal("0.55"), department_weight=Decimal("0.45"))
    assert ex.combine(Decimal("80"), Decimal("80.10"), s) == Decimal("80.05")  # 80.045: half up, not to even
    assert ex.combine(Decimal("90"), Decimal("80"), ex.Settings()) == Decimal("86.00")


def test_top_with_no_places_or_no_people_is_empty():
    assert ex.top({"a": Decimal(90), "b": Decimal(80)}, 0, "EXCLUDE_TIED") == set()
    assert ex.top({}, 3, "EXCLUDE_TIED") == set()


def test_a_tie_at_the_cut_keeps_both_out_unless_the_township_score_decides():
    totals = {"a": Decimal(95), "b": Decimal(90), "c": Decimal(90), "d": Decimal(80)}
    township = {"a": Decimal(90), "b": Decimal(92), "c": Decimal(88), "d": Decimal(80)}
    assert ex.top(totals, 2, "EXCLUDE_TIED", township) == {"a"}  # the township scores are there but not asked for
    assert ex.top(totals, 2, "TOWNSHIP_SCORE_THEN_EXCLUDE", township) == {"a", "b"}


def test_the_shortlist_uses_the_cycles_tie_rule_and_rounding():
    totals = {f"p{i}": Decimal(100 - i) for i in range(20)}
    totals["p7"] = totals["p8"] = Decimal(91)  # a tie at the 8th place (40% of 20)
    township = {k: Decimal(80) for k in totals} | {"p7": Decimal(85)}
    excluding = ex.shortlist(totals, ex.Settings(rounding="FLOOR"), township)
    assert (excluding.size_quota, excluding.round1_quota) == (8, 2)  # 2.5 places rounded down
    assert "p7" not in excluding.members and "p8" not in excluding.members and len(excluding.members) == 7
    deciding = ex.shortlist(totals, ex.Settings(rounding="FLOOR", ties="TOWNSHIP_SCORE_THEN_EXCLUDE"), township)
    assert "p7" in deciding.members and "p8" not in deciding.members and len(deciding.members) == 8
    assert ex.shortlist(totals, ex.Settings(rounding="HALF_UP")).round1_quota == 3


SL = ex.Shortlist(members=frozenset({"a", "b", "c", "d"}), size_quota=4, round1_quota=1)


@pytest.mark.parametrize(
    "call, rule, message",
    [
        (lambda: ex.check_round1({"z"}, SL), "PICK_NOT_SHORTLISTED", "只能从入围人员中评定"),
        (lambda: ex.check_round1({"a", "b"}, SL), "EXCELLENCE_QUOTA_EXCEEDED", "第一轮名额为 1 名"),
        (
            lambda: ex.check_round2({"a"}, SL, {"a"}, {"a", "b"}, 1),
            "ALREADY_EXCELLENT",
            "第一轮已评为优秀的人员不能重复评定",
        ),
        (lambda: ex.check_round2({"z"}, SL, {"a"}, {"z"}, 1), "PICK_NOT_SHORTLISTED", "只能从入围人员中评定"),
        (
            lambda: ex.check_round2({"b"}, SL, {"a"}, {"c"}, 1),
            "PICK_OUTSIDE_TOWNSHIP",
            "只能评定本乡镇(街道)的派驻人员",
        ),
        (
            lambda: ex.check_round2({"b", "c"}, SL, {"a"}, {"b", "c"}, 1),
            "EXCELLENCE_QUOTA_EXCEEDED",
            "本乡镇第二轮名额尚余 1 名 (各部门共用)",
        ),
    ],
)
def test_each_refusal_names_its_rule_and_says_why(call, rule, message):
    with pytest.raises(ex.PickError) as err:
        call()
    assert (err.value.rule, err.value.message, str(err.value)) == (rule, message, message)


def test_picks_within_the_places_pass():
    ex.check_round1({"a"}, SL)
    ex.check_round1(set(), SL)
    ex.check_round2({"b"}, SL, {"a"}, {"b", "c"}, 1)
