"""No lost work: two reviewers deciding the same item at the same moment, on real connections."""

import threading

import pytest
from django.db import close_old_connections, connection

from jianfu.ledger.choices import Status
from jianfu.ledger.lifecycle import LifecycleError
from jianfu.ledger.models import Decision, Item
from jianfu.ledger.services import decide
from jianfu.org.models import AuditEvent, Role
from jianfu.testing import make_item, make_user

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("real row locks between connections need PostgreSQL")


def test_two_reviewers_deciding_at_once_exactly_one_wins(district, personas):
    second = make_user("reviewer2", unit=district["office"], roles=[Role.REVIEWER])
    item = make_item(issuer=district["dept_a"], status=Status.SUBMITTED, by=personas["clerk_a"])
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def review(name, reviewer, decision, comment):
        try:
            start.wait(timeout=10)
            decide(item=item, decision=decision, by=reviewer, comment=comment, expected_status="submitted")
            outcomes[name] = "won"
        except LifecycleError as exc:
            outcomes[name] = exc
        finally:
            close_old_connections()
            connection.close()  # each thread has its own connection; give it back

    threads = [
        threading.Thread(target=review, args=("a", personas["reviewer"], "approve", "")),
        threading.Thread(target=review, args=("b", second, "reject", "重复发文，予以否决")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    winners = [k for k, v in outcomes.items() if v == "won"]
    losers = [v for v in outcomes.values() if isinstance(v, LifecycleError)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert "已被他人处理" in str(losers[0]) and "请刷新" in str(losers[0])
    item.refresh_from_db()
    assert item.status == (Status.APPROVED if winners == ["a"] else Status.REJECTED)
    assert Decision.objects.filter(item=item).count() == 1
    assert (
        AuditEvent.objects.filter(
            target_type="ledger.item", target_id=str(item.pk), action__in=["item.approve", "item.reject"]
        ).count()
        == 1
    )


def test_ten_rounds_of_racing_reviewers_never_both_win(district, personas):
    second = make_user("reviewer2", unit=district["office"], roles=[Role.REVIEWER])
    for _ in range(10):
        item = make_item(issuer=district["dept_a"], status=Status.SUBMITTED, by=personas["clerk_a"])
        start = threading.Barrier(2)
        wins = []

        def review(reviewer, item=item, start=start, wins=wins):
            try:
                start.wait(timeout=10)
                decide(item=item, decision="approve", by=reviewer, expected_status="submitted")
                wins.append(reviewer.username)
            except LifecycleError:
                pass
            finally:
                connection.close()

        threads = [threading.Thread(target=review, args=(r,)) for r in (personas["reviewer"], second)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert len(wins) == 1
        assert Item.objects.get(pk=item.pk).status == Status.APPROVED
        assert Decision.objects.filter(item=item).count() == 1
