"""`jianfu import` / `jianfu export`: exit codes 0 and 2, messages naming the file and rows."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from jianfu.cli import main
from jianfu.ledger.models import Item
from jianfu.ledger.tests.io_files import csv_file

HEADER = ["类型", "标题", "发起单位", "对象单位", "日期", "状态", "正文"]


def write_xlsx(path, rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)


def thousand_items(bad_row: int | None = None):
    rows = [HEADER]
    for i in range(1000):
        rows.append(
            ["发文", f"关于第{i}项工作的通知", "区应急管理局", "青山镇;河西街道", "2025-11-20", "已发布", "正文"]
        )
    if bad_row is not None:
        rows[bad_row - 1][2] = "区火星局"
        rows[bad_row - 1][4] = "2025-11-31"
    return rows


def test_an_xlsx_of_1000_items_with_one_bad_row_lists_every_problem_writes_nothing_and_exits_2(district, tmp_path):
    path = tmp_path / "台账.xlsx"
    write_xlsx(path, thousand_items(bad_row=500))
    with pytest.raises(CommandError) as caught:
        call_command("import", "items", str(path))
    assert caught.value.returncode == 2
    message = str(caught.value)
    assert str(path) in message
    assert "第500行 发起单位: 未知单位“区火星局”" in message
    assert "第500行 日期: “2025-11-31”不是有效日期" in message
    assert "2 处问题" in message
    assert Item.objects.count() == 0


def test_a_good_xlsx_of_1000_items_imports_and_exits_0(district, tmp_path):
    path = tmp_path / "台账.xlsx"
    write_xlsx(path, thousand_items())
    out = io.StringIO()
    call_command("import", "items", str(path), stdout=out)
    assert Item.objects.count() == 1000
    assert "新增 1000" in out.getvalue()
    call_command("import", "items", str(path), stdout=io.StringIO())
    assert Item.objects.count() == 1000


def test_the_entry_point_exits_0_on_success_and_2_on_bad_input(district, tmp_path, capsys):
    good = tmp_path / "units.csv"
    good.write_bytes(csv_file([["名称", "类型"], ["新单位", "区直部门"]]).getvalue())
    main(["jianfu", "import", "units", str(good)])  # returns normally: exit code 0
    assert "新增 1" in capsys.readouterr().out

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_file([["名称", "类型"], ["另一单位", "部门"]]).getvalue())
    with pytest.raises(SystemExit) as failed:
        main(["jianfu", "import", "units", str(bad)])
    assert failed.value.code == 2
    err = capsys.readouterr().err
    assert "bad.csv" in err and "第2行 类型" in err


def test_a_missing_file_and_a_missing_column_exit_2(district, tmp_path):
    with pytest.raises(CommandError) as missing:
        call_command("import", "units", str(tmp_path / "nope.csv"))
    assert missing.value.returncode == 2 and "nope.csv" in str(missing.value)
    path = tmp_path / "plan.csv"
    path.write_bytes(csv_file([["年度", "单位"], ["2025", "区教育局"]]).getvalue())
    with pytest.raises(CommandError) as column:
        call_command("import", "plan", str(path))
    assert column.value.returncode == 2
    assert "第1行 类型: 缺少必填列" in str(column.value)


def test_dry_run_writes_nothing(district, tmp_path):
    path = tmp_path / "units.csv"
    path.write_bytes(csv_file([["名称", "类型"], ["新单位", "区直部门"]]).getvalue())
    out = io.StringIO()
    call_command("import", "units", str(path), "--dry-run", stdout=out)
    assert "试导入" in out.getvalue()
    assert not Item.objects.exists()
    from jianfu.org.models import Unit

    assert not Unit.objects.filter(name="新单位").exists()


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_command_writes_by_extension_and_reimports(district, tmp_path, suffix):
    path = tmp_path / f"units.{suffix}"
    out = io.StringIO()
    call_command("export", "units", str(path), stdout=out)
    assert f"{len(district)} 行" in out.getvalue()
    call_command("import", "units", str(path), stdout=out)
    assert f"未变 {len(district)}" in out.getvalue()


def test_export_to_an_unknown_extension_exits_2(db, tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command("export", "units", str(tmp_path / "units.pdf"))
    assert caught.value.returncode == 2


def test_an_unexpected_failure_exits_3(db, tmp_path, monkeypatch):
    import importlib

    command = importlib.import_module("jianfu.ledger.management.commands.import")

    def explode(*args, **kwargs):
        raise RuntimeError("磁盘坏了")

    monkeypatch.setattr(command, "run_import", explode)
    path = tmp_path / "units.csv"
    path.write_bytes(b"a\n")
    with pytest.raises(CommandError) as caught:
        call_command("import", "units", str(path))
    assert caught.value.returncode == 3 and "磁盘坏了" in str(caught.value)
