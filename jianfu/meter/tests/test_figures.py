"""The hours stored on each item (`jianfu.meter.figures`) stay those of the Standard Cost Model
after every kind of write, and a stale row is never read as fresh."""

import datetime as dt
import random

import pytest

from jianfu.ledger import services
from jianfu.ledger.io.items import _insert_items
from jianfu.ledger.models import Item
from jianfu.meter import figures
from jianfu.meter.hours import merged_params
from jianfu.meter.periods import parse_period
from jianfu.meter.service import meter_params
from jianfu.meter.tests.test_aggregate import assert_same, random_ledger
from jianfu.org.services import set_setting
from jianfu.testing import make_item

pytestmark = pytest.mark.django_db


def stored(item: Item) -> tuple[float | None, bool]:
    """(stored hours, whether they hold for the tariffs in force and the latest review)."""
    row = Item.objects.filter(pk=item.pk)
    return row.get().meter_hours, row.filter(figures.fresh(meter_params())).exists()


def test_create_update_and_review_store_the_hours(district):
    item = make_item(issuer=district["dept_a"], body="字" * 2000, targets=[district["township"]], status="draft")
    assert stored(item) == (0.7, True)  # 0.5 reading + 0.1 × 2
    services.update_item(item=item, by=None, body="字" * 4000)
    assert stored(item) == (0.9, True)
    row = services.store_review(
        item=item,
        review={"verdict": "revise", "findings": [{"code": "TRACE_DEMAND", "severity": "warn"}] * 2, "measures": {}},
    )
    assert stored(item) == (1.9, True)  # the demand's 1.0 once, however often it was found
    assert Item.objects.get(pk=item.pk).meter_review_id == row.pk


def test_a_review_written_behind_the_services_back_makes_the_row_stale(district):
    item = make_item(issuer=district["dept_a"], body="字" * 2000)
    review = services.store_review(item=item, review={"verdict": "pass", "findings": [], "measures": {}})
    other = make_item(issuer=district["dept_a"])
    Item.objects.filter(pk=other.pk).update(latest_review=review)
    assert stored(other) == (0.5, False)


def test_the_bulk_import_path_stores_the_hours(district):
    common = {"issuer": district["dept_a"], "status": "issued", "date": dt.date(2025, 3, 1), "year": 2025}
    items = [
        Item(kind="meeting", title="会", duration_minutes=60, mode="onsite", attendees=2, **common),
        Item(kind="data_request", title="表", fields=["姓名", "电话", "住址"], **common),
        Item(kind="inspection", title="查", onsite_days=2.0, **common),
    ]
    _insert_items(items)
    assert [stored(i) for i in items] == [(4.0, True), (0.15, True), (16.0, True)]


def test_new_tariffs_refresh_every_stored_figure(district, django_capture_on_commit_callbacks):
    item = make_item(issuer=district["dept_a"], body="字" * 2000)
    with django_capture_on_commit_callbacks(execute=True):
        set_setting(key="meter.defaults", value={"document_read_hours": 1.0}, by=None)
    assert stored(item) == (1.2, True)


def test_until_refreshed_new_tariffs_read_the_columns_not_the_stale_figure(district):
    item = make_item(issuer=district["dept_a"], body="字" * 2000, targets=[district["township"]])
    tariffs = merged_params({"document_read_hours": 1.0})
    stats = figures_of("2025Q4", tariffs)
    assert stats["by_kind"]["document"]["burden_hours"]["current"] == 1.2
    assert stored(item) == (0.7, True)  # reading the figures writes nothing


def figures_of(label: str, params: dict) -> dict:
    from jianfu.meter.aggregate import aggregate_stats

    return aggregate_stats(parse_period(label), params).details


@pytest.mark.parametrize("seed", [4, 5])
def test_stored_or_stale_a_random_ledger_gives_what_the_python_path_gives(seed):
    rng = random.Random(seed)
    random_ledger(rng, 300)  # bulk_create and raw updates: every row without stored hours
    tariffs = merged_params({"meeting_materials_hours": 3.0} if seed == 5 else {})
    assert figures.refresh(tariffs) == Item.objects.count()
    assert figures.refresh(tariffs) == 0
    for label in ("2025", "2024H2"):
        assert_same(parse_period(label), tariffs)
    # Stored under other tariffs: nonsense that must not be read.
    Item.objects.update(meter_hours=999.0, meter_key="other")
    assert_same(parse_period("2025"), tariffs)


