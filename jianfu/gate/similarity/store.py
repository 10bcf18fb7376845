"""Writing the similarity index: per-item rows, batch loads and the full rebuild.

Everything here goes through raw multi-row INSERT/DELETE on the index's own
tables (the ledger is only read), inside `transaction.atomic`, so an item's
index rows change together or not at all.
"""

import contextlib
import hashlib
import logging
import multiprocessing
import os
import secrets
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from jianfu.gate.similarity import text as T
from jianfu.gate.similarity.models import IndexState, Signature, StopGram
from jianfu.gate.similarity.rows import ItemRows, rows_for_batch

logger = logging.getLogger(__name__)

BATCH = 2000
ROWS_PER_INSERT = 400  # 2 params a row: far under every backend's parameter limit
# Stop grams are measured on an evenly spaced sample of the ledger; below
# MIN_SAMPLE items document frequencies say nothing and none are kept.
SAMPLE_SIZE = 5000
MIN_SAMPLE = 200
STOP_DF = 0.10  # a gram in ≥ 10% of items identifies none of them
# A gram in ≥ 1% of items still tells copies from unrelated notices when
# verifying, but as a posting key it would make every lookup read a
# hundredth of the ledger: "common", not posted.
COMMON_DF = 0.01
MAX_STOP_GRAMS = 20000  # of each kind
POOL_MIN = 10000  # items from which `rebuild` computes signatures in worker processes

INDEX_TABLES = ("similarity_band", "similarity_signature", "similarity_uppergram", "similarity_fieldname")
_ITEM_COLUMNS = ("id", "kind", "title", "body", "is_upper_level", "fields")

# --------------------------------------------------------------------------- stop grams

_NONE = np.empty(0, dtype=np.uint64)
# Changes whenever what an item's rows are made of changes (enters every digest).
INDEX_FORMAT = 2
# (state token, fingerprint, stop keys, common keys, monotonic time of the last check)
_stop_cache: tuple[int | None, int, np.ndarray, np.ndarray, float] = (None, 0, T.BUILTIN_STOP_KEYS, _NONE, 0.0)
QUERY_RECHECK_SECONDS = 2.0


def stop_version() -> int:
    return IndexState.objects.filter(pk=1).values_list("stop_version", flat=True).first() or 0


def _fingerprint(stop: np.ndarray, common: np.ndarray) -> int:
    h = hashlib.blake2b(f"{INDEX_FORMAT}|{stop.size}|".encode(), digest_size=4)
    h.update(stop.astype("<u8").tobytes())
    h.update(common.astype("<u8").tobytes())
    return int.from_bytes(h.digest(), "big")


def forget_stop_keys() -> None:
    global _stop_cache
    _stop_cache = (None, 0, T.BUILTIN_STOP_KEYS, _NONE, 0.0)


def stop_keys(*, fresh: bool = True) -> tuple[int, np.ndarray, np.ndarray]:
    """(fingerprint, sorted stop keys, sorted common keys) in force: stop keys are the
    built-in officialese plus the measured ones, common keys the measured grams
    too frequent to post (text.posting_keys).

    Signatures are stored, so every process must use the set the stored
    signatures were made with. Writers (`fresh`) read the state row every
    time; queries re-read it at most every QUERY_RECHECK_SECONDS, so a
    `jianfu reindex` elsewhere is seen within two seconds. The set itself is
    reloaded only when the state's token changed. The fingerprint enters each
    item's digest, so the same ledger and stop set always give the same rows."""
    global _stop_cache
    cached_version, fingerprint, keys, common, checked = _stop_cache
    now = time.monotonic()
    if not fresh and cached_version is not None and now - checked < QUERY_RECHECK_SECONDS:
        return fingerprint, keys, common
    version = stop_version()
    if version != cached_version:
        rows = list(StopGram.objects.values_list("gram", "common"))
        measured = np.array([g for g, c in rows if not c], dtype=np.int64).view(np.uint64)
        common = np.sort(np.array([g for g, c in rows if c], dtype=np.int64).view(np.uint64))
        keys = np.union1d(T.BUILTIN_STOP_KEYS, measured) if measured.size else T.BUILTIN_STOP_KEYS
        fingerprint = _fingerprint(keys, common)
    _stop_cache = (version, fingerprint, keys, common, now)
    return fingerprint, keys, common


