"""Posting lists (key → item ids), each kept in two tables.

On a large ledger one lookup reads many postings: a 3,000-字 draft's ~35 keys
meet ~90,000 of them at 10^6 items of the bench corpus. Kept as one row per
posting, counting them is a GROUP BY over 90,000 index rows (~50–100 ms); kept
as one packed array of item ids per key (`<name>list`: key, sorted
little-endian int32 ids) it is 35 row reads and a counter per id in NumPy (~1 ms).

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
    rows: str  # (key, item_id) primary key: new postings
    lists: str  # key primary key, ids: merged postings
    key: str  # name of the key column in both

    # ------------------------------------------------------------------ reads

    def hits(self, keys: Sequence[int], min_hits: int = 1, *, enough: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """(item ids ascending, how many of `keys` each is posted under), for the
        items posted under at least `min_hits` of them; with `enough`, only those
        posted under more than `min_hits` when there are at least `enough` of
        them (a caller that keeps the `enough` with most hits loses none)."""
        none = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        if not keys:
            return none
        m = marks(len(keys))
        sql = (
            f"SELECT ids, 0 FROM {self.lists} WHERE {self.key} IN ({m}) "  # noqa: S608
            f"UNION ALL SELECT NULL, item_id FROM {self.rows} WHERE {self.key} IN ({m})"
        )
        found = fetch(sql, [*keys, *keys], binary=True)
        parts = [_unpack(raw) for raw, _id in found if raw is not None]
        loose = [item_id for raw, item_id in found if raw is None]
        if loose:
            parts.append(np.array(loose, dtype=_IDS))
        if not parts:
            return none
        return _count(np.concatenate(parts), max(1, min_hits), enough)

    def pairs(self) -> list[tuple[int, int]]:
        """Every (key, item id) posted, sorted: for tests and checks, not for queries."""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {self.key}, item_id FROM {self.rows}")  # noqa: S608
            out = cursor.fetchall()
            cursor.execute(f"SELECT {self.key}, ids FROM {self.lists}")  # noqa: S608
            out += [(key, int(i)) for key, raw in cursor.fetchall() for i in _unpack(raw)]
        return sorted(out)

    # ------------------------------------------------------------------ writes

    def add(self, cursor, pairs: list[tuple[int, int]]) -> None:
        """New postings (key, item id), sorted by key: into the row table."""
        insert(cursor, self.rows, f"{self.key}, item_id", pairs)

    def remove(self, cursor, pairs: Iterable[tuple[int, int]]) -> None:
        """Remove postings (key, item id): every posting of the items concerned."""
        wanted = set(pairs)
        if not wanted:
            return
        by_item: dict[int, list[int]] = {}
        for key, item_id in wanted:
            by_item.setdefault(item_id, []).append(key)
        gone: set[tuple[int, int]] = set()
        for item_id, keys in by_item.items():
            # One statement per item: (key IN …, item_id = …) walks the primary
            # key; a row-value IN list made SQLite scan the table.
            for start in range(0, len(keys), KEYS_PER_STATEMENT):
                chunk = keys[start : start + KEYS_PER_STATEMENT]
                cursor.execute(
                    f"DELETE FROM {self.rows} WHERE {self.key} IN ({marks(len(chunk))}) "  # noqa: S608
                    f"AND item_id = %s RETURNING {self.key}",
                    [*chunk, item_id],
                )
                gone.update((key, item_id) for (key,) in cursor.fetchall())
        # What was not in the row table may have been merged into a list.
        merged_keys = sorted({k for k, _i in wanted - gone})
        if not merged_keys:
            return
        drop = np.array(sorted(by_item), dtype=_IDS)
        self._lock(cursor)
        for key, ids in self._read_lists(cursor, merged_keys).items():
            kept = ids[~np.isin(ids, drop)]
            if kept.size == ids.size:
                continue
            if kept.size:
                cursor.execute(f"UPDATE {self.lists} SET ids = %s WHERE {self.key} = %s", [_pack(kept), key])  # noqa: S608
            else:
                cursor.execute(f"DELETE FROM {self.lists} WHERE {self.key} = %s", [key])  # noqa: S608

    def load(self, pairs: np.ndarray) -> None:
        """Merge postings (`combine`d) straight into the packed lists."""
        with connection.cursor() as cursor:
            self._lock(cursor)
            self._merge(cursor, pairs)

    def delta_size(self, cursor, at_most: int = DELTA_MAX) -> int:
        """Rows in the row table, counted up to `at_most` + 1."""
        cursor.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM {self.rows} LIMIT {int(at_most) + 1}) d")  # noqa: S608
        return int(cursor.fetchone()[0])

    def compact(self) -> int:
        """Move the row table into the packed lists; returns how many postings moved."""
        with connection.cursor() as cursor:
            self._lock(cursor)
            cursor.execute(f"DELETE FROM {self.rows} RETURNING {self.key}, item_id")  # noqa: S608
            moved = cursor.fetchall()
            self._merge(cursor, combine(moved))
        return len(moved)

    # ------------------------------------------------------------------ helpers

    def _lock(self, cursor) -> None:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ID])

    def _read_lists(self, cursor, keys: Sequence[int]) -> dict[int, np.ndarray]:
        found: dict[int, np.ndarray] = {}
        for start in range(0, len(keys), KEYS_PER_STATEMENT):
            chunk = list(keys[start : start + KEYS_PER_STATEMENT])
            cursor.execute(
                f"SELECT {self.key}, ids FROM {self.lists} WHERE {self.key} IN ({marks(len(chunk))})",  # noqa: S608
                chunk,
            )
            found.update((key, _unpack(raw)) for key, raw in cursor.fetchall())
        return found

    def _merge(self, cursor, pairs: np.ndarray) -> None:
        if pairs.size == 0:
            return
        pairs = sorted_unique(pairs)  # by key, then item id
        keys = (pairs >> np.uint64(32)).astype(np.int64) - _KEY_OFFSET
        packed = (pairs & np.uint64(0xFFFFFFFF)).astype(_IDS).tobytes()
        del pairs
        starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
        bounds = (4 * starts).tolist() + [4 * keys.size]
        distinct = keys[starts].tolist()
        del keys
        cursor.execute(f"SELECT 1 FROM {self.lists} LIMIT 1")  # noqa: S608
        empty = cursor.fetchone() is None  # after a rebuild's TRUNCATE: nothing to read back
        step = KEYS_PER_STATEMENT * 20
        for lo in range(0, len(distinct), step):
            hi = min(lo + step, len(distinct))
            existing = {} if empty else self._read_lists(cursor, distinct[lo:hi])
            new_rows, changed = [], []
            for n in range(lo, hi):
                fresh = packed[bounds[n] : bounds[n + 1]]  # this key's sorted ids, already packed
                old = existing.get(distinct[n])
                if old is None:
                    new_rows.append((distinct[n], fresh))
                else:
                    changed.append((_pack(np.union1d(old, _unpack(fresh))), distinct[n]))
            insert(cursor, self.lists, f"{self.key}, ids", new_rows)
            if changed:
                cursor.executemany(f"UPDATE {self.lists} SET ids = %s WHERE {self.key} = %s", changed)  # noqa: S608


_KEY_OFFSET = 2**31


def _count(ids: np.ndarray, min_hits: int, enough: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Occurrences per id, for ids occurring at least `min_hits` times (more than
    `min_hits` if `enough` of them do: see `hits`). A counter per possible id
    (np.bincount) while ids are dense enough, ~4× faster than sorting 10^5 of
    them; a sort when a few ids are spread over a wide range."""
    if ids.size == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
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


BAND = Postings(rows="similarity_band", lists="similarity_bandlist", key="bucket")
UPPER = Postings(rows="similarity_uppergram", lists="similarity_upperlist", key="gram")
ALL = (BAND, UPPER)