def test_the_demo_seed_leaves_every_item_with_its_hours():
    from jianfu.ledger.demo import seed

    seed.seed_demo(today=dt.date(2026, 1, 10), years=1, scale=0.02, review_limit=5)
    assert Item.objects.exists()
    assert not Item.objects.exclude(figures.fresh(meter_params())).exists()


def test_refresh_in_small_batches_stores_every_stale_row_once(district):
    items = [make_item(issuer=district["dept_a"], body="字" * 2000, title=f"通知{n}") for n in range(5)]
    set_setting(key="meter.defaults", value={"document_read_hours": 1.0}, by=None)  # no commit: rows now stale
    assert figures.refresh(batch=2) == 5
    assert [stored(i) for i in items] == [(1.2, True)] * 5
    assert figures.refresh(batch=2) == 0


def test_create_stores_the_hours_in_its_insert_exactly_as_fill_does(district):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rng = random.Random(3)
    common = {"issuer": district["dept_a"], "by": None}
    services.create_item(kind="document", title="预热", body="字", **common)  # the process reads the tariffs once
    kinds = [
        lambda k: {"kind": "document", "body": "字" * rng.randint(0, 5000)},
        lambda k: {"kind": "document", "body": "字" * 700, "estimated_hours": rng.choice([0.0, 1.37, 2.5])},
        lambda k: {"kind": "meeting", "duration_minutes": rng.choice([None, 37, 95]),
                   "mode": rng.choice(["onsite", "video", ""]), "attendees": rng.randint(1, 4),
                   "materials_required": rng.random() < 0.5},
        lambda k: {"kind": "inspection", "onsite_days": rng.choice([None, 0.5, 2.5])},
        lambda k: {"kind": "data_request", "fields": ["姓名", "电话", "住址"][: rng.randint(0, 3)],
                   "frequency": "monthly"},
        lambda k: {"kind": "app", "daily_minutes": rng.choice([None, 7, 45])},
        lambda k: {"kind": rng.choice(["task", "campus", "award"])},
    ]  # fmt: skip
    items = []
    for k in range(40):
        with CaptureQueriesContext(connection) as ctx:
            items.append(services.create_item(title=f"事项{k}", **kinds[k % len(kinds)](k), **common))
        sql = [q["sql"] for q in ctx.captured_queries]
        assert not [s for s in sql if s.startswith('UPDATE "ledger_item"') or '"org_setting"' in s], sql
    inserted = dict(Item.objects.filter(pk__in=[i.pk for i in items]).values_list("pk", "meter_hours"))
    assert all(h is not None for h in inserted.values())
    assert items[0].meter_hours == inserted[items[0].pk]  # read back from the database when asked for
    figures.fill(*items)
    assert dict(Item.objects.filter(pk__in=inserted).values_list("pk", "meter_hours")) == inserted
    assert all(stored(i)[1] for i in items)


def test_new_tariffs_reach_the_write_path(district, monkeypatch):
    from jianfu.org.models import Setting

    first = make_item(issuer=district["dept_a"], body="字" * 2000)
    set_setting(key="meter.defaults", value={"document_read_hours": 1.0}, by=None)  # this process: at once
    assert stored(make_item(issuer=district["dept_a"], body="字" * 2000, title="二")) == (1.2, True)
    # Changed behind this process's back (another process): its save stores the old tariffs'
    # figure under their key, which the meter reads as stale; the setting is read again in time.
    Setting.objects.filter(key="meter.defaults").update(value={"document_read_hours": 2.0})
    late = make_item(issuer=district["dept_a"], body="字" * 2000, title="三")
    assert stored(late) == (1.2, False)
    tariffs = meter_params()
    assert figures.refresh(tariffs) == 3  # what a read would otherwise compute from the columns
    monkeypatch.setattr(figures, "TARIFF_RECHECK_SECONDS", 0.0)
    assert stored(make_item(issuer=district["dept_a"], body="字" * 2000, title="四")) == (2.2, True)
    assert stored(first) == (2.2, True)
