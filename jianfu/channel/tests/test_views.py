import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jianfu.channel import services
from jianfu.channel.models import BurdenReport, BurdenType, Identity, ReportStatus
from jianfu.ledger.models import Item
from jianfu.testing import make_item

from .conftest import PDF_BYTES, png_bytes, upload


def test_village_cadre_files_with_an_attachment_and_gets_a_receipt(client, district, village_cadre):
    client.force_login(village_cadre)
    form = client.get(reverse("channel:new_report"))
    assert form.status_code == 200
    # Privacy-friendly default: the township, not the village.
    assert form.context["form"].fields["unit"].initial == str(district["township"].pk)
    response = client.post(
        reverse("channel:new_report"),
        {
            "burden_type": BurdenType.PHOTO_QUOTA,
            "description": "每天报5张照片",
            "identity": Identity.ANONYMOUS,
            "unit": str(district["township"].pk),
            "files": [upload("截图.png", png_bytes(), "image/png")],
        },
    )
    assert response.status_code == 200
    assert "回执码" in response.content.decode()
    assert BurdenReport.objects.get().attachments.count() == 1


def test_a_bad_attachment_is_refused_on_the_page_with_a_chinese_message(client, district, village_cadre):
    client.force_login(village_cadre)
    response = client.post(
        reverse("channel:new_report"),
        {
            "burden_type": BurdenType.PHOTO_QUOTA,
            "description": "每天报5张照片",
            "identity": Identity.ANONYMOUS,
            "files": [upload("照片.png", PDF_BYTES, "image/png")],
        },
    )
    assert response.status_code == 200
    assert "扩展名与内容不符" in response.content.decode()
    assert not BurdenReport.objects.exists()


