"""One adjustment item checked on its own (``adjustments._validate_item``, ``_check_tenure``): what
each kind must and must not carry, the person it names, and the 2-year rule — each refusal with its
exact words, as the department's screen shows them. Plain values, no database."""

from __future__ import annotations

import datetime as dt
import uuid
from types import SimpleNamespace

import pytest

from personnel import adjustments as adj
from personnel.adjustments import Item
from servicekit.errors import BadInput, Conflict, Forbidden, NotFound, RuleViolation

DEPARTMENT, OTHER_DEPARTMENT = uuid.UUID(int=1), uuid.UUID(int=2)
HOME_TOWN, OTHER_TOWN = uuid.UUID(int=11), uuid.UUID(int=12)
A, B, C = uuid.UUID(int=21), uuid.UUID(int=22), uuid.UUID(int=23)  # A, B in HOME_TOWN; C elsewhere
PERSON = uuid.UUID(int=31)
AGENCIES = {
    A: SimpleNamespace(id=A, township_id=HOME_TOWN, department_id=DEPARTMENT),
    B: SimpleNamespace(id=B, township_id=HOME_TOWN, department_id=DEPARTMENT),
    C: SimpleNamespace(id=C, township_id=OTHER_TOWN, department_id=DEPARTMENT),
}
NEWCOMER = {"name": "沈若溪", "birth_date": "1995-04-12", "professional_line": "人民调解"}
ON = dt.date(2026, 6, 1)


def cadre(**kw):
    base = dict(
        id=PERSON,
        department_id=DEPARTMENT,
        agency_id=A,
        township_id=HOME_TOWN,
        status="IN_POST",
        posted_on=ON - dt.timedelta(days=400),
    )
    return SimpleNamespace(**{**base, **kw})


def validate(item: Item, person=None):
    adj._validate_item(item, {PERSON: person or cadre()}, AGENCIES, DEPARTMENT)


def refusal(exc_type, item: Item, person=None):
    with pytest.raises(exc_type) as err:
        validate(item, person)
    return err.value


def test_each_kind_passes_with_exactly_what_it_needs():
    validate(Item("IN", to_agency_id=A, newcomer=NEWCOMER))
    validate(Item("OUT", cadre_id=PERSON, from_agency_id=A))
    validate(Item("TRANSFER", cadre_id=PERSON, from_agency_id=A, to_agency_id=B))
    validate(Item("HEAD_CHANGE", cadre_id=PERSON, to_agency_id=A))
    for status in ("SECONDED", "ON_LEAVE"):  # still holding the post
        validate(Item("OUT", cadre_id=PERSON, from_agency_id=A), cadre(status=status))


def test_an_unknown_kind_is_refused_and_the_kinds_are_named():
    err = refusal(BadInput, Item("PROMOTION", cadre_id=PERSON))
    assert err.message == "调整类型无效"
    assert err.detail == "kind must be one of ('IN', 'OUT', 'TRANSFER', 'HEAD_CHANGE')"


@pytest.mark.parametrize(
    "item, message",
    [
        (Item("IN", newcomer=NEWCOMER), "IN 调整须且只须填写: to"),
        (Item("IN", to_agency_id=A, cadre_id=PERSON, newcomer=NEWCOMER), "IN 调整须且只须填写: to"),
        (Item("IN", to_agency_id=A, from_agency_id=B, newcomer=NEWCOMER), "IN 调整须且只须填写: to"),
        (Item("OUT", cadre_id=PERSON), "OUT 调整须且只须填写: cadre, from"),
        (Item("OUT", from_agency_id=A), "OUT 调整须且只须填写: cadre, from"),
        (Item("OUT", cadre_id=PERSON, from_agency_id=A, to_agency_id=B), "OUT 调整须且只须填写: cadre, from"),
        (Item("TRANSFER", cadre_id=PERSON, from_agency_id=A), "TRANSFER 调整须且只须填写: cadre, from, to"),
        (Item("TRANSFER", cadre_id=PERSON, to_agency_id=B), "TRANSFER 调整须且只须填写: cadre, from, to"),
        (Item("HEAD_CHANGE", cadre_id=PERSON), "HEAD_CHANGE 调整须且只须填写: cadre, to"),
        (
            Item("HEAD_CHANGE", cadre_id=PERSON, to_agency_id=A, from_agency_id=A),
            "HEAD_CHANGE 调整须且只须填写: cadre, to",
        ),
    ],
)
def test_each_kind_must_carry_exactly_its_fields(item, message):
    assert refusal(BadInput, item).message == message


@pytest.mark.parametrize(
    "newcomer",
    [
        None,
        {},
        {**NEWCOMER, "name": "   "},
        {k: v for k, v in NEWCOMER.items() if k != "name"},
        {k: v for k, v in NEWCOMER.items() if k != "professional_line"},
        {k: v for k, v in NEWCOMER.items() if k != "birth_date"},
        {**NEWCOMER, "birth_date": ""},
    ],
)
def test_an_arrival_needs_the_newcomers_name_birth_date_and_line(newcomer):
    err = refusal(BadInput, Item("IN", to_agency_id=A, newcomer=newcomer))
    assert err.message == "新派驻人员须填写姓名、出生日期和业务条线"


