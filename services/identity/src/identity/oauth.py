"""The OAuth 2 authorization server: Authlib's server and grant classes, our storage, and a
small Starlette adapter (Authlib ships Flask and Django adapters only).

Authlib is synchronous, so every OAuth endpoint runs in a worker thread with a synchronous
session; the session is committed when Authlib has produced its response (an error response
included, so that e.g. a family revocation on refresh-token reuse sticks).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import json
import secrets
import uuid
from collections import defaultdict
from typing import Any

from authlib.oauth2 import AuthorizationServer as _AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, OAuth2Request, grants
from authlib.oauth2.rfc6749.errors import InvalidGrantError, InvalidRequestError, InvalidScopeError
from authlib.oauth2.rfc6749.requests import JsonRequest, OAuth2Payload
from authlib.oauth2.rfc6749.util import scope_to_list
from authlib.oauth2.rfc7009 import RevocationEndpoint as _RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc7662 import IntrospectionEndpoint as _IntrospectionEndpoint
from authlib.oidc.core.grants import OpenIDCode as _OpenIDCode
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from servicekit import audit
from servicekit.audit import Actor
from servicekit.principal import Role, RoleBinding, ScopeKind

from . import keys, login, passwords
from .config import IdentitySettings
from .models import (
    AuthorizationCode,
    IssuedAccessToken,
    OAuthClient,
    RefreshToken,
    RoleBindingRow,
    SigningKey,
    User,
)

# Scopes a token may carry. The gateway refuses tokens with any other scope.
SCOPES: dict[str, str] = {
    "openid": "登录身份 (OpenID Connect: 签发 id_token)",
    "profile": "姓名与用户名",
    "api": "以本人身份调用业务接口",
    "offline_access": "保持登录(刷新令牌)",
    "roster:read": "读取派驻人员名单(不含敏感字段)",
    "events:report": "向指挥室上报事件",
    "events:status": "查询本系统上报事件的办理状态",
    "events:read": "读取各服务的领域事件流(内部服务)",
}

# The scope only the internal service clients hold (seed.ensure_internal_clients); it marks them.
INTERNAL_SCOPE = "events:read"

_session: contextvars.ContextVar[Session] = contextvars.ContextVar("identity_session")
# The caller's address (see web.client_address), for throttling failed client authentication.
_settings: contextvars.ContextVar[IdentitySettings] = contextvars.ContextVar("identity_settings")
client_address: contextvars.ContextVar[str] = contextvars.ContextVar("client_address", default="unknown")


def db() -> Session:
    return _session.get()


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def token_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


# --- models as Authlib expects them ------------------------------------------------------------


class Client(ClientMixin):
    def __init__(self, row: OAuthClient):
        self.row = row

    @property
    def client_id(self) -> str:
        return self.row.client_id

    def get_client_id(self):
        return self.row.client_id

    def get_default_redirect_uri(self):
        return self.row.redirect_uris[0] if self.row.redirect_uris else None

    def get_allowed_scope(self, scope):
        if not scope:
            return " ".join(self.row.scopes)
        allowed = set(self.row.scopes)
        return " ".join(s for s in scope.split() if s in allowed)

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.row.redirect_uris

    def check_client_secret(self, client_secret):
        session, address = db(), client_address.get()
        # An address that keeps failing is refused before any hashing (see login.py).
        settings = _settings.get()
        if self.row.secret_hash is None or login.client_blocked(session, settings, self.row.client_id, address):
            ok = False
        else:
            ok = passwords.verify_password(self.row.secret_hash, client_secret)
        if ok:
            login.note_client_success(session, self.row.client_id, address)
        else:
            login.note_client_failure(session, settings, self.row.client_id, address)
            audit.record_sync(
                session,
                actor=Actor(self.row.client_id, "client"),
                action="client.auth_failure",
                entity_type="OAuthClient",
                entity_id=self.row.client_id,
                reason=f"from {login.throttle_address(address)}",
            )
        return ok

    def check_endpoint_auth_method(self, method, endpoint):
        if self.row.secret_hash is None:
            return method == "none"
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type):
        return response_type == "code" and "authorization_code" in self.row.grant_types

    def check_grant_type(self, grant_type):
        return grant_type in self.row.grant_types


class Code:
    def __init__(self, row: AuthorizationCode):
        self.row = row
        self.code_challenge = row.code_challenge
        self.code_challenge_method = row.code_challenge_method

    def get_redirect_uri(self):
        return self.row.redirect_uri

    def get_scope(self):
        return self.row.scope

    def is_expired(self):
        return self.row.expires_at < now()

    # OpenID Connect (authlib.oidc.core.AuthorizationCodeMixin)
    def get_nonce(self):
        return self.row.nonce

    def get_auth_time(self):
        return int(self.row.auth_time.timestamp()) if self.row.auth_time else None

    def get_acr(self):
        return None

    def get_amr(self):
        return ["pwd"]


class Refresh:
    def __init__(self, row: RefreshToken):
        self.row = row

    def check_client(self, client):
        return client.get_client_id() == self.row.client_id

    def get_scope(self):
        return self.row.scope

    def get_expires_in(self):
        return int((self.row.expires_at - self.row.issued_at).total_seconds())

    def is_expired(self):
        return self.row.expires_at < now()

    def is_revoked(self):
        return self.row.revoked_at is not None or self.row.rotated_at is not None


class Access:
    """An access token presented to introspection or revocation."""

    def __init__(self, row: IssuedAccessToken, claims: dict):
        self.row, self.claims = row, claims

    def check_client(self, client):
        return client.get_client_id() == self.row.client_id

    def get_scope(self):
        return self.claims.get("scope", "")

    def is_expired(self):
        return self.row.expires_at < now()

    def is_revoked(self):
        return self.row.revoked_at is not None


# --- family revocation ---------------------------------------------------------------------------


def revoke_family(session: Session, family_id: uuid.UUID, *, reason: str) -> None:
    at = now()
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=at)
    )
    session.execute(
        update(IssuedAccessToken)
        .where(IssuedAccessToken.family_id == family_id, IssuedAccessToken.revoked_at.is_(None))
        .values(revoked_at=at)
    )
    audit.record_sync(
        session,
        actor=None,
        action="token.family_revoked",
        entity_type="TokenFamily",
        entity_id=str(family_id),
        reason=reason,
    )


# --- grants ----------------------------------------------------------------------------------------


def check_registered_scope(client: "Client", scope: str | None) -> None:
    """A client gets only scopes it is registered for; asking for more is ``invalid_scope``, not a
    silent grant (Authlib's own check knows only the server's list)."""
    extra = set(scope_to_list(scope) or []) - set(client.row.scopes)
    if extra:
        raise InvalidScopeError(f"scope not registered for this client: {' '.join(sorted(extra))}")


class RegisteredScopes:
    """Mixed into every grant: requested scopes ⊆ the client's registered scopes."""

    def validate_requested_scope(self):
        super().validate_requested_scope()
        check_registered_scope(self.request.client, self.request.payload.scope)


