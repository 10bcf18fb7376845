"""Posting lists: new postings in the row table, merged ones packed per key.
Whichever table a posting is in, lookups, edits and deletions see the same index."""

import datetime as dt

import pytest
from django.db import connection

from jianfu.gate.similarity import postings, store
from jianfu.gate.similarity.rows import period_of
from jianfu.gate.similarity.search import find_similar, find_upper_containment, item_text
from jianfu.gate.similarity.tests.corpus import TOPICS, make_notice
from jianfu.ledger import services
from jianfu.testing import make_item

TOPIC_NAMES = list(TOPICS)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def table_rows(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
        return cursor.fetchone()[0]


def _ledger(district, on_commit, n=8):
    items = []
    with on_commit():
        for k in range(n):
            title, body = make_notice(TOPIC_NAMES[k % len(TOPIC_NAMES)], seed=k)
            items.append(make_item(issuer=district["dept_a"], title=title, body=body))
        upper_body = "\n".join(make_notice(t, seed=3)[1] for t in TOPIC_NAMES[:4])
        upper = make_item(issuer=district["dept_b"], title="上级文件", body=upper_body, is_upper_level=True)
    return items, upper, upper_body


def test_compaction_moves_every_posting_and_lookups_answer_the_same(district, on_commit):
    items, upper, upper_body = _ledger(district, on_commit)
    before = {table: table.pairs() for table in postings.ALL}
    queries = [item_text(i.title, i.body) for i in items]
    answers = [[(m.id, m.similarity) for m in find_similar(q)] for q in queries]
    contained = [(m.id, m.similarity) for m in find_upper_containment(upper_body[:1500])]
    assert contained and contained[0][0] == upper.pk

    moved = {table: table.compact() for table in postings.ALL}

    assert moved[postings.BAND] == len(before[postings.BAND]) > 0
    assert moved[postings.UPPER] == len(before[postings.UPPER]) > 0
    assert table_rows("similarity_band") == table_rows("similarity_uppergram") == 0
    assert table_rows("similarity_bandlist") > 0
    assert {table: table.pairs() for table in postings.ALL} == before
    assert [[(m.id, m.similarity) for m in find_similar(q)] for q in queries] == answers
    assert [(m.id, m.similarity) for m in find_upper_containment(upper_body[:1500])] == contained


def test_hits_count_merged_and_new_postings_together(district, on_commit):
    items, _upper, _body = _ledger(district, on_commit, n=3)
    keys = sorted({k for k, _p, _i in postings.BAND.pairs()})
    expected = postings.BAND.hits(keys)
    postings.BAND.compact()
    with on_commit():  # a copy of the first item, posted in the row table only
        copy = make_item(issuer=district["dept_b"], title=items[0].title, body=items[0].body)
    assert table_rows("similarity_band") > 0
    ids, hits = postings.BAND.hits(keys)
    counts = dict(zip(ids.tolist(), hits.tolist(), strict=True))
    assert {i: counts[i] for i in expected[0].tolist()} == dict(
        zip(expected[0].tolist(), expected[1].tolist(), strict=True)
    )
    assert counts[copy.pk] == counts[items[0].pk]
    assert sorted(m.id for m in find_similar(item_text(items[0].title, items[0].body))) == sorted(
        [items[0].pk, copy.pk]
    )


def test_editing_and_deleting_merged_items_rewrites_their_lists(district, personas, on_commit):
    title, body = make_notice(TOPIC_NAMES[1], seed=1)
    new_title, new_body = make_notice(TOPIC_NAMES[2], seed=1)
    with on_commit():
        draft = make_item(issuer=district["dept_a"], title=title, body=body, status="draft")
        other = make_item(issuer=district["dept_a"], title=title, body=body, status="draft")
    for table in postings.ALL:
        table.compact()
    with on_commit():
        services.update_item(item=draft, by=personas["clerk_a"], title=new_title, body=new_body)
    drafts = ("draft",)
    assert [m.id for m in find_similar(item_text(title, body), statuses=drafts)] == [other.pk]
    assert [m.id for m in find_similar(item_text(new_title, new_body), statuses=drafts)] == [draft.pk]
    with on_commit():
        services.delete_item(item=other, by=personas["clerk_a"])
    assert find_similar(item_text(title, body), statuses=drafts, min_similarity=0.6) == []
    # Only the edited draft's new postings are left, in the row table; no list kept an id of either.
    assert {i for _k, _p, i in postings.BAND.pairs()} == {draft.pk}
    assert table_rows("similarity_bandlist") == 0


def test_the_row_table_is_merged_once_it_passes_its_limit(district, on_commit, monkeypatch):
    monkeypatch.setattr(postings, "DELTA_MAX", 50)
    monkeypatch.setattr(store, "CHECK_EVERY", 2)
    monkeypatch.setattr(store, "_since_check", 0)
    with on_commit():
        title, body = make_notice(TOPIC_NAMES[0], seed=1)
        make_item(issuer=district["dept_a"], title=title, body=body)
    assert table_rows("similarity_band") > 0  # one item: not checked yet
    items, _upper, _body = _ledger(district, on_commit, n=4)
    assert table_rows("similarity_band") == 0
    assert table_rows("similarity_bandlist") > 0
    assert find_similar(item_text(items[2].title, items[2].body))[0].id == items[2].pk


def test_reindex_writes_packed_lists_that_a_later_compaction_leaves_alone(district, on_commit):
    _ledger(district, on_commit)
    incremental = {table: table.pairs() for table in postings.ALL}
    store.rebuild()
    assert table_rows("similarity_band") == table_rows("similarity_uppergram") == 0
    assert {table: table.pairs() for table in postings.ALL} == incremental
    assert postings.BAND.compact() == 0
    assert {table: table.pairs() for table in postings.ALL} == incremental


def test_top_candidates_are_those_with_most_hits_ties_by_smallest_id():
    import numpy as np

    from jianfu.gate.similarity.search import _top

    rng = np.random.default_rng(7)
    for _ in range(200):
        n = int(rng.integers(0, 300))
        ids = rng.choice(10_000, n, replace=False)  # in no particular order, as `hits` gives them
        hits = rng.integers(1, 6, n)  # few distinct counts: many ties at the cut
        limit = int(rng.integers(1, 50))
        expected = sorted(zip(ids.tolist(), hits.tolist(), strict=True), key=lambda p: (-p[1], p[0]))[:limit]
        assert _top(ids, hits, limit) == expected


def test_binary_reads_return_what_text_reads_return(district, on_commit):
    # PostgreSQL reads lists, samples and ledger rows in binary format (sql.fetch);
    # the values must not depend on the format (bytes, ints, dates, text).
    from jianfu.gate.similarity.sql import fetch

    items, _upper, _body = _ledger(district, on_commit, n=3)
    postings.BAND.compact()
    for sql in (
        "SELECT bucket, period, ids FROM similarity_bandlist ORDER BY bucket, period",
        "SELECT item_id, sig FROM similarity_signature ORDER BY item_id",
        "SELECT id, kind, title, body, date, issuer_id, is_upper_level FROM ledger_item ORDER BY id",
    ):
        text_rows = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in fetch(sql)]
        binary_rows = fetch(sql, binary=True)
        assert binary_rows == text_rows and binary_rows, sql
    assert any(isinstance(row[1], bytes) for row in fetch("SELECT item_id, sig FROM similarity_signature", binary=True))


