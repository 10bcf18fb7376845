"""A large import indexes its items beside the inserts, in its own transaction."""

import time

import pytest
from django.db import connection, transaction

from jianfu.gate import index as gate_index
from jianfu.gate.similarity import bulk, store
from jianfu.gate.similarity.search import find_similar, item_text
from jianfu.gate.similarity.tests.corpus import TOPICS, make_notice
from jianfu.gate.similarity.tests.test_index import index_rows
from jianfu.ledger.io import run_import
from jianfu.ledger.models import Item
from jianfu.ledger.tests.io_files import csv_file
from jianfu.testing import make_item

HEADER = ["类型", "标题", "发起单位", "日期", "正文", "上级来文"]


def notices_file(n: int):
    rows = []
    for k in range(n):
        title, body = make_notice(list(TOPICS)[k % len(TOPICS)], seed=k)
        rows.append(["发文", f"{title}（{k}）", "区应急管理局", "2025-11-20", body, "是" if k == 3 else ""])
    return csv_file([HEADER, *rows], name="items.csv")


@pytest.fixture
def small_bulk(monkeypatch):
    monkeypatch.setattr(gate_index, "BULK_MIN", 10)


@pytest.mark.parametrize("workers", [1, 2])
def test_an_import_above_the_bulk_size_is_indexed_as_the_index_would_be_rebuilt(
    district, small_bulk, monkeypatch, workers, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(store, "default_workers", lambda: workers)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = run_import("items", notices_file(24), filename="items.csv")
    assert result.ok and result.created == 24
    assert not [c for c in callbacks if "index_items" in getattr(c, "__qualname__", "")]
    bulk = index_rows()
    assert len(bulk["signature"]) == 24 and bulk["band"] and bulk["upper"]
    # Written straight into the packed lists, nothing left in the row tables.
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM similarity_band")
        assert cursor.fetchone()[0] == 0
    first = Item.objects.order_by("pk").first()
    assert find_similar(item_text(first.title, first.body))[0].id == first.pk
    store.remove_items(Item.objects.values_list("pk", flat=True))
    store.index_items(Item.objects.values_list("pk", flat=True))
    assert index_rows() == bulk


def test_a_dry_run_rolls_the_index_rows_back_with_the_items(district, small_bulk):
    result = run_import("items", notices_file(12), filename="items.csv", dry_run=True)
    assert result.ok and result.created == 12  # written, checked, then rolled back
    assert Item.objects.count() == 0
    assert index_rows() == {"band": [], "upper": [], "field": [], "signature": []}


_ANALYSE = bulk._analyse


def _slow_analyse(*args):
    time.sleep(0.05)  # a worker on a busy machine
    return _ANALYSE(*args)


def test_the_workers_falling_behind_hold_the_inserts_back(district, monkeypatch):

    items = [
        make_item(issuer=district["dept_a"], title=f"{t}（{k}）", body=make_notice(t, seed=k)[1])
        for k, t in enumerate(list(TOPICS)[:12])
    ]
    ids = [i.pk for i in items]
    incremental = index_rows()
    store.remove_items(ids)
    monkeypatch.setattr(bulk, "MAX_PENDING", 1)
    monkeypatch.setattr(bulk, "_analyse", _slow_analyse)
    rows = store._ledger_rows(ids)
    with transaction.atomic(), bulk.BulkIndexer(workers=2) as ix:
        for start in range(0, len(rows), 2):
            ix.add(rows[start : start + 2])
            assert len(ix._pending) <= bulk.MAX_PENDING * 2
        assert ix.finish() == 12
    assert index_rows()["signature"] == incremental["signature"]
    assert sorted(index_rows()["band"]) == sorted(incremental["band"])


@pytest.fixture
def measured_on_import(monkeypatch, small_bulk):
    monkeypatch.setattr(bulk, "MEASURE_ROWS", 20)
    monkeypatch.setattr(bulk, "MEASURE_MIN", 20)
    monkeypatch.setattr(store, "MIN_SAMPLE", 10)


def _stop_grams() -> set[tuple[int, bool]]:
    from jianfu.gate.similarity.models import StopGram

    return set(StopGram.objects.values_list("gram", "common"))


@pytest.mark.parametrize("workers", [1, 2])
def test_the_first_import_into_an_unmeasured_ledger_measures_the_stop_grams_on_its_first_items(
    district, measured_on_import, django_capture_on_commit_callbacks, monkeypatch, workers
):
    monkeypatch.setattr(store, "default_workers", lambda: workers)
    assert not store.is_measured()
    with django_capture_on_commit_callbacks(execute=True):
        result = run_import("items", notices_file(24), filename="items.csv")
    assert result.ok and result.created == 24
    first = Item.objects.order_by("pk")[:20]
    stop, common, sampled = store.measure_texts(item_text(i.title, i.body) for i in first)
    assert store.is_measured() and sampled == 20
    assert _stop_grams() == {(int(g), False) for g in stop.view("int64")} | {
        (int(g), True) for g in common.view("int64")
    }
    assert _stop_grams()  # the notices share their stock phrases
    # Every item was indexed with the measured grams: indexing them again changes nothing.
    imported = index_rows()
    ids = list(Item.objects.values_list("pk", flat=True))
    assert store.index_items(ids) == 0
    store.remove_items(ids)
    store.index_items(ids)
    assert index_rows() == imported
    # A later import keeps them.
    before = _stop_grams()
    assert store.is_measured()
    with django_capture_on_commit_callbacks(execute=True):
        assert run_import("items", notices_file(22), filename="more.csv").ok
    assert _stop_grams() == before


def test_a_dry_run_rolls_the_measured_stop_grams_back_too(district, measured_on_import):
    result = run_import("items", notices_file(24), filename="items.csv", dry_run=True)
    assert result.ok and result.created == 24
    assert not store.is_measured() and _stop_grams() == set()


def test_a_smaller_import_does_not_measure(district, measured_on_import, monkeypatch):
    monkeypatch.setattr(bulk, "MEASURE_MIN", 25)
    assert run_import("items", notices_file(24), filename="items.csv").ok
    assert not store.is_measured() and _stop_grams() == set()


def test_stop_grams_counted_in_parts_are_those_counted_at_once(monkeypatch):
    monkeypatch.setattr(store, "MIN_SAMPLE", 10)
    texts = [item_text(*make_notice(topic, seed=k)) for k in range(3) for topic in TOPICS]
    stop, common, n = store.measure_texts(texts)
    assert n == len(texts) and stop.size and common.size
    parts = [
        store.document_frequencies(texts[:7]),
        store.document_frequencies(texts[7:]),
        store.document_frequencies([]),
    ]
    joined = store.stop_and_common(parts)
    assert joined[0].tolist() == stop.tolist() and joined[1].tolist() == common.tolist() and joined[2] == n
    assert store.stop_and_common(parts[:1])[:2] == (store._NONE, store._NONE)  # 7 texts: too few