class S256Only(CodeChallenge):
    """PKCE with S256, always: a code request without a challenge is refused."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"

    def validate_code_challenge(self, grant, redirect_uri):
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("Missing 'code_challenge' (PKCE S256 is required)")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("'code_challenge_method' must be S256")
        return super().validate_code_challenge(grant, redirect_uri)

    def validate_code_verifier(self, grant, result):
        try:
            return super().validate_code_verifier(grant, result)
        except (InvalidRequestError, InvalidGrantError):
            # One wrong verifier and the code is spent: no guessing at it (RFC 9700 §2.1.1).
            grant.request.authorization_code.row.used_at = now()
            raise


class AuthorizationCodeGrant(RegisteredScopes, grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

    def save_authorization_code(self, code, request):
        data = request.payload.data
        db().add(
            AuthorizationCode(
                code_hash=token_hash(code),
                client_id=request.client.get_client_id(),
                user_id=request.user.id,
                redirect_uri=request.payload.redirect_uri or request.client.get_default_redirect_uri(),
                scope=request.client.get_allowed_scope(request.payload.scope),
                code_challenge=data.get("code_challenge"),
                code_challenge_method=data.get("code_challenge_method"),
                expires_at=now() + dt.timedelta(seconds=self.server.settings.authorization_code_seconds),
                nonce=data.get("nonce") or None,  # at most NONCE_MAX: exists_nonce refused longer ones
                auth_time=now(),  # the code is issued right after the password was checked
            )
        )

    def query_authorization_code(self, code, client):
        session = db()
        row = session.get(AuthorizationCode, token_hash(code), with_for_update=True)
        if row is None or row.client_id != client.get_client_id():
            return None
        if row.used_at is not None:
            # Presented twice: someone else holds a copy. What the first use issued is revoked.
            if row.family_id is not None:
                revoke_family(session, row.family_id, reason="authorization code reused")
            return None
        code_obj = Code(row)
        return None if code_obj.is_expired() else code_obj

    def delete_authorization_code(self, authorization_code):
        authorization_code.row.used_at = now()

    def save_token(self, token):
        super().save_token(token)
        # The family the code started, so a later reuse of the code can end it.
        self.request.authorization_code.row.family_id = self.request.family_id

    def authenticate_user(self, authorization_code):
        user = db().get(User, authorization_code.row.user_id)
        return user if user and user.active else None


NONCE_MAX = 255


class OpenIDCode(_OpenIDCode):
    """OpenID Connect Core on the authorization code flow: with scope ``openid`` the token response
    carries an ``id_token`` (RS256, the access tokens' keys and ``kid``; ``iss``, ``sub``, ``aud`` =
    the client, ``exp``, ``iat``, ``auth_time``, ``nonce``, ``at_hash``, ``sid`` = the session's
    refresh-token family, and with ``profile`` the person's ``name`` and ``preferred_username``)."""

    def exists_nonce(self, nonce, request):
        # A nonce longer than the column could not be compared whole after storing: refused like a
        # replay (Authlib answers invalid_request), never cut short.
        if len(nonce) > NONCE_MAX:
            return True
        # A nonce already used with this client is a replayed request.
        return (
            db().scalar(
                select(AuthorizationCode.code_hash).where(
                    AuthorizationCode.client_id == request.payload.client_id, AuthorizationCode.nonce == nonce
                )
            )
            is not None
        )

    def resolve_client_private_key(self, client):
        return keys.active_key(db(), _settings.get())

    def get_client_algorithm(self, client):
        return "RS256"

    def get_encode_header(self, client):
        return {"alg": "RS256", "typ": "JWT", "kid": keys.active_key(db(), _settings.get()).kid}

    def get_client_claims(self, client):
        settings = _settings.get()
        return {
            "iss": settings.issuer,
            "aud": [client.get_client_id()],
            "exp": int(now().timestamp()) + settings.id_token_seconds,
        }

    def get_authorization_code_claims(self, authorization_code):
        claims = super().get_authorization_code_claims(authorization_code)
        if authorization_code.row.family_id is not None:
            claims["sid"] = str(authorization_code.row.family_id)
        return claims

    def generate_user_info(self, user, scope):
        return user_info(user, scope, with_roles=False)


def user_info(user: User, scope: str, *, with_roles: bool) -> dict:
    """Claims about a person, by scope: ``sub`` always; ``profile``: ``name``,
    ``preferred_username``; at the userinfo endpoint also the role bindings (``roles``)."""
    scopes = set((scope or "").split())
    info: dict[str, Any] = {"sub": str(user.id)}
    if "profile" in scopes:
        info.update(name=user.display_name, preferred_username=user.username)
    if with_roles:
        bindings = db().scalars(select(RoleBindingRow).where(RoleBindingRow.user_id == user.id)).all()
        info["roles"] = [RoleBinding(Role(b.role), ScopeKind(b.scope_kind), b.scope_id).to_claim() for b in bindings]
    return info


class RefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token):
        session = db()
        # Locked, like codes: two refreshes with one token queue here, and the second sees it
        # rotated (reuse detection) instead of minting a parallel branch of the family.
        row = session.get(RefreshToken, token_hash(refresh_token), with_for_update=True)
        if row is None:
            return None
        if row.rotated_at is not None and row.revoked_at is None:
            # Reuse of a rotated token: someone holds a copy. Revoke the whole family.
            revoke_family(session, row.family_id, reason="refresh token reuse detected")
            return None
        token = Refresh(row)
        if token.is_revoked() or token.is_expired():
            return None
        if row.session_started_at + dt.timedelta(seconds=_settings.get().session_max_seconds) <= now():
            return None  # the session's absolute limit: sign in again
        return token

    def authenticate_user(self, refresh_token):
        user = db().get(User, refresh_token.row.user_id)
        return user if user and user.active else None

    def revoke_old_credential(self, refresh_token):
        refresh_token.row.rotated_at = now()


