"""Writes to the ledger. Views, the API, importers and the admin call these;
each is atomic and writes its audit row and the item's similarity-index rows in
the same transaction (the index under a savepoint: gate.index)."""

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from jianfu.gate import index as gate_index
from jianfu.ledger.choices import DecisionAction, Kind, Status
from jianfu.ledger.lifecycle import LifecycleError, check_transition
from jianfu.ledger.models import Decision, Item, ItemTarget, Review, ReviewFinding
from jianfu.meter import figures as meter_figures
from jianfu.org.models import Unit, User
from jianfu.org.services import record_audit

# Fields a user may set on an item (everything but workflow bookkeeping).
EDITABLE_FIELDS = (
    "kind", "title", "body", "issuer", "targets_all", "date", "year", "plan_entry", "justification", "ref",
    "is_upper_level", "estimated_hours", "number", "is_policy", "special_task", "distribution", "starts_at",
    "duration_minutes", "mode", "attendee_level", "attendees", "coordination_body", "category", "ends_on",
    "method", "materials_required", "onsite_days", "fields", "frequency", "duty_entry", "resources",
    "whitelist_entry", "basis", "cycle", "platform", "daily_minutes", "app_demands",
)  # fmt: skip


def count_chars(text: str) -> int:
    """字数: characters of the body with all white space removed (spec/gate.md)."""
    # str.split() splits on exactly the characters str.isspace() accepts: the count in C, ~10× faster.
    return len("".join((text or "").split()))


def snapshot(item: Item, target_ids: Iterable[int] | None = None) -> dict[str, Any]:
    """A JSON-able picture of an item for the audit trail (`target_ids`: the targets just
    written, which then need not be read back)."""
    data: dict[str, Any] = {}
    for name in EDITABLE_FIELDS + ("status", "merged_into", "issued_on", "decision_comment"):
        field = Item._meta.get_field(name)
        value = getattr(item, field.attname)
        if isinstance(value, dt.date | dt.datetime):
            value = value.isoformat()
        data[name] = value
    if target_ids is not None:
        data["targets"] = sorted(target_ids)
    elif item.pk:
        data["targets"] = sorted(item.target_links.values_list("unit_id", flat=True))
    return data


