"""Writes for org: every change goes through here and leaves an audit row."""

from typing import Any

from django.db import models, transaction

from jianfu.org.models import AuditEvent, RoleGrant, Setting, Unit, User


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


def _person_snapshot(user: User) -> dict:
    return {
        "unit": user.unit_id,
        "display_name": user.display_name,
        "is_active": user.is_active,
        "roles": sorted(user.roles.values_list("role", flat=True)),
    }


@transaction.atomic
def create_person(
    *, username: str, display_name: str, unit: Unit | None, roles: list[str], password: str, by: User
) -> User:
    user = User.objects.create_user(username=username, password=password, unit=unit, display_name=display_name)
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=r) for r in roles])
    record_audit(actor=by, action="user.create", target=user, summary=username, after=_person_snapshot(user))
    return user


@transaction.atomic
def update_person(
    *, user: User, display_name: str, unit: Unit | None, roles: list[str], is_active: bool, by: User
) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    before = _person_snapshot(user)
    user.display_name, user.unit, user.is_active = display_name, unit, is_active
    user.save(update_fields=["display_name", "unit", "is_active"])
    RoleGrant.objects.filter(user=user).exclude(role__in=roles).delete()
    have = set(RoleGrant.objects.filter(user=user).values_list("role", flat=True))
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=r) for r in roles if r not in have])
    record_audit(
        actor=by, action="user.update", target=user, summary=user.username, before=before, after=_person_snapshot(user)
    )
    return user
