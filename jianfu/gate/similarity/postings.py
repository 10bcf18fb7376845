"""Posting lists (key → item ids), each kept in two tables.

On a large ledger one lookup reads many postings: a 3,000-字 draft's ~35 keys
meet ~90,000 of them at 10^6 items of the bench corpus. Kept as one row per
posting, counting them is a GROUP BY over 90,000 index rows (~50–100 ms); kept
as one packed array of item ids per key (`<name>list`: key, sorted
little-endian int32 ids) it is 35 row reads and a count per id (`_count`).

Every posting is filed under a period (rows.period_of: the calendar quarter
of the item's date; 0 for undated postings), and both tables are keyed
(key, period, …): a lookup over a date window reads only its quarters' part
of each list, so NEAR_DUPLICATE's 12 months (5 quarters) cost the same on a
ledger of two years or of twenty.

A packed array is rewritten whenever it changes, so new postings go to the row
table first (`rows`: one b-tree insert each, cheap for a single saved item),
and are merged into the packed lists in bulk: `jianfu reindex` writes the lists
directly, and `compact` moves the row table into them once it holds more than
DELTA_MAX rows. A lookup reads both tables in one statement, so it sees one
snapshot even while a compaction commits.

Removing an item deletes its rows from the row table; only postings already
merged cost a rewrite of their lists. All writes happen in the caller's
transaction. On PostgreSQL a transaction-scoped advisory lock keeps two
compactions, or a compaction and a removal, from rewriting one list from two
stale copies; on SQLite the write lock already does.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from django.db import connection

from jianfu.gate.similarity.sql import fetch, insert, marks
from jianfu.gate.similarity.text import sorted_unique

try:  # built at install by setup.py; without a C compiler `_count` counts in NumPy
    from jianfu.gate.similarity import _hits
except ImportError:  # pragma: no cover - depends on the machine that installed
    _hits = None

# Rows in a row table before it is merged into the packed lists. Lookups read
# the row table by key, so this bounds work per key, not per lookup; merging
# rewrites every list it touches, so it is done seldom and in bulk.
DELTA_MAX = 500_000
KEYS_PER_STATEMENT = 500
_LOCK_ID = 0x6A6E6675  # pg_advisory_xact_lock: "jnfu"
_IDS = np.dtype("<i4")


def _pack(ids: np.ndarray) -> bytes:
    return ids.astype(_IDS, copy=False).tobytes()


def _unpack(raw) -> np.ndarray:
    return np.frombuffer(raw, dtype=_IDS) if raw is not None else np.empty(0, dtype=_IDS)


@dataclass(frozen=True)
class Postings:
    rows: str  # (key, period, item_id) primary key: new postings
    lists: str  # (key, period) primary key, ids: merged postings
    key: str  # name of the key column in both

    # ------------------------------------------------------------------ reads

    def hits(
        self,
        keys: Sequence[int],
        min_hits: int = 1,
        *,
        enough: int = 0,
        periods: tuple[int | None, int | None] = (None, None),
    ) -> tuple[np.ndarray, np.ndarray]:
        """(item ids, in no particular order, how many of `keys` each is posted under), for the
        items posted under at least `min_hits` of them in the periods from
        `periods[0]` to `periods[1]` (None: unbounded); with `enough`, only those
        posted under more than `min_hits` when there are at least `enough` of
        them (a caller that keeps the `enough` with most hits loses none)."""
        none = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        if not keys:
            return none
        where, params = self._where(keys, periods)
        sql = (
            f"SELECT ids, 0 FROM {self.lists} WHERE {where} "  # noqa: S608
            f"UNION ALL SELECT NULL, item_id FROM {self.rows} WHERE {where}"
        )
        found = fetch(sql, params + params, binary=True)
        # One buffer for all the lists (a lookup over 5 quarters reads ~250 of them).
        ids = _unpack(b"".join(raw for raw, _id in found if raw is not None))
        loose = [item_id for raw, item_id in found if raw is None]
        if loose:
            ids = np.concatenate([ids, np.array(loose, dtype=_IDS)])
        if not ids.size:
            return none
        return _count(ids, max(1, min_hits), enough)

    def pairs(self) -> list[tuple[int, int, int]]:
        """Every (key, period, item id) posted, sorted: for tests and checks, not for queries."""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {self.key}, period, item_id FROM {self.rows}")  # noqa: S608
            out = cursor.fetchall()
            cursor.execute(f"SELECT {self.key}, period, ids FROM {self.lists}")  # noqa: S608
            out += [(key, period, int(i)) for key, period, raw in cursor.fetchall() for i in _unpack(raw)]
        return sorted(out)

    # ------------------------------------------------------------------ writes

    def add(self, cursor, triples: list[tuple[int, int, int]]) -> None:
        """New postings (key, period, item id), sorted: into the row table."""
        insert(cursor, self.rows, f"{self.key}, period, item_id", triples)

    def remove(self, cursor, triples: Iterable[tuple[int, int, int]]) -> None:
        """Remove postings (key, period, item id): every posting of the items concerned."""
        wanted = set(triples)
        if not wanted:
            return
        by_item: dict[tuple[int, int], list[int]] = {}
        for key, period, item_id in wanted:
            by_item.setdefault((item_id, period), []).append(key)
        gone: set[tuple[int, int, int]] = set()
        for (item_id, period), keys in by_item.items():
            # One statement per item: (key IN …, period = …, item_id = …) walks
            # the primary key; a row-value IN list made SQLite scan the table.
            for start in range(0, len(keys), KEYS_PER_STATEMENT):
                chunk = keys[start : start + KEYS_PER_STATEMENT]
                cursor.execute(
                    f"DELETE FROM {self.rows} WHERE {self.key} IN ({marks(len(chunk))}) "  # noqa: S608
                    f"AND period = %s AND item_id = %s RETURNING {self.key}",
                    [*chunk, period, item_id],
                )
                gone.update((key, period, item_id) for (key,) in cursor.fetchall())
        # What was not in the row table may have been merged into a list.
        merged: dict[int, set[int]] = {}
        for key, period, _item_id in wanted - gone:
            merged.setdefault(period, set()).add(key)
        if not merged:
            return
        self._lock(cursor)
        for period, keys in merged.items():
            drop = np.array(sorted(i for i, p in by_item if p == period), dtype=_IDS)
            for (key, _period), ids in self._read_lists(cursor, sorted(keys), [period]).items():
                kept = ids[~np.isin(ids, drop)]
                if kept.size == ids.size:
                    continue
                if kept.size:
                    cursor.execute(
                        f"UPDATE {self.lists} SET ids = %s WHERE {self.key} = %s AND period = %s",  # noqa: S608
                        [_pack(kept), key, period],
                    )
                else:
                    cursor.execute(f"DELETE FROM {self.lists} WHERE {self.key} = %s AND period = %s", [key, period])  # noqa: S608

    def load(self, by_period: dict[int, np.ndarray]) -> None:
        """Merge postings (per period, `combine`d (key, id) pairs) straight into the packed lists."""
        with connection.cursor() as cursor:
            self._lock(cursor)
            self._merge(cursor, by_period)

    def delta_size(self, cursor, at_most: int = DELTA_MAX) -> int:
        """Rows in the row table, counted up to `at_most` + 1."""
        cursor.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM {self.rows} LIMIT {int(at_most) + 1}) d")  # noqa: S608
        return int(cursor.fetchone()[0])

    def compact(self) -> int:
        """Move the row table into the packed lists; returns how many postings moved."""
        with connection.cursor() as cursor:
            self._lock(cursor)
            cursor.execute(f"DELETE FROM {self.rows} RETURNING {self.key}, period, item_id")  # noqa: S608
            moved = cursor.fetchall()
            self._merge(cursor, by_period(moved))
        return len(moved)

    # ------------------------------------------------------------------ helpers

    def _where(self, keys: Sequence[int], periods: tuple[int | None, int | None]) -> tuple[str, list]:
        where, params = f"{self.key} IN ({marks(len(keys))})", list(keys)
        low, high = periods
        if low is not None:
            where, params = f"{where} AND period >= %s", [*params, low]
        if high is not None:
            where, params = f"{where} AND period <= %s", [*params, high]
        return where, params

    def _lock(self, cursor) -> None:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ID])

    def _read_lists(self, cursor, keys: Sequence[int], periods: Sequence[int]) -> dict[tuple[int, int], np.ndarray]:
        """{(key, period): ids} of these keys in these periods."""
        found: dict[tuple[int, int], np.ndarray] = {}
        for start in range(0, len(keys), KEYS_PER_STATEMENT):
            chunk = list(keys[start : start + KEYS_PER_STATEMENT])
            cursor.execute(
                f"SELECT {self.key}, period, ids FROM {self.lists} "  # noqa: S608
                f"WHERE {self.key} IN ({marks(len(chunk))}) AND period IN ({marks(len(periods))})",
                [*chunk, *periods],
            )
            found.update(((key, period), _unpack(raw)) for key, period, raw in cursor.fetchall())
        return found

    def _merge(self, cursor, by_period: dict[int, np.ndarray]) -> None:
        # Each period's (key, id) pairs sorted, as key and id columns.
        parts: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for period, pairs in by_period.items():
            if pairs.size:
                pairs = sorted_unique(pairs)  # by key, then item id
                parts[period] = ((pairs >> np.uint64(32)).astype(np.int64) - _KEY_OFFSET, _ids_of(pairs))
        if not parts:
            return
        distinct = np.unique(np.concatenate([keys for keys, _ids in parts.values()]))
        cursor.execute(f"SELECT 1 FROM {self.lists} LIMIT 1")  # noqa: S608
        empty = cursor.fetchone() is None  # after a rebuild's TRUNCATE: nothing to read back
        periods = sorted(parts)
        step = KEYS_PER_STATEMENT * 20
        # A range of keys at a time across every period, written in primary-key
        # order (key, period): the b-tree is filled left to right.
        for lo in range(0, distinct.size, step):
            first, last = int(distinct[lo]), int(distinct[min(lo + step, distinct.size) - 1])
            fresh: list[tuple[int, int, np.ndarray]] = []
            for period in periods:
                keys, ids = parts[period]
                a, b = np.searchsorted(keys, [first, last + 1])
                if a == b:
                    continue
                sub = keys[a:b]
                starts = np.flatnonzero(np.concatenate([[True], sub[1:] != sub[:-1]]))
                bounds = (starts + a).tolist() + [int(b)]
                fresh.extend((int(sub[s]), period, ids[bounds[n] : bounds[n + 1]]) for n, s in enumerate(starts))
            fresh.sort(key=lambda r: (r[0], r[1]))
            existing = {} if empty else self._read_lists(cursor, distinct[lo : lo + step].tolist(), periods)
            new_rows, changed = [], []
            for key, period, ids in fresh:
                old = existing.get((key, period))
                if old is None:
                    new_rows.append((key, period, _pack(ids)))
                else:
                    changed.append((_pack(np.union1d(old, ids)), key, period))
            insert(cursor, self.lists, f"{self.key}, period, ids", new_rows)
            if changed:
                cursor.executemany(
                    f"UPDATE {self.lists} SET ids = %s WHERE {self.key} = %s AND period = %s",  # noqa: S608
                    changed,
                )


_KEY_OFFSET = 2**31


def _count(ids: np.ndarray, min_hits: int, enough: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Occurrences per id, for ids occurring at least `min_hits` times (more than
    `min_hits` if `enough` of them do: see `hits`), ids in no particular order
    (sorting the ~50,000 a 3,000-字 draft finds at 10^6 items cost ~5 % of the gate).

    Compiled (`_hits.c`): a counter array kept between lookups, of which only
    the counters touched are read and reset, so the cost follows the postings
    read, not the ledger's size (NumPy's bincount allocates, zeroes and scans a
    counter per possible id: 3.3 against 1.4 ms for 150,000 postings over 10^6
    ids, measured on one machine). The NumPy path gives the same result."""
    if ids.size == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    if _hits is not None:
        # The stored ids are int32: read as uint32 without a copy.
        unsigned = ids.view(np.uint32) if ids.dtype == _IDS else ids.astype(np.uint32)
        raw = _hits.count(np.ascontiguousarray(unsigned), max(1, min_hits), max(0, enough))
        if raw is not None:
            packed = np.frombuffer(raw, dtype=np.uint64)  # (id << 32) | hits
            return (packed >> np.uint64(32)).astype(np.int64), (packed & np.uint64(0xFFFFFFFF)).astype(np.int64)
    return _count_numpy(ids, min_hits, enough)


