"""Burden hours per item (spec/metrics.md): the Standard Cost Model applied to
one item and one grassroots unit.

    burden_hours(item) = Σ_units hours_per_occurrence(item, u) × occurrences(item, window)

Pure: plain data in, numbers out. The defaults are the office's settings
(`meter.defaults`), shown on the methods page.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

DEFAULTS: dict[str, Any] = {
    "document_read_hours": 0.5,  # reading and passing on a notice
    "document_hours_per_1000_chars": 0.1,
    "document_report_back_hours": 1.0,  # a written report of 贯彻落实情况
    "meeting_travel_minutes_onsite": 60,
    "meeting_materials_hours": 2.0,
    "inspection_preparation_hours": 8.0,
    "inspection_hours_per_onsite_day": 4.0,
    "inspection_default_onsite_days": 1.0,
    "data_request_hours_per_field": 0.05,  # 3 minutes a field
    "task_hours_if_missing": 8.0,  # tasks require the issuer's estimate; this stands in until given
    "campus_hours": 4.0,
    "award_hours": 16.0,
    "app_working_days_per_year": 250,
    # Each demand the gate finds adds its cost per occurrence.
    "demand_costs": {
        "PHOTO_VIDEO_DEMAND": 0.5,
        "TRACE_DEMAND": 1.0,
        "MATERIAL_DEMAND": 4.0,
        "CHECKIN_DEMAND": 0.25,
        "INSTANT_REPLY_DEMAND": 0.25,
        "PLEDGE_DEMAND": 0.5,
    },
}

# Codes whose presence means a document demands a written report back.
REPORT_BACK_CODES = frozenset({"DEMANDS_IMPLEMENTATION_REPORT"})


def merged_params(overrides: dict[str, Any] | None) -> dict[str, Any]:
    params = dict(DEFAULTS)
    params["demand_costs"] = dict(DEFAULTS["demand_costs"])
    for key, value in (overrides or {}).items():
        if key == "demand_costs" and isinstance(value, dict):
            params["demand_costs"].update(value)
        elif key in DEFAULTS:
            params[key] = value
    return params


@dataclass(frozen=True)
class BurdenFacts:
    """What the meter needs to know of an item (from a draft or a ledger row)."""

    kind: str
    date: dt.date
    chars: int = 0
    ends_on: dt.date | None = None
    duration_minutes: int | None = None
    mode: str = ""
    attendees: int = 1
    materials_required: bool = False
    onsite_days: float | None = None
    field_count: int = 0
    frequency: str = ""
    estimated_hours: float | None = None
    daily_minutes: int | None = None
    finding_codes: frozenset[str] = field(default_factory=frozenset)


def hours_per_occurrence(facts: BurdenFacts, params: dict[str, Any]) -> float:
    """Hours one target unit spends each time the item recurs."""
    if facts.estimated_hours is not None:
        base = float(facts.estimated_hours)
    else:
        base = _default_hours(facts, params)
    demand = sum(params["demand_costs"].get(code, 0.0) for code in facts.finding_codes)
    return round(base + demand, 4)


def _default_hours(f: BurdenFacts, p: dict[str, Any]) -> float:
    if f.kind == "document":
        hours = p["document_read_hours"] + p["document_hours_per_1000_chars"] * f.chars / 1000
        if f.finding_codes & REPORT_BACK_CODES:
            hours += p["document_report_back_hours"]
        return hours
    if f.kind == "meeting":
        minutes = (f.duration_minutes or 0) + (p["meeting_travel_minutes_onsite"] if f.mode == "onsite" else 0)
        hours = minutes / 60 * max(f.attendees, 1)
        if f.materials_required or "MATERIAL_DEMAND" in f.finding_codes:
            hours += p["meeting_materials_hours"]
        return hours
    if f.kind == "inspection":
        days = f.onsite_days if f.onsite_days is not None else p["inspection_default_onsite_days"]
        return p["inspection_preparation_hours"] + days * p["inspection_hours_per_onsite_day"]
    if f.kind == "data_request":
        return p["data_request_hours_per_field"] * f.field_count
    if f.kind == "task":
        return p["task_hours_if_missing"]
    if f.kind == "campus":
        return p["campus_hours"]
    if f.kind == "award":
        return p["award_hours"]
    if f.kind == "app":
        # Apps are priced per year of use and pro-rated in occurrences().
        return (f.daily_minutes or 0) / 60 * p["app_working_days_per_year"]
    return 0.0


_STEP_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - 28 always exists


def occurrences(facts: BurdenFacts, start: dt.date, end: dt.date) -> float:
    """How many times the item falls on a unit within [start, end].

    A one-off counts once in the window holding its date; a recurring item
    recurs from its date until ends_on; an app is a share of a year of use.
    """
    last = min(end, facts.ends_on) if facts.ends_on else end
    first = max(start, facts.date)
    if last < first:
        return 0.0
    if facts.kind == "app":
        return ((last - first).days + 1) / 365
    freq = facts.frequency if facts.kind == "data_request" else ""
    if freq in ("", "once"):
        return 1.0 if start <= facts.date <= end else 0.0
    if freq == "daily":
        return float(_working_days(first, last))
    if freq == "weekly":
        offset = (facts.date.weekday() - first.weekday()) % 7
        first_hit = first + dt.timedelta(days=offset)
        return float(0 if first_hit > last else (last - first_hit).days // 7 + 1)
    step = _STEP_MONTHS[freq]
    count, k = 0, 0
    while True:
        day = _add_months(facts.date, k * step)
        if day > last:
            break
        if day >= first:
            count += 1
        k += 1
    return float(count)


def _working_days(first: dt.date, last: dt.date) -> int:
    days = (last - first).days + 1
    full_weeks, rest = divmod(days, 7)
    count = full_weeks * 5
    for i in range(rest):
        if (first + dt.timedelta(days=full_weeks * 7 + i)).weekday() < 5:
            count += 1
    return count


def one_year_window(facts: BurdenFacts) -> tuple[dt.date, dt.date]:
    """The window the gate quotes: the first twelve months of the item's life."""
    return facts.date, _add_months(facts.date, 12) - dt.timedelta(days=1)


def estimate(
    facts: BurdenFacts, *, target_units: int, params: dict[str, Any], window: tuple[dt.date, dt.date] | None = None
) -> dict[str, float | int]:
    """Burden for all target units over the window (default: the item's first year)."""
    start, end = window or one_year_window(facts)
    per_unit = hours_per_occurrence(facts, params) * occurrences(facts, start, end)
    return {
        "burden_hours": round(per_unit * target_units, 2),
        "burden_hours_per_unit": round(per_unit, 2),
        "target_units": target_units,
    }
