"""Key rotation: a new key signs at once; tokens signed by the old key stay valid until it is retired."""

from __future__ import annotations

import json
import uuid

from helpers import client_token, eventually, gql
from joserfc import jws
from stackutil import db_conn, demo_path, subgraph

SUBGRAPHS = ["identity", "personnel", "assessment", "platform", "notifications"]


def _kid(token: str) -> str:
    return jws.extract_compact(token.encode()).protected["kid"]


def _accepted(stack, token: str) -> bool:
    return gql(stack.gateway_url, "{ me { subject } }", token=token)[0] == 200 and all(
        gql(subgraph(stack, n), "{ __typename }", token=token)[0] == 200 for n in SUBGRAPHS
    )


def _refused(stack, token: str) -> bool:
    return gql(stack.gateway_url, "{ me { subject } }", token=token)[0] == 401 and all(
        gql(subgraph(stack, n), "{ __typename }", token=token)[0] == 401 for n in SUBGRAPHS
    )


def test_key_rotation_keeps_old_tokens_valid_until_the_old_key_is_retired(stack, identity_url):
    def token() -> str:
        return client_token(identity_url, "sfj-system", "sfj-system-demo-secret", "roster:read")["access_token"]

    old = token()
    stack.manage("identity", "rotate-key")
    new = token()
    assert _kid(new) != _kid(old)
    assert _accepted(stack, new)
    assert _accepted(stack, old)

    stack.manage("identity", "retire-key", _kid(old))
    eventually(lambda: _refused(stack, old))
    assert _accepted(stack, new)

    # The services' feed consumers held tokens signed by the retired key: they fetch new ones and
    # carry on at once (assessment follows the platform's feed).
    def position() -> str | None:
        with db_conn(stack, "assessment") as conn:
            row = conn.execute("SELECT position FROM consumer_cursor WHERE name = 'platform'").fetchone()
            return row[0] if row else None

    before = position()
    town = json.loads((demo_path() / "org.json").read_text(encoding="utf-8"))["townships"][0]["id"]
    system = client_token(identity_url, "sfj-system", "sfj-system-demo-secret", "events:report")["access_token"]
    _, body = gql(
        stack.gateway_url,
        "mutation($i: ReportEventInput!) { reportEvent(input: $i) { created } }",
        {
            "i": {
                "townshipId": town,
                "matterType": "POLLUTION",
                "description": "河道异味",
                "idempotencyKey": f"rotation-{uuid.uuid4().hex}",
            }
        },
        token=system,
    )
    assert body["data"]["reportEvent"]["created"] is True
    eventually(lambda: position() not in (None, before), timeout=20)
