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

from jianfu.gate.similarity import postings
from jianfu.gate.similarity import text as T
from jianfu.gate.similarity.models import IndexState, Signature, StopGram
from jianfu.gate.similarity.rows import UNDATED, ItemRows, rows_for_batch
from jianfu.gate.similarity.sql import fetch, insert, marks

logger = logging.getLogger(__name__)

BATCH = 2000
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

INDEX_TABLES = (
    "similarity_band",
    "similarity_bandlist",
    "similarity_signature",
    "similarity_uppergram",
    "similarity_upperlist",
    "similarity_fieldname",
)
_ITEM_COLUMNS = ("id", "kind", "title", "body", "is_upper_level", "fields", "date")

# --------------------------------------------------------------------------- stop grams

_NONE = np.empty(0, dtype=np.uint64)
# Changes whenever what an item's rows are made of changes (enters every digest).
INDEX_FORMAT = 2
# (state token, fingerprint, stop keys, common keys, monotonic time of the last check)
_stop_cache: tuple[int | None, int, np.ndarray, np.ndarray, float] = (None, 0, T.BUILTIN_STOP_KEYS, _NONE, 0.0)
QUERY_RECHECK_SECONDS = 2.0


def stop_version() -> int:
    # Raw: every indexed save reads it, and the ORM query cost a third of indexing one item.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT stop_version FROM {IndexState._meta.db_table} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return (row[0] if row else 0) or 0


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


def _write(items: list[ItemRows], pending: dict | None = None) -> None:
    """Write these items' index rows; with `pending` (a rebuild), their postings
    are collected there instead (`collect`), for `_load` to write as packed lists."""
    if not items:
        return
    band = [(b, it.period, it.item_id) for it in items for b in it.buckets]
    upper = [(g, UNDATED, it.item_id) for it in items for g in it.upper]
    # Sorted by key: inserts walk each primary-key b-tree in order.
    fields = sorted((f, it.item_id) for it in items for f in it.fields)
    signatures = [(it.item_id, it.digest, it.sig, bool(it.upper), bool(it.fields), it.period) for it in items]
    with connection.cursor() as cursor:
        if pending is None:
            postings.BAND.add(cursor, sorted(band))
            postings.UPPER.add(cursor, sorted(upper))
        else:
            collect(pending, postings.BAND, postings.by_period(band))
            collect(pending, postings.UPPER, postings.by_period(upper))
        insert(cursor, "similarity_fieldname", "name, item_id", fields)
        insert(cursor, "similarity_signature", "item_id, digest, sig, is_upper, has_fields, period", signatures)


def collect(pending: dict, table: postings.Postings, by_period: dict[int, np.ndarray]) -> None:
    """Keep postings ({period: combined pairs}) for `_load`."""
    for period, pairs in by_period.items():
        pending[table].setdefault(period, []).append(pairs)


def _load(pending: dict) -> None:
    for table, periods in pending.items():
        if periods:
            table.load({period: np.concatenate(parts) for period, parts in periods.items()})
            periods.clear()


# A process checks the row tables' size after every CHECK_EVERY items it has
# indexed, and merges them into the packed lists past postings.DELTA_MAX rows.
CHECK_EVERY = 1000
_since_check = 0


def _compact_if_due(written: int) -> None:
    global _since_check
    _since_check += written
    if _since_check < CHECK_EVERY:
        return
    _since_check = 0
    with connection.cursor() as cursor:
        for table in postings.ALL:
            if table.delta_size(cursor) > postings.DELTA_MAX:
                moved = table.compact()
                logger.info("相似度索引：%s 的 %d 条新增记录已合并", table.rows, moved)


def _erase(signatures: list[tuple[int, bytes, bool, bool, int]]) -> None:
    """Delete the index rows of these (item_id, sig, is_upper, has_fields, period)."""
    if not signatures:
        return
    ids = [s[0] for s in signatures]
    field_ids = [s[0] for s in signatures if s[3]]
    band = [(b, period, item_id) for item_id, sig, _u, _f, period in signatures for b in T.posts_from_bytes(sig)]
    upper = [
        (g, UNDATED, item_id)
        for item_id, sig, is_upper, _f, _p in signatures
        if is_upper
        for g in T.upper_from_bytes(sig)
    ]
    with connection.cursor() as cursor:
        postings.BAND.remove(cursor, band)
        postings.UPPER.remove(cursor, upper)
        if field_ids:
            sql = f"DELETE FROM similarity_fieldname WHERE item_id IN ({marks(len(field_ids))})"  # noqa: S608
            cursor.execute(sql, field_ids)
        cursor.execute(f"DELETE FROM similarity_signature WHERE item_id IN ({marks(len(ids))})", ids)  # noqa: S608


def _ledger_rows(ids: Sequence[int]) -> list[tuple]:
    from jianfu.ledger.models import Item

    return list(Item.objects.filter(pk__in=ids).order_by().values_list(*_ITEM_COLUMNS))


# --------------------------------------------------------------------------- public writes


# What `_erase` needs of an item's signature row.
_ERASE_COLUMNS = "item_id, sig, is_upper, has_fields, period"


def _old_signatures(ids: Sequence[int], columns: str) -> list[tuple]:
    rows = fetch(f"SELECT {columns} FROM similarity_signature WHERE item_id IN ({marks(len(ids))})", list(ids))  # noqa: S608
    return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in rows]


