"""Excel import and export (openpyxl). Import validates every row and reports per-row errors;
by default nothing is written when any row fails (``ATOMIC``), or the valid rows are written
(``PARTIAL``). Importing is how the staffing office loads the roster from the real-name system
(实名制系统); later changes go through adjustments.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import itertools
import re
import zipfile
from collections import Counter
from dataclasses import dataclass

from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import audit, outbox, spreadsheet
from servicekit.errors import BadInput, Forbidden, RuleViolation
from servicekit.principal import Principal, Role

from . import analytics, events, policy, profile, roster, vacancies
from .models import Agency, Cadre, Department, RosterSnapshot, Township

ROSTER_COLUMNS = ["姓名", "性别", "出生日期", "身份证号", "手机", "业务条线", "部门代码", "乡镇代码", "到岗日期"]
GENDERS = {"男": "MALE", "女": "FEMALE", "MALE": "MALE", "FEMALE": "FEMALE"}
ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
PHONE = re.compile(r"^1\d{10}$")
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024


# What the unpacked file may hold: an .xlsx is a zip of XML parts, and 5 MB of zip can unpack to
# gigabytes (a "zip bomb"). A real roster of MAX_ROWS rows unpacks to a few MB.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_RATIO = 200


def read_rows(content: bytes) -> list[tuple]:
    """The sheet's rows, each cut to the template's columns, at most MAX_ROWS + 1 beyond the header
    (one more than allowed, so the caller can say the file is too long without reading the rest).

    openpyxl's read-only mode pads every row to the sheet's declared ``<dimension>``: a 31 KB file of
    5,000 rows declaring ``A1:XFD1048576`` took ~650 MB. The declared size is ignored
    (``reset_dimensions``), only the template's columns are read, reading stops at the limit, and the
    unpacked size is checked before any XML is parsed."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(i.file_size for i in archive.infolist())
            packed = sum(i.compress_size for i in archive.infolist()) or 1
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise BadInput("无法读取 Excel 文件 (.xlsx)", detail=type(exc).__name__) from exc
    if unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_RATIO:
        raise BadInput("Excel 文件解压后过大", detail=f"{unpacked} bytes unpacked from {packed}")
    try:
        # data_only=False: a formula comes back as its text and is kept as text, never evaluated.
        ws = load_workbook(io.BytesIO(content), read_only=True, data_only=False).active
        ws.reset_dimensions()
        rows = ws.iter_rows(max_col=len(ROSTER_COLUMNS), values_only=True)
        return list(itertools.islice(rows, MAX_ROWS + 2))
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the caller's input
        raise BadInput("无法读取 Excel 文件 (.xlsx)", detail=type(exc).__name__) from exc


def valid_id_number(value: str) -> bool:
    return bool(ID_NUMBER.match(value)) and roster.id_check_digit(value[:17]) == value[17]


@dataclass(frozen=True)
class RowError:
    row: int
    column: str | None
    message: str


def _workbook_bytes(title: str, header: list[str], rows: list[list]) -> bytes:
    return spreadsheet.workbook(title, header, rows)


def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


