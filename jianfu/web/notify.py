"""Who hears about what. Called after the ledger's services by the pages and the API."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from jianfu.ledger.choices import Status
from jianfu.ledger.models import Item
from jianfu.org.models import Role, User
from jianfu.web.models import Notification, NotificationKind

# An item waiting this long for the office, or approved and not issued, is overdue.
OVERDUE_DAYS = 5


def _department_users(item: Item, *roles: str):
    return User.objects.filter(unit_id=item.issuer_id, is_active=True, roles__role__in=roles).distinct()


def _send(users, kind: str, item: Item | None, message: str) -> int:
    rows = [Notification(user=u, kind=kind, item=item, message=message[:300]) for u in users]
    Notification.objects.bulk_create(rows)
    return len(rows)


def after_decision(item: Item) -> int:
    """Tell the item's creator and the department's clerks what the office decided."""
    recipients = {u.pk: u for u in _department_users(item, Role.CLERK, Role.HEAD)}
    if item.created_by_id and item.created_by_id not in recipients:
        creator = User.objects.filter(pk=item.created_by_id).first()
        if creator:
            recipients[creator.pk] = creator
    if item.status == Status.RETURNED:
        kind, text = NotificationKind.RETURNED, f"“{item.title}”被退回修改：{item.decision_comment}"
    else:
        kind, text = NotificationKind.DECIDED, f"“{item.title}”{item.get_status_display()}"
        if item.decision_comment:
            text += f"：{item.decision_comment}"
    return _send(recipients.values(), kind, item, text)


def after_submit(item: Item) -> int:
    reviewers = User.objects.filter(is_active=True, roles__role=Role.REVIEWER).distinct()
    return _send(reviewers, NotificationKind.SUBMITTED, item, f"{item.issuer}提交了“{item.title}”，待审核")


def needs_signoff(item: Item) -> int:
    # Asking twice should not ring twice: heads with an unread request for this item are skipped.
    asked = Notification.objects.filter(item=item, kind=NotificationKind.SIGNOFF, read_at__isnull=True)
    heads = _department_users(item, Role.HEAD).exclude(pk__in=asked.values("user_id"))
    return _send(heads, NotificationKind.SIGNOFF, item, f"“{item.title}”待您签批后提交")


@transaction.atomic
def refresh_overdue(user: User) -> int:
    """Create (once per item) overdue reminders relevant to `user`."""
    cutoff = timezone.now() - dt.timedelta(days=OVERDUE_DAYS)
    items = Item.objects.none()
    if user.has_role(Role.REVIEWER):
        items = Item.objects.filter(status=Status.SUBMITTED, submitted_at__lt=cutoff)
    elif user.unit_id and user.has_role(Role.CLERK, Role.HEAD):
        items = Item.objects.filter(status=Status.APPROVED, issuer_id=user.unit_id, decided_at__lt=cutoff)
    done = set(Notification.objects.filter(user=user, kind=NotificationKind.OVERDUE).values_list("item_id", flat=True))
    fresh = [i for i in items.only("pk", "title", "status")[:200] if i.pk not in done]
    for item in fresh:
        what = "已提交超过5天未审核" if item.status == Status.SUBMITTED else "已批准超过5天未发布"
        Notification.objects.create(
            user=user, kind=NotificationKind.OVERDUE, item=item, message=f"“{item.title}”{what}"
        )
    return len(fresh)


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
