"""Tables of the platform service."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
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
    name: Mapped[str] = mapped_column(String(50), default="", server_default="")
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
    grid_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("grid.id"), nullable=True)
    # [{name, contentType, size, ref}]: the files live in the county's object store, we keep their metadata.
    attachments: Mapped[list] = mapped_column(JSONB, default=list, server_default=text("'[]'::jsonb"))
    # Dispatch: a lead unit (and optionally a person in it), assisting units.
    lead_unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("unit.id"), nullable=True)
    assisting_unit_ids: Mapped[list[uuid.UUID]] = mapped_column(
        ARRAY(UUID(as_uuid=True)), default=list, server_default=text("'{}'::uuid[]")
    )
    # Routing (定事→定岗→定人): the latest recommendation and why.
    recommended_unit_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), nullable=True)
    recommended_cadre_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), nullable=True)
    recommendation_reason: Mapped[str | None] = mapped_column(String(20), nullable=True)
    recommendation_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The clock of the current phase (SIGN | HANDLE | VERIFY), computed when the phase starts.
    phase: Mapped[str | None] = mapped_column(String(8), nullable=True)
    phase_started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    warn_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    due_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    escalate_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    warned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    overdue: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    escalation_level: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))  # 督办级别
    # When the deadline worker must look at this event next; NULL when no clock runs.
    next_check_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    first_dispatched_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (
        Index(
            "uq_grid_event_idempotency",
            "client_id",
            "idempotency_key",
            unique=True,
            postgresql_where="idempotency_key IS NOT NULL",
        ),
        Index("ix_grid_event_township_state", "township_id", "state", "reported_at"),
        Index("ix_grid_event_assignee", "assignee_cadre_id", "state"),
        Index("ix_grid_event_lead_unit", "lead_unit_id", "state"),
        Index("ix_grid_event_reporter", "reported_by", "reported_at"),
        Index("ix_grid_event_duplicates", "township_id", "matter_type", "reported_at"),
        Index("ix_grid_event_next_check", "next_check_at", postgresql_where="next_check_at IS NOT NULL"),
        Index("ix_grid_event_state", "state", "reported_at"),
        Index("ix_grid_event_overdue", "township_id", "reported_at", postgresql_where="overdue"),
        Index(
            "ix_grid_event_outside_line",
            "assignee_cadre_id",
            "reported_at",
            postgresql_where="outside_line_reason IS NOT NULL",
        ),
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
    # Who held the event when this happened, and the clock of the phase it ended — frozen here so
    # statistics stay reproducible whatever later changes to calendars, SLAs or assignments.
    township_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), nullable=True)
    unit_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), nullable=True)
    cadre_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), nullable=True)
    phase: Mapped[str | None] = mapped_column(String(8), nullable=True)
    phase_due_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    overdue: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    elapsed_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    outside_line: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))

    __table_args__ = (
        Index("ix_event_transition_township_at", "township_id", "at"),
        Index("ix_event_transition_unit_at", "unit_id", "at"),
        Index("ix_event_transition_cadre_at", "cadre_id", "at"),
    )


class Unit(Base):
    """A unit on the platforms: a stationed agency (派驻机构, from personnel's feed) or a township office
    (乡镇站所/办公室, kept here by the township). A unit joins one platform (入驻平台)."""

    __tablename__ = "unit"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    township_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # AGENCY | OFFICE
    name: Mapped[str] = mapped_column(String(100))
    department_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), nullable=True, index=True)
    head_cadre_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), nullable=True)
    platform_code: Mapped[str | None] = mapped_column(ForeignKey("platform.code"), nullable=True)

    __table_args__ = (CheckConstraint("kind IN ('AGENCY', 'OFFICE')", name="unit_kind"),)


class Township(Base):
    """A township as the platform knows it (name from personnel's feed): it has one command centre."""

    __tablename__ = "township"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    command_centre_name: Mapped[str | None] = mapped_column(String(100), nullable=True)  # 综合信息指挥室


class Grid(Base):
    """网格: a township's grid; events and team visits name it."""

    __tablename__ = "grid"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    township_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(100))
    village: Mapped[str | None] = mapped_column(String(100), nullable=True)

    __table_args__ = (UniqueConstraint("township_id", "code"),)


class GridMember(Base):
    """A person in a grid: a stationed cadre (下沉网格), township staff, or the grid worker (网格员)."""

    __tablename__ = "grid_member"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    grid_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grid.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # CADRE | STAFF | GRID_WORKER
    cadre_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), nullable=True, index=True)
    name: Mapped[str] = mapped_column(String(50))
    duty: Mapped[str] = mapped_column(String(12), default="MEMBER")  # LEADER (网格长) | MEMBER

    __table_args__ = (
        Index("uq_grid_member_cadre", "grid_id", "cadre_id", unique=True, postgresql_where="cadre_id IS NOT NULL"),
    )


