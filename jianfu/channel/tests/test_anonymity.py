"""An anonymous report holds nothing that leads back to the person who filed it:
not in its rows, not in the logs, not in the audit trail."""

import datetime as dt
import json
import logging

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from jianfu.channel.models import BurdenReport, BurdenType, Identity, ReportAttachment, ReportStep
from jianfu.org.models import AuditEvent

from .conftest import jpeg_with_gps, upload

IP = "10.77.66.55"
UA = "Mozilla/5.0 (Linux; Android 14; Cadre-Phone-XYZ)"


def all_channel_rows() -> str:
    """Every stored value of every channel table, as one string to search in."""
    dump = []
    for model in apps.get_app_config("channel").get_models():
        for row in model.objects.values():
            dump.append(json.dumps(row, default=str, ensure_ascii=False))
    return "\n".join(dump)


@pytest.fixture
def anonymous_filing(client, district, village_cadre, caplog):
    """A village cadre, signed in, files an anonymous report naming only the township."""
    client.force_login(village_cadre)
    AuditEvent.objects.all().delete()
    photo = jpeg_with_gps()
    with caplog.at_level(logging.DEBUG):
        response = client.post(
            reverse("channel:new_report"),
            {
                "burden_type": BurdenType.PHOTO_QUOTA,
                "description": "镇工作群要求每天上传5张网格走访照片，收到请回复。",
                "identity": Identity.ANONYMOUS,
                "unit": str(district["township"].pk),
                "files": [upload("群截图.jpg", photo, "image/jpeg")],
            },
            REMOTE_ADDR=IP,
            HTTP_USER_AGENT=UA,
            HTTP_X_FORWARDED_FOR=IP,
        )
        records = list(caplog.records)  # this fixture runs in the setup phase: keep its records
    assert response.status_code == 200
    return response, records


def test_anonymous_report_rows_name_no_person_no_address_and_no_village(anonymous_filing, district, village_cadre):
    report = BurdenReport.objects.get()
    assert report.reporter_id is None
    assert report.identity == Identity.ANONYMOUS
    assert report.unit == district["township"]
    rows = all_channel_rows()
    for secret in (village_cadre.username, IP, UA, "Cadre-Phone", district["village"].name):
        assert secret not in rows, secret
    field_names = {f.name for m in apps.get_app_config("channel").get_models() for f in m._meta.get_fields()}
    assert not field_names & {"ip", "ip_address", "user_agent", "created_at", "created_by", "session"}


def test_anonymous_report_dates_are_days_not_instants(anonymous_filing):
    report = BurdenReport.objects.get()
    dated = [report.received_on, *ReportStep.objects.values_list("on", flat=True)]
    for value in dated:
        assert type(value) is dt.date
    # No datetime column anywhere in the channel's reports: nothing to join with access logs.
    for model in (BurdenReport, ReportStep, ReportAttachment):
        assert not [f.name for f in model._meta.get_fields() if f.get_internal_type() == "DateTimeField"]


def test_anonymous_filing_writes_no_audit_row_and_no_log_line_about_the_person(
    anonymous_filing, district, village_cadre
):
    _, records = anonymous_filing
    assert not AuditEvent.objects.exists()
    text = "\n".join(r.getMessage() + " " + json.dumps(r.__dict__, default=str, ensure_ascii=False) for r in records)
    for secret in (village_cadre.username, IP, UA, district["village"].name, "PhoneMaker", "GPS"):
        assert secret not in text, secret


def test_the_receipt_page_is_not_cached_and_shows_the_code_once(anonymous_filing):
    response, _ = anonymous_filing
    assert response["Cache-Control"] == "no-store"
    code = response.context["code"]
    assert code in response.content.decode()
    assert code not in all_channel_rows()


