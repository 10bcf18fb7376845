"""A large import indexes its items beside the inserts, in its own transaction."""

import pytest
from django.db import connection

from jianfu.gate import index as gate_index
from jianfu.gate.similarity import store
from jianfu.gate.similarity.search import find_similar, item_text
from jianfu.gate.similarity.tests.corpus import TOPICS, make_notice
from jianfu.gate.similarity.tests.test_index import index_rows
from jianfu.ledger.io import run_import
from jianfu.ledger.models import Item
from jianfu.ledger.tests.io_files import csv_file

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
