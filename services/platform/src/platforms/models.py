"""Tables of the platform service."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import DateTime, Index, Integer, String, func
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
