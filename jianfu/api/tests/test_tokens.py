"""API tokens: hashed, scoped to a department and to read or write, revocable, last use recorded."""

import hashlib
import json

import pytest
from django.test import Client

from jianfu.api.models import ApiToken
from jianfu.api.tokens import TokenError, create_token, revoke_token
from jianfu.web.tests.factories import draft


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_only_the_hash_of_a_token_is_stored(personas, district):
    token, key = create_token(by=personas["clerk_a"], name="OA", unit=district["dept_a"])
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {token.key_hash, token.prefix} and not ApiToken.objects.filter(key_hash=key).exists()


def test_a_clerk_cannot_scope_a_token_to_another_department(personas, district):
    with pytest.raises(TokenError, match="区教育局"):
        create_token(by=personas["clerk_a"], name="OA", unit=district["dept_b"])


def test_read_token_reads_its_department_only_and_records_use(personas, district):
    mine = draft(personas, district, title="甲")
    theirs = draft(personas, district, dept="dept_b", title="乙")
    token, key = create_token(by=personas["admin"], name="OA", unit=district["dept_a"])
    client = Client()
    body = client.get("/api/v1/items", **bearer(key)).json()
    assert [r["title"] for r in body["results"]] == ["甲"]
    assert client.get(f"/api/v1/items/{theirs.pk}", **bearer(key)).status_code == 403
    assert client.get(f"/api/v1/items/{mine.pk}", **bearer(key)).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_read_token_cannot_write_but_write_token_can(personas, district):
    item = draft(personas, district)
    _, read_key = create_token(by=personas["clerk_a"], name="只读", unit=district["dept_a"])
    _, write_key = create_token(by=personas["clerk_a"], name="读写", unit=district["dept_a"], scope="write")
    client = Client()
    assert client.post(f"/api/v1/items/{item.pk}/submit", **bearer(read_key)).status_code == 403
    created = client.post(
        "/api/v1/items",
        json.dumps({"kind": "document", "title": "OA来文"}),
        content_type="application/json",
        **bearer(write_key),
    )
    assert created.status_code == 201 and created.json()["issuer"] == "区应急管理局"
    assert client.post(f"/api/v1/items/{item.pk}/submit", **bearer(write_key)).status_code == 200


def test_revoked_and_unknown_tokens_are_refused(personas, district):
    token, key = create_token(by=personas["clerk_a"], name="OA", unit=district["dept_a"])
    revoke_token(token=token, by=personas["clerk_a"])
    assert Client().get("/api/v1/items", **bearer(key)).status_code == 401
    assert Client().get("/api/v1/items", **bearer("jf_nonsense")).status_code == 401


def test_tokens_endpoints_create_list_and_revoke(personas, district):
    client = Client()
    client.force_login(personas["clerk_a"])
    made = client.post("/api/v1/tokens", json.dumps({"name": "OA", "scope": "write"}), content_type="application/json")
    assert made.status_code == 201 and made.json()["key"].startswith("jf_")
    listed = client.get("/api/v1/tokens").json()
    assert [t["name"] for t in listed] == ["OA"] and "key" not in listed[0]
    assert client.delete(f"/api/v1/tokens/{made.json()['id']}").json()["revoked"] is True
    # a token may not mint more tokens
    assert Client().get("/api/v1/tokens", **bearer(made.json()["key"])).status_code == 401


def test_tokens_page_shows_the_key_once(personas, district):
    client = Client()
    client.force_login(personas["clerk_a"])
    response = client.post("/tokens/", {"name": "OA", "unit": district["dept_a"].pk, "scope": "read"})
    key = response.context["new_key"]
    assert key in response.content.decode()
    assert key not in client.get("/tokens/").content.decode()


def test_a_token_alone_passes_with_csrf_checks_enforced(personas, district):
    from django.test import Client

    from jianfu.api.tokens import create_token

    _, key = create_token(by=personas["clerk_a"], name="OA", unit=district["dept_a"], scope="write")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/review",
        data={"kind": "document", "title": "关于报送材料的通知", "issuer": "区应急管理局"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 200, response.content