def test_counting_only_the_items_hit_more_often_keeps_the_best():
    import numpy as np

    from jianfu.gate.similarity.postings import _count
    from jianfu.gate.similarity.search import _top

    rng = np.random.default_rng(3)
    for _ in range(300):
        lists = int(rng.integers(1, 12))
        spread = int(rng.choice([200, 5_000, 10**7]))  # dense (bincount) and sparse (sort) ids
        ids = np.concatenate(
            [np.sort(rng.choice(spread, int(rng.integers(0, 150)), replace=False)) for _ in range(lists)]
        ).astype(np.int32)
        min_hits, enough = int(rng.integers(1, 3)), int(rng.integers(1, 60))
        assert _top(*_count(ids, min_hits, enough), enough) == _top(*_count(ids, min_hits), enough)
        found, hits = _count(ids, min_hits, enough)
        assert (hits >= min_hits).all()


@pytest.mark.skipif(postings._hits is None, reason="the compiled counter was not built (no C compiler)")
def test_the_compiled_counter_counts_as_numpy_does():
    import numpy as np

    rng = np.random.default_rng(5)
    for _ in range(300):
        lists = int(rng.integers(1, 12))
        spread = int(rng.choice([200, 5_000, 10**7]))
        ids = np.concatenate(
            [np.sort(rng.choice(spread, int(rng.integers(0, 150)), replace=False)) for _ in range(lists)]
        ).astype(np.int32)
        if not ids.size:
            continue
        min_hits, enough = int(rng.integers(1, 4)), int(rng.choice([0, 1, 20, 60]))
        counted = dict(zip(*(a.tolist() for a in postings._count(ids, min_hits, enough)), strict=True))
        expected = dict(zip(*(a.tolist() for a in postings._count_numpy(ids, min_hits, enough)), strict=True))
        assert counted == expected

    def counts(ids):
        return sorted(zip(*(a.tolist() for a in postings._count(np.array(ids, dtype=np.int32), 1)), strict=True))

    # Counters touched by one lookup are reset for the next.
    assert counts([7, 7, 7, 9]) == [(7, 3), (9, 1)]
    assert counts([7, 9]) == [(7, 1), (9, 1)]
    # Ids too sparse for a counter array are sorted instead.
    assert postings._hits.count(np.array([1, 10**9], dtype=np.uint32), 1, 0) is None


