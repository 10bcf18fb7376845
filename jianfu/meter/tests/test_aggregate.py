"""The figures aggregated in the database (`jianfu.meter.aggregate`) are exactly those of the
Python path (`stats.compute` over every row), on the hand-built ledger and on random ones."""

import datetime as dt
import random

import pytest

from jianfu.ledger.models import CatalogField, Item, ItemTarget, Review, ReviewFinding
from jianfu.meter.aggregate import aggregate_stats
from jianfu.meter.hours import merged_params
from jianfu.meter.periods import parse_period
from jianfu.meter.selectors import load_rows
from jianfu.meter.stats import FIGURE_KEYS, compute
from jianfu.meter.tests.ledger import EXPECTED, build
from jianfu.org.models import Unit, UnitKind

pytestmark = pytest.mark.django_db

KINDS = ("document", "meeting", "inspection", "data_request", "task", "campus", "award", "app")
CODES = (
    "PHOTO_VIDEO_DEMAND", "TRACE_DEMAND", "MATERIAL_DEMAND", "PLEDGE_DEMAND", "DEMANDS_IMPLEMENTATION_REPORT",
    "ONSITE_WHEN_VIDEO", "MEETING_MERGEABLE", "DATA_REQUEST_OVERLAP", "DATA_ALREADY_SHARED", "DOC_TOO_LONG",
)  # fmt: skip
FIELDS = ("姓名", "身份证号", " 联系电话", "户籍人口", "耕地面积 ", "学生人数", "低保户数", "企业数量", 7)


def python_path(period, params) -> dict:
    """What stats.compute gives, with ties in campus_per_school put in unit order (the only
    order the Python path leaves to the database's row order)."""
    data = compute(load_rows(period), params).as_json()
    rows = data["details"]["campus_per_school"]
    rows.sort(key=lambda r: (-r["current"], r["unit_id"]))
    return data


HOUR_FIGURES = ("burden_hours", "burden_hours_per_unit")


def close(a, b) -> bool:
    """Equal, but sums of hours may differ by one rounding step: the database adds them in
    another order, so a sum that is exactly x.x5 can round either way."""
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= 0.1 + 1e-9
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def by_unit(rows: list[dict]) -> dict[int, dict]:
    """Units with (nearly) equal hours may swap places: compare them by unit, without change_pct."""
    return {r["unit_id"]: {k: v for k, v in r.items() if k != "change_pct"} for r in rows}


def assert_same(period, params) -> None:
    expected = python_path(period, params)
    got = aggregate_stats(period, params).as_json()
    assert got["period"] == expected["period"] and got["previous"] == expected["previous"]
    for key, fig in expected["figures"].items():
        if key in HOUR_FIGURES:
            assert close(got["figures"][key]["current"], fig["current"]), key
            assert close(got["figures"][key]["previous"], fig["previous"]), key
        else:
            assert got["figures"][key] == fig, key
    assert list(got["figures"]) == list(expected["figures"])
    for key, value in expected["details"].items():
        if key in ("units", "top_units"):
            assert close(by_unit(got["details"][key]), by_unit(value)), key
        elif key == "by_kind":
            assert close(got["details"][key], value), key
        else:
            assert got["details"][key] == value, key
    assert list(got["details"]) == list(expected["details"])


def test_the_hand_built_ledger_gives_every_figure_by_hand(district, personas):
    build(district, personas)
    stats = aggregate_stats(parse_period("2025Q4"), merged_params({}))
    for key in FIGURE_KEYS:
        fig = stats.figures[key]
        assert (fig["current"], fig["previous"], fig["change_pct"]) == EXPECTED[key], key


@pytest.mark.parametrize("label", ["2025Q4", "2025", "2024H2", "2025-02-10..2025-08-20"])
def test_the_hand_built_ledger_gives_what_the_python_path_gives(district, personas, label):
    build(district, personas)
    assert_same(parse_period(label), merged_params({}))


