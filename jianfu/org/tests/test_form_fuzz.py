"""Robustness: arbitrary form posts to every page never give a 500.

Hypothesis posts form fields with the names the pages use (and some they don't),
holding wrong types, huge numbers, Chinese and control characters, as each persona."""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jianfu.ledger.choices import Status
from jianfu.org.tests.test_page_fuzz import ROUTES
from jianfu.testing import make_item

pytestmark = pytest.mark.slow

# Leaving these out: they end the test client's session, which the other examples share.
SKIP = {"/logout/", "/account/logout-everywhere/"}
POST_ROUTES = [r for r in ROUTES if r not in SKIP]
FIELDS = [
    "title",
    "kind",
    "body",
    "targets",
    "issuer",
    "decision",
    "comment",
    "merge_into",
    "number",
    "issued_on",
    "date",
    "name",
    "unit",
    "scope",
    "status",
    "code",
    "content",
    "point",
    "rating",
    "answer",
    "month",
    "items",
    "ids",
    "action",
    "year",
    "quota",
    "phrase",
    "value",
    "key",
    "username",
    "password",
    "display_name",
    "roles",
    "targets_all",
    "duration_minutes",
    "starts_at",
    "mode",
    "plan_entry",
    "justification",
    "token",
    "next",
]
text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]) | st.sampled_from("2025-13-40\x00'\"<>%"),
    max_size=20,
)
values = st.one_of(
    text,
    st.integers(min_value=-(2**66), max_value=2**66).map(str),
    st.sampled_from(["", "1", "2", "approve", "return", "reject", "merge", "meeting", "2025-11-20", "on"]),
)


@pytest.fixture
def clients(personas, district):
    make_item(issuer=district["dept_a"], status=Status.DRAFT, by=personas["clerk_a"])
    make_item(issuer=district["dept_a"], status=Status.SUBMITTED, by=personas["clerk_a"])
    result = {}
    for name in ("reviewer", "clerk_a", "head_a", "township", "admin"):
        result[name] = Client(raise_request_exception=False)
        result[name].force_login(personas[name])
    result["anonymous"] = Client(raise_request_exception=False)
    return result


@settings(
    max_examples=400,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    route=st.sampled_from(POST_ROUTES),
    who=st.sampled_from(["reviewer", "clerk_a", "head_a", "township", "admin", "anonymous"]),
    form=st.dictionaries(st.sampled_from(FIELDS), st.one_of(values, st.lists(values, max_size=3)), max_size=6),
)
def test_no_form_post_makes_a_page_fail_with_500(clients, route, who, form):
    response = clients[who].post(route, form)
    assert response.status_code < 500, (route, who, form, response.content[:300])
