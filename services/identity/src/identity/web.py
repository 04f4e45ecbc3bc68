"""HTTP endpoints of the authorization server (Starlette), and the server-rendered login page."""

from __future__ import annotations

import html
import ipaddress
from typing import Any

from authlib.oauth2 import OAuth2Error
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from . import keys, login, oauth, passwords
from .config import IdentitySettings

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
<label for="username">用户名</label><input id="username" name="username" autocomplete="username" required value="{username}">
<label for="password">密码</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">登录</button></form></body></html>"""

ERROR_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>授权请求无效</title></head>
<body><h1>授权请求无效</h1><p>{error}</p><p><small>{description}</small></p></body></html>"""


def _multi(items) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in items:
        out.setdefault(key, []).append(value if isinstance(value, str) else "")
    return out


async def _oauth_request(request: Request) -> oauth.StarletteOAuth2Request:
    form = _multi((await request.form()).multi_items()) if request.method == "POST" else {}
    return oauth.StarletteOAuth2Request(
        request.method, str(request.url), request.headers,
        _multi(request.query_params.multi_items()), form,
    )


def _to_response(result: tuple[int, Any, list]) -> Response:
    status, body, headers = result
    headers = dict(headers or [])
    if status in (301, 302, 303):
        return RedirectResponse(headers.pop("Location"), status_code=302, headers=headers)
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
    return JSONResponse({"error": "temporarily_unavailable", "error_description": "busy, retry shortly"},
                        status_code=503, headers={"Retry-After": "1", "Cache-Control": "no-store"})


def routes(server: oauth.AuthorizationServer, settings: IdentitySettings, session_factory) -> list[Route]:
    trusted = _networks(settings.trusted_proxies)

    async def run(fn, *args, request: Request | None = None):
        address = client_address(request, trusted) if request is not None else "unknown"

        def call():
            oauth.client_address.set(address)
            return fn(*args)

        return await run_in_threadpool(server.run, session_factory, call)

    def _login_page(req, client_name: str, error: str | None = None, username: str = "", status=200):
        return HTMLResponse(
            LOGIN_PAGE.format(
                action=html.escape(req.uri, quote=True),
                client=html.escape(client_name) + " " if client_name else "",
                error=f'<p class="error" role="alert">{html.escape(error)}</p>' if error else "",
                username=html.escape(username, quote=True),
            ),
            status_code=status,
            headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY",
                     "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"},
        )

    def _authorization_error(req, error: OAuth2Error) -> Response:
        result = server.handle_error_response(req, error)
        if result[0] == 302:
            return _to_response(result)
        return HTMLResponse(ERROR_PAGE.format(error=html.escape(error.error or "invalid_request"),
                                              description=html.escape(error.description or "")),
                            status_code=400)

    async def authorize(request: Request) -> Response:
        req = await _oauth_request(request)

        def flow():
            try:
                grant = server.get_consent_grant(req, end_user=None)
            except OAuth2Error as error:
                error.state = req.payload.state
                return _authorization_error(req, error)
            client_name = grant.client.row.name
            if request.method == "GET":
                return _login_page(req, client_name)
            username = req.form.get("username", "")
            result = login.authenticate(oauth.db(), settings, username, req.form.get("password", ""),
                                        oauth.client_address.get())
            if result.user is None:
                page = _login_page(req, client_name, result.error, username[:64], status=result.status)
                if result.retry_after:
                    page.headers["Retry-After"] = str(result.retry_after)
                return page
            req.user = result.user
            return _to_response(server.create_authorization_response(req, grant_user=result.user, grant=grant))

        try:
            return await run(flow, request=request)
        except passwords.Busy:
            return busy()

    async def token(request: Request) -> Response:
        req = await _oauth_request(request)
        try:
            response = _to_response(await run(server.create_token_response, req, request=request))
        except passwords.Busy:
            return busy()
        response.headers["Cache-Control"] = "no-store"
        return response

    async def introspect(request: Request) -> Response:
        req = await _oauth_request(request)
        try:
            return _to_response(await run(server.create_endpoint_response, "introspection", req, request=request))
        except passwords.Busy:
            return busy()

    async def revoke(request: Request) -> Response:
        req = await _oauth_request(request)
        try:
            return _to_response(await run(server.create_endpoint_response, "revocation", req, request=request))
        except passwords.Busy:
            return busy()

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
            "scopes_supported": list(oauth.SCOPES),
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
        Route("/.well-known/jwks.json", jwks, methods=["GET"]),
        Route("/.well-known/openid-configuration", discovery, methods=["GET"]),
        Route("/.well-known/oauth-authorization-server", discovery, methods=["GET"]),
    ]
