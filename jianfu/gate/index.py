"""Similarity index maintenance, called by the ledger services inside their transaction.

The index lives in `jianfu.gate.similarity` (tables, docs/similarity.md); these
functions are the ledger's only entry points, and `jianfu reindex`
rebuilds everything from the ledger.
"""

import contextlib
import logging
from collections.abc import Iterable

from django.db import DatabaseError, connection

from jianfu.gate.similarity import bulk as bulk_index
from jianfu.gate.similarity import store

logger = logging.getLogger(__name__)


def _errors() -> tuple[type[Exception], ...]:
    # The driver's own errors too: a COPY on PostgreSQL goes to psycopg past Django's wrapping.
    return (DatabaseError, connection.Database.Error)


def index_items(item_ids: Iterable[int], *, rows: list[tuple] | None = None, new: bool = False) -> None:
    """(Re)compute index rows for these items (batched); `rows`, the items' ledger rows as
    just written, saves reading them back, and `new` (just created) looking for old rows
    (store.index_items).

    The services call this inside the item's own transaction (one commit, and
    the index never lags the ledger); imports call it on commit. store.index_items
    is atomic, so inside a transaction it runs under a savepoint: a database
    error rolls back the index rows only. It must not turn a saved item into an
    error page, and the index can always be repaired with `jianfu reindex`, so
    it is logged instead of raised."""
    ids = list(item_ids)
    try:
        store.index_items(ids, rows=rows, new=new)
    except _errors():
        logger.exception("相似度索引更新失败（事项 %s），请运行 jianfu reindex 重建索引", ids[:10])


def remove_items(item_ids: Iterable[int]) -> None:
    """Drop index rows of deleted items (under a savepoint, errors logged, as `index_items`)."""
    ids = list(item_ids)
    try:
        store.remove_items(ids)
    except _errors():
        logger.exception("相似度索引删除失败（事项 %s），请运行 jianfu reindex 重建索引", ids[:10])


# An import creating at least this many items indexes them beside the inserts.
BULK_MIN = 2000


def bulk(count: int):
    """For an import about to create `count` items: a context manager giving a
    `BulkIndexer` (index rows computed in worker processes while the import
    inserts, written in the import's own transaction), or None below BULK_MIN,
    where the items are indexed on commit by `index_items`. An import of
    bulk.MEASURE_MIN items or more into a ledger whose stop and common grams were
    never measured measures them on its first items."""
    if count < BULK_MIN:
        return contextlib.nullcontext()
    return bulk_index.BulkIndexer(measure=count >= bulk_index.MEASURE_MIN and not store.is_measured())
