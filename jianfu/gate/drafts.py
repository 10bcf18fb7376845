"""The gate's input (spec/gate.md "Input: a draft item"): parse, validate, resolve units.

Bad input raises `DraftError` with a Chinese message naming the field and value;
callers turn it into exit code 2 (CLI) or HTTP 422 (API).
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from jianfu.ledger.choices import (
    INSPECTION_CATEGORY_ALIASES,
    AttendeeLevel,
    Frequency,
    InspectionCategory,
    Kind,
    MeetingMode,
    Platform,
)


class DraftError(ValueError):
    """Invalid draft; the message (Chinese) names the field and the value."""


@dataclass(frozen=True)
class UnitRef:
    id: int
    name: str
    kind: str


@dataclass(frozen=True)
class Draft:
    kind: str
    title: str
    issuer: UnitRef
    body: str = ""
    targets: tuple[UnitRef, ...] = ()
    date: dt.date = dt.date(2000, 1, 1)
    year: int = 2000
    plan_entry: str | int | None = None
    justification: str = ""
    # document
    number: str = ""
    is_policy: bool = False
    special_task: bool = False
    # meeting
    starts_at: dt.datetime | None = None
    duration_minutes: int | None = None
    mode: str = ""
    attendee_level: str = ""
    coordination_body: str | int | None = None
    # inspection
    category: str = ""
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    method: str = ""
    materials_required: bool = False
    # data_request
    fields: tuple[str, ...] = ()
    frequency: str = ""
    # task
    duty_entry: str | int | None = None
    resources: tuple[str, ...] = ()
    # campus
    whitelist_entry: str | int | None = None
    # award
    basis: str = ""
    # app
    platform: str = ""
    daily_minutes: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def targets_all(self) -> bool:
        """No targets: addressed to every grassroots unit under the issuer's district."""
        return not self.targets


_KIND_NAMES = "、".join(Kind.values)


def _str(data: dict, key: str, label: str, *, required: bool = False) -> str:
    value = data.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DraftError(f"字段 {label} 应为文本，收到的是“{value!r}”。")
    value = value.strip() if key != "body" else value
    if required and not value.strip():
        raise DraftError(f"缺少必填字段 {label}。")
    return value


def _int(data: dict, key: str, label: str, *, minimum: int = 0) -> int | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise DraftError(f"字段 {label} 应为整数，收到的是“{value}”。")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise DraftError(f"字段 {label} 应为整数，收到的是“{value}”。") from None
    if isinstance(value, float) and value != number:
        raise DraftError(f"字段 {label} 应为整数，收到的是“{value}”。")
    if number < minimum:
        raise DraftError(f"字段 {label} 不能小于 {minimum}，收到的是“{value}”。")
    return number


def _bool(data: dict, key: str, label: str) -> bool:
    value = data.get(key, False)
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "是", "否", "1", "0", ""):
        return value.strip().lower() in ("true", "是", "1")
    raise DraftError(f"字段 {label} 应为 true 或 false，收到的是“{value}”。")


def _date(data: dict, key: str, label: str) -> dt.date | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise DraftError(f"字段 {label} 应为 ISO 日期（如 2025-11-20），收到的是“{value!r}”。")
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise DraftError(f"字段 {label} 应为 ISO 日期（如 2025-11-20），收到的是“{value}”。") from None


def _datetime(data: dict, key: str, label: str) -> dt.datetime | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise DraftError(f"字段 {label} 应为 ISO 时间（如 2025-11-03T09:00），收到的是“{value!r}”。")
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise DraftError(f"字段 {label} 应为 ISO 时间（如 2025-11-03T09:00），收到的是“{value}”。") from None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return timezone.localtime(parsed)


def _choice(data: dict, key: str, label: str, choices, aliases: dict | None = None) -> str:
    value = data.get(key)
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise DraftError(f"字段 {label} 的值“{value!r}”无效。")
    raw = value.strip()
    if aliases and raw.lower() in aliases:
        return str(aliases[raw.lower()])
    if raw in choices.values:
        return raw
    by_label = {str(lbl): v for v, lbl in choices.choices}
    if raw in by_label:
        return by_label[raw]
    allowed = "、".join(choices.values)
    raise DraftError(f"字段 {label} 的值“{raw}”无效，应为 {allowed} 之一。")


def _text_list(data: dict, key: str, label: str) -> tuple[str, ...]:
    value = data.get(key)
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        from jianfu.ledger.choices import split_list

        return tuple(split_list(value))
    if not isinstance(value, list) or not all(isinstance(v, str | int) and not isinstance(v, bool) for v in value):
        raise DraftError(f"字段 {label} 应为文本列表，收到的是“{value!r}”。")
    return tuple(str(v).strip() for v in value if str(v).strip())


