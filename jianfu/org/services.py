"""Writes for org: every change goes through here and leaves an audit row."""

from typing import Any

from django.db import models, transaction

from jianfu.org.models import AuditEvent, Setting, User


def record_audit(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str | int = "",
    summary: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or target.pk
    return AuditEvent.objects.create(
        actor=actor if (actor is not None and actor.pk) else None,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        summary=summary[:300],
        before=before,
        after=after,
    )


@transaction.atomic
def set_setting(*, key: str, value: Any, by: User | None, note: str = "") -> Setting:
    existing = Setting.objects.select_for_update().filter(key=key).first()
    before = existing.value if existing else None
    if existing:
        existing.value = value
        if note:
            existing.note = note
        existing.save(update_fields=["value", "note", "updated_at"])
        setting = existing
    else:
        setting = Setting.objects.create(key=key, value=value, note=note)
    record_audit(actor=by, action="setting.change", target=setting, summary=key, before=before, after=value)
    return setting


def get_setting(key: str, default: Any) -> Any:
    row = Setting.objects.filter(key=key).values_list("value", flat=True).first()
    return default if row is None else row
