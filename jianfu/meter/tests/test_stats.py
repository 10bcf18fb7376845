import datetime as dt

import pytest

from jianfu.meter import months
from jianfu.meter.periods import parse_period
from jianfu.meter.service import period_stats
from jianfu.meter.stats import FIGURE_KEYS, change_pct
from jianfu.meter.tests.ledger import EXPECTED, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(district, personas):
    return build(district, personas)


@pytest.fixture
def stats(ledger):
    return period_stats(parse_period("2025Q4"), keep_members=True)


def test_every_figure_of_the_spec_is_present_with_current_previous_and_change():
    assert set(EXPECTED) == set(FIGURE_KEYS)


@pytest.mark.parametrize("key", FIGURE_KEYS)
def test_each_figure_matches_the_hand_computed_ledger(stats, key):
    fig = stats.figures[key]
    assert (fig["current"], fig["previous"], fig["change_pct"]) == EXPECTED[key]


def test_the_json_names_both_periods(stats):
    data = stats.as_json()
    assert data["period"] == {"label": "2025Q4", "start": "2025-10-01", "end": "2025-12-31"}
    assert data["previous"] == {"label": "2024Q4", "start": "2024-10-01", "end": "2024-12-31"}
    assert list(data["figures"])[: len(FIGURE_KEYS)] == list(FIGURE_KEYS)


def test_upper_level_grassroots_issued_draft_and_out_of_period_documents_are_not_counted(stats, ledger):
    counted = set(stats.members["documents"]["current"])
    assert counted == {ledger["D1"].pk, ledger["D2"].pk, ledger["D3"].pk}


def test_merged_items_count_by_decision_date_and_kind(stats, ledger):
    assert set(stats.members["merged_items"]["current"]) == {ledger["X1"].pk, ledger["X4"].pk}
    by_kind = stats.details["by_kind"]
    assert by_kind["document"]["merged"] == {"current": 1, "previous": 0}
    assert by_kind["inspection"]["merged"] == {"current": 1, "previous": 0}
    assert by_kind["meeting"]["merged"] == {"current": 0, "previous": 1}


def test_reviews_give_verdict_shares_findings_by_code_and_revisions(stats, ledger):
    assert stats.details["verdict_shares"]["current"] == {"pass": 25.0, "revise": 50.0, "block": 25.0}
    codes = {r["code"]: r["current"] for r in stats.details["findings_by_code"]}
    # D1's first review found TRACE_DEMAND but its latest did not; T1's latest did.
    assert codes == {"PHOTO_VIDEO_DEMAND": 1, "TRACE_DEMAND": 1, "OFF_LIST_TASK": 1, "UNFUNDED_TASK": 1}
    assert stats.figures["reviews_revised"]["current"] == 1
    assert stats.members["reviews_revised"]["current"] == [ledger["D1"].pk]
    assert stats.figures["review_block_share"]["current"] == 25.0


def test_burden_per_unit_expands_all_targets_and_adds_demand_costs(stats, ledger):
    units = {u["name"]: u for u in stats.details["units"]}
    # 青山镇: D1 0.7 + D2 0.9 + D3 0.5 + M1 1 + M2 6 + I1 16 + R1 0.45 + C2 4 + A1 31.50685 = 61.05685
    assert units["青山镇"]["current"] == 61.1
    # 青山村: D1 0.7 + D3 0.5 + R0 0.1 + T1 4.5 + C2 4 = 9.8
    assert units["青山村"]["current"] == 9.8
    # 示范区第一小学: D1 0.7 + C1 4 + C2 4 = 8.7 ; 2024Q4: P1..P4 = 3.3
    assert (units["示范区第一小学"]["current"], units["示范区第一小学"]["previous"]) == (8.7, 3.3)
    assert stats.details["top_units"][0]["name"] == "青山镇"
    assert stats.item_hours["current"][ledger["T1"].pk] == pytest.approx(4.5)
    assert stats.details["by_kind"]["app"]["burden_hours"] == {"current": 31.5, "previous": 12.6}


def test_extra_figures_for_apps_bodies_schools_and_quotas(stats, district):
    assert stats.figures["apps_live_change_since_year_start"]["current"] == -1
    assert stats.figures["apps_live_change_since_year_start"]["previous"] == 1
    assert stats.details["bodies"]["current"] == {"rate": 50.0, "at_year_start": 4, "at_end": 2}
    assert stats.details["campus_per_school"] == [
        {"unit_id": district["school"].pk, "name": "示范区第一小学", "current": 2, "previous": 0}
    ]
    over = stats.details["over_quota"]
    assert [(q["name"], q["kind"], q["quota"], q["used"]) for q in over] == [("区应急管理局", "document", 2, 4)]


def test_next_step_suggestions_name_onsite_meetings_and_shareable_reports(stats, ledger):
    assert [v["item_id"] for v in stats.details["suggestions"]["video_meetings"]] == [ledger["M2"].pk]
    assert stats.details["suggestions"]["merge_data_requests"] == [ledger["R1"].pk]


def test_office_tariffs_from_settings_change_the_hours(ledger):
    from jianfu.org.services import set_setting

    set_setting(key="meter.defaults", value={"award_hours": 20.0}, by=None)
    stats = period_stats(parse_period("2025Q4"))
    assert stats.figures["burden_hours"]["current"] == 110.0  # 105.95685 + 4


def test_an_empty_ledger_gives_zeros_and_no_change():
    stats = period_stats(parse_period("2025"))
    for key in FIGURE_KEYS:
        assert stats.figures[key]["current"] in (0, 0.0)
        assert stats.figures[key]["change_pct"] is None


def test_a_year_is_computed_in_a_fixed_number_of_queries(ledger, django_assert_max_num_queries):
    months.refresh()  # as after an import; a read computes only the months written since
    with django_assert_max_num_queries(20):
        period_stats(parse_period("2025"))


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [(8, 10, -20.0), (10, 8, 25.0), (5, 0, None), (0, 0, None), (0, 4, -100.0), (1, 3, -66.7)],
)
def test_change_pct_is_relative_to_last_year_and_null_without_a_base(current, previous, expected):
    assert change_pct(current, previous) == expected


def test_a_custom_range_compares_with_the_same_days_a_year_earlier(ledger):
    stats = period_stats(parse_period("2025-11-01..2025-11-30"))
    assert stats.previous.start == dt.date(2024, 11, 1)
    assert stats.figures["documents"]["current"] == 1  # D2
    assert stats.figures["documents"]["previous"] == 1  # P2
