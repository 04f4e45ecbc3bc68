"""Tables of the platform service."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from servicekit.db import make_metadata


class Base(DeclarativeBase):
    metadata = make_metadata()


class Platform(Base):
    """基层治理四平台: configurable; the four defaults come with the first migration."""

    __tablename__ = "platform"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    position: Mapped[int] = mapped_column(Integer)


class StationedCadre(Base):
    """Projection of personnel's roster: who is stationed in which township, on which line
    (专业人做专业事 routing needs the line). ``events_applied`` counts applications."""

    __tablename__ = "stationed_cadre"

    cadre_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    department_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    township_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    agency_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    professional_line: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(12))
    events_applied: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (Index("ix_stationed_cadre_township", "township_id", "status"),)


class MatterType(Base):
    """定事: a kind of matter, the professional line that handles it and its platform."""

    __tablename__ = "matter_type"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    professional_line: Mapped[str] = mapped_column(String(40))
    platform_code: Mapped[str] = mapped_column(ForeignKey("platform.code"))


class GridEvent(Base):
    """An event reported from a grid (or a hotline, or a department system) and its handling."""

    __tablename__ = "grid_event"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    township_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    matter_type: Mapped[str] = mapped_column(ForeignKey("matter_type.code"))
    priority: Mapped[str] = mapped_column(String(10), default="NORMAL")  # URGENT | HIGH | NORMAL
    description: Mapped[str] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(200), nullable=True)
    state: Mapped[str] = mapped_column(String(12), default="REPORTED")
    reported_by: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(12))  # GRID | HOTLINE | SYSTEM
    # A department system's retry with the same key returns the first event.
    client_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(100), nullable=True)
    assignee_cadre_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), nullable=True)
    outside_line_reason: Mapped[str | None] = mapped_column(Text, nullable=True)  # 专业人做专业事的例外
    duplicate_of: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("grid_event.id"), nullable=True)
    closing_reason: Mapped[str | None] = mapped_column(String(20), nullable=True)
    reported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        Index("uq_grid_event_idempotency", "client_id", "idempotency_key", unique=True,
              postgresql_where="idempotency_key IS NOT NULL"),
        Index("ix_grid_event_township_state", "township_id", "state", "reported_at"),
        Index("ix_grid_event_assignee", "assignee_cadre_id", "state"),
    )


class EventTransition(Base):
    """Every state change of an event, with who, when and why (a timestamp per state)."""

    __tablename__ = "event_transition"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grid_event.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(12))
    target: Mapped[str] = mapped_column(String(12))
    actor: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
