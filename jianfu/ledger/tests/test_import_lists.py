import datetime as dt

from jianfu.gate.models import LexiconEntry
from jianfu.ledger.choices import BodyStatus, Kind
from jianfu.ledger.io import run_import
from jianfu.ledger.models import (
    BodyChange,
    CampusWhitelistEntry,
    CatalogField,
    CoordinationBody,
    DutyEntry,
    PlanEntry,
    Quota,
)
from jianfu.ledger.tests.io_files import csv_file, messages

PLAN = ["年度", "单位", "类型", "计划事项", "总量", "关键词"]


# --------------------------------------------------------------------------- plan


def test_plan_rows_create_entries_and_quotas_and_a_row_without_title_sets_only_the_quota(district):
    result = run_import(
        "plan",
        csv_file(
            [
                PLAN,
                ["2025", "区应急管理局", "发文", "安全生产大检查通知", "12", "安全生产;检查"],
                ["2025", "区应急管理局", "发文", "防汛工作通知", "12", ""],
                ["2025年", "区应急管理局", "meeting", "", "6", ""],
            ]
        ),
        filename="plan.csv",
    )
    assert result.ok, messages(result)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert PlanEntry.objects.count() == 2
    entry = PlanEntry.objects.get(title="安全生产大检查通知")
    assert entry.keyword_list() == ["安全生产", "检查"] and entry.unit == district["dept_a"]
    quotas = dict(Quota.objects.values_list("kind", "quota"))
    assert quotas == {Kind.DOCUMENT: 12, Kind.MEETING: 6}


def test_reimporting_the_plan_is_unchanged_and_a_new_quota_is_an_update(district):
    rows = [PLAN, ["2025", "区应急管理局", "发文", "安全生产大检查通知", "12", ""]]
    run_import("plan", csv_file(rows), filename="plan.csv")
    again = run_import("plan", csv_file(rows), filename="plan.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    rows[1][4] = "10"
    changed = run_import("plan", csv_file(rows), filename="plan.csv")
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 0)
    assert Quota.objects.get().quota == 10
    assert PlanEntry.objects.count() == 1


def test_bad_plan_rows_are_all_reported(district):
    result = run_import(
        "plan",
        csv_file(
            [
                PLAN,
                ["二〇二五", "区应急管理局", "发文", "甲", "", ""],
                ["2025", "区火星局", "发文", "乙", "", ""],
                ["2025", "区应急管理局", "发文", "", "", ""],
                ["2025", "区应急管理局", "会议", "丙", "5", ""],
                ["2025", "区应急管理局", "会议", "丁", "7", ""],
                ["2025", "区应急管理局", "会议", "戊", "-1", ""],
            ]
        ),
        filename="plan.csv",
    )
    assert messages(result) == [
        "第2行 年度: “二〇二五”不是整数",
        "第3行 单位: 未知单位“区火星局”（请先导入单位，或检查名称与别名）",
        "第4行 总量: 计划事项为空的行须填写总量（只设年度总量）",
        "第6行 总量: 与第5行同一单位、年度、类型的总量（5）不一致",
        "第7行 总量: “-1”超出范围（0～1000000）",
    ]
    assert not PlanEntry.objects.exists() and not Quota.objects.exists()


# --------------------------------------------------------------------------- bodies


BODIES = ["名称", "牵头单位", "状态", "变更日期"]


def test_bodies_import_and_a_status_change_appends_to_the_history(district):
    first = run_import(
        "bodies",
        csv_file([BODIES, ["安全生产委员会", "区应急管理局", "保留", ""], ["防汛指挥部", "", "撤销", "2025-06-30"]]),
        filename="bodies.csv",
    )
    assert first.ok, messages(first)
    body = CoordinationBody.objects.get(name="防汛指挥部")
    assert body.status == BodyStatus.ABOLISHED and body.changed_on == dt.date(2025, 6, 30)
    assert body.status_on(dt.date(2025, 7, 1)) == BodyStatus.ABOLISHED
    assert CoordinationBody.objects.get(name="安全生产委员会").lead == district["dept_a"]
    assert BodyChange.objects.count() == 1

    again = run_import(
        "bodies",
        csv_file([BODIES, ["安全生产委员会", "区应急管理局", "保留", ""], ["防汛指挥部", "", "撤销", "2025-06-30"]]),
        filename="bodies.csv",
    )
    assert (again.updated, again.unchanged) == (0, 2)
    assert BodyChange.objects.count() == 1

    merged = run_import(
        "bodies", csv_file([BODIES, ["安全生产委员会", "区应急管理局", "合并", "2025-09-01"]]), filename="b.csv"
    )
    assert merged.updated == 1
    history = list(BodyChange.objects.filter(body__name="安全生产委员会").values_list("status", "changed_on"))
    assert history == [(BodyStatus.MERGED, dt.date(2025, 9, 1))]


