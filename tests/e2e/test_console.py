"""The web console (web/), built as `make run` builds it and served by tools/console_server.py, in a
real headless Chromium (Debian's package, driven by Playwright) against a real stack of its own:
per role, sign in through the identity service's login page, open the role's screens and read what
a person sees. Nothing here talks to a mock; the API is the real gateway.

Screenshots of every screen are kept in .data/test-artifacts/console/ (wide and narrow windows)."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from devstack import ROOT
from helpers import client_token, eventually, gql, login
from playwright.sync_api import Page, expect, sync_playwright
from stackutil import DEMO, PASSWORD, db_conn, running_stack

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
SHOTS = ROOT / ".data" / "test-artifacts" / "console"
WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 390, "height": 844}  # a phone
BLOCKERS = ("CORS", "Content Security Policy", "Access-Control-Allow-Origin", "pageerror")

SFJ = next(u for u in DEMO["users"] if u["username"] == "sfj-admin")["roles"][0][2]
DIANKOU = next(u for u in DEMO["users"] if u["username"] == "diankou-admin")["roles"][0][2]


@pytest.fixture(scope="module")
def stack(database_url, run_prefix):
    if not (ROOT / "web" / "dist" / "index.html").is_file():
        pytest.fail("web/dist is not built: `make test` builds it (npm run build in web/)")
    with running_stack(database_url, f"{run_prefix}web_", console=True) as s:
        yield s


@pytest.fixture(scope="module")
def browser():
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def token(stack):
    cache: dict[str, str] = {}

    def get(username: str) -> str:
        if username not in cache:
            cache[username] = login(stack.url("identity"), username, PASSWORD)["access_token"]
        return cache[username]

    return get


class Session:
    """One person in one browser window, with what the browser complained about."""

    def __init__(self, browser, stack, username: str, viewport=WIDE):
        self.context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
        self.page: Page = self.context.new_page()
        self.console: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        self.stack, self.username = stack, username

    def sign_in(self, screen: str) -> Page:
        page = self.page
        page.goto(f"{self.stack.spa_origin}/#/{screen}")
        page.click("#login")
        page.wait_for_url(f"{self.stack.url('identity')}/oauth/authorize*")
        page.fill("#username", self.username)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        expect(page.locator("#who")).to_be_visible(timeout=15000)
        assert page.url.endswith(f"#/{screen}"), page.url  # back where the person set out for
        return page

    def open(self, screen: str) -> None:
        self.page.click(f"nav [data-screen={screen}]")
        expect(self.page.locator("nav a.active")).to_have_attribute("data-screen", screen)

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        problems = [c for c in self.console if any(b in c for b in BLOCKERS)]
        self.context.close()
        assert not problems, problems


def menu(page: Page) -> list[str]:
    return page.locator("nav a").evaluate_all("els => els.map(e => e.dataset.screen)")


def test_county_overview_shows_the_report_numbers_and_the_charts(stack, browser):
    s = Session(browser, stack, "bianban")
    page = s.sign_in("overview")
    expect(page.locator("#kpi-quota")).to_contain_text("597")
    expect(page.locator("#kpi-in-post")).to_contain_text("566")
    expect(page.locator("#kpi-enforcement")).to_contain_text("71.9%")
    # The bar chart, the age pie and the tenure bars have drawn on their canvases.
    expect(page.locator(".chart[data-rendered=true] canvas")).to_have_count(3)
    assert menu(page) == ["overview", "quota", "roster", "inbox"]

    # 编办 sends the reminder notices; the open ones appear with their deadline.
    expect(page.locator("text=没有未办结的空编提醒")).to_be_visible()
    page.click("#issue-reminders button[type=submit]")
    expect(page.locator("#reminders tbody tr")).to_have_count(3)  # 司法局, 市场监管局, 综合执法局 have vacancies
    expect(page.locator("#reminders")).to_contain_text("办理中")
    s.shot("overview")

    page.set_viewport_size(NARROW)
    expect(page.locator("#kpi-quota")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "overflows a phone screen"
    s.shot("overview-narrow")
    s.close()


def test_the_roster_shows_sensitive_fields_exactly_as_the_api_returns_them(stack, browser, token):
    query = "{ cadres(first: 50) { nodes { name idNumber phone sensitiveVisible } } }"
    for username, visible in (("sfj-admin", True), ("diankou-sfs-head", False)):
        _, body = gql(stack.gateway_url, query, token=token(username))
        api = body["data"]["cadres"]["nodes"]
        s = Session(browser, stack, username)
        page = s.sign_in("roster")
        rows = page.locator("#roster tbody tr")
        expect(rows).to_have_count(len(api))
        first = rows.nth(0)
        expect(first).to_have_attribute("data-sensitive", "visible" if visible else "masked")
        cells = first.locator("td")
        assert cells.nth(0).inner_text().startswith(api[0]["name"])
        assert cells.nth(8).inner_text() == (api[0]["idNumber"] or "—")
        assert cells.nth(9).inner_text() == (api[0]["phone"] or "—")
        assert api[0]["sensitiveVisible"] is visible
        s.shot(f"roster-{username}")
        s.close()


def test_roster_pages_forward_and_back_with_keyset_cursors(stack, browser):
    s = Session(browser, stack, "leader")
    page = s.sign_in("roster")
    first_name = page.locator("#roster tbody tr").nth(0).locator("td").nth(0).inner_text()
    page.click("text=下一页")
    expect(page.locator(".pager")).to_contain_text("第 2 页")
    expect(page.locator("#roster tbody tr").nth(0).locator("td").nth(0)).not_to_have_text(first_name)
    page.click("text=上一页")
    expect(page.locator("#roster tbody tr").nth(0).locator("td").nth(0)).to_have_text(first_name)
    page.select_option("#roster-township", label="店口镇")
    expect(page.locator("#roster tbody tr").first).to_contain_text("店口镇")
    assert set(page.locator("#roster tbody tr td:nth-child(3)").all_inner_texts()) == {"店口镇"}
    s.close()


def _tenure(token, stack):
    """A cadre of 司法局 posted less than two years ago, one posted long enough ago, and an agency
    of 司法局 with a free place that is neither's."""
    q = """query($d: ID) { cadres(first: 100, filter: { departmentId: $d }) { nodes { id name postedOn agency { id } } }
                          agencies(first: 100, departmentId: $d) { nodes { id name available township { name } } } }"""
    _, body = gql(stack.gateway_url, q, {"d": SFJ}, token=token("sfj-admin"))
    cutoff = (dt.date.today() - dt.timedelta(days=2 * 366)).isoformat()
    people = body["data"]["cadres"]["nodes"]
    recent = next(c for c in people if c["postedOn"] > cutoff)
    settled = next(c for c in people if c["postedOn"] < cutoff and c["agency"]["id"] != recent["agency"]["id"])
    target = next(
        a
        for a in body["data"]["agencies"]["nodes"]
        if a["available"] > 0 and a["id"] not in (recent["agency"]["id"], settled["agency"]["id"])
    )
    return recent, settled, target


