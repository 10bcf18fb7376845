import pytest

from jianfu.meter.tests.ledger import build
from jianfu.testing import browser_login, watch_console_errors

pytestmark = pytest.mark.browser


def test_the_dashboard_draws_its_charts_without_console_errors(
    transactional_db, page, live_server, district, personas, tmp_path
):
    build(district, personas)
    errors = watch_console_errors(page)
    browser_login(page, live_server, personas["leader"])
    page.goto(f"{live_server.url}/dashboard/?period=2025Q4")
    for chart in ("trend-kind", "trend-dept", "heat", "top", "findings", "funnel", "quota"):
        page.wait_for_selector(f"#chart-{chart} canvas")
    assert page.locator("[data-testid=figure-documents]").inner_text() == "3"
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    assert errors == []


def test_clicking_a_bar_opens_the_items_behind_it(transactional_db, page, live_server, district, personas):
    build(district, personas)
    browser_login(page, live_server, personas["leader"])
    page.goto(f"{live_server.url}/dashboard/?period=2025Q4")
    canvas = page.locator("#chart-top canvas")
    canvas.wait_for()
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    # Ask ECharts where the largest bar (青山镇, drawn last, at the top) is, and click its middle.
    x, y = page.evaluate(
        """() => {
        const chart = echarts.getInstanceByDom(document.getElementById("chart-top"));
        const option = chart.getOption();
        const last = option.yAxis[0].data.length - 1;
        return chart.convertToPixel({seriesIndex: 0}, [option.series[0].data[last] / 2, last]);
    }"""
    )
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url("**/dashboard/items/**")
    assert "figure=burden_hours" in page.url and f"unit={district['township'].pk}" in page.url
    assert page.locator("h1").inner_text() == "基层负担工时（小时）"


def test_a_figure_link_opens_its_list(transactional_db, page, live_server, district, personas):
    items = build(district, personas)
    browser_login(page, live_server, personas["leader"])
    page.goto(f"{live_server.url}/dashboard/?period=2025Q4")
    page.click("[data-testid=figure-documents]")
    page.wait_for_url("**/dashboard/items/**")
    assert page.locator("[data-testid=drill-count]").inner_text() == "3"
    assert page.get_by_text(items["D2"].title).count() == 1
