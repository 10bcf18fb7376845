import pytest
from django.conf import settings
from django.test import Client

from jianfu.meter.tests.ledger import build

pytestmark = pytest.mark.browser


def login(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])


def test_the_dashboard_draws_its_charts_without_console_errors(
    transactional_db, page, live_server, district, personas, tmp_path
):
    build(district, personas)
    errors: list[str] = []
    # The browser asks for /favicon.ico on its own; that 404 is not the page's.
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, live_server, personas["leader"])
    page.goto(f"{live_server.url}/dashboard/?period=2025Q4")
    for chart in ("trend-kind", "trend-dept", "heat", "top", "findings", "funnel", "quota"):
        page.wait_for_selector(f"#chart-{chart} canvas")
    assert page.locator("[data-testid=figure-documents]").inner_text() == "3"
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    assert errors == []


def test_clicking_a_bar_opens_the_items_behind_it(transactional_db, page, live_server, district, personas):
    build(district, personas)
    login(page, live_server, personas["leader"])
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
    login(page, live_server, personas["leader"])
    page.goto(f"{live_server.url}/dashboard/?period=2025Q4")
    page.click("[data-testid=figure-documents]")
    page.wait_for_url("**/dashboard/items/**")
    assert page.locator("[data-testid=drill-count]").inner_text() == "3"
    assert page.get_by_text(items["D2"].title).count() == 1
