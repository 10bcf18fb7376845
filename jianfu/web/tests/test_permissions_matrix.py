"""The permission matrix: role × page × own/other unit → allowed (200/302) or refused (403).

Every row is one sentence of ARCHITECTURE.md's role table, checked through the pages.
"""

import pytest

from jianfu.ledger.choices import Kind
from jianfu.web.tests.factories import client_for, draft, issued, submitted

ALLOWED, DENIED = "allowed", "denied"
PERSONAS = ("reviewer", "clerk_a", "head_a", "clerk_b", "township", "leader", "admin")


@pytest.fixture
def world(personas, district):
    return {
        "draft_a": draft(personas, district, title="甲部门草稿"),
        "draft_b": draft(personas, district, dept="dept_b", title="乙部门草稿"),
        "submitted_a": submitted(personas, district, title="甲部门已提交"),
        "issued_township": issued(personas, district, title="发往青山镇", targets=("township",)),
        "issued_street": issued(personas, district, title="发往河西街道", targets=("street",)),
        "issued_all": issued(personas, district, title="面向全部", targets=()),
    }


def _row(who, page, expected):
    return pytest.param(who, page, expected, id=f"{who}-{page}")


# (page, {persona: expected}) — every persona is listed for every page.
MATRIX = {
    "detail:draft_a": dict(
        reviewer=ALLOWED,
        clerk_a=ALLOWED,
        head_a=ALLOWED,
        clerk_b=DENIED,
        township=DENIED,
        leader=ALLOWED,
        admin=ALLOWED,
    ),
    "detail:draft_b": dict(
        reviewer=ALLOWED, clerk_a=DENIED, head_a=DENIED, clerk_b=ALLOWED, township=DENIED, leader=ALLOWED, admin=ALLOWED
    ),
    "detail:issued_township": dict(
        reviewer=ALLOWED,
        clerk_a=ALLOWED,
        head_a=ALLOWED,
        clerk_b=DENIED,
        township=ALLOWED,
        leader=ALLOWED,
        admin=ALLOWED,
    ),
    "detail:issued_street": dict(
        reviewer=ALLOWED,
        clerk_a=ALLOWED,
        head_a=ALLOWED,
        clerk_b=DENIED,
        township=DENIED,
        leader=ALLOWED,
        admin=ALLOWED,
    ),
    "detail:issued_all": dict(
        reviewer=ALLOWED,
        clerk_a=ALLOWED,
        head_a=ALLOWED,
        clerk_b=DENIED,
        township=ALLOWED,
        leader=ALLOWED,
        admin=ALLOWED,
    ),
    "edit:draft_a": dict(
        reviewer=DENIED, clerk_a=ALLOWED, head_a=ALLOWED, clerk_b=DENIED, township=DENIED, leader=DENIED, admin=DENIED
    ),
    "edit:submitted_a": dict(
        reviewer=DENIED, clerk_a=DENIED, head_a=DENIED, clerk_b=DENIED, township=DENIED, leader=DENIED, admin=DENIED
    ),
    "new": dict(
        reviewer=DENIED, clerk_a=ALLOWED, head_a=ALLOWED, clerk_b=ALLOWED, township=DENIED, leader=DENIED, admin=DENIED
    ),
    "queue": dict(
        reviewer=ALLOWED, clerk_a=DENIED, head_a=DENIED, clerk_b=DENIED, township=DENIED, leader=DENIED, admin=DENIED
    ),
    "lists:plans": dict(
        reviewer=ALLOWED, clerk_a=DENIED, head_a=DENIED, clerk_b=DENIED, township=DENIED, leader=ALLOWED, admin=ALLOWED
    ),
    "lists:lexicon": dict(
        reviewer=ALLOWED, clerk_a=DENIED, head_a=DENIED, clerk_b=DENIED, township=DENIED, leader=ALLOWED, admin=ALLOWED
    ),
    "lists:users": dict(
        reviewer=ALLOWED, clerk_a=DENIED, head_a=DENIED, clerk_b=DENIED, township=DENIED, leader=ALLOWED, admin=ALLOWED
    ),
    "thresholds:save": dict(
        reviewer=ALLOWED, clerk_a=DENIED, head_a=DENIED, clerk_b=DENIED, township=DENIED, leader=DENIED, admin=ALLOWED
    ),
    "bill:own": dict(
        reviewer=ALLOWED, clerk_a=DENIED, head_a=DENIED, clerk_b=DENIED, township=ALLOWED, leader=ALLOWED, admin=ALLOWED
    ),
    "bill:other": dict(
        reviewer=ALLOWED, clerk_a=DENIED, head_a=DENIED, clerk_b=DENIED, township=DENIED, leader=ALLOWED, admin=ALLOWED
    ),
    "decide:submitted_a": dict(
        reviewer=ALLOWED, clerk_a=DENIED, head_a=DENIED, clerk_b=DENIED, township=DENIED, leader=DENIED, admin=DENIED
    ),
    "submit:draft_a": dict(
        reviewer=DENIED, clerk_a=ALLOWED, head_a=ALLOWED, clerk_b=DENIED, township=DENIED, leader=DENIED, admin=DENIED
    ),
    "delete:draft_a": dict(
        reviewer=DENIED, clerk_a=ALLOWED, head_a=ALLOWED, clerk_b=DENIED, township=DENIED, leader=DENIED, admin=DENIED
    ),
    "tokens": dict(
        reviewer=DENIED, clerk_a=ALLOWED, head_a=ALLOWED, clerk_b=ALLOWED, township=DENIED, leader=DENIED, admin=ALLOWED
    ),
    "users:new": dict(
        reviewer=DENIED, clerk_a=DENIED, head_a=DENIED, clerk_b=DENIED, township=DENIED, leader=DENIED, admin=ALLOWED
    ),
    "units:add": dict(
        reviewer=DENIED, clerk_a=DENIED, head_a=DENIED, clerk_b=DENIED, township=DENIED, leader=DENIED, admin=ALLOWED
    ),
}

