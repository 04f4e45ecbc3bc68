"""Personnel through the gateway: sensitive fields, the mutation permission gates, a rule
violation that writes nothing, and live vacancies."""

from __future__ import annotations

import json

import pytest
from helpers import error_codes, gql
from stackutil import DEMO, db_conn, demo_path

ORG = json.loads((demo_path() / "org.json").read_text(encoding="utf-8"))
DEPT = {d["code"]: d["id"] for d in ORG["departments"]}
DEMO_CADRE = next(u for u in DEMO["users"] if u["username"] == "cadre-demo")["cadre_id"]
SENSITIVE = '{ cadre(id: "%s") { name idNumber phone birthDate age ageBand sensitiveVisible } }' % DEMO_CADRE


@pytest.mark.parametrize(
    "username, visible",
    [
        ("bianban", True),
        ("zuzhibu", True),
        ("sfj-admin", True),
        ("diankou-admin", True),
        ("cadre-demo", True),
        ("leader", False),
        ("diankou-sfs-head", False),
        ("diankou-cc", False),
        ("diankou-grid", False),
    ],
)
def test_sensitive_fields_are_masked_for_those_who_do_not_manage_the_person(gateway, user_token, username, visible):
    _, body = gql(gateway, SENSITIVE, token=user_token(username))
    cadre = body["data"]["cadre"]
    assert cadre["sensitiveVisible"] is visible and cadre["ageBand"] in ("YOUNG", "MIDDLE", "OLD")
    if visible:
        assert "*" not in cadre["idNumber"] and "*" not in cadre["phone"] and cadre["birthDate"] and cadre["age"] > 18
    else:
        # Nothing of the birth date: only the region code of the ID number, an age band, no age.
        assert cadre["idNumber"][6:] == "*" * 12 and "****" in cadre["phone"] and cadre["birthDate"] is None
        assert cadre["age"] is None


def test_service_clients_never_see_sensitive_fields(gateway, service_token):
    _, body = gql(gateway, SENSITIVE, token=service_token)
    assert body["data"]["cadre"]["sensitiveVisible"] is False and "*" in body["data"]["cadre"]["idNumber"]


PROPOSE = "mutation($i: ProposeQuotaChangeInput!) { proposeQuotaChange(input: $i) { request { id } } }"
DECIDE = "mutation($i: DecideQuotaChangeInput!) { decideQuotaChange(input: $i) { request { id } } }"
SUBMIT = "mutation($i: SubmitAdjustmentsInput!) { submitAdjustments(input: $i) { batch { batchId } } }"
REVIEW = "mutation($i: ReviewAdjustmentsInput!) { reviewAdjustments(input: $i) { batch { batchId } } }"
MISSING = "00000000-0000-0000-0000-000000000000"

# Inputs that pass the permission gate but fail right after it, so the matrix writes nothing.
GATES = {
    "proposeQuotaChange": (
        PROPOSE,
        {"i": {"departmentId": DEPT["sfj"], "agencyQuotas": [], "reason": " "}},
        {"bianban", "sfj-admin"},
        "BAD_USER_INPUT",
    ),
    "decideQuotaChange": (DECIDE, {"i": {"requestId": MISSING, "approve": True}}, {"bianban"}, "NOT_FOUND"),
    "submitAdjustments": (
        SUBMIT,
        {"i": {"departmentId": DEPT["sfj"], "effectiveDate": "2027-01-01", "reason": "x", "items": []}},
        {"sfj-admin"},
        "BAD_USER_INPUT",
    ),
    "reviewAdjustments": (REVIEW, {"i": {"batchId": MISSING, "approve": True}}, {"zuzhibu"}, "NOT_FOUND"),
}


@pytest.mark.parametrize("operation", sorted(GATES))
@pytest.mark.parametrize("username", [u["username"] for u in DEMO["users"]])
def test_personnel_mutation_permission_matrix(gateway, user_token, username, operation):
    query, variables, allowed, past_the_gate = GATES[operation]
    _, body = gql(gateway, query, variables, token=user_token(username))
    assert error_codes(body) == [past_the_gate if username in allowed else "FORBIDDEN"], body


