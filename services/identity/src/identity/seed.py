"""Demo identities (users per role, the web client, a department system, internal service clients)."""

from __future__ import annotations

import json
import os
import urllib.parse
import uuid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit import audit

from . import events, keys, passwords
from .config import IdentitySettings
from .models import OAuthClient, RoleBindingRow, User

DEMO = Path(__file__).resolve().parents[4] / "demo" / "identities.json"


def internal_client_secret(name: str, settings: IdentitySettings) -> str:
    secret = os.environ.get(f"SVC_{name.upper()}_SECRET")
    if secret:
        return secret
    if settings.environment == "prod":
        raise RuntimeError(f"SVC_{name.upper()}_SECRET must be set in production")
    return f"dev-svc-{name}-secret"


def ensure_internal_clients(session: Session, settings: IdentitySettings, names: list[str]) -> None:
    """Each service reads the others' event feeds with its own client (scope events:read)."""
    for name in names:
        cid = f"svc-{name}"
        row = session.get(OAuthClient, cid)
        secret_hash = passwords.hash_password(internal_client_secret(name, settings))
        if row is None:
            session.add(
                OAuthClient(
                    client_id=cid,
                    name=f"内部服务 {name}",
                    secret_hash=secret_hash,
                    redirect_uris=[],
                    grant_types=["client_credentials"],
                    scopes=["events:read"],
                )
            )
            audit.record_sync(
                session,
                actor=None,
                action="client.create",
                entity_type="OAuthClient",
                entity_id=cid,
                after={"scopes": ["events:read"]},
                reason="internal service client",
            )
        else:
            row.secret_hash = secret_hash


WEB_CLIENT = "county-web"
WEB_SCOPES = ["openid", "profile", "api", "offline_access"]


def web_origin(origin: str) -> str:
    """An origin and nothing else: https, or plain http on the loopback host itself (not a name that
    merely starts like it, such as ``http://127.0.0.1.evil.example``); no path, query or userinfo."""
    text = origin.strip().rstrip("/")
    parts = urllib.parse.urlsplit(text)
    try:
        port = parts.port
    except ValueError:
        port = -1
    host = parts.hostname or ""
    plain_ok = parts.scheme == "http" and host in ("127.0.0.1", "localhost", "::1")
    if (
        not (parts.scheme == "https" or plain_ok)
        or not host
        or port == -1
        or parts.path
        or parts.query
        or parts.fragment
        or "@" in parts.netloc
    ):
        raise ValueError(f"the console origin must be an https origin (got {origin!r})")
    return f"{parts.scheme}://{parts.netloc.lower()}"


def ensure_web_client(session: Session, origin: str) -> str:
    """The browser client ``county-web`` (public, PKCE) with ``origin``'s callback and logout return
    registered. URIs already registered stay (a dev server, a second console); audited when it changes."""
    origin = web_origin(origin)
    redirect, logout = f"{origin}/callback", f"{origin}/"
    row = session.get(OAuthClient, WEB_CLIENT)
    if row is None:
        row = OAuthClient(
            client_id=WEB_CLIENT,
            name="县属乡用管理端",
            secret_hash=None,
            redirect_uris=[],
            post_logout_redirect_uris=[],
            grant_types=["authorization_code", "refresh_token"],
            scopes=WEB_SCOPES,
        )
        session.add(row)
    before = {
        "redirect_uris": list(row.redirect_uris or []),
        "post_logout_redirect_uris": list(row.post_logout_redirect_uris or []),
    }
    if redirect not in before["redirect_uris"]:
        row.redirect_uris = [*before["redirect_uris"], redirect]
    if logout not in before["post_logout_redirect_uris"]:
        row.post_logout_redirect_uris = [*before["post_logout_redirect_uris"], logout]
    after = {"redirect_uris": list(row.redirect_uris), "post_logout_redirect_uris": list(row.post_logout_redirect_uris)}
    if after != before:
        audit.record_sync(
            session,
            actor=None,
            action="client.web_origin",
            entity_type="OAuthClient",
            entity_id=WEB_CLIENT,
            before=before,
            after=after,
            reason="bootstrap: CONSOLE_ORIGIN",
        )
    return f"{WEB_CLIENT}: {redirect} registered"