def index_items(
    item_ids: Iterable[int], *, workers: int | None = None, rows: Sequence[tuple] | None = None, new: bool = False
) -> int:
    """(Re)index these ledger items in one transaction; returns how many changed.

    Items whose title, body, level and fields are unchanged (a status change)
    cost one read. Ids no longer in the ledger are removed from the index.
    From POOL_MIN ids on, signatures are computed in worker processes.
    `rows` are the items' ledger rows (_ITEM_COLUMNS) as the caller just wrote
    them, one per id: they are then not read back. `new`: the items were just
    created, so they have no index rows to replace (not read either)."""
    ids = sorted({int(i) for i in item_ids})
    given = {row[0]: tuple(row) for row in rows} if rows is not None else None
    if given is not None and set(given) != set(ids):
        raise ValueError("index_items: rows must be those of item_ids")
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
                found = [] if new else _old_signatures(chunk, f"{_ERASE_COLUMNS}, digest")
                old = {s[0]: s for s in found}
                ledger = [given[i] for i in chunk] if given is not None else _ledger_rows(chunk)
                yield old, ledger, {i: s[5] for i, s in old.items()}

        for (old, rows), fresh in _computed(batches(), (stop, common), fingerprint, workers=workers):
            seen = {row[0] for row in rows}
            recomputed = {r.item_id for r in fresh}
            _erase([s[:5] for i, s in old.items() if i not in seen or i in recomputed])
            _write(fresh)
            changed += len(fresh) + sum(1 for i in old if i not in seen)
        _compact_if_due(changed)
    return changed


def remove_items(item_ids: Iterable[int]) -> None:
    ids = sorted({int(i) for i in item_ids})
    if not ids:
        return
    with transaction.atomic():
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            _erase(_old_signatures(chunk, _ERASE_COLUMNS))


def measure_stop_grams(sample_size: int = SAMPLE_SIZE) -> tuple[np.ndarray, np.ndarray, int]:
    """(stop grams, common grams, items sampled) of an evenly spaced sample of the ledger
    (`measure_texts`)."""
    from jianfu.ledger.models import Item

    ids = list(Item.objects.order_by("pk").values_list("pk", flat=True))
    if len(ids) < MIN_SAMPLE:
        return _NONE, _NONE, len(ids)
    step = max(1, len(ids) // sample_size)
    sample = ids[::step][:sample_size]
    texts = (
        T.item_text(row[2], row[3])
        for start in range(0, len(sample), BATCH)
        for row in _ledger_rows(sample[start : start + BATCH])
    )
    return measure_texts(texts)


def measure_texts(texts: Iterable[str]) -> tuple[np.ndarray, np.ndarray, int]:
    """(stop grams, common grams, texts read): grams found in ≥ STOP_DF, resp. in
    ≥ COMMON_DF and < STOP_DF, of these texts; none below MIN_SAMPLE texts."""
    return stop_and_common([document_frequencies(list(texts))])


def document_frequencies(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, int]:
    """(grams, in how many of the texts each is, texts read); parts of a sample
    can be counted in worker processes and joined by `stop_and_common`."""
    per_doc = [T.shingles(text, T.BUILTIN_STOP_KEYS) for text in texts]
    if not per_doc:
        return _NONE, np.empty(0, dtype=np.int64), 0
    grams, counts = np.unique(np.concatenate(per_doc), return_counts=True)
    return grams, counts, len(per_doc)


def stop_and_common(parts: Sequence[tuple[np.ndarray, np.ndarray, int]]) -> tuple[np.ndarray, np.ndarray, int]:
    """`measure_texts` from the `document_frequencies` of the parts of a sample."""
    total = sum(n for _grams, _counts, n in parts)
    if total < MIN_SAMPLE:
        return _NONE, _NONE, total
    grams, where = np.unique(np.concatenate([g for g, _c, _n in parts]), return_inverse=True)
    counts = np.bincount(where, weights=np.concatenate([c for _g, c, _n in parts])).astype(np.int64)

    def at_least(share: float, below: float) -> np.ndarray:
        lo, hi = max(2, int(np.ceil(share * total))), below * total
        picked = (counts >= lo) & (counts < hi)
        found, n = grams[picked], counts[picked]
        if found.size > MAX_STOP_GRAMS:
            found = found[np.argsort(-n, kind="stable")[:MAX_STOP_GRAMS]]
        return np.sort(found)

    return at_least(STOP_DF, np.inf), at_least(COMMON_DF, STOP_DF), total


def save_stop_grams(stop_grams: np.ndarray, common_grams: np.ndarray, sampled: int) -> None:
    """Put these stop and common grams in force (in the caller's transaction): the
    signatures stored before were made with other grams (`jianfu reindex` remakes them)."""
    with transaction.atomic():
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


def is_measured() -> bool:
    """Stop and common grams have been measured on this ledger (by `jianfu reindex`,
    or by the first large import into an empty index)."""
    return IndexState.objects.filter(pk=1, sampled_items__gt=0).exists()


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
    SQLite transaction would hold the write lock and a gigabyte of WAL), and
    finally every posting as packed lists in one transaction. Until then
    lookups find nothing (the load takes seconds at 10^6 items)."""
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
        save_stop_grams(stop_grams, common_grams, sampled)
    fingerprint, stop, common = stop_keys()
    done = 0
    batches = ((None, rows, None) for rows in _ledger_batches(batch))
    # The postings are written once, at the end, as packed lists: until then
    # queries find nothing new (a few seconds at 10^6 items).
    pending: dict = {table: {} for table in postings.ALL}
    with _large_page_cache():
        for (_old, rows), computed in _computed(batches, (stop, common), fingerprint, workers=workers):
            with transaction.atomic():
                _write(computed, pending)
            done += len(rows)
            if progress:
                progress(done, total)
        with transaction.atomic():
            _load(pending)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The field table's primary key was filled in random key order
            # (~70% full pages); rebuilt, it is 40% smaller.
            cursor.execute("REINDEX TABLE similarity_fieldname")
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