def _ref(data: dict, key: str, label: str) -> str | int | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise DraftError(f"字段 {label} 应为名称或编号，收到的是“{value!r}”。")
    return value.strip() if isinstance(value, str) else value


def _block(data: dict, key: str) -> dict:
    block = data.get(key)
    if block is None:
        return {}
    if not isinstance(block, dict):
        raise DraftError(f"字段 {key} 应为对象（JSON object），收到的是“{block!r}”。")
    return block


def _resolve_units(wanted: list[tuple[Any, str]]) -> list[UnitRef]:
    """Resolve (value, field label) pairs to units in at most three queries: ids,
    exact names, then aliases (org.selectors.find_unit's order)."""
    from jianfu.gate.similarity.sql import fetch, marks
    from jianfu.org.models import Unit, UnitAlias
    from jianfu.org.selectors import normalise_name

    def units(column: str, values: set) -> list[UnitRef]:
        sql = f"SELECT id, name, kind FROM {Unit._meta.db_table} WHERE {column} IN ({marks(len(values))})"  # noqa: S608
        return [UnitRef(*row) for row in fetch(sql, list(values))]

    for value, label in wanted:
        if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.strip())):
            raise DraftError(f"字段 {label} 应为单位名称，收到的是“{value!r}”。")
    ids = {v for v, _ in wanted if isinstance(v, int) and abs(v) < 2**63}  # beyond: no such unit
    by_id = {u.id: u for u in units("id", ids)} if ids else {}
    names = {k for v, _ in wanted if isinstance(v, str) for k in (normalise_name(v), v.strip())}
    by_name = {u.name: u for u in units("name", names)} if names else {}
    missing = {normalise_name(v) for v, _ in wanted if isinstance(v, str)} - set(by_name)
    missing = {k for k in missing if k} - {
        normalise_name(v) for v, _ in wanted if isinstance(v, str) and v.strip() in by_name
    }
    by_alias = (
        {
            a.alias: UnitRef(a.unit.pk, a.unit.name, a.unit.kind)
            for a in UnitAlias.objects.select_related("unit").filter(alias__in=missing)
        }
        if missing
        else {}
    )
    refs = []
    for value, label in wanted:
        if isinstance(value, int):
            unit = by_id.get(value)
        else:
            key = normalise_name(value)
            unit = by_name.get(key) or by_name.get(value.strip()) or by_alias.get(key)
        if unit is None:
            raise DraftError(f"未知单位“{value}”（字段 {label}）：请使用系统中登记的单位名称或别名。")
        refs.append(unit)
    return refs


