"""The cached figures (`cached_period_stats`, the dashboard) see every change to the ledger
on the next call, and cost only the fingerprint queries while nothing changes."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jianfu.channel.models import BurdenReport
from jianfu.ledger import services
from jianfu.ledger.models import Item
from jianfu.meter.periods import parse_period
from jianfu.meter.service import cached, cached_period_stats, cached_view, period_stats
from jianfu.meter.tests.ledger import build
from jianfu.org.services import set_setting
from jianfu.testing import make_item

pytestmark = pytest.mark.django_db
Q4 = parse_period("2025Q4")
IN_Q4 = dt.date(2025, 11, 3)


@pytest.fixture
def ledger(district, personas):
    return build(district, personas)


def figures() -> dict:
    """The cached figures, checked against a fresh computation each time."""
    cached = cached_period_stats(Q4)
    assert cached.as_json() == period_stats(Q4).as_json()
    return cached.figures


def current(key: str) -> object:
    return figures()[key]["current"]


def test_a_repeated_call_costs_only_the_fingerprint_queries(ledger):
    figures()
    with CaptureQueriesContext(connection) as ctx:
        cached_period_stats(Q4)
    assert len(ctx.captured_queries) <= 2  # the tariffs setting and the ledger fingerprint


def test_creating_issuing_and_deleting_an_item_show_at_once(ledger, district, personas):
    documents = current("documents")
    approved = make_item(issuer=district["dept_a"], status="approved", date=IN_Q4)
    assert current("documents") == documents
    issued = make_item(issuer=district["dept_a"], date=IN_Q4)
    assert current("documents") == documents + 1
    # issue_item writes the status only (not updated_at): the audit trail tells.
    services.issue_item(item=approved, by=personas["head_a"])
    assert current("documents") == documents + 2
    hours = current("burden_hours")
    Item.objects.filter(pk=issued.pk).delete()  # no service deletes issued items; the count tells
    assert current("documents") == documents + 1
    assert current("burden_hours") < hours


def test_an_edit_through_the_services_shows_at_once(ledger, district, personas):
    item = make_item(issuer=district["dept_a"], status="draft", date=IN_Q4)
    services.update_item(item=item, by=personas["clerk_a"], date=dt.date(2025, 11, 20), is_policy=True)
    policy = current("policy_documents")
    Item.objects.filter(pk=item.pk).update(status="approved")
    services.issue_item(item=Item.objects.get(pk=item.pk), by=personas["head_a"])
    assert current("policy_documents") == policy + 1


def test_a_decision_and_a_review_show_at_once(ledger, district, personas):
    item = make_item(issuer=district["dept_a"], status="submitted", date=IN_Q4)
    reviews, merged = current("reviews"), current("merged_items")
    services.store_review(item=item, review={"verdict": "pass", "findings": [], "measures": {}})
    if Q4.contains(dt.date.today()):  # reviews are counted by the day they were made
        assert current("reviews") == reviews + 1
    target = make_item(issuer=district["dept_a"], date=IN_Q4)
    before = figures()
    services.decide(item=item, decision="merge", by=personas["reviewer"], comment="合并", merge_into=target)
    Item.objects.filter(pk=item.pk).update(decided_at=dt.datetime(2025, 11, 4, 10, tzinfo=dt.UTC))
    after = figures()
    assert after != before
    assert after["merged_items"]["current"] == merged + 1


def test_channel_reports_received_and_resolved_show_at_once(ledger):
    received, resolved = current("channel_reports_received"), current("channel_reports_resolved")
    report = BurdenReport.objects.create(
        receipt_hash="cache-test", identity="anonymous", burden_type="other", description="反映", received_on=IN_Q4
    )
    assert current("channel_reports_received") == received + 1
    report.status, report.resolved_on = "closed", dt.date(2025, 11, 10)
    report.save(update_fields=["status", "resolved_on"])  # as the channel's services do, without an audit row
    assert current("channel_reports_resolved") == resolved + 1


def test_a_change_of_the_tariffs_shows_at_once(ledger, personas):
    hours = current("burden_hours")
    set_setting(key="meter.defaults", value={"document_read_hours": 5.0}, by=personas["admin"])
    assert current("burden_hours") > hours


def test_a_write_that_bypasses_the_services_shows_at_once(ledger, district):
    # No audit row, no new id, the same count: only the month totals' triggers see it.
    item = make_item(issuer=district["dept_a"], date=IN_Q4)
    documents = current("documents")
    Item.objects.filter(pk=item.pk).update(status="draft")
    assert current("documents") == documents - 1
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_item SET status = 'issued' WHERE id = %s", [item.pk])
    assert current("documents") == documents


def test_a_process_keeps_the_value_it_read_while_the_shared_cache_holds_it(ledger):
    builds = []

    def build(params):
        builds.append(params)
        return period_stats(Q4)

    first = cached("probe", Q4, build)
    assert cached("probe", Q4, build) is first  # not read (unpickled) again
    cache.clear()  # as the shared cache's expiry or an operator's clear: every process reads again
    assert cached("probe", Q4, build) is not first
    assert len(builds) == 2


def test_a_derived_view_is_made_once_per_ledger_version(ledger, district):
    made = []

    def documents() -> int:
        def present(stats):
            made.append(1)
            return stats.figures["documents"]["current"]

        return cached_view("probe", Q4, lambda params: period_stats(Q4), "documents", present)

    before = documents()
    assert documents() == before and len(made) == 1
    item = make_item(issuer=district["dept_a"], date=IN_Q4)
    assert documents() == before + 1 and len(made) == 2
    Item.objects.filter(pk=item.pk).update(status="draft")  # bypassing the services
    assert documents() == before and len(made) == 3