def test_uploaded_photo_loses_its_gps_and_camera_data(anonymous_filing):
    from PIL import Image

    att = ReportAttachment.objects.get()
    from jianfu.channel.attachments import path_of

    data = path_of(att.stored_name).read_bytes()
    assert b"PhoneMaker" not in data
    with Image.open(path_of(att.stored_name)) as img:
        exif = img.getexif()
        assert not exif.get_ifd(0x8825)
        assert 0x010F not in exif
    # The stored file's time says the day only.
    mtime = dt.datetime.fromtimestamp(path_of(att.stored_name).stat().st_mtime, tz=timezone.get_current_timezone())
    assert (mtime.hour, mtime.minute, mtime.second) == (0, 0, 0)


def test_nobody_in_the_office_can_see_who_filed_an_anonymous_report(anonymous_filing, client, personas):
    report = BurdenReport.objects.get()
    for who in ("reviewer", "leader"):
        client.force_login(personas[who])
        page = client.get(reverse("channel:report_detail", args=[report.pk])).content.decode()
        assert "cadre_wang" not in page
        assert "青山村" not in page
        assert "匿名" in page
        api = client.get(f"/api/v1/channel/reports/{report.pk}").json()
        assert api["reporter"] == "匿名"


def test_anonymous_report_is_not_in_the_filers_inbox(anonymous_filing, client, village_cadre):
    client.force_login(village_cadre)
    page = client.get(reverse("channel:index"))
    assert list(page.context["mine"]) == []


def test_confidential_identity_is_visible_to_the_reviewer_only(client, district, personas, village_cadre):
    from jianfu.channel import services

    village_cadre.display_name = "王村干"
    village_cadre.save()
    report, _ = services.file_report(
        identity=Identity.CONFIDENTIAL,
        burden_type=BurdenType.CHECKIN,
        description="每天要求在APP打卡三次。",
        by=village_cadre,
    )
    services.assign_report(
        report=report, department=district["dept_a"], due_on=timezone.localdate(), by=personas["reviewer"]
    )
    seen = {}
    for who in ("reviewer", "leader", "clerk_a"):
        client.force_login(personas[who])
        seen[who] = client.get(reverse("channel:report_detail", args=[report.pk])).content.decode()
    assert "王村干" in seen["reviewer"]
    assert "王村干" not in seen["leader"] and "保密" in seen["leader"]
    assert "王村干" not in seen["clerk_a"]
    # Filing confidentially leaves no audit row naming the reporter.
    assert not AuditEvent.objects.filter(actor=village_cadre).exists()


def test_link_filing_without_login_stores_nothing_but_the_chosen_level(client, district, point):
    response = client.post(
        reverse("channel:point_report", args=[point.link_token]),
        {
            "burden_type": BurdenType.GROUP_NOTICE,
            "description": "群里通知：收到请回复，并报5张活动照片。",
            "identity": Identity.ANONYMOUS,
            "unit": str(district["township"].pk),
        },
        REMOTE_ADDR=IP,
        HTTP_USER_AGENT=UA,
    )
    assert response.status_code == 200, response.content.decode()[:500]
    report = BurdenReport.objects.get()
    assert report.reporter is None and report.unit == district["township"]
    assert IP not in all_channel_rows() and UA not in all_channel_rows()


def test_link_filing_cannot_claim_a_name(client, district, point):
    client.post(
        reverse("channel:point_report", args=[point.link_token]),
        {"burden_type": BurdenType.OTHER, "description": "测试", "identity": Identity.NAMED},
    )
    assert not BurdenReport.objects.exists()


def test_api_link_filing_leaves_no_log_line_and_no_audit_row(client, district, point, caplog):
    AuditEvent.objects.all().delete()
    photo = jpeg_with_gps()
    with caplog.at_level(logging.DEBUG):
        response = client.post(
            f"/api/v1/channel/points/{point.link_token}/reports",
            {"burden_type": "photo_quota", "description": "每天报5张照片", "files": [upload("a.jpg", photo)]},
            REMOTE_ADDR=IP,
            HTTP_USER_AGENT=UA,
        )
    assert response.status_code == 201
    text = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (IP, UA, "PhoneMaker", response.json()["receipt_code"]):
        assert secret not in text
    assert not AuditEvent.objects.exists()
    assert BurdenReport.objects.get().reporter is None
