"""Queries the gate runs against the similarity index (read only).

    find_similar(text, ...)            NEAR_DUPLICATE        similarity ≥ 0.6
    find_upper_containment(text, ...)  COPIES_UPPER_DOC      share ≥ 0.7
    find_field_overlap(fields, ...)    DATA_REQUEST_OVERLAP  overlap ≥ 0.5

Each is a bounded number of indexed lookups: band buckets (or gram samples,
or field names) → candidate ids joined to the live ledger for status, date and
kind → a Jaccard estimate from the stored signatures → exact verification on
at most a few candidate texts. Nothing scans the ledger.

`text` is what the ledger indexes for an item: `item_text(title, body)`.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.db import connection

from jianfu.gate.similarity import store
from jianfu.gate.similarity import text as T
from jianfu.gate.similarity.rows import normalise_field
from jianfu.gate.similarity.text import item_text  # noqa: F401  (re-exported for the gate)

LIVE = ("approved", "issued")
CANDIDATES = 200  # band-hit candidates considered, most hits first
ESTIMATE_MARGIN = 0.1  # ≈ 2.5 standard deviations of a 192-permutation estimate
UPPER_CANDIDATES = 20
POSTINGS_LIMIT = 2000  # items read from a posting table per query, most hits first


@dataclass(frozen=True, slots=True)
class Match:
    id: int
    kind: str
    title: str
    similarity: float  # 0..1; ≥ 0.6 near-duplicate (find_similar), share contained (find_upper_containment)
    date: dt.date
    issuer_id: int


@dataclass(frozen=True, slots=True)
class FieldOverlap:
    id: int
    title: str
    overlap: float  # share of the draft's fields this item already requests
    shared: list[str] = field(default_factory=list)  # the draft's field names, as the draft wrote them


_recent: dict[tuple[str, int], T.Analysis] = {}
_RECENT_MAX = 16


def _analysis(text: str, fingerprint: int, stop: np.ndarray) -> T.Analysis:
    """The gate asks about one draft several times (every kind, the meetings of
    the week, upper documents): hash it once. Keyed by the stop-set fingerprint."""
    key = (text, fingerprint)
    found = _recent.get(key)
    if found is None:
        found = T.analyse(text, stop)
        if len(_recent) >= _RECENT_MAX:
            try:
                _recent.pop(next(iter(_recent)))
            except (KeyError, RuntimeError, StopIteration):  # another thread got there first
                pass
        _recent[key] = found
    return found


def analyse(text: str) -> T.Analysis:
    """Shingles, hashes and signature of a text with the index's current stop grams."""
    fingerprint, stop = store.stop_keys(fresh=False)
    return _analysis(text or "", fingerprint, stop)


def signature(text: str) -> np.ndarray:
    """MinHash signature of a text with the index's current stop grams."""
    return analyse(text).sig


def _item_table() -> str:
    from jianfu.ledger.models import Item

    return Item._meta.db_table


def _marks(values: Sequence) -> str:
    return ", ".join(["%s"] * len(values))


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _ranked(
    table: str, column: str, keys: list, where: list[str], params: list, limit: int, *, with_signature: bool = False
) -> list[tuple[int, int, bytes | None]]:
    """(item_id, postings hit, stored signature or None) of the items with most
    postings among `keys` whose live ledger row passes `where`, most hits first.

    Two queries, each driven by primary keys whatever the planner believes
    about the tables (as one join, PostgreSQL without fresh statistics hashed
    every live item of the ledger): the postings, then the ledger rows (and
    signatures) of those ids."""
    rows = _fetch(
        f"SELECT item_id, COUNT(*) FROM {table} WHERE {column} IN ({_marks(keys)}) "  # noqa: S608
        f"GROUP BY item_id ORDER BY COUNT(*) DESC, item_id LIMIT {POSTINGS_LIMIT}",
        list(keys),
    )
    if not rows:
        return []
    ids = [r[0] for r in rows]
    conditions = [f"i.id IN ({_marks(ids)})", *where]
    if with_signature:
        conditions.append(f"s.item_id IN ({_marks(ids)})")
        sql = (
            f"SELECT i.id, s.sig FROM {_item_table()} i JOIN similarity_signature s ON s.item_id = i.id "  # noqa: S608
            f"WHERE {' AND '.join(conditions)}"
        )
        live = dict(_fetch(sql, [*ids, *params, *ids]))
    else:
        sql = f"SELECT i.id, NULL FROM {_item_table()} i WHERE {' AND '.join(conditions)}"  # noqa: S608
        live = dict(_fetch(sql, [*ids, *params]))
    return [(item_id, hits, live[item_id]) for item_id, hits in rows if item_id in live][:limit]


def _texts(ids: Iterable[int]) -> dict[int, tuple]:
    from jianfu.ledger.models import Item

    rows = (
        Item.objects.filter(pk__in=list(ids)).order_by().values_list("id", "kind", "title", "body", "date", "issuer_id")
    )
    return {r[0]: r for r in rows}