def parse_draft(data: Any) -> Draft:
    """Validate the input JSON of spec/gate.md into a Draft (units resolved in the database)."""
    if not isinstance(data, dict):
        raise DraftError("草稿应为 JSON 对象（{…}），收到的不是对象。")
    kind = _str(data, "kind", "kind（类型）", required=True)
    if kind not in Kind.values:
        by_label = {str(lbl): v for v, lbl in Kind.choices}
        if kind in by_label:
            kind = by_label[kind]
        else:
            raise DraftError(f"字段 kind（类型）的值“{kind}”无效，应为 {_KIND_NAMES} 之一。")
    title = _str(data, "title", "title（标题）", required=True)
    if "issuer" not in data or data.get("issuer") in (None, ""):
        raise DraftError("缺少必填字段 issuer（发起单位）。")
    targets_raw = data.get("targets") or []
    if not isinstance(targets_raw, list):
        raise DraftError(f"字段 targets（对象单位）应为单位名称列表，收到的是“{targets_raw!r}”。")
    wanted = [(data["issuer"], "issuer（发起单位）")]
    wanted += [(name, f"targets（对象单位）第{i}项") for i, name in enumerate(targets_raw, start=1)]
    issuer, *resolved = _resolve_units(wanted)
    targets: list[UnitRef] = []
    for ref in resolved:
        if ref not in targets:
            targets.append(ref)

    doc = _block(data, "document")
    meeting = _block(data, "meeting")
    insp = _block(data, "inspection")
    req = _block(data, "data_request")
    task = _block(data, "task")
    campus = _block(data, "campus")
    award = _block(data, "award")
    app = _block(data, "app")
    values: dict[str, Any] = {}
    # Only the block matching the kind is read (spec/gate.md).
    if kind == Kind.DOCUMENT:
        values.update(
            number=_str(doc, "number", "document.number（文号）"),
            is_policy=_bool(doc, "is_policy", "document.is_policy（政策性文件）"),
            special_task=_bool(doc, "special_task", "document.special_task（专项工作文件）"),
        )
    elif kind == Kind.MEETING:
        values.update(
            starts_at=_datetime(meeting, "starts_at", "meeting.starts_at（开始时间）"),
            duration_minutes=_int(meeting, "duration_minutes", "meeting.duration_minutes（时长分钟）"),
            mode=_choice(meeting, "mode", "meeting.mode（方式）", MeetingMode),
            attendee_level=_choice(meeting, "attendee_level", "meeting.attendee_level（参会层级）", AttendeeLevel),
            coordination_body=_ref(meeting, "coordination_body", "meeting.coordination_body（议事协调机构）"),
        )
    elif kind == Kind.INSPECTION:
        values.update(
            category=_choice(
                insp, "category", "inspection.category（类别）", InspectionCategory, INSPECTION_CATEGORY_ALIASES
            ),
            starts_on=_date(insp, "starts_on", "inspection.starts_on（开始日期）"),
            ends_on=_date(insp, "ends_on", "inspection.ends_on（结束日期）"),
            method=_str(insp, "method", "inspection.method（方式方法）"),
            materials_required=_bool(insp, "materials_required", "inspection.materials_required（要求提供材料）"),
        )
        if values["starts_on"] and values["ends_on"] and values["ends_on"] < values["starts_on"]:
            raise DraftError(
                f"字段 inspection.ends_on（结束日期）“{values['ends_on']}”早于开始日期“{values['starts_on']}”。"
            )
    elif kind == Kind.DATA_REQUEST:
        values.update(
            fields=_text_list(req, "fields", "data_request.fields（报表字段）"),
            frequency=_choice(req, "frequency", "data_request.frequency（频次）", Frequency),
        )
    elif kind == Kind.TASK:
        values.update(
            duty_entry=_ref(task, "duty_entry", "task.duty_entry（清单事项）"),
            resources=_text_list(task, "resources", "task.resources（配套资源）"),
        )
    elif kind == Kind.CAMPUS:
        values["whitelist_entry"] = _ref(campus, "whitelist_entry", "campus.whitelist_entry（白名单事项）")
    elif kind == Kind.AWARD:
        values["basis"] = _str(award, "basis", "award.basis（审批依据）")
    elif kind == Kind.APP:
        values.update(
            platform=_choice(app, "platform", "app.platform（平台）", Platform),
            daily_minutes=_int(app, "daily_minutes", "app.daily_minutes（每日占用分钟）"),
        )

    date = _date(data, "date", "date（日期）")
    if date is None:
        if values.get("starts_at"):
            date = values["starts_at"].date()
        elif values.get("starts_on"):
            date = values["starts_on"]
        else:
            date = timezone.localdate()
    year = _int(data, "year", "year（计划年度）", minimum=1) or date.year
    return Draft(
        kind=kind,
        title=title,
        issuer=issuer,
        body=_str(data, "body", "body（正文）"),
        targets=tuple(targets),
        date=date,
        year=year,
        plan_entry=_ref(data, "plan_entry", "plan_entry（计划事项）"),
        justification=_str(data, "justification", "justification（计划外说明）"),
        **values,
    )


def item_to_draft(item) -> dict[str, Any]:
    """A ledger item as the gate's input JSON (list entries by id, targets by name)."""
    starts_at = timezone.localtime(item.starts_at).isoformat(timespec="minutes") if item.starts_at else None
    targets = [] if item.targets_all else [link.unit.name for link in item.target_links.select_related("unit")]
    return {
        "kind": item.kind,
        "title": item.title,
        "body": item.body or "",
        "issuer": item.issuer.name,
        "targets": targets,
        "date": item.date.isoformat() if item.date else None,
        "year": item.year,
        "plan_entry": item.plan_entry_id,
        "justification": item.justification or "",
        "document": {"number": item.number, "is_policy": item.is_policy, "special_task": item.special_task},
        "meeting": {
            "starts_at": starts_at,
            "duration_minutes": item.duration_minutes,
            "mode": item.mode,
            "attendee_level": item.attendee_level,
            "coordination_body": item.coordination_body_id,
        },
        "inspection": {
            "category": item.category,
            "starts_on": item.date.isoformat() if item.date else None,
            "ends_on": item.ends_on.isoformat() if item.ends_on else None,
            "method": item.method,
            "materials_required": item.materials_required,
        },
        "data_request": {"fields": list(item.fields or []), "frequency": item.frequency},
        "task": {"duty_entry": item.duty_entry_id, "resources": list(item.resources or [])},
        "campus": {"whitelist_entry": item.whitelist_entry_id},
        "award": {"basis": item.basis},
        "app": {"platform": item.platform, "daily_minutes": item.daily_minutes},
    }