def test_an_adjustment_refused_by_a_rule_says_which_then_goes_through_its_steps(stack, browser, token):
    recent, settled, target = _tenure(token, stack)
    s = Session(browser, stack, "sfj-admin")
    page = s.sign_in("quota")
    form = page.locator("#submit-adjustment")

    def fill(cadre, reason):
        form.locator("select[name=from]").select_option(cadre["agency"]["id"])
        expect(form.locator(f"select[name=cadre] option[value='{cadre['id']}']")).to_have_count(1)
        form.locator("select[name=cadre]").select_option(cadre["id"])
        form.locator("select[name=to]").select_option(target["id"])
        form.locator("input[name=reason]").fill(reason)
        form.locator("button[type=submit]").click()

    fill(recent, "工作需要")
    refusal = form.locator(".state-error")
    expect(refusal).to_have_attribute("data-rule", "MIN_TENURE_2Y")
    expect(refusal).to_contain_text("不符合规则")
    assert re.search(r"[\u4e00-\u9fff]", refusal.locator(".state-message").inner_text())  # the rule in words
    with db_conn(stack, "personnel") as conn:
        assert conn.execute("SELECT count(*) FROM adjustment").fetchone()[0] == 0  # nothing written

    fill(settled, "工作需要")
    expect(form.locator(".ok")).to_contain_text("已提交")
    row = page.locator("#adjustments tr.adjustment").first
    expect(row).to_contain_text(settled["name"])
    expect(row.locator(".steps li.current")).to_have_text("组织部审核")
    s.shot("quota-department")
    s.close()

    org = Session(browser, stack, "zuzhibu")
    page = org.sign_in("quota")
    row = page.locator("#adjustments tr.adjustment").first
    row.locator("button", has_text="办理").click()
    page.click("text=组织部审核通过")
    expect(page.locator("#adjustments tr.adjustment").first).to_have_attribute("data-status", "APPROVED")
    expect(page.locator("#adjustments tr.adjustment").first.locator(".steps li.current")).to_have_text("生效")
    org.shot("quota-org-department")
    org.close()


