"""The stored ten-day parts (`jianfu.meter.months`) give every figure the Python path gives,
after every kind of write, for whole and cut periods; and a write recomputes only its pieces."""

import datetime as dt
import random

import pytest
from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection

from jianfu.ledger import services
from jianfu.ledger.io.items import _insert_items
from jianfu.ledger.models import CatalogField, Item, ItemTarget, Review, ReviewFinding
from jianfu.meter import aggregate, months
from jianfu.meter.hours import merged_params
from jianfu.meter.periods import parse_period
from jianfu.meter.service import meter_params
from jianfu.meter.tests.test_aggregate import assert_same, random_ledger
from jianfu.org.models import Unit
from jianfu.org.services import set_setting

pytestmark = pytest.mark.django_db

# Whole years, a half, and ranges cutting ten-day pieces at either or both ends (and spanning years).
PERIODS = ("2025", "2024H2", "2024-03-15..2025-01-20", "2025-02-10..2025-08-20", "2025-01-05..2025-03-25")


@pytest.fixture
def ledger():
    random_ledger(random.Random(11), 160)
    for label in PERIODS:  # store every piece the periods read
        aggregate.aggregate_stats(parse_period(label), meter_params())


@pytest.fixture
def computed(monkeypatch):
    """The windows whose part was computed (not read from storage), in call order."""
    seen: list[tuple[dt.date, dt.date]] = []
    real = aggregate.window_parts

    def spy(windows, *args, **kwargs):
        seen.extend((window.start, window.end) for window in windows)
        return real(windows, *args, **kwargs)

    monkeypatch.setattr(aggregate, "window_parts", spy)
    return seen


def whole_pieces(seen: list[tuple[dt.date, dt.date]]) -> set[dt.date]:
    return {start for start, end in seen if (start, end) == (start, months.piece_end(start))}


def assert_all_same(params=None) -> None:
    for label in PERIODS:
        assert_same(parse_period(label), params or meter_params())


def issuer() -> Unit:
    return Unit.objects.filter(kind="department", parent__isnull=False).order_by("pk").first()


def grassroots() -> list[Unit]:
    return list(Unit.objects.filter(kind__in=("township", "village", "school")).order_by("pk")[:3])


def test_pieces_are_whole_ten_days_and_the_cut_edges():
    got = months.pieces(parse_period("2024-12-15..2025-02-28"))
    assert [(m, p.start.isoformat(), p.end.isoformat()) for m, p in got] == [
        (None, "2024-12-15", "2024-12-20"),
        ("2024-12-21", "2024-12-21", "2024-12-31"),
        ("2025-01-01", "2025-01-01", "2025-01-10"),
        ("2025-01-11", "2025-01-11", "2025-01-20"),
        ("2025-01-21", "2025-01-21", "2025-01-31"),
        ("2025-02-01", "2025-02-01", "2025-02-10"),
        ("2025-02-11", "2025-02-11", "2025-02-20"),
        ("2025-02-21", "2025-02-21", "2025-02-28"),
    ]
    assert len(months.pieces(parse_period("2024"))) == 36
    assert months.pieces(parse_period("2024Q1"))[5] == ("2024-02-21", parse_period("2024-02-21..2024-02-29"))
    assert [m for m, _ in months.pieces(parse_period("2025-03-02..2025-03-10"))] == [None]
    assert [m for m, _ in months.pieces(parse_period("2025-03-11..2025-03-31"))] == ["2025-03-11", "2025-03-21"]


def test_stored_months_are_read_not_recomputed(ledger, computed):
    assert_all_same()
    # Only the cut edge pieces of the two ranges (and their year-earlier ranges) are computed.
    assert not whole_pieces(computed)
    assert len(computed) == 8


def test_services_create_edit_status_and_delete(ledger, computed):
    units = grassroots()
    item = services.create_item(
        by=None, kind="meeting", title="新会议", issuer=issuer(), date=dt.date(2025, 5, 6), duration_minutes=90,
        mode="onsite", targets=units[:2], status="issued",
    )  # fmt: skip
    assert_all_same()
    assert whole_pieces(computed) == {dt.date(2025, 5, 1)}  # the one piece written (5 May: days 1-10)
    Item.objects.filter(pk=item.pk).update(status="draft")  # editable again, behind the services' back
    services.update_item(item=item, by=None, date=dt.date(2024, 11, 20), duration_minutes=30, targets=units[1:])
    assert_all_same()
    services.store_review(
        item=item,
        review={"verdict": "revise", "findings": [{"code": "MATERIAL_DEMAND", "severity": "warn"}], "measures": {}},
    )
    Item.objects.filter(pk=item.pk).update(status="approved")
    services.issue_item(item=item, by=None)
    assert_all_same()
    services.close_item(item=item, by=None)
    assert_all_same()
    Item.objects.filter(pk=item.pk).update(status="draft")
    services.delete_item(item=item, by=None)
    assert_all_same()


