import datetime as dt

import pytest
from django.utils import timezone

from jianfu.channel import selectors, services
from jianfu.channel.models import BurdenReport, BurdenType, Identity
from jianfu.ledger.choices import Kind
from jianfu.testing import make_item


def file(by, **kw):
    report, _ = services.file_report(
        identity=Identity.ANONYMOUS,
        burden_type=kw.pop("burden_type", BurdenType.NOTE),
        description="便笺通知",
        by=by,
        **kw,
    )
    return report


def close(report, district, personas, *, answered_on, due_on, resolved_on, received_on):
    services.assign_report(
        report=report, department=district["dept_a"], due_on=timezone.localdate(), by=personas["reviewer"]
    )
    services.answer_report(report=report, by=personas["clerk_a"], answer="已撤回便笺通知。")
    services.verify_report(report=report, by=personas["reviewer"], accept=True)
    BurdenReport.objects.filter(pk=report.pk).update(
        answered_on=answered_on, due_on=due_on, resolved_on=resolved_on, received_on=received_on
    )


@pytest.fixture
def history(district, personas, village_cadre):
    d = dt.date
    a = file(village_cadre)
    close(
        a,
        district,
        personas,
        received_on=d(2025, 10, 1),
        answered_on=d(2025, 10, 5),
        due_on=d(2025, 10, 10),
        resolved_on=d(2025, 10, 6),
    )
    b = file(village_cadre)
    close(
        b,
        district,
        personas,
        received_on=d(2025, 10, 2),
        answered_on=d(2025, 10, 20),
        due_on=d(2025, 10, 10),
        resolved_on=d(2025, 10, 22),
    )
    c = file(village_cadre)
    BurdenReport.objects.filter(pk=c.pk).update(received_on=d(2025, 11, 3))
    old = file(village_cadre)
    BurdenReport.objects.filter(pk=old.pk).update(received_on=d(2024, 11, 3))
    services.turn_into_item(report=a, by=personas["reviewer"])
    BurdenReport.objects.filter(pk=a.pk).update(found_on=d(2025, 10, 6))
    return a, b, c


def test_statistics_of_a_quarter(history):
    q4 = (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    assert selectors.reports_received(*q4) == 3
    assert selectors.reports_resolved(*q4) == 2
    assert selectors.on_time_rate(*q4) == 50.0
    assert selectors.median_days_to_resolve(*q4) == 12.5  # 5 and 20 days
    assert selectors.hidden_items_found(*q4) == 1
    figures = selectors.channel_figures(*q4)
    assert figures["by_type"] == {BurdenType.NOTE: 3}


def test_statistics_of_an_empty_period_are_none_not_zero(history):
    empty = (dt.date(2020, 1, 1), dt.date(2020, 3, 31))
    assert selectors.reports_received(*empty) == 0
    assert selectors.on_time_rate(*empty) is None
    assert selectors.median_days_to_resolve(*empty) is None


def test_meter_estimate_for_a_unit_sums_the_items_that_reach_it(district, point):
    village = district["village"]
    make_item(kind=Kind.DATA_REQUEST, issuer=district["dept_a"], targets=[village], date=dt.date(2025, 10, 6),
              fields=["户数", "人口"], frequency="weekly")  # fmt: skip
    make_item(kind=Kind.DOCUMENT, issuer=district["dept_b"], targets=[district["street"]], date=dt.date(2025, 10, 6))
    make_item(kind=Kind.AWARD, issuer=district["dept_b"], targets_all=True, date=dt.date(2025, 10, 9))
    estimate = selectors.unit_estimated_hours(village, dt.date(2025, 10, 1), dt.date(2025, 10, 31))
    # weekly from 6 Oct: 6, 13, 20, 27 → 4 × 2 fields × 0.05 h; the street's document does not reach the village.
    assert estimate["by_kind"][Kind.DATA_REQUEST] == pytest.approx(0.4)
    assert Kind.DOCUMENT not in estimate["by_kind"]
    assert estimate["by_kind"][Kind.AWARD] == pytest.approx(16.0)


def test_survey_sits_beside_the_meter_estimate(district, point):
    make_item(kind=Kind.AWARD, issuer=district["dept_b"], targets=[district["village"]], date=dt.date(2025, 10, 9))
    services.submit_survey(point=point, month=dt.date(2025, 10, 1), hours={"hours_forms": 20, "hours_apps": 10})
    rows = selectors.survey_vs_meter(dt.date(2025, 10, 1))
    assert rows == [
        {
            "point_id": point.pk,
            "unit": "青山村",
            "month": "2025-10-01",
            "reported_hours": 30.0,
            "estimated_hours": 16.0,
            "gap_hours": 14.0,
            "comments": "",
        }
    ]
    assert selectors.survey_totals(dt.date(2025, 10, 1), dt.date(2025, 12, 31))["hours_forms"] == 20.0


def test_stat_rows_give_the_meter_plain_rows(history):
    a, b, c = history
    rows = selectors.stat_rows((dt.date(2025, 10, 1), dt.date(2025, 12, 31)))
    assert len(rows) == 3
    by_id = {r["id"]: r for r in rows}
    assert by_id[str(a.pk)] == {
        "id": str(a.pk),
        "received": dt.date(2025, 10, 1),
        "resolved": dt.date(2025, 10, 6),
        "deadline": dt.date(2025, 10, 10),
        "form": "note",
        "item_id": BurdenReport.objects.get(pk=a.pk).found_item_id,
    }
    assert by_id[str(c.pk)]["resolved"] is None
    both = selectors.stat_rows(
        (dt.date(2025, 10, 1), dt.date(2025, 12, 31)), (dt.date(2024, 10, 1), dt.date(2024, 12, 31))
    )
    assert len(both) == 4
