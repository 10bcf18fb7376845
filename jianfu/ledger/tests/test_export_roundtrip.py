"""Export → import into an emptied database → export again gives the same rows, for every kind."""

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jianfu.gate.models import LexiconEntry
from jianfu.ledger.io import IMPORT_KINDS, export_kind, run_import
from jianfu.ledger.io.tabular import read_table
from jianfu.ledger.models import (
    BodyChange,
    CampusWhitelistEntry,
    CatalogField,
    CoordinationBody,
    DutyEntry,
    Item,
    ItemTarget,
    PlanEntry,
    Quota,
)
from jianfu.ledger.tests.io_files import csv_file, messages
from jianfu.org.models import Unit, UnitAlias

SAMPLES = {
    "units": [
        ["名称", "类型", "上级单位", "别名"],
        ["青山村", "村", "青山镇", ""],
        ["青山镇", "乡镇", "示范区", "青山;青山乡"],
        ["示范区", "区", "", ""],
        ["区教育局", "区直部门", "示范区", ""],
    ],
    "items": [
        [
            "类型",
            "标题",
            "发起单位",
            "对象单位",
            "日期",
            "状态",
            "正文",
            "文号",
            "政策性文件",
            "时长分钟",
            "方式",
            "类别",
            "字段",
            "频次",
            "上级来文",
            "编号",
        ],
        [
            "发文",
            "关于做好防汛工作的通知",
            "区应急管理局",
            "青山镇;河西街道",
            "2025-06-01",
            "已发布",
            '各镇（街道）：\n现将有关事项通知如下，"务必"落实。',
            "X应急〔2025〕3号",
            "是",
            "",
            "",
            "",
            "",
            "",
            "否",
            "",
        ],
        [
            "会议",
            "防汛调度会",
            "区应急管理局",
            "青山镇",
            "2025-06-02",
            "草稿",
            "",
            "",
            "否",
            "90",
            "视频",
            "",
            "",
            "",
            "否",
            "M-1",
        ],
        [
            "督查检查考核",
            "防汛检查",
            "区应急管理局",
            "",
            "2025-06-03",
            "已批准",
            "",
            "",
            "否",
            "",
            "",
            "检查",
            "",
            "",
            "否",
            "",
        ],
        [
            "报表",
            "灾情统计",
            "区应急管理局",
            "青山村;河西社区",
            "2025-06-04",
            "已发布",
            "",
            "",
            "否",
            "",
            "",
            "",
            "受灾人数;转移人数",
            "每日",
            "否",
            "",
        ],
        [
            "发文",
            "省防汛文件",
            "区减负办",
            "",
            "2025-05-30",
            "已发布",
            "上级正文",
            "",
            "否",
            "",
            "",
            "",
            "",
            "",
            "是",
            "UP-1",
        ],
    ],
    "plan": [
        ["年度", "单位", "类型", "计划事项", "总量", "关键词"],
        ["2025", "区应急管理局", "发文", "防汛通知", "12", "防汛;汛期"],
        ["2025", "区应急管理局", "发文", "安全生产通知", "12", ""],
        ["2025", "区教育局", "会议", "", "4", ""],
        ["2024", "区教育局", "督查检查考核", "校园安全检查", "", ""],
    ],
    "duty-list": [
        ["事项", "主责部门", "乡镇职责", "关键词"],
        ["药品安全检查", "区市场监管局", "配合", "药品;检查"],
        ["河道保洁", "区水务局", "日常巡查", ""],
    ],
    "campus-whitelist": [
        ["年度", "活动", "主办单位", "每学期上限"],
        ["2025", "防溺水安全教育", "区教育局", "2"],
        ["2025", "禁毒宣传", "区公安分局", ""],
    ],
    "catalog": [
        ["字段", "同义词", "来源单位", "来源系统", "更新频次"],
        ["户籍人口数", "户籍人口;户籍人数", "区公安分局", "人口库", "每月"],
        ["低保户数", "", "区民政局", "", ""],
    ],
    "bodies": [
        ["名称", "牵头单位", "状态", "变更日期"],
        ["安全生产委员会", "区应急管理局", "保留", ""],
        ["防汛指挥部", "", "撤销", "2025-06-30"],
        ["爱卫会", "区教育局", "合并", "2025-03-01"],
    ],
    "lexicon": [
        ["规则", "词语", "说明"],
        ["PHOTO_VIDEO_DEMAND", "晒图", "新增"],
        ["CHECKIN_DEMAND", "刷脸打卡", ""],
    ],
}


