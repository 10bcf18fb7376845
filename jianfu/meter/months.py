"""Per-month parts of the period figures, kept current with the ledger, so a year reads ~24
stored months instead of every item of two years.

    parts(windows, key, compute)  each window's parts: stored whole months, cut edge months computed
    store(computed)               keep the parts just computed
    refresh()                     compute every month that changed (after bulk writes)

A month's part (`aggregate.window_part`) is what the figures take from the items dated in it;
it is computed by the same grouped queries as a cut month, so a stored month is exactly the
direct computation of that month. It is valid while

- the month's version is unchanged: triggers on the items, their target links and review
  findings add to it on every write, whatever the path (migration 0003), and
- the validity key is unchanged: the tariffs, the unit tree and the shared catalog, which
  the parts depend on but are not dated.

The version is read in the same snapshot as the items (SQLite) or before them (PostgreSQL),
so a part is never stored as newer than what it was computed from; a write racing with the
computation only makes the part stale, never wrong.
"""

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError, connection, transaction

from jianfu.meter.figures import tariff_key
from jianfu.meter.periods import Period

logger = logging.getLogger(__name__)

STAMP, PART = "meter_month_stamp", "meter_month_part"

# Bumped whenever what a part holds changes, so parts stored by an older version are recomputed.
FORMAT = 3

Part = dict[str, Any]
# The part of a month no item was ever dated in (what `aggregate.window_part` gives for it).
EMPTY: Part = {
    "counts": {}, "categories": {}, "fields": 0, "shared": 0, "unit_kind": [], "pools": [], "campus": [],
    "top": [], "video": [], "merge": [], "recurring": [], "recurring_top": [], "apps": [], "quota": [],
}  # fmt: skip
Computed = list[tuple[str, str, int, str]]  # (month, key, version, JSON) to store


def validity_key(params: dict[str, Any], units: list[tuple], names: set[str]) -> str:
    raw = json.dumps([FORMAT, tariff_key(params), sorted(units), sorted(names)], default=str, ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _month_end(first: dt.date) -> dt.date:
    nxt = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def pieces(period: Period) -> list[tuple[str | None, Period]]:
    """The months of a period in order: (first day, the month) where whole, (None, the cut) where
    the period starts or ends inside a month."""
    out: list[tuple[str | None, Period]] = []
    first = period.start.replace(day=1)
    while first <= period.end:
        last = _month_end(first)
        start, end = max(first, period.start), min(last, period.end)
        whole = start == first and end == last
        out.append((first.isoformat() if whole else None, Period(f"{start}..{end}", start, end)))
        first = last + dt.timedelta(days=1)
    return out


def _param(day: str):
    return day if connection.vendor == "sqlite" else dt.date.fromisoformat(day)


def _in(months: list[str]) -> tuple[str, list]:
    return ", ".join(["%s"] * len(months)), [_param(m) for m in months]


def change_counter() -> str:
    """An SQL scalar subquery that grows with every write the triggers see (any item, target
    link or review finding): SQLite keeps one counter per month (their sum, over a few
    hundred rows at most), PostgreSQL one stamp row per statement (their newest id, from the
    primary key). For cache keys: unlike COUNT(*) of the ledger, it costs the same at 10^6 items."""
    if connection.vendor == "postgresql":
        return f"(SELECT MAX(id) FROM {STAMP})"  # noqa: S608
    return f"(SELECT SUM(version) FROM {STAMP})"  # noqa: S608


def versions(month: str | None = None) -> dict[str, int]:
    """The version of one month or of every month written (a month never written has none: 0)."""
    where, args = ("WHERE month = %s", [_param(month)]) if month else ("", [])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT month, SUM(version) FROM {STAMP} {where} GROUP BY month", args)  # noqa: S608
        return {str(m)[:10]: int(v) for m, v in cursor.fetchall()}


def _stored(months: list[str]) -> dict[str, tuple[str, int, str]]:
    marks, args = _in(months)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT month, key, version, data FROM {PART} WHERE month IN ({marks})", args)  # noqa: S608
        return {str(m)[:10]: (key, int(v), data) for m, key, v, data in cursor.fetchall()}


def _whole(month: str) -> Period:
    first = dt.date.fromisoformat(month)
    return Period(month, first, _month_end(first))


def parts(
    windows: dict[str, Period], key: str, compute: Callable[..., Part]
) -> tuple[dict[str, list[Part]], list[Part], Computed]:
    """Each window's parts; the whole parts of every month written (recurring items run into
    later windows, any month's items may count towards a year's quota); the months computed (to store)."""
    split = {w: pieces(p) for w, p in windows.items()}
    current = versions()  # before the items are read
    whole = sorted({m for ps in split.values() for m, _ in ps if m} | set(current))
    stored = _stored(whole) if whole else {}
    got: dict[str, Part] = {}
    computed: Computed = []

    def month_part(month: str) -> Part:
        if month not in got:
            version = current.get(month, 0)
            row = stored.get(month)
            if not version:  # never written: no item was ever dated in it
                got[month] = EMPTY
            elif row and row[0] == key and row[1] == version:
                got[month] = json.loads(row[2])
            else:
                got[month] = compute(_whole(month))
                computed.append((month, key, version, json.dumps(got[month], ensure_ascii=False)))
        return got[month]

    out = {w: [month_part(m) if m else compute(window, whole=False) for m, window in ps] for w, ps in split.items()}
    every = [month_part(m) for m in whole]
    return out, every, computed


def store(computed: Computed) -> None:
    """Keep parts just computed. Derived data: if the database is busy, the next read computes them again."""
    if not computed:
        return
    sql = (
        f"INSERT INTO {PART} (month, key, version, data) VALUES (%s, %s, %s, %s) "  # noqa: S608
        "ON CONFLICT (month) DO UPDATE SET key = excluded.key, version = excluded.version, data = excluded.data"
    )
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, [(_param(m), k, v, d) for m, k, v, d in computed])
    except DatabaseError:
        logger.warning("meter: month parts not stored (database busy); they are computed again next time")


def refresh(params: dict[str, Any] | None = None) -> int:
    """Compute and store every month that changed since its part was stored, one transaction each;
    returns how many. After bulk writes (imports, the tariffs' refresh), so the next read is fast."""
    from jianfu.meter.aggregate import part_context
    from jianfu.meter.service import meter_params

    params = params or meter_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT month FROM {STAMP}")  # noqa: S608
        months = sorted(str(m)[:10] for (m,) in cursor.fetchall())
    done = 0
    for month in months:
        with transaction.atomic():
            key, compute = part_context(params)
            stored = _stored([month]).get(month)
            version = versions(month).get(month, 0)
            if stored and stored[:2] == (key, version):
                continue
            computed = [(month, key, version, json.dumps(compute(_whole(month)), ensure_ascii=False))]
        store(computed)
        done += len(computed)
    return done
