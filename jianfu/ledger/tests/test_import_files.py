"""The file formats users bring: CSV in UTF-8 (with or without BOM) or GB18030, XLSX."""

import datetime as dt
import io

import pytest

from jianfu.ledger.io import run_import
from jianfu.ledger.models import CampusWhitelistEntry, Item
from jianfu.ledger.tests.io_files import csv_file, messages, xlsx_file
from jianfu.org.models import Unit

UNITS = [["名称", "类型", "上级单位"], ["示范区", "区", ""], ["青山镇", "乡镇", "示范区"]]


@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-8", False), ("utf-8", True), ("gb18030", False)], ids=["utf8", "bom", "gb18030"]
)
def test_csv_reads_in_every_accepted_encoding(db, encoding, bom):
    result = run_import("units", csv_file(UNITS, encoding=encoding, bom=bom), filename="units.csv")
    assert result.ok, messages(result)
    assert Unit.objects.get(name="青山镇").parent.name == "示范区"


def test_a_file_path_is_accepted_as_well_as_a_file_object(db, tmp_path):
    path = tmp_path / "单位.csv"
    path.write_bytes(csv_file(UNITS, encoding="gb18030").getvalue())
    result = run_import("units", path)
    assert result.ok and result.filename == "单位.csv"


def test_xlsx_first_sheet_with_typed_cells(district):
    book = xlsx_file(
        [
            ["类型", "标题", "发起单位", "日期", "时长分钟", "政策性文件"],
            ["会议", "调度会", "区应急管理局", dt.datetime(2025, 11, 3), 90, "否"],
            ["发文", "通知", "区应急管理局", dt.date(2025, 11, 4), None, True],
        ]
    )
    result = run_import("items", book, filename="items.xlsx")
    assert result.ok, messages(result)
    meeting = Item.objects.get(title="调度会")
    assert meeting.date == dt.date(2025, 11, 3) and meeting.duration_minutes == 90
    assert Item.objects.get(title="通知").is_policy


def test_xlsx_numbers_read_as_integers(db):
    result = run_import(
        "campus-whitelist", xlsx_file([["年度", "活动", "每学期上限"], [2025, "防溺水教育", 2.0]]), filename="w.xlsx"
    )
    assert result.ok, messages(result)
    assert CampusWhitelistEntry.objects.get().per_semester == 2


def test_header_with_english_alias_in_brackets_and_required_marks(db):
    result = run_import("units", csv_file([["*名称[name]", "类型(type)"], ["示范区", "区"]]), filename="u.csv")
    assert result.ok, messages(result)


def test_blank_lines_are_skipped_but_row_numbers_stay_those_users_see(db):
    result = run_import(
        "units", csv_file([["名称", "类型"], ["示范区", "区"], ["", ""], ["青山镇", "镇"]]), filename="u.csv"
    )
    assert messages(result) == ["第4行 类型: 未知的类型“镇”（可填：区/减负办/区直部门/乡镇/街道/村/社区/学校）"]


def test_a_quoted_cell_with_line_breaks_counts_as_one_row(district):
    result = run_import(
        "items",
        csv_file(
            [
                ["类型", "标题", "发起单位", "日期", "正文"],
                ["发文", "甲", "区教育局", "2025-1-2", "第一段\n第二段"],
                ["发文", "乙", "区教育局", "坏日期", ""],
            ]
        ),
        filename="i.csv",
    )
    assert [e.row for e in result.errors] == [3]


def test_legacy_xls_and_damaged_xlsx_are_refused_with_a_message(db):
    xls = io.BytesIO(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    assert messages(run_import("units", xls, filename="u.xls")) == [
        "文件: 不支持旧版 .xls 文件：请在 Excel 中另存为 .xlsx 或 CSV"
    ]
    broken = run_import("units", io.BytesIO(b"not a workbook"), filename="u.xlsx")
    assert messages(broken) == ["文件: 文件扩展名是 .xlsx，但内容不是 Excel 工作簿"]
    damaged = run_import("units", io.BytesIO(b"PK\x03\x04garbage"), filename="u.xlsx")
    assert damaged.errors[0].row == 0 and damaged.errors[0].problem.startswith("无法读取 XLSX 文件")


def test_undecodable_and_empty_files_are_refused(db):
    assert messages(run_import("units", io.BytesIO(b""), filename="u.csv")) == ["文件: 文件是空的：第1行应为列名"]
    garbage = run_import("units", io.BytesIO(b"\x81\x30\xff\xfe\x00\xff"), filename="u.csv")
    assert garbage.errors[0].problem.startswith("无法识别文件编码")


def test_unknown_kind_is_refused(db):
    from jianfu.ledger.io import UnknownKind

    with pytest.raises(UnknownKind):
        run_import("people", io.BytesIO(b"a\n"), filename="p.csv")