CASES = [_row(who, page, MATRIX[page][who]) for page in MATRIX for who in PERSONAS]


def _request(client, page, world, district):
    action, _, what = page.partition(":")
    if action == "detail":
        return client.get(f"/items/{world[what].pk}/")
    if action == "edit":
        return client.get(f"/items/{world[what].pk}/edit/")
    if action == "new":
        return client.get("/items/new/")
    if action == "queue":
        return client.get("/queue/")
    if action == "lists":
        return client.get(f"/lists/{what}/")
    if action == "thresholds":
        return client.post("/lists/thresholds/save/", {"gate:meeting_max_minutes": "80"})
    if action == "bill":
        unit = district["township" if what == "own" else "street"]
        return client.get(f"/bill/{unit.pk}/")
    if action == "decide":
        return client.post(f"/items/{world[what].pk}/decide/", {"decision": "approve"})
    if action == "submit":
        return client.post(f"/items/{world[what].pk}/submit/")
    if action == "delete":
        return client.post(f"/items/{world[what].pk}/delete/")
    if action == "tokens":
        return client.get("/tokens/")
    if action == "users":
        return client.get("/lists/users/new/")
    if action == "units":
        return client.post("/lists/units/add/", {"name": "新单位", "kind": "village"})
    raise AssertionError(page)


@pytest.mark.parametrize(("who", "page", "expected"), CASES)
def test_permission_matrix(who, page, expected, personas, district, world):
    response = _request(client_for(personas[who]), page, world, district)
    if expected == ALLOWED:
        assert response.status_code in (200, 302), response.status_code
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("url", ["/", "/items/", "/queue/", "/lists/plans/", "/bill/", "/items/new/"])
def test_anonymous_visitor_is_sent_to_login(client, url, district):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_grassroots_search_lists_only_items_that_landed_on_their_unit(personas, district, world):
    response = client_for(personas["township"]).get("/items/")
    titles = {item.title for item, _ in response.context["rows"]}
    assert titles == {"发往青山镇", "面向全部"}


def test_clerk_search_lists_only_their_department(personas, district, world):
    response = client_for(personas["clerk_b"]).get("/items/")
    assert {item.title for item, _ in response.context["rows"]} == {"乙部门草稿"}


def test_clerk_of_another_department_cannot_run_live_review_on_a_foreign_draft(personas, district, world):
    response = client_for(personas["clerk_b"]).post(
        "/items/review/", {"item_id": world["draft_a"].pk, "kind": Kind.DOCUMENT, "title": "x"}
    )
    assert response.status_code == 403
