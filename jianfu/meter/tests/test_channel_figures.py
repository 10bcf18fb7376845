import datetime as dt
import itertools

import pytest

from jianfu.channel.models import BurdenReport
from jianfu.meter.periods import parse_period
from jianfu.meter.service import period_stats
from jianfu.testing import make_item

pytestmark = pytest.mark.django_db
_seq = itertools.count()


def report(model, received, *, resolved=None, due=None, form="other", item=None, status="new"):
    return model.objects.create(
        receipt_hash=f"h{next(_seq)}",
        identity="anonymous",
        burden_type=form,
        description="反映",
        received_on=received,
        resolved_on=resolved,
        due_on=due,
        found_item=item,
        status=status,
    )


def test_channel_figures_count_received_resolved_on_time_and_hidden_items(district):
    model = BurdenReport
    d = dt.date
    hidden = make_item(issuer=district["dept_a"], status="issued", date=d(2025, 10, 2))
    report(model, d(2025, 10, 1), resolved=d(2025, 10, 5), due=d(2025, 10, 10), form="white_head", item=hidden)
    report(model, d(2025, 11, 1), resolved=d(2025, 11, 20), due=d(2025, 11, 10), form="group_notice")  # late
    report(model, d(2025, 12, 1))  # open
    report(model, d(2025, 12, 2), status="merged")  # a duplicate: not counted twice
    report(model, d(2025, 12, 30), resolved=d(2026, 1, 5))  # resolved after the period
    report(model, d(2024, 11, 1), resolved=d(2024, 11, 3))
    stats = period_stats(parse_period("2025Q4"))
    f = stats.figures
    assert f["channel_reports_received"] == {"current": 4, "previous": 1, "change_pct": 300.0}
    assert f["channel_reports_resolved"] == {"current": 2, "previous": 1, "change_pct": 100.0}
    assert f["channel_on_time_rate"]["current"] == 50.0
    assert f["channel_hidden_items"]["current"] == 1
    assert stats.details["channel"]["median_days"] == 11.5  # 4 and 19 days
    assert stats.details["channel"]["hidden_by_form"] == {"白头文件": 1, "工作群通知": 1}
