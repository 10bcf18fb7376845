"""/api/v1/items: the pages' actions over JSON, under the same permission rules."""

import json

from django.test import Client

from jianfu.ledger.choices import Status
from jianfu.ledger.models import Item
from jianfu.web.tests.factories import draft, issued, submitted


def api(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def test_list_is_filtered_by_the_users_visibility(personas, district):
    draft(personas, district, title="甲草稿")
    draft(personas, district, dept="dept_b", title="乙草稿")
    issued(personas, district, title="发往青山镇")
    body = api(personas["clerk_b"]).get("/api/v1/items").json()
    assert [r["title"] for r in body["results"]] == ["乙草稿"]
    body = api(personas["township"]).get("/api/v1/items").json()
    assert [r["title"] for r in body["results"]] == ["发往青山镇"]
    body = api(personas["reviewer"]).get("/api/v1/items?status=draft&per_page=1").json()
    assert body["count"] == 2 and len(body["results"]) == 1 and body["pages"] == 2


def test_get_of_a_foreign_item_is_403_and_a_missing_one_404(personas, district):
    item = draft(personas, district)
    assert api(personas["clerk_b"]).get(f"/api/v1/items/{item.pk}").status_code == 403
    assert api(personas["clerk_a"]).get("/api/v1/items/999999").status_code == 404
    body = api(personas["clerk_a"]).get(f"/api/v1/items/{item.pk}").json()
    assert body["actions"]["submit"] is True and body["actions"]["decide"] is False
    assert [h["action"] for h in body["history"]] == ["item.create"]


def test_create_validates_with_the_forms_chinese_messages(personas, district):
    client = api(personas["clerk_a"])
    response = post(client, "/api/v1/items", {"kind": "meeting", "title": "", "duration_minutes": "abc"})
    assert response.status_code == 422
    assert "请填写标题" in response.json()["detail"] and "duration_minutes" in response.json()["errors"]
    response = post(client, "/api/v1/items", {"kind": "document", "title": "通知", "targets": ["不存在镇"]})
    assert response.status_code == 422 and "不存在镇" in response.json()["detail"]


def test_full_lifecycle_over_the_api(personas, district):
    clerk, reviewer = api(personas["clerk_a"]), api(personas["reviewer"])
    created = post(
        clerk,
        "/api/v1/items",
        {
            "kind": "data_request",
            "title": "月报表",
            "targets": ["青山镇"],
            "fields": ["户籍人口数", "低保户数"],
            "frequency": "monthly",
            "date": "2025-11-20",
        },
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["fields"] == ["户籍人口数", "低保户数"] and created.json()["targets"] == ["青山镇"]
    patched = clerk.patch(f"/api/v1/items/{pk}", json.dumps({"title": "月度报表"}), content_type="application/json")
    assert patched.status_code == 200 and patched.json()["title"] == "月度报表"
    assert patched.json()["targets"] == ["青山镇"]
    assert post(clerk, f"/api/v1/items/{pk}/submit").json()["status"] == Status.SUBMITTED
    assert post(clerk, f"/api/v1/items/{pk}/decide", {"decision": "approve"}).status_code == 403
    returned = post(reviewer, f"/api/v1/items/{pk}/decide", {"decision": "return", "comment": "字段重复"})
    assert returned.json()["status"] == Status.RETURNED
    post(clerk, f"/api/v1/items/{pk}/submit")
    stale = post(reviewer, f"/api/v1/items/{pk}/decide", {"decision": "approve", "expected_status": "draft"})
    assert stale.status_code == 409 and "已被他人处理" in stale.json()["detail"]
    assert post(reviewer, f"/api/v1/items/{pk}/decide", {"decision": "approve"}).json()["status"] == "approved"
    done = post(clerk, f"/api/v1/items/{pk}/issue", {"issued_on": "2025-11-25", "number": "报〔2025〕1号"})
    assert done.json()["status"] == Status.ISSUED and done.json()["issued_on"] == "2025-11-25"


def test_sign_off_then_submit(personas, district):
    district["dept_a"].requires_head_signoff = True
    district["dept_a"].save()
    item = draft(personas, district)
    blocked = post(api(personas["clerk_a"]), f"/api/v1/items/{item.pk}/submit")
    assert blocked.status_code == 409 and "签批" in blocked.json()["detail"]
    assert post(api(personas["clerk_a"]), f"/api/v1/items/{item.pk}/sign-off").status_code == 403
    assert post(api(personas["head_a"]), f"/api/v1/items/{item.pk}/sign-off").json()["signed_off"] is True
    assert post(api(personas["clerk_a"]), f"/api/v1/items/{item.pk}/submit").status_code == 200


def test_merge_and_delete(personas, district):
    target = issued(personas, district, title="目标")
    item = submitted(personas, district)
    merged = post(api(personas["reviewer"]), f"/api/v1/items/{item.pk}/merge", {"target": target.pk})
    assert merged.json()["status"] == Status.MERGED and merged.json()["merged_into"] == target.pk
    other = draft(personas, district, title="要删的")
    assert api(personas["clerk_b"]).delete(f"/api/v1/items/{other.pk}").status_code == 403
    assert api(personas["clerk_a"]).delete(f"/api/v1/items/{other.pk}").status_code == 200
    assert not Item.objects.filter(pk=other.pk).exists()


def test_anonymous_gets_401(district):
    assert Client().get("/api/v1/items").status_code == 401


def test_a_list_where_a_value_belongs_is_refused_with_422(client, personas):
    client.force_login(personas["clerk_a"])
    response = client.post(
        "/api/v1/items", data={"kind": "document", "title": "通知", "date": [None]}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "date" in response.json()["detail"]
