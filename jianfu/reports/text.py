"""The report's sentences, written the way the office writes them. Every number
comes from the meter's figures (spec/metrics.md); nothing is computed here."""

import calendar
from dataclasses import dataclass, field
from typing import Any

from jianfu.meter.periods import describe
from jianfu.meter.stats import Stats
from jianfu.reports.labels import KIND_LABELS, VERDICT_LABELS, code_label

NUMERALS = "一二三四五六七八九十"


def num(value: Any) -> str:
    """1234 → 1234, 12.0 → 12, 12.5 → 12.5 (no trailing .0 in prose)."""
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else f"{int(value)}"
    return str(value)


def amount(value: float) -> str:
    """Large totals the way reports write them: 304840 → 30.48万."""
    if abs(value) >= 10000:
        return f"{value / 10000:.2f}".rstrip("0").rstrip(".") + "万"
    return num(value)


def trend(change: float | None, *, down: str = "压减", up: str = "增加") -> str:
    """较去年同期压减22% / 增加5% / 持平 / —."""
    if change is None:
        return "去年同期无可比数据（—）"
    if change < 0:
        return f"较去年同期{down}{num(abs(change))}%"
    if change > 0:
        return f"较去年同期{up}{num(change)}%"
    return "与去年同期持平"


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    subsections: list["Section"] = field(default_factory=list)


def _f(stats: Stats, key: str) -> dict[str, Any]:
    return stats.figures[key]


def as_of(stats: Stats) -> str:
    end = stats.period.end
    if end.day == calendar.monthrange(end.year, end.month)[1]:
        return f"截至{end.month}月底"
    return f"截至{end.month}月{end.day}日"


