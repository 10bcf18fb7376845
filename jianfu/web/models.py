"""In-app notifications: returned, decided, awaiting sign-off, overdue."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class NotificationKind(models.TextChoices):
    RETURNED = "returned", "退回修改"
    DECIDED = "decided", "审核决定"
    SIGNOFF = "signoff", "待签批"
    SUBMITTED = "submitted", "待审核"
    OVERDUE = "overdue", "逾期提醒"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField("类型", max_length=12, choices=NotificationKind.choices)
    item = models.ForeignKey(
        "ledger.Item", verbose_name="事项", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    message = models.CharField("内容", max_length=300)
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "站内通知"
        verbose_name_plural = "站内通知"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return self.message
