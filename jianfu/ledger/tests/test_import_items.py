import datetime as dt

import pytest

from jianfu.gate import index as gate_index
from jianfu.ledger.choices import Frequency, Kind, MeetingMode, Status
from jianfu.ledger.io import run_import
from jianfu.ledger.models import Item, ItemTarget
from jianfu.ledger.tests.io_files import csv_file, messages
from jianfu.org.models import AuditEvent, UnitAlias

HEADER = [
    "类型", "标题", "发起单位", "对象单位", "日期", "状态", "正文", "文号", "政策性文件",
    "时长分钟", "方式", "类别", "字段", "频次", "上级来文", "编号",
]  # fmt: skip


def row(**cells):
    """A full row from the columns that matter to the test."""
    base = {"类型": "发文", "标题": "关于开展安全生产检查的通知", "发起单位": "区应急管理局", "日期": "2025-11-20"}
    base.update(cells)
    return [base.get(h, "") for h in HEADER]


def items_file(*rows, header=HEADER):
    return csv_file([header, *rows], name="items.csv")


@pytest.fixture
def indexed(monkeypatch):
    calls = []
    monkeypatch.setattr(gate_index, "index_items", lambda ids: calls.append(sorted(ids)))
    return calls


def test_a_good_file_mixing_kinds_writes_every_field(district, indexed, django_capture_on_commit_callbacks):
    UnitAlias.objects.create(unit=district["township"], alias="青山")
    rows = [
        row(
            正文="各镇（街道）：\n 现将有关事项通知如下。",
            对象单位="青山; 河西街道",
            文号="X应急〔2025〕1号",
            政策性文件="是",
        ),
        row(类型="meeting", 标题="安全生产调度会", 对象单位="青山镇、青山村", 时长分钟="120", 方式="视频", 状态="草稿"),
        row(类型="督查检查考核", 标题="消防检查", 类别="检查", 日期="2025/12/01"),
        row(类型="报表", 标题="低保户统计", 字段="户籍人口数、低保户数", 频次="每月", 状态="approved"),
        row(标题="省里的文件", 上级来文="是", 编号="SJ-1", 发起单位="区减负办"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        result = run_import("items", items_file(*rows), filename="items.csv")
    assert result.ok, messages(result)
    assert (result.created, result.updated, result.unchanged) == (5, 0, 0)

    doc = Item.objects.get(title="关于开展安全生产检查的通知")
    assert doc.kind == Kind.DOCUMENT and doc.status == Status.ISSUED
    assert doc.issued_on == dt.date(2025, 11, 20) and doc.year == 2025
    assert doc.chars == len("各镇（街道）：现将有关事项通知如下。")
    assert doc.number == "X应急〔2025〕1号" and doc.is_policy
    assert sorted(doc.targets.values_list("name", flat=True)) == ["河西街道", "青山镇"]
    assert not doc.targets_all
    assert set(ItemTarget.objects.filter(item=doc).values_list("kind", "date")) == {(Kind.DOCUMENT, doc.date)}

    meeting = Item.objects.get(title="安全生产调度会")
    assert (meeting.kind, meeting.duration_minutes, meeting.mode) == (Kind.MEETING, 120, MeetingMode.VIDEO)
    assert meeting.status == Status.DRAFT and meeting.issued_on is None

    inspection = Item.objects.get(title="消防检查")
    assert inspection.category == "检查" and inspection.date == dt.date(2025, 12, 1)
    assert inspection.targets_all and not inspection.target_links.exists()

    report = Item.objects.get(title="低保户统计")
    assert report.fields == ["户籍人口数", "低保户数"] and report.frequency == Frequency.MONTHLY
    assert report.status == Status.APPROVED

    upper = Item.objects.get(ref="SJ-1")
    assert upper.is_upper_level and upper.issuer == district["office"]

    assert AuditEvent.objects.filter(action="import.items").count() == 1
    assert indexed == [sorted(Item.objects.values_list("pk", flat=True))]


def test_every_kind_of_bad_cell_is_reported_with_its_row_and_nothing_is_written(district):
    rows = [
        row(),
        row(类型="通知", 标题="甲"),
        row(标题=""),
        row(标题="乙", 发起单位="区火星局"),
        row(标题="丙", 对象单位="青山镇;月亮村;太阳村"),
        row(标题="丁", 日期="2025-02-30"),
        row(标题="戊", 状态="已发"),
        row(标题="己", 政策性文件="可能"),
        row(标题="庚", 时长分钟="两小时"),
        row(标题="辛", 方式="线上"),
        row(标题="壬", 频次="每两周"),
        row(标题="癸", 类别="暗访"),
        row(标题="长" * 301),
        row(),
    ]
    result = run_import("items", items_file(*rows), filename="items.csv")
    kinds = "发文/会议/督查检查考核/报表/属地任务/进校园/评比创建/政务应用"
    assert messages(result) == [
        f"第3行 类型: 未知的类型“通知”（可填：{kinds}）",
        "第4行 标题: 不能为空",
        "第5行 发起单位: 未知单位“区火星局”（请先导入单位，或检查名称与别名）",
        "第6行 对象单位: 未知单位“月亮村”、“太阳村”",
        "第7行 日期: “2025-02-30”不是有效日期（应为 2025-11-20 这样的格式）",
        "第8行 状态: 未知的状态“已发”（可填：草稿/已提交/已批准/已退回/已否决/已合并/已发布/已办结）",
        "第9行 政策性文件: “可能”应为“是”或“否”",
        "第10行 时长分钟: “两小时”不是整数",
        "第11行 方式: 未知的方式“线上”（可填：现场/视频/混合）",
        "第12行 频次: 未知的频次“每两周”（可填：一次/每日/每周/每月/每季/每年）",
        "第13行 类别: 未知的类别“暗访”（可填：督查/检查/考核/调研）",
        "第14行 标题: 超过300个字符（现有301个）",
        "第15行 标题: 与第2行重复",
    ]
    assert Item.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="import").exists()


def test_reimporting_the_same_file_creates_no_duplicates(district):
    rows = [row(对象单位="青山镇"), row(标题="会议", 类型="会议"), row(标题="有编号", 编号="A-1")]
    run_import("items", items_file(*rows), filename="items.csv")
    again = run_import("items", items_file(*rows), filename="items.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert Item.objects.count() == 3
    assert ItemTarget.objects.count() == 1


def test_a_changed_row_updates_the_stored_item_and_its_targets(district):
    run_import("items", items_file(row(对象单位="青山镇", 正文="短")), filename="items.csv")
    item = Item.objects.get()
    result = run_import(
        "items", items_file(row(对象单位="河西街道、河西社区", 正文="长一些的正文", 状态="已办结")), filename="i.csv"
    )
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    item.refresh_from_db()
    assert item.chars == 6 and item.status == Status.CLOSED
    assert sorted(item.targets.values_list("name", flat=True)) == ["河西社区", "河西街道"]


def test_a_row_with_a_ref_is_matched_on_the_ref_even_when_its_title_changed(district):
    run_import("items", items_file(row(编号="REF-7", 标题="旧标题")), filename="items.csv")
    result = run_import("items", items_file(row(编号="REF-7", 标题="新标题", 日期="2025-12-02")), filename="i.csv")
    assert (result.created, result.updated) == (0, 1)
    item = Item.objects.get()
    assert item.title == "新标题" and item.date == dt.date(2025, 12, 2)


def test_a_date_change_moves_the_denormalised_target_dates(district):
    run_import("items", items_file(row(编号="R", 对象单位="青山镇")), filename="items.csv")
    run_import("items", items_file(row(编号="R", 对象单位="青山镇", 日期="2026-01-05")), filename="items.csv")
    assert list(ItemTarget.objects.values_list("date", flat=True)) == [dt.date(2026, 1, 5)]


def test_status_defaults_to_issued_and_absent_columns_keep_their_defaults(district):
    result = run_import(
        "items",
        csv_file([["类型", "标题", "发起单位", "日期"], ["政务应用", "某APP", "区教育局", "2025-03-01"]]),
        filename="min.csv",
    )
    assert result.ok, messages(result)
    item = Item.objects.get()
    assert item.status == Status.ISSUED and item.targets_all and item.issued_on == dt.date(2025, 3, 1)


def test_missing_required_item_columns_are_all_named(district):
    result = run_import("items", csv_file([["标题", "正文"], ["甲", "乙"]]), filename="x.csv")
    assert [e.column for e in result.errors] == ["类型", "发起单位", "日期"]
    assert all(e.row == 1 for e in result.errors)


def test_dry_run_counts_but_writes_nothing(district):
    result = run_import("items", items_file(row()), filename="items.csv", dry_run=True)
    assert result.ok and result.created == 1
    assert Item.objects.count() == 0


def test_progress_is_reported_while_checking_and_writing(district):
    seen = []
    run_import("items", items_file(row(), row(标题="乙")), filename="items.csv", progress=lambda *a: seen.append(a))
    assert ("检查", 2, 2) in seen and ("写入", 2, 2) in seen


def test_the_bulk_path_stores_what_create_item_stores(district, personas):
    from jianfu.ledger import services
    from jianfu.ledger.choices import InspectionCategory

    clerk = personas["clerk_a"]
    run_import(
        "items",
        items_file(
            row(
                类型="报表",
                对象单位="青山镇;河西街道",
                正文="正文\n内容",
                文号="X1",
                政策性文件="是",
                时长分钟="30",
                方式="现场",
                类别="检查",
                字段="甲;乙",
                频次="每周",
                上级来文="否",
                编号="B-1",
            )
        ),
        filename="items.csv",
        by=clerk,
    )
    imported = Item.objects.get(ref="B-1")
    made = services.create_item(
        by=clerk, kind=Kind.DATA_REQUEST, title=imported.title, issuer=district["dept_a"],
        targets=[district["township"], district["street"]], status=Status.ISSUED, date=dt.date(2025, 11, 20),
        body="正文\n内容", number="X1", is_policy=True, duration_minutes=30, mode=MeetingMode.ONSITE,
        category=InspectionCategory.INSPECTION, fields=["甲", "乙"], frequency=Frequency.WEEKLY, ref="B-2",
    )  # fmt: skip
    made.refresh_from_db()
    a, b = services.snapshot(imported), services.snapshot(made)
    assert {k: v for k, v in a.items() if k != "ref"} == {k: v for k, v in b.items() if k != "ref"}
    for name in ("chars", "year", "issued_on", "targets_all", "created_by_id", "status"):
        assert getattr(imported, name) == getattr(made, name), name
    assert imported.created_at is not None and imported.updated_at is not None


def test_a_date_change_without_a_targets_column_keeps_the_targets(district):
    run_import("items", items_file(row(编号="R", 对象单位="青山镇;河西街道")), filename="items.csv")
    header = ["类型", "标题", "发起单位", "日期", "编号"]
    result = run_import(
        "items",
        csv_file([header, ["发文", "关于开展安全生产检查的通知", "区应急管理局", "2026-02-01", "R"]]),
        filename="items.csv",
    )
    assert result.updated == 1
    assert sorted(ItemTarget.objects.values_list("unit__name", "date")) == [
        ("河西街道", dt.date(2026, 2, 1)),
        ("青山镇", dt.date(2026, 2, 1)),
    ]


def test_two_rows_pointing_at_the_same_stored_item_are_refused(district):
    run_import("items", items_file(row(编号="R1")), filename="items.csv")
    result = run_import("items", items_file(row(编号="R1", 标题="改名"), row(编号="")), filename="items.csv")
    assert messages(result) == ["第3行 编号: 与第2行对应同一个已有事项（编号或类型、标题、发起单位、日期相同）"]
    assert Item.objects.get().title == "关于开展安全生产检查的通知"


def test_a_body_keeps_its_indentation_while_other_cells_are_trimmed(district):
    result = run_import(
        "items",
        items_file(row(标题="  甲  ", 正文="\u3000\u3000各镇：\n  一、要求\n", 发起单位=" 区应急管理局 ")),
        filename="items.csv",
    )
    assert result.ok, messages(result)
    item = Item.objects.get()
    assert item.title == "甲" and item.body == "\u3000\u3000各镇：\n  一、要求\n"


def test_a_large_import_refreshes_the_planner_statistics(
    district, indexed, monkeypatch, django_capture_on_commit_callbacks
):
    from django.db import connection

    from jianfu.ledger.io import runner

    if connection.vendor != "postgresql":
        pytest.skip("planner statistics are refreshed on PostgreSQL only")
    monkeypatch.setattr(runner, "ANALYZE_AFTER", 3)
    rows = [row(标题=f"关于开展第{n}次安全检查的通知", 编号=f"S-{n}") for n in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        assert run_import("items", items_file(*rows), filename="items.csv").ok
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Item._meta.db_table])
        assert cursor.fetchone()[0] == Item.objects.count()


def test_items_built_positionally_equal_those_built_by_keyword():
    from jianfu.ledger.io.items import new_items

    def attributes(item):
        return {f.attname: getattr(item, f.attname) for f in Item._meta.concrete_fields if f.attname != "created_at"}

    values = {
        "kind": Kind.MEETING,
        "title": "调度会",
        "issuer_id": 7,
        "date": dt.date(2025, 3, 4),
        "duration_minutes": 60,
        "created_by_id": None,
        "fields": ["户籍人口数"],
    }
    first, second = new_items([values, {**values, "fields": None}])
    expected = Item(**values)
    assert attributes(first) == attributes(expected)
    assert first._state.adding and first.pk is None
    # Defaults made anew for each item are not shared between them.
    assert first.resources == [] and first.resources is not second.resources
    assert first.created_at is not None and second.fields is None
    with pytest.raises(KeyError):
        new_items([{"issuer": 7}])


def test_bulk_insert_prepares_repeated_values_once_and_keeps_each_rows_own(district):
    from jianfu.ledger.io.items import _insert_items, new_items

    issuer = district["dept_a"].pk
    start = dt.datetime(2025, 3, 4, 9, 0, tzinfo=dt.UTC)
    base = {"kind": Kind.MEETING, "title": "会", "issuer_id": issuer, "date": dt.date(2025, 3, 4), "year": 2025}
    rows = [
        {**base, "starts_at": start, "fields": [], "app_demands": ["photo"], "duration_minutes": 1},
        {**base, "starts_at": start, "fields": ["户籍人口数"], "app_demands": [], "duration_minutes": 60},
        {**base, "starts_at": start + dt.timedelta(hours=1), "fields": ["户籍人口数"], "resources": [{"a": 1}]},
    ]
    items = new_items(rows)
    _insert_items(items)
    stored = list(
        Item.objects.filter(pk__in=[i.pk for i in items])
        .order_by("pk")
        .values_list("starts_at", "fields", "app_demands", "resources", "duration_minutes", "updated_at")
    )
    assert [r[:5] for r in stored] == [
        (start, [], ["photo"], [], 1),
        (start, ["户籍人口数"], [], [], 60),
        (start + dt.timedelta(hours=1), ["户籍人口数"], [], [{"a": 1}], None),
    ]
    assert len({r[5] for r in stored}) == 1 and stored[0][5] is not None  # one time stamp for the batch
