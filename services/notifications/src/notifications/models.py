"""The inbox (待办): one row per thing a role in a scope must act on.

An item is addressed to a role binding — (role, scope kind, scope id), e.g. the township admin of
店口镇 — not to a person: whoever holds the binding now sees it, and someone who lost the binding no
longer does. It is opened by the event that creates the work and closed by the event that completes
it; ``opened_by`` (the opening event's id) makes a replayed feed open nothing twice.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from servicekit.db import make_metadata


class Base(DeclarativeBase):
    metadata = make_metadata()


class InboxItem(Base):
    __tablename__ = "inbox_item"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(40))  # inbox.KINDS
    # What the work is about: the owning service's entity (e.g. platform.grid_event and its id).
    source: Mapped[str] = mapped_column(String(40))
    source_id: Mapped[str] = mapped_column(String(100))  # an id, or ids joined (a flow: cycle:department)
    # To whom: a role binding, resolved when the inbox is read.
    role: Mapped[str] = mapped_column(String(40))
    scope_kind: Mapped[str] = mapped_column(String(20))
    scope_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(300))
    due_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Urgent (an URGENT event, an SLA alert): sent at once, also in quiet hours.
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    opened_by: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))  # the feed event that opened it
    # Its place in the producer's feed (txid, id): a replayed older event never closes a newer item.
    opened_txid: Mapped[int] = mapped_column(BigInteger)
    opened_seq: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), nullable=True)

    __table_args__ = (
        UniqueConstraint(
            "opened_by",
            "role",
            "scope_kind",
            "scope_id",
            name="uq_inbox_item_opening",
            postgresql_nulls_not_distinct=True,
        ),
        # A recipient's open items, newest first (myInbox); the partial index keeps it small.
        Index(
            "ix_inbox_item_open",
            "role",
            "scope_kind",
            "scope_id",
            "created_at",
            "id",
            postgresql_where="done_at IS NULL",
        ),
        Index("ix_inbox_item_recipient", "role", "scope_kind", "scope_id", "created_at", "id"),
        Index("ix_inbox_item_source", "source", "source_id", postgresql_where="done_at IS NULL"),
    )


class Delivery(Base):
    """One item sent on one channel: queued with the item, sent by the delivery worker, retried with
    exponential backoff (persisted, so a restart resumes), DEAD after the last attempt (ops see it)."""

    __tablename__ = "delivery"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inbox_item.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))  # WEBHOOK | EMAIL | DINGTALK | WECOM
    # The person a personal channel (mail) goes to; none for the webhook (it gets every item).
    user_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), nullable=True)
    # PENDING | DIGEST (held for the person's daily digest) | SENT | SKIPPED (done before the digest
    # went: nothing left to tell) | DEAD
    status: Mapped[str] = mapped_column(String(10), default="PENDING")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (
        # the dedupe id's ground: one delivery per item, channel and person
        UniqueConstraint(
            "item_id", "channel", "user_id", name="uq_delivery_item_channel_user", postgresql_nulls_not_distinct=True
        ),
        Index("ix_delivery_due", "next_attempt_at", postgresql_where="status = 'PENDING'"),
        Index("ix_delivery_digest", "next_attempt_at", postgresql_where="status = 'DIGEST'"),
    )


class Recipient(Base):
    """A person who can be told (identity's ``user.contact``): the address, whether the account is active."""

    __tablename__ = "recipient"

    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    dingtalk_user_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    wecom_user_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    active: Mapped[bool] = mapped_column(default=True)


class RecipientBinding(Base):
    """Who holds which role binding now (identity's ``role.granted`` / ``role.revoked``): how an item
    addressed to a role reaches the people behind it."""

    __tablename__ = "recipient_binding"

    binding_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    role: Mapped[str] = mapped_column(String(40))
    scope_kind: Mapped[str] = mapped_column(String(20))
    scope_id: Mapped[str | None] = mapped_column(String(64), nullable=True)

    __table_args__ = (Index("ix_recipient_binding_address", "role", "scope_kind", "scope_id"),)


class Preference(Base):
    """A person's choices (设置): which personal channels each kind of item goes on (none listed: every
    channel they can be reached on), quiet hours kept or not, and a daily digest instead of one
    message per item (urgent items are always sent at once)."""

    __tablename__ = "preference"

    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    digest: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    quiet_hours: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    # kind → the channels it goes on ([] = the inbox only); kinds not named: every channel
    channels_by_kind: Mapped[dict] = mapped_column(JSONB, default=dict, server_default="{}")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