def seed_demo(session: Session, settings: IdentitySettings, path: Path = DEMO) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    keys.active_key(session, settings)
    created = 0
    for spec in data["users"]:
        user = session.scalars(select(User).where(User.username == spec["username"])).first()
        if user is None:
            # a fixed id where another service's demo names the person (the grid worker's report)
            fixed = {"id": uuid.UUID(spec["id"])} if spec.get("id") else {}
            user = User(
                **fixed,
                username=spec["username"],
                display_name=spec["display_name"],
                email=spec.get("email"),
                dingtalk_user_id=spec.get("dingtalk_user_id"),
                wecom_user_id=spec.get("wecom_user_id"),
                password_hash=passwords.hash_password(data["password"]),
            )
            session.add(user)
            session.flush()
            events.contact_sync(session, user)
            for role, scope, scope_id in spec["roles"]:
                row = RoleBindingRow(user_id=user.id, role=role, scope_kind=scope, scope_id=scope_id)
                session.add(row)
                session.flush()
                events.granted_sync(session, row)
            audit.record_sync(
                session,
                actor=None,
                action="user.create",
                entity_type="User",
                entity_id=user.id,
                after={"username": user.username, "roles": spec["roles"]},
                reason="demo data",
            )
            created += 1
    org = json.loads((path.parent / "org.json").read_text(encoding="utf-8"))
    departments = {d["code"]: d["id"] for d in org["departments"]}
    for spec in data["clients"]:
        existing = session.get(OAuthClient, spec["client_id"])
        if existing is not None:
            # A demo client follows the demo file (new scopes, redirect URIs) on every `make run`.
            existing.scopes, existing.redirect_uris = spec["scopes"], spec.get("redirect_uris", [])
            existing.post_logout_redirect_uris = spec.get("post_logout_redirect_uris", [])
            existing.grant_types = spec["grant_types"]
            continue
        if existing is None:
            session.add(
                OAuthClient(
                    client_id=spec["client_id"],
                    name=spec["name"],
                    secret_hash=None if spec.get("public") else passwords.hash_password(spec["secret"]),
                    redirect_uris=spec.get("redirect_uris", []),
                    grant_types=spec["grant_types"],
                    scopes=spec["scopes"],
                    post_logout_redirect_uris=spec.get("post_logout_redirect_uris", []),
                    department_id=departments.get(spec.get("department", "")),
                )
            )
            audit.record_sync(
                session,
                actor=None,
                action="client.create",
                entity_type="OAuthClient",
                entity_id=spec["client_id"],
                after={"scopes": spec["scopes"]},
                reason="demo data",
            )
    ensure_internal_clients(session, settings, data["service_clients"])
    return {"users": created}


def bootstrap_admin(
    session: Session,
    settings: IdentitySettings,
    *,
    username: str,
    role: str,
    password: str,
    display_name: str,
    operator: str,
) -> str:
    """Create (or re-bind) a county office's account from the command line, audited as the operator."""
    from .admin import MIN_PASSWORD, USERNAME
    from .policy import COUNTY_OFFICE_ROLES

    if role not in {r.value for r in COUNTY_OFFICE_ROLES}:
        raise SystemExit(f"role must be one of {', '.join(r.value for r in COUNTY_OFFICE_ROLES)}")
    if not USERNAME.match(username):
        raise SystemExit("username: 3–64 lower-case letters, digits or ._-")
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        if len(password) < MIN_PASSWORD:
            raise SystemExit(f"set BOOTSTRAP_ADMIN_PASSWORD (at least {MIN_PASSWORD} characters)")
        user = User(username=username, display_name=display_name, password_hash=passwords.hash_password(password))
        session.add(user)
        session.flush()
        events.contact_sync(session, user)
    exists = session.scalars(
        select(RoleBindingRow).where(RoleBindingRow.user_id == user.id, RoleBindingRow.role == role)
    ).first()
    if exists is None:
        row = RoleBindingRow(user_id=user.id, role=role, scope_kind="COUNTY", scope_id=None)
        session.add(row)
        session.flush()
        events.granted_sync(session, row)
    audit.record_sync(
        session,
        actor=audit.Actor(f"cli:{operator}", "operator"),
        action="role.bootstrap",
        entity_type="User",
        entity_id=user.id,
        after={"username": username, "role": role},
        reason="bootstrap-admin command",
    )
    return f"{username} holds {role}"