def _merge_all() -> None:
    for table in postings.ALL:
        table.compact()


@pytest.mark.parametrize("merged", [False, True], ids=["new", "merged"])
def test_hits_count_only_the_postings_of_the_months_asked_for(district, on_commit, merged):
    title, body = make_notice(TOPIC_NAMES[0], seed=1)
    with on_commit():
        old = make_item(issuer=district["dept_a"], title=title, body=body, date=dt.date(2024, 3, 31))
        new = make_item(issuer=district["dept_a"], title=title, body=body, date=dt.date(2025, 6, 1))
    if merged:
        _merge_all()
    keys = sorted({k for k, _p, _i in postings.BAND.pairs()})
    march, june = period_of(dt.date(2024, 3, 1)), period_of(dt.date(2025, 6, 30))
    assert {p for _k, p, _i in postings.BAND.pairs()} == {march, june}

    def found(periods):
        return sorted(postings.BAND.hits(keys, periods=periods)[0].tolist())

    assert found((None, None)) == [old.pk, new.pk]
    assert found((june, None)) == found((march + 1, june)) == [new.pk]
    assert found((None, march)) == found((march, june - 1)) == [old.pk]
    assert found((march + 1, june - 1)) == []


def test_a_window_is_not_crowded_out_by_older_copies(district, on_commit):
    # More identical older copies than the candidates a lookup keeps (50, ties
    # by smallest id): counted over the whole ledger they would take every
    # place, and the one in the window asked about would be lost.
    title, body = make_notice(TOPIC_NAMES[2], seed=4)
    with on_commit():
        for n in range(55):
            make_item(issuer=district["dept_a"], title=title, body=body, date=dt.date(2023, 1 + n % 12, 10))
        recent = make_item(issuer=district["dept_a"], title=title, body=body, date=dt.date(2025, 5, 20))
    found = find_similar(item_text(title, body), since=dt.date(2025, 1, 1), until=dt.date(2025, 12, 31))
    assert [m.id for m in found] == [recent.pk]
    # Without a window the 50 oldest take the places (ties by smallest id).
    everything = [m.id for m in find_similar(item_text(title, body), limit=100)]
    assert len(everything) == 50 and recent.pk not in everything


@pytest.mark.parametrize("merged", [False, True], ids=["new", "merged"])
def test_moving_an_item_to_another_month_moves_its_postings(district, personas, on_commit, merged):
    title, body = make_notice(TOPIC_NAMES[3], seed=2)
    with on_commit():
        draft = make_item(issuer=district["dept_a"], title=title, body=body, status="draft", date=dt.date(2025, 1, 10))
    if merged:
        _merge_all()
    with on_commit():
        services.update_item(item=draft, by=personas["clerk_a"], date=dt.date(2025, 8, 1))
    assert {p for _k, p, _i in postings.BAND.pairs()} == {period_of(dt.date(2025, 8, 1))}
    text, drafts = item_text(title, body), ("draft",)
    assert [m.id for m in find_similar(text, statuses=drafts, since=dt.date(2025, 7, 1))] == [draft.pk]
    assert find_similar(text, statuses=drafts, since=dt.date(2025, 1, 1), until=dt.date(2025, 1, 31)) == []
    with on_commit():  # a date in the same month: nothing to rewrite
        services.update_item(item=draft, by=personas["clerk_a"], date=dt.date(2025, 8, 20))
    assert store.index_items([draft.pk]) == 0
