"""The meter's entry point for views, the API and the report command:
fetch the rows (selectors), apply the office's tariffs, compute (pure stats)."""

from typing import Any

from jianfu.meter.hours import merged_params
from jianfu.meter.periods import Period
from jianfu.meter.selectors import load_rows
from jianfu.meter.stats import Stats, compute
from jianfu.org.services import get_setting


def meter_params() -> dict[str, Any]:
    """The Standard Cost Model tariffs: defaults overridden by the office's setting `meter.defaults`."""
    overrides = get_setting("meter.defaults", {}) or {}
    return merged_params(overrides if isinstance(overrides, dict) else {})


def period_stats(period: Period, *, keep_members: bool = False) -> Stats:
    return compute(load_rows(period), meter_params(), keep_members=keep_members)