def find_similar(
    text: str,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    kinds: Iterable[str] | None = None,
    statuses: Iterable[str] = LIVE,
    exclude_ids: Iterable[int] = (),
    limit: int = 10,
    min_similarity: float = 0.5,
    include_upper: bool = False,
) -> list[Match]:
    """Ledger items whose title and body say much the same as `text`, most similar first.

    `similarity` is calibrated (text.calibrate): ≥ 0.6 means a near-duplicate
    worth merging. Upper-level documents are left out unless `include_upper`
    (copying them is find_upper_containment's business)."""
    fingerprint, stop = store.stop_keys(fresh=False)
    draft = _analysis(text or "", fingerprint, stop)
    buckets = sorted(set(T.band_keys(draft.sig)))
    statuses = list(statuses or ())
    if not buckets or not statuses or limit <= 0:
        return []
    where = [f"i.status IN ({_marks(statuses)})"]
    params: list = [*statuses]
    if not include_upper:
        where.append("i.is_upper_level = %s")
        params.append(False)
    if since is not None:
        where.append("i.date >= %s")
        params.append(since)
    if until is not None:
        where.append("i.date <= %s")
        params.append(until)
    if kinds is not None:
        kinds = list(kinds)
        if not kinds:
            return []
        where.append(f"i.kind IN ({_marks(kinds)})")
        params.extend(kinds)
    exclude = sorted({int(i) for i in exclude_ids})
    if exclude:
        where.append(f"i.id NOT IN ({_marks(exclude)})")
        params.extend(exclude)
    candidates = _ranked("similarity_band", "bucket", buckets, where, params, CANDIDATES, with_signature=True)
    if not candidates:
        return []

    # Cheap filter: Jaccard estimated from the stored signatures (read with the candidates).
    # (A signature of another length comes from an older build: skip it until `jianfu reindex`.)
    sigs = {item_id: bytes(sig) for item_id, _hits, sig in candidates if len(sig) == T.NUM_PERM * 4}
    ids = [item_id for item_id, _hits, _sig in candidates if item_id in sigs]
    if not ids:
        return []
    matrix = np.stack([T.signature_from_bytes(sigs[i]) for i in ids])
    estimates = T.jaccard_to_dice(T.estimated_jaccard(draft.sig, matrix))
    scored = sorted(
        ((T.calibrate(float(e)), i) for e, i in zip(estimates, ids, strict=True)),
        key=lambda p: (-p[0], p[1]),
    )
    keep = [i for s, i in scored if s >= min_similarity - ESTIMATE_MARGIN][: limit + 10]

    # Exact verification on the few survivors: their 3-gram sets, one query.
    matches = []
    for item_id, kind, title, body, date, issuer_id in _texts(keep).values():
        share = T.dice(draft.keys, T.shingles(item_text(title, body), stop))
        similarity = T.calibrate(share)
        if similarity >= min_similarity:
            matches.append(Match(item_id, kind, title, similarity, date, issuer_id))
    matches.sort(key=lambda m: (-m.similarity, m.id))
    return matches[:limit]


def find_upper_containment(text: str, *, limit: int = 5, min_share: float = 0.3) -> list[Match]:
    """Registered upper-level documents that contain the draft, by the share of the
    draft's content found in each (≥ 0.7: "以文件落实文件"), largest first."""
    fingerprint, stop = store.stop_keys(fresh=False)
    draft = _analysis(text or "", fingerprint, stop)
    samples = sorted(set(T.upper_samples(draft.hashes)))
    if not samples or limit <= 0:
        return []
    rows = _ranked("similarity_uppergram", "gram", samples, ["i.is_upper_level = %s"], [True], UPPER_CANDIDATES)
    # The sampled share estimates containment; keep those that could reach min_share.
    floor = max(0.0, min_share - 0.15)
    keep = [item_id for item_id, hits, _none in rows if hits / len(samples) >= floor][: limit + 5]
    matches = []
    for item_id, kind, title, body, date, issuer_id in _texts(keep).values():
        share = round(T.containment(draft.keys, T.shingles(item_text(title, body), stop)), 4)
        if share >= min_share:
            matches.append(Match(item_id, kind, title, share, date, issuer_id))
    matches.sort(key=lambda m: (-m.similarity, m.id))
    return matches[:limit]


def find_field_overlap(
    fields: list[str],
    *,
    exclude_ids: Iterable[int] = (),
    statuses: Iterable[str] = LIVE,
    limit: int = 20,
) -> list[FieldOverlap]:
    """Data requests that already ask for the draft's fields, largest overlap first.

    Field names are compared normalised (normalise_field: full/half
    width, spaces, punctuation and bracketed units do not matter)."""
    by_name: dict[str, str] = {}
    for f in fields or ():
        name = normalise_field(f)
        if name and name not in by_name:
            by_name[name] = str(f).strip()
    statuses = list(statuses or ())
    if not by_name or not statuses or limit <= 0:
        return []
    names = sorted(by_name)
    where = [f"i.status IN ({_marks(statuses)})", "i.kind = %s"]
    params: list = [*statuses, "data_request"]
    exclude = sorted({int(i) for i in exclude_ids})
    if exclude:
        where.append(f"i.id NOT IN ({_marks(exclude)})")
        params.extend(exclude)
    table = _item_table()
    ids = [
        item_id for item_id, _hits, _none in _ranked("similarity_fieldname", "name", names, where, params, int(limit))
    ]
    if not ids:
        return []
    shared: dict[int, list[str]] = {i: [] for i in ids}
    rows = _fetch(
        f"SELECT f.item_id, f.name, i.title FROM similarity_fieldname f JOIN {table} i ON i.id = f.item_id "  # noqa: S608
        f"WHERE f.item_id IN ({_marks(ids)}) AND f.name IN ({_marks(names)})",
        [*ids, *names],
    )
    titles = {}
    for item_id, name, title in rows:
        shared[item_id].append(name)
        titles[item_id] = title
    result = [
        FieldOverlap(
            id=i,
            title=titles[i],
            overlap=round(len(shared[i]) / len(names), 4),
            shared=[by_name[n] for n in sorted(shared[i])],
        )
        for i in ids
    ]
    result.sort(key=lambda r: (-r.overlap, r.id))
    return result