class ClientCredentialsGrant(RegisteredScopes, grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]


# --- introspection and revocation ----------------------------------------------------------------


def find_token(server: "AuthorizationServer", token_string: str, hint: str | None):
    session = db()
    if hint != "refresh_token":
        claims = server.decode_own_token(token_string)
        if claims is not None:
            row = session.get(IssuedAccessToken, claims.get("jti"))
            if row is not None:
                return Access(row, claims)
    row = session.get(RefreshToken, token_hash(token_string))
    return Refresh(row) if row else None


class IntrospectionEndpoint(_IntrospectionEndpoint):
    CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def query_token(self, token_string, token_type_hint):
        return find_token(self.server, token_string, token_type_hint)

    def check_permission(self, token, client, request):
        # Only the services inside the cluster (the internal clients, which alone hold events:read)
        # introspect; a department system learns nothing about anyone's tokens, not even its own
        # (it has the token's expiry from the token response).
        return INTERNAL_SCOPE in client.row.scopes

    def introspect_token(self, token):
        if isinstance(token, Access):
            return {**token.claims, "active": True, "token_type": "Bearer"}
        row = token.row
        return {
            "active": True,
            "token_type": "refresh_token",
            "client_id": row.client_id,
            "scope": row.scope,
            "sub": str(row.user_id),
            "exp": int(row.expires_at.timestamp()),
            "iat": int(row.issued_at.timestamp()),
        }


