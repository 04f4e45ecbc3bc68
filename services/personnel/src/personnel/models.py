"""Tables of the personnel service."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from servicekit.db import make_metadata


class Base(DeclarativeBase):
    metadata = make_metadata()


class Department(Base):
    """派驻部门: the county body that owns the posts."""

    __tablename__ = "department"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    # 下沉员额总量: the quota the staffing office sends down; the agencies' quotas add up to it.
    quota_total: Mapped[int] = mapped_column(Integer, default=0)


class Township(Base):
    """乡镇(街道)."""

    __tablename__ = "township"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(12))  # TOWN | SUBDISTRICT
    township_class: Mapped[str] = mapped_column(String(4))  # 分类管理: A/B/C
    # Factors of the dynamic quota model (动态调整员额).
    population: Mapped[int] = mapped_column(Integer, default=0)
    area_km2: Mapped[float] = mapped_column(Float, default=0.0)
    enterprises: Mapped[int] = mapped_column(Integer, default=0)
    # Events reported in the township over the last twelve published months (platform's statistics).
    workload: Mapped[float] = mapped_column(Float, default=0.0)


class TownshipWorkload(Base):
    """One month of a township's grid events, as the platform service published it."""

    __tablename__ = "township_workload"

    township_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("township.id", ondelete="CASCADE"), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM
    events: Mapped[int] = mapped_column(Integer)
    per_cadre: Mapped[float | None] = mapped_column(Float, nullable=True)


class Region(Base):
    """优化派驻模式: a hub township whose agencies hold the full team and the region's devolved
    duties for satellite townships ("1+X", or 大镇带小乡); satellites keep resident staff."""

    __tablename__ = "region"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    model: Mapped[str] = mapped_column(String(20))  # ONE_PLUS_X | BIG_TOWN_LEADS_SMALL
    hub_township_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("township.id"))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class RegionSatellite(Base):
    __tablename__ = "region_satellite"

    region_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), primary_key=True)
    # A township is a satellite of at most one region.
    township_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("township.id"), primary_key=True, unique=True)


class Agency(Base):
    """派驻机构: one department's unit inside one township."""

    __tablename__ = "agency"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    department_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("department.id"), index=True)
    township_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("township.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    quota: Mapped[int] = mapped_column(Integer)  # 员额
    is_enforcement: Mapped[bool] = mapped_column(Boolean, default=False)
    head_cadre_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), nullable=True)  # 负责人
    # 与乡镇(街道)合署办公, or how far the agency sits from the township office.
    co_located: Mapped[bool] = mapped_column(Boolean, default=True)
    distance_km: Mapped[float | None] = mapped_column(Float, nullable=True)
    # A regional agency (1+X / 大镇带小乡) sits in the hub township and serves the region's satellites.
    region_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("region.id"), nullable=True, index=True)

    __table_args__ = (CheckConstraint("quota >= 0", name="quota_not_negative"),)


class Cadre(Base):
    """派驻干部: a person on the department's establishment working in a township."""

    __tablename__ = "cadre"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(50))
    gender: Mapped[str] = mapped_column(String(6))  # MALE | FEMALE
    birth_date: Mapped[dt.date] = mapped_column(Date)
    professional_line: Mapped[str] = mapped_column(String(40))  # 业务条线
    is_enforcement: Mapped[bool] = mapped_column(Boolean, default=False)  # 执法人员
    department_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("department.id"))
    township_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("township.id"))
    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"))
    posted_on: Mapped[dt.date] = mapped_column(Date)  # start in the current township
    status: Mapped[str] = mapped_column(String(12), default="IN_POST")
    political_status: Mapped[str | None] = mapped_column(String(20), nullable=True)  # 政治面貌
    rank: Mapped[str | None] = mapped_column(String(40), nullable=True)  # 职级
    education: Mapped[str | None] = mapped_column(String(20), nullable=True)  # 学历
    enforcement_cert_no: Mapped[str | None] = mapped_column(String(40), nullable=True)  # 执法证号
    enforcement_cert_expiry: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # Sensitive (masked for roles that do not manage the person).
    id_number: Mapped[str | None] = mapped_column(String(18), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(20), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        # Keyset pages of the roster, filtered by the scopes dual management exposes.
        Index("ix_cadre_name_id", "name", "id"),
        Index("ix_cadre_department_name", "department_id", "name", "id"),
        Index("ix_cadre_township_name", "township_id", "name", "id"),
        Index("ix_cadre_agency_name", "agency_id", "name", "id"),
        Index("ix_cadre_status_name", "status", "name", "id"),
        Index("ix_cadre_line_name", "professional_line", "name", "id"),
        Index("ix_cadre_enforcement_name", "is_enforcement", "name", "id"),
        Index("ix_cadre_posted_on", "posted_on"),
    )