def test_a_merged_or_abolished_body_needs_a_date_and_a_known_status(district):
    result = run_import(
        "bodies",
        csv_file([BODIES, ["甲", "", "撤销", ""], ["乙", "", "解散", ""], ["丙", "区火星局", "", ""]]),
        filename="b.csv",
    )
    assert messages(result) == [
        "第2行 变更日期: 状态为“撤销”时须填写变更日期",
        "第3行 状态: 未知的状态“解散”（可填：保留/合并/撤销）",
        "第4行 牵头单位: 未知单位“区火星局”（请先导入单位，或检查名称与别名）",
    ]
    assert not CoordinationBody.objects.exists()


# --------------------------------------------------------------------------- duty list, whitelist, catalog


def test_duty_list_import_matches_on_the_matter(db):
    header = ["事项", "主责部门", "乡镇职责", "关键词"]
    rows = [header, ["药品安全检查", "区市场监管局", "配合、信息报送", "药品;检查"]]
    first = run_import("duty-list", csv_file(rows), filename="duty.csv")
    assert first.ok and first.created == 1
    entry = DutyEntry.objects.get()
    assert entry.keyword_list() == ["药品", "检查"] and entry.township_role == "配合、信息报送"
    rows[1][2] = "配合"
    second = run_import("duty-list", csv_file(rows), filename="duty.csv")
    assert (second.created, second.updated) == (0, 1)
    assert DutyEntry.objects.get().township_role == "配合"


def test_whitelist_import_keys_on_year_and_activity_and_checks_numbers(db):
    header = ["年度", "活动", "主办单位", "每学期上限"]
    ok = run_import(
        "campus-whitelist",
        csv_file([header, ["2025", "防溺水安全教育", "区教育局", "2"], ["2026", "防溺水安全教育", "区教育局", ""]]),
        filename="w.csv",
    )
    assert ok.ok and CampusWhitelistEntry.objects.count() == 2
    assert CampusWhitelistEntry.objects.get(year=2026).per_semester is None
    bad = run_import(
        "campus-whitelist", csv_file([header, ["2025", "", "", "两次"], ["1990", "甲", "", ""]]), filename="w.csv"
    )
    assert messages(bad) == [
        "第2行 活动: 不能为空",
        "第2行 每学期上限: “两次”不是整数",
        "第3行 年度: “1990”超出范围（2000～2100）",
    ]


def test_catalog_import_keeps_synonyms_as_a_list(db):
    header = ["字段", "同义词", "来源单位", "来源系统", "更新频次"]
    result = run_import(
        "catalog",
        csv_file([header, ["户籍人口数", "户籍人口、户籍人数", "区公安分局", "人口库", "每月"]]),
        filename="c.csv",
    )
    assert result.ok
    assert CatalogField.objects.get().synonym_list() == ["户籍人口", "户籍人数"]


# --------------------------------------------------------------------------- lexicon


def test_lexicon_import_adds_phrases_and_refuses_unknown_rule_codes(db):
    header = ["规则", "词语", "说明"]
    result = run_import(
        "lexicon",
        csv_file([header, ["photo_video_demand", "晒图", "新增"], ["CHECK_IN", "刷脸", ""]]),
        filename="l.csv",
    )
    assert [(e.row, e.column) for e in result.errors] == [(3, "规则")]
    assert "未知的规则代码“CHECK_IN”" in result.errors[0].problem
    assert not LexiconEntry.objects.filter(phrase="晒图").exists()

    good = run_import("lexicon", csv_file([header, ["PHOTO_VIDEO_DEMAND", "晒图", "新增"]]), filename="l.csv")
    assert good.ok and good.created == 1
    assert LexiconEntry.objects.get(phrase="晒图").code == "PHOTO_VIDEO_DEMAND"
