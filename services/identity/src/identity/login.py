"""Password login with lockout (登录失败锁定). Plain rules, no HTTP."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit import audit
from servicekit.audit import Actor

from . import passwords
from .config import IdentitySettings
from .models import User


@dataclass
class LoginResult:
    user: User | None
    error: str | None = None  # shown on the login page


def authenticate(session: Session, settings: IdentitySettings, username: str, password: str) -> LoginResult:
    now = dt.datetime.now(dt.timezone.utc)
    user = session.scalars(select(User).where(User.username == username).with_for_update()).first()
    if user is None:
        passwords.verify_password(None, password)
        audit.record_sync(session, actor=Actor(username[:64] or "?", "anonymous"), action="login.failure",
                          entity_type="User", entity_id=username[:64] or "?", reason="unknown user")
        return LoginResult(None, "用户名或密码错误")
    if settings.lockout_enabled and user.locked_until and user.locked_until > now:
        audit.record_sync(session, actor=Actor(str(user.id), "user"), action="login.failure",
                          entity_type="User", entity_id=str(user.id), reason="account locked")
        return LoginResult(None, "登录失败次数过多，账号已临时锁定，请稍后再试")
    if not user.active or not passwords.verify_password(user.password_hash, password):
        user.failed_logins += 1
        reason = "inactive account" if not user.active else "wrong password"
        if settings.lockout_enabled and user.failed_logins >= settings.lockout_threshold:
            user.locked_until = now + dt.timedelta(minutes=settings.lockout_minutes)
            user.failed_logins = 0
            reason += "; account locked"
        audit.record_sync(session, actor=Actor(str(user.id), "user"), action="login.failure",
                          entity_type="User", entity_id=str(user.id), reason=reason)
        return LoginResult(None, "用户名或密码错误")
    user.failed_logins, user.locked_until = 0, None
    audit.record_sync(session, actor=Actor(str(user.id), "user"), action="login.success",
                      entity_type="User", entity_id=str(user.id))
    return LoginResult(user)
