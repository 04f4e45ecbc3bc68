"""Grid events through the gateway: a department system reports idempotently, the command centre
triages and dispatches, 专业人做专业事 holds."""

from __future__ import annotations

import json
import uuid

from helpers import client_token, error_codes, eventually, gql
from stackutil import db_conn, demo_path

ORG = json.loads((demo_path() / "org.json").read_text(encoding="utf-8"))
DIANKOU = next(t["id"] for t in ORG["townships"] if t["code"] == "diankou")
REPORT = "mutation($i: ReportEventInput!) { reportEvent(input: $i) { created event { id state source } } }"
ACT = "mutation($i: EventActionInput!) { actOnEvent(input: $i) { state assigneeCadreId outsideLineReason } }"


def test_report_triage_and_dispatch(stack, gateway, identity_url, user_token):
    def projected() -> bool:
        with db_conn(stack, "platform") as conn:
            return conn.execute("SELECT count(*) FROM stationed_cadre").fetchone()[0] == 566
    eventually(projected, timeout=60)

    system = client_token(identity_url, "sfj-system", "sfj-system-demo-secret", "events:report events:status")["access_token"]
    key = f"sfj-{uuid.uuid4().hex[:8]}"
    report = {"i": {"townshipId": DIANKOU, "matterType": "NEIGHBOUR_DISPUTE", "description": "宅基地界址纠纷",
                    "idempotencyKey": key}}
    _, first = gql(gateway, REPORT, report, token=system)
    _, again = gql(gateway, REPORT, report, token=system)
    assert first["data"]["reportEvent"]["created"] is True and again["data"]["reportEvent"]["created"] is False
    event_id = first["data"]["reportEvent"]["event"]["id"]
    assert again["data"]["reportEvent"]["event"]["id"] == event_id

    centre = user_token("diankou-cc")
    _, body = gql(gateway, ACT, {"i": {"eventId": event_id, "action": "VERIFY_PASS"}}, token=centre)
    assert error_codes(body) == ["RULE_VIOLATION"] and body["errors"][0]["extensions"]["rule"] == "ILLEGAL_TRANSITION"
    _, body = gql(gateway, ACT, {"i": {"eventId": event_id, "action": "ACCEPT"}}, token=user_token("fengqiao-admin"))
    assert error_codes(body) == ["FORBIDDEN"]
    _, body = gql(gateway, ACT, {"i": {"eventId": event_id, "action": "ACCEPT"}}, token=centre)
    assert body["data"]["actOnEvent"]["state"] == "ACCEPTED"

    with db_conn(stack, "platform") as conn:
        city = conn.execute("SELECT cadre_id FROM stationed_cadre WHERE township_id = %s AND professional_line = '城市管理' "
                            "LIMIT 1", (DIANKOU,)).fetchone()[0]
    _, body = gql(gateway, ACT, {"i": {"eventId": event_id, "action": "DISPATCH", "assigneeCadreId": str(city)}},
                  token=centre)
    assert body["errors"][0]["extensions"]["rule"] == "OUTSIDE_PROFESSIONAL_LINE"
    _, body = gql(gateway, ACT, {"i": {"eventId": event_id, "action": "DISPATCH", "assigneeCadreId": str(city),
                                       "reason": "调解员外出"}}, token=centre)
    assert body["data"]["actOnEvent"]["outsideLineReason"] == "调解员外出"

    # The system that reported it can follow its status; the department supervising the assignee reads it too.
    _, body = gql(gateway, "{ gridEvents(first: 5) { nodes { id state } } }", token=system)
    assert {n["id"] for n in body["data"]["gridEvents"]["nodes"]} == {event_id}