def _insert(cursor, table: str, columns: str, rows: list[tuple]) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        # COPY: one stream instead of a statement per 400 rows (PostgreSQL
        # parses and plans each multi-row INSERT; COPY measured ~3× faster).
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    width = len(rows[0])
    one = "(" + ", ".join(["%s"] * width) + ")"
    for start in range(0, len(rows), ROWS_PER_INSERT):
        chunk = rows[start : start + ROWS_PER_INSERT]
        sql = f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([one] * len(chunk))  # noqa: S608
        cursor.execute(sql, [v for r in chunk for v in r])


def _write(items: list[ItemRows]) -> None:
    if not items:
        return
    # Sorted by key: inserts walk each primary-key b-tree in order.
    bands = sorted((b, it.item_id) for it in items for b in it.buckets)
    upper = sorted((g, it.item_id) for it in items for g in it.upper)
    fields = sorted((f, it.item_id) for it in items for f in it.fields)
    signatures = [(it.item_id, it.digest, it.sig, bool(it.upper), bool(it.fields)) for it in items]
    with connection.cursor() as cursor:
        _insert(cursor, "similarity_band", "bucket, item_id", bands)
        _insert(cursor, "similarity_uppergram", "gram, item_id", upper)
        _insert(cursor, "similarity_fieldname", "name, item_id", fields)
        _insert(cursor, "similarity_signature", "item_id, digest, sig, is_upper, has_fields", signatures)


def _erase(signatures: list[tuple[int, bytes, bool, bool]]) -> None:
    """Delete the index rows of these (item_id, sig, is_upper, has_fields)."""
    if not signatures:
        return
    bands = [(b, item_id) for item_id, sig, _u, _f in signatures for b in T.posts_from_bytes(sig)]
    upper_ids = [s[0] for s in signatures if s[2]]
    field_ids = [s[0] for s in signatures if s[3]]
    with connection.cursor() as cursor:
        if bands:
            cursor.executemany("DELETE FROM similarity_band WHERE bucket = %s AND item_id = %s", bands)
        for ids, table in ((upper_ids, "similarity_uppergram"), (field_ids, "similarity_fieldname")):
            if ids:
                marks = ", ".join(["%s"] * len(ids))
                cursor.execute(f"DELETE FROM {table} WHERE item_id IN ({marks})", ids)  # noqa: S608
    Signature.objects.filter(item_id__in=[s[0] for s in signatures]).delete()


def _ledger_rows(ids: Sequence[int]) -> list[tuple]:
    from jianfu.ledger.models import Item

    return list(Item.objects.filter(pk__in=ids).order_by().values_list(*_ITEM_COLUMNS))


# --------------------------------------------------------------------------- public writes


def index_items(item_ids: Iterable[int], *, workers: int | None = None) -> int:
    """(Re)index these ledger items in one transaction; returns how many changed.

    Items whose title, body, level and fields are unchanged (a status change)
    cost one read. Ids no longer in the ledger are removed from the index.
    From POOL_MIN ids on, signatures are computed in worker processes."""
    ids = sorted({int(i) for i in item_ids})
    if not ids:
        return 0
    if workers is None:
        workers = default_workers() if len(ids) >= POOL_MIN else 1
    changed = 0
    with transaction.atomic():
        fingerprint, stop, common = stop_keys()

        def batches() -> Iterator[tuple[dict, list[tuple], dict[int, int]]]:
            for start in range(0, len(ids), BATCH):
                chunk = ids[start : start + BATCH]
                old = {
                    s[0]: s
                    for s in Signature.objects.filter(item_id__in=chunk).values_list(
                        "item_id", "sig", "is_upper", "has_fields", "digest"
                    )
                }
                yield old, _ledger_rows(chunk), {i: s[4] for i, s in old.items()}

        for (old, rows), fresh in _computed(batches(), (stop, common), fingerprint, workers=workers):
            seen = {row[0] for row in rows}
            recomputed = {r.item_id for r in fresh}
            _erase([s[:4] for i, s in old.items() if i not in seen or i in recomputed])
            _write(fresh)
            changed += len(fresh) + sum(1 for i in old if i not in seen)
    return changed


