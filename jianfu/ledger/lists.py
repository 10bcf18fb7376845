"""Writes to the reference lists the office keeps (units, plans and quotas,
coordination bodies, duty list, campus whitelist, data catalog, lexicon).

The importers and the web pages call these. Each is atomic and writes its audit
row; each returns `(row, outcome)` with outcome `created` / `updated` / `unchanged`
so an import can count what it did. Optional arguments left at `KEEP` leave the
stored value alone (an import file without that column changes nothing there).
A rule broken by the caller raises `ListError` with a Chinese message before
anything is written, so a caller may collect several and roll back once.
"""

import datetime as dt
from typing import Any

from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from jianfu.gate.models import LexiconEntry
from jianfu.ledger.choices import BodyStatus, join_list
from jianfu.ledger.models import (
    BodyChange,
    CampusWhitelistEntry,
    CatalogField,
    CoordinationBody,
    DutyEntry,
    PlanEntry,
    Quota,
)
from jianfu.org.models import Unit, UnitAlias, User
from jianfu.org.selectors import normalise_name
from jianfu.org.services import record_audit


class ListError(ValueError):
    """A list row that cannot be saved; the message is for the user."""


class _Keep:
    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = _Keep()

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _given(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not KEEP}


def _save_row(
    model: type[models.Model],
    *,
    instance: models.Model | None,
    key: dict[str, Any],
    values: dict[str, Any],
    by: User | None,
    label: str,
) -> tuple[Any, str]:
    """Create or update one row matched on its key (or the given instance, whose key may change)."""
    tag = model._meta.model_name
    clash = model.objects.filter(**key)
    if instance is not None:
        instance = model.objects.select_for_update().get(pk=instance.pk)
        if clash.exclude(pk=instance.pk).exists():
            raise ListError(f"{label}已存在：{'、'.join(str(_jsonable(v)) for v in key.values())}")
    else:
        instance = clash.select_for_update().first()
    if instance is None:
        row = model.objects.create(**key, **values)
        record_audit(
            actor=by,
            action=f"{tag}.create",
            target=row,
            summary=str(row),
            after={k: _jsonable(v) for k, v in {**key, **values}.items()},
        )
        return row, CREATED
    wanted = {**key, **values}
    changed = {name: value for name, value in wanted.items() if getattr(instance, name) != value}
    if not changed:
        return instance, UNCHANGED
    before = {name: _jsonable(getattr(instance, name)) for name in changed}
    for name, value in changed.items():
        setattr(instance, name, value)
    instance.save(update_fields=list(changed))
    record_audit(
        actor=by,
        action=f"{tag}.update",
        target=instance,
        summary=str(instance),
        before=before,
        after={k: _jsonable(v) for k, v in changed.items()},
    )
    return instance, UPDATED


@transaction.atomic
def delete_list_row(*, row: models.Model, by: User | None) -> None:
    """Delete a list row; rows still referenced (a unit with items) are refused, not cascaded."""
    snapshot = str(row)
    label = row._meta.label_lower
    pk = row.pk
    try:
        row.delete()
    except ProtectedError as exc:
        raise ListError(f"“{snapshot}”仍被其他记录引用，不能删除（可改为停用或保留）") from exc
    record_audit(actor=by, action=f"{row._meta.model_name}.delete", target_type=label, target_id=pk, summary=snapshot)


# --------------------------------------------------------------------------- units


def _check_parent(unit: Unit | None, parent: Unit | None) -> None:
    if parent is None or unit is None or unit.pk is None:
        return
    node: Unit | None = parent
    seen: set[int] = set()
    while node is not None and node.pk not in seen:
        if node.pk == unit.pk:
            raise ListError(f"上级单位“{parent.name}”在“{unit.name}”之下，不能形成循环")
        seen.add(node.pk)
        node = node.parent
    return


