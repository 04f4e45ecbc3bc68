"""Tables of the assessment service."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import (
    Boolean,
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
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from servicekit.db import make_metadata


class Base(DeclarativeBase):
    metadata = make_metadata()


# The roster statuses that hold a place (on the roster of a cycle, an agency with people).
OCCUPYING = ("IN_POST", "SECONDED", "ON_LEAVE")


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


class Cycle(Base):
    """考核周期 (annual). The settings the report leaves open are stated here, per cycle."""

    __tablename__ = "cycle"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10), default="ANNUAL")  # ANNUAL | REGULAR (平时考核)
    period: Mapped[str] = mapped_column(String(10))  # 2026, 2026-Q4 or 2026-11
    township_weight: Mapped[Decimal] = mapped_column(Numeric(4, 3))
    shortlist_share: Mapped[Decimal] = mapped_column(Numeric(4, 3))
    round1_share: Mapped[Decimal] = mapped_column(Numeric(4, 3))
    round2_share: Mapped[Decimal] = mapped_column(Numeric(4, 3))
    rounding: Mapped[str] = mapped_column(String(10))
    ties: Mapped[str] = mapped_column(String(40))
    # Whose township assesses a cadre who moved during the year (stated rule).
    assessed_where: Mapped[str] = mapped_column(String(30), default="TOWNSHIP_AT_OPENING")
    # OPEN → PUBLISHED (公示, objections may be filed until objection_deadline) → APPROVED (组织部审定)
    status: Mapped[str] = mapped_column(String(12), default="OPEN")
    objection_deadline: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    # No overlapping cycles: one per kind and period.
    __table_args__ = (Index("uq_cycle_kind_period", "kind", "period", unique=True),)


class Member(Base):
    """A cadre in a cycle: the roster snapshot taken at opening, scores and the excellence outcome.

    Stored with fillfactor 60 (migration 0011): each row is updated several times in a cycle and
    none of those columns is indexed, so the free room lets PostgreSQL update rows in place."""

    __tablename__ = "cycle_member"

    cycle_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), primary_key=True)
    cadre_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    department_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    township_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    agency_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    township_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), nullable=True)
    department_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), nullable=True)
    excused: Mapped[bool] = mapped_column(Boolean, default=False)  # 免于考核 (e.g. long sick leave)
    total: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), nullable=True)
    shortlisted: Mapped[bool] = mapped_column(Boolean, default=False)
    excellent_round: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 1 | 2
    grade: Mapped[str | None] = mapped_column(String(20), nullable=True)  # EXCELLENT | COMPETENT | BASIC | INCOMPETENT

    __table_args__ = (
        Index("ix_cycle_member_department", "cycle_id", "department_id", "township_id"),
        Index("ix_cycle_member_township", "cycle_id", "township_id"),
        Index("ix_cycle_member_grade", "cycle_id", "grade", "name", "cadre_id"),  # the 公示 list
    )


class DepartmentFlow(Base):
    """Where one department's excellence flow stands in a cycle."""

    __tablename__ = "department_flow"

    cycle_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), primary_key=True)
    department_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    # SCORING → SHORTLISTED → ROUND1_SENT (函告乡镇) → ROUND2_DONE
    status: Mapped[str] = mapped_column(String(20), default="SCORING")
    shortlist_quota: Mapped[int | None] = mapped_column(Integer, nullable=True)
    round1_quota: Mapped[int | None] = mapped_column(Integer, nullable=True)


class TownshipRound(Base):
    """Round 2 of one department's flow in one township: its quota and whether it has reported back."""

    __tablename__ = "township_round"

    cycle_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), primary_key=True)
    department_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    township_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    quota: Mapped[int] = mapped_column(Integer)
    submitted: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_township_round_township", "cycle_id", "township_id"),)


class Objection(Base):
    """异议: during the publication window (公示) a cadre objects to their own result or to someone
    on the 优秀 list of their department or township, with reasons; the organisation department
    answers each before final approval."""

    __tablename__ = "objection"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    cycle_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), index=True)
    cadre_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))  # who objects
    # whose result: the objector's own, or someone on the 公示 list of their department or township
    about_cadre_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    # the name as the 公示 showed it (the cycle's snapshot): the objector may not read that person's file
    about_name: Mapped[str | None] = mapped_column(String(50), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    filed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    resolution: Mapped[str | None] = mapped_column(Text, nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Scheme(Base):
    """考核方案: one assessor's (a township's or a department's) indicators and weights for a period
    type. Versioned: an active version never changes; a change is a new version."""

    __tablename__ = "scheme"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    assessor_kind: Mapped[str] = mapped_column(String(12))  # TOWNSHIP | DEPARTMENT
    assessor_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    period_type: Mapped[str] = mapped_column(String(10))  # ANNUAL | QUARTERLY | MONTHLY
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="ACTIVE")  # ACTIVE | RETIRED
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        Index("uq_scheme_version", "assessor_kind", "assessor_id", "period_type", "version", unique=True),
    )


