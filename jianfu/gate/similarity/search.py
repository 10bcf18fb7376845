"""Queries the gate runs against the similarity index (read only).

    find_similar(text, ...)            NEAR_DUPLICATE        similarity ≥ 0.6
    find_upper_containment(text, ...)  COPIES_UPPER_DOC      share ≥ 0.7
    find_field_overlap(fields, ...)    DATA_REQUEST_OVERLAP  overlap ≥ 0.5

Each is a bounded number of indexed lookups: posting keys (or gram samples,
or field names; within the quarters asked about) → candidate ids joined to
the live ledger for status, date and kind → the share in common estimated
from the posting hits → exact
verification on at most a few candidate texts (find_similar only). Nothing
scans the ledger.

`text` is what the ledger indexes for an item: `item_text(title, body)`.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from jianfu.gate.similarity import postings, store
from jianfu.gate.similarity import text as T
from jianfu.gate.similarity.rows import normalise_field, period_of
from jianfu.gate.similarity.sql import fetch, marks
from jianfu.gate.similarity.text import item_text  # noqa: F401  (re-exported for the gate)

LIVE = ("approved", "issued")
CANDIDATES = 50  # items with most posting hits whose signatures are read (live or not)
# The share estimated from the stored quarter samples (~60 hashes for a notice
# of 1,500 字 on a template-heavy ledger, sd ≤ 0.065); candidates within this
# margin below the share `min_similarity` needs are verified, at most
# `limit + VERIFY` of them, best estimate first.
ESTIMATE_MARGIN = 0.12
VERIFY = 2
UPPER_CANDIDATES = 20
# A draft with fewer sampled grams than this is checked against the upper
# documents' texts; above it the sampled share is the answer (sd ≤ 0.08).
UPPER_EXACT_BELOW = 40
POSTINGS_LIMIT = 2000
# A draft with at least 2 × QUERY_MIN lookup keys considers only items hit by
# MIN_HITS of them: a source keeps about half of its keys in a 40%-rewritten
# copy (≥ 4 of its ≥ 8), while most unrelated items share one.
MIN_HITS = 2
QUERY_MIN = T.QUERY_MIN  # items read from a posting table per query, most hits first


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


_recent: dict[tuple[str, int], np.ndarray] = {}
_RECENT_MAX = 16


def _shingles(text: str, fingerprint: int, stop: np.ndarray) -> np.ndarray:
    """The gate asks about one draft several times (title and body for
    near-duplicates, the body alone for upper documents, the meetings of the
    week): normalise and hash each piece once. Keyed by the stop-set fingerprint."""
    key = (text, fingerprint)
    found = _recent.get(key)
    if found is None:
        found = T.shingles(text, stop)
        if len(_recent) >= _RECENT_MAX:
            try:
                _recent.pop(next(iter(_recent)))
            except (KeyError, RuntimeError, StopIteration):  # another thread got there first
                pass
        _recent[key] = found
    return found


def analyse(text: str) -> T.Analysis:
    """Topical grams, hashes and posting keys of a text with the index's current
    stop grams; an `item_text` is analysed as its title and body."""
    fingerprint, stop, common = store.stop_keys(fresh=False)
    parts = [_shingles(part, fingerprint, stop) for part in T.split_parts(text or "")]
    keys = parts[0] if len(parts) == 1 else T.sorted_unique(np.concatenate(parts))
    return T.analysis_of(keys, common)


def _item_table() -> str:
    from jianfu.ledger.models import Item

    return Item._meta.db_table


def _ranked(table: str, column: str, keys: list, where: list[str], params: list, limit: int) -> list[tuple[int, int]]:
    """(item_id, postings hit) of the items with most postings among `keys`
    whose live ledger row passes `where`, most hits first.

    One query: the postings grouped by item, cut to the POSTINGS_LIMIT items
    with most hits in a subquery (so the planner knows it joins at most that
    many rows: as a plain join, PostgreSQL without fresh statistics hashed
    every live item of the ledger), then their ledger rows by primary key."""
    sql = (
        f"SELECT p.item_id, p.hits FROM ("  # noqa: S608
        f"SELECT item_id, COUNT(*) AS hits FROM {table} WHERE {column} IN ({marks(len(keys))}) "
        f"GROUP BY item_id ORDER BY hits DESC, item_id LIMIT {POSTINGS_LIMIT}) p "
        f"JOIN {_item_table()} i ON i.id = p.item_id "
        f"WHERE {' AND '.join(where) or 'TRUE'} ORDER BY p.hits DESC, p.item_id LIMIT {int(limit)}"
    )
    return fetch(sql, [*keys, *params])


def _top(ids: np.ndarray, hits: np.ndarray, limit: int) -> list[tuple[int, int]]:
    """(id, hits) of the `limit` ids (distinct, in any order) with most hits, most
    first, ties by id."""
    if ids.size > limit:
        # Hits are small counts, so the limit-th best comes from their
        # histogram (a fifth of np.partition's time at 10^5 candidates) and is
        # tied with thousands at 10^6 items: take those above it, then the
        # smallest tied ids.
        at_least = np.cumsum(np.bincount(hits)[::-1])[::-1]  # [v]: how many have ≥ v hits
        cut = int(np.flatnonzero(at_least >= limit)[-1])
        above = np.flatnonzero(hits > cut)
        tied = np.flatnonzero(hits == cut)
        wanted = limit - above.size
        if tied.size > wanted:
            tied = tied[np.argpartition(ids[tied], wanted - 1)[:wanted]] if wanted else tied[:0]
        keep = np.concatenate([above, tied])
        ids, hits = ids[keep], hits[keep]
    order = np.lexsort((ids, -hits))
    return list(zip(ids[order].tolist(), hits[order].tolist(), strict=True))


def _candidates(
    keys: list[int], min_hits: int, since: dt.date | None, until: dt.date | None
) -> list[tuple[int, bytes]]:
    """(item_id, stored signature) of the CANDIDATES items with most postings
    among `keys` (at least `min_hits`) filed in the quarters from `since` to
    `until`, whatever their ledger row says: the ledger's rows are wide (the
    body), so they are read only for the few candidates the signatures leave."""
    periods = (None if since is None else period_of(since), None if until is None else period_of(until))
    hits = postings.BAND.hits(keys, min_hits, enough=CANDIDATES, periods=periods)
    ids = [i for i, _hits in _top(*hits, CANDIDATES)]
    if not ids:
        return []
    sql = f"SELECT item_id, sig FROM similarity_signature WHERE item_id IN ({marks(len(ids))})"  # noqa: S608
    rows = dict(fetch(sql, ids, binary=True))
    return [(i, rows.get(i)) for i in ids]


def _ledger(ids: Sequence[int], columns: str) -> dict[int, tuple]:
    """Ledger rows of these items by primary key, id first: one raw statement
    (building it through the ORM cost ~1.2 ms of Python per lookup, more than
    reading the rows)."""
    if not ids:
        return {}
    sql = f"SELECT id, {columns} FROM {_item_table()} WHERE id IN ({marks(len(ids))})"  # noqa: S608
    rows = fetch(sql, list(ids), binary=True)
    return {r[0]: r for r in rows}


_TEXT = "kind, title, body, date, issuer_id"


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
    draft = analyse(text)
    posts = draft.lookup().view(np.int32).tolist()
    statuses = list(statuses or ())
    if not posts or not statuses or limit <= 0:
        return []
    kinds = None if kinds is None else list(kinds)
    if kinds == []:
        return []
    candidates = _candidates(posts, MIN_HITS if len(posts) >= 2 * QUERY_MIN else 1, since, until)
    if not candidates:
        return []

    # Cheap filter: the share in common estimated from the stored quarter
    # samples (read with the candidates; one vectorised pass). Unrelated items
    # that share a few posting keys stop here; copies go on, their source first.
    candidates = [(i, sig) for i, sig in candidates if sig is not None]  # removed meanwhile
    if not candidates:
        return []
    samples = [T.sample_from_bytes(sig) for _id, sig in candidates]
    sizes = np.array([x.size for x in samples])
    owner = np.repeat(np.arange(len(samples)), sizes)
    found = T.member(np.concatenate(samples), draft.sample)
    common = np.bincount(owner[found], minlength=len(candidates))
    floor = T.share_for(min_similarity) - ESTIMATE_MARGIN
    estimated = T.overlaps(common, draft.sample.size, sizes)
    ids = np.array([item_id for item_id, _sig in candidates])
    order = [int(n) for n in np.lexsort((ids, -estimated)) if estimated[n] >= floor]
    exclude = {int(i) for i in exclude_ids}
    hopeful = [i for i in ids[order].tolist() if i not in exclude]
    if not hopeful:
        return []

    # The ledger rows of the best few by primary key (one query; the filters
    # are applied here, so no planner can prefer a status or date index and
    # walk half the ledger), then exact verification of the best
    # `limit + VERIFY` still standing.
    statuses_set = set(statuses)
    kinds_set = None if kinds is None else set(kinds)
    rows = _ledger(hopeful[: 2 * (limit + VERIFY)], f"{_TEXT}, status, is_upper_level")
    keep = [
        rows[i][:6]
        for i in hopeful
        if i in rows
        and rows[i][6] in statuses_set
        and (include_upper or not rows[i][7])
        and (since is None or rows[i][4] >= since)
        and (until is None or rows[i][4] <= until)
        and (kinds_set is None or rows[i][1] in kinds_set)
    ][: limit + VERIFY]
    stop = store.stop_keys(fresh=False)[1]
    matches = []
    for item_id, kind, title, body, date, issuer_id in keep:
        similarity = T.calibrate(T.share(draft.keys, T.shingles(item_text(title, body), stop)))
        if similarity >= min_similarity:
            matches.append(Match(item_id, kind, title, similarity, date, issuer_id))
    matches.sort(key=lambda m: (-m.similarity, m.id))
    return matches[:limit]


def find_upper_containment(text: str, *, limit: int = 5, min_share: float = 0.3) -> list[Match]:
    """Registered upper-level documents that contain the draft, by the share of the
    draft's content found in each (≥ 0.7: "以文件落实文件"), largest first."""
    draft = analyse(text)
    samples = sorted(set(T.upper_samples(draft.hashes)))
    if not samples or limit <= 0:
        return []
    exact = len(samples) < UPPER_EXACT_BELOW
    # Too few samples for a stable estimate: compare the full texts of those
    # within 0.15 of the share asked for.
    floor = max(0.0, min_share - 0.15) if exact else min_share
    ranked = _top(*postings.UPPER.hits(samples, int(np.ceil(floor * len(samples) - 1e-9))), POSTINGS_LIMIT)
    if not ranked:
        return []
    # A document that stopped being upper-level keeps its postings until it is reindexed on commit.
    upper = {i for i, (_i, is_upper) in _ledger([i for i, _h in ranked], "is_upper_level").items() if is_upper}
    # The upper documents store the same consistent sample of their grams, so
    # the share of the draft's samples found estimates the share contained.
    estimated = [(item_id, hits / len(samples)) for item_id, hits in ranked if item_id in upper][:UPPER_CANDIDATES]
    if not exact:
        keep = [(item_id, round(est, 4)) for item_id, est in estimated][:limit]
        info = _ledger([i for i, _est in keep], "kind, title, date, issuer_id")
        matches = [Match(i, *info[i][1:3], est, *info[i][3:]) for i, est in keep if i in info]
    else:
        stop = store.stop_keys(fresh=False)[1]
        matches = []
        for item_id, kind, title, body, date, issuer_id in _ledger(
            [i for i, _est in estimated][: limit + 5],  # all at least `floor` (the hits asked for)
            _TEXT,
        ).values():
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
    where = [f"i.status IN ({marks(len(statuses))})", "i.kind = %s"]
    params: list = [*statuses, "data_request"]
    exclude = sorted({int(i) for i in exclude_ids})
    if exclude:
        where.append(f"i.id NOT IN ({marks(len(exclude))})")
        params.extend(exclude)
    table = _item_table()
    ids = [item_id for item_id, _hits in _ranked("similarity_fieldname", "name", names, where, params, int(limit))]
    if not ids:
        return []
    shared: dict[int, list[str]] = {i: [] for i in ids}
    rows = fetch(
        f"SELECT f.item_id, f.name, i.title FROM similarity_fieldname f JOIN {table} i ON i.id = f.item_id "  # noqa: S608
        f"WHERE f.item_id IN ({marks(len(ids))}) AND f.name IN ({marks(len(names))})",
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
