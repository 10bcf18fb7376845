"""One benchmark run: one database, one ledger size; prints its records as JSON lines.

Run in its own process by `bench.__main__` (Django settings are read once per process):
`DATABASE_URL=... python -m bench.run --size 10000 --out records.json [--http]`.
"""

import argparse
import datetime as dt
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jianfu.settings")


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


class Recorder:
    def __init__(self, db: str, items: int):
        self.db, self.items, self.records = db, items, []

    def add(self, metric: str, value: float, unit: str, *, items: int | None | bool = True, note: str = "") -> None:
        rec = {
            "metric": metric,
            "db": self.db,
            "items": self.items if items is True else (items or None),
            "value": round(float(value), 4),
            "unit": unit,
        }
        if note:
            rec["note"] = note
        self.records.append(rec)
        print(json.dumps(rec, ensure_ascii=False), file=sys.stderr, flush=True)


def cached_corpus(n: int, *, today: dt.date, queries: int, style: str):
    """`generate.build`, kept in bench/out for the next run of the same parameters
    (the other database): 10^6 items take ~7 min to generate, ~30 s to read back."""
    import hashlib
    import pickle

    from bench import generate

    source = hashlib.sha256(Path(generate.__file__).read_bytes()).hexdigest()[:12]
    path = Path(__file__).parent / "out" / f"corpus_{n}_{queries}_{style}_{today}_{source}.pickle"
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)  # noqa: S301 - our own file, written below
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError):
        pass
    corpus = generate.build(n, today=today, queries=queries, style=style)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with tmp.open("wb") as fh:
        pickle.dump(corpus, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    return corpus


def load(corpus, today: dt.date, indexer) -> tuple[list[int], float, float]:
    """Items through the importer's bulk insert with their index rows computed beside it
    (`jianfu.gate.index.bulk`, as a large import does), then `jianfu reindex`'s
    `store.rebuild`, which measures this ledger's stock phrases."""
    from django.db import transaction

    from jianfu.gate.similarity import store
    from jianfu.ledger.io.items import _insert_items, new_items
    from jianfu.ledger.io.runner import refresh_statistics
    from jianfu.ledger.services import index_row
    from jianfu.meter.months import refresh as months_refresh
    from jianfu.org.models import Unit

    issuers = list(Unit.objects.filter(kind="department").values_list("pk", flat=True)) or list(
        Unit.objects.values_list("pk", flat=True)
    )
    t0 = time.perf_counter()
    ids: list[int] = []
    batch = 2000
    with indexer as ix:  # a BulkIndexer, or None for a small ledger
        for start in range(0, len(corpus.items), batch):
            rows = []
            for j, s in enumerate(corpus.items[start : start + batch]):
                values = {
                    "kind": s.kind,
                    "title": s.title[:300],
                    "body": s.body,
                    "issuer_id": issuers[(start + j) % len(issuers)],
                    "targets_all": True,
                    "date": s.date,
                    "year": s.date.year,
                    "status": s.status,
                    "is_upper_level": s.is_upper_level,
                    "chars": len(s.body),
                    "fields": s.fields,
                    "issued_on": s.date if s.status in ("issued", "closed") else None,
                    "estimated_hours": 1.0,
                }
                if s.kind == "meeting":
                    values.update(
                        starts_at=dt.datetime.combine(s.date, dt.time(9, 0), tzinfo=dt.UTC),
                        duration_minutes=60,
                        mode="onsite",
                    )
                elif s.kind == "inspection":
                    values.update(category="检查", ends_on=s.date + dt.timedelta(days=5))
                elif s.kind == "data_request":
                    values["frequency"] = "monthly"
                elif s.kind == "app":
                    values["platform"] = "app"
                rows.append(values)
            chunk = new_items(rows)
            with transaction.atomic():
                _insert_items(chunk)
                if ix is not None:
                    ix.add([index_row(i) for i in chunk])
            ids.extend(i.pk for i in chunk)
        t_loop = time.perf_counter() - t0
        if ix is not None:
            with transaction.atomic():
                ix.finish()
    if ix is None:
        store.index_items(ids)
    t_finish = time.perf_counter() - t0 - t_loop
    refresh_statistics()  # as run_import does after a large import
    months_refresh()  # ... and the meter's stored totals of the ten-day pieces written
    t_insert = time.perf_counter() - t0
    print(
        f"load: inserts {t_loop:.1f} s, index finish {t_finish:.1f} s, statistics + months "
        f"{t_insert - t_loop - t_finish:.1f} s",
        file=sys.stderr,
    )
    t1 = time.perf_counter()
    store.rebuild()
    t_index = time.perf_counter() - t1
    return ids, t_insert, t_index


def draft(q, issuer: str, today: dt.date) -> dict:
    return {"kind": "document", "title": q.title, "body": q.body, "issuer": issuer, "date": today.isoformat()}


def gate_metrics(rec: Recorder, corpus, ids: list[int], today: dt.date, issuer: str) -> None:
    from jianfu.gate.context import DEFAULT_THRESHOLDS
    from jianfu.gate.service import review_draft
    from jianfu.gate.similarity import search, text

    # Warm-up (lexicon, stop grams, connection).
    review_draft(draft(corpus.queries[0], issuer, today))
    lat, sim = [], []
    for q in corpus.queries:
        if q.group != "gate":
            continue
        t0 = time.perf_counter()
        review_draft(draft(q, issuer, today))
        lat.append((time.perf_counter() - t0) * 1000)
    since = today - dt.timedelta(days=365)
    near_dup = DEFAULT_THRESHOLDS["near_duplicate"]  # what the gate asks for
    for q in corpus.queries:
        if q.group not in ("near_dup", "unrelated"):
            continue
        t0 = time.perf_counter()
        search.find_similar(text.item_text(q.title, q.body), since=since, until=today, min_similarity=near_dup)
        sim.append((time.perf_counter() - t0) * 1000)
    rec.add("gate_p50_ms", pct(lat, 0.5), "ms", note=f"{len(lat)} drafts of 3,000 字, whole review_draft")
    rec.add("gate_p99_ms", pct(lat, 0.99), "ms")
    rec.add(
        "similarity_p50_ms",
        pct(sim, 0.5),
        "ms",
        note="find_similar at the gate's NEAR_DUPLICATE threshold: analysis + index query + verification",
    )
    rec.add("similarity_p99_ms", pct(sim, 0.99), "ms")

    # Recall / precision on the planted truth, through the whole gate.
    hits = {"all": [0, 0], "30_40": [0, 0]}
    nd_found = nd_right = 0
    up_tp = up_total = up_found = up_right = 0
    for q in corpus.queries:
        if q.group not in ("near_dup", "unrelated", "upper_copy"):
            continue
        out = review_draft(draft(q, issuer, today))
        codes = {f["code"]: f for f in out["findings"]}
        nd = codes.get("NEAR_DUPLICATE")
        related = [r["id"] for r in (nd or {}).get("related", [])]
        if nd:
            nd_found += 1
        if q.group == "near_dup":
            ok = ids[q.source] in related
            hits["all"][0] += ok
            hits["all"][1] += 1
            if q.rate >= 0.30:
                hits["30_40"][0] += ok
                hits["30_40"][1] += 1
            nd_right += bool(nd) and ok
        up = codes.get("COPIES_UPPER_DOC")
        if up:
            up_found += 1
            up_right += q.group == "upper_copy" and ids[q.source] in [r["id"] for r in up.get("related", [])]
        if q.group == "upper_copy":
            up_total += 1
            up_tp += bool(up) and ids[q.source] in [r["id"] for r in up.get("related", [])]
    rec.add("near_dup_recall", hits["all"][0] / max(1, hits["all"][1]), "ratio", note=f"{hits['all'][1]} planted")
    rec.add(
        "near_dup_recall_30_40",
        hits["30_40"][0] / max(1, hits["30_40"][1]),
        "ratio",
        note=f"{hits['30_40'][1]} planted",
    )
    rec.add("near_dup_precision", nd_right / nd_found if nd_found else 1.0, "ratio", note=f"{nd_found} findings")
    # The index alone: is the planted source the first match at any similarity (no 0.6 threshold)?
    first = 0
    planted = [q for q in corpus.queries if q.group == "near_dup"]
    for q in planted:
        found = search.find_similar(
            text.item_text(q.title, q.body), since=since, until=today, min_similarity=0.0, limit=1
        )
        first += bool(found) and found[0].id == ids[q.source]
    rec.add("near_dup_index_recall", first / max(1, len(planted)), "ratio", note="source ranked first, no threshold")
    rec.add("copies_upper_recall", up_tp / max(1, up_total), "ratio", note=f"{up_total} planted")
    rec.add("copies_upper_precision", up_right / up_found if up_found else 1.0, "ratio", note=f"{up_found} findings")


def eligible(corpus, today: dt.date) -> list[int]:
    """What NEAR_DUPLICATE compares against: issued/approved, last 12 months, not upper-level."""
    since = today - dt.timedelta(days=365)
    return [
        i
        for i, s in enumerate(corpus.items)
        if s.status in ("issued", "approved") and s.date >= since and not s.is_upper_level
    ]


def tfidf_bytes(vec, matrix) -> int:
    """What the fitted TF-IDF baseline keeps: the CSR arrays, the idf vector and the vocabulary
    (dict table, gram strings, int values). Counted from the objects, as tracemalloc around
    fit_transform made the fit 7-10 times slower (55 min at 10^6)."""
    vocab = vec.vocabulary_
    arrays = matrix.data.nbytes + matrix.indices.nbytes + matrix.indptr.nbytes + vec.idf_.nbytes
    return arrays + sys.getsizeof(vocab) + sum(sys.getsizeof(k) + sys.getsizeof(v) for k, v in vocab.items())


def lsh_bytes(lsh) -> int:
    """What a dict-backed datasketch MinHashLSH holds, summed with sys.getsizeof: the key table
    (key -> list of band hashes, each hash counted there once) and one dict per band (band hash,
    the same object as in the key table -> set of keys). The keys are the caller's objects.
    Matches tracemalloc around the inserts within 0.1 % at 10^4 at a fraction of the time."""
    total = sys.getsizeof(lsh.keys._dict)
    for hashes in lsh.keys._dict.values():
        total += sys.getsizeof(hashes) + sum(map(sys.getsizeof, hashes))
    for table in lsh.hashtables:
        total += sys.getsizeof(table._dict) + sum(map(sys.getsizeof, table._dict.values()))
    return total


def baselines(rec: Recorder, corpus, today: dt.date) -> None:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    pool = eligible(corpus, today)
    texts = [corpus.items[i].title + "\n" + corpus.items[i].body for i in pool]
    queries = [q for q in corpus.queries if q.group in ("near_dup", "unrelated")]
    planted = [q for q in queries if q.group == "near_dup"]

    t0 = time.perf_counter()
    vec = TfidfVectorizer(analyzer="char", ngram_range=(3, 3), sublinear_tf=True, dtype=np.float32)
    matrix = vec.fit_transform(texts).tocsr()
    tf_build = time.perf_counter() - t0
    tf_bytes = tfidf_bytes(vec, matrix)
    lat, found = [], {}
    for k, q in enumerate(queries):
        t0 = time.perf_counter()
        v = vec.transform([q.title + "\n" + q.body])
        scores = (matrix @ v.T).toarray().ravel()
        best = int(scores.argmax())
        lat.append((time.perf_counter() - t0) * 1000)
        found[k] = (pool[best], float(scores[best]))
    threshold = 0.5
    ok = sum(
        1
        for k, q in enumerate(queries)
        if q.group == "near_dup" and found[k][0] == q.source and found[k][1] >= threshold
    )
    fp = sum(1 for k, q in enumerate(queries) if q.group == "unrelated" and found[k][1] >= threshold)
    rec.add(
        "brute_force_p50_ms",
        pct(lat, 0.5),
        "ms",
        note=f"TF-IDF char 3-gram cosine over {len(pool)} items (fit {tf_build:.1f} s)",
    )
    rec.add("brute_force_recall", ok / len(planted), "ratio", note=f"top-1 = source and cosine >= {threshold}")
    rec.add("brute_force_false_positives", fp, "count")
    rec.add(
        "brute_force_bytes_per_item",
        tf_bytes / len(pool),
        "B",
        note="sparse matrix data/indices/indptr + idf + vocabulary dict (sys.getsizeof), after fitting",
    )
    del matrix, vec

    from datasketch import MinHash, MinHashLSH

    def grams(text: str) -> list[bytes]:
        t = "".join(text.split())
        return list({t[i : i + 3].encode() for i in range(len(t) - 2)})

    # MinHashes in bulk (one permutation set, copied), inserted a chunk at a time.
    t0 = time.perf_counter()
    lsh = MinHashLSH(threshold=0.3, num_perm=128)
    chunk = 5000
    with lsh.insertion_session() as session:
        for start in range(0, len(pool), chunk):
            hashes = MinHash.bulk((grams(t) for t in texts[start : start + chunk]), num_perm=128)
            for key, m in zip(pool[start : start + chunk], hashes, strict=True):
                session.insert(key, m, check_duplication=False)
    ds_build = time.perf_counter() - t0
    ds_bytes = lsh_bytes(lsh)
    lat, ok = [], 0
    for q in planted:
        t0 = time.perf_counter()
        m = MinHash(num_perm=128)
        m.update_batch(grams(q.title + "\n" + q.body))
        result = lsh.query(m)
        lat.append((time.perf_counter() - t0) * 1000)
        ok += q.source in result
    rec.add(
        "datasketch_p50_ms",
        pct(lat, 0.5),
        "ms",
        note=f"MinHashLSH(threshold=0.3, 128 perm), query incl. MinHash; build {ds_build:.1f} s",
    )
    rec.add("datasketch_recall", ok / len(planted), "ratio", note="source among the LSH candidates")
    rec.add(
        "datasketch_bytes_per_item",
        ds_bytes / len(pool),
        "B",
        note="key table + band tables of the LSH (sys.getsizeof over its objects; MinHashes not kept)",
    )


def save_time(rec: Recorder, corpus, today: dt.date) -> None:
    """One item saved and indexed through the ledger service (one transaction, its commit
    included), as the web form does."""
    from jianfu.ledger.services import create_item
    from jianfu.org.models import Unit

    issuer = Unit.objects.filter(kind="department").first()
    texts = [q for q in corpus.queries if q.group == "unrelated"][:50]
    times = []
    for k, q in enumerate(texts):
        t0 = time.perf_counter()
        create_item(by=None, kind="document", title=f"{q.title}（{k}）", body=q.body, issuer=issuer, date=today)
        times.append((time.perf_counter() - t0) * 1000)
    rec.add("save_item_p50_ms", pct(times, 0.5), "ms", note=f"{len(times)} × create_item, indexed in its transaction")
    rec.add("save_item_p99_ms", pct(times, 0.99), "ms")


def report_time(rec: Recorder, today: dt.date) -> None:
    """The year's figures as the dashboard computes them on a cache miss, and `jianfu report`."""
    import tempfile

    from django.core.management import call_command

    from jianfu.ledger.models import Item
    from jianfu.meter.periods import parse_period
    from jianfu.meter.service import period_stats

    year = parse_period(str(today.year))

    def median_of_3(before=lambda k: None) -> float:
        times = []
        for k in range(3):
            before(k)
            t0 = time.perf_counter()
            period_stats(year)
            times.append(time.perf_counter() - t0)
        return statistics.median(times)

    period_stats(year)  # months written by the gate and save runs are brought up to date once
    rec.add(
        "report_year_s",
        median_of_3(),
        "s",
        note="meter period_stats for the year vs the year before, stored totals current, median of 3",
    )
    # The first computation after an edit recomputes the month the edit touched.
    item = Item.objects.filter(date__year=today.year, status="issued").order_by("-pk").first()
    rec.add(
        "report_year_after_edit_s",
        median_of_3(lambda k: Item.objects.filter(pk=item.pk).update(estimated_hours=2.0 + k)),
        "s",
        note="the same, right after one item of the year changed (its ten-day piece recomputed), median of 3",
    )
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        call_command("report", period=str(today.year), format="json", output=str(Path(tmp) / "year.json"))
        rec.add(
            "report_command_s",
            time.perf_counter() - t0,
            "s",
            note="`jianfu report --period YEAR --format json` (figures and their text; no charts)",
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--http", action="store_true")
    parser.add_argument("--style", choices=("chars", "words"), default="chars")
    parser.add_argument("--baselines", action="store_true")
    parser.add_argument("--corpus-only", action="store_true", help="build and cache the corpus, measure nothing")
    args = parser.parse_args(argv)
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from jianfu.gate import index as gate_index
    from jianfu.gate.similarity import store
    from jianfu.ledger.demo.seed import seed_demo

    db = "postgresql" if connection.vendor == "postgresql" else "sqlite"
    today = dt.date.today()
    rec = Recorder(db, args.size)
    call_command("migrate", verbosity=0, interactive=False)
    seed_demo(today=today, years=1, scale=0.01, review_limit=0)
    from jianfu.ledger.models import Item

    seeded = Item.objects.count()
    # The import's index workers are forked before the corpus is read: forked after,
    # each would keep the pages of the corpus the main process goes on touching (~4 GB at 10^6).
    size = max(200, args.size - seeded)
    indexer = None if args.corpus_only else gate_index.bulk(size)
    corpus = cached_corpus(size, today=today, queries=args.queries, style=args.style)
    # Out of the collector's sight: a collection writes to every object it visits,
    # so each process forked later (`jianfu reindex`'s workers) would copy the corpus.
    gc.freeze()
    if args.corpus_only:
        Path(args.out).write_text("[]")
        return 0
    ids, t_insert, t_index = load(corpus, today, indexer)
    n = len(ids)
    rec.add(
        "import_items_per_s",
        n / t_insert,
        "items/s",
        note=f"{t_insert:.1f} s: bulk insert with index rows computed beside it, statistics, stored meter totals",
    )
    rec.add(
        "index_items_per_s",
        n / t_index,
        "items/s",
        note=f"{t_index:.1f} s: `jianfu reindex` (store.rebuild: stop grams, signatures, packed lists)",
    )
    sizes = store.index_size_bytes()
    total = Item.objects.count()
    rec.add("index_bytes_per_item", sum(sizes.values()) / total, "B", note=json.dumps(sizes))
    issuer = "区教育局"
    gate_metrics(rec, corpus, ids, today, issuer)
    report_time(rec, today)
    if args.baselines:
        baselines(rec, corpus, today)
    save_time(rec, corpus, today)
    if args.http:
        from bench.http import load_run

        load_run(rec)
    Path(args.out).write_text(json.dumps(rec.records, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
