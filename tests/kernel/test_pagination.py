from __future__ import annotations

import pytest

from servicekit.errors import BadInput
from servicekit.pagination import MAX_PAGE, decode_cursor, encode_cursor, make_page, page_size


def test_cursor_round_trip_keeps_unicode_sort_keys():
    key = ["店口镇司法所", "0b6f6a5e-8f7e-4c1a-9d55-1f0f1a2b3c4d"]
    assert decode_cursor(encode_cursor(key), 2) == key


@pytest.mark.parametrize("cursor", ["%%%", "bm90IGpzb24", encode_cursor(["only-one"]), encode_cursor({"a": 1})])
def test_malformed_or_foreign_cursors_are_bad_input(cursor):
    with pytest.raises(BadInput):
        decode_cursor(cursor, 2)


@pytest.mark.parametrize("first", [0, -1, MAX_PAGE + 1])
def test_page_size_outside_the_limit_is_bad_input(first):
    with pytest.raises(BadInput):
        page_size(first)


def test_make_page_reports_the_next_page_from_the_extra_row():
    page = make_page([1, 2, 3], 2, lambda x: (x,))
    assert page.items == [1, 2] and page.has_next and decode_cursor(page.cursors[-1], 1) == [2]
    assert not make_page([1, 2], 2, lambda x: (x,)).has_next


def test_typed_keys_round_trip_and_forged_ones_are_bad_input():
    import datetime as dt
    import uuid

    from servicekit.pagination import decode_key

    at, ident = dt.datetime(2026, 11, 27, 8, 30, tzinfo=dt.timezone.utc), uuid.uuid4()
    assert decode_key(encode_cursor([at.isoformat(), str(ident)]), dt.datetime, uuid.UUID) == (at, ident)
    for forged in (["not a date", str(ident)], [at.isoformat(), "not-a-uuid"], [42, str(ident)]):
        with pytest.raises(BadInput):
            decode_key(encode_cursor(forged), dt.datetime if forged[0] != 42 else str, uuid.UUID)