def test_a_decision_and_a_merge(ledger):
    user = get_user_model().objects.create_user(username="meter-office", password="x")
    draft = Item.objects.filter(status="draft", date__year=2025).order_by("pk")
    first, second = draft[0], draft[1]
    Item.objects.filter(pk__in=[first.pk, second.pk]).update(status="submitted")
    services.decide(item=first, decision="approve", by=user)
    services.merge_items(source=Item.objects.get(pk=second.pk), target=first, by=user, comment="合并")
    assert_all_same()


def test_bulk_import_queryset_update_and_target_links(ledger):
    common = {"issuer": issuer(), "status": "issued", "year": 2025}
    items = [
        Item(kind="document", title="导入文件", chars=2500, date=dt.date(2025, 1, 31), targets_all=True, **common),
        Item(kind="data_request", title="导入报表", fields=["姓名", "电话"], date=dt.date(2024, 8, 1), **common),
        Item(kind="inspection", title="导入检查", category="督查", date=dt.date(2025, 8, 20), **common),
    ]
    _insert_items(items)
    ItemTarget.objects.bulk_create(
        [ItemTarget(item=i, unit=u, kind=i.kind, date=i.date) for i in items[1:] for u in grassroots()]
    )
    assert_all_same()
    Item.objects.filter(date__year=2025, kind="meeting").update(duration_minutes=45, mode="video")
    Item.objects.filter(date__month=3).update(date=dt.date(2025, 6, 30))  # moves items between months
    ItemTarget.objects.filter(item__date__month=4).delete()
    assert_all_same()


def test_findings_written_on_an_existing_review(ledger):
    """Findings added to an item's latest review (no write to the item) still date its piece."""
    item = Item.objects.filter(status="issued", kind="document", date__year=2025).order_by("pk").first()
    review = Review.objects.create(item=item, verdict="revise", findings=[])
    Item.objects.filter(pk=item.pk).update(latest_review=review)
    assert_all_same()
    ReviewFinding.objects.create(review=review, item=item, code="DEMANDS_IMPLEMENTATION_REPORT", severity="warn")
    ReviewFinding.objects.create(review=review, item=item, code="TRACE_DEMAND", severity="warn")
    assert_all_same()
    ReviewFinding.objects.filter(review=review, code="TRACE_DEMAND").delete()
    assert_all_same()


def test_new_tariffs_units_and_catalog(ledger, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        set_setting(key="meter.defaults", value={"meeting_travel_minutes_onsite": 90}, by=None)
    assert_all_same()
    assert_all_same(merged_params({"campus_hours": 6.0}))  # tariffs not yet stored: read from the columns
    Unit.objects.filter(kind="village").update(is_active=False)
    assert_all_same()
    CatalogField.objects.create(field="户籍人口", synonyms="")
    assert_all_same()


def test_emptied_tables_leave_no_stale_piece(ledger):
    """As Django's flush and `jianfu restore` empty them (TRUNCATE on PostgreSQL, DELETE on SQLite)."""
    tables = [m._meta.db_table for m in (Item, ItemTarget, Review, ReviewFinding)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The test's own inserts leave deferred key checks pending, which TRUNCATE refuses.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for sql in connection.ops.sql_flush(no_style(), tables, allow_cascade=True):
            cursor.execute(sql)
    assert not Item.objects.exists()
    assert_all_same()


def test_refresh_computes_the_pieces_that_changed_and_then_none(ledger):
    months.refresh()  # the ledger's pieces outside the periods read so far
    assert months.refresh() == 0
    changed = Item.objects.filter(date__year=2024, date__month__in=(2, 7))
    written = {months.piece_start(d) for d in changed.values_list("date", flat=True)}
    changed.update(chars=100)
    assert months.refresh() == len(written) > 2
    assert_all_same()


def test_a_piece_never_written_is_the_empty_part():
    window = parse_period("2031Q1")
    key, compute = aggregate.part_context(meter_params())
    assert compute([months.pieces(window)[0][1]]) == [months.EMPTY]
    assert compute([p for _, p in months.pieces(window)[:3]]) == [months.EMPTY] * 3


def test_a_months_pieces_computed_in_one_pass_are_each_computed_alone(ledger):
    """refresh() and a read compute a month's stale pieces together: the split per window is exact."""
    key, compute = aggregate.part_context(meter_params())
    for month in ("2025-01", "2024-07", "2025-02"):
        pieces = [p for _, p in months.pieces(parse_period(f"{month}-01..{month}-28"))]
        together = compute(pieces)
        assert together == [compute([p])[0] for p in pieces]
        assert any(part != months.EMPTY for part in together)


def test_an_edit_recomputes_only_its_ten_days(ledger, computed):
    item = (
        Item.objects.filter(status="issued", date=dt.date(2025, 5, 15)).first()
        or Item.objects.filter(status="issued", date__year=2025).order_by("pk").first()
    )
    Item.objects.filter(pk=item.pk).update(chars=item.chars + 1000)
    assert_all_same()
    assert whole_pieces(computed) == {months.piece_start(item.date)}
