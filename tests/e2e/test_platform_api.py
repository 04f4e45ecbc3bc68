"""Grid events through the gateway: a department system reports idempotently, the command centre
triages and dispatches, 专业人做专业事 holds."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import Counter

from helpers import client_token, error_codes, eventually, gql
from stackutil import db_conn, demo_path, statements_per_page

ORG = json.loads((demo_path() / "org.json").read_text(encoding="utf-8"))
DIANKOU = next(t["id"] for t in ORG["townships"] if t["code"] == "diankou")
REPORT = "mutation($i: ReportEventInput!) { reportEvent(input: $i) { created event { id state source } } }"
ACT = "mutation($i: EventActionInput!) { actOnEvent(input: $i) { state assigneeCadreId outsideLineReason } }"


def test_report_triage_and_dispatch(stack, gateway, identity_url, user_token):
    def projected() -> bool:
        with db_conn(stack, "platform") as conn:
            return conn.execute("SELECT count(*) FROM stationed_cadre").fetchone()[0] == 566

    eventually(projected, timeout=60)

    system = client_token(identity_url, "sfj-system", "sfj-system-demo-secret", "events:report events:status")[
        "access_token"
    ]
    key = f"sfj-{uuid.uuid4().hex[:8]}"
    report = {
        "i": {
            "townshipId": DIANKOU,
            "matterType": "NEIGHBOUR_DISPUTE",
            "description": "宅基地界址纠纷",
            "idempotencyKey": key,
        }
    }
    _, first = gql(gateway, REPORT, report, token=system)
    _, again = gql(gateway, REPORT, report, token=system)
    assert first["data"]["reportEvent"]["created"] is True and again["data"]["reportEvent"]["created"] is False
    event_id = first["data"]["reportEvent"]["event"]["id"]
    assert again["data"]["reportEvent"]["event"]["id"] == event_id

    centre = user_token("diankou-cc")
    _, body = gql(gateway, ACT, {"i": {"eventId": event_id, "action": "VERIFY_PASS"}}, token=centre)
    assert error_codes(body) == ["RULE_VIOLATION"] and body["errors"][0]["extensions"]["rule"] == "ILLEGAL_TRANSITION"
    _, body = gql(gateway, ACT, {"i": {"eventId": event_id, "action": "ACCEPT"}}, token=user_token("fengqiao-admin"))
    assert error_codes(body) == ["NOT_FOUND"]  # another township learns nothing of it
    _, body = gql(gateway, ACT, {"i": {"eventId": event_id, "action": "ACCEPT"}}, token=centre)
    assert body["data"]["actOnEvent"]["state"] == "ACCEPTED"

    with db_conn(stack, "platform") as conn:
        city = conn.execute(
            "SELECT cadre_id FROM stationed_cadre WHERE township_id = %s AND professional_line = '城市管理' LIMIT 1",
            (DIANKOU,),
        ).fetchone()[0]
    _, body = gql(
        gateway, ACT, {"i": {"eventId": event_id, "action": "DISPATCH", "assigneeCadreId": str(city)}}, token=centre
    )
    assert body["errors"][0]["extensions"]["rule"] == "OUTSIDE_PROFESSIONAL_LINE"
    _, body = gql(
        gateway,
        ACT,
        {"i": {"eventId": event_id, "action": "DISPATCH", "assigneeCadreId": str(city), "reason": "调解员外出"}},
        token=centre,
    )
    assert body["data"]["actOnEvent"]["outsideLineReason"] == "调解员外出"

    # The system that reported it can follow its status; the department supervising the assignee reads it too.
    _, body = gql(gateway, "{ gridEvents(first: 50) { nodes { id source } } }", token=system)
    nodes = body["data"]["gridEvents"]["nodes"]
    assert event_id in {n["id"] for n in nodes} and {n["source"] for n in nodes} == {"SYSTEM"}
    # The enforcement bureau supervises the override on its cadre, wherever it happened.
    _, body = gql(
        gateway,
        "{ gridEvents(first: 50, filter: {outsideLine: true}) { nodes { id outsideLineReason } } }",
        token=user_token("zhzfj-admin"),
    )
    assert {"id": event_id, "outsideLineReason": "调解员外出"} in body["data"]["gridEvents"]["nodes"]


DEMO_CADRE = "86d41125-d5d8-5de2-b0dd-8c0f570851f7"  # 杨明, 店口司法所, 人民调解
SFS_HEAD_AGENCY = "0ba39986-6093-5659-8c3b-0ada132d7188"  # 店口司法所 (diankou-sfs-head)
EVENT = """query($id: ID!) { gridEvent(id: $id) { state leadUnitId assigneeCadreId assistingUnitIds
  recommendation { reason cadre { id name } unit { id name } note } deadline { phase dueAt overdue escalationLevel }
  attachments { name ref } history { action target overdue } callbacks { reached satisfaction } } }"""


def _ok(body: dict) -> dict:
    assert not body.get("errors"), body
    return body["data"]


STATS = """query($s: DateTime!, $e: DateTime!) { eventStatistics(first: 100, filter: {groupBy: CADRE, start: $s,
  end: $e}) {
  nodes { key closed signed callbacks satisfied } } }"""


def _demo_figures(gateway, user_token) -> Counter:
    now = dt.datetime.now(dt.timezone.utc)
    window = {"s": (now - dt.timedelta(days=1)).isoformat(), "e": (now + dt.timedelta(days=1)).isoformat()}
    rows = _ok(gql(gateway, STATS, window, token=user_token("sfj-admin"))[1])["eventStatistics"]["nodes"]
    mine = next((r for r in rows if r["key"] == DEMO_CADRE), {})
    return Counter({k: v for k, v in mine.items() if k != "key"})


def test_posts_grids_routing_unit_assignment_and_statistics(stack, gateway, user_token):
    before = _demo_figures(gateway, user_token)
    admin, centre, grid_worker = user_token("diankou-admin"), user_token("diankou-cc"), user_token("diankou-grid")

    def seated() -> bool:
        with db_conn(stack, "platform") as conn:
            return conn.execute("SELECT count(*) FROM unit WHERE id = %s", (SFS_HEAD_AGENCY,)).fetchone()[0] == 1

    eventually(seated, timeout=60)

    # 定岗定责定人 and the grid, by the township.
    code = f"DK-{uuid.uuid4().hex[:6]}"
    grid = _ok(
        gql(
            gateway,
            """mutation($t: ID!, $c: String!) { createGrid(input: {townshipId: $t, code: $c, name:
              "店口一网格"}) { id } }""",
            {"t": DIANKOU, "c": code},
            token=admin,
        )[1]
    )["createGrid"]["id"]
    _ok(
        gql(
            gateway,
            """mutation($g: ID!, $c: ID!) { addGridMember(input: {gridId: $g, kind: "CADRE", cadreId: $c}) {
              members { cadre { id } } } }""",
            {"g": grid, "c": DEMO_CADRE},
            token=admin,
        )[1]
    )
    post = _ok(
        gql(
            gateway,
            'mutation($u: ID!) { createPost(input: {unitId: $u, name: "矛盾纠纷调处岗"}) { id } }',
            {"u": SFS_HEAD_AGENCY},
            token=admin,
        )[1]
    )["createPost"]["id"]
    _ok(
        gql(
            gateway,
            """mutation($p: ID!) { setPostDuties(input: {postId: $p, duties: [{matterType:
              "NEIGHBOUR_DISPUTE"}]}) { id } }""",
            {"p": post},
            token=admin,
        )[1]
    )
    held = _ok(
        gql(
            gateway,
            "mutation($p: ID!, $c: ID!) { setPostHolders(input: {postId: $p, cadreIds: [$c]}) { holders { id name } "
            "unit { name township { name } } duties { matterType } } }",
            {"p": post, "c": DEMO_CADRE},
            token=admin,
        )[1]
    )["setPostHolders"]
    # Names come through the gateway from the personnel service: no second request by the client.
    assert held == {
        "holders": [{"id": DEMO_CADRE, "name": "杨明"}],
        "unit": {"name": "店口镇司法所", "township": {"name": "店口镇"}},
        "duties": [{"matterType": "NEIGHBOUR_DISPUTE"}],
    }
    _, body = gql(
        gateway,
        "mutation($p: ID!) { setPostDuties(input: {postId: $p, duties: []}) { id } }",
        {"p": post},
        token=user_token("sfj-admin"),
    )
    assert error_codes(body) == ["FORBIDDEN"]

    # The command centre's name, set by the township, joins personnel's township through the gateway.
    _ok(
        gql(
            gateway,
            'mutation($t: ID!) { setCommandCentre(input: {townshipId: $t, name: "店口镇政务110指挥室"}) { id } }',
            {"t": DIANKOU},
            token=admin,
        )[1]
    )
    towns = _ok(gql(gateway, "{ townships(first: 100) { nodes { id name commandCentreName } } }", token=admin)[1])
    mine = next(t for t in towns["townships"]["nodes"] if t["id"] == DIANKOU)
    assert (mine["name"], mine["commandCentreName"]) == ("店口镇", "店口镇政务110指挥室")

    # A grid worker reports with an attachment; the centre accepts and sees the recommendation and why.
    report = {
        "i": {
            "townshipId": DIANKOU,
            "matterType": "NEIGHBOUR_DISPUTE",
            "description": "两户因排水沟发生争执",
            "gridId": grid,
            "attachments": [{"name": "现场.jpg", "ref": "oss://events/1.jpg", "size": 1024}],
        }
    }
    event_id = _ok(gql(gateway, REPORT, report, token=grid_worker)[1])["reportEvent"]["event"]["id"]
    _ok(gql(gateway, ACT, {"i": {"eventId": event_id, "action": "ACCEPT"}}, token=centre)[1])
    event = _ok(gql(gateway, EVENT, {"id": event_id}, token=centre)[1])["gridEvent"]
    assert event["recommendation"]["reason"] == "POST_AND_GRID" and event["recommendation"]["cadre"]["id"] == DEMO_CADRE
    assert event["attachments"] == [{"name": "现场.jpg", "ref": "oss://events/1.jpg"}]

    # Dispatched to the unit; its head names the person; the clock runs.
    _ok(
        gql(
            gateway,
            ACT,
            {"i": {"eventId": event_id, "action": "DISPATCH", "leadUnitId": SFS_HEAD_AGENCY}},
            token=centre,
        )[1]
    )
    _, body = gql(
        gateway,
        ACT,
        {"i": {"eventId": event_id, "action": "ASSIGN", "assigneeCadreId": DEMO_CADRE}},
        token=user_token("fengqiao-admin"),
    )
    assert error_codes(body) == ["NOT_FOUND"]
    _ok(
        gql(
            gateway,
            ACT,
            {"i": {"eventId": event_id, "action": "ASSIGN", "assigneeCadreId": DEMO_CADRE}},
            token=user_token("diankou-sfs-head"),
        )[1]
    )
    event = _ok(gql(gateway, EVENT, {"id": event_id}, token=centre)[1])["gridEvent"]
    assert (event["state"], event["assigneeCadreId"], event["deadline"]["phase"]) == ("DISPATCHED", DEMO_CADRE, "SIGN")
    # One query for the screen: names come from personnel through the gateway, the load from the platform.
    joined = _ok(
        gql(
            gateway,
            """query($id: ID!) { gridEvent(id: $id) { township { name commandCentreName }
      leadUnit { name kind } assignee { name professionalLine openTaskCount } } }""",
            {"id": event_id},
            token=centre,
        )[1]
    )
    assert joined["gridEvent"]["township"] == {"name": "店口镇", "commandCentreName": "店口镇政务110指挥室"}
    assert joined["gridEvent"]["leadUnit"] == {"name": "店口镇司法所", "kind": "AGENCY"}
    assert joined["gridEvent"]["assignee"]["name"] == "杨明" and joined["gridEvent"]["assignee"]["openTaskCount"] >= 1
    cadre = user_token("cadre-demo")
    buttons = _ok(
        gql(gateway, "query($id: ID!) { gridEvent(id: $id) { allowedActions } }", {"id": event_id}, token=cadre)[1]
    )
    assert buttons["gridEvent"]["allowedActions"] == ["RETURN", "SIGN"]
    for action in ("SIGN", "START", "FEEDBACK"):
        _ok(gql(gateway, ACT, {"i": {"eventId": event_id, "action": action}}, token=cadre)[1])
    _, body = gql(
        gateway,
        ACT,
        {
            "i": {
                "eventId": event_id,
                "action": "VERIFY_PASS",
                "closingReason": "RESOLVED",
                "callback": {"reached": True, "satisfaction": "SATISFIED"},
            }
        },
        token=centre,
    )
    assert _ok(body)["actOnEvent"]["state"] == "CLOSED"
    event = _ok(gql(gateway, EVENT, {"id": event_id}, token=cadre)[1])["gridEvent"]
    assert [h["action"] for h in event["history"]] == [
        "accept",
        "dispatch",
        "assign",
        "sign",
        "start",
        "feedback",
        "verify_pass",
    ]
    assert event["deadline"] is None and event["callbacks"] == [{"reached": True, "satisfaction": "SATISFIED"}]

    # The department supervises (reads, never changes) and counts; another township does not see it.
    _, body = gql(
        gateway,
        STATS,
        {"s": "2020-01-01T00:00:00+08:00", "e": "2020-12-31T00:00:00+08:00"},
        token=user_token("sfj-admin"),
    )
    assert _ok(body)["eventStatistics"]["nodes"] == []
    assert _demo_figures(gateway, user_token) - before == Counter(closed=1, signed=1, callbacks=1, satisfied=1)
    _, body = gql(gateway, EVENT, {"id": event_id}, token=user_token("fengqiao-admin"))
    assert error_codes(body) == ["NOT_FOUND"]
    _, body = gql(
        gateway, ACT, {"i": {"eventId": event_id, "action": "REOPEN", "reason": "x"}}, token=user_token("sfj-admin")
    )
    assert error_codes(body) == ["FORBIDDEN"]


async def test_a_task_list_page_costs_a_constant_number_of_statements(stack, gateway, identity_url, user_token):
    system = client_token(identity_url, "sfj-system", "sfj-system-demo-secret", "events:report")["access_token"]
    centre = user_token("diankou-cc")
    for i in range(25):  # reported and dispatched, so every field of a page has something to load
        _, body = gql(
            gateway,
            REPORT,
            {
                "i": {
                    "townshipId": DIANKOU,
                    "matterType": "WAGE_ARREARS",
                    "description": f"欠薪 {i}",
                    "idempotencyKey": f"page-{uuid.uuid4().hex}",
                }
            },
            token=system,
        )
        event_id = body["data"]["reportEvent"]["event"]["id"]
        for step in (
            {"action": "ACCEPT"},
            {
                "action": "DISPATCH",
                "leadUnitId": SFS_HEAD_AGENCY,
                "assigneeCadreId": DEMO_CADRE,
                "reason": "劳动监察员外出",
            },
        ):
            _, body = gql(gateway, ACT, {"i": {"eventId": event_id, **step}}, token=centre)
            assert not body.get("errors"), body
    query = """query($n: Int) { gridEvents(first: $n) { nodes { id state recommendation { reason } deadline { dueAt }
      history { action at } callbacks { reached } originalOutcome { state } attachments { name }
      leadUnit { name } assistingUnits { name } assignee { openTaskCount } township { commandCentreName } } } }"""
    counts = await statements_per_page(
        stack,
        "platform",
        query,
        token=user_token("zuzhibu"),
        sizes=(1, 5, 25),
        variables=lambda n: {"n": n},
        nodes=lambda d: d["gridEvents"]["nodes"],
    )
    assert counts[1] == counts[5] == counts[25], counts


def test_bad_input_is_answered_precisely_and_changes_nothing(stack, gateway, user_token):
    centre = user_token("diankou-cc")
    cases = {
        '{ gridEvent(id: "not-a-uuid") { id } }': "BAD_USER_INPUT",
        "{ gridEvents(first: 1000) { nodes { id } } }": "BAD_USER_INPUT",
        '{ gridEvents(after: "Zm9yZ2Vk") { nodes { id } } }': "BAD_USER_INPUT",
        '{ gridEvents(filter: {state: "FLYING"}) { nodes { id } } }': "BAD_USER_INPUT",
        """{ eventStatistics(filter: {groupBy: CADRE, start: "2026-02-01T00:00:00+08:00", end:
          "2026-01-01T00:00:00+08:00"}) { nodes { key } } }""": "BAD_USER_INPUT",
        '{ gridEvent(id: "00000000-0000-0000-0000-000000000000") { id } }': "NOT_FOUND",
        '{ workCalendar(start: "2026-01-01", end: "2030-01-01") { day } }': "BAD_USER_INPUT",
    }
    for query, code in cases.items():
        status, body = gql(gateway, query, token=centre)
        assert status == 200 and error_codes(body) == [code], (query, body)
    with db_conn(stack, "platform") as conn:
        before = conn.execute("SELECT count(*) FROM grid_event").fetchone()[0]
    for bad in (
        {"townshipId": "x", "matterType": "POLLUTION", "description": "x"},
        {"townshipId": DIANKOU, "matterType": "NO_SUCH", "description": "x"},
        {"townshipId": DIANKOU, "matterType": "POLLUTION", "description": "x", "priority": "ASAP"},
        {
            "townshipId": DIANKOU,
            "matterType": "POLLUTION",
            "description": "x",
            "attachments": [{"name": "a", "ref": ""}],
        },
    ):
        _, body = gql(gateway, REPORT, {"i": bad}, token=centre)
        assert error_codes(body) == ["BAD_USER_INPUT"], body
    with db_conn(stack, "platform") as conn:
        assert conn.execute("SELECT count(*) FROM grid_event").fetchone()[0] == before


def test_several_root_fields_in_one_query(gateway, user_token):
    """Front-ends ask for a whole screen at once: the root fields of one query share one session."""
    admin = user_token("diankou-admin")
    query = """query($t: ID!) { grids(townshipId: $t) { code } posts(townshipId: $t) { name }
      platformUnits(townshipId: $t) { name } gridEvents(first: 3) { nodes { id } } eventAlerts { nodes { kind } }
      matterTypes { code } slaPolicies { priority } }"""
    for _ in range(3):
        _, body = gql(gateway, query, {"t": DIANKOU}, token=admin)
        assert _ok(body)["grids"] and _ok(body)["matterTypes"], body


def test_county_settings_and_township_records_through_the_gateway(gateway, user_token):
    org, admin, centre, cadre = (user_token(u) for u in ("zuzhibu", "diankou-admin", "diankou-cc", "cadre-demo"))

    # The county: calendar, time limits, platforms, matter types.
    cal = _ok(
        gql(
            gateway,
            """mutation { setWorkCalendar(input: {days: [{day: "2027-01-01", working: false, note: "元旦"},
      {day: "2027-02-07", working: true, note: "调休上班"}]}) { changed days { day working } } }""",
            token=org,
        )[1]
    )
    assert cal["setWorkCalendar"]["changed"] == 2
    days = _ok(
        gql(gateway, '{ workCalendar(start: "2027-01-01", end: "2027-02-28") { day working note } }', token=centre)[1]
    )
    assert {(d["day"], d["working"]) for d in days["workCalendar"]} >= {("2027-01-01", False), ("2027-02-07", True)}
    sla = _ok(
        gql(
            gateway,
            """mutation { setSlaPolicy(input: {matterType: "FOOD_SAFETY", priority: "HIGH",
      sign: {amount: 2, unit: HOURS}, handle: {amount: 2, unit: WORKING_DAYS}, verify: {amount: 1, unit: WORKING_DAYS},
      warnShare: "0.8", escalateShare: "2"}) { matterType priority sign { amount unit } warnShare } }""",
            token=org,
        )[1]
    )
    assert sla["setSlaPolicy"] == {
        "matterType": "FOOD_SAFETY",
        "priority": "HIGH",
        "sign": {"amount": 2, "unit": "HOURS"},
        "warnShare": "0.8",
    }
    _, body = gql(
        gateway,
        """mutation { setSlaPolicy(input: {priority: "HIGH", sign: {amount: 2, unit: HOURS},
      handle: {amount: 2, unit: WORKING_DAYS}, verify: {amount: 1, unit: WORKING_DAYS}}) { priority } }""",
        token=admin,
    )
    assert error_codes(body) == ["FORBIDDEN"]
    assert _ok(
        gql(
            gateway,
            """mutation { setPlatform(input: {code: "PARTY_BUILDING", name: "党建统领平台", position: 1}) { code
              name } }""",
            token=org,
        )[1]
    )["setPlatform"] == {"code": "PARTY_BUILDING", "name": "党建统领平台"}
    _ok(
        gql(
            gateway,
            """mutation { setMatterType(input: {code: "ROAD_DAMAGE", name: "道路破损", professionalLine: "城市管理",
      platformCode: "PUBLIC_SERVICE"}) { code } }""",
            token=org,
        )[1]
    )
    assert "ROAD_DAMAGE" in {
        m["code"] for m in _ok(gql(gateway, "{ matterTypes { code } }", token=centre)[1])["matterTypes"]
    }

    # The township: an office on a platform, a visit, a grid member removed.
    office = _ok(
        gql(
            gateway,
            """mutation($t: ID!) { createOffice(input: {townshipId: $t, name: "店口镇应急管理站"}) { id kind } }""",
            {"t": DIANKOU},
            token=admin,
        )[1]
    )["createOffice"]
    assert office["kind"] == "OFFICE"
    _ok(
        gql(
            gateway,
            """mutation($u: ID!) { attachUnitToPlatform(input: {unitId: $u, platformCode: "SAFETY_RULE_OF_LAW"})
              { platformCode } }""",
            {"u": office["id"]},
            token=admin,
        )[1]
    )
    grid = _ok(
        gql(
            gateway,
            """mutation($t: ID!, $c: String!) { createGrid(input: {townshipId: $t, code: $c, name: "临时网格"})
              { id } }""",
            {"t": DIANKOU, "c": f"T-{uuid.uuid4().hex[:6]}"},
            token=admin,
        )[1]
    )["createGrid"]["id"]
    member = _ok(
        gql(
            gateway,
            """mutation($g: ID!) { addGridMember(input: {gridId: $g, kind: "STAFF", name: "李乡干"}) { members {
              id } } }""",
            {"g": grid},
            token=admin,
        )[1]
    )["addGridMember"]["members"][0]["id"]
    today = dt.date.today().isoformat()
    _ok(
        gql(
            gateway,
            """mutation($g: ID!, $c: ID!, $d: Date!) { logTeamVisit(input: {gridId: $g, visitedOn: $d, place: "某村3组",
      findings: "独居老人家中电线老化", cadreIds: [$c], staffNames: ["李乡干"]}) { id } }""",
            {"g": grid, "c": DEMO_CADRE, "d": today},
            token=user_token("diankou-grid"),
        )[1]
    )
    visits = _ok(
        gql(
            gateway,
            """query($c: ID!) { teamVisits(first: 5, filter: {cadreId: $c}) { nodes { place } } }""",
            {"c": DEMO_CADRE},
            token=user_token("sfj-admin"),
        )[1]
    )["teamVisits"]["nodes"]
    assert {"place": "某村3组"} in visits
    assert (
        _ok(
            gql(
                gateway,
                """mutation($m: ID!) { removeGridMember(input: {memberId: $m}) { members { id } } }""",
                {"m": member},
                token=admin,
            )[1]
        )["removeGridMember"]["members"]
        == []
    )

    # A call-back on its own, after feedback; the 督办 list answers with its filter.
    event_id = _ok(
        gql(
            gateway,
            REPORT,
            {"i": {"townshipId": DIANKOU, "matterType": "NEIGHBOUR_DISPUTE", "description": "热线: 噪音纠纷"}},
            token=centre,
        )[1]
    )["reportEvent"]["event"]["id"]
    for token, step in (
        (centre, {"action": "ACCEPT"}),
        (centre, {"action": "DISPATCH", "assigneeCadreId": DEMO_CADRE}),
        (cadre, {"action": "SIGN"}),
        (cadre, {"action": "START"}),
        (cadre, {"action": "FEEDBACK"}),
    ):
        _ok(gql(gateway, ACT, {"i": {"eventId": event_id, **step}}, token=token)[1])
    called = _ok(
        gql(
            gateway,
            """mutation($e: ID!) { recordCallback(input: {eventId: $e, callback: {reached: true,
      satisfaction: "BASIC"}}) { callbacks { satisfaction } } }""",
            {"e": event_id},
            token=centre,
        )[1]
    )
    assert called["recordCallback"]["callbacks"] == [{"satisfaction": "BASIC"}]
    _ok(
        gql(
            gateway,
            ACT,
            {"i": {"eventId": event_id, "action": "VERIFY_PASS", "closingReason": "RESOLVED"}},
            token=centre,
        )[1]
    )
    _ok(gql(gateway, "{ eventAlerts(first: 5, filter: {minLevel: 1}) { nodes { kind level } } }", token=centre)[1])


def test_a_department_system_finds_its_report_by_its_idempotency_key(gateway, identity_url, user_token):
    system = client_token(identity_url, "sfj-system", "sfj-system-demo-secret", "events:report events:status")[
        "access_token"
    ]
    key = f"lookup-{uuid.uuid4().hex[:8]}"
    _, body = gql(
        gateway,
        REPORT,
        {
            "i": {
                "townshipId": DIANKOU,
                "matterType": "NEIGHBOUR_DISPUTE",
                "description": "按幂等键查找",
                "idempotencyKey": key,
            }
        },
        token=system,
    )
    event_id = body["data"]["reportEvent"]["event"]["id"]
    lookup = "query($k: String) { gridEvents(first: 5, filter: { idempotencyKey: $k }) { nodes { id state } } }"
    _, body = gql(gateway, lookup, {"k": key}, token=system)
    assert body["data"]["gridEvents"]["nodes"] == [{"id": event_id, "state": "REPORTED"}]
    # The key is the system's own: the township, which sees the event, does not find it by another's key.
    _, body = gql(gateway, lookup, {"k": key}, token=user_token("diankou-admin"))
    assert body["data"]["gridEvents"]["nodes"] == []
