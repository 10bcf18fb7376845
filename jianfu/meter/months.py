"""Per-ten-day parts of the period figures (旬: days 1–10, 11–20, 21 to the month's end), kept
current with the ledger, so a year reads ~72 stored pieces instead of every item of two years,
and an edit recomputes only the ~third of a month its item is dated in.

    parts(windows, key, compute)  each window's parts: stored whole pieces, cut edge pieces computed
    store(computed)               keep the parts just computed
    refresh()                     compute every piece that changed (after bulk writes)

A piece's part (`aggregate.window_parts`) is what the figures take from the items dated in it:
counts, sums and ranked candidates, all of which add up over any split of a period into
pieces (each item is dated in exactly one); the figures that are not sums over items (distinct
counts such as the reviews per item) are not kept in parts. It is computed by the same grouped
queries as a cut piece (the stale pieces of a month in one pass), so a stored piece is exactly
the direct computation of it. It is valid while

- the piece's version is unchanged: triggers on the items, their target links and review
  findings add to it on every write, whatever the path (migration 0004), and
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
from itertools import groupby
from typing import Any

from django.db import DatabaseError, connection, transaction

from jianfu.meter.figures import tariff_key
from jianfu.meter.periods import Period

logger = logging.getLogger(__name__)

STAMP, PART = "meter_dekad_stamp", "meter_dekad_part"

# Bumped whenever what a part holds changes, so parts stored by an older version are recomputed.
FORMAT = 3

Part = dict[str, Any]
# The part of a piece no item was ever dated in (what `aggregate.window_parts` gives for it).
EMPTY: Part = {
    "counts": {}, "categories": {}, "fields": 0, "shared": 0, "unit_kind": [], "pools": [], "campus": [],
    "top": [], "video": [], "merge": [], "recurring": [], "recurring_top": [], "apps": [], "quota": [],
}  # fmt: skip
Computed = list[tuple[str, str, int, str]]  # (piece's first day, key, version, JSON) to store


def validity_key(params: dict[str, Any], units: list[tuple], names: set[str]) -> str:
    raw = json.dumps([FORMAT, tariff_key(params), sorted(units), sorted(names)], default=str, ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _month_end(first: dt.date) -> dt.date:
    nxt = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def piece_start(day: dt.date) -> dt.date:
    """The first day of the ten-day piece holding `day` (the 1st, 11th or 21st); the
    triggers compute the same (migration 0004)."""
    return day.replace(day=min((day.day - 1) // 10, 2) * 10 + 1)


def piece_end(first: dt.date) -> dt.date:
    return _month_end(first) if first.day == 21 else first + dt.timedelta(days=9)


def pieces(period: Period) -> list[tuple[str | None, Period]]:
    """The ten-day pieces of a period in order: (first day, the piece) where whole, (None, the
    cut) where the period starts or ends inside a piece."""
    out: list[tuple[str | None, Period]] = []
    first = piece_start(period.start)
    while first <= period.end:
        last = piece_end(first)
        start, end = max(first, period.start), min(last, period.end)
        whole = start == first and end == last
        out.append((first.isoformat() if whole else None, Period(f"{start}..{end}", start, end)))
        first = last + dt.timedelta(days=1)
    return out


def _param(day: str):
    return day if connection.vendor == "sqlite" else dt.date.fromisoformat(day)


def _in(days: list[str]) -> tuple[str, list]:
    return ", ".join(["%s"] * len(days)), [_param(d) for d in days]


def change_counter() -> str:
    """An SQL scalar subquery that grows with every write the triggers see (any item, target
    link or review finding): SQLite keeps one counter per piece (their sum, over a thousand
    rows at most), PostgreSQL one stamp row per statement (their newest id, from the
    primary key). For cache keys: unlike COUNT(*) of the ledger, it costs the same at 10^6 items."""
    if connection.vendor == "postgresql":
        return f"(SELECT MAX(id) FROM {STAMP})"  # noqa: S608
    return f"(SELECT SUM(version) FROM {STAMP})"  # noqa: S608


def versions(only: list[str] | None = None) -> dict[str, int]:
    """The version of some pieces or of every piece written (a piece never written has none: 0)."""
    where, args = ("", [])
    if only:
        marks, args = _in(only)
        where = f"WHERE dekad IN ({marks})"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT dekad, SUM(version) FROM {STAMP} {where} GROUP BY dekad", args)  # noqa: S608
        return {str(m)[:10]: int(v) for m, v in cursor.fetchall()}


def _stored(pieces_: list[str]) -> dict[str, tuple[str, int, str]]:
    marks, args = _in(pieces_)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT dekad, key, version, data FROM {PART} WHERE dekad IN ({marks})", args)  # noqa: S608
        return {str(m)[:10]: (key, int(v), data) for m, key, v, data in cursor.fetchall()}


def _whole(piece: str) -> Period:
    first = dt.date.fromisoformat(piece)
    return Period(piece, first, piece_end(first))


def _current(row: tuple[str, int, str] | None, key: str, version: int) -> bool:
    """A stored part (key, version, data) still holds for this validity key and piece version."""
    return bool(row) and row[0] == key and row[1] == version


def _runs(pieces_: list[str]) -> list[list[str]]:
    """Sorted pieces in runs of adjacent pieces of one month (each run one date range)."""
    runs: list[list[str]] = []
    for piece in pieces_:
        last = runs[-1][-1] if runs else None
        if last and last[:7] == piece[:7] and _whole(last).end + dt.timedelta(days=1) == _whole(piece).start:
            runs[-1].append(piece)
        else:
            runs.append([piece])
    return runs


def _compute_stale(stale: list[str], key: str, current: dict[str, int], compute: Callable[..., list[Part]]):
    """Compute these pieces, adjacent ones of a month in one pass; yields (piece, part, row to store)."""
    for run in _runs(stale):
        for piece, part in zip(run, compute([_whole(p) for p in run]), strict=True):
            yield piece, part, (piece, key, current.get(piece, 0), json.dumps(part, ensure_ascii=False))


def parts(
    windows: dict[str, Period], key: str, compute: Callable[..., list[Part]]
) -> tuple[dict[str, list[Part]], list[Part], Computed]:
    """Each window's parts; the whole parts of every piece written (recurring items run into
    later windows, any piece's items may count towards a year's quota); the pieces computed (to store)."""
    split = {w: pieces(p) for w, p in windows.items()}
    current = versions()  # before the items are read
    whole = sorted({m for ps in split.values() for m, _ in ps if m} | set(current))
    stored = _stored(whole) if whole else {}
    got: dict[str, Part] = {}
    stale = []
    for piece in whole:
        version, row = current.get(piece, 0), stored.get(piece)
        if not version:  # never written: no item was ever dated in it
            got[piece] = EMPTY
        elif _current(row, key, version):
            got[piece] = json.loads(row[2])
        else:
            stale.append(piece)
    computed: Computed = []
    for piece, part, row in _compute_stale(stale, key, current, compute):
        got[piece] = part
        computed.append(row)
    out = {w: [got[m] if m else compute([window], whole=False)[0] for m, window in ps] for w, ps in split.items()}
    every = [got[m] for m in whole]
    return out, every, computed


def store(computed: Computed) -> None:
    """Keep parts just computed. Derived data: if the database is busy, the next read computes them again."""
    if not computed:
        return
    sql = (
        f"INSERT INTO {PART} (dekad, key, version, data) VALUES (%s, %s, %s, %s) "  # noqa: S608
        "ON CONFLICT (dekad) DO UPDATE SET key = excluded.key, version = excluded.version, data = excluded.data"
    )
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, [(_param(m), k, v, d) for m, k, v, d in computed])
    except DatabaseError:
        logger.warning("meter: ten-day parts not stored (database busy); they are computed again next time")


def refresh(params: dict[str, Any] | None = None) -> int:
    """Compute and store every piece that changed since its part was stored, a month's pieces in
    one pass and one transaction; returns how many. After bulk writes (imports, the tariffs'
    refresh), so the next read is fast."""
    from jianfu.meter.aggregate import part_context
    from jianfu.meter.service import meter_params

    params = params or meter_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT dekad FROM {STAMP}")  # noqa: S608
        written = sorted(str(m)[:10] for (m,) in cursor.fetchall())
    done = 0
    for _, group in groupby(written, key=lambda piece: piece[:7]):
        group = list(group)
        with transaction.atomic():
            key, compute = part_context(params)
            stored, current = _stored(group), versions(group)
            stale = [p for p in group if not _current(stored.get(p), key, current.get(p, 0))]
            computed = [row for _, _, row in _compute_stale(stale, key, current, compute)]
        store(computed)
        done += len(computed)
    return done