def test_dispatch_board_offers_only_allowed_actions_and_moves_an_event(stack, browser, token):
    s = Session(browser, stack, "diankou-cc")
    page = s.sign_in("dispatch")
    assert menu(page) == ["dispatch", "inbox"]
    page.click("[role=tab][data-state=REPORTED]")
    item = page.locator("#events li").first
    event_id = item.get_attribute("data-event")
    item.locator("button").click()
    detail = page.locator("#event-detail")
    expect(detail.locator("#event-state")).to_have_attribute("data-state", "REPORTED")

    _, body = gql(
        stack.gateway_url,
        "query($id: ID!) { gridEvent(id: $id) { allowedActions } }",
        {"id": event_id},
        token=token("diankou-cc"),
    )
    offered = detail.locator("#event-actions [data-action]").evaluate_all("els => els.map(e => e.dataset.action)")
    assert (
        sorted(offered) == sorted(body["data"]["gridEvent"]["allowedActions"]) and offered
    )  # nothing more, nothing less
    s.shot("dispatch-reported")

    detail.locator("[data-action=ACCEPT]").click()
    expect(detail.locator("#event-state")).to_have_attribute("data-state", "ACCEPTED")
    expect(detail.locator("#recommendation")).to_contain_text("推荐派遣")  # computed on acceptance, with its reason
    detail.locator("[data-action=DISPATCH]").click()
    lead = detail.locator("select[name=leadUnit]")
    expect(lead.locator("option", has_text="推荐")).to_have_count(1)
    assert lead.input_value()  # the recommended unit is chosen already
    detail.locator("button[type=submit]").click()
    expect(detail.locator("#event-state")).to_have_attribute("data-state", "DISPATCHED")
    _, body = gql(
        stack.gateway_url,
        "query($id: ID!) { gridEvent(id: $id) { state leadUnit { id } } }",
        {"id": event_id},
        token=token("diankou-cc"),
    )
    assert body["data"]["gridEvent"]["state"] == "DISPATCHED" and body["data"]["gridEvent"]["leadUnit"]
    s.shot("dispatch-board")

    page.set_viewport_size(NARROW)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "overflows a phone screen"
    s.shot("dispatch-narrow")
    s.close()


def test_the_board_refreshes_itself_while_open(stack, browser, token):
    s = Session(browser, stack, "diankou-cc")
    page = s.sign_in("dispatch")
    page.clock.install()  # the poll's timer is driven from here, not waited for
    page.reload()
    expect(page.locator("#events li").first).to_be_visible()
    before = page.locator("#events li").count()
    client = {
        "i": {
            "townshipId": DIANKOU,
            "matterType": "NEIGHBOUR_DISPUTE",
            "priority": "NORMAL",
            "description": "楼上漏水引发邻里纠纷",
            "idempotencyKey": "console-refresh-1",
        }
    }
    status, body = gql(
        stack.gateway_url,
        "mutation($i: ReportEventInput!) { reportEvent(input: $i) { event { id } } }",
        client,
        token=token("diankou-grid"),
    )
    assert status == 200 and "errors" not in body, body
    page.clock.run_for(16_000)
    expect(page.locator("#events li")).to_have_count(before + 1)
    s.close()


