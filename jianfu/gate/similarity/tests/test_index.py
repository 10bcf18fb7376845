"""Index maintenance: the ledger services keep it current, `jianfu reindex` rebuilds it."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from jianfu.gate import index
from jianfu.gate.similarity import postings, store
from jianfu.gate.similarity.models import IndexState, Signature, StopGram
from jianfu.gate.similarity.rows import period_of
from jianfu.gate.similarity.search import analyse, find_field_overlap, find_similar, find_upper_containment, item_text
from jianfu.gate.similarity.tests.corpus import TOPICS, make_notice
from jianfu.ledger import services
from jianfu.ledger.models import Item
from jianfu.testing import make_item

TOPIC_NAMES = list(TOPICS)


def index_rows() -> dict[str, list[tuple]]:
    """Every row of the index, for comparing two builds (postings whether new or merged)."""
    tables = {
        "field": "SELECT name, item_id FROM similarity_fieldname ORDER BY 1, 2",
        "signature": "SELECT item_id, digest, sig, is_upper, has_fields, period FROM similarity_signature ORDER BY 1",
    }
    out = {}
    with connection.cursor() as cursor:
        for name, sql in tables.items():
            cursor.execute(sql)
            out[name] = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in cursor.fetchall()]
    out["band"] = postings.BAND.pairs()
    out["upper"] = postings.UPPER.pairs()
    return out


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_creating_an_item_indexes_it(district, on_commit):
    title, body = make_notice(TOPIC_NAMES[0], seed=1)
    with on_commit():
        item = make_item(issuer=district["dept_a"], title=title, body=body)
    assert Signature.objects.filter(item_id=item.pk).exists()
    keys = analyse(item_text(title, body)).posts.view("int32").tolist()
    month = period_of(item.date)
    assert index_rows()["band"] == sorted((key, month, item.pk) for key in keys)
    assert find_similar(item_text(title, body))[0].id == item.pk


def test_an_items_index_rows_are_written_and_rolled_back_with_it(district):
    title, body = make_notice(TOPIC_NAMES[0], seed=1)
    with pytest.raises(RuntimeError), transaction.atomic():
        item = make_item(issuer=district["dept_a"], title=title, body=body)
        # In the item's own transaction: visible to it before any commit.
        assert Signature.objects.filter(item_id=item.pk).exists()
        raise RuntimeError("the caller's transaction fails")
    assert not Item.objects.filter(title=title).exists()
    assert index_rows() == {"field": [], "signature": [], "band": [], "upper": []}


def test_editing_a_draft_replaces_its_index_rows(district, personas, on_commit):
    old_title, old_body = make_notice(TOPIC_NAMES[1], seed=1)
    new_title, new_body = make_notice(TOPIC_NAMES[2], seed=1)
    with on_commit():
        item = make_item(issuer=district["dept_a"], title=old_title, body=old_body, status="draft")
    with on_commit():
        services.update_item(item=item, by=personas["clerk_a"], title=new_title, body=new_body)
    drafts = ("draft",)
    assert find_similar(item_text(old_title, old_body), statuses=drafts, min_similarity=0.6) == []
    assert [m.id for m in find_similar(item_text(new_title, new_body), statuses=drafts)] == [item.pk]
    keys = analyse(item_text(new_title, new_body)).posts.view("int32").tolist()
    assert [key for key, _period, _id in index_rows()["band"]] == sorted(keys)


def test_deleting_a_draft_removes_its_index_rows(district, personas, on_commit):
    title, body = make_notice(TOPIC_NAMES[3], seed=1)
    with on_commit():
        item = make_item(
            issuer=district["dept_a"],
            title=title,
            body=body,
            status="draft",
            kind="data_request",
            fields=["户籍人口数"],
        )
    assert index_rows()["field"] == [("户籍人口数", item.pk)]
    with on_commit():
        services.delete_item(item=item, by=personas["clerk_a"])
    assert index_rows() == {"band": [], "upper": [], "field": [], "signature": []}


def test_a_status_change_keeps_the_rows_and_the_query_sees_the_new_status(district, personas, on_commit):
    title, body = make_notice(TOPIC_NAMES[4], seed=1)
    with on_commit():
        item = make_item(issuer=district["dept_a"], title=title, body=body, status="draft")
    before = index_rows()
    assert find_similar(item_text(title, body)) == []  # a draft is not live
    with on_commit():
        services.submit_item(item=item, by=personas["clerk_a"])
    with on_commit():
        services.decide(item=item, decision="approve", by=personas["reviewer"])
    assert index_rows() == before
    assert [m.id for m in find_similar(item_text(title, body))] == [item.pk]
    assert store.index_items([item.pk]) == 0  # nothing that matters changed


def test_an_item_that_left_the_ledger_is_dropped_when_reindexed_by_id(district, on_commit):
    with on_commit():
        item = make_item(issuer=district["dept_a"], title="标题", body=make_notice(TOPIC_NAMES[5], seed=1)[1])
    Item.objects.filter(pk=item.pk).delete()  # behind the services' back
    index.index_items([item.pk])
    assert index_rows()["signature"] == []


def test_index_items_batches_many_items_in_one_call(district):
    items = [
        make_item(issuer=district["dept_a"], title=f"通知{n}", body=make_notice(TOPIC_NAMES[n % 12], seed=n)[1])
        for n in range(30)
    ]
    index.index_items([i.pk for i in items])
    assert Signature.objects.count() == 30


def test_index_items_from_the_rows_given_writes_what_reading_them_back_writes(district):
    _small_ledger(district)
    ids = sorted(Item.objects.values_list("pk", flat=True))
    store.index_items(ids)
    read_back = index_rows()
    rows = store._ledger_rows(ids)
    store.remove_items(ids)
    assert index_rows()["signature"] == []
    assert store.index_items(ids, rows=rows) == len(ids)
    assert index_rows() == read_back
    with pytest.raises(ValueError):
        store.index_items(ids, rows=rows[1:])


def _small_ledger(district):
    for n, topic in enumerate(TOPIC_NAMES[:6]):
        title, body = make_notice(topic, seed=n)
        make_item(issuer=district["dept_a"], title=title, body=body, date=dt.date(2025, 1, 1 + n))
    make_item(
        issuer=district["dept_b"], title="上级文件", body=make_notice(TOPIC_NAMES[7], seed=1)[1], is_upper_level=True
    )
    make_item(issuer=district["dept_b"], kind="data_request", title="报表", fields=["户籍人口数", "低保户数"])


def test_reindex_rebuilds_exactly_the_rows_the_services_wrote(district, on_commit):
    with on_commit():
        _small_ledger(district)
    incremental = index_rows()
    assert len(incremental["signature"]) == 8 and incremental["upper"] and incremental["field"]
    out = io.StringIO()
    call_command("reindex", stdout=out)
    assert "8 个事项" in out.getvalue()
    assert index_rows() == incremental


def test_reindex_fills_an_empty_index(district):
    _small_ledger(district)
    with connection.cursor() as cursor:  # as after an upgrade that empties the index
        for table in store.INDEX_TABLES:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
    assert index_rows()["signature"] == []
    call_command("reindex", "--batch", "3", stdout=io.StringIO())
    assert len(index_rows()["signature"]) == 8
    title, body = make_notice(TOPIC_NAMES[7], seed=1)
    assert find_upper_containment(body)[0].similarity >= 0.9
    assert find_field_overlap(["低保户数"])[0].overlap == 1.0


def test_reindex_refuses_a_batch_below_one(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--batch"):
        call_command("reindex", "--batch", "0", stdout=io.StringIO())


def test_reindex_learns_the_ledgers_stock_phrases_and_ignores_them(district, monkeypatch):
    monkeypatch.setattr(store, "MIN_SAMPLE", 20)
    # 24 notices that all repeat one sentence no built-in list knows.
    stock = "坚持把人民群众生命财产安全放在首位统筹发展和安全两件大事。"
    for n in range(24):
        title, body = make_notice(TOPIC_NAMES[n % 12], seed=n)
        make_item(issuer=district["dept_a"], title=title, body=stock + body)
    call_command("reindex", stdout=io.StringIO())
    state = IndexState.objects.get()
    assert state.stop_version > 0 and state.sampled_items == 24
    stop = store.stop_keys()[1]
    from jianfu.gate.similarity.text import shingles

    assert shingles(stock, stop).size == 0  # every gram of the stock sentence is now a stop gram
    assert StopGram.objects.count() > 0
    # Signatures were rebuilt with the new stop grams, so copies are still found.
    title, body = make_notice(TOPIC_NAMES[0], seed=0)
    assert find_similar(item_text(title, stock + body))[0].similarity == 1.0


def test_reindex_with_worker_processes_writes_the_same_rows(district):
    _small_ledger(district)
    store.rebuild(workers=1, batch=3)
    serial = index_rows()
    store.rebuild(workers=2, batch=3)
    assert index_rows() == serial


def test_index_size_is_reported_per_table(district):
    _small_ledger(district)
    store.rebuild(workers=1)
    sizes = store.index_size_bytes()
    assert set(sizes) <= set(store.INDEX_TABLES)
    assert sizes["similarity_band"] > 0 and sizes["similarity_signature"] > 0


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_reindex_on_a_terminal_shows_progress_and_the_summary(district):
    _small_ledger(district)
    out = _Terminal()
    call_command("reindex", "--workers", "1", stdout=out)
    assert "重建相似度索引" in out.getvalue()
    assert "8 个事项" in out.getvalue()
    assert len(index_rows()["signature"]) == 8


def test_reindex_off_a_terminal_prints_only_the_summary(district):
    _small_ledger(district)
    out = io.StringIO()
    call_command("reindex", stdout=out)
    assert out.getvalue().count("\n") == 1
    assert out.getvalue().startswith("已重建相似度索引：8 个事项")


def test_index_items_with_worker_processes_writes_the_same_rows(district):
    _small_ledger(district)
    ids = list(Item.objects.values_list("pk", flat=True))
    store.index_items(ids, workers=1)
    serial = index_rows()
    store.remove_items(ids)
    assert index_rows()["band"] == []
    store.index_items(ids, workers=2)
    assert index_rows() == serial
    assert store.index_items(ids, workers=2) == 0  # nothing changed since


def test_a_new_item_is_indexed_without_looking_for_old_rows(district):
    from django.test.utils import CaptureQueriesContext

    title, body = make_notice(TOPIC_NAMES[4], seed=2)
    with CaptureQueriesContext(connection) as queries:
        item = make_item(issuer=district["dept_a"], title=title, body=body)
    reads = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT") and "similarity_" in q["sql"]]
    assert not [sql for sql in reads if "similarity_signature" in sql]
    assert Signature.objects.filter(item_id=item.pk).exists()
