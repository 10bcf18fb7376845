import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from jianfu.meter.tests.ledger import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(district, personas):
    return build(district, personas)


@pytest.fixture
def leader(client, personas):
    client.force_login(personas["leader"])
    return client


def test_the_dashboard_shows_every_figure_for_a_leader(leader, ledger):
    response = leader.get(reverse("reports:dashboard"), {"period": "2025Q4"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="figure-documents">3</a>' in html
    assert 'data-testid="figure-burden_hours">106.0</a>' in html
    assert "2025年第四季度" in html


def test_the_dashboard_shows_every_write_on_the_next_request(leader, ledger, district):
    from jianfu.ledger.models import Item
    from jianfu.testing import make_item

    def documents() -> str:
        html = leader.get(reverse("reports:dashboard"), {"period": "2025Q4"}).content.decode()
        return re.search(r'data-testid="figure-documents">(\d+)<', html).group(1)

    assert documents() == documents() == "3"  # the second from the process's rendered page
    item = make_item(issuer=district["dept_a"], date=dt.date(2025, 11, 3))
    assert documents() == "4"
    Item.objects.filter(pk=item.pk).update(status="draft")  # bypassing the services
    assert documents() == "3"


def test_the_shared_page_keeps_each_readers_own_header(client, personas, ledger):
    client.force_login(personas["leader"])
    client.get(reverse("reports:dashboard"), {"period": "2025Q4"})
    client.force_login(personas["admin"])
    html = client.get(reverse("reports:dashboard"), {"period": "2025Q4"}).content.decode()
    assert f"<span>{personas['admin']}</span>" in html
    assert f"<span>{personas['leader']}</span>" not in html


def test_the_dashboard_page_has_no_inline_script_or_style(leader, ledger):
    html = leader.get(reverse("reports:dashboard"), {"period": "2025Q4"}).content.decode()
    scripts = re.findall(r"<script(?P<attrs>[^>]*)>", html)
    for attrs in scripts:
        assert "src=" in attrs or 'type="application/json"' in attrs, attrs
    assert " style=" not in html
    assert "/static/vendor/echarts.min.js" in html and "/static/reports/dashboard.js" in html


def test_the_chart_data_is_embedded_as_json(leader, ledger):
    html = leader.get(reverse("reports:dashboard"), {"period": "2025Q4"}).content.decode()
    raw = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(raw)
    assert data["top_units"][0] == {"id": data["top_units"][0]["id"], "name": "青山镇", "hours": 61.1}
    assert {f["code"] for f in data["findings"]} == {
        "PHOTO_VIDEO_DEMAND",
        "TRACE_DEMAND",
        "OFF_LIST_TASK",
        "UNFUNDED_TASK",
    }
    assert sum(sum(s["data"]) for s in data["trend_kind"]["series"]) > 0


def test_an_anonymous_visitor_is_sent_to_log_in(client, ledger):
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["clerk_a", "township"])
def test_clerks_and_grassroots_users_are_refused(client, personas, persona):
    client.force_login(personas[persona])
    assert client.get(reverse("reports:dashboard")).status_code == 403
    assert client.get(reverse("reports:items"), {"figure": "documents"}).status_code == 403


def test_a_bad_period_falls_back_with_a_message(leader, ledger):
    response = leader.get(reverse("reports:dashboard"), {"period": "2025Q9"}, follow=True)
    assert response.status_code == 200
    assert "无法识别的统计期间" in response.content.decode()


def test_a_figure_opens_the_list_of_items_behind_it(leader, ledger):
    response = leader.get(reverse("reports:items"), {"period": "2025Q4", "figure": "documents"})
    html = response.content.decode()
    assert 'data-testid="drill-count">3<' in html
    for key in ("D1", "D2", "D3"):
        assert ledger[key].title in html
    assert ledger["D4"].title not in html  # the upper-level document


def test_the_previous_period_and_filters_narrow_the_list(leader, ledger, district):
    html = leader.get(
        reverse("reports:items"), {"period": "2025Q4", "figure": "documents", "which": "previous"}
    ).content.decode()
    assert 'data-testid="drill-count">4<' in html
    html = leader.get(
        reverse("reports:items"), {"period": "2025Q4", "figure": "burden_hours", "unit": district["village"].pk}
    ).content.decode()
    # 青山村: D1 (all), D3, R0, T1, C2 (all)
    assert 'data-testid="drill-count">5<' in html
    html = leader.get(reverse("reports:items"), {"period": "2025Q4", "figure": "burden_hours"}).content.decode()
    assert 'data-testid="drill-hours">106.0<' in html  # the list adds up to the figure
    assert ledger["T1"].title in html and "4.5" in html


def test_monthly_and_finding_drilldowns(leader, ledger):
    html = leader.get(
        reverse("reports:items"), {"period": "2025", "figure": "items", "kind": "meeting", "month": "2025-11"}
    ).content.decode()
    assert 'data-testid="drill-count">1<' in html and ledger["M2"].title in html
    html = leader.get(
        reverse("reports:items"), {"period": "2025Q4", "figure": "finding:OFF_LIST_TASK"}
    ).content.decode()
    assert "清单外事项转嫁基层" in html and ledger["T2"].title in html


def test_an_unknown_figure_is_not_found(leader, ledger):
    assert leader.get(reverse("reports:items"), {"figure": "nonsense"}).status_code == 404


def test_the_methods_page_shows_the_current_tariffs(leader, ledger):
    from jianfu.org.services import set_setting

    set_setting(key="meter.defaults", value={"campus_hours": 6.0}, by=None)
    html = leader.get(reverse("reports:methods")).content.decode()
    assert "标准成本法" in html and "每次活动（小时）" in html
    assert "6.0 <strong>已调整</strong>" in html


@pytest.mark.parametrize(("fmt", "magic"), [("docx", b"PK"), ("xlsx", b"PK"), ("json", b"{")])
def test_the_report_files_can_be_downloaded_from_the_dashboard(leader, ledger, fmt, magic):
    response = leader.get(reverse("reports:download", args=[fmt]), {"period": "2025Q4"})
    assert response.status_code == 200
    assert response.content.startswith(magic)
    assert "2025Q4" in response["Content-Disposition"]


def test_the_dashboard_reads_the_ledger_in_a_bounded_number_of_queries(leader, ledger, django_assert_max_num_queries):
    from jianfu.meter import months

    months.refresh()  # as after an import: a read computes only the months written since (a few queries each)
    with django_assert_max_num_queries(40):
        leader.get(reverse("reports:dashboard"), {"period": "2025"})


def test_long_id_lists_are_filtered_in_chunks_newest_first(ledger):
    from jianfu.ledger.models import Item
    from jianfu.reports.views import _ordered_ids

    ids = [ledger[k].pk for k in ("D1", "D2", "D3", "P1", "M1")]
    ordered = _ordered_ids(Item.objects.filter(kind="document"), ids, chunk=2)
    assert ordered == [ledger["D3"].pk, ledger["D2"].pk, ledger["D1"].pk, ledger["P1"].pk]


def test_a_word_download_without_the_font_explains_how_to_install_it(leader, ledger, tmp_path, monkeypatch):
    from jianfu.reports import charts

    monkeypatch.setattr(charts, "FONT_PATH", tmp_path / "none.ttf")
    charts.cjk_font_name.cache_clear()
    response = leader.get(reverse("reports:download", args=["docx"]), {"period": "2025Q4"}, follow=True)
    charts.cjk_font_name.cache_clear()
    assert "make assets" in response.content.decode()


def test_a_month_of_the_yearly_trend_opens_even_from_a_quarter(leader, ledger):
    html = leader.get(
        reverse("reports:items"), {"period": "2025Q4", "figure": "items", "kind": "app", "month": "2025-01"}
    ).content.decode()
    assert 'data-testid="drill-count">1<' in html and ledger["A1"].title in html


def test_every_linked_number_on_the_dashboard_has_its_items(ledger):
    from jianfu.meter.periods import parse_period
    from jianfu.meter.service import period_stats
    from jianfu.reports.dashboard import figure_cards

    stats = period_stats(parse_period("2025Q4"), keep_members=True)
    for card in figure_cards(stats, "/dashboard/items/"):
        if card["url"]:
            assert card["key"] in stats.members, card["key"]
    assert stats.members["meeting_avg_minutes"] == stats.members["meetings"]
    assert len(stats.members["tasks"]["current"]) == 1
