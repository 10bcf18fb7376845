"""The same permission matrix through the API: role × endpoint × own/other unit → 2xx or 403."""

import json

import pytest
from django.test import Client

from jianfu.web.tests.factories import draft, issued, submitted

OK, NO = "ok", "no"
PERSONAS = ("reviewer", "clerk_a", "head_a", "clerk_b", "township", "leader", "admin")

MATRIX = {
    "get:draft_a": dict(reviewer=OK, clerk_a=OK, head_a=OK, clerk_b=NO, township=NO, leader=OK, admin=OK),
    "get:issued_street": dict(reviewer=OK, clerk_a=OK, head_a=OK, clerk_b=NO, township=NO, leader=OK, admin=OK),
    "get:issued_township": dict(reviewer=OK, clerk_a=OK, head_a=OK, clerk_b=NO, township=OK, leader=OK, admin=OK),
    "patch:draft_a": dict(reviewer=NO, clerk_a=OK, head_a=OK, clerk_b=NO, township=NO, leader=NO, admin=NO),
    "create": dict(reviewer=NO, clerk_a=OK, head_a=OK, clerk_b=OK, township=NO, leader=NO, admin=NO),
    "submit:draft_a": dict(reviewer=NO, clerk_a=OK, head_a=OK, clerk_b=NO, township=NO, leader=NO, admin=NO),
    "sign-off:draft_a": dict(reviewer=NO, clerk_a=NO, head_a=OK, clerk_b=NO, township=NO, leader=NO, admin=NO),
    "decide:submitted_a": dict(reviewer=OK, clerk_a=NO, head_a=NO, clerk_b=NO, township=NO, leader=NO, admin=NO),
    "delete:draft_a": dict(reviewer=NO, clerk_a=OK, head_a=OK, clerk_b=NO, township=NO, leader=NO, admin=NO),
}
CASES = [pytest.param(who, op, MATRIX[op][who], id=f"{who}-{op}") for op in MATRIX for who in PERSONAS]


@pytest.mark.parametrize(("who", "op", "expected"), CASES)
def test_api_permission_matrix(who, op, expected, personas, district):
    world = {
        "draft_a": draft(personas, district),
        "submitted_a": submitted(personas, district, title="已提交"),
        "issued_street": issued(personas, district, targets=("street",)),
        "issued_township": issued(personas, district, targets=("township",)),
    }
    client = Client()
    client.force_login(personas[who])
    action, _, what = op.partition(":")
    url = f"/api/v1/items/{world[what].pk}" if what else "/api/v1/items"
    if action == "get":
        response = client.get(url)
    elif action == "patch":
        response = client.patch(url, json.dumps({"title": "改"}), content_type="application/json")
    elif action == "create":
        response = client.post(url, json.dumps({"kind": "document", "title": "新"}), content_type="application/json")
    elif action == "delete":
        response = client.delete(url)
    else:
        body = {"decision": "approve"} if action == "decide" else {}
        response = client.post(f"{url}/{action}", json.dumps(body), content_type="application/json")
    if expected == OK:
        assert response.status_code in (200, 201), response.content
    else:
        assert response.status_code == 403, response.content