class RevocationEndpoint(_RevocationEndpoint):
    CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

    def query_token(self, token_string, token_type_hint):
        return find_token(self.server, token_string, token_type_hint)

    def revoke_token(self, token, request):
        session = db()
        if isinstance(token, Access):
            token.row.revoked_at = token.row.revoked_at or now()
            audit.record_sync(
                session,
                actor=Actor(token.row.client_id, "client"),
                action="token.revoke",
                entity_type="AccessToken",
                entity_id=token.row.jti,
            )
        else:
            # Revoking a refresh token ends the grant: the family and its access tokens (RFC 7009 §2.1).
            revoke_family(session, token.row.family_id, reason="refresh token revoked by client")


# --- the server ------------------------------------------------------------------------------------


class StarletteOAuth2Payload(OAuth2Payload):
    def __init__(self, query: dict[str, list[str]], form: dict[str, list[str]]):
        self._datalist: dict[str, list[str]] = defaultdict(list)
        for source in (query, form):
            for key, values in source.items():
                self._datalist[key].extend(values)
        self._data = {k: v[0] for k, v in self._datalist.items()}

    @property
    def data(self):
        return self._data

    @property
    def datalist(self):
        return self._datalist


class StarletteOAuth2Request(OAuth2Request):
    """Built from an already-read Starlette request, so Authlib can run in a worker thread."""

    def __init__(
        self, method: str, url: str, headers: dict[str, str], query: dict[str, list[str]], form: dict[str, list[str]]
    ):
        super().__init__(method=method, uri=url, headers=headers)
        self._args = {k: v[0] for k, v in query.items()}
        self._form = {k: v[0] for k, v in form.items()}
        self.payload = StarletteOAuth2Payload(query, form)

    @property
    def args(self):
        return self._args

    @property
    def form(self):
        return self._form


