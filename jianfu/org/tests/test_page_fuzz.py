"""Robustness: arbitrary query strings on every page never give a 500.

Filters, periods, page numbers and sort keys come straight from the address bar;
Hypothesis draws them (wrong types, huge numbers, Chinese, control characters)."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jianfu.ledger.choices import Status
from jianfu.testing import make_item

pytestmark = pytest.mark.slow


def _page_routes() -> list[str]:
    """Every page route (not the API, admin or downloads), with 1 for each argument."""
    routes = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                if str(p.pattern).startswith(("admin/", "api/")):
                    continue
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                routes.append("/" + route.replace("^", "").replace("$", ""))

    walk(get_resolver().url_patterns)
    cleaned = []
    for route in routes:
        for conv in ("<int:", "<slug:", "<str:", "<uuid:", "<path:", "<"):
            while conv in route:
                start = route.index(conv)
                end = route.index(">", start)
                name = route[start + len(conv) : end]
                value = "plans" if name == "slug" else "1"
                route = route[:start] + value + route[end + 1 :]
        cleaned.append(route)
    return sorted(set(cleaned))


ROUTES = _page_routes()
KEYS = [
    "q",
    "kind",
    "status",
    "period",
    "year",
    "quarter",
    "page",
    "unit",
    "sort",
    "issuer",
    "start",
    "end",
    "month",
    "actor",
    "action",
    "target",
    "next",
    "details",
    "level",
    "p",
    "fmt",
    "dept",
    "code",
]
text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]) | st.sampled_from("2025Q4-13\x00'\"<>%"),
    max_size=20,
)
values = st.one_of(
    text, st.integers(min_value=-(2**66), max_value=2**66).map(str), st.sampled_from(["", "2025Q4", "2025", "0"])
)


@pytest.fixture
def clients(personas, district):
    make_item(issuer=district["dept_a"], status=Status.DRAFT, by=personas["clerk_a"])
    make_item(issuer=district["dept_a"], targets=[district["township"]], by=personas["clerk_a"])
    result = {}
    for name in ("reviewer", "clerk_a", "township", "leader"):
        result[name] = Client(raise_request_exception=False)
        result[name].force_login(personas[name])
    result["anonymous"] = Client(raise_request_exception=False)
    return result


@settings(
    max_examples=300,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    route=st.sampled_from(ROUTES),
    who=st.sampled_from(["reviewer", "clerk_a", "township", "leader", "anonymous"]),
    query=st.dictionaries(st.sampled_from(KEYS), values, max_size=4),
)
def test_no_query_string_makes_a_page_fail_with_500(clients, route, who, query):
    response = clients[who].get(route, query)
    assert response.status_code < 500, (route, who, query, response.content[:300])