async def import_roster(
    session: AsyncSession, principal: Principal, content: bytes, *, partial: bool = False
) -> tuple[list[Cadre], list[RowError]]:
    if principal.is_service or not principal.has_role(Role.STAFFING_OFFICE):
        raise Forbidden("名单导入由编办办理")
    # The import is the initial load of the named list. Once a period has been locked (清单式锁定),
    # every arrival is a personnel change: the department submits it (补员) and 组织部 reviews it
    # before it takes effect — an import must not be a way around that chain.
    if locked := await session.scalar(select(func.min(RosterSnapshot.period))):
        raise RuleViolation(
            "IMPORT_AFTER_LOCK",
            f"名单已于 {locked} 期锁定：新增人员须由派驻部门提交调入(补员)，经组织部事前审核后生效",
            detail="after the first lock, arrivals go through submitAdjustments and the organisation department",
        )
    if len(content) > MAX_BYTES:
        raise BadInput(f"文件超过 {MAX_BYTES // 1024 // 1024} MB")
    # Parsing is CPU work of up to a few seconds: off the event loop, so other requests go on.
    rows = await asyncio.to_thread(read_rows, content)
    if not rows or [str(c or "").strip() for c in rows[0][: len(ROSTER_COLUMNS)]] != ROSTER_COLUMNS:
        raise BadInput("表头须为: " + "、".join(ROSTER_COLUMNS))
    body = rows[1:]
    if len(body) > MAX_ROWS:
        raise BadInput(f"一次最多导入 {MAX_ROWS} 行")
    departments = {d.code: d for d in (await session.scalars(select(Department))).all()}
    townships = {t.code: t for t in (await session.scalars(select(Township))).all()}
    agencies = {(a.department_id, a.township_id): a for a in (await session.scalars(select(Agency))).all()}
    known_ids = set((await session.scalars(select(Cadre.id_number).where(Cadre.id_number.is_not(None)))).all())
    occupancy = await vacancies.occupancy(session)
    errors: list[RowError] = []
    valid: list[tuple[int, Cadre]] = []
    seen_ids: Counter = Counter()
    taken: Counter = Counter()
    for n, raw in enumerate(body, start=2):
        cells = dict(zip(ROSTER_COLUMNS, [("" if c is None else c) for c in raw] + [""] * len(ROSTER_COLUMNS)))
        if not any(str(v).strip() for v in cells.values()):
            continue
        row_errors = []

        def bad(column, message, row_errors=row_errors, n=n):  # this row's list, bound now
            row_errors.append(RowError(n, column, message))

        name = str(cells["姓名"]).strip()
        if not name or len(name) > 50:
            bad("姓名", "姓名不能为空且不超过50字")
        gender = GENDERS.get(str(cells["性别"]).strip())
        if gender is None:
            bad("性别", "性别须为 男 或 女")
        birth = _date(cells["出生日期"])
        if birth is None:
            bad("出生日期", "日期格式应为 YYYY-MM-DD")
        id_number = str(cells["身份证号"]).strip().upper()
        if not valid_id_number(id_number):
            bad("身份证号", "身份证号无效 (18位, 校验位不符)")
        elif id_number in known_ids or seen_ids[id_number]:
            bad("身份证号", "该身份证号已在名单中")
        seen_ids[id_number] += 1
        phone = str(cells["手机"]).strip()
        if phone and not PHONE.match(phone):
            bad("手机", "手机号应为11位")
        line = str(cells["业务条线"]).strip()
        if not line or len(line) > 40:
            bad("业务条线", "业务条线不能为空且不超过40字")
        department = departments.get(str(cells["部门代码"]).strip())
        township = townships.get(str(cells["乡镇代码"]).strip())
        if department is None:
            bad("部门代码", "部门代码不存在")
        if township is None:
            bad("乡镇代码", "乡镇代码不存在")
        posted = _date(cells["到岗日期"])
        if posted is None:
            bad("到岗日期", "日期格式应为 YYYY-MM-DD")
        agency = agencies.get((department.id, township.id)) if department and township else None
        if department and township and agency is None:
            bad(None, "该部门在该乡镇没有派驻机构")
        if agency is not None and not row_errors:
            if occupancy[agency.id].available - taken[agency.id] < 1:
                bad(None, f"{agency.name}已无可用员额 (QUOTA_EXCEEDED)")
            else:
                taken[agency.id] += 1
        if row_errors:
            errors += row_errors
            continue
        valid.append(
            (
                n,
                Cadre(
                    name=name,
                    gender=gender,
                    birth_date=birth,
                    id_number=id_number,
                    phone=phone or None,
                    professional_line=line,
                    is_enforcement=agency.is_enforcement,
                    department_id=department.id,
                    township_id=township.id,
                    agency_id=agency.id,
                    posted_on=posted,
                    status="IN_POST",
                ),
            )
        )
    if errors and not partial:
        return [], errors
    created = [c for _, c in valid]
    session.add_all(created)
    await session.flush()
    for cadre in created:
        await profile.open_posting(session, cadre, cadre.posted_on)
        await outbox.emit(
            session,
            events.CADRE_STATIONED,
            aggregate_type="Cadre",
            aggregate_id=cadre.id,
            payload=events.cadre_payload(cadre),
        )
    await audit.record(
        session,
        actor=principal,
        action="roster.import",
        entity_type="Roster",
        entity_id="import",
        after={
            "created": [str(c.id) for c in created],
            "rejected_rows": sorted({e.row for e in errors}),
            "initial_load": True,
        },
        reason=("partial" if partial else "atomic") + " initial load, before the first lock",
    )
    return created, errors