def compose(stats: Stats, titles: dict[int, tuple]) -> list[Section]:
    """The body of the report: achievements, problems, next steps."""
    f = lambda key: _f(stats, key)  # noqa: E731 - short alias keeps the sentences readable
    d = stats.details
    title = lambda pk: f"《{titles[pk][0]}》" if pk in titles else f"事项{pk}"  # noqa: E731
    sections: list[Section] = []

    overall = Section("一、总体情况")
    overall.paragraphs.append(
        f"{describe(stats.period)}，全区区级层面共向基层下发各类事项"
        f"{sum(v['items']['current'] for v in d['by_kind'].values())}项，按标准成本法测算，基层负担工时合计"
        f"{amount(f('burden_hours')['current'])}小时，{trend(f('burden_hours')['change_pct'])}；"
        f"{d['unit_count']}个基层单位平均每个单位{num(f('burden_hours_per_unit')['current'])}小时，"
        f"{trend(f('burden_hours_per_unit')['change_pct'])}。"
    )
    sections.append(overall)

    done = Section("二、主要成效")
    docs, policy = f("documents"), f("policy_documents")
    meetings, minutes = f("meetings"), f("meeting_avg_minutes")
    documents = Section("（一）精文减会持续深化。")
    documents.paragraphs.append(
        f"{as_of(stats)}，全区区级层面制发文件{docs['current']}件，{trend(docs['change_pct'])}，"
        f"其中政策性文件{policy['current']}件，{trend(policy['change_pct'])}；"
        f"{num(f('short_document_share')['current'])}%的文件篇幅控制在3000字以内。"
        f"召开会议{meetings['current']}个，{trend(meetings['change_pct'])}；"
        f"平均会议时长{num(minutes['current'])}分钟，{trend(minutes['change_pct'], down='压缩', up='延长')}；"
        f"视频会议占比{num(f('video_meeting_share')['current'])}%。"
        f"议事协调机构精简率{num(f('coordination_body_reduction')['current'])}%"
        f"（年初{d['bodies']['current']['at_year_start']}个，期末{d['bodies']['current']['at_end']}个）。"
    )
    done.subsections.append(documents)
    insp = Section("（二）督查检查考核规范有序。")
    categories = "、".join(f"{k}{v['current']}项" for k, v in d["inspections_by_category"].items() if v["current"])
    merged = f("merged_items")
    merged_kinds = "、".join(
        f"{KIND_LABELS.get(k, k)}{v['merged']['current']}项" for k, v in d["by_kind"].items() if v["merged"]["current"]
    )
    insp.paragraphs.append(
        f"开展督查检查考核{f('inspections')['current']}项"
        + (f"（{categories}）" if categories else "")
        + f"，{trend(f('inspections')['change_pct'])}；整合归并各类事项{merged['current']}项"
        + (f"（{merged_kinds}）" if merged_kinds else "")
        + f"，{trend(merged['change_pct'], down='减少', up='增加')}。"
    )
    done.subsections.append(insp)
    data = Section("（三）报表填报持续瘦身。")
    data.paragraphs.append(
        f"下发报表{f('data_requests')['current']}张，{trend(f('data_requests')['change_pct'])}；"
        f"涉及字段{f('data_request_fields')['current']}个，{trend(f('data_request_fields')['change_pct'])}；"
        f"其中{f('shared_fields')['current']}个字段可从共享数据目录直接获取，无需基层重复填报。"
    )
    done.subsections.append(data)
    gate = Section("（四）前置审核和清单管理有效落实。")
    shares = d["verdict_shares"]["current"]
    gate.paragraphs.append(
        f"前置审核各类事项{f('reviews')['current']}项，其中"
        + "、".join(f"{VERDICT_LABELS[v]}{num(shares[v])}%" for v in ("pass", "revise", "block"))
        + f"，审核后修改完善{f('reviews_revised')['current']}项；"
        f"拦截清单外事项{f('off_list_tasks_blocked')['current']}项；"
        f"进校园活动{f('campus_activities')['current']}项，{trend(f('campus_activities')['change_pct'])}；"
        f"期末在用政务应用和工作群{f('apps_live')['current']}个，较年初"
        + (
            f"减少{abs(f('apps_live_change_since_year_start')['current'])}个"
            if f("apps_live_change_since_year_start")["current"] < 0
            else f"增加{f('apps_live_change_since_year_start')['current']}个"
        )
        + "。"
    )
    done.subsections.append(gate)
    channel = Section("（五）监测点直报渠道畅通。")
    if d["channel"]["available"]:
        median = d["channel"]["median_days"]
        channel.paragraphs.append(
            f"减负监测点反映问题{f('channel_reports_received')['current']}件，办结"
            f"{f('channel_reports_resolved')['current']}件，按时办结率{num(f('channel_on_time_rate')['current'])}%"
            + (f"，办结时间中位数{num(float(median))}天" if median is not None else "")
            + f"；发现隐形变异事项{f('channel_hidden_items')['current']}项。"
        )
    else:
        channel.paragraphs.append("监测点直报功能尚未启用，本期无直报数据。")
    done.subsections.append(channel)
    sections.append(done)

    problems = Section("三、存在的问题")
    codes = [r for r in d["findings_by_code"] if r["current"]][:5]
    if codes:
        parts = []
        for r in codes:
            examples = "、".join(title(pk) for pk in r["examples"][:2])
            parts.append(f"“{code_label(r['code'])}”{r['current']}项" + (f"（如{examples}）" if examples else ""))
        problems.paragraphs.append("前置审核发现的问题仍较集中。" + "；".join(parts) + "。")
    hidden = d["channel"].get("hidden_by_form") or {}
    if hidden:
        problems.paragraphs.append(
            "隐形变异问题时有发生。监测点发现"
            + "、".join(f"{k}{v}项" for k, v in hidden.items())
            + "，存在以便笺、工作群通知等方式代替发文的现象。"
        )
    top = d["top_units"][:5]
    if top:
        problems.paragraphs.append(
            "部分基层单位负担仍然较重。负担工时较高的单位为"
            + "、".join(f"{u['name']}（{num(u['current'])}小时）" for u in top)
            + "。"
        )
    over = d["over_quota"]
    if over:
        problems.paragraphs.append(
            "个别部门超出年度总量。"
            + "；".join(
                f"{q['name']}{KIND_LABELS.get(q['kind'], q['kind'])}已达{q['used']}项，超出总量{q['quota']}项"
                for q in over
            )
            + "。"
        )
    if not problems.paragraphs:
        problems.paragraphs.append("本期未发现需要特别关注的突出问题。")
    else:
        problems.paragraphs = ordinals(problems.paragraphs)
    sections.append(problems)

    steps = Section("四、下一步工作")
    merge = d["suggestions"]["merge_data_requests"]
    if merge:
        steps.paragraphs.append(
            "推进报表整合。建议将"
            + "、".join(title(pk) for pk in merge[:5])
            + "等报表中可从共享数据目录获取或与其他报表重复的字段予以归并，做到“一表通”、数据只填一次。"
        )
    video = d["suggestions"]["video_meetings"]
    if video:
        steps.paragraphs.append(
            "推行视频会议。建议"
            + "、".join(f"{title(v['item_id'])}（基层负担{num(v['hours'])}小时）" for v in video[:5])
            + "等现场会议改为视频方式召开，减少基层往返路程时间。"
        )
    if top:
        steps.paragraphs.append(
            f"对{top[0]['name']}等负担较重的单位开展专项调研，逐项梳理事项来源，能合并的坚决合并、能不发的坚决不发。"
        )
    steps.paragraphs.append("严格执行年度计划和总量控制，坚持前置审核全覆盖，持续巩固基层减负成效。")
    steps.paragraphs = ordinals(steps.paragraphs)
    sections.append(steps)
    return sections


def ordinals(paragraphs: list[str]) -> list[str]:
    """一是…二是…三是…, numbered after the fact so a skipped point leaves no gap."""
    return [f"{NUMERALS[i]}是{p}" if i < len(NUMERALS) else p for i, p in enumerate(paragraphs)]


def figure_table(stats: Stats, keys) -> list[list[str]]:
    """Rows of 指标 | 本期 | 去年同期 | 同比, with “—” when there is nothing to compare with."""
    from jianfu.reports.labels import figure_label

    rows = []
    for key in keys:
        fig = stats.figures[key]
        change = fig["change_pct"]
        rows.append(
            [
                figure_label(key),
                num(fig["current"]),
                num(fig["previous"]),
                "—" if change is None else (f"{num(change)}%" if change <= 0 else f"+{num(change)}%"),
            ]
        )
    return rows


def item_ids_needing_titles(stats: Stats) -> list[int]:
    d = stats.details
    ids = [pk for r in d["findings_by_code"][:5] for pk in r["examples"][:2]]
    ids += d["suggestions"]["merge_data_requests"][:5]
    ids += [v["item_id"] for v in d["suggestions"]["video_meetings"][:5]]
    ids += [r["item_id"] for r in d["top_items"]]
    return ids
