"""Indexing items while they are being inserted (large imports).

`index_items` reads new items back and computes their index rows after the
import; on two cores that runs after the insert instead of beside it. A
`BulkIndexer` takes each chunk of rows as the importer writes it, computes its
index rows in forked worker processes while the importer goes on inserting, and
writes them in the caller's transaction: signatures as results arrive, the
postings as packed lists at the end.
"""

import dataclasses
import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import chain

import numpy as np

from jianfu.gate.similarity import postings, store
from jianfu.gate.similarity import text as T
from jianfu.gate.similarity.rows import ItemRows, rows_for_batch

Batch = tuple[list[ItemRows], dict[int, np.ndarray]]


def _analyse(rows: list[tuple], grams: tuple[np.ndarray, np.ndarray], fingerprint: int) -> Batch:
    """`rows_for_batch`, with the band postings (~100 per item) packed here as arrays
    per period (postings.by_period): sent back as Python ints, the importing process
    spent ~10 % of the import's CPU unpickling them and building `combine`'s pairs
    (measured at 2 x 10^4 items)."""
    items = rows_for_batch(rows, grams, fingerprint)
    counts = [len(it.buckets) for it in items]
    keys = np.fromiter(chain.from_iterable(it.buckets for it in items), dtype=np.int64, count=sum(counts))
    periods = np.repeat(np.array([it.period for it in items], dtype=np.int64), counts)
    ids = np.repeat(np.array([it.item_id for it in items], dtype=np.int64), counts)
    band = postings.by_period(np.column_stack((keys, periods, ids)))
    return [dataclasses.replace(it, buckets=[]) for it in items], band


# Batches submitted per worker and not yet written, at most (a batch is half an insert chunk).
MAX_PENDING = 4
# An import of MEASURE_MIN items or more into a ledger whose stop and common
# grams were never measured measures them on its first MEASURE_ROWS items
# before indexing any: with the built-in stop phrases alone an item posts ~4×
# as many keys (the ledger's stock phrases), and writing them was a third of a
# 10^6-item import. Below that the measurement costs more than it saves (at
# 10^4 items: 0.6 s of 4 s, the workers waiting for the first rows).
MEASURE_MIN = 100_000
MEASURE_ROWS = 2000


class BulkIndexer:
    """Use as a context manager around an import:

        with BulkIndexer() as ix:
            for chunk in chunks:
                insert(chunk)
                ix.add([(id, kind, title, body, is_upper_level, fields, date), ...])
            ix.finish()

    Rows are computed with the stop grams in force when it starts, or, with
    `measure`, with those measured on its first MEASURE_ROWS items (put in
    force in the import's transaction); if a `jianfu reindex` changes them
    before `finish`, the items are indexed anew."""

    def __init__(self, *, workers: int | None = None, measure: bool = False):
        self.fingerprint, stop, common = store.stop_keys()
        self._grams = (stop, common)
        # As many workers as cores (measured at 10^4 on 2 cores: one worker
        # beside the inserting process was 40% slower; the analysis is the
        # larger share of an imported item's CPU).
        workers = store.default_workers() if workers is None else workers
        fork = "fork" in multiprocessing.get_all_start_methods()
        self._pool = (
            ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))
            if workers > 1 and fork
            else None
        )
        if self._pool is not None:
            # Fork the workers now: a process that goes on to read a large file
            # would otherwise fork them holding it, and each keeps a copy of the
            # pages it touches afterwards.
            self._pool.submit(int).result()
        self._workers = workers
        self._pending: list[Future | Batch] = []
        self._postings: dict = {table: {} for table in store.postings.ALL}
        self._ids: list[int] = []
        self._held: list[tuple] | None = [] if measure else None  # rows waiting for the measurement
        self.written = 0

    def add(self, rows: list[tuple]) -> None:
        """Ledger rows (id, kind, title, body, is_upper_level, fields, date) just inserted."""
        self._ids.extend(r[0] for r in rows)
        if self._held is not None:
            self._held.extend(rows)
            if len(self._held) >= MEASURE_ROWS:
                self._measure()
            return
        self._submit(rows)

    def _measure(self) -> None:
        rows, self._held = self._held or [], None
        texts = [T.item_text(r[2], r[3]) for r in rows[:MEASURE_ROWS]]
        if self._pool is None:
            parts = [store.document_frequencies(texts)]
        else:  # counted in the workers, which would wait for the measurement anyway
            futures = [self._pool.submit(store.document_frequencies, part) for part in self._shares(texts)]
            parts = [f.result() for f in futures]
        stop, common, sampled = store.stop_and_common(parts)
        if sampled >= store.MIN_SAMPLE:
            store.save_stop_grams(stop, common, sampled)
            self.fingerprint, stop, common = store.stop_keys()
            self._grams = (stop, common)
        self._submit(rows)

    def _submit(self, rows: list[tuple]) -> None:
        if self._pool is None:
            self._pending.append(_analyse(rows, self._grams, self.fingerprint))
        else:
            for part in self._shares(rows):
                self._pending.append(self._pool.submit(_analyse, part, self._grams, self.fingerprint))
        self._drain(block=False)
        # Backpressure: when the workers fall behind the inserts (a busy machine), wait for
        # them rather than queue the rest of the import's texts (a 10^6-item import under
        # load grew to 15 GB before this bound).
        while len(self._pending) > MAX_PENDING * self._workers:
            self._drain(block=True, upto=1)

    def _shares(self, seq: list) -> list[list]:
        """`seq` cut into one part per worker."""
        step = max(1, -(-len(seq) // self._workers))
        return [seq[i : i + step] for i in range(0, len(seq), step)]

    def finish(self) -> int:
        """Write what is left; returns how many items were indexed."""
        if self._held is not None:
            self._measure()
        self._drain(block=True)
        if store.stop_keys()[0] != self.fingerprint:
            # A reindex changed the stop grams meanwhile: these rows are stale.
            store.remove_items(self._ids)
            return store.index_items(self._ids)
        store._load(self._postings)
        return self.written

    def _drain(self, *, block: bool, upto: int | None = None) -> None:
        done = 0
        while self._pending and (upto is None or done < upto):
            done += 1
            head = self._pending[0]
            if isinstance(head, Future):
                if not block and not head.done():
                    return
                head = head.result()
            self._pending.pop(0)
            items, band = head
            store._write(items, self._postings)
            store.collect(self._postings, postings.BAND, band)
            self.written += len(items)

    def __enter__(self) -> "BulkIndexer":
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