def _count_numpy(ids: np.ndarray, min_hits: int, enough: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """`_count` without the compiled counter: a counter per possible id
    (np.bincount) while ids are dense enough, ~4× faster than sorting 10^5 of
    them; a sort when a few ids are spread over a wide range."""
    if int(ids.max()) <= 64 * ids.size + 4096:
        counts = np.bincount(ids)
        # At 10^6 items a draft's keys hit ~130,000 items once or more and
        # ~30,000 more than once: the caller's ranking then handles a quarter.
        found = np.flatnonzero(counts > min_hits) if enough else np.empty(0, dtype=np.int64)
        if found.size < max(enough, 1):
            found = np.flatnonzero(counts >= min_hits)
        return found.astype(np.int64), counts[found]
    ids = np.sort(ids, kind="stable")  # timsort merges the packed lists' sorted runs
    first = np.empty(ids.size, dtype=bool)
    first[0] = True
    np.not_equal(ids[1:], ids[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    counts = np.diff(np.append(starts, ids.size))
    keep = counts > min_hits
    if not enough or int(keep.sum()) < enough:
        keep = counts >= min_hits
    return ids[starts][keep].astype(np.int64), counts[keep]


def combine(pairs) -> np.ndarray:
    """(key, item id) pairs, keys signed 32-bit, as one uint64 each that sorts by key
    then id: half the memory of two int64 columns for a rebuild's millions."""
    arr = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    return ((arr[:, 0] + _KEY_OFFSET).astype(np.uint64) << np.uint64(32)) | arr[:, 1].astype(np.uint64)


def _ids_of(combined: np.ndarray) -> np.ndarray:
    return (combined & np.uint64(0xFFFFFFFF)).astype(_IDS)


def by_period(triples) -> dict[int, np.ndarray]:
    """(key, period, item id) triples as {period: `combine`d (key, id) pairs}."""
    arr = np.asarray(triples, dtype=np.int64).reshape(-1, 3)
    periods = arr[:, 1]
    return {int(p): combine(arr[periods == p][:, [0, 2]]) for p in np.unique(periods)}


BAND = Postings(rows="similarity_band", lists="similarity_bandlist", key="bucket")
UPPER = Postings(rows="similarity_uppergram", lists="similarity_upperlist", key="gram")
ALL = (BAND, UPPER)