def test_a_rule_violation_through_the_gateway_writes_nothing(stack, gateway, user_token):
    with db_conn(stack, "personnel") as conn:
        full = conn.execute("""
            SELECT a.id FROM agency a JOIN department d ON d.id = a.department_id
            WHERE d.code = 'sfj' AND a.quota <= (SELECT count(*) FROM cadre c WHERE c.agency_id = a.id AND
              c.status = 'IN_POST')
            ORDER BY a.id LIMIT 1""").fetchone()[0]
        before = conn.execute(
            "SELECT (SELECT count(*) FROM adjustment), (SELECT count(*) FROM audit_log), "
            "(SELECT count(*) FROM outbox_event)"
        ).fetchone()
    _, body = gql(
        gateway,
        SUBMIT,
        {
            "i": {
                "departmentId": DEPT["sfj"],
                "effectiveDate": "2026-12-01",
                "reason": "补员",
                "items": [
                    {
                        "kind": "IN",
                        "toAgencyId": str(full),
                        "newcomer": {"name": "沈若溪", "birthDate": "1995-04-12", "professionalLine": "人民调解"},
                    }
                ],
            }
        },
        token=user_token("sfj-admin"),
    )
    assert error_codes(body) == ["RULE_VIOLATION"] and body["errors"][0]["extensions"]["rule"] == "QUOTA_EXCEEDED"
    with db_conn(stack, "personnel") as conn:
        after = conn.execute(
            "SELECT (SELECT count(*) FROM adjustment), (SELECT count(*) FROM audit_log), "
            "(SELECT count(*) FROM outbox_event)"
        ).fetchone()
    assert after == before


def test_live_vacancies_by_department_match_the_report(gateway, user_token):
    _, body = gql(
        gateway,
        "{ vacancies(by: DEPARTMENT) { department { code quotaTotal } quota inPost vacancy fillRate } }",
        token=user_token("bianban"),
    )
    rows = body["data"]["vacancies"]
    assert sum(r["quota"] for r in rows) == 597 and sum(r["inPost"] for r in rows) == 566
    assert all(r["quota"] == r["department"]["quotaTotal"] for r in rows)


def test_an_agency_shows_its_occupancy(gateway, user_token):
    _, body = gql(
        gateway,
        "{ agencies(first: 3) { nodes { name quota inPost incoming available vacancy } } }",
        token=user_token("sfj-admin"),
    )
    for a in body["data"]["agencies"]["nodes"]:
        assert a["available"] == a["quota"] - a["inPost"] - a["incoming"] and a["vacancy"] >= 0


def test_excel_export_travels_through_the_gateway(gateway, user_token):
    import base64
    import io

    from openpyxl import load_workbook

    _, body = gql(gateway, "{ exportQuotaTable { filename contentType contentBase64 } }", token=user_token("leader"))
    file = body["data"]["exportQuotaTable"]
    assert file["filename"].endswith(".xlsx") and "spreadsheetml" in file["contentType"]
    rows = list(load_workbook(io.BytesIO(base64.b64decode(file["contentBase64"]))).active.iter_rows(values_only=True))
    assert sum(r[3] for r in rows[1:]) == 597


def test_an_import_with_bad_rows_reports_them_and_writes_nothing(stack, gateway, user_token):
    import base64
    import io

    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["姓名", "性别", "出生日期", "身份证号", "手机", "业务条线", "部门代码", "乡镇代码", "到岗日期"])
    wb.active.append(["", "男", "1990-01-01", "330681199001011234", "", "城市管理", "zhzfj", "diankou", "2026-11-01"])
    out = io.BytesIO()
    wb.save(out)
    with db_conn(stack, "personnel") as conn:
        before = conn.execute("SELECT count(*) FROM cadre").fetchone()[0]
    _, body = gql(
        gateway,
        "mutation($i: ImportRosterInput!) { importRoster(input: $i) { ok created errors { row column } } }",
        {"i": {"contentBase64": base64.b64encode(out.getvalue()).decode()}},
        token=user_token("bianban"),
    )
    result = body["data"]["importRoster"]
    assert result["ok"] is False and result["created"] == 0
    assert {(e["row"], e["column"]) for e in result["errors"]} >= {(2, "姓名"), (2, "身份证号")}
    with db_conn(stack, "personnel") as conn:
        assert conn.execute("SELECT count(*) FROM cadre").fetchone()[0] == before


