"""Password sign-in with throttling (登录失败锁定). Plain rules, no HTTP.

Failed attempts are counted twice, in the database so every replica sees them:

- per client address (``ip:<addr>``): ``login_ip_max_failures`` failures in ``login_window_minutes``
  and the address is turned away (429) before any password is hashed — this caps the CPU and
  memory an anonymous caller can spend, and password spraying across accounts;
- per account *and* address (``pair:<account>|<addr>``): ``lockout_threshold`` failures and that
  address is locked out of that account for ``lockout_minutes``.

The lock is per address on purpose: no one can shut the staffing office out of its account by
failing to log in as it from somewhere else. The answer never tells an unknown account from a
known one — the same message, the same argon2 work, the same 429 once a pair is throttled (the
pair key is made from the name as typed, whether or not it exists).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from servicekit import audit
from servicekit.audit import Actor

from . import passwords
from .config import IdentitySettings
from .models import LoginThrottle, User

FAILED = "用户名或密码错误"
THROTTLED = "登录尝试过于频繁，请 {minutes} 分钟后再试"


@dataclass
class LoginResult:
    user: User | None
    error: str | None = None  # shown on the login page
    status: int = 200
    retry_after: int | None = None  # seconds, for a 429


def account_key(username: str) -> str:
    """The name as typed, hashed: any text (NUL bytes, 10 kB) makes a fixed-size key."""
    return hashlib.sha256(username.strip().lower().encode("utf-8", "surrogatepass")).hexdigest()[:40]


def _keys(username: str, client_ip: str) -> tuple[str, str]:
    return f"ip:{client_ip}", f"pair:{account_key(username)}|{client_ip}"


def blocked_for(session: Session, keys: list[str], now: dt.datetime) -> int | None:
    """Seconds until the longest block among ``keys`` ends, or None when none is blocked."""
    until = session.scalar(
        select(LoginThrottle.blocked_until)
        .where(LoginThrottle.key.in_(keys), LoginThrottle.blocked_until > now)
        .order_by(LoginThrottle.blocked_until.desc())
    )
    return None if until is None else max(1, int((until - now).total_seconds()))


def count_failure(
    session: Session, key: str, *, limit: int, window: dt.timedelta, block: dt.timedelta, now: dt.datetime
) -> bool:
    """One more failure for ``key`` (one upsert, so concurrent failures all count); True when this
    one reaches ``limit`` and sets a block."""
    row = LoginThrottle.__table__.c
    stale = row.window_started_at < now - window
    stmt = (
        insert(LoginThrottle)
        .values(key=key, failures=1, window_started_at=now)
        .on_conflict_do_update(
            index_elements=[row.key],
            set_={
                "failures": case((stale, 1), else_=row.failures + 1),
                "window_started_at": case((stale, now), else_=row.window_started_at),
            },
        )
        .returning(row.failures)
    )
    if session.execute(stmt).scalar_one() < limit:
        return False
    session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.key == key)
        .values(blocked_until=now + block, failures=0, window_started_at=now)
    )
    return True


def note_client_failure(session: Session, settings: IdentitySettings, client_ip: str) -> None:
    """A failed client authentication counts against the address like a failed password."""
    now = dt.datetime.now(dt.timezone.utc)
    window = dt.timedelta(minutes=settings.login_window_minutes)
    count_failure(
        session, f"ip:{client_ip}", limit=settings.login_ip_max_failures, window=window, block=window, now=now
    )


def address_blocked(session: Session, client_ip: str) -> int | None:
    return blocked_for(session, [f"ip:{client_ip}"], dt.datetime.now(dt.timezone.utc))


def authenticate(
    session: Session, settings: IdentitySettings, username: str, password: str, client_ip: str = "unknown"
) -> LoginResult:
    now = dt.datetime.now(dt.timezone.utc)
    ip_key, pair_key = _keys(username, client_ip)
    label = username[:64].replace("\x00", "") or "?"
    if settings.lockout_enabled and (wait := blocked_for(session, [ip_key, pair_key], now)):
        audit.record_sync(
            session,
            actor=Actor(label, "anonymous"),
            action="login.throttled",
            entity_type="LoginAddress",
            entity_id=client_ip,
            reason="too many failed sign-ins",
        )
        return LoginResult(None, THROTTLED.format(minutes=max(1, -(-wait // 60))), status=429, retry_after=wait)
    # Text PostgreSQL cannot hold, or longer than any username, names no account: no lookup.
    plausible = 0 < len(username) <= 64 and "\x00" not in username
    user = session.scalars(select(User).where(User.username == username)).first() if plausible else None
    # The same argon2 work whether or not the account exists or is active.
    ok = passwords.verify_password(user.password_hash if user else None, password)
    if user is not None and ok and user.active:
        user.failed_logins, user.locked_until = 0, None
        if passwords.needs_rehash(user.password_hash):
            user.password_hash = passwords.hash_password(password)
        session.execute(delete(LoginThrottle).where(LoginThrottle.key == pair_key))
        audit.record_sync(
            session,
            actor=Actor(str(user.id), "user"),
            action="login.success",
            entity_type="User",
            entity_id=str(user.id),
        )
        return LoginResult(user)
    reason = "unknown user" if user is None else ("inactive account" if not user.active else "wrong password")
    if settings.lockout_enabled:
        window = dt.timedelta(minutes=settings.login_window_minutes)
        lock = dt.timedelta(minutes=settings.lockout_minutes)
        if count_failure(session, pair_key, limit=settings.lockout_threshold, window=window, block=lock, now=now):
            reason += "; address locked out of this account"
            if user is not None:
                user.locked_until = now + lock
        if count_failure(session, ip_key, limit=settings.login_ip_max_failures, window=window, block=window, now=now):
            reason += "; address throttled"
    if user is not None:
        user.failed_logins += 1
    audit.record_sync(
        session,
        actor=Actor(str(user.id) if user else label, "user" if user else "anonymous"),
        action="login.failure",
        entity_type="User" if user else "UnknownUser",
        entity_id=str(user.id) if user else label,
        reason=f"{reason} from {client_ip}",
    )
    return LoginResult(None, FAILED, status=401)


def clear_locks(session: Session, username: str) -> None:
    """An administrator's unlock: every address's lock on this account goes."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key.like(f"pair:{account_key(username)}|%")))