MAX_EXPORT = 20000
AGE_BAND_LABELS = {"YOUNG": "35岁以下", "MIDDLE": "35–49岁", "OLD": "50岁及以上"}


async def export_roster(
    session: AsyncSession, principal: Principal, filter: roster.CadreFilter | None
) -> tuple[bytes, int]:
    """The visible roster, sensitive fields masked as on screen; and how many people it holds."""
    stmt = roster.cadre_query(principal, filter).order_by(Cadre.name, Cadre.id).limit(MAX_EXPORT + 1)
    rows = (await session.scalars(stmt)).all()
    if len(rows) > MAX_EXPORT:
        raise BadInput(f"超过 {MAX_EXPORT} 人，请按部门或乡镇分别导出")
    names = await roster.unit_names(session)

    def mask(c: Cadre, field: str):
        return roster.shown(getattr(c, field), field, policy.manages(principal, c))

    def age(c: Cadre):
        # Those who may not see the birth date get the 老中青 band, as on screen.
        years = roster.age(c.birth_date)
        return years if policy.manages(principal, c) else AGE_BAND_LABELS[analytics.age_band(years)]

    header = [
        "姓名",
        "性别",
        "年龄",
        "身份证号",
        "手机",
        "业务条线",
        "执法人员",
        "部门",
        "乡镇(街道)",
        "派驻机构",
        "到岗日期",
        "状态",
    ]
    return _workbook_bytes(
        "派驻人员名单",
        header,
        [
            [
                c.name,
                "男" if c.gender == "MALE" else "女",
                age(c),
                mask(c, "id_number"),
                mask(c, "phone"),
                c.professional_line,
                "是" if c.is_enforcement else "否",
                names[c.department_id],
                names[c.township_id],
                names[c.agency_id],
                c.posted_on,
                c.status,
            ]
            for c in rows
        ],
    ), len(rows)


def export_table(title: str, header: list[str], rows: list[list]) -> bytes:
    return _workbook_bytes(title, header, rows)


async def export_quota_table(session: AsyncSession, principal: Principal) -> bytes:
    policy.org_reader(principal)
    names = await roster.unit_names(session)
    agencies = (await session.scalars(select(Agency).order_by(Agency.department_id, Agency.township_id))).all()
    occ = await vacancies.occupancy(session)
    return _workbook_bytes(
        "员额表",
        ["部门", "乡镇(街道)", "派驻机构", "员额", "在岗", "已批准待到岗", "可用员额"],
        [
            [
                names[a.department_id],
                names[a.township_id],
                a.name,
                a.quota,
                occ[a.id].in_post,
                occ[a.id].incoming,
                occ[a.id].available,
            ]
            for a in agencies
        ],
    )


async def export_vacancies(session: AsyncSession, principal: Principal) -> bytes:
    policy.org_reader(principal)
    names = await roster.unit_names(session)
    rows = []
    for by, label in (("department", "部门"), ("township", "乡镇(街道)")):
        rows += [
            [label, names[s.key], s.quota, s.in_post, s.vacancy, f"{s.fill_rate:.1%}"]
            for s in await vacancies.summary(session, by)
        ]
    return _workbook_bytes("缺额", ["口径", "名称", "员额", "在岗", "缺额", "到岗率"], rows)
