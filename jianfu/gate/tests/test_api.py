"""POST /api/v1/review, driven through the router itself (ninja's test client), so
these tests do not depend on the site's page URLs."""

import json

import pytest
from ninja.testing import TestClient

from jianfu.api.review import router


@pytest.fixture
def api():
    return TestClient(router)


def test_review_returns_the_same_json_as_the_service(api, personas):
    from jianfu.gate.service import review_draft

    data = {"kind": "document", "title": "t", "issuer": "区应急管理局", "body": "请上传照片，实行一票否决。"}
    response = api.post("/review", json=data, user=personas["clerk_a"])
    assert response.status_code == 200
    assert response.json() == review_draft(data)
    assert response.json()["verdict"] == "block"


def test_bad_input_is_422_with_a_chinese_message(api, personas):
    response = api.post(
        "/review", json={"kind": "document", "title": "t", "issuer": "火星局"}, user=personas["clerk_a"]
    )
    assert response.status_code == 422
    assert "火星局" in response.json()["detail"]
    broken = api.post("/review", body="{broken", user=personas["clerk_a"])
    assert broken.status_code == 422 and "JSON" in broken.json()["detail"]


def test_anonymous_visitor_is_refused(api, district):
    response = api.post("/review", body=json.dumps({"kind": "document", "title": "t", "issuer": "区应急管理局"}))
    assert response.status_code == 401
