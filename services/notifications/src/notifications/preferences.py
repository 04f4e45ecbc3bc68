"""Each person's notification settings (通知设置): the personal channels each kind of item goes on,
quiet hours kept or not, and a daily digest instead of one message per item.

Defaults, for someone who never chose: every kind on every channel the county has switched on and
the person can be reached on, quiet hours kept, no digest. Urgent items (an URGENT event, an SLA
warning, overdue, 督办) ignore quiet hours and the digest — they are the reason to be told at once —
but a person may still take a channel off for a kind. The inbox itself always holds every item.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.errors import BadInput, Forbidden
from servicekit.principal import Principal

from . import inbox
from .models import Preference, Recipient

PERSONAL = ("EMAIL", "DINGTALK", "WECOM")
ADDRESS_FIELD = {"EMAIL": "email", "DINGTALK": "dingtalk_user_id", "WECOM": "wecom_user_id"}


@dataclass(frozen=True)
class Settings:
    digest: bool
    quiet_hours: bool
    by_kind: dict[str, list[str]]
    reachable: list[str]  # the channels switched on here on which the person has an address


def _me(principal: Principal) -> uuid.UUID:
    if principal.is_service:
        raise Forbidden("通知设置属于具体的人", detail="a service token has no notification settings")
    try:
        return uuid.UUID(principal.subject)
    except ValueError as exc:  # every person's subject is their account id
        raise Forbidden("无法识别的用户") from exc


async def mine(session: AsyncSession, principal: Principal, enabled: list[str]) -> Settings:
    user_id = _me(principal)
    pref = await session.get(Preference, user_id)
    person = await session.get(Recipient, user_id)
    reachable = [c for c in PERSONAL if c in enabled and person is not None and getattr(person, ADDRESS_FIELD[c])]
    if pref is None:
        return Settings(digest=False, quiet_hours=True, by_kind={}, reachable=reachable)
    return Settings(pref.digest, pref.quiet_hours, dict(pref.channels_by_kind), reachable)


async def choose(
    session: AsyncSession,
    principal: Principal,
    enabled: list[str],
    *,
    digest: bool,
    quiet_hours: bool,
    by_kind: dict[str, list[str]],
) -> Settings:
    """Replace the caller's settings (the kinds named in ``by_kind`` are overridden, the rest default)."""
    user_id = _me(principal)
    if len(by_kind) > len(inbox.KINDS):
        raise BadInput("待办类型过多")
    clean: dict[str, list[str]] = {}
    for kind, chans in by_kind.items():
        if kind not in inbox.KINDS:
            raise BadInput("待办类型无效", detail=kind[:40])
        unknown = [c for c in chans if c not in PERSONAL]
        if unknown:
            raise BadInput("通知渠道须为 EMAIL、DINGTALK 或 WECOM")
        clean[kind] = sorted(set(chans), key=PERSONAL.index)
    stmt = insert(Preference).values(user_id=user_id, digest=digest, quiet_hours=quiet_hours, channels_by_kind=clean)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[Preference.user_id],
            set_={
                "digest": stmt.excluded.digest,
                "quiet_hours": stmt.excluded.quiet_hours,
                "channels_by_kind": stmt.excluded.channels_by_kind,
                "updated_at": dt.datetime.now(dt.timezone.utc),
            },
        )
    )
    return await mine(session, principal, enabled)


async def of_people(session: AsyncSession, user_ids) -> dict[uuid.UUID, Preference]:
    ids = list({u for u in user_ids if u is not None})
    if not ids:
        return {}
    return {p.user_id: p for p in (await session.scalars(select(Preference).where(Preference.user_id.in_(ids)))).all()}


def wants(pref: Preference | None, kind: str, channel: str) -> bool:
    """Does the person want this kind on this channel?"""
    if pref is None or kind not in pref.channels_by_kind:
        return True
    return channel in pref.channels_by_kind[kind]
