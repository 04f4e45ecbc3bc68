"""The platform's statistics reach the other services through its feed: a closed task becomes the
cadre's monthly evidence beside the assessment indicators, and the township's workload becomes
personnel's quota factor."""

from __future__ import annotations

import json
import uuid

from helpers import client_token, eventually, gql
from stackutil import DEMO, db_conn, demo_path

from platforms import stats
from platforms.config import PlatformSettings
from servicekit import db
from servicekit.calendar import today

DEMO_ORG = json.loads((demo_path() / "org.json").read_text(encoding="utf-8"))
DIANKOU = next(t["id"] for t in DEMO_ORG["townships"] if t["code"] == "diankou")
REPORT = "mutation($i: ReportEventInput!) { reportEvent(input: $i) { event { id } } }"
ACT = "mutation($i: EventActionInput!) { actOnEvent(input: $i) { state } }"
DEMO_CADRE = next(u for u in DEMO["users"] if u["username"] == "cadre-demo")["cadre_id"]
MEMBERS = """query($c: ID!) { cycleMembers(cycleId: $c, first: 100) { nodes { cadre { id }
  platformEvidence { months closed dispatched onTimeRate } } } }"""


async def test_a_closed_task_becomes_evidence_and_workload(stack, gateway, identity_url, user_token):
    system = client_token(identity_url, "sfj-system", "sfj-system-demo-secret", "events:report")["access_token"]
    _, body = gql(
        gateway,
        REPORT,
        {
            "i": {
                "townshipId": DIANKOU,
                "matterType": "NEIGHBOUR_DISPUTE",
                "description": "纠纷",
                "idempotencyKey": f"feed-{uuid.uuid4().hex}",
            }
        },
        token=system,
    )
    event_id = body["data"]["reportEvent"]["event"]["id"]
    centre, cadre = user_token("diankou-cc"), user_token("cadre-demo")
    steps = [
        (centre, {"action": "ACCEPT"}),
        (centre, {"action": "DISPATCH", "assigneeCadreId": DEMO_CADRE}),
        (cadre, {"action": "SIGN"}),
        (cadre, {"action": "START"}),
        (cadre, {"action": "FEEDBACK"}),
        (centre, {"action": "VERIFY_PASS", "closingReason": "RESOLVED"}),
    ]
    for token, step in steps:
        _, body = gql(gateway, ACT, {"i": {"eventId": event_id, **step}}, token=token)
        assert not body.get("errors"), body

    # The worker publishes each month once it is over; run that job now for the month in progress.
    period = today().strftime("%Y-%m")
    settings = PlatformSettings(database_url=stack.database_url, db_prefix=stack.db_prefix, log_json=False)
    engine = db.make_async_engine(settings)
    try:
        async with db.make_sessionmaker(engine)() as session, session.begin():
            assert await stats.publish_month(session, period) is True
    finally:
        await engine.dispose()

    def arrived() -> bool:
        with db_conn(stack, "assessment") as a, db_conn(stack, "personnel") as p:
            evidence = a.execute(
                "SELECT count(*) FROM platform_evidence WHERE cadre_id = %s AND period = %s", (DEMO_CADRE, period)
            ).fetchone()[0]
            workload = p.execute("SELECT workload FROM township WHERE id = %s", (DIANKOU,)).fetchone()[0]
            return evidence == 1 and workload > 0

    eventually(arrived, timeout=60)

    towns = gql(
        gateway,
        "{ townships(first: 100) { nodes { id factors { workload } workloadMonths { period events } } } }",
        token=user_token("bianban"),
    )[1]["data"]["townships"]["nodes"]
    diankou = next(t for t in towns if t["id"] == DIANKOU)
    assert diankou["workloadMonths"][0]["period"] == period and diankou["factors"]["workload"] >= 1

    _, body = gql(
        gateway,
        "mutation($i: OpenCycleInput!) { openAssessmentCycle(input: $i) { id } }",
        {"i": {"year": today().year, "period": period}},
        token=user_token("zuzhibu"),
    )
    cycle = body["data"]["openAssessmentCycle"]["id"]
    _, body = gql(gateway, MEMBERS, {"c": cycle}, token=user_token("diankou-admin"))
    mine = next(n for n in body["data"]["cycleMembers"]["nodes"] if n["cadre"]["id"] == DEMO_CADRE)
    assert mine["platformEvidence"]["months"] == [period]
    assert mine["platformEvidence"]["closed"] >= 1 and mine["platformEvidence"]["onTimeRate"] == 1.0