def test_round_one_excellence_up_to_the_limit_and_the_next_pick_refused(stack, browser, token):
    def projected() -> bool:
        with db_conn(stack, "assessment") as conn:
            return conn.execute("SELECT count(*) = 566 FROM roster_entry").fetchone()[0]

    eventually(projected, timeout=60)
    org = Session(browser, stack, "zuzhibu")
    page = org.sign_in("assessment")
    expect(page.locator("text=尚未开启考核周期")).to_be_visible()
    page.click(f"text=开启 {dt.date.today().year} 年度考核")
    expect(page.locator("#flows tbody tr")).to_have_count(6)
    org.close()

    # Both sides' scores, as the townships and the department would have entered them (distinct, so
    # no ties decide the shortlist): arranged in the database, the picks below go through the console.
    with db_conn(stack, "assessment") as conn:
        conn.execute(
            """UPDATE cycle_member m SET township_score = 70 + mod(s.n, 250) * 0.1, department_score = 80
                        FROM (SELECT cadre_id, row_number() OVER (ORDER BY cadre_id) AS n FROM cycle_member) s
                        WHERE s.cadre_id = m.cadre_id AND m.department_id = %s""",
            (SFJ,),
        )

    s = Session(browser, stack, "sfj-admin")
    page = s.sign_in("assessment")
    page.click("#make-shortlist")
    places = page.locator("#round1-places")
    expect(places).to_be_visible()
    quota = int(re.search(r"第一轮名额 (\d+) 名", places.inner_text()).group(1))
    assert quota == 92 * 125 // 1000  # 12.5% of the department's 92 assessed, rounded down
    boxes = page.locator("#round1 input[name=pick]")
    for i in range(quota):
        boxes.nth(i).check()
    expect(places).to_contain_text("剩余 0 名")
    boxes.nth(quota).check()  # one more than the places
    page.click("#round1 button[type=submit]")
    refusal = page.locator("#round1 .state-error")
    expect(refusal).to_have_attribute("data-rule", "EXCELLENCE_QUOTA_EXCEEDED")
    expect(refusal).to_contain_text(f"第一轮名额为 {quota} 名")
    s.shot("assessment-round1-refused")
    with db_conn(stack, "assessment") as conn:
        assert conn.execute("SELECT count(*) FROM cycle_member WHERE excellent_round IS NOT NULL").fetchone()[0] == 0

    boxes.nth(quota).uncheck()
    page.click("#round1 button[type=submit]")
    expect(page.locator("#flows")).to_contain_text("第一轮已报")
    expect(page.locator("#members")).to_contain_text("第一轮")
    assert page.locator("#members td", has_text="第一轮").count() == quota
    s.shot("assessment")
    s.close()


def test_a_cadre_sees_own_file_results_and_tasks(stack, browser):
    s = Session(browser, stack, "cadre-demo")
    page = s.sign_in("me")
    assert menu(page) == ["dispatch", "me", "inbox"]
    expect(page.locator("#my-file")).to_contain_text("杨明")
    expect(page.locator("#my-file")).to_contain_text("店口镇司法所")
    expect(page.locator("#my-results")).to_be_visible()
    expect(page.locator("#my-tasks")).to_be_visible()
    s.shot("my-page")
    s.close()


def test_screens_of_another_role_are_not_offered_and_forbidden_reads_say_so(stack, browser):
    s = Session(browser, stack, "diankou-grid")
    page = s.sign_in("overview")  # asked for a screen that is not a grid worker's
    assert menu(page) == ["dispatch", "inbox"]
    expect(page.locator("nav a.active")).to_have_attribute("data-screen", "dispatch")
    s.close()

    s = Session(browser, stack, "leader")
    page = s.sign_in("assessment")
    # Leaders see results after publication; before, the API answers FORBIDDEN and the screen says so.
    expect(page.locator(".state-forbidden")).to_contain_text("无权查看")
    s.shot("assessment-forbidden")
    s.close()


def test_logout_ends_the_session(stack, browser):
    s = Session(browser, stack, "bianban")
    page = s.sign_in("overview")
    with page.expect_navigation(url=f"{stack.spa_origin}/*", timeout=15000):
        page.click("#logout")
    expect(page.locator("#login")).to_be_visible()
    s.close()


ORG_UNITS = __import__("json").loads((ROOT / "demo" / "org.json").read_text(encoding="utf-8"))


def _api(stack, token, query, variables=None):
    _, body = gql(stack.gateway_url, query, variables, token=token)
    assert not body.get("errors"), body
    return body["data"]


