"""Password sign-in with throttling (登录失败锁定). Plain rules, no HTTP.

Failed attempts are counted twice, in the database so every replica sees them:

- per client address (``ip:<addr>``): ``login_ip_max_failures`` failures in ``login_window_minutes``
  and the address is turned away (429) before any password is hashed — this caps the CPU and
  memory an anonymous caller can spend, and password spraying across accounts;
- per account *and* address (``pair:<account>|<addr>``): ``lockout_threshold`` failures and that
  address is locked out of that account for ``lockout_minutes``;
- per account, whatever the address (``acct:<account>``): ``account_lockout_threshold`` failures
  and the account is locked for ``lockout_minutes`` — so guessing from many addresses (a botnet, or
  a forged ``X-Forwarded-For`` if a proxy were ever misconfigured) is capped too. Addresses this
  account signed in from within ``known_address_days`` (``known:<account>|<addr>``) are not held by
  the account lock: a flood from elsewhere cannot shut the staffing office out of its own office.

The address is the one ``web.client_address`` derives (forwarded headers only from the configured
proxies); an IPv6 address counts as its /64, the smallest block one subscriber is given. The answer
never tells an unknown account from a known one — the same message, the same argon2 work, the same
429 once a pair is throttled (keys are made from the name as typed, whether or not it exists).

The table stays bounded: each failure also deletes rows whose window and block have passed (and
known addresses older than ``known_address_days``), so it holds at most the keys that failed within
one window.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
from dataclasses import dataclass

from sqlalchemy import and_, case, delete, or_, select, update
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


def throttle_address(client_ip: str) -> str:
    """The unit an address is counted in: an IPv4 address itself, an IPv6 address its /64 (one
    subscriber's block: counting single addresses there would give a caller 2^64 tries)."""
    try:
        addr = ipaddress.ip_address(client_ip)
    except ValueError:
        return "unknown"
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.ipv4_mapped is not None:
            return str(addr.ipv4_mapped)
        return str(ipaddress.ip_network(f"{addr}/64", strict=False))
    return str(addr)


def _keys(account: str, client_ip: str) -> tuple[str, str, str]:
    addr = throttle_address(client_ip)
    return f"ip:{addr}", f"pair:{account}|{addr}", f"acct:{account}"


def known_key(subject: str, client_ip: str) -> str:
    """Where ``subject`` (an account key, or ``client:<id>``) last succeeded from this address."""
    return f"known:{subject}|{throttle_address(client_ip)}"


def is_known(session: Session, settings: IdentitySettings, subject: str, client_ip: str, now: dt.datetime) -> bool:
    since = now - dt.timedelta(days=settings.known_address_days)
    return (
        session.scalar(
            select(LoginThrottle.key).where(
                LoginThrottle.key == known_key(subject, client_ip), LoginThrottle.window_started_at > since
            )
        )
        is not None
    )


def note_success(session: Session, subject: str, client_ip: str, now: dt.datetime) -> None:
    """Marks the address as one ``subject`` succeeded from. A row seen within the hour is left as it
    is: a service signing in all day does not rewrite it each time."""
    row = LoginThrottle.__table__.c
    session.execute(
        insert(LoginThrottle)
        .values(key=known_key(subject, client_ip), failures=0, window_started_at=now)
        .on_conflict_do_update(
            index_elements=[row.key],
            set_={"window_started_at": now},
            where=row.window_started_at < now - dt.timedelta(hours=1),
        )
    )


def _own_lock(
    session: Session, settings: IdentitySettings, lock_key: str, subject: str, client_ip: str, now: dt.datetime
) -> int | None:
    """Seconds a subject's own lock (an account's, a client's) holds this address; None when none is
    set, or the address is one the subject succeeded from."""
    wait = blocked_for(session, [lock_key], now)
    return wait if wait and not is_known(session, settings, subject, client_ip, now) else None


def purge_stale(session: Session, settings: IdentitySettings, now: dt.datetime) -> None:
    """Rows that no longer count anything: a window and block both passed, or a known address not
    seen within ``known_address_days``. Bounded per call, so one failure never pays for a backlog."""
    window = dt.timedelta(minutes=max(settings.login_window_minutes, settings.lockout_minutes))
    known_since = now - dt.timedelta(days=settings.known_address_days)
    stale = or_(
        and_(
            ~LoginThrottle.key.startswith("known:"),
            LoginThrottle.window_started_at < now - window,
            or_(LoginThrottle.blocked_until.is_(None), LoginThrottle.blocked_until < now),
        ),
        and_(LoginThrottle.key.startswith("known:"), LoginThrottle.window_started_at < known_since),
    )
    batch = select(LoginThrottle.key).where(stale).limit(500).scalar_subquery()
    session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(batch)))


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