def test_only_an_arrival_carries_a_newcomer():
    err = refusal(BadInput, Item("OUT", cadre_id=PERSON, from_agency_id=A, newcomer=NEWCOMER))
    assert err.message == "只有调入(IN)才填写新人员信息"


def test_the_person_must_exist_belong_to_the_department_and_hold_a_post():
    with pytest.raises(NotFound) as err:
        adj._validate_item(Item("OUT", cadre_id=PERSON, from_agency_id=A), {}, AGENCIES, DEPARTMENT)
    assert err.value.message == "人员不存在"
    err = refusal(Forbidden, Item("OUT", cadre_id=PERSON, from_agency_id=A), cadre(department_id=OTHER_DEPARTMENT))
    assert err.message == "只能调整本部门的人员"
    for status in ("LEFT", "RETIRED"):
        err = refusal(Conflict, Item("OUT", cadre_id=PERSON, from_agency_id=A), cadre(status=status))
        assert (err.message, err.detail) == ("该人员不在岗", f"status {status}")


def test_a_leaver_leaves_the_agency_they_are_in():
    for kind, to in (("OUT", None), ("TRANSFER", C)):
        err = refusal(BadInput, Item(kind, cadre_id=PERSON, from_agency_id=B, to_agency_id=to))
        assert err.message == "调出机构与人员所在机构不符"


def test_a_transfer_goes_somewhere_else():
    err = refusal(BadInput, Item("TRANSFER", cadre_id=PERSON, from_agency_id=A, to_agency_id=A))
    assert err.message == "调入与调出机构相同"


def test_a_head_comes_from_the_agencys_own_people():
    err = refusal(BadInput, Item("HEAD_CHANGE", cadre_id=PERSON, to_agency_id=B))
    assert (err.message, err.detail) == ("负责人须为本机构在岗人员", "appoint a head from the agency's own people")


# --- MIN_TENURE_2Y -------------------------------------------------------------------------


def tenure(item: Item, person):
    adj._check_tenure(item, person, AGENCIES, ON)


def test_rule_min_tenure_2y_names_the_years_served_and_the_way_out():
    short = cadre(posted_on=ON - dt.timedelta(days=400))  # 1.1 years
    with pytest.raises(RuleViolation) as err:
        tenure(Item("OUT", cadre_id=PERSON, from_agency_id=A), short)
    assert err.value.rule == "MIN_TENURE_2Y"
    assert err.value.message == "派驻干部在同一乡镇(街道)工作不少于2年(现1.1年)；确需调整须说明理由并经组织部同意"
    assert err.value.detail == "1.10 years in township"
    assert err.value.extra == {"cadre_id": str(PERSON)}


def test_rule_min_tenure_2y_counts_from_the_posting_day_to_the_effective_day():
    just_short = cadre(posted_on=ON - dt.timedelta(days=730))  # 1.999 years
    with pytest.raises(RuleViolation):
        tenure(Item("OUT", cadre_id=PERSON, from_agency_id=A), just_short)
    # Posted exactly early enough: allowed on the first day earliest_move gives.
    posted = dt.date(2024, 5, 31)
    adj._check_tenure(
        Item("OUT", cadre_id=PERSON, from_agency_id=A), cadre(posted_on=posted), AGENCIES, adj.earliest_move(posted)
    )
    with pytest.raises(RuleViolation):
        adj._check_tenure(
            Item("OUT", cadre_id=PERSON, from_agency_id=A),
            cadre(posted_on=posted),
            AGENCIES,
            adj.earliest_move(posted) - dt.timedelta(days=1),
        )


def test_rule_min_tenure_2y_applies_only_to_leaving_the_township():
    short = cadre(posted_on=ON - dt.timedelta(days=30))
    tenure(Item("TRANSFER", cadre_id=PERSON, from_agency_id=A, to_agency_id=B), short)  # same township
    with pytest.raises(RuleViolation):
        tenure(Item("TRANSFER", cadre_id=PERSON, from_agency_id=A, to_agency_id=C), short)
    # Arrivals and head changes are not moves out of a township, whatever the data says.
    tenure(Item("HEAD_CHANGE", cadre_id=PERSON, to_agency_id=C), short)
    tenure(Item("IN", to_agency_id=C, newcomer=NEWCOMER), None)
    tenure(Item("OUT", from_agency_id=A), None)  # no person: nothing to count


@pytest.mark.parametrize("reason, allowed", [("援藏返回", True), ("   ", False), ("", False), (None, False)])
def test_rule_min_tenure_2y_yields_to_a_stated_exception_only(reason, allowed):
    item = Item("OUT", cadre_id=PERSON, from_agency_id=A, tenure_exception_reason=reason)
    short = cadre(posted_on=ON - dt.timedelta(days=30))
    if allowed:
        tenure(item, short)
    else:
        with pytest.raises(RuleViolation):
            tenure(item, short)
