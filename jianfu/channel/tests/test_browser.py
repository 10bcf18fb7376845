"""A village cadre reports a WeChat-group photo quota anonymously, in under a minute,
then reads the department's answer with the receipt code."""

import time

import pytest
from django.utils import timezone

from jianfu.channel import services
from jianfu.channel.models import BurdenReport
from jianfu.testing import browser_login, make_item

from .conftest import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_anonymous_photo_quota_report_and_reading_the_answer(page, live_server, district, personas, point, tmp_path):
    make_item(issuer=district["dept_a"], title="关于开展网格化入户走访工作的通知")
    shot = tmp_path / "群截图.png"
    shot.write_bytes(png_bytes())

    started = time.monotonic()
    page.goto(f"{live_server.url}/channel/p/{point.link_token}/")
    page.get_by_label("拍照留痕指标").check()
    page.get_by_label("具体情况").fill("镇工作群通知：每个村每天上传5张入户走访照片，收到请回复。")
    # The ledger search (static JS) finds the notice behind the quota.
    page.get_by_label("搜索台账事项").fill("入户走访")
    page.get_by_role("button", name="关于开展网格化入户走访工作的通知").click()
    page.set_input_files("#id_files", str(shot))
    page.get_by_role("button", name="提交反映").click()
    code = page.locator("#receipt-code").inner_text().strip()
    assert time.monotonic() - started < 60

    report = BurdenReport.objects.get()
    assert report.reporter is None
    assert report.unit == district["township"]  # the default level: the township, not the village
    assert report.item.title == "关于开展网格化入户走访工作的通知"
    assert report.attachments.count() == 1

    services.assign_report(
        report=report, department=district["dept_a"], due_on=timezone.localdate(), by=personas["reviewer"]
    )
    services.answer_report(
        report=report, by=personas["clerk_a"], answer="已在工作群撤回每日拍照要求，今后不以照片数量考核。"
    )

    page.goto(f"{live_server.url}/channel/receipt/")
    page.get_by_label("回执码").fill(code.lower())
    page.get_by_role("button", name="查询").click()
    assert "已在工作群撤回每日拍照要求" in page.locator("#answer").inner_text()
    assert code not in page.url

    page.get_by_label("部分减轻").check()
    page.get_by_role("button", name="提交评价").click()
    assert "您的评价：部分减轻" in page.locator("#progress").inner_text()
    report.refresh_from_db()
    assert report.relief == "partly"


def test_a_wrong_receipt_code_gets_a_clear_message(page, live_server):
    page.goto(f"{live_server.url}/channel/receipt/")
    page.get_by_label("回执码").fill("AAAA-BBBB-CCCC-DDDD-EEEE")
    page.get_by_role("button", name="查询").click()
    assert "没有找到" in page.get_by_role("alert").inner_text()


def test_signed_in_cadre_files_anonymously_and_it_never_reaches_their_inbox(page, live_server, district, village_cadre):
    browser_login(page, live_server, village_cadre)
    page.goto(f"{live_server.url}/channel/")
    page.get_by_role("link", name="我要反映负担").click()
    page.get_by_label("工作群通知要求“收到请回复”").check()
    page.get_by_label("具体情况").fill("@所有人：明早8点开网格会，带齐3类台账，收到请回复。")
    page.get_by_label("匿名").check()
    page.get_by_role("button", name="提交反映").click()
    assert page.locator("#receipt-code").inner_text().strip()
    report = BurdenReport.objects.get()
    assert report.reporter is None and report.unit == district["township"]
    page.goto(f"{live_server.url}/channel/")
    assert "我的反映" not in page.locator("main").inner_text()