def remove_items(item_ids: Iterable[int]) -> None:
    ids = sorted({int(i) for i in item_ids})
    if not ids:
        return
    with transaction.atomic():
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            _erase(
                list(
                    Signature.objects.filter(item_id__in=chunk).values_list("item_id", "sig", "is_upper", "has_fields")
                )
            )


def measure_stop_grams(sample_size: int = SAMPLE_SIZE) -> tuple[np.ndarray, np.ndarray, int]:
    """(stop grams, common grams, items sampled): grams found in ≥ STOP_DF, resp. in
    ≥ COMMON_DF and < STOP_DF, of an evenly spaced sample of the ledger."""
    from jianfu.ledger.models import Item

    ids = list(Item.objects.order_by("pk").values_list("pk", flat=True))
    if len(ids) < MIN_SAMPLE:
        return _NONE, _NONE, len(ids)
    step = max(1, len(ids) // sample_size)
    sample = ids[::step][:sample_size]
    per_doc = []
    for start in range(0, len(sample), BATCH):
        for row in _ledger_rows(sample[start : start + BATCH]):
            per_doc.append(T.shingles(T.item_text(row[2], row[3]), T.BUILTIN_STOP_KEYS))
    if not per_doc:
        return _NONE, _NONE, 0
    grams, counts = np.unique(np.concatenate(per_doc), return_counts=True)

    def at_least(share: float, below: float) -> np.ndarray:
        lo, hi = max(2, int(np.ceil(share * len(per_doc)))), below * len(per_doc)
        picked = (counts >= lo) & (counts < hi)
        found, n = grams[picked], counts[picked]
        if found.size > MAX_STOP_GRAMS:
            found = found[np.argsort(-n, kind="stable")[:MAX_STOP_GRAMS]]
        return np.sort(found)

    return at_least(STOP_DF, np.inf), at_least(COMMON_DF, STOP_DF), len(per_doc)


def _new_token(old: int) -> int:
    while True:
        token = secrets.randbelow(2**31 - 2) + 1
        if token != old:
            return token


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def rebuild(
    *, batch: int = BATCH, progress: Callable[[int, int], None] | None = None, workers: int | None = None
) -> dict:
    """Rebuild the whole index from the ledger (`jianfu reindex`).

    First measures the stop grams, then empties the index and loads every item
    in batches, one transaction per batch (a rebuild of 10^6 items in a single
    SQLite transaction would hold the write lock and a gigabyte of WAL). While
    it runs, queries see the part already rebuilt."""
    from jianfu.ledger.models import Item

    stop_grams, common_grams, sampled = measure_stop_grams()
    total = Item.objects.count()
    if workers is None:
        # Worker processes pay off only when there is enough to compute.
        workers = default_workers() if total >= POOL_MIN else 1
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # TRUNCATE, not DELETE: a DELETE leaves every old row dead in
                # the table until vacuum, doubling its size after a rebuild.
                cursor.execute(f"TRUNCATE {', '.join(INDEX_TABLES)}")
            else:
                for table in INDEX_TABLES:
                    cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        StopGram.objects.all().delete()
        StopGram.objects.bulk_create(
            [StopGram(gram=int(g)) for g in stop_grams.view(np.int64)]
            + [StopGram(gram=int(g), common=True) for g in common_grams.view(np.int64)],
            batch_size=1000,
        )
        state, _ = IndexState.objects.select_for_update().get_or_create(pk=1)
        # A fresh random token, not a counter: a process caching the stop grams
        # of an earlier build (or of a rolled-back one) must see a change.
        state.stop_version = _new_token(state.stop_version)
        state.sampled_items = sampled
        state.built_at = timezone.now()
        state.save()
    forget_stop_keys()
    fingerprint, stop, common = stop_keys()
    done = 0
    batches = ((None, rows, None) for rows in _ledger_batches(batch))
    with _large_page_cache():
        for (_old, rows), computed in _computed(batches, (stop, common), fingerprint, workers=workers):
            with transaction.atomic():
                _write(computed)
            done += len(rows)
            if progress:
                progress(done, total)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The posting tables' primary keys were filled in random key order
            # (~70% full pages); rebuilt, they are 40% smaller (266 B an item).
            for table in ("similarity_band", "similarity_uppergram", "similarity_fieldname"):
                cursor.execute(f"REINDEX TABLE {table}")
            # Fresh statistics and visibility map now, not whenever autovacuum
            # gets to it: lookups then read the postings from the index alone.
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            cursor.execute(f"{command} {', '.join(INDEX_TABLES)}")
    return {
        "items": done,
        "stop_grams": int(stop_grams.size),
        "common_grams": int(common_grams.size),
        "sampled": sampled,
        "workers": workers,
    }


REBUILD_CACHE_KIB = 256 * 1024


@contextlib.contextmanager
def _large_page_cache():
    """SQLite's default 2 MB page cache: once the band table outgrows it, every
    random-key insert of a rebuild reads a page from disk. A rebuild is a
    one-off command, so it may use 256 MB for as long as it runs."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{REBUILD_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _ledger_batches(batch: int) -> Iterator[list[tuple]]:
    from jianfu.ledger.models import Item

    last = 0
    while True:
        rows = list(Item.objects.filter(pk__gt=last).order_by("pk").values_list(*_ITEM_COLUMNS)[:batch])
        if not rows:
            return
        last = rows[-1][0]
        yield rows


def _computed(
    batches: Iterator[tuple[Any, list[tuple], dict[int, int] | None]],
    grams: tuple[np.ndarray, np.ndarray],
    fingerprint: int,
    *,
    workers: int,
) -> Iterator[tuple[tuple[Any, list[tuple]], list[ItemRows]]]:
    """For each (context, ledger rows, known digests): ((context, rows), index rows).

    With workers > 1 the signatures of the next batch are computed in worker
    processes while this process writes. Workers are forked (spawning would
    re-run the caller's __main__) and do pure NumPy work: they never use the
    inherited database connection, and forked pool workers leave through
    os._exit, so they never close it."""
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for context, rows, known in batches:
            yield (context, rows), rows_for_batch(rows, grams, fingerprint, known)
        return
    pending: deque = deque()

    def finished():
        (context, rows), futures = pending.popleft()
        return (context, rows), [r for f in futures for r in f.result()]

    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        for context, rows, known in batches:
            step = max(1, -(-len(rows) // workers))
            futures = [
                pool.submit(rows_for_batch, rows[i : i + step], grams, fingerprint, known)
                for i in range(0, len(rows), step)
            ]
            pending.append(((context, rows), futures))
            if len(pending) > 1:
                yield finished()
        while pending:
            yield finished()


def is_empty_for_ledger() -> bool:
    """The ledger has items but the index has none: a fresh restore, or an upgrade
    whose migration emptied the index. `jianfu reindex` fills it."""
    from jianfu.ledger.models import Item

    return not Signature.objects.exists() and Item.objects.exists()


def index_size_bytes() -> dict[str, int]:
    """Bytes on disk of each index table with its indexes (for the benchmarks'
    `index_bytes_per_item`); empty when the backend cannot say."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT relname, pg_total_relation_size(oid) FROM pg_class WHERE relkind = 'r' AND relname = ANY(%s)",
                [list(INDEX_TABLES)],
            )
            return {name: int(size) for name, size in cursor.fetchall()}
        if connection.vendor == "sqlite":
            try:
                marks = ", ".join(["%s"] * len(INDEX_TABLES))
                sql = f"SELECT tbl_name, name FROM sqlite_master WHERE tbl_name IN ({marks})"  # noqa: S608
                cursor.execute(sql, list(INDEX_TABLES))
                owner = {name: table for table, name in cursor.fetchall()}
                cursor.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")
            except Exception:  # noqa: BLE001 - SQLite built without the dbstat table
                return {}
            sizes: dict[str, int] = {}
            for name, size in cursor.fetchall():
                if name in owner:
                    sizes[owner[name]] = sizes.get(owner[name], 0) + int(size)
            return sizes
    return {}