class Indicator(Base):
    __tablename__ = "indicator"

    scheme_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("scheme.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    weight: Mapped[int] = mapped_column(Integer)  # percent; a scheme's weights add up to 100


class CycleScheme(Base):
    """The scheme versions a cycle uses (fixed at opening, so they cannot change under it)."""

    __tablename__ = "cycle_scheme"

    cycle_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), primary_key=True)
    scheme_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("scheme.id"), primary_key=True)


class Honour(Base):
    """荣誉: 枫桥式派驻中队 (an agency) or 优秀派驻干部 (a cadre): nominated → approved → on the publicity list."""

    __tablename__ = "honour"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(20))  # MODEL_SQUAD | EXCELLENT_CADRE
    year: Mapped[int] = mapped_column(Integer)
    subject_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))  # agency or cadre
    reasons: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="NOMINATED")  # NOMINATED | APPROVED | DECLINED
    nominated_by: Mapped[str] = mapped_column(String(64))
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (Index("uq_honour_subject_year", "kind", "subject_id", "year", unique=True),)


class AgencyReport(Base):
    """双报告: an agency head's plan, progress or major-issue report, seen by both sides."""

    __tablename__ = "agency_report"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    agency_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    department_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    township_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    period: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(12))  # PLAN | PROGRESS | MAJOR_ISSUE
    content: Mapped[str] = mapped_column(Text)
    filed_by: Mapped[str] = mapped_column(String(64))
    filed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ReviewMeeting(Base):
    """述职评议会: the yearly joint review where agency heads report to both sides and are scored."""

    __tablename__ = "review_meeting"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    year: Mapped[int] = mapped_column(Integer, index=True)
    held_on: Mapped[dt.date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="OPEN")  # OPEN | CLOSED
    convened_by: Mapped[str] = mapped_column(String(64))


class ReviewScore(Base):
    __tablename__ = "review_score"

    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("review_meeting.id", ondelete="CASCADE"), primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    participant: Mapped[str] = mapped_column(String(64), primary_key=True)
    side: Mapped[str] = mapped_column(String(20))  # TOWNSHIP | DEPARTMENT | COUNTY
    score: Mapped[Decimal] = mapped_column(Numeric(5, 2))


class ReviewOutcome(Base):
    __tablename__ = "review_outcome"

    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("review_meeting.id", ondelete="CASCADE"), primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    average: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    scores: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(20))  # GOOD | FAIR | POOR (bears on appointment and rewards)
    # 每年一次: one outcome per agency and year; the head reviewed, as the roster had it at closing.
    year: Mapped[int] = mapped_column(Integer)
    head_cadre_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), nullable=True)

    __table_args__ = (
        UniqueConstraint("year", "agency_id", name="uq_review_outcome_year_agency"),
        Index("ix_review_outcome_head", "head_cadre_id", "year"),
    )


class UnitName(Base):
    """Names of departments, townships and agencies (from personnel's ``unit.upserted`` events),
    so that exports and screens can label the ids assessment keeps."""

    __tablename__ = "unit_name"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(100))
    head_cadre_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), nullable=True)  # agencies only


class PlatformEvidence(Base):
    """A cadre's month on the platforms (tasks, timeliness, returns, overrides, team visits), as the
    platform service published it; shown beside the indicators as evidence, never scored by itself."""

    __tablename__ = "platform_evidence"

    cadre_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM
    figures: Mapped[dict] = mapped_column(JSONB)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class RosterStay(Base):
    """One township stay of a cadre (from personnel's events), for the moved-cadre rule."""

    __tablename__ = "roster_stay"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cadre_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    township_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    agency_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    start: Mapped[dt.date] = mapped_column(Date)
    end: Mapped[dt.date | None] = mapped_column(Date, nullable=True)  # exclusive

    __table_args__ = (Index("uq_roster_stay_open", "cadre_id", unique=True, postgresql_where='"end" IS NULL'),)
