"""What the dashboard's charts show, as plain JSON-able data built from the meter's
figures (the charts never compute a number of their own)."""

import datetime as dt
from collections import defaultdict
from typing import Any
from urllib.parse import urlencode

from jianfu.meter.periods import Period, parse_period
from jianfu.meter.stats import FIGURE_KEYS, Stats
from jianfu.reports.labels import KIND_LABELS, code_label, figure_label

HEAT_UNITS = 20
TREND_DEPARTMENTS = 6


def drill_url(base: str, period: Period, **params: Any) -> str:
    query = {"period": period.label, **{k: v for k, v in params.items() if v not in (None, "")}}
    return f"{base}?{urlencode(query)}"


def figure_cards(stats: Stats, base: str, channel_url: str | None = None) -> list[dict[str, Any]]:
    keys = list(FIGURE_KEYS) + ["reviews_revised", "apps_live_change_since_year_start", "channel_hidden_items"]
    cards = []
    for key in keys:
        fig = stats.figures[key]
        reports = key in ("channel_reports_received", "channel_reports_resolved")
        drillable = key != "coordination_body_reduction" and not reports
        url = drill_url(base, stats.period, figure=key) if drillable else ""
        previous_url = drill_url(base, stats.period, figure=key, which="previous") if drillable else ""
        if reports and channel_url:  # burden reports are not ledger items: the channel lists them
            url = previous_url = channel_url
        cards.append(
            {
                "key": key,
                "label": figure_label(key),
                **fig,
                "url": url,
                "previous_url": previous_url,
                "trend": "down" if (fig["change_pct"] or 0) < 0 else ("up" if (fig["change_pct"] or 0) > 0 else ""),
            }
        )
    return cards


def chart_data(
    stats: Stats, monthly: list[tuple], unit_names: dict[int, str], base: str, channel_url: str | None = None
) -> dict[str, Any]:
    year = stats.period.end.year
    months = [f"{m}月" for m in range(1, 13)]
    by_kind: dict[str, list[int]] = {k: [0] * 12 for k in KIND_LABELS}
    last_year = [0] * 12
    dept_this: dict[int, list[int]] = defaultdict(lambda: [0] * 12)
    dept_last: dict[int, list[int]] = defaultdict(lambda: [0] * 12)
    for kind, issuer_id, month, n in monthly:
        month = month.date() if isinstance(month, dt.datetime) else month
        if month.year == year:
            by_kind.setdefault(kind, [0] * 12)[month.month - 1] += n
            dept_this[issuer_id][month.month - 1] += n
        else:
            last_year[month.month - 1] += n
            dept_last[issuer_id][month.month - 1] += n
    top_depts = sorted(dept_this, key=lambda d: -sum(dept_this[d]))[:TREND_DEPARTMENTS]
    units = [u for u in stats.details["units"] if u["current"] > 0][:HEAT_UNITS]
    kinds = list(KIND_LABELS)
    heat = [
        [ki, ui, u["by_kind"].get(k, 0)]
        for ui, u in enumerate(units)
        for ki, k in enumerate(kinds)
        if u["by_kind"].get(k, 0)
    ]
    funnel = stats.details["channel"].get("funnel") or {}
    return {
        "period": stats.period.label,
        "previous": stats.previous.label,
        "year": year,
        "drill": base,
        "months": months,
        "trend_kind": {
            "series": [{"kind": k, "name": KIND_LABELS.get(k, k), "data": v} for k, v in by_kind.items()],
            "last_year": last_year,
        },
        "trend_dept": [
            {"issuer": d, "name": unit_names.get(d, str(d)), "data": dept_this[d], "last_year": dept_last[d]}
            for d in top_depts
        ],
        "heat": {
            "kinds": [KIND_LABELS[k] for k in kinds],
            "kind_codes": kinds,
            "units": [u["name"] for u in units],
            "unit_ids": [u["unit_id"] for u in units],
            "values": heat,
            "max": max((v[2] for v in heat), default=0),
        },
        "top_units": [
            {"id": u["unit_id"], "name": u["name"], "hours": u["current"]} for u in stats.details["top_units"]
        ],
        "findings": [
            {"code": r["code"], "name": code_label(r["code"]), "count": r["current"]}
            for r in stats.details["findings_by_code"]
            if r["current"]
        ][:12],
        "funnel": [
            {"name": "收到反映", "value": funnel.get("received", 0), "figure": ""},
            {"name": "已办结", "value": funnel.get("resolved", 0), "figure": ""},
            {"name": "按时办结", "value": funnel.get("on_time", 0), "figure": ""},
            {"name": "发现台账外事项", "value": funnel.get("found_items", 0), "figure": "channel_hidden_items"},
        ],
        "channel_available": stats.details["channel"]["available"],
        "channel_url": channel_url or "",
        "quota": [
            {
                "issuer": q["unit_id"],
                "kind": q["kind"],
                "name": f"{q['name']}·{KIND_LABELS.get(q['kind'], q['kind'])}",
                "used": q["used"],
                "quota": q["quota"],
                "over": q["over"],
            }
            for q in stats.details["quota_use"]
        ],
    }


def period_choices(today: dt.date) -> list[tuple[str, str]]:
    """Presets for the period picker: this year and last, their halves and quarters."""
    from jianfu.meter.periods import describe

    out = []
    for year in (today.year, today.year - 1):
        for label in (str(year), f"{year}H1", f"{year}H2", *(f"{year}Q{q}" for q in range(1, 5))):
            out.append((label, describe(parse_period(label))))
    return out
