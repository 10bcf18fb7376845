"""schemathesis against our own OpenAPI schema: no operation answers 500, whoever calls it.

The Django WSGI application is called in-process (no server), so the requests pass
through the whole middleware stack (CSRF, security headers, second factor) as in
production. Every operation of /api/openapi.json is exercised
with schema-conforming (positive) and schema-violating (negative) requests, as:
two token holders (a department clerk's write token, a township's read token), the
office's reviewer signed in (session and CSRF token, as the pages call the API), a
signed-in leader without a CSRF token (writes meet CSRF) and an anonymous caller —
every generated request is sent as each of them. Derandomized and bounded: the same
examples on every run, a few seconds per operation.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from jianfu.api.models import ApiToken, hash_key
from jianfu.channel.services import file_report
from jianfu.ledger.choices import Status
from jianfu.testing import make_item
from jianfu.wsgi import application

pytestmark = pytest.mark.slow

MAX_EXAMPLES = 15  # per operation and generation mode; each is sent as all five callers

SCHEMA = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@pytest.fixture
def callers_and_ids(district, personas):
    """Request arguments (headers, cookies) for each kind of caller, and the ids of rows
    that exist (items, a burden report, tokens) for path values."""
    items = [
        make_item(issuer=district["dept_a"], status=Status.DRAFT, by=personas["clerk_a"]),
        make_item(issuer=district["dept_a"], status=Status.SUBMITTED, by=personas["clerk_a"]),
        make_item(issuer=district["dept_a"], targets=[district["township"]], by=personas["clerk_a"]),
    ]
    report, _ = file_report(identity="anonymous", burden_type="note", description="便笺", by=personas["township"])
    result: dict[str, dict] = {"anonymous": {}}
    for who, unit, scope in (
        ("clerk_a", "dept_a", ApiToken.Scope.WRITE),
        ("township", "township", ApiToken.Scope.READ),
    ):
        key = ApiToken.generate_key()
        ApiToken.objects.create(
            name=f"fuzz {who}",
            user=personas[who],
            unit=district[unit],
            scope=scope,
            key_hash=hash_key(key),
            prefix=key[:10],
        )
        result[who] = {"headers": {"Authorization": f"Bearer {key}"}}
    for who, csrf in (("reviewer", "c" * 32), ("leader", None)):
        browser = Client()
        browser.force_login(personas[who])
        cookies = {"sessionid": browser.cookies["sessionid"].value}
        result[who] = {"cookies": cookies}
        if csrf:  # the reviewer's writes pass CSRF, as from our own pages
            cookies["csrftoken"] = csrf
            result[who]["headers"] = {"X-CSRFToken": csrf}
    known_ids = [i.pk for i in items] + list(ApiToken.objects.values_list("pk", flat=True)) + [str(report.pk)]
    return result, known_ids


@pytest.fixture
def in_test_transaction():
    """The real WSGI handler closes "obsolete" connections after each request, which
    inside the test's transaction would break it; Django's test client unhooks it too."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_no_operation_answers_500(operation, mode, callers_and_ids, in_test_transaction):
    callers, known_ids = callers_and_ids
    statuses: list[int] = []

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        case=operation.as_strategy(generation_mode=mode),
        real_id=st.none() | st.sampled_from(known_ids),
    )
    def call(case, real_id):
        # Random ids rarely name a row: often a path value is replaced by one of its type
        # that exists, so the permission checks and the services behind them run too.
        for name, value in (case.path_parameters or {}).items():
            if real_id is not None and type(value) is type(real_id):
                case.path_parameters[name] = real_id
        for who, kwargs in callers.items():
            response = case.call(**kwargs)
            statuses.append(response.status_code)
            assert response.status_code < 500, (who, case.method, case.formatted_path, case.query, case.body)

    try:
        call()
    except Unsatisfiable:
        if mode is GenerationMode.POSITIVE:
            raise
        # No parameter or body schema to violate (e.g. a lone string path value).
        pytest.skip("the schema admits no invalid request for this operation")


def test_the_schema_lists_every_router():
    """Guards the parametrization above against an empty or partial schema."""
    paths = {op.path for op in OPERATIONS}
    assert len(OPERATIONS) >= 20
    assert {"/api/v1/items", "/api/v1/review", "/api/v1/tokens"} <= paths
