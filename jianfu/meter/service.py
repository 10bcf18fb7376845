"""The meter's entry point for views, the API and the report command:
fetch the rows (selectors), apply the office's tariffs, compute (pure stats).

`cached_period_stats` keeps a period's figures in Django's default cache, keyed by a
cheap fingerprint of every table the figures read (`ledger_version`), so repeated
dashboard requests cost one small query until the ledger changes. Each process also keeps
the values it read from that cache, unpickled, and what it derived from them (the
dashboard's rendered page), under the same key (`cached_view`)."""

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from django.apps import apps
from django.core.cache import cache
from django.db import connection

from jianfu.meter import months
from jianfu.meter.aggregate import aggregate_stats
from jianfu.meter.hours import merged_params
from jianfu.meter.periods import Period
from jianfu.meter.selectors import load_rows
from jianfu.meter.stats import Stats, compute
from jianfu.org.services import get_setting

T = TypeVar("T")
U = TypeVar("U")

# A backstop only: every write through the services changes the fingerprint at once;
# this bounds how long a write that bypasses them (raw SQL, a shell) can go unseen.
CACHE_SECONDS = 300

# (model label, aggregates) read by the fingerprint, besides the ten-day parts' change counter
# (months.change_counter: every write of an item, a target link or a review finding, by any
# path). Counts catch deletions, MAX(id) catches insertions, the audit trail's MAX(id) catches
# every service edit (the services write an AuditEvent in the same transaction).
_FINGERPRINT = (
    ("org.AuditEvent", ("MAX(id)",)),
    ("ledger.Review", ("COUNT(*)", "MAX(id)")),
    ("ledger.Decision", ("COUNT(*)", "MAX(id)")),
    ("org.Unit", ("COUNT(*)", "MAX(id)", "SUM(CASE WHEN is_active THEN 1 ELSE 0 END)")),
    ("ledger.CoordinationBody", ("COUNT(*)", "MAX(id)", "MAX(changed_on)")),
    ("ledger.BodyChange", ("COUNT(*)", "MAX(id)")),
    ("ledger.CatalogField", ("COUNT(*)", "MAX(id)")),
    ("ledger.Quota", ("COUNT(*)", "MAX(id)", "SUM(quota)")),
    # Burden reports have random ids and some status changes write no audit row: fingerprint their dates.
    (
        "channel.BurdenReport",
        (
            "COUNT(*)",
            "COUNT(resolved_on)",
            "MAX(resolved_on)",
            "MAX(received_on)",
            "MAX(due_on)",
            "COUNT(found_item_id)",
            "SUM(CASE WHEN status = 'merged' THEN 1 ELSE 0 END)",
        ),
    ),
)


def meter_params() -> dict[str, Any]:
    """The Standard Cost Model tariffs: defaults overridden by the office's setting `meter.defaults`."""
    overrides = get_setting("meter.defaults", {}) or {}
    return merged_params(overrides if isinstance(overrides, dict) else {})


def stats_for(period: Period, params: dict[str, Any], *, keep_members: bool = False) -> Stats:
    """Member lists (drill-downs, Excel) need every item in Python; the figures alone are
    aggregated in the database."""
    if keep_members:
        return compute(load_rows(period), params, keep_members=True)
    return aggregate_stats(period, params)


def period_stats(period: Period, *, keep_members: bool = False) -> Stats:
    """The figures of `period`, computed now (no cache)."""
    return stats_for(period, meter_params(), keep_members=keep_members)


def ledger_version() -> tuple:
    """A fingerprint of everything the figures read, in one statement of indexed aggregates."""
    parts = [months.change_counter()]
    for label, aggregates in _FINGERPRINT:
        try:
            model = apps.get_model(label)
        except LookupError:  # the channel app may not be installed
            continue
        table = connection.ops.quote_name(model._meta.db_table)
        # Table names and aggregates are this module's constants, never user input.
        parts += [f"(SELECT {agg} FROM {table})" for agg in aggregates]  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    return tuple(row)


def _cache_key(name: str, period: Period) -> tuple[str, dict[str, Any]]:
    params = meter_params()
    raw = json.dumps([name, period.as_dict(), params, ledger_version()], sort_keys=True, default=str)
    return f"jianfu:meter:{name}:{hashlib.sha256(raw.encode()).hexdigest()}", params


# What this process read from the shared cache, unpickled, and what it derived from it, by cache
# key: {"value": value, view: derived, ...}. The key carries the ledger's fingerprint, so a write
# makes a new key; an entry also counts only while the shared cache still holds its key (a cheap
# probe), so the shared cache's expiry and clearing apply here too. Values are shared between
# requests: callers must not change them.
_LOCAL: OrderedDict[str, dict[str, Any]] = OrderedDict()
LOCAL_ENTRIES = 16
_LOCAL_LOCK = threading.Lock()


def _entry(name: str, period: Period, build: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    key, params = _cache_key(name, period)
    entry = _LOCAL.get(key)
    if entry is None or not cache.has_key(key):
        value = cache.get(key)
        if value is None:
            value = build(params)
            cache.set(key, value, CACHE_SECONDS)
        entry = {"value": value}
    with _LOCAL_LOCK:  # threaded servers: the bound and the order change together
        _LOCAL[key] = entry
        _LOCAL.move_to_end(key)
        while len(_LOCAL) > LOCAL_ENTRIES:
            _LOCAL.popitem(last=False)
    return entry


def cached(name: str, period: Period, build: Callable[[dict[str, Any]], T]) -> T:
    """`build(params)` for `period` through Django's cache, keyed by the ledger version and the tariffs."""
    return _entry(name, period, build)["value"]


def cached_view(
    name: str, period: Period, build: Callable[[dict[str, Any]], T], view: str, present: Callable[[T], U]
) -> U:
    """`present(value)` of the cached value, kept in this process beside it (e.g. a rendered
    page fragment; `view` names it, with whatever else it depends on, such as today's date)."""
    entry = _entry(name, period, build)
    if view not in entry:
        entry[view] = present(entry["value"])
    return entry[view]


def cached_period_stats(period: Period) -> Stats:
    """`period_stats` through the cache (no member lists: those are for drill-downs and Excel)."""
    return cached("stats", period, lambda params: stats_for(period, params))