class AuthorizationServer(_AuthorizationServer):
    def __init__(self, settings: IdentitySettings):
        super().__init__(scopes_supported=list(SCOPES))
        self.settings = settings
        self.register_grant(AuthorizationCodeGrant, [S256Only(required=True), OpenIDCode(require_nonce=False)])
        self.register_grant(RefreshTokenGrant)
        self.register_grant(ClientCredentialsGrant)
        self.register_endpoint(IntrospectionEndpoint)
        self.register_endpoint(RevocationEndpoint)
        self.register_token_generator("default", self.generate_bearer_token)

    # Authlib's integration points
    def query_client(self, client_id):
        row = db().get(OAuthClient, client_id) if client_id else None
        return Client(row) if row and row.active else None

    def create_oauth2_request(self, request):
        return request

    def create_json_request(self, request):
        return JsonRequest(request.method, request.uri, request.headers)

    def handle_response(self, status, body, headers):
        return status, body, headers

    def send_signal(self, name, *args, **kwargs):
        pass

    def save_token(self, token, request):
        session = db()
        claims = json.loads(jws.extract_compact(token["access_token"].encode()).payload)
        family_id = None
        user = request.user
        if request.payload.grant_type == "refresh_token":
            family_id = request.refresh_token.row.family_id
        elif "refresh_token" in token:
            family_id = uuid.uuid4()
        request.family_id = family_id
        if "refresh_token" in token:
            # Rotation slides the refresh lifetime forward, but never past the session's absolute
            # limit counted from the sign-in (the family's first token): then the person signs in again.
            started = (
                request.refresh_token.row.session_started_at if request.payload.grant_type == "refresh_token" else now()
            )
            expires = min(
                now() + dt.timedelta(seconds=self.settings.refresh_token_seconds),
                started + dt.timedelta(seconds=self.settings.session_max_seconds),
            )
            session.add(
                RefreshToken(
                    token_hash=token_hash(token["refresh_token"]),
                    family_id=family_id,
                    client_id=request.client.get_client_id(),
                    user_id=user.id,
                    scope=token.get("scope", ""),
                    session_started_at=started,
                    expires_at=expires,
                )
            )
        session.add(
            IssuedAccessToken(
                jti=claims["jti"],
                client_id=claims["client_id"],
                subject=claims["sub"],
                family_id=family_id,
                expires_at=dt.datetime.fromtimestamp(claims["exp"], dt.timezone.utc),
            )
        )
        audit.record_sync(
            session,
            actor=Actor(claims["sub"], claims["kind"]),
            action="token.issue",
            entity_type="AccessToken",
            entity_id=claims["jti"],
            after={
                "client_id": claims["client_id"],
                "grant_type": request.payload.grant_type,
                "scope": claims.get("scope", ""),
            },
        )

    # Token minting (RFC 9068 JWT access tokens)
    def generate_bearer_token(
        self, grant_type, client, user=None, scope=None, expires_in=None, include_refresh_token=True
    ):
        session = db()
        if scope is None and user is None:
            scope = " ".join(client.row.scopes)  # RFC 6749 §3.3: the registered scopes are the default
        check_registered_scope(client, scope)  # never reached with more: every grant checked already
        issued = int(now().timestamp())
        lifetime = expires_in or self.settings.access_token_seconds
        claims: dict[str, Any] = {
            "iss": self.settings.issuer,
            "aud": self.settings.audience,
            "iat": issued,
            "nbf": issued,
            "exp": issued + lifetime,
            "jti": uuid.uuid4().hex,
            "client_id": client.get_client_id(),
            "scope": scope or "",
        }
        if user is not None:
            bindings = session.scalars(select(RoleBindingRow).where(RoleBindingRow.user_id == user.id)).all()
            claims.update(
                sub=str(user.id),
                kind="user",
                name=user.display_name,
                username=user.username,
                roles=[RoleBinding(Role(b.role), ScopeKind(b.scope_kind), b.scope_id).to_claim() for b in bindings],
            )
        else:
            claims.update(sub=client.get_client_id(), kind="service", name=client.row.name, roles=[])
            if client.row.department_id:
                claims["department_id"] = client.row.department_id
        key = keys.active_key(session, self.settings)
        header = {"alg": "RS256", "typ": "at+jwt", "kid": key.kid}
        token = {
            "token_type": "Bearer",
            "access_token": jwt.encode(header, claims, key),
            "expires_in": lifetime,
            "scope": scope or "",
        }
        if include_refresh_token and user is not None:
            token["refresh_token"] = secrets.token_urlsafe(48)
        return token

    def _verified(self, token_string: str):
        """The token, if this server signed it with a key that is not retired (expiry not checked)."""
        try:
            keyset = KeySet.import_key_set(keys.public_jwks(db(), self.settings))
            return jwt.decode(token_string, keyset, algorithms=["RS256"])
        except (JoseError, ValueError):
            return None

    def decode_id_token(self, token_string: str) -> dict | None:
        """Claims of an id_token this server issued (expired ones too: a logout hint may be old)."""
        decoded = self._verified(token_string)
        if decoded is None or decoded.header.get("typ") != "JWT" or decoded.claims.get("iss") != self.settings.issuer:
            return None
        return dict(decoded.claims)

    def decode_own_token(self, token_string: str) -> dict | None:
        """Claims of a token this server signed with a key that is not retired, else None."""
        decoded = self._verified(token_string)
        return None if decoded is None else dict(decoded.claims)

    # Our own entry point: run one Authlib call inside a session.
    def run(self, session_factory, fn, *args):
        session: Session = session_factory()
        token = _session.set(session)
        _settings.set(self.settings)
        try:
            result = fn(*args)
            session.commit()
            return result
        except BaseException:
            session.rollback()
            raise
        finally:
            _session.reset(token)
            session.close()


def revoked_jtis(session: Session) -> list[str]:
    rows = session.scalars(
        select(IssuedAccessToken.jti).where(
            IssuedAccessToken.revoked_at.is_not(None), IssuedAccessToken.expires_at > now()
        )
    ).all()
    return list(rows)


def signing_key_ids(session: Session) -> list[str]:
    return list(session.scalars(select(SigningKey.kid).where(SigningKey.status != "retired")).all())
