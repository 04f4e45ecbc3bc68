"""A browser app logs in the way front-end teams build them: a single-page app using oidc-client-ts
with its defaults (discovery, PKCE, scope "openid profile api offline_access"), in a real headless
Chromium (Debian's package, driven by Playwright), against the real identity service and gateway.
It signs in through our login page, calls the gateway, refreshes silently (refresh-token rotation),
logs out through the end_session_endpoint — and every CORS or CSP complaint in the browser's
console fails the test (those are what stopped the first real browser app)."""

from __future__ import annotations

import functools
import http.server
import json
import os
import threading
import urllib.parse

import httpx
import pytest
from devstack import ROOT
from helpers import eventually, gql
from playwright.sync_api import sync_playwright
from stackutil import PASSWORD

BROWSER_DIR = ROOT / "tests" / "browser"
LIBRARY = BROWSER_DIR / "node_modules" / "oidc-client-ts" / "dist" / "browser" / "oidc-client-ts.min.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Chromium as root in a container, with nothing reaching out to the vendor's services.
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


class _SpaHandler(http.server.SimpleHTTPRequestHandler):
    config = b""

    def do_GET(self):  # noqa: N802 - the standard library's name
        path = urllib.parse.urlsplit(self.path).path
        if path == "/config.js":
            body, kind = self.config, "text/javascript"
        elif path == "/oidc-client-ts.min.js":
            body, kind = LIBRARY.read_bytes(), "text/javascript"
        elif path in ("/", "/index.html", "/callback.html"):
            body, kind = (BROWSER_DIR / ("index.html" if path == "/" else path.lstrip("/"))).read_bytes(), "text/html"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("content-type", f"{kind}; charset=utf-8")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def spa(stack):
    port = int(stack.spa_origin.rsplit(":", 1)[1])
    config = {"authority": stack.url("identity"), "gateway": stack.gateway_url}
    handler = type("Handler", (_SpaHandler,), {"config": f"window.CONFIG = {json.dumps(config)};".encode()})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield stack.spa_origin
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


BLOCKERS = ("CORS", "Content Security Policy", "Access-Control-Allow-Origin", "blocked")


def test_a_standard_spa_logs_in_calls_the_gateway_refreshes_and_logs_out(stack, spa, browser):
    page = browser.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))

    page.goto(f"{spa}/")
    page.click("#login")
    # Our login page (identity service), then back to the app's callback, then to the app.
    page.wait_for_url(f"{stack.url('identity')}/oauth/authorize*")
    page.fill("#username", "diankou-admin")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{spa}/", timeout=15000)
    page.wait_for_function("document.getElementById('who').textContent.includes('diankou-admin')", timeout=15000)

    user = page.evaluate("app.user()")
    assert user["profile"]["preferred_username"] == "diankou-admin" and user["profile"]["name"]
    assert set(user["scope"].split()) == {"openid", "profile", "api", "offline_access"}
    assert user["id_token"] and user["refresh_token"]

    me = page.evaluate("app.query('{ me { username name } cadres(first: 5) { nodes { name township { name } } } }')")
    assert me["status"] == 200 and me["body"]["data"]["me"]["username"] == "diankou-admin", me
    assert len(me["body"]["data"]["cadres"]["nodes"]) == 5

    # Silent renewal with the refresh token: new tokens, the API still answers.
    first = user
    page.evaluate("app.refresh()")
    renewed = page.evaluate("app.user()")
    assert renewed["access_token"] != first["access_token"] and renewed["refresh_token"] != first["refresh_token"]
    assert page.evaluate("app.query('{ me { username } }')")["body"]["data"]["me"]["username"] == "diankou-admin"

    # Logout through the end_session_endpoint, back to the app.
    with page.expect_navigation(url=f"{spa}/?state=*", timeout=15000):
        page.evaluate("app.logout(); null")
    # The session is over: its tokens are refused and its refresh token is dead.
    eventually(lambda: gql(stack.gateway_url, "{ me { subject } }", token=renewed["access_token"])[0] == 401)
    dead = httpx.post(
        f"{stack.url('identity')}/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": renewed["refresh_token"], "client_id": "county-web"},
    )
    assert dead.status_code == 400

    complaints = [line for line in console if any(b in line for b in BLOCKERS) or line.startswith("pageerror")]
    assert not complaints, console
    page.close()
