import pytest
from django.db import connection

from jianfu.gate.similarity import postings
from jianfu.gate.similarity.models import Signature
from jianfu.gate.similarity.search import find_similar, item_text
from jianfu.gate.similarity.tests.corpus import TOPICS, make_notice
from jianfu.ledger import services
from jianfu.ledger.choices import DecisionAction, Kind, Status
from jianfu.ledger.lifecycle import LifecycleError
from jianfu.ledger.models import Decision, Item, ItemTarget
from jianfu.org.models import AuditEvent
from jianfu.testing import make_item

TOPIC_NAMES = list(TOPICS)


@pytest.fixture
def draft(district, personas):
    return make_item(
        kind=Kind.DOCUMENT,
        issuer=district["dept_a"],
        title="关于开展安全生产大检查的通知",
        status=Status.DRAFT,
        targets=[district["township"], district["street"]],
        body="各镇（街道）：\n 现将有关事项通知如下。",
        by=personas["clerk_a"],
    )


def test_create_item_counts_chars_without_whitespace_and_records_targets(draft):
    assert draft.chars == len("各镇（街道）：现将有关事项通知如下。")
    assert draft.year == 2025
    assert ItemTarget.objects.filter(item=draft).count() == 2
    assert not draft.targets_all
    assert AuditEvent.objects.filter(action="item.create", target_id=str(draft.pk)).exists()


def test_item_without_targets_is_addressed_to_all_grassroots(district):
    item = make_item(issuer=district["dept_a"])
    assert item.targets_all


def test_full_path_draft_to_closed_through_a_return(draft, personas):
    services.submit_item(item=draft, by=personas["clerk_a"])
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert draft.latest_review is not None
    services.decide(item=draft, decision=DecisionAction.RETURN, by=personas["reviewer"], comment="篇幅过长，请压缩")
    draft.refresh_from_db()
    assert draft.status == Status.RETURNED
    services.update_item(item=draft, by=personas["clerk_a"], title="关于开展安全生产检查的通知")
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    services.submit_item(item=draft, by=personas["clerk_a"])
    services.decide(item=draft, decision=DecisionAction.APPROVE, by=personas["reviewer"])
    services.issue_item(item=draft, by=personas["clerk_a"], number="示应急〔2025〕3号")
    draft.refresh_from_db()
    assert (draft.status, draft.number) == (Status.ISSUED, "示应急〔2025〕3号")
    assert draft.issued_on is not None
    services.close_item(item=draft, by=personas["clerk_a"])
    draft.refresh_from_db()
    assert draft.status == Status.CLOSED
    assert draft.reviews.count() == 2
    assert list(Decision.objects.filter(item=draft).values_list("action", flat=True)) == ["approve", "return"]


def test_return_without_comment_is_refused(draft, personas):
    services.submit_item(item=draft, by=personas["clerk_a"])
    with pytest.raises(LifecycleError, match="意见"):
        services.decide(item=draft, decision=DecisionAction.RETURN, by=personas["reviewer"], comment=" ")


def test_merge_records_the_link_and_decision_time(draft, district, personas):
    target = make_item(issuer=district["dept_a"], title="安全生产大检查方案")
    services.submit_item(item=draft, by=personas["clerk_a"])
    services.merge_items(source=draft, target=target, by=personas["reviewer"], comment="并入年度方案")
    draft.refresh_from_db()
    assert draft.status == Status.MERGED
    assert draft.merged_into == target
    assert draft.decided_at is not None


def test_stale_decision_gets_a_clear_message(draft, personas):
    services.submit_item(item=draft, by=personas["clerk_a"])
    services.decide(item=draft, decision=DecisionAction.APPROVE, by=personas["reviewer"])
    with pytest.raises(LifecycleError, match="已被他人处理"):
        services.decide(
            item=draft,
            decision=DecisionAction.REJECT,
            by=personas["reviewer"],
            comment="不必发",
            expected_status=Status.SUBMITTED,
        )


def test_submitted_item_cannot_be_edited_or_deleted(draft, personas):
    services.submit_item(item=draft, by=personas["clerk_a"])
    with pytest.raises(LifecycleError):
        services.update_item(item=draft, by=personas["clerk_a"], title="改")
    with pytest.raises(LifecycleError):
        services.delete_item(item=draft, by=personas["clerk_a"])