def test_one_quota_change_request_by_id(gateway, user_token):
    token = user_token("bianban")
    _, body = gql(
        gateway,
        "query($d: ID!) { agencies(first: 1, departmentId: $d) { nodes { id quota } } }",
        {"d": DEPT["zhzfj"]},
        token=token,
    )
    agency = body["data"]["agencies"]["nodes"][0]
    _, body = gql(gateway, "{ departments(first: 50) { nodes { id quotaTotal } } }", token=token)
    total = next(d["quotaTotal"] for d in body["data"]["departments"]["nodes"] if d["id"] == DEPT["zhzfj"])
    _, body = gql(
        gateway,
        PROPOSE,
        {
            "i": {
                "departmentId": DEPT["zhzfj"],
                "newTotal": total + 1,
                "reason": "查找测试",
                "agencyQuotas": [{"agencyId": agency["id"], "quota": agency["quota"] + 1}],
            }
        },
        token=token,
    )
    request_id = body["data"]["proposeQuotaChange"]["request"]["id"]
    one = "query($id: ID!) { quotaChangeRequest(id: $id) { id } }"
    assert gql(gateway, one, {"id": request_id}, token=token)[1]["data"]["quotaChangeRequest"]["id"] == request_id
    # Another department's request and one that does not exist answer alike; a township reads none.
    for who, rid in (("sfj-admin", request_id), ("bianban", "00000000-0000-0000-0000-000000000000")):
        _, body = gql(gateway, one, {"id": rid}, token=user_token(who))
        assert error_codes(body) == ["NOT_FOUND"], (who, body)
    assert error_codes(gql(gateway, one, {"id": request_id}, token=user_token("fengqiao-admin"))[1]) == ["FORBIDDEN"]


def test_roster_filters_by_status_line_enforcement_and_tenure(gateway, user_token):
    token = user_token("bianban")
    q = """query($f: CadreFilter) { cadres(first: 100, filter: $f) {
             nodes { status professionalLine isEnforcement postedOn nextMoveAllowedOn } } }"""

    def nodes(f):
        _, body = gql(gateway, q, {"f": f}, token=token)
        assert not body.get("errors"), body
        return body["data"]["cadres"]["nodes"]

    enforcement = nodes({"isEnforcement": True, "status": "IN_POST"})
    assert enforcement and all(n["isEnforcement"] and n["status"] == "IN_POST" for n in enforcement)
    assert all(not n["isEnforcement"] for n in nodes({"isEnforcement": False}))
    line = enforcement[0]["professionalLine"]
    assert all(n["professionalLine"] == line for n in nodes({"professionalLine": line}))
    settled = nodes({"postedBefore": "2024-01-01"})
    assert settled and all(n["postedOn"] < "2024-01-01" for n in settled)
    # Two years in the township before a move (MIN_TENURE_2Y), shown on each person.
    assert all(n["nextMoveAllowedOn"] > n["postedOn"] for n in settled)


def test_adjustments_filter_by_department_agency_cadre_and_year(gateway, user_token):
    token = user_token("zuzhibu")
    q = """query($d: ID, $a: ID, $c: ID, $y: Int) { adjustments(first: 50, departmentId: $d, agencyId: $a,
             cadreId: $c, year: $y) { nodes { id fromAgency { department { id } } toAgency { department { id } }
               } } }"""
    for variables in (
        {"d": DEPT["sfj"]},
        {"y": 2026},
        {"c": DEMO_CADRE},
        {"a": "00000000-0000-0000-0000-000000000000"},
    ):
        _, body = gql(gateway, q, variables, token=token)
        assert not body.get("errors"), (variables, body)
        if "d" in variables:
            assert all(
                DEPT["sfj"] in {(n[k] or {}).get("department", {}).get("id") for k in ("fromAgency", "toAgency")}
                for n in body["data"]["adjustments"]["nodes"]
            )
    _, body = gql(gateway, q, {"y": 99999}, token=token)
    assert error_codes(body) == ["BAD_USER_INPUT"]
