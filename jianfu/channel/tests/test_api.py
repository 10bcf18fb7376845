import datetime as dt

import pytest
from django.utils import timezone

from jianfu.channel.models import BurdenReport, BurdenType, Identity, ReportStatus

from .conftest import PDF_BYTES, png_bytes, upload

API = "/api/v1/channel"


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def filed(client, point, district):
    """An anonymous report filed through the point's link, without login."""
    response = post(
        client,
        f"{API}/points/{point.link_token}/reports",
        {
            "burden_type": BurdenType.PHOTO_QUOTA,
            "description": "工作群要求每天上传5张入户照片",
            "unit_id": district["township"].pk,
            "department_id": district["dept_a"].pk,
        },
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_the_whole_route_through_the_api(client, district, personas, filed):
    code = filed["receipt_code"]
    report = BurdenReport.objects.get()
    assert report.identity == Identity.ANONYMOUS and report.reporter is None

    client.force_login(personas["reviewer"])
    due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    r = post(client, f"{API}/reports/{report.pk}/assign", {"department_id": district["dept_a"].pk, "due_on": due})
    assert r.status_code == 200 and r.json()["status"] == ReportStatus.ASSIGNED

    client.force_login(personas["clerk_a"])
    listed = client.get(f"{API}/reports").json()
    assert [x["ref"] for x in listed] == [report.ref]
    r = post(client, f"{API}/reports/{report.pk}/answer", {"answer": "已在群里撤回拍照要求。"})
    assert r.status_code == 200

    client.force_login(personas["reviewer"])
    r = post(client, f"{API}/reports/{report.pk}/verify", {"accept": True})
    assert r.json()["status"] == ReportStatus.CLOSED
    r = post(client, f"{API}/reports/{report.pk}/to-item", {"kind": "app", "title": "网格走访拍照群"})
    assert r.json()["found_item_id"]

    client.logout()
    progress = post(client, f"{API}/receipt", {"code": code})
    assert progress.status_code == 200
    body = progress.json()
    assert body["answer"] == "已在群里撤回拍照要求。"
    assert [s["kind"] for s in body["steps"]][:4] == ["filed", "assigned", "answered", "closed"]
    assert "reporter" not in body and "description" not in body
    r = post(client, f"{API}/receipt/feedback", {"code": code, "relief": "yes"})
    assert r.status_code == 200 and r.json()["relief"] == "yes"

    client.force_login(personas["leader"])
    stats = client.get(f"{API}/stats", {"start": "2000-01-01", "end": "2100-12-31"}).json()
    assert stats["figures"]["received"] == 1
    assert stats["figures"]["resolved"] == 1
    assert stats["figures"]["hidden_items_found"] == 1


def test_receipt_lookup_needs_no_login_and_a_wrong_code_is_404(client, filed):
    assert post(client, f"{API}/receipt", {"code": filed["receipt_code"]}).status_code == 200
    assert post(client, f"{API}/receipt", {"code": "nope"}).status_code == 404


def test_bad_input_is_a_422_with_the_field_named(client, point, village_cadre):
    r = post(client, f"{API}/points/{point.link_token}/reports", {"burden_type": "bogus", "description": "x"})
    assert r.status_code == 422 and "反映类型" in r.json()["detail"]
    r = post(
        client,
        f"{API}/points/{point.link_token}/reports",
        {"burden_type": "note", "description": "x", "happened_on": "昨天"},
    )
    assert r.status_code == 422 and "happened_on" in r.json()["detail"]
    r = client.post(f"{API}/points/{point.link_token}/reports", "not json", content_type="application/json")
    assert r.status_code == 422 and "JSON" in r.json()["detail"]
    r = post(client, f"{API}/points/{'x' * 30}/reports", {"burden_type": "note", "description": "x"})
    assert r.status_code == 404


def test_multipart_filing_with_attachments_checks_content(client, village_cadre):
    client.force_login(village_cadre)
    ok = client.post(
        f"{API}/reports",
        {
            "burden_type": "note",
            "description": "便笺通知",
            "identity": "named",
            "files": [upload("a.png", png_bytes())],
        },
    )
    assert ok.status_code == 201
    assert BurdenReport.objects.get().reporter == village_cadre
    bad = client.post(
        f"{API}/reports",
        {"burden_type": "note", "description": "便笺通知", "files": [upload("a.jpg", PDF_BYTES)]},
    )
    assert bad.status_code == 422 and "扩展名与内容不符" in bad.json()["detail"]


def test_only_grassroots_users_file_through_the_signed_in_endpoint(client, personas):
    client.force_login(personas["clerk_a"])
    assert post(client, f"{API}/reports", {"burden_type": "note", "description": "x"}).status_code == 403
    client.logout()
    assert post(client, f"{API}/reports", {"burden_type": "note", "description": "x"}).status_code == 401


def test_points_survey_and_compare(client, personas, point):
    r = post(client, f"{API}/points/{point.link_token}/survey", {"month": "2025-10", "hours_forms": 8, "hours_apps": 4})
    assert r.status_code == 200 and r.json()["total_hours"] == 12.0
    r = post(client, f"{API}/points/{point.link_token}/survey", {"month": "2025-10", "hours_forms": -1})
    assert r.status_code == 422
    client.force_login(personas["reviewer"])
    rows = client.get(f"{API}/points/compare", {"month": "2025-10"}).json()
    assert rows[0]["reported_hours"] == 12.0
    assert client.get(f"{API}/points").json()[0]["link_token"] == point.link_token
    client.force_login(personas["leader"])
    assert "link_token" not in client.get(f"{API}/points").json()[0]
    client.force_login(personas["township"])
    assert client.get(f"{API}/points").status_code == 403
    assert client.get(f"{API}/stats", {"start": "2025-01-01", "end": "2025-12-31"}).status_code == 403


def test_office_creates_points_through_the_api(client, district, personas):
    client.force_login(personas["reviewer"])
    r = post(client, f"{API}/points", {"unit_id": district["school"].pk})
    assert r.status_code == 201 and len(r.json()["link_token"]) >= 24
    r = post(client, f"{API}/points", {"unit_id": district["dept_a"].pk})
    assert r.status_code == 422 and "不是基层单位" in r.json()["detail"]


def test_ledger_search_and_reopen_through_the_api(client, district, personas, village_cadre):
    from jianfu.channel import services
    from jianfu.testing import make_item

    make_item(issuer=district["dept_a"], title="关于报送网格走访照片的通知")
    client.force_login(village_cadre)
    found = client.get(f"{API}/items", {"q": "网格走访"}).json()
    assert [i["title"] for i in found] == ["关于报送网格走访照片的通知"]
    report, _ = services.file_report(identity="anonymous", burden_type="note", description="便笺", by=village_cadre)
    client.force_login(personas["reviewer"])
    r = post(client, f"{API}/reports/{report.pk}/reopen", {"note": "再看看"})
    assert r.status_code == 422 and "只有已办结" in r.json()["detail"]