def test_head_signoff_is_required_where_the_department_asks(draft, district, personas):
    district["dept_a"].requires_head_signoff = True
    district["dept_a"].save(update_fields=["requires_head_signoff"])
    draft.issuer.refresh_from_db()
    with pytest.raises(LifecycleError, match="签批"):
        services.submit_item(item=draft, by=personas["clerk_a"])
    services.sign_off(item=draft, by=personas["head_a"])
    services.submit_item(item=draft, by=personas["clerk_a"])
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def _signed(item) -> bool:
    return Signature.objects.filter(item_id=item.pk).exists()


def test_an_item_is_indexed_in_its_own_transaction(district, django_capture_on_commit_callbacks):
    title, body = make_notice(TOPIC_NAMES[0], seed=1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        item = make_item(issuer=district["dept_a"], title=title, body=body)
        assert _signed(item)  # before the commit: one transaction, one commit
    assert callbacks == []
    assert find_similar(item_text(title, body))[0].id == item.pk


def test_an_index_failure_is_logged_and_the_item_is_still_saved(district, personas, caplog):
    title, body = make_notice(TOPIC_NAMES[1], seed=1)
    # The index's field-name table gone: the write fails after the item's postings are written.
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE similarity_fieldname RENAME TO similarity_fieldname_gone")
    item = make_item(
        issuer=district["dept_a"], title=title, body=body, kind=Kind.DATA_REQUEST, fields=["户籍人口数"], status="draft"
    )
    assert "jianfu reindex" in caplog.text
    # The transaction goes on (PostgreSQL would refuse every statement after an unhandled
    # error), the item and its audit row are kept and none of its index rows are.
    assert Item.objects.filter(pk=item.pk, title=title).exists()
    assert AuditEvent.objects.filter(action="item.create", target_id=str(item.pk)).exists()
    assert not _signed(item)
    assert item.pk not in {i for _k, _p, i in postings.BAND.pairs()}
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE similarity_fieldname_gone RENAME TO similarity_fieldname")
    services.update_item(item=item, by=personas["clerk_a"], body=body + "\n请于月底前报送。")
    assert _signed(item)  # the next save indexes it


def test_a_status_change_leaves_the_index_alone(draft, personas):
    assert _signed(draft)
    services.submit_item(item=draft, by=personas["clerk_a"])
    services.decide(item=draft, decision=DecisionAction.APPROVE, by=personas["reviewer"])
    assert _signed(draft)
    assert find_similar(item_text(draft.title, draft.body), statuses=(Status.APPROVED,))[0].id == draft.pk


def test_deleting_a_draft_drops_its_index_rows_with_it(draft, personas):
    services.delete_item(item=draft, by=personas["clerk_a"])
    assert not _signed(draft)


def test_an_edit_audits_the_targets_it_leaves_or_sets(draft, district, personas):
    old = sorted([district["township"].pk, district["street"].pk])
    services.update_item(item=draft, by=personas["clerk_a"], title="关于开展安全检查的通知")
    services.update_item(item=draft, by=personas["clerk_a"], targets=[district["township"]])
    services.update_item(item=draft, by=personas["clerk_a"], targets=[])
    events = AuditEvent.objects.filter(action="item.update", target_id=str(draft.pk)).order_by("pk")
    assert [(e.before["targets"], e.after["targets"]) for e in events] == [
        (old, old),
        (old, [district["township"].pk]),
        ([district["township"].pk], []),
    ]
    draft.refresh_from_db()
    assert draft.targets_all
    assert not ItemTarget.objects.filter(item=draft).exists()


def test_count_chars_counts_every_character_but_white_space():
    from jianfu.ledger.services import count_chars

    every = "".join(chr(c) for c in range(0x3100) if not 0xD800 <= c < 0xE000)
    samples = ["", "  ", "各镇（街道）：\n\t现将\u3000有关\xa0事项\u2003通知\r\n如下。", "a\u200bb\u0085c\x1cd"]
    for text in [*samples, every]:
        assert count_chars(text) == sum(1 for ch in text if not ch.isspace())
