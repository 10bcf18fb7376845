"""The report files: Word (公文 style), Excel (one sheet per figure group, with the
items behind the numbers) and JSON (spec/metrics.md). They only format what the
meter computed."""

import datetime as dt
import io
import json
from collections.abc import Callable

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from jianfu.meter.periods import describe
from jianfu.meter.selectors import item_rows, item_titles
from jianfu.meter.stats import FIGURE_KEYS, Stats
from jianfu.reports import text
from jianfu.reports.labels import FIGURE_GROUPS, KIND_LABELS, VERDICT_LABELS, code_label, figure_label

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
STATUS_LABELS = {"issued": "已发布", "closed": "已办结", "merged": "已合并", "rejected": "已否决", "returned": "已退回"}

Progress = Callable[[str], None]


def _noop(_: str) -> None:
    return None


def to_json(stats: Stats) -> bytes:
    return json.dumps(stats.as_json(), ensure_ascii=False, indent=2, default=str).encode("utf-8")


# --------------------------------------------------------------------------- Word


def _font(run, name: str, size: float, *, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    # Word picks the East-Asian font from w:eastAsia; without it Chinese falls back to the theme font.
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        rfonts.set(qn(attr), name)


def _para(doc, content: str, font: str = BODY_FONT, size: float = 16, *, bold=False, indent=True, align=None):
    p = doc.add_paragraph()
    p.paragraph_format.line_spacing = Pt(28)
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    _font(p.add_run(content), font, size, bold=bold)
    return p


def _table(doc, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, value in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(value), HEADING_FONT, 11)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(str(value)), BODY_FONT, 11)