def wipe(*models):
    """Empty these tables as a fresh database would have them. A raw delete, so the
    test does not depend on every other app's tables that merely could refer to them."""
    for model in models:
        qs = model.objects.all()
        qs._raw_delete(qs.db)


WIPE = {
    "units": lambda: (Unit.objects.update(parent=None), wipe(UnitAlias, Unit)),
    "items": lambda: wipe(ItemTarget, Item),
    "plan": lambda: wipe(PlanEntry, Quota),
    "duty-list": lambda: wipe(DutyEntry),
    "campus-whitelist": lambda: wipe(CampusWhitelistEntry),
    "catalog": lambda: wipe(CatalogField),
    "bodies": lambda: wipe(BodyChange, CoordinationBody),
    "lexicon": lambda: wipe(LexiconEntry),
}


def exported(kind: str, fmt: str) -> tuple[bytes, list[list[str]]]:
    out = io.BytesIO()
    export_kind(kind, out, fmt=fmt)
    table = read_table(io.BytesIO(out.getvalue()), f"x.{fmt}")
    return out.getvalue(), [table.headers, *[cells for _, cells in table.rows]]


def test_every_kind_has_a_sample():
    assert set(SAMPLES) == set(IMPORT_KINDS)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", list(SAMPLES))
def test_export_then_import_into_an_empty_database_gives_the_same_rows(request, kind, fmt):
    if kind == "units":
        request.getfixturevalue("db")
    else:
        request.getfixturevalue("district")
        for name in ("区市场监管局", "区水务局", "区公安分局", "区民政局"):
            Unit.objects.create(name=name, kind="department")
    first = run_import(kind, csv_file(SAMPLES[kind]), filename=f"{kind}.csv")
    assert first.ok, messages(first)
    data, rows = exported(kind, fmt)
    assert rows[0] == SAMPLES[kind][0]
    assert len(rows) == len(SAMPLES[kind]) + (0 if kind != "lexicon" else LexiconEntry.objects.count() - 2)

    WIPE[kind]()
    again = run_import(kind, io.BytesIO(data), filename=f"{kind}.{fmt}")
    assert again.ok, messages(again)
    assert again.created == len(rows) - 1
    assert exported(kind, fmt)[1] == rows


def test_csv_export_starts_with_a_bom_so_excel_reads_chinese(db):
    out = io.BytesIO()
    export_kind("units", out, fmt="csv")
    assert out.getvalue().startswith("\ufeff名称,类型,上级单位,别名".encode())


def test_items_export_round_trips_a_body_starting_with_an_equals_sign_as_text(district):
    header = ["类型", "标题", "发起单位", "日期", "正文"]
    run_import("items", csv_file([header, ["发文", "=1+1", "区教育局", "2025-01-02", "=SUM(A1)"]]), filename="i.csv")
    _data, rows = exported("items", "xlsx")
    assert rows[1][1] == "=1+1" and rows[1][6] == "=SUM(A1)"


def test_a_large_csv_export_written_in_pieces_reads_back_whole(db, tmp_path):
    CatalogField.objects.bulk_create([CatalogField(field=f"字段{i:05d}", owner="区统计局") for i in range(4500)])
    path = tmp_path / "catalog.csv"
    assert export_kind("catalog", path, fmt="csv") == 4500
    data = path.read_bytes()
    assert data.count("\ufeff".encode()) == 1
    table = read_table(path, "catalog.csv")
    assert len(table.rows) == 4500 and table.rows[-1][1][0] == "字段04499"


CSV_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60)
# A workbook cannot hold most control characters (the export drops them), so the
# XLSX round trip is checked on the text a workbook can hold.
XLSX_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\t "), max_size=60)


@pytest.mark.parametrize(("fmt", "text"), [("csv", CSV_TEXT), ("xlsx", XLSX_TEXT)])
def test_items_with_any_title_and_body_round_trip(district, fmt, text):
    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(title=text.filter(lambda t: t.strip() and len(t.strip()) <= 300), body=text)
    def check(title, body):
        wipe(ItemTarget, Item)
        header = ["类型", "标题", "发起单位", "日期", "正文"]
        source = io.BytesIO()
        from jianfu.ledger.io.tabular import write_table

        write_table(source, header, [["发文", title, "区教育局", "2025-01-02", body]], fmt)
        first = run_import("items", io.BytesIO(source.getvalue()), filename=f"i.{fmt}")
        assert first.ok, messages(first)
        data, rows = exported("items", fmt)
        wipe(ItemTarget, Item)
        again = run_import("items", io.BytesIO(data), filename=f"i.{fmt}")
        assert again.ok, messages(again)
        assert exported("items", fmt)[1] == rows
        assert Item.objects.get().title == title.strip()

    check()
