"""Index rows of one ledger item, computed from plain data only.

No Django here: `jianfu reindex` computes these in worker processes.
"""

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from jianfu.gate.similarity import text as T

# --------------------------------------------------------------------------- fields

_FIELD_UNIT_RE = re.compile(r"[（(][^）)]{0,12}[）)]")
_FIELD_DROP_RE = re.compile(r"[^\w]|_")


def normalise_field(name: str) -> str:
    """户籍人口数（人） → 户籍人口数: NFKC, units in brackets, spaces and punctuation dropped."""
    name = unicodedata.normalize("NFKC", str(name or "")).lower()
    name = _FIELD_UNIT_RE.sub("", name)
    return _FIELD_DROP_RE.sub("", name)[:100]


def field_names(fields: Iterable) -> list[str]:
    names = (normalise_field(f) for f in fields or ())
    return sorted({n for n in names if n})


# --------------------------------------------------------------------------- periods

# An item's band postings are filed under the period of its date (calendar
# quarters), so a lookup over a date window reads only the postings of the
# quarters it covers: NEAR_DUPLICATE asks about the last 12 months (5
# quarters), whatever the ledger's age (postings.py). Months were measured too:
# at 10^6 items a lookup then read ~650 rows instead of ~250, slower on SQLite
# than the 10% fewer postings saved. Upper-level documents' samples are not dated
# (a copy of a years-old upper document is still a copy): their period is 0.
PERIOD_MONTHS = 3
UNDATED = 0


def period_of(day: dt.date | None) -> int:
    """The posting period of a date (UNDATED for none)."""
    if day is None:
        return UNDATED
    return (day.year * 12 + day.month - 1) // PERIOD_MONTHS + 1


@dataclass(frozen=True, slots=True)
class ItemRows:
    item_id: int
    period: int  # period_of(the item's date): where its band postings are filed
    digest: int
    sig: bytes  # text.stored_bytes: posting keys and the quarter sample
    buckets: list[int]  # the posting keys as signed 32-bit band rows
    upper: list[int]  # sampled grams, only for upper-level documents
    fields: list[str]  # only for data requests


def _digest(text: str, is_upper: bool, fields: Sequence[str], period: int, fingerprint: int) -> int:
    h = hashlib.blake2b(digest_size=8)
    h.update(f"{fingerprint}|{int(is_upper)}|{period}|{'|'.join(fields)}|".encode())
    h.update(text.encode())
    return int.from_bytes(h.digest(), "big", signed=True)


def rows_for(
    row: tuple, grams: tuple[np.ndarray, np.ndarray], fingerprint: int, *, known_digest: int | None = None
) -> ItemRows | None:
    """Index rows for one ledger row (id, kind, title, body, is_upper_level, fields, date)
    with `grams` = (stop keys, common keys); None when `known_digest` shows nothing that matters has changed."""
    item_id, kind, title, body, is_upper, fields, date = row
    text = T.item_text(title, body)
    names = field_names(fields) if kind == "data_request" and isinstance(fields, list) else []
    period = period_of(date)
    digest = _digest(text, is_upper, names, period, fingerprint)
    if known_digest is not None and digest == known_digest:
        return None
    analysis = T.analyse(text, *grams)
    return ItemRows(
        item_id=item_id,
        period=period,
        digest=digest,
        sig=T.stored_bytes(analysis),
        buckets=analysis.posts.view(np.int32).tolist(),
        upper=sorted(set(T.upper_samples(analysis.hashes))) if is_upper else [],
        fields=names,
    )


def rows_for_batch(
    rows: list[tuple], grams: tuple[np.ndarray, np.ndarray], fingerprint: int, known: dict[int, int] | None = None
) -> list[ItemRows]:
    """rows_for over a batch (the unit of work an index worker receives);
    `known` maps item ids to their stored digests (unchanged items are skipped)."""
    known = known or {}
    computed = (rows_for(row, grams, fingerprint, known_digest=known.get(row[0])) for row in rows)
    return [r for r in computed if r is not None]