def _apply_fields(item: Item, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"未知字段：{'、'.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(item, name, value)
    if item.kind == Kind.MEETING and item.starts_at and not item.date:
        item.date = timezone.localtime(item.starts_at).date()
    if not item.date:
        item.date = timezone.localdate()
    if not item.year:
        item.year = item.date.year
    item.chars = count_chars(item.body)


def set_targets(item: Item, units: Iterable[Unit], *, new: bool = False) -> list[int]:
    """Replace an item's target units (keeping the denormalised kind/date in step); returns
    their ids. A `new` item has none to delete."""
    unit_ids = list(dict.fromkeys(u.pk for u in units))
    if not new:
        ItemTarget.objects.filter(item=item).delete()
    if unit_ids:
        ItemTarget.objects.bulk_create(
            [ItemTarget(item=item, unit_id=uid, kind=item.kind, date=item.date) for uid in unit_ids]
        )
    return unit_ids


def index_row(item: Item) -> tuple:
    """The item's row as the similarity index reads it back from the ledger (store._ITEM_COLUMNS),
    from the values just saved; `fields` as the database returns it (JSON)."""
    fields = item.fields
    if type(fields) is list and all(type(f) is str for f in fields):
        fields = list(fields)  # what the JSON round trip gives, without it
    elif fields is not None:
        encoder = Item._meta.get_field("fields").encoder
        fields = json.loads(json.dumps(fields, cls=encoder))
    return (item.pk, item.kind, item.title, item.body, item.is_upper_level, fields, item.date)


def _reindex(item: Item, *, new: bool = False) -> None:
    """(Re)index the item just written, in its transaction, from the values in hand (`index_row`;
    `new`: just created, no old rows to replace). Only a change of what the index holds
    (store._ITEM_COLUMNS: kind, title, body, level, fields, date's quarter) calls for it: a status change
    leaves the index as it was."""
    gate_index.index_items([item.pk], rows=[index_row(item)], new=new)


@transaction.atomic
def create_item(*, by: User | None, targets: Iterable[Unit] = (), status: str = Status.DRAFT, **fields: Any) -> Item:
    item = Item(status=status, created_by=by if by and by.pk else None)
    _apply_fields(item, fields)
    targets = list(targets)
    if not targets and "targets_all" not in fields:
        item.targets_all = True
    if status == Status.ISSUED and not item.issued_on:
        item.issued_on = item.date
    meter_figures.insert(item)  # the INSERT stores the meter's hours too
    target_ids = set_targets(item, targets, new=True)
    record_audit(actor=by, action="item.create", target=item, summary=item.title, after=snapshot(item, target_ids))
    _reindex(item, new=True)
    return item


@transaction.atomic
def update_item(*, item: Item, by: User | None, targets: Iterable[Unit] | None = None, **fields: Any) -> Item:
    """Edit a draft or returned item; a returned item goes back to draft."""
    item = Item.objects.select_for_update().get(pk=item.pk)
    if not item.is_editable:
        raise LifecycleError(f"事项当前状态为“{item.get_status_display()}”，只有草稿或被退回的事项可以修改。")
    before = snapshot(item)
    if item.status == Status.RETURNED:
        check_transition(item.status, Status.DRAFT)
        item.status = Status.DRAFT
    _apply_fields(item, fields)
    if targets is not None:
        targets = list(targets)
        item.targets_all = not targets
    item.save()
    if targets is not None:
        target_ids = set_targets(item, targets)
    else:
        target_ids = before["targets"]
        if "date" in fields or "kind" in fields:
            ItemTarget.objects.filter(item=item).update(kind=item.kind, date=item.date)
    meter_figures.fill(item)
    after = snapshot(item, target_ids)
    record_audit(actor=by, action="item.update", target=item, summary=item.title, before=before, after=after)
    _reindex(item)
    return item


@transaction.atomic
def delete_item(*, item: Item, by: User | None) -> None:
    item = Item.objects.select_for_update().get(pk=item.pk)
    if item.status not in (Status.DRAFT, Status.RETURNED):
        raise LifecycleError("只有草稿或被退回的事项可以删除；已提交的事项须由减负办决定。")
    before = snapshot(item)
    pk = item.pk
    item.delete()
    record_audit(actor=by, action="item.delete", target_type="ledger.item", target_id=pk, before=before)
    gate_index.remove_items([pk])


def store_review(*, item: Item, review: dict[str, Any], trigger: str = "submit") -> Review:
    """Keep the gate's review with the item (one per submission)."""
    row = Review.objects.create(
        item=item,
        trigger=trigger,
        verdict=review["verdict"],
        findings=review["findings"],
        measures=review.get("measures", {}),
    )
    ReviewFinding.objects.bulk_create(
        [ReviewFinding(review=row, item=item, code=f["code"], severity=f["severity"]) for f in review["findings"]]
    )
    item.latest_review = row
    item.save(update_fields=["latest_review"])
    meter_figures.fill(item)
    return row


@transaction.atomic
def sign_off(*, item: Item, by: User) -> Item:
    """The department head's sign-off, required before submission where the unit asks for it."""
    item = Item.objects.select_for_update().get(pk=item.pk)
    if item.status != Status.DRAFT:
        raise LifecycleError("只有草稿状态的事项需要签批。")
    item.signed_off_by = by
    item.signed_off_at = timezone.now()
    item.save(update_fields=["signed_off_by", "signed_off_at"])
    record_audit(actor=by, action="item.signoff", target=item, summary=item.title)
    return item


@transaction.atomic
def submit_item(*, item: Item, by: User | None) -> Item:
    """Submit to the office: the gate reviews the item and the review is stored with it."""
    from jianfu.gate.service import review_item

    item = Item.objects.select_for_update().get(pk=item.pk)
    if item.status == Status.RETURNED:
        item.status = Status.DRAFT
    check_transition(item.status, Status.SUBMITTED)
    if item.issuer.requires_head_signoff and item.signed_off_by_id is None:
        raise LifecycleError(f"{item.issuer}要求提交前由部门负责人签批，请先请负责人签批。")
    item.status = Status.SUBMITTED
    item.submitted_at = timezone.now()
    item.save(update_fields=["status", "submitted_at"])
    review = review_item(item)
    store_review(item=item, review=review, trigger="submit")
    record_audit(actor=by, action="item.submit", target=item, summary=item.title, after={"verdict": review["verdict"]})
    return item


_DECISION_STATUS = {
    DecisionAction.APPROVE: Status.APPROVED,
    DecisionAction.RETURN: Status.RETURNED,
    DecisionAction.REJECT: Status.REJECTED,
    DecisionAction.MERGE: Status.MERGED,
}


@transaction.atomic
def decide(
    *,
    item: Item,
    decision: str,
    by: User,
    comment: str = "",
    merge_into: Item | None = None,
    expected_status: str | None = None,
) -> Item:
    """The office's decision. Row-locked, so of two reviewers deciding at once
    exactly one wins and the other gets a clear message."""
    item = Item.objects.select_for_update().get(pk=item.pk)
    if expected_status and item.status != expected_status:
        raise LifecycleError(f"该事项已被他人处理，当前状态为“{item.get_status_display()}”，请刷新后再看。")
    target_status = _DECISION_STATUS.get(decision)
    if target_status is None:
        raise ValueError(f"未知的决定：{decision}")
    check_transition(item.status, target_status)
    if decision == DecisionAction.MERGE:
        if merge_into is None:
            raise LifecycleError("合并须指明合并到哪一个事项。")
        if merge_into.pk == item.pk:
            raise LifecycleError("事项不能合并到自身。")
        if merge_into.status in (Status.MERGED, Status.REJECTED):
            raise LifecycleError(f"目标事项“{merge_into.title}”已{merge_into.get_status_display()}，不能作为合并目标。")
        item.merged_into = merge_into
    if decision in (DecisionAction.RETURN, DecisionAction.REJECT) and not comment.strip():
        raise LifecycleError("退回或否决须填写意见，告诉经办人改什么。")
    before = snapshot(item)
    item.status = target_status
    item.decided_at = timezone.now()
    item.decided_by = by
    item.decision_comment = comment
    item.save(update_fields=["status", "decided_at", "decided_by", "decision_comment", "merged_into"])
    Decision.objects.create(item=item, action=decision, by=by, comment=comment, merge_target=merge_into)
    record_audit(
        actor=by,
        action=f"item.{decision}",
        target=item,
        summary=item.title,
        before=before,
        after=snapshot(item, before["targets"]),  # a decision leaves the targets as they were
    )
    return item


def merge_items(*, source: Item, target: Item, by: User, comment: str = "") -> Item:
    return decide(item=source, decision=DecisionAction.MERGE, by=by, comment=comment, merge_into=target)


@transaction.atomic
def issue_item(*, item: Item, by: User | None, issued_on: dt.date | None = None, number: str = "") -> Item:
    item = Item.objects.select_for_update().get(pk=item.pk)
    check_transition(item.status, Status.ISSUED)
    item.status = Status.ISSUED
    item.issued_on = issued_on or timezone.localdate()
    update = ["status", "issued_on"]
    if number:
        item.number = number
        update.append("number")
    item.save(update_fields=update)
    record_audit(
        actor=by,
        action="item.issue",
        target=item,
        summary=item.title,
        after={"issued_on": item.issued_on.isoformat(), "number": item.number},
    )
    return item


@transaction.atomic
def close_item(*, item: Item, by: User | None) -> Item:
    item = Item.objects.select_for_update().get(pk=item.pk)
    check_transition(item.status, Status.CLOSED)
    item.status = Status.CLOSED
    item.save(update_fields=["status"])
    record_audit(actor=by, action="item.close", target=item, summary=item.title)
    return item