def _day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def to_docx(stats: Stats, *, progress: Progress = _noop, with_charts: bool = True) -> bytes:
    from jianfu.reports.charts import charts

    titles = item_titles(text.item_ids_needing_titles(stats))
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    _para(
        doc,
        f"关于{describe(stats.period)}整治形式主义为基层减负工作情况的报告",
        TITLE_FONT,
        22,
        bold=True,
        indent=False,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    _para(
        doc,
        f"（统计期间：{_day(stats.period.start)}至{_day(stats.period.end)}，"
        f"与{_day(stats.previous.start)}至{_day(stats.previous.end)}同比）",
        SUBHEADING_FONT,
        14,
        indent=False,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    progress("撰写正文")
    chart_images = charts(stats) if with_charts else []
    for sec in text.compose(stats, titles):
        _para(doc, sec.heading, HEADING_FONT, 16).paragraph_format.keep_with_next = True
        for paragraph in sec.paragraphs:
            _para(doc, paragraph)
        for sub in sec.subsections:
            p = _para(doc, sub.heading, SUBHEADING_FONT, 16, bold=True)
            for paragraph in sub.paragraphs:
                run = p.add_run(paragraph)
                _font(run, BODY_FONT, 16)
        if sec.heading.startswith("二、") and chart_images:
            progress("插入图表")
            for caption, png in chart_images:
                doc.add_picture(io.BytesIO(png), width=Cm(15))
                doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
                _para(doc, caption, HEADING_FONT, 12, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)

    progress("附表")
    doc.add_page_break()
    _para(doc, "附表1 主要指标同比情况", HEADING_FONT, 14, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _table(doc, ["指标", "本期", "去年同期", "同比"], text.figure_table(stats, FIGURE_KEYS))
    top = stats.details["top_units"]
    if top:
        _para(doc, "附表2 负担工时最高的10个基层单位", HEADING_FONT, 14, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
        _table(
            doc,
            ["序号", "单位", "本期工时", "去年同期", "同比"],
            [
                [
                    str(i),
                    u["name"],
                    text.num(u["current"]),
                    text.num(u["previous"]),
                    "—" if u["change_pct"] is None else f"{text.num(u['change_pct'])}%",
                ]
                for i, u in enumerate(top, 1)
            ],  # fmt: skip
        )
    codes = [r for r in stats.details["findings_by_code"] if r["current"]]
    if codes:
        _para(doc, "附表3 前置审核发现问题", HEADING_FONT, 14, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
        _table(
            doc,
            ["问题", "代码", "本期事项数", "去年同期"],
            [[code_label(r["code"]), r["code"], str(r["current"]), str(r["previous"])] for r in codes],
        )
    _para(
        doc,
        "说明：负担工时按标准成本法（每单位每次工时×次数×对象单位数）测算，参数见平台“测算方法”页面；"
        "同比增减幅度为（本期−去年同期）÷去年同期×100%，去年同期为零的记为“—”。",
        BODY_FONT,
        12,
    )
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- Excel

ITEM_HEADER = ["指标", "期间", "编号", "标题", "类型", "日期", "发起单位", "状态", "负担工时"]


def to_xlsx(stats: Stats, *, progress: Progress = _noop) -> bytes:
    """Needs stats computed with keep_members=True: the item lists behind the numbers."""
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    wanted = [pk for figure in stats.members.values() for ids in figure.values() for pk in ids]
    progress("读取明细")
    rows = item_rows(wanted)
    hours = stats.item_hours

    def header(ws, values):
        cells = []
        for v in values:
            from openpyxl.cell import WriteOnlyCell

            c = WriteOnlyCell(ws, value=v)
            c.font = bold
            c.alignment = Alignment(horizontal="center")
            cells.append(c)
        ws.append(cells)

    ws = wb.create_sheet("总表")
    ws.append([f"{describe(stats.period)}基层减负统计（{stats.period.label}，同比{stats.previous.label}）"])
    header(ws, ["指标", "代码", "本期", "去年同期", "同比（%）"])
    for key, fig in stats.figures.items():
        ws.append([figure_label(key), key, fig["current"], fig["previous"], fig["change_pct"]])

    for group, keys in FIGURE_GROUPS.items():
        progress(f"工作表：{group}")
        ws = wb.create_sheet(group)
        header(ws, ["指标", "代码", "本期", "去年同期", "同比（%）"])
        for key in keys:
            fig = stats.figures[key]
            ws.append([figure_label(key), key, fig["current"], fig["previous"], fig["change_pct"]])
        ws.append([])
        header(ws, ITEM_HEADER)
        for key in keys:
            for which, label in (("current", stats.period.label), ("previous", stats.previous.label)):
                for pk in stats.members.get(key, {}).get(which, []):
                    row = rows.get(pk)
                    if row is None:
                        continue
                    title, kind, date, issuer, status = row
                    ws.append(
                        [figure_label(key), label, pk, title, KIND_LABELS.get(kind, kind),
                         date.isoformat() if isinstance(date, dt.date) else date, issuer,
                         STATUS_LABELS.get(status, status), round(hours.get(which, {}).get(pk, 0.0), 2)]
                    )  # fmt: skip

    progress("工作表：基层单位工时")
    ws = wb.create_sheet("基层单位工时")
    kinds = list(KIND_LABELS)
    header(ws, ["单位", "类型", "本期工时", "去年同期", "同比（%）", *[KIND_LABELS[k] for k in kinds]])
    for u in stats.details["units"]:
        ws.append(
            [
                u["name"],
                u["kind"],
                u["current"],
                u["previous"],
                u["change_pct"],
                *[u["by_kind"].get(k, 0) for k in kinds],
            ]
        )
    ws = wb.create_sheet("审核发现")
    header(ws, ["问题", "代码", "本期事项数", "去年同期"])
    for r in stats.details["findings_by_code"]:
        ws.append([code_label(r["code"]), r["code"], r["current"], r["previous"]])
    ws.append([])
    header(ws, ["审核结论", "本期占比（%）", "去年同期占比（%）"])
    for v, label in VERDICT_LABELS.items():
        ws.append(
            [label, stats.details["verdict_shares"]["current"][v], stats.details["verdict_shares"]["previous"][v]]
        )
    ws = wb.create_sheet("年度总量")
    header(ws, ["单位", "类型", "年度总量", "已用", "使用率（%）", "是否超出"])
    for q in stats.details["quota_use"]:
        ws.append([q["name"], KIND_LABELS.get(q["kind"], q["kind"]), q["quota"], q["used"], q["use_pct"],
                   "是" if q["over"] else "否"])  # fmt: skip
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
