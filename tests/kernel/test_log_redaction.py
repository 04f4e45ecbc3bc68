"""What a service logs of a refused request: what was wrong, never the values graphql-core echoes."""

from __future__ import annotations

import pytest

from servicekit.gql import redacted

ID_NUMBER, PHONE = "330681199001011234", "13800138000"


@pytest.mark.parametrize(
    "message, kept",
    [
        (
            f"Variable '$i' got invalid value {{'name': '张三', 'idNumber': '{ID_NUMBER}', 'phone': '{PHONE}'}}; "
            "Field 'bogus' is not defined by type 'NewcomerInput'.",
            ["'$i'", "'bogus'", "'NewcomerInput'"],
        ),
        (f"Expected value of type 'Date!', found '{PHONE}'; x", ["'Date!'"]),
        (f"String cannot represent a non string value: {PHONE}", ["String cannot represent"]),
        (f"Unknown field 'x', found: {{'idNumber': '{ID_NUMBER}'}}", ["'x'"]),
    ],
)
def test_a_coercion_message_loses_its_values_and_keeps_its_names(message, kept):
    out = redacted(message)
    assert ID_NUMBER not in out and PHONE not in out and "张三" not in out
    assert all(k in out for k in kept), out
