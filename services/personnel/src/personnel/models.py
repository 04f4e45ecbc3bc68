"""Tables of the personnel service."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, func
from sqlalchemy.dialects.postgresql import UUID
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


class Township(Base):
    """乡镇(街道)."""

    __tablename__ = "township"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(12))  # TOWN | SUBDISTRICT
    township_class: Mapped[str] = mapped_column(String(4))  # 分类管理: A/B/C


class Agency(Base):
    """派驻机构: one department's unit inside one township."""

    __tablename__ = "agency"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    department_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("department.id"), index=True)
    township_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("township.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    quota: Mapped[int] = mapped_column(Integer)  # 员额
    is_enforcement: Mapped[bool] = mapped_column(Boolean, default=False)


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
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        # Keyset pages of the roster, filtered by the scopes dual management exposes.
        Index("ix_cadre_name_id", "name", "id"),
        Index("ix_cadre_department_name", "department_id", "name", "id"),
        Index("ix_cadre_township_name", "township_id", "name", "id"),
        Index("ix_cadre_agency_name", "agency_id", "name", "id"),
    )