class QuotaChangeRequest(Base):
    """员额调整申请: a change of a department's total and/or its agencies' quotas, which takes
    effect only when the staffing office (编办) approves it."""

    __tablename__ = "quota_change_request"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    department_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("department.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="PENDING")  # PENDING | APPROVED | REJECTED
    old_total: Mapped[int] = mapped_column(Integer)
    new_total: Mapped[int] = mapped_column(Integer)
    # {agency_id: [old, new]} for the agencies whose quota changes
    lines: Mapped[dict] = mapped_column(JSONB)
    reorganisation: Mapped[bool] = mapped_column(Boolean, default=False)  # 1+X / 大镇带小乡
    reason: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decision_note: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (Index("ix_quota_change_request_status", "status", "requested_at", "id"),)


class Adjustment(Base):
    """人事调整: one person moving in, out, between agencies, or an agency head change.

    Several adjustments of one concentrated reshuffle (集中调整) share a ``batch_id``; each
    ``batch_id`` is one adjustment round (调整批次) for every agency it touches.
    """

    __tablename__ = "adjustment"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    batch_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # IN | OUT | TRANSFER | HEAD_CHANGE
    department_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("department.id"))
    cadre_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cadre.id"), nullable=True)
    from_agency_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agency.id"), nullable=True)
    to_agency_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agency.id"), nullable=True)
    # For IN: the person to station (name, gender, birth_date, professional_line, id_number, phone).
    newcomer: Mapped[dict | None] = mapped_column(JSONB, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="SUBMITTED")
    effective_date: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    tenure_exception_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    org_review: Mapped[str | None] = mapped_column(String(10), nullable=True)  # APPROVED | REJECTED
    org_reviewed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    org_review_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    township_opinion: Mapped[str | None] = mapped_column(String(10), nullable=True)  # AGREE | DISAGREE
    township_opinion_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    township_opinion_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    # 补员: an arrival outside a reshuffle fills an empty seat; it is not an adjustment round
    # (ONE_ROUND_PER_YEAR neither counts nor blocks it).
    replenishment: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    # 征求属地意见: a head change, or the sitting head moved out or away.
    township_opinion_needed: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    # 组织部's answer to a township's disagreement (why it proceeds, or why it stops).
    opinion_answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    opinion_answered_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    effected_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (
        Index("ix_adjustment_status", "status", "requested_at", "id"),
        Index("ix_adjustment_to_agency", "to_agency_id", "status"),
        Index("ix_adjustment_from_agency", "from_agency_id", "status"),
        Index("ix_adjustment_department", "department_id", "requested_at", "id"),
        Index("ix_adjustment_cadre", "cadre_id", "requested_at"),
        Index("ix_adjustment_requested", "requested_at", "id"),
    )


class ReshuffleReview(Base):
    """三方会审: for a concentrated reshuffle, the organisation department, the staffing office and
    every township concerned each record a decision; the batch runs only when all agree."""

    __tablename__ = "reshuffle_review"

    batch_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    party: Mapped[str] = mapped_column(String(80), primary_key=True)  # ORG_DEPARTMENT | STAFFING_OFFICE | TOWNSHIP:<id>
    decision: Mapped[str | None] = mapped_column(String(10), nullable=True)  # AGREE | DISAGREE
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ReminderBatch(Base):
    """提醒告知单 batch: the staffing office reminds departments that have not sent staff up to quota."""

    __tablename__ = "reminder_batch"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    issued_by: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    deadline: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class ReminderNotice(Base):
    """One department's notice in a batch: vacancies at issue → the department's plan → closed when
    the places are filled (or on the accountability list once the deadline has passed)."""

    __tablename__ = "reminder_notice"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    batch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reminder_batch.id"), index=True)
    department_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("department.id"), index=True)
    vacancies_at_issue: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="OPEN")  # OPEN | ANSWERED | CLOSED
    plan: Mapped[str | None] = mapped_column(Text, nullable=True)
    planned_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    planned_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    replenished: Mapped[int] = mapped_column(Integer, default=0)  # 补员人数
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (Index("ix_reminder_notice_open", "status", "department_id"),)


class RosterSnapshot(Base):
    """清单式锁定: the named roster and the quotas as they stood when a period was locked."""

    __tablename__ = "roster_snapshot"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    period: Mapped[str] = mapped_column(String(20), unique=True)  # e.g. 2026 or 2026-Q4
    locked_by: Mapped[str] = mapped_column(String(64))
    locked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    in_post: Mapped[int] = mapped_column(Integer)
    quota: Mapped[int] = mapped_column(Integer)


