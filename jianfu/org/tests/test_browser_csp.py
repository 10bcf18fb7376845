"""The strict Content-Security-Policy in a real browser: htmx, ECharts and the Django
admin all work, and the browser reports no violation."""

import pyotp
import pytest

from jianfu.ledger.choices import Kind
from jianfu.org.models import TotpDevice
from jianfu.testing import browser_login, make_item, screenshot_dir, watch_console_errors

pytestmark = pytest.mark.browser


def test_htmx_pages_work_under_the_policy(transactional_db, page, live_server, district, personas):
    violations = watch_console_errors(page)
    browser_login(page, live_server, personas["clerk_a"])
    page.goto(f"{live_server.url}/items/new/")
    # Switching the kind swaps in that kind's fields through htmx (a script from /static/).
    page.get_by_label("事项类型").select_option("meeting")
    page.wait_for_selector("[name=duration_minutes]")
    assert violations == []


def test_echarts_dashboard_draws_under_the_policy(transactional_db, page, live_server, district, personas):
    make_item(kind=Kind.MEETING, issuer=district["dept_a"], targets=[district["township"]], by=personas["clerk_a"])
    violations = watch_console_errors(page)
    browser_login(page, live_server, personas["leader"])
    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_selector("#chart-trend-kind canvas, #chart-trend-kind svg")
    assert violations == []


def test_django_admin_works_under_the_policy(transactional_db, page, live_server, django_user_model, personas):
    root = django_user_model.objects.create_superuser("root", "root@example.gov.cn", "Jianfu-test-2025")
    violations = watch_console_errors(page)
    browser_login(page, live_server, root)
    page.goto(f"{live_server.url}/admin/org/user/{personas['clerk_a'].pk}/change/")
    page.get_by_role("button", name="保存", exact=True).wait_for()
    page.goto(f"{live_server.url}/admin/org/unit/add/")
    page.get_by_label("名称").fill("新单位")
    assert violations == []


def test_second_factor_journey_in_the_browser(transactional_db, page, live_server, personas):
    violations = watch_console_errors(page)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("reviewer")
    page.get_by_label("密码").fill("Jianfu-test-2025")
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/account/")
    page.get_by_role("link", name="设置两步验证").click()
    secret = page.get_by_test_id("otp-secret").inner_text().replace(" ", "")
    page.get_by_label("动态码").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="确认启用").click()
    page.get_by_test_id("otp-status").filter(has_text="已启用").wait_for()
    assert TotpDevice.objects.get(user=personas["reviewer"]).is_confirmed
    page.get_by_role("button", name="退出").first.click()

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("reviewer")
    page.get_by_label("密码").fill("Jianfu-test-2025")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/account/otp/verify/**")
    page.get_by_label("动态码").fill(pyotp.TOTP(secret).at(__import__("time").time() + 30))
    page.get_by_role("button", name="验证").click()
    page.get_by_role("link", name="审核队列").first.wait_for()
    assert violations == []


def test_audit_and_account_pages_screenshots(transactional_db, page, live_server, personas):
    from jianfu.org.services import set_setting

    set_setting(key="gate.max_pages", value=10, by=personas["admin"])
    set_setting(key="gate.max_pages", value=12, by=personas["reviewer"])
    violations = watch_console_errors(page)
    browser_login(page, live_server, personas["reviewer"])
    shots = screenshot_dir()
    page.goto(f"{live_server.url}/audit/")
    page.locator("summary").first.click()
    page.screenshot(path=str(shots / "audit.png"), full_page=True)
    page.goto(f"{live_server.url}/account/")
    page.screenshot(path=str(shots / "account.png"), full_page=True)
    assert page.get_by_test_id("otp-status").inner_text().startswith("未启用")
    assert violations == []
