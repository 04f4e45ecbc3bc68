"""HTTP endpoints of the authorization server (Starlette), and the server-rendered login page."""

from __future__ import annotations

import html
import ipaddress
import time
import urllib.parse
import uuid
from typing import Any

import anyio
import anyio.to_thread
from authlib.oauth2 import OAuth2Error
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from servicekit import audit
from servicekit.audit import Actor

from . import keys, login, oauth, passwords
from .config import IdentitySettings
from .models import IssuedAccessToken, User

LOGIN_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>县属乡用管理系统 · 登录</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;background:#f3f5f8;display:flex;justify-content:center;padding-top:10vh}}
form{{background:#fff;padding:2rem;border-radius:8px;box-shadow:0 2px 8px #0002;width:20rem}}
label{{display:block;margin:.8rem 0 .2rem}}input{{width:100%;padding:.5rem;box-sizing:border-box}}
button{{margin-top:1.2rem;width:100%;padding:.6rem;background:#b71c1c;color:#fff;border:0;border-radius:4px}}
.error{{color:#b71c1c}}</style></head>
<body><form method="post" action="{action}">
<h1>县属乡用管理系统</h1><p>{client}请求访问您的账号</p>
{error}
<label for="username">用户名</label><input id="username" name="username" autocomplete="username" required
  value="{username}">
<label for="password">密码</label><input id="password" name="password" type="password"
  autocomplete="current-password" required>
<button type="submit">登录</button></form></body></html>"""

ERROR_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1><p>{explanation}</p><p><small>错误代码 (供开发人员): {error} —
  {description}</small></p></body></html>"""

# What a person is told; programs keep the OAuth error code (shown small, and in redirects).
ERRORS_ZH = {
    "invalid_request": "登录请求不完整或格式有误，请从应用重新进入登录。",
    "invalid_client": "发起登录的应用未在本系统登记。",
    "unauthorized_client": "该应用无权以这种方式登录。",
    "invalid_scope": "应用请求的权限范围无效。",
    "access_denied": "访问被拒绝。",
    "unsupported_response_type": "应用请求的登录方式不受支持。",
    "invalid_grant": "授权已失效，请重新登录。",
    "unsupported_grant_type": "不支持该授权方式。",
    "temporarily_unavailable": "服务繁忙，请稍后再试。",
}

LOGGED_OUT_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>已退出登录</title></head>
<body><h1>您已退出登录</h1><p>可以关闭此页面。</p></body></html>"""


def error_page(error: str, description: str, status: int = 400, title: str = "授权请求无效") -> HTMLResponse:
    return HTMLResponse(
        ERROR_PAGE.format(
            title=html.escape(title),
            explanation=html.escape(ERRORS_ZH.get(error, "请求无效。")),
            error=html.escape(error),
            description=html.escape(description or ""),
        ),
        status_code=status,
        headers={
            "Cache-Control": "no-store",
            "X-Frame-Options": "DENY",
            "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
        },
    )


def _multi(items) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in items:
        out.setdefault(key, []).append(value if isinstance(value, str) else "")
    return out


async def _oauth_request(request: Request) -> oauth.StarletteOAuth2Request:
    form = _multi((await request.form()).multi_items()) if request.method == "POST" else {}
    return oauth.StarletteOAuth2Request(
        request.method,
        str(request.url),
        request.headers,
        _multi(request.query_params.multi_items()),
        form,
    )


def _to_response(result: tuple[int, Any, list]) -> Response:
    status, body, headers = result
    headers = dict(headers or [])
    if status in (301, 302, 303):
        return RedirectResponse(headers.pop("Location"), status_code=302, headers=headers)
    if isinstance(body, dict) and body.get("error") in ERRORS_ZH:
        # `error` stays the OAuth code programs switch on; the description is for the person.
        english = body.get("error_description")
        body = {**body, "error_description": ERRORS_ZH[body["error"]] + (f" ({english})" if english else "")}
    if isinstance(body, (dict, list)):
        return JSONResponse(body, status_code=status, headers=headers)
    return Response(body or "", status_code=status, headers=headers)


def _networks(spec: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(part.strip(), strict=False) for part in spec.split(",") if part.strip()]


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_address(request: Request, trusted: list) -> str:
    """The caller's address: the peer, or — when the peer is a trusted proxy — the nearest
    X-Forwarded-For hop that is not one (a client cannot pick its own address by sending the header)."""
    peer = _ip(request.client.host) if request.client else None
    if peer is None:
        return "unknown"
    if not any(peer in net for net in trusted):
        return str(peer)
    for hop in reversed(request.headers.get("x-forwarded-for", "").split(",")):
        addr = _ip(hop)
        if addr is None:
            break
        if not any(addr in net for net in trusted):
            return str(addr)
    return str(peer)


def busy() -> Response:
    """Every password-hashing slot stayed taken (passwords.Busy): retry shortly."""
    return JSONResponse(
        {"error": "temporarily_unavailable", "error_description": "busy, retry shortly"},
        status_code=503,
        headers={"Retry-After": "1", "Cache-Control": "no-store"},
    )


class SignInMetrics:
    """Prometheus figures the alerts read (deploy/components/monitoring): failed and throttled
    sign-ins, and the age of the active signing key. Bound to the process's registry at start-up."""

    def __init__(self):
        self.failures = self.throttled = None

    def bind(self, registry, session_factory, settings: IdentitySettings) -> None:
        from prometheus_client import Counter, Gauge

        self.failures = Counter("login_failures_total", "Failed sign-ins on the login page", registry=registry)
        self.throttled = Counter("login_throttled_total", "Sign-ins turned away by throttling (429)", registry=registry)

        def key_age() -> float:
            if settings.signing_keys_file:
                return 0.0  # keys from a mounted Secret: their age is the Secret's, outside this process
            from sqlalchemy import select

            from .models import SigningKey

            with session_factory() as session:
                created = session.scalar(select(SigningKey.created_at).where(SigningKey.status == "active"))
            return (oauth.now() - created).total_seconds() if created else 0.0

        Gauge("signing_key_age_seconds", "Age of the active token-signing key", registry=registry).set_function(key_age)

    def signed_in(self, result) -> None:
        if result.user is None and self.failures is not None:
            (self.throttled if result.status == 429 else self.failures).inc()


class HashingLane:
    """The requests that may hash a password or a client secret (sign-in, token, introspection,
    revocation) run on threads of their own, at most ``threads`` at once, with at most ``queue``
    waiting; beyond that they are answered 503 at once. A flood of sign-ins therefore waits here,
    not in the shared thread pool that serves ``/oauth/revoked`` and the JWKS — which every gateway
    and subgraph reads on the request path — and not without end."""

    def __init__(self, threads: int, queue: int):
        self.limiter = anyio.CapacityLimiter(threads)
        self.queue = queue

    def full(self) -> bool:
        stats = self.limiter.statistics()
        return stats.borrowed_tokens >= self.limiter.total_tokens and stats.tasks_waiting >= self.queue

    async def run(self, fn, *args):
        if self.full():
            raise passwords.Busy()
        return await anyio.to_thread.run_sync(fn, *args, limiter=self.limiter)


def routes(
    server: oauth.AuthorizationServer, settings: IdentitySettings, session_factory, metrics: SignInMetrics | None = None
) -> list[Route]:
    trusted = _networks(settings.trusted_proxies)
    metrics = metrics or SignInMetrics()
    lane = HashingLane(settings.hashing_threads, settings.hashing_queue)

    async def run(fn, *args, request: Request | None = None, hashing: bool = False):
        address = client_address(request, trusted) if request is not None else "unknown"

        def call():
            oauth.client_address.set(address)
            return fn(*args)

        if hashing:
            return await lane.run(server.run, session_factory, call)
        return await run_in_threadpool(server.run, session_factory, call)

    def _login_page(req, client_name: str, redirect_uri: str, error: str | None = None, username: str = "", status=200):
        # Chromium applies form-action to the redirect that follows the form's submission, so the
        # validated redirect target's origin is allowed beside our own.
        target = urllib.parse.urlsplit(redirect_uri)
        origin = f"{target.scheme}://{target.netloc}"
        return HTMLResponse(
            LOGIN_PAGE.format(
                action=html.escape(req.uri, quote=True),
                client=html.escape(client_name) + " " if client_name else "",
                error=f'<p class="error" role="alert">{html.escape(error)}</p>' if error else "",
                username=html.escape(username, quote=True),
            ),
            status_code=status,
            headers={
                "Cache-Control": "no-store",
                "X-Frame-Options": "DENY",
                "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                f"form-action 'self' {origin}; frame-ancestors 'none'",
            },
        )

    def _authorization_error(req, error: OAuth2Error) -> Response:
        result = server.handle_error_response(req, error)
        if result[0] == 302:
            return _to_response(result)
        return error_page(error.error or "invalid_request", error.description or "")

    async def authorize(request: Request) -> Response:
        req = await _oauth_request(request)

        def flow():
            try:
                grant = server.get_consent_grant(req, end_user=None)
            except OAuth2Error as error:
                error.state = req.payload.state
                return _authorization_error(req, error)
            client_name = grant.client.row.name
            redirect_uri = grant.redirect_uri
            if request.method == "GET":
                return _login_page(req, client_name, redirect_uri)
            username = req.form.get("username", "")
            result = login.authenticate(
                oauth.db(), settings, username, req.form.get("password", ""), oauth.client_address.get()
            )
            metrics.signed_in(result)
            if result.user is None:
                page = _login_page(req, client_name, redirect_uri, result.error, username[:64], status=result.status)
                if result.retry_after:
                    page.headers["Retry-After"] = str(result.retry_after)
                return page
            req.user = result.user
            return _to_response(server.create_authorization_response(req, grant_user=result.user, grant=grant))

        try:
            return await run(flow, request=request, hashing=request.method == "POST")
        except passwords.Busy:
            return busy()

    async def token(request: Request) -> Response:
        req = await _oauth_request(request)
        try:
            response = _to_response(await run(server.create_token_response, req, request=request, hashing=True))
        except passwords.Busy:
            return busy()
        response.headers["Cache-Control"] = "no-store"
        return response

    async def introspect(request: Request) -> Response:
        req = await _oauth_request(request)
        try:
            return _to_response(
                await run(server.create_endpoint_response, "introspection", req, request=request, hashing=True)
            )
        except passwords.Busy:
            return busy()

    async def revoke(request: Request) -> Response:
        req = await _oauth_request(request)
        try:
            return _to_response(
                await run(server.create_endpoint_response, "revocation", req, request=request, hashing=True)
            )
        except passwords.Busy:
            return busy()

    async def userinfo(request: Request) -> Response:
        """OpenID Connect UserInfo: the bearer access token's person, claims by its scopes."""

        def lookup():
            authorization = request.headers.get("authorization", "")
            scheme, _, token = authorization.partition(" ")
            claims = server.decode_own_token(token.strip()) if scheme.lower() == "bearer" else None
            row = oauth.db().get(IssuedAccessToken, claims.get("jti")) if claims else None
            if (
                claims is None
                or row is None
                or row.revoked_at is not None
                or claims.get("exp", 0) < oauth.now().timestamp()
                or claims.get("kind") != "user"
            ):
                return None, "invalid_token"
            if "openid" not in str(claims.get("scope", "")).split():
                return None, "insufficient_scope"
            user = oauth.db().get(User, uuid.UUID(claims["sub"]))
            if user is None or not user.active:
                return None, "invalid_token"
            return oauth.user_info(user, claims["scope"], with_roles=True), None

        info, error = await run(lookup, request=request)
        if error:
            return JSONResponse(
                {"error": error},
                status_code=403 if error == "insufficient_scope" else 401,
                headers={"WWW-Authenticate": f'Bearer error="{error}"', "Cache-Control": "no-store"},
            )
        return JSONResponse(info, headers={"Cache-Control": "no-store"})

    async def end_session(request: Request) -> Response:
        """RP-initiated logout: ends the session the id_token_hint names (its refresh-token family,
        access tokens included) and returns to a registered post_logout_redirect_uri with ``state``."""
        params = dict(request.query_params)
        if request.method == "POST":
            params.update({k: v for k, v in (await request.form()).items() if isinstance(v, str)})

        def logout():
            hint = params.get("id_token_hint")
            claims = server.decode_id_token(hint) if hint else None
            if hint and claims is None:
                return error_page(
                    "invalid_request", "id_token_hint is not an id_token of this issuer", title="退出登录失败"
                )
            client_id = params.get("client_id") or (claims or {}).get("aud")
            if isinstance(client_id, list):
                client_id = client_id[0] if len(client_id) == 1 else None
            if (
                claims
                and params.get("client_id")
                and params["client_id"] not in (claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]])
            ):
                return error_page("invalid_request", "client_id does not match the id_token_hint", title="退出登录失败")
            target = params.get("post_logout_redirect_uri")
            client = server.query_client(client_id) if client_id else None
            if target and (client is None or target not in client.row.post_logout_redirect_uris):
                return error_page(
                    "invalid_request",
                    "post_logout_redirect_uri is not registered for this client",
                    title="退出登录失败",
                )
            if claims and claims.get("sid"):
                oauth.revoke_family(oauth.db(), uuid.UUID(claims["sid"]), reason="RP-initiated logout")
            audit.record_sync(
                oauth.db(),
                actor=Actor(str((claims or {}).get("sub", "?")), "user"),
                action="logout",
                entity_type="TokenFamily",
                entity_id=str((claims or {}).get("sid", "-")),
                after={"client_id": client_id},
            )
            if target:
                query = {"state": params["state"]} if params.get("state") else {}
                sep = "&" if "?" in target else "?"
                return RedirectResponse(
                    target + (sep + urllib.parse.urlencode(query) if query else ""), status_code=302
                )
            return HTMLResponse(LOGGED_OUT_PAGE, headers={"Cache-Control": "no-store"})

        return await run(logout, request=request)

    async def jwks(request: Request) -> Response:
        body = await run(lambda: keys.public_jwks(oauth.db(), settings))
        return JSONResponse(body, headers={"Cache-Control": "public, max-age=60"})

    async def revoked(request: Request) -> Response:
        jtis = await run(lambda: oauth.revoked_jtis(oauth.db()))
        return JSONResponse({"jtis": jtis}, headers={"Cache-Control": "no-store"})

    def metadata() -> dict:
        iss = settings.issuer
        return {
            "issuer": iss,
            "authorization_endpoint": f"{iss}/oauth/authorize",
            "token_endpoint": f"{iss}/oauth/token",
            "jwks_uri": f"{iss}/.well-known/jwks.json",
            "introspection_endpoint": f"{iss}/oauth/introspect",
            "revocation_endpoint": f"{iss}/oauth/revoke",
            "userinfo_endpoint": f"{iss}/oauth/userinfo",
            "end_session_endpoint": f"{iss}/oauth/logout",
            "scopes_supported": list(oauth.SCOPES),
            "claims_supported": [
                "sub",
                "iss",
                "aud",
                "exp",
                "iat",
                "auth_time",
                "nonce",
                "at_hash",
                "sid",
                "name",
                "preferred_username",
                "roles",
            ],
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
            "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "access_token_signing_alg_values_supported": ["RS256"],
            "ui_locales_supported": ["zh-CN"],
        }

    async def discovery(request: Request) -> Response:
        return JSONResponse(metadata())

    return [
        Route("/oauth/authorize", authorize, methods=["GET", "POST"]),
        Route("/oauth/token", token, methods=["POST"]),
        Route("/oauth/introspect", introspect, methods=["POST"]),
        Route("/oauth/revoke", revoke, methods=["POST"]),
        Route("/oauth/revoked", revoked, methods=["GET"]),
        Route("/oauth/userinfo", userinfo, methods=["GET", "POST"]),
        Route("/oauth/logout", end_session, methods=["GET", "POST"]),
        Route("/.well-known/jwks.json", jwks, methods=["GET"]),
        Route("/.well-known/openid-configuration", discovery, methods=["GET"]),
        Route("/.well-known/oauth-authorization-server", discovery, methods=["GET"]),
    ]


class BrowserCors:
    """CORS for the endpoints a browser app calls by fetch (discovery, JWKS, token, revocation,
    userinfo), as an allow-list: the origins of the redirect URIs registered for active clients
    (plus ``CORS_ORIGINS``), read from the database at most every ``CACHE_SECONDS``. Registering a
    front-end's redirect URI is what lets its origin in; a foreign origin gets no CORS headers.
    The login page and logout are navigations and need none; introspection is for services."""

    PATHS = ("/.well-known/", "/oauth/token", "/oauth/revoke", "/oauth/userinfo")
    CACHE_SECONDS = 10.0

    def __init__(self, app, session_factory, extra: str = ""):
        self.app, self.session_factory = app, session_factory
        self.extra = {o.strip().rstrip("/") for o in extra.split(",") if o.strip()}
        self._origins: set[str] = set()
        self._at = -1e9

    def _load(self) -> set[str]:
        from sqlalchemy import select

        from .models import OAuthClient

        with self.session_factory() as session:
            rows = session.execute(
                select(OAuthClient.redirect_uris, OAuthClient.post_logout_redirect_uris).where(
                    OAuthClient.active.is_(True)
                )
            ).all()
        origins = set(self.extra)
        for redirects, logouts in rows:
            for uri in [*(redirects or []), *(logouts or [])]:
                parts = urllib.parse.urlsplit(uri)
                if parts.scheme in ("http", "https") and parts.netloc:
                    origins.add(f"{parts.scheme}://{parts.netloc}")
        return origins

    async def allowed(self, origin: str) -> bool:
        if time.monotonic() - self._at > self.CACHE_SECONDS:
            self._origins, self._at = await run_in_threadpool(self._load), time.monotonic()
        return origin in self._origins

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.PATHS):
            await self.app(scope, receive, send)
            return
        origin = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"origin"), None)
        ok = origin is not None and await self.allowed(origin)
        if scope["method"] == "OPTIONS" and origin is not None:
            headers = {"Vary": "Origin", "Content-Length": "0"}
            if ok:
                headers.update(
                    {
                        "Access-Control-Allow-Origin": origin,
                        "Access-Control-Allow-Methods": "GET, POST",
                        "Access-Control-Allow-Headers": "authorization, content-type",
                        "Access-Control-Max-Age": "600",
                    }
                )
            await Response(status_code=204 if ok else 403, headers=headers)(scope, receive, send)
            return

        async def send_with_cors(message):
            if message["type"] == "http.response.start" and ok:
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"access-control-allow-origin", origin.encode("latin-1")),
                    (b"vary", b"Origin"),
                ]
            await send(message)

        await self.app(scope, receive, send_with_cors)
