"""The journeys in a real browser (Debian chromium via Playwright), with screenshots
of the main pages. `make screenshots` saves them to docs/screenshots/; an ordinary
test run writes them to a temporary folder so it leaves the checkout untouched."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from jianfu.ledger.choices import Kind, Status
from jianfu.ledger.models import Item, PlanEntry, Quota
from jianfu.testing import browser_login, screenshot_dir, watch_console_errors
from jianfu.web.tests.factories import issued, submitted

pytestmark = pytest.mark.browser

PASSWORD = "Jianfu-test-2025"  # noqa: S105 - the test personas' password (jianfu.testing)


def shot(page, name: str) -> None:
    page.screenshot(path=str(screenshot_dir() / f"{name}.png"), full_page=True)


def test_clerk_drafts_with_live_findings_and_submits(transactional_db, page, live_server, district, personas):
    errors = watch_console_errors(page)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("clerk_a")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="新建事项").first.click()
    page.wait_for_url("**/items/new/")
    # Switching the kind swaps in that kind's fields through htmx.
    page.get_by_label("事项类型").select_option("meeting")
    page.get_by_label("时长（分钟）").wait_for()
    page.get_by_label("事项类型").select_option("document")
    page.get_by_label("文号").wait_for()
    assert page.get_by_label("时长（分钟）").count() == 0
    page.get_by_label("标题").fill("关于报送冬季安全生产情况的通知")
    page.get_by_label("正文").press_sequentially("请各村今晚前上传照片，收到请回复。", delay=10)
    finding = page.locator("#review-result [data-code=PHOTO_VIDEO_DEMAND]")
    finding.wait_for()
    assert page.locator("#review-result [data-code=INSTANT_REPLY_DEMAND]").count() == 1
    assert "照片" in page.locator("#review-result mark").all_inner_texts()[0] + "".join(
        page.locator("#review-result mark").all_inner_texts()
    )
    shot(page, "item-form-live-review")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url(re.compile(r"/items/\d+/$"))
    page.get_by_role("button", name="提交审核").click()
    page.locator("[data-testid=status]", has_text="已提交").wait_for()
    shot(page, "item-detail-submitted")
    assert Item.objects.get().status == Status.SUBMITTED
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/items/new/?kind=meeting")
    page.get_by_label("时长（分钟）").wait_for()
    shot(page, "item-form-phone")
    assert errors == []


def test_return_revise_resubmit_approve_issue(transactional_db, page, live_server, district, personas):
    errors = watch_console_errors(page)
    page.on("dialog", lambda dialog: dialog.accept())
    item = submitted(personas, district, title="关于开展消防检查的通知", body="请各镇拍照上传检查情况。")
    submitted(personas, district, title="对工作不力的实行一票否决", body="实行一票否决。")
    browser_login(page, live_server, personas["reviewer"])
    page.goto(f"{live_server.url}/queue/")
    page.locator("[data-testid=queue-row]").first.wait_for()
    shot(page, "queue")
    page.get_by_role("link", name=item.title).click()
    page.get_by_label("意见").first.fill("请删去拍照上传的要求")
    page.get_by_role("button", name="退回修改").click()
    page.locator("[data-testid=status]", has_text="已退回").wait_for()

    browser_login(page, live_server, personas["clerk_a"])
    page.goto(f"{live_server.url}/")
    assert page.locator("[data-testid=unread-count]").inner_text() == "1"
    page.goto(f"{live_server.url}/items/{item.pk}/")
    assert page.locator("[data-testid=decision-comment]").inner_text() == "请删去拍照上传的要求"
    page.get_by_role("link", name="修改").click()
    page.get_by_label("正文").fill("请各镇做好消防检查工作。")
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_role("button", name="提交审核").click()
    page.locator("[data-testid=status]", has_text="已提交").wait_for()

    browser_login(page, live_server, personas["reviewer"])
    page.goto(f"{live_server.url}/items/{item.pk}/")
    page.get_by_role("button", name="批准").click()
    page.locator("[data-testid=status]", has_text="已批准").wait_for()

    browser_login(page, live_server, personas["clerk_a"])
    page.goto(f"{live_server.url}/items/{item.pk}/")
    page.get_by_label("发布日期").fill("2025-11-25")
    page.get_by_label("文号").fill("区应急〔2025〕7号")
    page.get_by_role("button", name="登记发布").click()
    page.locator("[data-testid=status]", has_text="已发布").wait_for()
    history = page.locator("[data-testid=history]").inner_text()
    for step in ("提交审核", "退回修改", "批准", "登记发布"):
        assert step in history
    shot(page, "item-detail-history")
    assert errors == []


def test_reviewer_merges_a_near_duplicate(transactional_db, page, live_server, district, personas):
    page.on("dialog", lambda dialog: dialog.accept())
    text = "为加强冬季森林防火工作，请各镇街组织力量开展巡查，落实值班值守，发现火情及时报告并妥善处置。" * 3
    target = issued(personas, district, title="关于加强冬季森林防火工作的通知", body=text)
    from jianfu.gate import index

    index.index_items([target.pk])
    item = submitted(personas, district, title="关于做好冬季森林防火工作的通知", body=text.replace("及时", "立即"))
    browser_login(page, live_server, personas["reviewer"])
    page.goto(f"{live_server.url}/items/{item.pk}/")
    page.locator("[data-testid=compare]").first.wait_for()
    shot(page, "item-compare")
    page.get_by_label("合并到事项编号").fill(str(target.pk))
    page.get_by_role("button", name="合并").click()
    page.locator("[data-testid=status]", has_text="已合并").wait_for()
    item.refresh_from_db()
    assert item.merged_into_id == target.pk


def test_grassroots_user_sees_their_burden_bill(transactional_db, page, live_server, district, personas):
    issued(personas, district, title="安全生产大检查", kind=Kind.INSPECTION, onsite_days=2.0)
    issued(personas, district, title="防汛视频会", kind=Kind.MEETING, duration_minutes=90, mode="video")
    browser_login(page, live_server, personas["township"])
    page.goto(f"{live_server.url}/")
    page.wait_for_url("**/bill/")
    page.get_by_label("期间", exact=True).fill("2025")
    page.get_by_role("button", name="查看").click()
    total = page.locator("[data-testid=bill-total]")
    total.wait_for()
    assert float(total.inner_text()) == 17.5  # 8 + 2×4 for the inspection, 1.5 for the meeting
    assert page.get_by_role("link", name="安全生产大检查").count() == 1
    shot(page, "bill")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "bill-phone")


def test_list_import_reports_the_bad_row(transactional_db, page, live_server, district, personas, tmp_path):
    csv = tmp_path / "whitelist.csv"
    csv.write_text("年度,活动,主办单位\n2025,消防进校园,区消防救援大队\n明年,交通安全课,区交警大队\n", encoding="utf-8")
    browser_login(page, live_server, personas["reviewer"])
    page.goto(f"{live_server.url}/lists/whitelist/")
    page.get_by_label("导入文件").set_input_files(str(csv))
    page.get_by_role("button", name="试导入", exact=True).click()
    errors = page.locator("[data-testid=import-errors]")
    errors.wait_for()
    assert "第3行" in errors.inner_text()
    assert page.get_by_role("button", name="确认导入").count() == 0
    shot(page, "list-import-errors")
    year = timezone.localdate().year
    Quota.objects.create(year=year, unit=district["dept_a"], kind=Kind.DOCUMENT, quota=4)
    PlanEntry.objects.create(year=year, unit=district["dept_a"], kind=Kind.DOCUMENT, title="安全生产年度部署")
    issued(personas, district, title="年度部署通知", date=dt.date(year, 3, 1), year=year)
    page.goto(f"{live_server.url}/lists/plans/")
    shot(page, "lists-plans")
    page.goto(f"{live_server.url}/lists/lexicon/")
    page.get_by_label("输入一段文字，看哪些规则会触发").fill("请于今晚前上传照片。")
    page.get_by_role("button", name="试审", exact=True).click()
    page.locator("[data-testid=try-findings] [data-code=PHOTO_VIDEO_DEMAND]").wait_for()
    shot(page, "lexicon-try")


def test_ledger_search_page(transactional_db, page, live_server, district, personas):
    for n in range(3):
        issued(personas, district, title=f"通知{n}")
    browser_login(page, live_server, personas["leader"])
    page.goto(f"{live_server.url}/items/")
    page.get_by_label("关键词").fill("通知1")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**q=**")
    assert page.locator("tbody tr").count() == 1
    shot(page, "ledger")
    page.goto(f"{live_server.url}/")
    page.get_by_role("heading", name="台账概况").wait_for()
    shot(page, "home-leader")