@transaction.atomic
def upsert_unit(
    *,
    name: str,
    kind: str = KEEP,
    parent: Unit | None = KEEP,
    aliases: list[str] = KEEP,
    by: User | None,
    unit: Unit | None = None,
) -> tuple[Unit, str]:
    """A unit matched on its name; `aliases` replaces the unit's aliases."""
    name = name.strip()
    if not name:
        raise ListError("单位名称不能为空")
    existing = unit or Unit.objects.filter(name=name).first()
    if existing is None and kind is KEEP:
        raise ListError(f"新单位“{name}”须填写类型")
    if parent is not KEEP:
        _check_parent(existing, parent)
    if aliases is not KEEP:
        aliases = list(dict.fromkeys(normalise_name(a) for a in aliases if a.strip()))
        taken = UnitAlias.objects.filter(alias__in=aliases).select_related("unit")
        for alias in taken:
            if existing is None or alias.unit_id != existing.pk:
                raise ListError(f"别名“{alias.alias}”已属于单位“{alias.unit.name}”")
        named = Unit.objects.filter(name__in=aliases)
        if existing is not None:
            named = named.exclude(pk=existing.pk)
        for other in named:
            raise ListError(f"别名“{other.name}”与另一单位的名称相同")
    row, outcome = _save_row(
        Unit, instance=unit, key={"name": name}, values=_given(kind=kind, parent=parent), by=by, label="单位"
    )
    if aliases is not KEEP:
        current = set(row.aliases.values_list("alias", flat=True))
        if current != set(aliases):
            row.aliases.exclude(alias__in=aliases).delete()
            UnitAlias.objects.bulk_create([UnitAlias(unit=row, alias=a) for a in aliases if a not in current])
            record_audit(
                actor=by,
                action="unit.aliases",
                target=row,
                summary=row.name,
                before=sorted(current),
                after=sorted(aliases),
            )
            outcome = UPDATED if outcome == UNCHANGED else outcome
    return row, outcome


# --------------------------------------------------------------------------- plan


@transaction.atomic
def upsert_plan_entry(
    *,
    year: int,
    unit: Unit,
    kind: str,
    title: str,
    keywords: str | list[str] = KEEP,
    by: User | None,
    entry: PlanEntry | None = None,
) -> tuple[PlanEntry, str]:
    if not title.strip():
        raise ListError("计划事项不能为空")
    if isinstance(keywords, list):
        keywords = join_list(keywords)
    return _save_row(
        PlanEntry,
        instance=entry,
        key={"year": year, "unit": unit, "kind": kind, "title": title.strip()},
        values=_given(keywords=keywords),
        by=by,
        label="计划事项",
    )


@transaction.atomic
def set_quota(*, year: int, unit: Unit, kind: str, quota: int, by: User | None) -> tuple[Quota, str]:
    if quota < 0:
        raise ListError("总量不能为负数")
    return _save_row(
        Quota,
        instance=None,
        key={"year": year, "unit": unit, "kind": kind},
        values={"quota": quota},
        by=by,
        label="年度总量",
    )


# --------------------------------------------------------------------------- coordination bodies


@transaction.atomic
def upsert_body(
    *,
    name: str,
    lead: Unit | None = KEEP,
    status: str = KEEP,
    changed_on: dt.date | None = KEEP,
    note: str = "",
    by: User | None,
    body: CoordinationBody | None = None,
) -> tuple[CoordinationBody, str]:
    """A coordination body; a change of status or date appends a BodyChange (the history)."""
    name = name.strip()
    if not name:
        raise ListError("机构名称不能为空")
    existing = body or CoordinationBody.objects.filter(name=name).first()
    old_status = existing.status if existing else BodyStatus.ACTIVE
    old_date = existing.changed_on if existing else None
    new_status = old_status if status is KEEP else status
    new_date = old_date if changed_on is KEEP else changed_on
    if new_status != BodyStatus.ACTIVE and new_date is None:
        raise ListError(f"状态为“{BodyStatus(new_status).label}”时须填写变更日期")
    row, outcome = _save_row(
        CoordinationBody,
        instance=body,
        key={"name": name},
        values=_given(lead=lead, status=status, changed_on=changed_on),
        by=by,
        label="议事协调机构",
    )
    if (new_status, new_date) != (old_status, old_date) or (existing is None and new_date is not None):
        BodyChange.objects.create(
            body=row, status=new_status, changed_on=new_date or timezone.localdate(), note=note[:200]
        )
    return row, outcome


