import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document
from openpyxl import load_workbook

from jianfu.meter.stats import FIGURE_KEYS
from jianfu.meter.tests.ledger import EXPECTED, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(district, personas):
    return build(district, personas)


def run(*args) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_json_report_has_the_spec_keys_and_values(ledger, tmp_path):
    path = tmp_path / "q4.json"
    run("--period", "2025Q4", "--format", "json", "-o", str(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["period"] == {"label": "2025Q4", "start": "2025-10-01", "end": "2025-12-31"}
    assert data["previous"]["label"] == "2024Q4"
    for key in FIGURE_KEYS:
        fig = data["figures"][key]
        assert set(fig) == {"current", "previous", "change_pct"}
        assert (fig["current"], fig["previous"], fig["change_pct"]) == EXPECTED[key]


def test_json_report_goes_to_standard_output_by_default(ledger):
    data = json.loads(run("--period", "2025Q4"))
    assert data["figures"]["documents"] == {"current": 3, "previous": 4, "change_pct": -25.0}


def test_word_report_writes_the_offices_sentences_tables_and_charts(ledger, tmp_path):
    path = tmp_path / "q4.docx"
    run("--period", "2025Q4", "-o", str(path))
    doc = Document(str(path))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "关于2025年第四季度整治形式主义为基层减负工作情况的报告" in body
    assert "截至12月底，全区区级层面制发文件3件，较去年同期压减25%，其中政策性文件1件，较去年同期压减50%" in body
    assert "50%的文件篇幅控制在3000字以内" in body
    assert "召开会议2个，较去年同期压减33.3%" in body
    assert "平均会议时长90分钟，较去年同期压缩10%" in body
    assert "议事协调机构精简率50%（年初4个，期末2个）" in body
    for heading in ("一、总体情况", "二、主要成效", "三、存在的问题", "四、下一步工作"):
        assert heading in body
    # problems: finding codes with example items, burdened units, departments over quota
    assert "要求拍照视频留痕" in body and "青山镇（61.1小时）" in body
    assert "区应急管理局发文已达4项，超出总量2项" in body
    # next steps from the data: the onsite meeting to turn into video, the report to merge
    assert f"《{ledger['M2'].title}》" in body and f"《{ledger['R1'].title}》" in body
    table = doc.tables[0]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows}
    assert rows["发文数"] == ["发文数", "3", "4", "-25%"]
    assert rows["视频会议占比（%）"] == ["视频会议占比（%）", "50", "0", "—"]
    assert rows["基层负担工时（小时）"][1:] == ["106", "23.1", "+358.9%"]
    assert len(doc.inline_shapes) == 3  # three charts
    # the body font is 仿宋 for East-Asian text
    sentence = next(r for p in doc.paragraphs for r in p.runs if r.text.startswith("截至12月底"))
    assert 'w:eastAsia="仿宋_GB2312"' in sentence._element.xml
    title = doc.paragraphs[0].runs[0]
    assert title.bold and title.font.size.pt == 22


def test_excel_report_has_a_sheet_per_group_with_the_items_behind(ledger, tmp_path):
    path = tmp_path / "q4.xlsx"
    run("--period", "2025Q4", "--format", "xlsx", "-o", str(path))
    wb = load_workbook(path, read_only=True)
    assert {"总表", "精文减会", "督查检查考核", "报表与数据共享", "前置审核", "基层负担工时", "基层单位工时"} <= set(
        wb.sheetnames
    )
    summary = {r[1]: r for r in wb["总表"].iter_rows(min_row=3, values_only=True)}
    assert summary["documents"][2:] == (3, 4, -25.0)
    listed = [r for r in wb["精文减会"].iter_rows(values_only=True) if r and r[0] == "发文数"]
    titles = {r[3] for r in listed if len(r) > 3 and r[1] == "2025Q4"}
    assert titles == {ledger["D1"].title, ledger["D2"].title, ledger["D3"].title}
    units = {r[0]: r for r in wb["基层单位工时"].iter_rows(min_row=2, values_only=True)}
    assert units["青山镇"][2] == 61.1


@pytest.mark.parametrize("period", ["2025Q5", "last year", "2025-12-01..2025-01-01"])
def test_a_bad_period_exits_with_code_2_and_a_chinese_message(db, period):
    with pytest.raises(CommandError) as err:
        run("--period", period)
    assert err.value.returncode == 2
    assert "期间" in str(err.value)


def test_an_unknown_output_type_is_bad_input(db, tmp_path):
    with pytest.raises(CommandError) as err:
        run("--period", "2025", "-o", str(tmp_path / "report.pdf"))
    assert err.value.returncode == 2


def test_a_missing_font_fails_with_the_make_assets_hint(ledger, tmp_path, monkeypatch):
    from jianfu.reports import charts

    monkeypatch.setattr(charts, "FONT_PATH", tmp_path / "none.ttf")
    charts.cjk_font_name.cache_clear()
    with pytest.raises(CommandError) as err:
        run("--period", "2025Q4", "-o", str(tmp_path / "q4.docx"))
    charts.cjk_font_name.cache_clear()
    assert err.value.returncode == 3
    assert "make assets" in str(err.value)


def test_an_unexpected_failure_exits_with_code_3(ledger, tmp_path, monkeypatch):
    from jianfu.reports.management.commands import report

    def broken(*args, **kwargs):
        raise RuntimeError("数据库不可用")

    monkeypatch.setattr(report, "period_stats", broken)
    with pytest.raises(CommandError) as err:
        run("--period", "2025Q4")
    assert err.value.returncode == 3
    assert "数据库不可用" in str(err.value)


def test_an_empty_ledger_still_gives_a_readable_report(district, tmp_path):
    path = tmp_path / "empty.docx"
    run("--period", "2025", "-o", str(path))
    body = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "制发文件0件，去年同期无可比数据（—）" in body
    assert "本期未发现需要特别关注的突出问题" in body
    run("--period", "2025", "-o", str(tmp_path / "empty.xlsx"))
    assert len(list(load_workbook(tmp_path / "empty.xlsx", read_only=True)["总表"].iter_rows())) > 20


def test_large_totals_are_written_in_wan():
    from jianfu.reports.text import amount

    assert amount(304840.0) == "30.48万"
    assert amount(20000.0) == "2万"
    assert amount(106.0) == "106"
