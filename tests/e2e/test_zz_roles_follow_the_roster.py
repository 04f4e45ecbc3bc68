"""Roles follow the roster (docs/domain.md §5): when a head change takes effect through the API,
identity — following personnel's feed — ends the old head's AGENCY_HEAD for the agency, revokes
their live tokens, and their next token carries no such role. Runs late (test_zz_): it changes who
heads 店口司法所, which other e2e tests read."""

from __future__ import annotations

import base64
import json
import time

import httpx
from helpers import error_codes, gql, login
from stackutil import PASSWORD, db_conn

AGENCY = "0ba39986-6093-5659-8c3b-0ada132d7188"  # 店口司法所, headed by diankou-sfs-head in the demo
SFJ = "fe971fa7-2c1a-5990-90f9-c861dc830690"


def _claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _heads(token: str) -> list:
    return [r for r in _claims(token)["roles"] if r["role"] == "AGENCY_HEAD" and r.get("id") == AGENCY]


def _step(gateway, token, query, variables):
    _, body = gql(gateway, query, variables, token=token)
    assert not body.get("errors"), body
    return body["data"]


def test_after_a_head_change_the_old_heads_next_token_has_no_agency_head(stack, gateway, identity_url, user_token):
    old = login(identity_url, "diankou-sfs-head", PASSWORD)["access_token"]
    assert _heads(old)
    with db_conn(stack, "personnel") as conn:
        new_head, township = conn.execute(
            "SELECT c.id, a.township_id FROM cadre c JOIN agency a ON a.id = c.agency_id WHERE c.agency_id = %s "
            "AND c.status = 'IN_POST' AND c.id <> a.head_cadre_id ORDER BY c.id LIMIT 1",
            (AGENCY,),
        ).fetchone()
    batch = _step(
        gateway,
        user_token("sfj-admin"),
        "mutation($i: SubmitAdjustmentsInput!) "
        "{ submitAdjustments(input: $i) { batch { batchId adjustments { id } } } }",
        {
            "i": {
                "departmentId": SFJ,
                "effectiveDate": time.strftime("%Y-%m-%d"),
                "reason": "所长调整",
                "items": [{"kind": "HEAD_CHANGE", "cadreId": str(new_head), "toAgencyId": AGENCY}],
            }
        },
    )["submitAdjustments"]["batch"]
    _step(
        gateway,
        user_token("zuzhibu"),
        "mutation($i: ReviewAdjustmentsInput!) { reviewAdjustments(input: $i) { batch { pendingSteps } } }",
        {"i": {"batchId": batch["batchId"], "approve": True}},
    )
    _step(
        gateway,
        user_token("diankou-admin"),
        "mutation($i: TownshipOpinionInput!) { giveTownshipOpinion(input: $i) { batch { pendingSteps } } }",
        {"i": {"adjustmentId": batch["adjustments"][0]["id"], "agree": True}},
    )
    _step(
        gateway,
        user_token("sfj-admin"),
        "mutation($i: MakeEffectiveInput!) { makeAdjustmentsEffective(input: $i) { batch { pendingSteps } } }",
        {"i": {"batchId": batch["batchId"]}},
    )
    # Identity follows personnel's feed: within a few polls the binding is gone and the old token revoked.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with db_conn(stack, "identity") as conn:
            left = conn.execute(
                "SELECT count(*) FROM role_binding WHERE role = 'AGENCY_HEAD' AND scope_id = %s", (AGENCY,)
            ).fetchone()[0]
        if left == 0:
            break
        time.sleep(0.5)
    assert left == 0
    fresh = login(identity_url, "diankou-sfs-head", PASSWORD)["access_token"]
    assert _heads(fresh) == []
    assert _claims(old)["jti"] in httpx.get(f"{identity_url}/oauth/revoked", timeout=10).json()["jtis"]
    with db_conn(stack, "identity") as conn:
        actions = [
            r[0]
            for r in conn.execute(
                "SELECT action FROM audit_log WHERE action IN ('role.end_by_roster', 'role.grant_by_roster')"
            ).fetchall()
        ]
    assert "role.end_by_roster" in actions
    assert error_codes(gql(gateway, "{ me { username } }", token=fresh)[1]) == []