class RosterSnapshotEntry(Base):
    __tablename__ = "roster_snapshot_entry"

    snapshot_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("roster_snapshot.id", ondelete="CASCADE"), primary_key=True
    )
    cadre_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    department_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    township_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    agency_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    status: Mapped[str] = mapped_column(String(12))


class RosterSnapshotQuota(Base):
    __tablename__ = "roster_snapshot_quota"

    snapshot_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("roster_snapshot.id", ondelete="CASCADE"), primary_key=True
    )
    agency_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    quota: Mapped[int] = mapped_column(Integer)


class TownshipRecommendation(Base):
    """A township recommends that the department dismiss (调回) or transfer a cadre who will not
    cooperate; the department decides, and acceptance starts an adjustment."""

    __tablename__ = "township_recommendation"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    cadre_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cadre.id"), index=True)
    township_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("township.id"))
    department_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("department.id"))
    kind: Mapped[str] = mapped_column(String(10))  # DISMISS | TRANSFER
    reasons: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="PENDING")  # PENDING | ACCEPTED | DECLINED
    recommended_by: Mapped[str] = mapped_column(String(64))
    recommended_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decision_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    adjustment_batch_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), nullable=True)

    __table_args__ = (Index("ix_township_recommendation_department", "department_id", "status"),)


class Posting(Base):
    """任职经历: where a cadre has been stationed, from when to when, in which role."""

    __tablename__ = "posting"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    cadre_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cadre.id"), index=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"))
    township_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("township.id"))
    role: Mapped[str] = mapped_column(String(10), default="MEMBER")  # HEAD | DEPUTY | MEMBER
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class TrainingPlan(Base):
    """年度培训计划: a department's (or a township's) yearly plan for its stationed staff."""

    __tablename__ = "training_plan"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    owner_kind: Mapped[str] = mapped_column(String(12))  # DEPARTMENT | TOWNSHIP
    owner_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    filed_by: Mapped[str] = mapped_column(String(64))
    filed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (Index("uq_training_plan_owner_year", "owner_kind", "owner_id", "year", unique=True),)


class TrainingSession(Base):
    """集中轮训 / 案件会商 / 其他培训, with attendance per cadre."""

    __tablename__ = "training_session"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("training_plan.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # ROTATION_TRAINING | CASE_CONSULTATION | OTHER
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[dt.date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(64))


class Attendance(Base):
    __tablename__ = "attendance"

    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("training_session.id", ondelete="CASCADE"), primary_key=True
    )
    cadre_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cadre.id"), primary_key=True, index=True)
    present: Mapped[bool] = mapped_column(Boolean)


class MentoringPair(Base):
    """青蓝工程: an experienced cadre mentors a newer one of the same department."""

    __tablename__ = "mentoring_pair"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    department_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("department.id"), index=True)
    mentor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cadre.id"))
    mentee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cadre.id"), unique=True)
    started_on: Mapped[dt.date] = mapped_column(Date)


class CareerRecommendation(Base):
    """双向推荐: the department or the township recommends a cadre for promotion or the reserve
    pool; the organisation department decides."""

    __tablename__ = "career_recommendation"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    cadre_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cadre.id"), index=True)
    side: Mapped[str] = mapped_column(String(12))  # DEPARTMENT | TOWNSHIP
    target: Mapped[str] = mapped_column(String(12))  # PROMOTION | RESERVE
    reasons: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="PENDING")  # PENDING | APPROVED | DECLINED
    recommended_by: Mapped[str] = mapped_column(String(64))
    recommended_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decision_note: Mapped[str | None] = mapped_column(Text, nullable=True)


class MiddlePost(Base):
    """双向任职: a stationed cadre holds (or concurrently holds) a township middle-management post,
    with the department's consent."""

    __tablename__ = "middle_post"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    cadre_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cadre.id"), index=True)
    township_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("township.id"))
    post: Mapped[str] = mapped_column(String(100))
    concurrent: Mapped[bool] = mapped_column(Boolean, default=True)  # 兼任
    status: Mapped[str] = mapped_column(String(10), default="PROPOSED")  # PROPOSED | HELD | DECLINED | ENDED
    proposed_by: Mapped[str] = mapped_column(String(64))
    consented_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    start_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class AssessmentResult(Base):
    """年度考核结果 in the cadre's file, recorded from the assessment service's approved results."""

    __tablename__ = "assessment_result"

    cadre_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cadre.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    grade: Mapped[str | None] = mapped_column(String(20), nullable=True)
    cycle_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
