import datetime as dt

import pytest

from jianfu.meter.hours import BurdenFacts, estimate, hours_per_occurrence, merged_params, occurrences

P = merged_params(None)
D = dt.date(2025, 11, 20)  # a Thursday


def test_document_hours_follow_length_and_report_back():
    f = BurdenFacts(kind="document", date=D, chars=3000)
    assert hours_per_occurrence(f, P) == pytest.approx(0.8)
    g = BurdenFacts(kind="document", date=D, chars=3000, finding_codes=frozenset({"DEMANDS_IMPLEMENTATION_REPORT"}))
    assert hours_per_occurrence(g, P) == pytest.approx(1.8)


def test_onsite_meeting_adds_travel_and_materials():
    f = BurdenFacts(kind="meeting", date=D, duration_minutes=120, mode="onsite", attendees=2, materials_required=True)
    assert hours_per_occurrence(f, P) == pytest.approx((120 + 60) / 60 * 2 + 2.0)
    video = BurdenFacts(kind="meeting", date=D, duration_minutes=120, mode="video")
    assert hours_per_occurrence(video, P) == pytest.approx(2.0)


def test_demand_findings_add_their_cost_and_the_estimate_replaces_the_default():
    f = BurdenFacts(
        kind="task", date=D, estimated_hours=3.0, finding_codes=frozenset({"PHOTO_VIDEO_DEMAND", "TRACE_DEMAND"})
    )
    assert hours_per_occurrence(f, P) == pytest.approx(4.5)


def test_office_overrides_change_the_tariff():
    params = merged_params({"campus_hours": 6.0, "demand_costs": {"TRACE_DEMAND": 2.0}, "unknown": 1})
    assert hours_per_occurrence(BurdenFacts(kind="campus", date=D), params) == 6.0
    assert params["demand_costs"]["PHOTO_VIDEO_DEMAND"] == 0.5
    assert "unknown" not in params


@pytest.mark.parametrize(
    ("frequency", "start", "end", "expected"),
    [
        ("once", dt.date(2025, 10, 1), dt.date(2025, 12, 31), 1),
        ("once", dt.date(2026, 1, 1), dt.date(2026, 3, 31), 0),
        ("daily", dt.date(2025, 11, 17), dt.date(2025, 11, 30), 7),  # 20, 21, 24, 25, 26, 27, 28 Nov
        ("weekly", dt.date(2025, 11, 1), dt.date(2025, 12, 31), 6),  # Thursdays from 20 Nov: 20,27,4,11,18,25
        ("monthly", dt.date(2025, 1, 1), dt.date(2026, 12, 31), 14),  # 20 Nov 2025 .. 20 Dec 2026
        ("quarterly", dt.date(2025, 1, 1), dt.date(2026, 12, 31), 5),  # Nov, Feb, May, Aug, Nov
    ],
)
def test_occurrences_follow_frequency(frequency, start, end, expected):
    f = BurdenFacts(kind="data_request", date=D, frequency=frequency)
    assert occurrences(f, start, end) == expected


def test_recurring_item_stops_at_its_end_date():
    f = BurdenFacts(kind="data_request", date=D, frequency="monthly", ends_on=dt.date(2026, 2, 1))
    assert occurrences(f, dt.date(2025, 1, 1), dt.date(2026, 12, 31)) == 3


def test_app_is_pro_rated_over_a_year_of_250_working_days():
    f = BurdenFacts(kind="app", date=dt.date(2025, 1, 1), daily_minutes=30)
    year = estimate(f, target_units=2, params=P, window=(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    assert year["burden_hours_per_unit"] == pytest.approx(125.0)
    assert year["burden_hours"] == pytest.approx(250.0)
    quarter = estimate(f, target_units=1, params=P, window=(dt.date(2025, 1, 1), dt.date(2025, 3, 31)))
    assert quarter["burden_hours_per_unit"] == pytest.approx(125.0 * 90 / 365, abs=0.01)


def test_gate_estimate_covers_the_first_year():
    f = BurdenFacts(kind="data_request", date=D, frequency="monthly", field_count=20)
    result = estimate(f, target_units=10, params=P)
    assert result == {"burden_hours": 120.0, "burden_hours_per_unit": 12.0, "target_units": 10}
