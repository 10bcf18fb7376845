from jianfu.ledger.io import run_import
from jianfu.ledger.tests.io_files import csv_file, messages
from jianfu.org.models import AuditEvent, Unit, UnitAlias, UnitKind

HEADER = ["名称", "类型", "上级单位", "别名"]


def units(*rows, header=HEADER):
    return csv_file([header, *rows])


def test_units_import_resolves_a_parent_defined_later_in_the_file(db):
    result = run_import(
        "units",
        units(["青山村", "村", "青山镇", ""], ["青山镇", "乡镇", "示范区", "青山;青山乡"], ["示范区", "区", "", ""]),
        filename="units.csv",
    )
    assert result.ok, messages(result)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    village = Unit.objects.get(name="青山村")
    assert village.kind == UnitKind.VILLAGE
    assert village.parent.name == "青山镇"
    assert village.parent.parent.name == "示范区"
    assert sorted(village.parent.alias_list()) == ["青山", "青山乡"]
    assert AuditEvent.objects.filter(action="import.units").count() == 1
    assert AuditEvent.objects.filter(action="unit.create").count() == 3


def test_reimporting_units_changes_nothing_and_a_changed_type_is_an_update(db):
    rows = [["示范区", "区", "", ""], ["青山镇", "乡镇", "示范区", "青山"]]
    run_import("units", units(*rows), filename="u.csv")
    again = run_import("units", units(*rows), filename="u.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Unit.objects.count() == 2
    changed = run_import(
        "units", units(["示范区", "区", "", ""], ["青山镇", "街道", "示范区", "青山"]), filename="u.csv"
    )
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    assert Unit.objects.get(name="青山镇").kind == UnitKind.STREET


def test_english_headers_and_unit_kind_codes_are_accepted_and_unknown_columns_ignored(db):
    result = run_import(
        "units",
        csv_file([["name", "type", "备注"], ["区教育局", "department", "随便写"], ["区减负办", "office", ""]]),
        filename="u.csv",
    )
    assert result.ok, messages(result)
    assert Unit.objects.get(name="区教育局").kind == UnitKind.DEPARTMENT


def test_absent_alias_column_keeps_stored_aliases(db):
    run_import("units", units(["青山镇", "乡镇", "", "青山"]), filename="u.csv")
    run_import("units", csv_file([["名称", "类型"], ["青山镇", "乡镇"]]), filename="u.csv")
    assert list(UnitAlias.objects.values_list("alias", flat=True)) == ["青山"]


def test_missing_type_column_is_named(db):
    result = run_import("units", csv_file([["名称"], ["青山镇"]]), filename="u.csv")
    assert messages(result) == ["第1行 类型: 缺少必填列“类型”（或英文列名 type）"]


def test_every_bad_unit_row_is_reported_and_nothing_is_written(db):
    result = run_import(
        "units",
        units(
            ["示范区", "区", "", ""],
            ["", "乡镇", "", ""],
            ["青山镇", "镇", "示范区", ""],
            ["河西街道", "街道", "火星区", ""],
            ["示范区", "区", "", ""],
            ["丙", "村", "丙", ""],
        ),
        filename="u.csv",
    )
    assert messages(result) == [
        "第3行 名称: 不能为空",
        "第4行 类型: 未知的类型“镇”（可填：区/减负办/区直部门/乡镇/街道/村/社区/学校）",
        "第5行 上级单位: 未知单位“火星区”（文件和系统中都没有）",
        "第6行 名称: 与第2行重复",
        "第7行 上级单位: 上级单位不能是自身",
    ]
    assert Unit.objects.count() == 0


def test_a_parent_cycle_is_reported(db):
    result = run_import("units", units(["甲", "村", "乙", ""], ["乙", "村", "甲", ""]), filename="u.csv")
    assert messages(result) == ["第2行 上级单位: 上级单位形成循环：甲 → 乙 → 甲"]
    assert Unit.objects.count() == 0


def test_an_alias_taken_by_another_stored_unit_rolls_back_the_whole_file(db):
    run_import("units", units(["青山镇", "乡镇", "", "青山"]), filename="u.csv")
    result = run_import("units", units(["示范区", "区", "", ""], ["青山村", "村", "", "青山"]), filename="u.csv")
    assert messages(result) == ["第3行 名称: 别名“青山”已属于单位“青山镇”"]
    assert not Unit.objects.filter(name="示范区").exists()
