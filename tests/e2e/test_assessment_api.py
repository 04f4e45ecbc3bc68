"""Assessment through the gateway: the organisation department opens the year, each side scores
its own cadres, and results stay with the assessors before publication."""

from __future__ import annotations

import datetime as dt

from helpers import error_codes, eventually, gql
from stackutil import DEMO, db_conn, statements_per_page

DEMO_CADRE = next(u for u in DEMO["users"] if u["username"] == "cadre-demo")["cadre_id"]
SCORE = (
    "mutation($i: SetScoreInput!) { setAssessmentScore(input: $i) { township_score: townshipScore departmentScore } }"
)


def test_open_score_and_read_within_scope(stack, gateway, user_token):
    def projected() -> bool:
        with db_conn(stack, "assessment") as conn:
            return conn.execute(
                "SELECT (SELECT count(*) FROM roster_entry) = 566 AND (SELECT count(*) FROM unit_name) = 90"
            ).fetchone()[0]

    eventually(projected, timeout=60)  # the assessment service has followed personnel's feed

    year = dt.date.today().year
    _, body = gql(
        gateway,
        "mutation($i: OpenCycleInput!) { openAssessmentCycle(input: $i) { id townshipShare departmentShare "
        "departments { status department { name } } } }",
        {"i": {"year": year}},
        token=user_token("zuzhibu"),
    )
    cycle = body["data"]["openAssessmentCycle"]
    assert (cycle["townshipShare"], cycle["departmentShare"]) == (0.6, 0.4)
    assert len(cycle["departments"]) == 6 and {d["status"] for d in cycle["departments"]} == {"SCORING"}
    assert "诸暨市司法局" in {d["department"]["name"] for d in cycle["departments"]}  # the name, through the gateway

    score = {"cycleId": cycle["id"], "cadreId": DEMO_CADRE, "score": "91.5"}
    _, body = gql(gateway, SCORE, {"i": {**score, "side": "TOWNSHIP"}}, token=user_token("diankou-admin"))
    assert body["data"]["setAssessmentScore"]["township_score"] == "91.50"
    _, body = gql(gateway, SCORE, {"i": {**score, "side": "TOWNSHIP"}}, token=user_token("fengqiao-admin"))
    assert error_codes(body) == ["FORBIDDEN"]
    _, body = gql(gateway, SCORE, {"i": {**score, "side": "DEPARTMENT", "score": "120"}}, token=user_token("sfj-admin"))
    assert error_codes(body) == ["RULE_VIOLATION"] and body["errors"][0]["extensions"]["rule"] == "SCORE_OUT_OF_RANGE"

    members = (
        "query($c: ID!) { cycleMembers(cycleId: $c, first: 100) { nodes { cadre { id name township { code } } "
        "townshipScore } } }"
    )
    _, body = gql(gateway, members, {"c": cycle["id"]}, token=user_token("diankou-admin"))
    nodes = body["data"]["cycleMembers"]["nodes"]
    assert nodes and {n["cadre"]["township"]["code"] for n in nodes} == {"diankou"}
    assert next(n for n in nodes if n["cadre"]["id"] == DEMO_CADRE)["townshipScore"] == "91.50"
    _, body = gql(gateway, members, {"c": cycle["id"]}, token=user_token("leader"))
    assert error_codes(body) == ["FORBIDDEN"]  # not published yet

    # A whole page scored in one call: all or nothing, a refusal names the item.
    others = [n["cadre"]["id"] for n in nodes if n["cadre"]["id"] != DEMO_CADRE][:3]
    batch = """mutation($i: SetScoresInput!) { setAssessmentScores(input: $i) {
                 cadre { id } township { name } townshipScore } }"""
    items = [{"cadreId": c, "score": "80"} for c in others] + [{"cadreId": others[0], "score": "81"}]
    _, body = gql(
        gateway,
        batch,
        {"i": {"cycleId": cycle["id"], "side": "TOWNSHIP", "scores": items}},
        token=user_token("diankou-admin"),
    )
    assert error_codes(body) == ["BAD_USER_INPUT"] and body["errors"][0]["extensions"]["index"] == 3
    _, body = gql(
        gateway,
        batch,
        {"i": {"cycleId": cycle["id"], "side": "TOWNSHIP", "scores": items[:3]}},
        token=user_token("diankou-admin"),
    )
    scored = body["data"]["setAssessmentScores"]
    assert [(m["cadre"]["id"], m["township"]["name"], m["townshipScore"]) for m in scored] == [
        (c, "店口镇", "80.00") for c in others
    ]

    import base64
    import io

    from openpyxl import load_workbook

    _, body = gql(
        gateway,
        "query($c: ID!) { exportAssessmentResults(cycleId: $c) { filename contentBase64 } }",
        {"c": cycle["id"]},
        token=user_token("diankou-admin"),
    )
    rows = list(
        load_workbook(
            io.BytesIO(base64.b64decode(body["data"]["exportAssessmentResults"]["contentBase64"]))
        ).active.iter_rows(values_only=True)
    )
    assert {r[2] for r in rows[1:]} == {"店口镇"}  # unit names came with personnel's events


async def test_a_cycle_member_page_costs_a_constant_number_of_statements(stack, gateway, user_token):
    """Scores, the normalised total and the platform's evidence beside them: one page, the same
    statements whatever its size."""
    org = user_token("zuzhibu")
    _, body = gql(
        gateway,
        "mutation($i: OpenCycleInput!) { openAssessmentCycle(input: $i) { id } }",
        {"i": {"year": dt.date.today().year, "period": f"{dt.date.today().year}-Q1"}},
        token=org,
    )
    cycle = body["data"]["openAssessmentCycle"]["id"]
    query = """query($c: ID!, $n: Int) { cycleMembers(cycleId: $c, first: $n) { nodes { cadre { id } townshipScore
      departmentScore total normalizedTotal platformEvidence { months closed onTimeRate } } } }"""
    counts = await statements_per_page(
        stack,
        "assessment",
        query,
        token=org,
        sizes=(1, 10, 80),
        variables=lambda n: {"c": cycle, "n": n},
        nodes=lambda d: d["cycleMembers"]["nodes"],
    )
    assert counts[1] == counts[10] == counts[80], counts