def test_a_traversal_file_name_sent_over_http_never_becomes_a_path(client, settings, district, village_cadre):
    """Django keeps only the last part of a multipart file name; we store under a random name anyway."""
    boundary = "XxBoundaryxX"
    parts = []
    for name, value in (
        ("burden_type", BurdenType.PHOTO_QUOTA),
        ("description", "每天报5张照片"),
        ("identity", Identity.ANONYMOUS),
    ):
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="../../etc/passwd.png"\r\n'
        "Content-Type: image/png\r\n\r\n".encode()
        + png_bytes()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    client.force_login(village_cadre)
    response = client.generic(
        "POST", reverse("channel:new_report"), b"".join(parts), content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 200
    att = BurdenReport.objects.get().attachments.get()
    assert att.display_name == "passwd.png"
    stored = list((settings.MEDIA_ROOT / "channel").iterdir())
    assert [p.name for p in stored] == [att.stored_name]
    assert not (settings.MEDIA_ROOT.parent / "etc").exists()


def test_receipt_lookup_shows_progress_and_the_answer(client, district, personas, village_cadre):
    report, code = services.file_report(
        identity=Identity.ANONYMOUS, burden_type=BurdenType.NOTE, description="便笺通知", by=village_cadre
    )
    services.assign_report(
        report=report, department=district["dept_a"], due_on=timezone.localdate(), by=personas["reviewer"]
    )
    services.answer_report(report=report, by=personas["clerk_a"], answer="已改为正式发文并纳入计划。")
    page = client.post(reverse("channel:receipt"), {"code": code.lower()})
    text = page.content.decode()
    assert "已改为正式发文并纳入计划" in text and "区应急管理局" in text
    assert "no-store" in page["Cache-Control"]
    # The reporter answers whether the burden went away.
    client.post(
        reverse("channel:receipt"), {"code": code, "action": "feedback", "relief": "partly", "comment": "还要报纸质"}
    )
    report.refresh_from_db()
    assert report.relief == "partly"
    empty = client.post(reverse("channel:receipt"), {"code": code, "action": "feedback"})
    assert "请选择负担是否真的减轻了" in empty.content.decode()
    wrong = client.post(reverse("channel:receipt"), {"code": "ABCD-EFGH-JKMN-PQRS-TUVW"})
    assert "没有找到" in wrong.content.decode()


def test_receipt_is_never_read_from_the_url(client, village_cadre):
    _, code = services.file_report(
        identity=Identity.ANONYMOUS, burden_type=BurdenType.NOTE, description="便笺通知", by=village_cadre
    )
    page = client.get(reverse("channel:receipt") + f"?code={code}")
    assert page.context["report"] is None


def test_attachment_is_served_as_a_download_with_nosniff(client, district, personas, village_cadre):
    report, code = services.file_report(
        identity=Identity.ANONYMOUS,
        burden_type=BurdenType.NOTE,
        description="便笺通知",
        by=village_cadre,
        files=[upload("便笺.pdf", PDF_BYTES, "application/pdf")],
    )
    att = report.attachments.get()
    url = reverse("channel:attachment", args=[att.pk])
    client.force_login(personas["reviewer"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF_BYTES
    # Department B is not assigned: same answer as for a missing file.
    client.force_login(personas["clerk_b"])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404
    assert client.post(url, {"code": "WRONG"}).status_code == 404
    assert client.post(url, {"code": code}).status_code == 200


def test_office_routes_merges_verifies_and_turns_into_item_through_pages(client, district, personas, village_cadre):
    report, _ = services.file_report(
        identity=Identity.ANONYMOUS, burden_type=BurdenType.NOTE, description="便笺通知", by=village_cadre
    )
    dup, _ = services.file_report(
        identity=Identity.ANONYMOUS, burden_type=BurdenType.NOTE, description="同一便笺", by=village_cadre
    )
    client.force_login(personas["reviewer"])
    assert client.get(reverse("channel:report_detail", args=[report.pk])).status_code == 200
    due = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    client.post(reverse("channel:assign", args=[report.pk]), {"department": district["dept_a"].pk, "due_on": due})
    client.post(reverse("channel:merge", args=[dup.pk]), {"target": str(report.pk)})
    client.force_login(personas["clerk_a"])
    client.post(reverse("channel:answer", args=[report.pk]), {"answer": "已撤回便笺，改为正式发文。"})
    client.force_login(personas["reviewer"])
    client.post(reverse("channel:verify", args=[report.pk]), {"decision": "close"})
    client.post(reverse("channel:to_item", args=[report.pk]), {"kind": "document", "title": "关于报送安全台账的便笺"})
    report.refresh_from_db()
    dup.refresh_from_db()
    assert report.status == ReportStatus.CLOSED
    assert dup.status == ReportStatus.MERGED
    assert Item.objects.get(pk=report.found_item_id).title == "关于报送安全台账的便笺"
    page = client.get(reverse("channel:report_detail", args=[report.pk])).content.decode()
    assert "重新交办" in page and "一键纳入台账" not in page
    client.post(reverse("channel:reopen", args=[report.pk]), {"note": "反映人说群里还在要照片"})
    report.refresh_from_db()
    assert report.status == ReportStatus.ASSIGNED


def test_bad_assign_input_comes_back_as_a_message_not_a_crash(client, personas, village_cadre):
    report, _ = services.file_report(
        identity=Identity.ANONYMOUS, burden_type=BurdenType.NOTE, description="便笺通知", by=village_cadre
    )
    client.force_login(personas["reviewer"])
    response = client.post(
        reverse("channel:assign", args=[report.pk]), {"department": "", "due_on": "明天"}, follow=True
    )
    assert response.status_code == 200
    assert "承办部门" in response.content.decode()


def test_lists_and_index_render_with_bounded_queries(
    client, district, personas, village_cadre, django_assert_max_num_queries
):
    for _ in range(15):
        services.file_report(
            identity=Identity.ANONYMOUS, burden_type=BurdenType.NOTE, description="便笺通知", by=village_cadre,
            department=district["dept_a"], unit=district["township"],
        )  # fmt: skip
    client.force_login(personas["reviewer"])
    with django_assert_max_num_queries(30):
        assert client.get(reverse("channel:report_list")).status_code == 200
    assert client.get(reverse("channel:index")).status_code == 200
    assert client.get(reverse("channel:report_list") + "?status=new&overdue=1").status_code == 200


def test_item_search_needs_login_or_a_point_link(client, district, point, village_cadre):
    make_item(issuer=district["dept_a"], title="关于开展安全生产大检查的通知")
    url = reverse("channel:item_search")
    assert client.get(url, {"q": "安全生产"}).status_code == 403
    found = client.get(url, {"q": "安全生产", "p": point.link_token}).json()["items"]
    assert [i["title"] for i in found] == ["关于开展安全生产大检查的通知"]


def test_survey_by_point_link(client, point):
    url = reverse("channel:point_survey", args=[point.link_token])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"month": "2025-10", "hours_forms": "12", "hours_meetings": "3", "hours_inspections": "0", "hours_apps": "6"},
    )
    assert "合计 21.0 小时" in response.content.decode()
    bad = client.post(
        url, {"month": "十月", "hours_forms": "1", "hours_meetings": "0", "hours_inspections": "0", "hours_apps": "0"}
    )
    assert "格式不对" in bad.content.decode()


def test_office_creates_a_point_and_rotates_its_link(client, district, personas):
    client.force_login(personas["reviewer"])
    client.post(reverse("channel:points"), {"unit": district["community"].pk, "note": "社区监测点"})
    point = district["community"].monitoring_point
    old = point.link_token
    client.post(reverse("channel:point_rotate", args=[point.pk]))
    point.refresh_from_db()
    assert point.link_token != old


@pytest.mark.parametrize("month", ["", "2025-10", "bad"])
def test_points_page_accepts_a_month_or_falls_back(client, personas, point, month):
    client.force_login(personas["reviewer"])
    assert client.get(reverse("channel:points"), {"month": month} if month else {}).status_code == 200


def test_department_attaches_proof_and_the_reporter_downloads_it_with_the_receipt(
    client, district, personas, village_cadre
):
    report, code = services.file_report(
        identity=Identity.ANONYMOUS, burden_type=BurdenType.NOTE, description="便笺通知", by=village_cadre
    )
    services.assign_report(
        report=report, department=district["dept_a"], due_on=timezone.localdate(), by=personas["reviewer"]
    )
    client.force_login(personas["clerk_a"])
    client.post(
        reverse("channel:answer", args=[report.pk]),
        {"answer": "已撤回便笺并发文纠正。", "files": [upload("撤回通知.pdf", PDF_BYTES, "application/pdf")]},
    )
    proof = report.attachments.get(role="proof")
    client.logout()
    page = client.post(reverse("channel:receipt"), {"code": code}).content.decode()
    assert "整改佐证：撤回通知.pdf" in page
    response = client.post(reverse("channel:attachment", args=[proof.pk]), {"code": code})
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"


def test_point_staff_find_their_survey_on_the_channel_home(client, point, village_cadre, personas):
    client.force_login(village_cadre)
    page = client.get(reverse("channel:index")).content.decode()
    assert reverse("channel:point_survey", args=[point.link_token]) in page
    client.force_login(personas["reviewer"])
    points_page = client.get(reverse("channel:points")).content.decode()
    assert "http://testserver" + reverse("channel:point_report", args=[point.link_token]) in points_page


def test_report_page_queries_do_not_grow_with_steps_and_files(
    client, district, personas, village_cadre, django_assert_max_num_queries
):
    report, _ = services.file_report(
        identity=Identity.ANONYMOUS,
        burden_type=BurdenType.NOTE,
        description="便笺通知",
        by=village_cadre,
        files=[upload(f"图{i}.png", png_bytes(), "image/png") for i in range(4)],
    )
    for _ in range(3):
        services.assign_report(
            report=report, department=district["dept_a"], due_on=timezone.localdate(), by=personas["reviewer"]
        )
    client.force_login(personas["reviewer"])
    with django_assert_max_num_queries(25):
        assert client.get(reverse("channel:report_detail", args=[report.pk])).status_code == 200