def _members(stack, token, cycle, **scope) -> list[dict]:
    nodes, after = [], None
    query = """query($c: ID!, $d: ID, $t: ID, $a: String) { cycleMembers(cycleId: $c, first: 100, after: $a,
      departmentId: $d, townshipId: $t) { nodes { cadre { id } department { id } township { id } total shortlisted
      excellentRound grade } pageInfo { hasNextPage endCursor } } }"""
    while True:
        page = _api(stack, token, query, {"c": cycle, "d": scope.get("d"), "t": scope.get("t"), "a": after})
        nodes += page["cycleMembers"]["nodes"]
        if not page["cycleMembers"]["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["cycleMembers"]["pageInfo"]["endCursor"]


def _assessors(stack, token) -> dict:
    """An administrator for every township and department of the demo, made through identity's API."""
    org = token("zuzhibu")
    people = {}
    for kind, role, units in (
        ("t", "TOWNSHIP_ADMIN", ORG_UNITS["townships"]),
        ("d", "DEPARTMENT_ADMIN", ORG_UNITS["departments"]),
    ):
        for unit in units:
            username = f"pub-{kind}-{unit['code']}"
            user = _api(
                stack,
                org,
                "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }",
                {"i": {"username": username, "displayName": f"{unit['name']} 考核员", "password": PASSWORD}},
            )["createUser"]["user"]["id"]
            scope = "TOWNSHIP" if kind == "t" else "DEPARTMENT"
            _api(
                stack,
                org,
                "mutation($i: GrantRoleInput!) { grantRole(input: $i) { binding { id } } }",
                {"i": {"userId": user, "role": role, "scopeKind": scope, "scopeId": unit["id"]}},
            )
            people[unit["id"]] = token(username)
    return people


def test_a_full_cycle_on_the_demo_names_25_percent_and_a_cadre_sees_the_list_and_objects(stack, browser, token):
    """公示 as the report means it, on the demo roster through the gateway: a whole annual cycle with
    default settings names 25% of 566 (141, never more); the demo cadre then sees the 优秀 list of
    their department and township on a phone, and objects to a name on it."""
    with db_conn(stack, "assessment") as conn:
        assert eventually(lambda: conn.execute("SELECT count(*) FROM roster_entry").fetchone()[0] == 566, timeout=60)
    side = _assessors(stack, token)
    org = token("zuzhibu")
    cycle = _api(
        stack, org, "mutation($i: OpenCycleInput!) { openAssessmentCycle(input: $i) { id } }", {"i": {"year": 2025}}
    )["openAssessmentCycle"]["id"]
    score_query = "mutation($i: SetScoresInput!) { setAssessmentScores(input: $i) { cadre { id } } }"
    for key, name, units in (("t", "TOWNSHIP", ORG_UNITS["townships"]), ("d", "DEPARTMENT", ORG_UNITS["departments"])):
        for unit in units:
            mine = _members(stack, side[unit["id"]], cycle, **{key: unit["id"]})
            items = [
                {"cadreId": m["cadre"]["id"], "score": str(60 + int(m["cadre"]["id"][:4], 16) % 3900 / 100)}
                for m in mine
            ]
            _api(stack, side[unit["id"]], score_query, {"i": {"cycleId": cycle, "side": name, "scores": items}})
    for d in ORG_UNITS["departments"]:
        flow = _api(
            stack,
            side[d["id"]],
            "mutation($i: DepartmentFlowInput!) { makeExcellenceShortlist(input: $i) { round1Quota } }",
            {"i": {"cycleId": cycle, "departmentId": d["id"]}},
        )["makeExcellenceShortlist"]
        best = sorted(
            (m for m in _members(stack, side[d["id"]], cycle, d=d["id"]) if m["shortlisted"]),
            key=lambda m: (-float(m["total"]), m["cadre"]["id"]),
        )
        _api(
            stack,
            side[d["id"]],
            "mutation($i: Round1Input!) { submitExcellenceRound1(input: $i) { status } }",
            {
                "i": {
                    "cycleId": cycle,
                    "departmentId": d["id"],
                    "cadreIds": [m["cadre"]["id"] for m in best[: flow["round1Quota"]]],
                }
            },
        )
    for t in ORG_UNITS["townships"]:
        mine = _members(stack, side[t["id"]], cycle, t=t["id"])
        departments = sorted({m["department"]["id"] for m in mine})
        places = _api(
            stack,
            side[t["id"]],
            "query($c: ID!, $d: ID!) "
            "{ excellencePlaces(cycleId: $c, departmentId: $d) { townships { township { id } quota } } }",
            {"c": cycle, "d": departments[0]},
        )["excellencePlaces"]["townships"]
        quota = next(p["quota"] for p in places if p["township"]["id"] == t["id"])
        left = sorted(
            (m for m in mine if m["shortlisted"] and not m["excellentRound"]),
            key=lambda m: (-float(m["total"]), m["cadre"]["id"]),
        )[:quota]
        picks = [
            {"departmentId": d, "cadreIds": [m["cadre"]["id"] for m in left if m["department"]["id"] == d]}
            for d in departments
        ]
        _api(
            stack,
            side[t["id"]],
            "mutation($i: TownshipRound2Input!) { submitTownshipExcellenceRound2(input: $i) { used } }",
            {"i": {"cycleId": cycle, "townshipId": t["id"], "departments": picks}},
        )
    _api(
        stack,
        org,
        "mutation($i: PublishInput!) { publishAssessmentResults(input: $i) { status } }",
        {"i": {"cycleId": cycle, "objectionDays": 5}},
    )
    everyone = _members(stack, org, cycle)
    excellent = [m for m in everyone if m["grade"] == "EXCELLENT"]
    assert len(everyone) == 566 and len(excellent) in (140, 141)  # 25% of 566 = 141.5: never 142

    me = next(
        m
        for m in everyone
        if m["cadre"]["id"] == next(u for u in DEMO["users"] if u["username"] == "cadre-demo")["cadre_id"]
    )
    concerned = [
        m
        for m in excellent
        if m["department"]["id"] == me["department"]["id"] or m["township"]["id"] == me["township"]["id"]
    ]
    listed = _api(
        stack,
        token("cadre-demo"),
        "query($c: ID!) { publicityList(cycleId: $c, first: 100) { nodes { name agencyName cadre { id } } } }",
        {"c": cycle},
    )["publicityList"]["nodes"]
    assert {n["cadre"]["id"] for n in listed} == {m["cadre"]["id"] for m in concerned} != set()
    target = next(n for n in listed if n["cadre"]["id"] != me["cadre"]["id"])

    s = Session(browser, stack, "cadre-demo", viewport=NARROW)
    page = s.sign_in("me")
    panel = page.locator("#my-publication")
    expect(panel.locator("#publicity-list tbody tr")).to_have_count(len(listed))
    expect(panel.locator("#publicity-list")).to_contain_text(target["name"])
    panel.locator("select[name=about]").select_option(target["cadre"]["id"])
    panel.locator("input[name=objection]").fill("该同志本年度有两件事件逾期办结，请复核")
    panel.locator("button[type=submit]").click()
    expect(panel).to_contain_text(f"针对 {target['name']}")
    s.shot("publicity-cadre-phone")
    s.close()
    with db_conn(stack, "assessment") as conn:
        about = conn.execute("SELECT about_cadre_id::text FROM objection WHERE cycle_id = %s", (cycle,)).fetchone()[0]
    assert about == target["cadre"]["id"]


def test_every_demo_login_opens_its_inbox_and_the_bell(stack, browser):
    """待办 is every role's screen: each demo login reaches it from the bell, phone-sized, without an error."""
    for user in DEMO["users"]:
        s = Session(browser, stack, user["username"], viewport=NARROW)
        page = s.sign_in("inbox")
        expect(page.locator("#inbox")).to_be_visible()
        expect(page.locator("#bell b")).not_to_have_text("—", timeout=10000)
        assert page.locator("#inbox .state-error").count() == 0, user["username"]
        s.close()


def test_a_reported_event_reaches_the_command_centres_inbox_and_its_link_opens_it(stack, browser):
    system = client_token(stack.url("identity"), "sfj-system", "sfj-system-demo-secret", "events:report")
    _, body = gql(
        stack.gateway_url,
        "mutation($i: ReportEventInput!) { reportEvent(input: $i) { event { id } } }",
        {
            "i": {
                "townshipId": DIANKOU,
                "matterType": "NEIGHBOUR_DISPUTE",
                "description": "楼道堆物纠纷",
                "idempotencyKey": f"bell-{os.getpid()}",
            }
        },
        token=system["access_token"],
    )
    event_id = body["data"]["reportEvent"]["event"]["id"]
    s = Session(browser, stack, "diankou-cc")
    page = s.sign_in("inbox")
    item = page.locator(f"#inbox li[data-kind=EVENT_TO_ACCEPT] a[href='#/dispatch?event={event_id}']")
    expect(item).to_be_visible(timeout=30000)  # within a poll or two of the feed
    assert int(page.locator("#bell b").inner_text()) >= 1
    s.shot("inbox-command-centre")
    item.click()
    expect(page.locator("#event-detail")).to_be_visible()
    s.close()
