import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jianfu.meter import months
from jianfu.meter.periods import parse_period
from jianfu.meter.service import period_stats
from jianfu.meter.tests.scale import build_scale

pytestmark = pytest.mark.django_db


def test_a_year_of_a_5000_item_ledger_takes_a_fixed_handful_of_queries(capsys):
    build_scale(5000)
    # Bulk writes leave their ten-day pieces to recompute; the importer refreshes them after it commits.
    assert months.refresh() == 72  # every ten days of two years
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        stats = period_stats(parse_period("2025"))
        elapsed = time.perf_counter() - started
    # No N+1: the count is the same for 50 items or 10^6 (72 stored ten-day parts, read in two queries).
    assert len(queries) <= 20
    assert stats.figures["documents"]["current"] > 0
    assert stats.figures["burden_hours"]["current"] > 0
    with capsys.disabled():
        print(f"\n[meter] year statistics, 5,000 items: {len(queries)} queries, {elapsed * 1000:.0f} ms")