def random_ledger(rng: random.Random, n: int) -> None:
    """Two districts, every kind and frequency, named and all-unit targets, reviews with demand
    and hint findings (repeated codes too), odd dates, a shared catalog with synonyms."""
    grassroots: list[Unit] = []
    issuers: list[Unit] = []
    for d in range(2):
        district = Unit.objects.create(name=f"随机区{d}", kind=UnitKind.DISTRICT)
        issuers += [district, Unit.objects.create(name=f"随机办{d}", kind=UnitKind.OFFICE, parent=district)]
        issuers += [Unit.objects.create(name=f"随机局{d}-{i}", kind="department", parent=district) for i in range(3)]
        for t in range(3):
            town = Unit.objects.create(name=f"随机镇{d}-{t}", kind="township", parent=district)
            grassroots += [town, Unit.objects.create(name=f"随机村{d}-{t}", kind="village", parent=town)]
            grassroots.append(
                Unit.objects.create(name=f"随机校{d}-{t}", kind="school", parent=district, is_active=t != 2)
            )
    issuers.append(Unit.objects.create(name="市局", kind="department"))  # no district: all grassroots
    outsiders = [Unit.objects.create(name="随机企业", kind="other")]
    CatalogField.objects.create(field="姓名", synonyms="名字；称呼")
    CatalogField.objects.create(field="联系电话", synonyms="电话、手机号")
    CatalogField.objects.create(field="耕地面积", synonyms="")
    start = dt.date(2023, 6, 1)
    items = []
    for i in range(n):
        kind = rng.choice(KINDS)
        date = start + dt.timedelta(days=rng.randrange(1000))
        item = Item(
            kind=kind, title=f"随机事项{i}", issuer=rng.choice(issuers), date=date, year=date.year,
            status=rng.choice(("issued", "issued", "issued", "closed", "merged", "draft", "approved")),
            is_upper_level=rng.random() < 0.05, targets_all=rng.random() < 0.4,
            chars=rng.choice((0, rng.randrange(100, 6000))), is_policy=rng.random() < 0.3,
            duration_minutes=rng.choice((None, rng.randrange(15, 200))) if kind == "meeting" else None,
            mode=rng.choice(("onsite", "video", "hybrid", "")) if kind == "meeting" else "",
            attendees=rng.choice((0, 1, 1, 2, 3)), materials_required=rng.random() < 0.3,
            onsite_days=rng.choice((None, 0.5, 2.0)) if kind == "inspection" else None,
            category=rng.choice(("督查", "检查", "考核", "调研", "")) if kind == "inspection" else "",
            fields=[rng.choice(FIELDS) for _ in range(rng.randrange(0, 6))] if kind == "data_request" else [],
            frequency=rng.choice(("", "once", "daily", "weekly", "monthly", "quarterly", "yearly"))
            if kind == "data_request" else "",
            daily_minutes=rng.choice((None, rng.randrange(5, 60))) if kind == "app" else None,
            estimated_hours=rng.choice((None, None, 0.0, 1.25, 3.3)),
            ends_on=rng.choice((None, None, date + dt.timedelta(days=rng.randrange(-30, 500)))),
        )  # fmt: skip
        items.append(item)
    Item.objects.bulk_create(items)
    targets, reviews = [], []
    for item in items:
        if not item.targets_all and rng.random() < 0.9:
            for unit in rng.sample(grassroots + outsiders, rng.randrange(1, 5)):
                targets.append(ItemTarget(item=item, unit=unit, kind=item.kind, date=item.date))
        for _ in range(rng.choice((0, 0, 1, 2))):
            reviews.append(Review(item=item, verdict=rng.choice(("pass", "revise", "block")), findings=[]))
    ItemTarget.objects.bulk_create(targets)
    Review.objects.bulk_create(reviews)
    ReviewFinding.objects.bulk_create(
        [
            ReviewFinding(review=r, item_id=r.item_id, code=rng.choice(CODES), severity="warn")
            for r in reviews
            for _ in range(rng.choice((0, 1, 2, 3)))
        ]
    )
    for r in reviews:
        Item.objects.filter(pk=r.item_id).update(latest_review=r)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_random_ledger_gives_what_the_python_path_gives(seed):
    rng = random.Random(seed)
    random_ledger(rng, 400)
    tariffs = merged_params({"document_read_hours": 0.3, "demand_costs": {"TRACE_DEMAND": 1.5}} if seed == 3 else {})
    for label in ("2025", "2025Q1", "2024H2", "2024-03-15..2025-01-20"):
        assert_same(parse_period(label), tariffs)
