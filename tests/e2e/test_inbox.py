"""待办 through the real stack: a grid event reported by a department system reaches the command
centre's inbox, each step moves the item to the next actor (the assignee's inbox once dispatched),
and nobody else — another township, the grid worker, a service token — sees any of it."""

from __future__ import annotations

import json
import uuid

from helpers import client_token, error_codes, eventually, gql
from stackutil import DEMO, db_conn, demo_path

ORG = json.loads((demo_path() / "org.json").read_text(encoding="utf-8"))
DIANKOU = next(t["id"] for t in ORG["townships"] if t["code"] == "diankou")
DEMO_CADRE = next(u for u in DEMO["users"] if u["username"] == "cadre-demo")["cadre_id"]
INBOX = """query($f: InboxFilter) { myInbox(first: 50, filter: $f) {
  nodes { id kind title link subject dueAt doneAt } } }"""
SUMMARY = "{ myInboxSummary { open overdue byKind { kind count } } }"
REPORT = "mutation($i: ReportEventInput!) { reportEvent(input: $i) { event { id } } }"
ACT = "mutation($i: EventActionInput!) { actOnEvent(input: $i) { state } }"


def _items(gateway, token, event_id, status="OPEN") -> list[dict]:
    _, body = gql(gateway, INBOX, {"f": {"status": status}}, token=token)
    assert not body.get("errors"), body
    return [n for n in body["data"]["myInbox"]["nodes"] if n["subject"] == f"platform.grid_event:{event_id}"]


def test_a_reported_event_moves_through_the_inboxes_of_those_who_act_on_it(stack, gateway, identity_url, user_token):
    with db_conn(stack, "platform") as conn:
        eventually(lambda: conn.execute("SELECT count(*) FROM stationed_cadre").fetchone()[0] == 566, timeout=60)
    # The demo's own reports (the hotline's) already wait for 店口镇's command centre.
    with db_conn(stack, "platform") as conn:
        demo_reports = conn.execute(
            "SELECT count(*) FROM grid_event WHERE reported_by = 'demo-hotline' AND state = 'REPORTED'"
        ).fetchone()[0]
    assert demo_reports > 0
    eventually(
        lambda: (
            gql(gateway, SUMMARY, token=user_token("diankou-cc"))[1]["data"]["myInboxSummary"]["open"] >= demo_reports
        ),
        timeout=20,
    )
    system = client_token(identity_url, "sfj-system", "sfj-system-demo-secret", "events:report events:status")
    _, body = gql(
        gateway,
        REPORT,
        {
            "i": {
                "townshipId": DIANKOU,
                "matterType": "NEIGHBOUR_DISPUTE",
                "description": "邻里噪声纠纷",
                "idempotencyKey": f"inbox-{uuid.uuid4().hex[:8]}",
            }
        },
        token=system["access_token"],
    )
    event_id = body["data"]["reportEvent"]["event"]["id"]
    centre = user_token("diankou-cc")
    [item] = eventually(lambda: _items(gateway, centre, event_id), timeout=20)
    assert item["kind"] == "EVENT_TO_ACCEPT" and item["link"] == f"/dispatch?event={event_id}"
    assert "邻里" not in item["title"]  # the report's own words stay on the event, not in the inbox
    _, summary = gql(gateway, SUMMARY, token=centre)
    assert summary["data"]["myInboxSummary"]["open"] >= 1
    for other in ("fengqiao-admin", "diankou-grid", "cadre-demo", "sfj-admin"):
        assert _items(gateway, user_token(other), event_id) == [], other
    _, refused = gql(gateway, INBOX, None, token=system["access_token"])
    assert error_codes(refused) == ["FORBIDDEN"]

    gql(gateway, ACT, {"i": {"eventId": event_id, "action": "ACCEPT"}}, token=centre)
    eventually(lambda: [i["kind"] for i in _items(gateway, centre, event_id)] == ["EVENT_TO_DISPATCH"], timeout=20)
    [done] = _items(gateway, centre, event_id, status="DONE")
    assert done["kind"] == "EVENT_TO_ACCEPT" and done["doneAt"]

    _, body = gql(
        gateway, ACT, {"i": {"eventId": event_id, "action": "DISPATCH", "assigneeCadreId": DEMO_CADRE}}, token=centre
    )
    assert body["data"]["actOnEvent"]["state"] == "DISPATCHED", body
    cadre = user_token("cadre-demo")
    eventually(lambda: [i["kind"] for i in _items(gateway, cadre, event_id)] == ["EVENT_TO_SIGN"], timeout=20)
    assert _items(gateway, centre, event_id) == []
    gql(gateway, ACT, {"i": {"eventId": event_id, "action": "SIGN"}}, token=cadre)
    eventually(lambda: [i["kind"] for i in _items(gateway, cadre, event_id)] == ["EVENT_TO_START"], timeout=20)


def test_an_adjustment_waits_in_the_organisation_departments_inbox_until_reviewed(gateway, user_token):
    dept = user_token("sfj-admin")
    _, body = gql(gateway, "{ agencies(first: 100) { nodes { id available department { code } } } }", token=dept)
    room = next(
        a["id"] for a in body["data"]["agencies"]["nodes"] if a["department"]["code"] == "sfj" and a["available"] > 0
    )
    sfj = next(u for u in DEMO["users"] if u["username"] == "sfj-admin")["roles"][0][2]
    _, body = gql(
        gateway,
        "mutation($i: SubmitAdjustmentsInput!) { submitAdjustments(input: $i) { batch { batchId } } }",
        {
            "i": {
                "departmentId": sfj,
                "effectiveDate": "2027-01-15",
                "reason": "补员",
                "items": [
                    {
                        "kind": "IN",
                        "toAgencyId": room,
                        "newcomer": {"name": "沈若溪", "birthDate": "1995-04-12", "professionalLine": "人民调解"},
                    }
                ],
            }
        },
        token=dept,
    )
    batch = body["data"]["submitAdjustments"]["batch"]["batchId"]
    org = user_token("zuzhibu")

    def mine(token, status="OPEN"):
        _, b = gql(gateway, INBOX, {"f": {"status": status}}, token=token)
        assert not b.get("errors"), b
        return [n for n in b["data"]["myInbox"]["nodes"] if n["subject"] == f"personnel.adjustment_batch:{batch}"]

    [item] = eventually(lambda: mine(org), timeout=20)
    assert item["kind"] == "ADJUSTMENT_TO_REVIEW" and item["link"] == f"/quota?batch={batch}"
    assert mine(user_token("bianban")) == [] and mine(dept) == []
    gql(
        gateway,
        "mutation($i: ReviewAdjustmentsInput!) { reviewAdjustments(input: $i) { batch { pendingSteps } } }",
        {"i": {"batchId": batch, "approve": False, "note": "编制另行安排"}},
        token=org,
    )
    eventually(lambda: mine(org) == [], timeout=20)
    assert [i["kind"] for i in mine(org, "DONE")] == ["ADJUSTMENT_TO_REVIEW"]
