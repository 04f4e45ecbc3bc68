"""What a newcomer finds after ``make run``: the demo's lived state (last year's cycle in 公示, this
year's review meeting convened, the morning's dispatches, the offices' open work — loaded exactly
as ``make run`` loads it) leaves open 待办 for every demo login, of the kinds each role acts on;
the field roles see theirs in the console on a phone, with the bell's count (every login's inbox
screen is opened by test_console's ``test_every_demo_login_opens_its_inbox_and_the_bell``)."""

from __future__ import annotations

import time

import pytest
from devstack import ROOT, load_demo_state
from helpers import eventually, gql, login
from playwright.sync_api import expect
from stackutil import DEMO, PASSWORD, mails, running_stack
from test_console import NARROW, Session, browser  # noqa: F401 - the browser fixture

# The kinds each demo login must find open (others may be there too).
EXPECTED = {
    "bianban": {"QUOTA_REQUEST_TO_DECIDE", "REVIEW_TO_SCORE"},
    "zuzhibu": {"ADJUSTMENT_TO_REVIEW", "CYCLE_TO_APPROVE", "REVIEW_TO_SCORE"},
    "leader": {"REVIEW_TO_SCORE"},
    "sfj-admin": {"REVIEW_TO_SCORE"},
    "zhzfj-admin": {"REVIEW_TO_SCORE"},
    "diankou-admin": {"ADJUSTMENT_TO_GIVE_OPINION", "REVIEW_TO_SCORE"},
    "fengqiao-admin": {"ADJUSTMENT_TO_GIVE_OPINION", "REVIEW_TO_SCORE"},
    "diankou-sfs-head": {"EVENT_TO_ASSIGN", "REVIEW_TO_REPORT"},
    "diankou-cc": {"EVENT_TO_ACCEPT"},
    "diankou-grid": {"EVENT_REPORT_REFUSED"},
    "cadre-demo": {"EVENT_TO_SIGN", "RESULTS_PUBLISHED"},
}
SUMMARY = "{ myInboxSummary { open byKind { kind count } } }"
ON_A_PHONE = ("diankou-grid", "cadre-demo", "diankou-sfs-head")


@pytest.fixture(scope="module")
def stack(database_url, run_prefix):
    if not (ROOT / "web" / "dist" / "index.html").is_file():
        pytest.fail("web/dist is not built: `make test` builds it (npm run build in web/)")
    with running_stack(database_url, f"{run_prefix}dm_", console=True, mail=True) as s:
        started = time.monotonic()
        load_demo_state(s)
        print(f"demo state loaded in {time.monotonic() - started:.1f} s")
        yield s


def _open_kinds(stack, token: str) -> set[str]:
    _, body = gql(stack.gateway_url, SUMMARY, token=token)
    assert not body.get("errors"), body
    return {k["kind"] for k in body["data"]["myInboxSummary"]["byKind"]}


def test_every_role_has_something_to_do_in_the_demo(stack, browser):  # noqa: F811
    assert set(EXPECTED) == {u["username"] for u in DEMO["users"]}  # a new demo login gets its line here
    for username, kinds in EXPECTED.items():
        token = login(stack.url("identity"), username, PASSWORD)["access_token"]
        try:
            eventually(lambda t=token, k=kinds: k <= _open_kinds(stack, t), timeout=60)
        except AssertionError:
            has = sorted(_open_kinds(stack, token))
            raise AssertionError(f"{username} wants {sorted(kinds)}, has {has}") from None
        if username not in ON_A_PHONE:
            continue
        s = Session(browser, stack, username, viewport=NARROW)
        page = s.sign_in("inbox")
        for kind in kinds:
            expect(page.locator(f"#inbox li[data-kind={kind}]").first).to_be_visible(timeout=15000)
        assert int(page.locator("#bell b").inner_text()) >= len(kinds), username
        s.close()


def test_the_grid_worker_marks_the_outcome_read_and_chooses_a_daily_digest_on_a_phone(stack, browser):  # noqa: F811
    s = Session(browser, stack, "diankou-grid", viewport=NARROW)
    page = s.sign_in("inbox")
    told = page.locator("#inbox li[data-kind=EVENT_REPORT_REFUSED]").first
    expect(told).to_be_visible(timeout=15000)
    told.locator("button.mark-read").click()
    expect(page.locator("#inbox li[data-kind=EVENT_REPORT_REFUSED]")).to_have_count(0, timeout=10000)
    page.click("[data-status=DONE]")
    expect(page.locator("#inbox li[data-kind=EVENT_REPORT_REFUSED]").first).to_be_visible()
    settings = page.locator("#notification-settings")
    expect(settings).to_contain_text("电子邮件")  # the demo account has an address and mail is on
    settings.locator("input[name=digest]").check()
    settings.locator("button[type=submit]").click()
    expect(settings.locator("[role=status]")).to_have_text("已保存")
    s.close()
    token = login(stack.url("identity"), "diankou-grid", PASSWORD)["access_token"]
    _, body = gql(stack.gateway_url, "{ myNotificationSettings { digest quietHours reachable } }", token=token)
    assert body["data"]["myNotificationSettings"] == {"digest": True, "quietHours": True, "reachable": ["EMAIL"]}


def test_the_demo_mails_each_login_with_an_address_its_new_items(stack):
    """Mail arrives as the demo's work opens: the grid worker's outcome, the cadre's dispatched event."""

    def to(address: str) -> list[str]:
        return [str(m["Subject"]) for _, m in mails(stack) if m["To"] == address]

    eventually(lambda: to("diankou-grid@demo.county.example"), timeout=30)
    assert any("不予受理或为重复" in subject for subject in to("diankou-grid@demo.county.example"))
    eventually(lambda: any("待签收" in subject for subject in to("cadre-demo@demo.county.example")), timeout=30)