# --------------------------------------------------------------------------- duty list, whitelist, catalog


@transaction.atomic
def upsert_duty_entry(
    *,
    matter: str,
    responsible: str = KEEP,
    township_role: str = KEEP,
    keywords: str | list[str] = KEEP,
    by: User | None,
    entry: DutyEntry | None = None,
) -> tuple[DutyEntry, str]:
    if not matter.strip():
        raise ListError("事项不能为空")
    if isinstance(keywords, list):
        keywords = join_list(keywords)
    return _save_row(
        DutyEntry,
        instance=entry,
        key={"matter": matter.strip()},
        values=_given(responsible=responsible, township_role=township_role, keywords=keywords),
        by=by,
        label="属地管理事项",
    )


@transaction.atomic
def upsert_whitelist_entry(
    *,
    year: int,
    activity: str,
    organizer: str = KEEP,
    per_semester: int | None = KEEP,
    by: User | None,
    entry: CampusWhitelistEntry | None = None,
) -> tuple[CampusWhitelistEntry, str]:
    if not activity.strip():
        raise ListError("活动不能为空")
    return _save_row(
        CampusWhitelistEntry,
        instance=entry,
        key={"year": year, "activity": activity.strip()},
        values=_given(organizer=organizer, per_semester=per_semester),
        by=by,
        label="进校园白名单活动",
    )


@transaction.atomic
def upsert_catalog_field(
    *,
    field: str,
    synonyms: str | list[str] = KEEP,
    owner: str = KEEP,
    system: str = KEEP,
    frequency: str = KEEP,
    by: User | None,
    entry: CatalogField | None = None,
) -> tuple[CatalogField, str]:
    if not field.strip():
        raise ListError("字段不能为空")
    if isinstance(synonyms, list):
        synonyms = join_list(synonyms)
    return _save_row(
        CatalogField,
        instance=entry,
        key={"field": field.strip()},
        values=_given(synonyms=synonyms, owner=owner, system=system, frequency=frequency),
        by=by,
        label="共享数据字段",
    )


# --------------------------------------------------------------------------- lexicon


def lexicon_codes() -> tuple[str, ...]:
    """Rule codes a phrase may belong to: the gate's own, and any already in the lexicon."""
    from jianfu.gate import lexicon

    codes = dict.fromkeys(
        [
            *getattr(lexicon, "PHRASE_CODES", ()),
            *getattr(lexicon, "HELPER_CODES", ()),
            *getattr(lexicon, "DEFAULT_LEXICON", {}),
        ]
    )
    codes.update(dict.fromkeys(LexiconEntry.objects.order_by("code").values_list("code", flat=True).distinct()))
    return tuple(codes)


@transaction.atomic
def upsert_lexicon_entry(
    *,
    code: str,
    phrase: str,
    note: str = KEEP,
    is_active: bool = KEEP,
    by: User | None,
    entry: LexiconEntry | None = None,
) -> tuple[LexiconEntry, str]:
    code = code.strip().upper()
    if code not in lexicon_codes():
        raise ListError(f"未知的规则代码“{code}”")
    if not phrase.strip():
        raise ListError("词语不能为空")
    row, outcome = _save_row(
        LexiconEntry,
        instance=entry,
        key={"code": code, "phrase": phrase.strip()},
        values=_given(note=note, is_active=is_active),
        by=by,
        label="审核词条",
    )
    if outcome == UPDATED:
        # The gate reads updated_at to know its cached lexicon is stale.
        row.updated_at = timezone.now()
        row.save(update_fields=["updated_at"])
    return row, outcome
