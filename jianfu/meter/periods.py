"""Reporting periods: `2025`, `2025Q4`, `2025H2`, `2025-10-01..2025-12-31`.

Every figure is compared with the same period a year earlier (spec/metrics.md),
so a Period knows how to shift itself back one year.
"""

import datetime as dt
import re
from dataclasses import dataclass


class PeriodError(ValueError):
    """Bad period text; the message is shown to the user as is."""


@dataclass(frozen=True)
class Period:
    label: str
    start: dt.date
    end: dt.date

    def as_dict(self) -> dict[str, str]:
        return {"label": self.label, "start": self.start.isoformat(), "end": self.end.isoformat()}

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def year_start(self) -> dt.date:
        return dt.date(self.start.year, 1, 1)

    def year_earlier(self) -> "Period":
        start, end = _shift_year(self.start, -1), _shift_year(self.end, -1)
        return Period(_label_for(self.label, start, end), start, end)


_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})[Qq]([1-4])$")
_HALF = re.compile(r"^(\d{4})[Hh]([12])$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})$")
_HELP = "期间格式应为 2025、2025Q4、2025H2 或 2025-10-01..2025-12-31"


def _shift_year(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February → 28 February
        return day.replace(year=day.year + years, day=28)


def _month_end(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def _label_for(label: str, start: dt.date, end: dt.date) -> str:
    """The same kind of label one year earlier (2025Q4 → 2024Q4)."""
    if _YEAR.match(label) or _QUARTER.match(label) or _HALF.match(label):
        return f"{start.year}{label[4:]}"
    return f"{start.isoformat()}..{end.isoformat()}"


def _checked_year(text: str, year: int) -> int:
    if not 1900 <= year <= 2999:
        raise PeriodError(f"期间“{text}”的年份 {year} 不合理。{_HELP}")
    return year


def parse_period(text: str) -> Period:
    """Parse the period a user typed; raises PeriodError with a Chinese message."""
    raw = (text or "").strip()
    if not raw:
        raise PeriodError(f"未指定统计期间。{_HELP}")
    if m := _YEAR.match(raw):
        year = _checked_year(raw, int(m.group(1)))
        return Period(raw, dt.date(year, 1, 1), dt.date(year, 12, 31))
    if m := _QUARTER.match(raw):
        year, q = _checked_year(raw, int(m.group(1))), int(m.group(2))
        return Period(f"{year}Q{q}", dt.date(year, 3 * q - 2, 1), _month_end(year, 3 * q))
    if m := _HALF.match(raw):
        year, h = _checked_year(raw, int(m.group(1))), int(m.group(2))
        return Period(f"{year}H{h}", dt.date(year, 6 * h - 5, 1), _month_end(year, 6 * h))
    if m := _RANGE.match(raw):
        try:
            start, end = dt.date.fromisoformat(m.group(1)), dt.date.fromisoformat(m.group(2))
        except ValueError as exc:
            raise PeriodError(f"期间“{raw}”中的日期无效（{exc}）。{_HELP}") from exc
        _checked_year(raw, start.year)
        _checked_year(raw, end.year)
        if end < start:
            raise PeriodError(f"期间“{raw}”的结束日期早于开始日期。")
        if (end - start).days > 366 * 5:
            raise PeriodError(f"期间“{raw}”超过5年，请分段统计。")
        return Period(f"{start.isoformat()}..{end.isoformat()}", start, end)
    raise PeriodError(f"无法识别的统计期间“{raw}”。{_HELP}")


def describe(period: Period) -> str:
    """The period in the words of a report: 2025年第四季度, 2025年上半年, 2025年."""
    label = period.label
    if _YEAR.match(label):
        return f"{label}年"
    if m := _QUARTER.match(label):
        return f"{m.group(1)}年第{'一二三四'[int(m.group(2)) - 1]}季度"
    if m := _HALF.match(label):
        return f"{m.group(1)}年{'上下'[int(m.group(2)) - 1]}半年"
    return f"{period.start:%Y年%m月%d日}至{period.end:%Y年%m月%d日}".replace("年0", "年").replace("月0", "月")


def default_period(today: dt.date) -> Period:
    """The dashboard opens on the current year to date."""
    return parse_period(str(today.year))