def note_client_failure(session: Session, settings: IdentitySettings, client_id: str, client_ip: str) -> None:
    """A failed client authentication counts against the address like a failed password, and
    against the client itself (``client:<id>``, like an account), whatever the address."""
    now = dt.datetime.now(dt.timezone.utc)
    window = dt.timedelta(minutes=settings.login_window_minutes)
    lock = dt.timedelta(minutes=settings.lockout_minutes)
    addr = throttle_address(client_ip)
    count_failure(session, f"ip:{addr}", limit=settings.login_ip_max_failures, window=window, block=window, now=now)
    count_failure(
        session, f"client:{client_id}", limit=settings.account_lockout_threshold, window=window, block=lock, now=now
    )
    purge_stale(session, settings, now)


def client_blocked(session: Session, settings: IdentitySettings, client_id: str, client_ip: str) -> bool:
    """Whether a client's secret may not be checked now: its address is throttled, or the client is
    locked and this is not an address it authenticated from before."""
    now = dt.datetime.now(dt.timezone.utc)
    if blocked_for(session, [f"ip:{throttle_address(client_ip)}"], now):
        return True
    subject = f"client:{client_id}"
    return _own_lock(session, settings, subject, subject, client_ip, now) is not None


def note_client_success(session: Session, client_id: str, client_ip: str) -> None:
    note_success(session, f"client:{client_id}", client_ip, dt.datetime.now(dt.timezone.utc))


def authenticate(
    session: Session, settings: IdentitySettings, username: str, password: str, client_ip: str = "unknown"
) -> LoginResult:
    now = dt.datetime.now(dt.timezone.utc)
    account = account_key(username)
    ip_key, pair_key, account_lock = _keys(account, client_ip)
    # What was typed as a name may be a password typed in the wrong box: the audit keeps a hash of
    # it for an unknown account (enough to count attempts per name), never the text.
    label = f"name#{account[:16]}"
    if settings.lockout_enabled and (
        wait := blocked_for(session, [ip_key, pair_key], now)
        or _own_lock(session, settings, account_lock, account, client_ip, now)
    ):
        audit.record_sync(
            session,
            actor=Actor(label, "anonymous"),
            action="login.throttled",
            entity_type="LoginAddress",
            entity_id=throttle_address(client_ip),
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
        note_success(session, account, client_ip, now)
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
        if count_failure(
            session, account_lock, limit=settings.account_lockout_threshold, window=window, block=lock, now=now
        ):
            reason += "; account locked for unknown addresses"
        purge_stale(session, settings, now)
    if user is not None:
        user.failed_logins += 1
    audit.record_sync(
        session,
        actor=Actor(str(user.id) if user else label, "user" if user else "anonymous"),
        action="login.failure",
        entity_type="User" if user else "UnknownUser",
        entity_id=str(user.id) if user else label,
        reason=f"{reason} from {throttle_address(client_ip)}",
    )
    return LoginResult(None, FAILED, status=401)


def clear_locks(session: Session, username: str) -> None:
    """An administrator's unlock: every address's lock on this account, and the account's own, go."""
    account = account_key(username)
    session.execute(
        delete(LoginThrottle).where(
            or_(LoginThrottle.key.like(f"pair:{account}|%"), LoginThrottle.key == f"acct:{account}")
        )
    )
