"""Tables of the assessment service."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import DateTime, Index, Integer, String, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from servicekit.db import make_metadata


class Base(DeclarativeBase):
    metadata = make_metadata()


class RosterEntry(Base):
    """Projection of personnel's roster: who is stationed where, as far as assessment needs to know.

    Fed by personnel's ``cadre.*`` events; ``events_applied`` counts applications, so a doubled
    delivery would show."""

    __tablename__ = "roster_entry"

    cadre_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    department_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    township_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    agency_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    status: Mapped[str] = mapped_column(String(12))
    events_applied: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        Index("ix_roster_entry_township", "township_id", "name", "cadre_id"),
        Index("ix_roster_entry_department", "department_id", "name", "cadre_id"),
    )