class TeamVisit(Base):
    """组团式进村入户: who went, where, when, what was found."""

    __tablename__ = "team_visit"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    township_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    grid_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grid.id"))
    visited_on: Mapped[dt.date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200))
    findings: Mapped[str] = mapped_column(Text)
    cadre_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(UUID(as_uuid=True)), default=list)
    staff_names: Mapped[list[str]] = mapped_column(ARRAY(String(50)), default=list)
    logged_by: Mapped[str] = mapped_column(String(64))
    logged_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        Index("ix_team_visit_township_on", "township_id", "visited_on", "id"),
        Index("ix_team_visit_cadres", "cadre_ids", postgresql_using="gin"),
    )


class Post(Base):
    """定岗: a post in a unit of a township; its duties (定责) name matter types, its holders (定人)."""

    __tablename__ = "post"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    township_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("unit.id"))
    name: Mapped[str] = mapped_column(String(100))


class PostDuty(Base):
    __tablename__ = "post_duty"

    post_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), primary_key=True)
    matter_type: Mapped[str] = mapped_column(ForeignKey("matter_type.code"), primary_key=True, index=True)
    responsibility: Mapped[str | None] = mapped_column(Text, nullable=True)  # 岗位职责


class PostHolder(Base):
    __tablename__ = "post_holder"

    post_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), primary_key=True)
    cadre_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, index=True)


class SlaPolicy(Base):
    """时限: per matter type (NULL: every type) and priority. Limits are in HOURS (clock time) or
    WORKING_DAYS (the calendar); a warning at ``warn_share`` of the time, overdue at the limit and the
    second escalation level (督办 to township leaders) at ``escalate_share``."""

    __tablename__ = "sla_policy"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    matter_type: Mapped[str | None] = mapped_column(ForeignKey("matter_type.code"), nullable=True)
    priority: Mapped[str] = mapped_column(String(10))
    sign_limit: Mapped[int] = mapped_column(Integer)
    sign_unit: Mapped[str] = mapped_column(String(12))
    handle_limit: Mapped[int] = mapped_column(Integer)
    handle_unit: Mapped[str] = mapped_column(String(12))
    verify_limit: Mapped[int] = mapped_column(Integer)
    verify_unit: Mapped[str] = mapped_column(String(12))
    warn_share: Mapped[Decimal] = mapped_column(Numeric(3, 2))
    escalate_share: Mapped[Decimal] = mapped_column(Numeric(3, 2))

    __table_args__ = (
        Index("uq_sla_policy", "matter_type", "priority", unique=True, postgresql_nulls_not_distinct=True),
        CheckConstraint("sign_limit > 0 AND handle_limit > 0 AND verify_limit > 0", name="sla_positive"),
        CheckConstraint("warn_share > 0 AND warn_share < 1 AND escalate_share > 1", name="sla_shares"),
    )


class CalendarDay(Base):
    """工作日历: a day that differs from Monday–Friday (public holiday, or a swapped working weekend 调休)."""

    __tablename__ = "calendar_day"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(String(50), nullable=True)


class EventAlert(Base):
    """A warning, an overdue notice or an escalation (督办) raised by the deadline worker."""

    __tablename__ = "event_alert"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grid_event.id", ondelete="CASCADE"), index=True)
    township_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    phase: Mapped[str] = mapped_column(String(8))
    phase_started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(10))  # WARNING | OVERDUE | ESCALATION
    level: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    raised_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("event_id", "phase", "phase_started_at", "kind", "level"),
        Index("ix_event_alert_township", "township_id", "raised_at", "id"),
    )


class Callback(Base):
    """回访: the command centre calls the reporter back at verification."""

    __tablename__ = "callback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grid_event.id", ondelete="CASCADE"), index=True)
    township_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    reached: Mapped[bool] = mapped_column(Boolean)
    satisfaction: Mapped[str | None] = mapped_column(String(12), nullable=True)  # SATISFIED | BASIC | UNSATISFIED
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    by: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class SummaryRun(Base):
    """A month whose per-cadre summaries and township workloads were published (claimed once)."""

    __tablename__ = "summary_run"

    period: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    cadres: Mapped[int] = mapped_column(Integer, default=0)
    townships: Mapped[int] = mapped_column(Integer, default=0)
