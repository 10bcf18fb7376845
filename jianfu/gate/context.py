"""Everything the pure engine needs for ONE draft, loaded with indexed queries.

The engine (`jianfu.gate.engine.review`) never touches the database; this module
reads the reference lists, the ledger rows the rules compare against and the
similarity results, and hands them over as plain frozen data.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from jianfu.gate.drafts import Draft, DraftError
from jianfu.gate.similarity.sql import fetch, marks
from jianfu.ledger.choices import LIVE_STATUSES, PLANNED_KINDS, Kind, split_list

log = logging.getLogger(__name__)

# Defaults of spec/gate.md; the office overrides them in the `gate.thresholds` setting.
DEFAULT_THRESHOLDS: dict[str, float] = {
    "doc_warn_chars": 3000,
    "doc_block_chars": 5000,
    "doc_special_block_chars": 4000,
    "meeting_max_minutes": 90,
    "inspection_overlap_days": 30,
    "inspection_cap_per_quarter": 2,
    "campus_cap_per_semester": 6,
    "near_duplicate": 0.6,
    "near_duplicate_days": 365,
    "copies_upper": 0.7,
    "data_overlap": 0.5,
    "meeting_topic_similarity": 0.5,
    "app_similarity": 0.5,
}
LIVE = tuple(str(s) for s in LIVE_STATUSES)


@dataclass(frozen=True)
class Entry:
    """A reference-list entry (plan entry, duty entry, whitelist entry)."""

    id: int
    title: str
    keywords: tuple[str, ...] = ()
    detail: str = ""
    per_semester: int | None = None


@dataclass(frozen=True)
class CatalogRef:
    field: str
    synonyms: tuple[str, ...]
    owner: str
    system: str


@dataclass(frozen=True)
class LedgerRef:
    """A ledger item a rule compares against."""

    id: int
    kind: str
    title: str
    date: dt.date | None = None
    ends_on: dt.date | None = None
    issuer_id: int | None = None
    targets_all: bool = False
    unit_ids: tuple[int, ...] = ()
    similarity: float | None = None
    platform: str = ""
    shared: tuple[str, ...] = ()
    list_entry_id: int | None = None  # campus: the whitelist entry the activity rests on


@dataclass(frozen=True)
class Context:
    thresholds: dict[str, float]
    meter_params: dict[str, Any]
    lexicon: tuple[tuple[str, str], ...]
    severities: dict[str, str] = field(default_factory=dict)
    grassroots_count: int = 0
    # Units a per-unit rule looks at: the grassroots targets, or every grassroots
    # unit of the district when the draft names none.
    scope_units: dict[int, str] = field(default_factory=dict)
    plan_entries: tuple[Entry, ...] = ()
    quota: int | None = None
    live_count: int = 0
    duty_entries: tuple[Entry, ...] = ()
    whitelist: tuple[Entry, ...] = ()
    catalog: tuple[CatalogRef, ...] = ()
    body_name: str = ""
    body_status: str | None = None
    inspections: tuple[LedgerRef, ...] = ()
    campus_items: tuple[LedgerRef, ...] = ()
    same_day_meetings: tuple[LedgerRef, ...] = ()
    similar_meetings: tuple[LedgerRef, ...] = ()
    issuer_apps: tuple[LedgerRef, ...] = ()
    similar_apps: tuple[LedgerRef, ...] = ()
    similar: tuple[LedgerRef, ...] = ()
    upper: tuple[LedgerRef, ...] = ()
    field_overlaps: tuple[LedgerRef, ...] = ()
    similarity_available: bool = True


# --------------------------------------------------------------------------- helpers


def quarter_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    first_month = (day.month - 1) // 3 * 3 + 1
    start = dt.date(day.year, first_month, 1)
    end = dt.date(day.year + 1, 1, 1) if first_month == 10 else dt.date(day.year, first_month + 3, 1)
    return start, end - dt.timedelta(days=1)


def semester_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """Spring semester Feb–Jul, autumn semester Aug–Jan (school calendar)."""
    if 2 <= day.month <= 7:
        return dt.date(day.year, 2, 1), dt.date(day.year, 7, 31)
    start_year = day.year if day.month >= 8 else day.year - 1
    return dt.date(start_year, 8, 1), dt.date(start_year + 1, 1, 31)


def week_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    start = day - dt.timedelta(days=day.weekday())
    return start, start + dt.timedelta(days=6)


def _settings(*keys: str) -> dict[str, Any]:
    """Several office settings in one query (org.services.get_setting, batched)."""
    from jianfu.org.models import Setting

    value = Setting._meta.get_field("value")
    key = connection.ops.quote_name("key")
    sql = f"SELECT {key}, value FROM {Setting._meta.db_table} WHERE {key} IN ({marks(len(keys))})"  # noqa: S608 - own table
    return {key: value.from_db_value(raw, None, connection) for key, raw in fetch(sql, keys)}


def thresholds(overrides: Any = None) -> dict[str, float]:
    merged = dict(DEFAULT_THRESHOLDS)
    if overrides is None:
        overrides = _settings("gate.thresholds").get("gate.thresholds")
    overrides = overrides or {}
    if isinstance(overrides, dict):
        for key, value in overrides.items():
            if key in merged and isinstance(value, int | float) and not isinstance(value, bool):
                merged[key] = value
    return merged


def _similarity():
    """The similarity engineer's module, or None while it does not exist yet."""
    try:
        from jianfu.gate.similarity import search
    except ImportError:
        log.warning("相似度索引模块不可用，相似度相关规则本次未检查")
        return None
    needed = ("find_similar", "find_upper_containment", "find_field_overlap")
    return search if all(hasattr(search, name) for name in needed) else None


def _match_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _matches(matches, *, kind_of=None) -> tuple[LedgerRef, ...]:
    refs = []
    for m in matches or ():
        refs.append(
            LedgerRef(
                id=int(m.id),
                kind=str(getattr(m, "kind", "") or (kind_of or "")),
                title=str(getattr(m, "title", "")),
                date=_match_date(getattr(m, "date", None)),
                issuer_id=getattr(m, "issuer_id", None),
                similarity=round(float(m.similarity), 3),
            )
        )
    refs.sort(key=lambda r: -(r.similarity or 0))
    return tuple(refs)


_lexicon_cache: dict[str, Any] = {}


def _lexicon() -> tuple[tuple[str, str], ...]:
    """The active lexicon. One cheap aggregate tells whether the office changed it
    since this process last read it (rows added/removed/switched, or updated_at moved)."""
    from jianfu.gate.lexicon import default_entries
    from jianfu.gate.models import LexiconEntry

    # Raw SQL: the ORM's aggregate() spends ~2 ms of Python on a ~0.1 ms query.
    sql = (
        "SELECT COUNT(*), SUM(CASE WHEN is_active THEN 1 ELSE 0 END), MAX(updated_at), MAX(id)"  # noqa: S608 - own table
        f" FROM {LexiconEntry._meta.db_table}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        key = (connection_alias(), *cursor.fetchone())
    if _lexicon_cache.get("key") == key:
        return _lexicon_cache["entries"]
    rows = list(LexiconEntry.objects.order_by("code", "phrase").values_list("code", "phrase", "is_active"))
    if not rows:
        # An empty table (fresh test database, flushed data): the defaults apply.
        entries = tuple(default_entries())
    else:
        entries = tuple((code, phrase) for code, phrase, active in rows if active)
    _lexicon_cache.update(key=key, entries=entries)
    return entries


def connection_alias() -> str:
    return str(connection.settings_dict.get("NAME"))


def _ref(value: str | int | None, model, name_field: str, label: str, **filters):
    if value is None:
        return None
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        row = model.objects.filter(pk=int(value), **filters).first()
        if row is not None:
            return row
    row = model.objects.filter(**{name_field: str(value)}, **filters).first()
    if row is None:
        raise DraftError(f"未知的{label}“{value}”：请填写清单中登记的名称或编号。")
    return row


# --------------------------------------------------------------------------- loader


def load_context(draft: Draft, *, exclude_id: int | None = None) -> Context:
    from jianfu.ledger.models import (
        CampusWhitelistEntry,
        CatalogField,
        CoordinationBody,
        DutyEntry,
        Item,
        ItemTarget,
        PlanEntry,
        Quota,
    )
    from jianfu.meter.hours import merged_params
    from jianfu.org.models import GRASSROOTS_KINDS, UnitKind
    from jianfu.org.selectors import grassroots_scope

    office = _settings("gate.thresholds", "gate.severities", "meter.defaults")
    limits = thresholds(office.get("gate.thresholds") or {})
    exclude = [exclude_id] if exclude_id else []
    meter = office.get("meter.defaults") or {}
    values: dict[str, Any] = {
        "thresholds": limits,
        "meter_params": merged_params(meter if isinstance(meter, dict) else {}),
        "lexicon": _lexicon(),
    }
    severities = office.get("gate.severities") or {}
    if isinstance(severities, dict):
        values["severities"] = {k: v for k, v in severities.items() if v in ("block", "warn", "info")}

    grassroots_kinds = {str(k) for k in GRASSROOTS_KINDS}
    if draft.targets:
        scope = {u.id: u.name for u in draft.targets if u.kind in grassroots_kinds}
        values["grassroots_count"] = len(draft.targets)
    else:
        district_grassroots = grassroots_scope(draft.issuer.id)
        scope = {pk: name for pk, (name, _kind) in district_grassroots.items()}
        values["grassroots_count"] = len(scope)
    kind = draft.kind

    unit_year_kind = (draft.issuer.id, draft.year, str(kind))
    if kind in PLANNED_KINDS:
        sql = (
            f"SELECT id, title, keywords FROM {PlanEntry._meta.db_table}"  # noqa: S608 - own table
            " WHERE unit_id = %s AND year = %s AND kind = %s ORDER BY id"
        )
        values["plan_entries"] = tuple(
            Entry(pk, title, tuple(split_list(keywords))) for pk, title, keywords in fetch(sql, unit_year_kind)
        )
    sql = f"SELECT quota FROM {Quota._meta.db_table} WHERE unit_id = %s AND year = %s AND kind = %s"  # noqa: S608
    quota = fetch(sql, unit_year_kind)
    values["quota"] = quota[0][0] if quota else None
    if values["quota"] is not None:
        # On the index (issuer, year, kind, status): reads only this unit's items of the kind and year.
        sql = (
            f"SELECT COUNT(*) FROM {Item._meta.db_table}"  # noqa: S608 - own table
            f" WHERE issuer_id = %s AND year = %s AND kind = %s AND status IN ({marks(len(LIVE))})"
            + (f" AND id NOT IN ({marks(len(exclude))})" if exclude else "")
        )
        values["live_count"] = fetch(sql, [*unit_year_kind, *LIVE, *exclude])[0][0]

    if kind == Kind.TASK:
        values["duty_entries"] = tuple(
            Entry(e.pk, e.matter, tuple(e.keyword_list()), detail=e.responsible) for e in DutyEntry.objects.all()
        )
    if kind == Kind.CAMPUS:
        values["whitelist"] = tuple(
            Entry(e.pk, e.activity, (), detail=e.organizer, per_semester=e.per_semester)
            for e in CampusWhitelistEntry.objects.filter(year=draft.year)
        )
        if draft.targets:
            scope = {u.id: u.name for u in draft.targets if u.kind == UnitKind.SCHOOL}
        else:
            scope = {pk: name for pk, (name, k) in district_grassroots.items() if k == UnitKind.SCHOOL}
        start, end = semester_bounds(draft.date)
        values["campus_items"] = _per_unit_items(Item, ItemTarget, kind, scope, start, end, exclude)
    if kind == Kind.DATA_REQUEST:
        values["catalog"] = tuple(
            CatalogRef(c.field, tuple(c.synonym_list()), c.owner, c.system) for c in CatalogField.objects.all()
        )
    if kind == Kind.MEETING:
        if draft.coordination_body is not None:
            body = _ref(draft.coordination_body, CoordinationBody, "name", "议事协调机构")
            values["body_name"] = body.name
            values["body_status"] = body.status_on(draft.date)
        values["same_day_meetings"] = _per_day_meetings(Item, ItemTarget, draft.date, exclude)
    if kind == Kind.INSPECTION:
        days = int(limits["inspection_overlap_days"])
        q_start, q_end = quarter_bounds(draft.date)
        last = draft.ends_on or draft.date
        # Another inspection's own window may be long: look further back than the
        # overlap so a long one that started earlier is still seen.
        start = min(q_start, draft.date - dt.timedelta(days=days + 92))
        end = max(q_end, last + dt.timedelta(days=days))
        values["inspections"] = _per_unit_items(Item, ItemTarget, kind, scope, start, end, exclude)
    if kind == Kind.APP:
        values["issuer_apps"] = _issuer_apps(Item, draft, exclude)
    values["scope_units"] = scope

    values.update(_similarity_context(draft, limits, exclude))
    return Context(**values)


def _per_unit_items(Item, ItemTarget, kind, scope: dict[int, str], start, end, exclude) -> tuple[LedgerRef, ...]:
    """Live items of `kind` on the scope's units dated within [start, end], with
    the scope units each one visits (targets_all items visit every unit)."""
    kind = str(kind)
    units: dict[int, set[int] | tuple[int, ...]] = {}
    rows: dict[int, tuple] = {}
    columns = f"SELECT id, title, date, ends_on, whitelist_entry_id FROM {Item._meta.db_table}"  # noqa: S608
    if scope:
        # The targets on their own index (unit, kind, date), then their items by primary key:
        # joined in one query, SQLite walked every live item of the ledger on its status index.
        sql = (
            f"SELECT item_id, unit_id FROM {ItemTarget._meta.db_table}"  # noqa: S608 - own table
            f" WHERE unit_id IN ({marks(len(scope))}) AND kind = %s AND date >= %s AND date <= %s"
        )
        for item_id, unit_id in fetch(sql, [*scope, kind, start, end]):
            if item_id not in exclude:
                units.setdefault(item_id, set()).add(unit_id)
        ids = list(units)
        for i in range(0, len(ids), 1000):
            chunk = ids[i : i + 1000]
            sql = f"{columns} WHERE id IN ({marks(len(chunk))}) AND status IN ({marks(len(LIVE))})"
            rows.update((r[0], r[1:]) for r in fetch(sql, [*chunk, *LIVE]))
        units = {pk: units[pk] for pk in rows}
    every = tuple(sorted(scope))  # what a targets_all item visits
    live = marks(len(LIVE))
    sql = f"{columns} WHERE kind = %s AND status IN ({live}) AND date >= %s AND date <= %s AND targets_all = %s"
    for r in fetch(sql, [kind, *LIVE, start, end, True]):
        if r[0] not in exclude:
            units[r[0]] = every
            rows[r[0]] = r[1:]
    return tuple(
        LedgerRef(
            pk,
            kind,
            rows[pk][0],
            rows[pk][1],
            rows[pk][2],
            unit_ids=units[pk] if units[pk] is every else tuple(sorted(units[pk])),
            list_entry_id=rows[pk][3],
        )
        for pk in sorted(rows, key=lambda k: (rows[k][1], k))
    )


# The two lists below are read without ORDER BY and sorted here (newest first, as the
# ledger lists them): asked for `ORDER BY date DESC, id DESC LIMIT 200`, SQLite walks
# an index that gives that order (every meeting of the ledger, every item of the issuer)
# instead of the one that finds the few rows wanted.


def _per_day_meetings(Item, ItemTarget, day: dt.date, exclude) -> tuple[LedgerRef, ...]:
    """Live meetings on `day` (the 200 newest), with the units each one targets."""
    sql = (
        f"SELECT id, kind, title, date, issuer_id, targets_all FROM {Item._meta.db_table}"  # noqa: S608 - own table
        f" WHERE kind = %s AND date = %s AND status IN ({marks(len(LIVE))})"
    )
    rows = sorted((r for r in fetch(sql, [str(Kind.MEETING), day, *LIVE]) if r[0] not in exclude), reverse=True)
    rows = rows[:200]
    units: dict[int, list[int]] = {}
    if rows:
        sql = f"SELECT item_id, unit_id FROM {ItemTarget._meta.db_table} WHERE item_id IN ({marks(len(rows))})"  # noqa: S608
        for item_id, unit_id in fetch(sql, [r[0] for r in rows]):
            units.setdefault(item_id, []).append(unit_id)
    return tuple(
        LedgerRef(
            pk,
            kind,
            title,
            date,
            issuer_id=issuer_id,
            targets_all=bool(targets_all),
            unit_ids=tuple(sorted(units.get(pk, ()))),
        )
        for pk, kind, title, date, issuer_id, targets_all in rows
    )


def _issuer_apps(Item, draft: Draft, exclude) -> tuple[LedgerRef, ...]:
    """The issuer's live apps and groups not ended by the draft's date (the 200 newest)."""
    table = Item._meta.db_table
    low, high = fetch(f"SELECT (SELECT MIN(year) FROM {table}), (SELECT MAX(year) FROM {table})")[0]  # noqa: S608
    if low is None:
        return ()
    # Every year named: the index (issuer, year, kind, status) is then probed per year.
    years = list(range(low, high + 1)) if high - low < 100 else None
    sql = (
        f"SELECT id, title, date, ends_on, platform FROM {table}"  # noqa: S608 - own table
        " WHERE issuer_id = %s"
        + (f" AND year IN ({marks(len(years))})" if years else "")
        + f" AND kind = %s AND status IN ({marks(len(LIVE))}) AND (ends_on IS NULL OR ends_on >= %s)"
    )
    rows = fetch(sql, [draft.issuer.id, *(years or ()), str(Kind.APP), *LIVE, draft.date])
    rows = sorted((r for r in rows if r[0] not in exclude), key=lambda r: (r[2], r[0]), reverse=True)
    return tuple(
        LedgerRef(pk, str(Kind.APP), title, date, ends_on, platform=platform or "")
        for pk, title, date, ends_on, platform in rows[:200]
    )


def _similarity_context(draft: Draft, limits, exclude) -> dict[str, Any]:
    search = _similarity()
    if search is None:
        return {"similarity_available": False}
    item_text = getattr(search, "item_text", None)
    text = item_text(draft.title, draft.body) if item_text else f"{draft.title}\n{draft.body}"
    out: dict[str, Any] = {}
    since = draft.date - dt.timedelta(days=int(limits["near_duplicate_days"]))
    # Upper-level documents are left out by find_similar: copying them is COPIES_UPPER_DOC.
    # Each lookup asks only for what its rule reports: fewer candidates to verify.
    similar = _matches(
        search.find_similar(
            text,
            since=since,
            until=draft.date,
            exclude_ids=tuple(exclude),
            limit=10,
            min_similarity=float(limits["near_duplicate"]),
        )
    )
    out["similar"] = similar
    if draft.kind == Kind.DOCUMENT and draft.body.strip():
        out["upper"] = _matches(
            search.find_upper_containment(draft.body, limit=5, min_share=float(limits["copies_upper"])),
            kind_of=Kind.DOCUMENT,
        )
    if draft.kind == Kind.MEETING:
        start, end = week_bounds(draft.date)
        out["similar_meetings"] = _matches(
            search.find_similar(
                text,
                since=start,
                until=end,
                kinds=(Kind.MEETING,),
                exclude_ids=tuple(exclude),
                min_similarity=float(limits["meeting_topic_similarity"]),
            )
        )
    if draft.kind == Kind.APP:
        out["similar_apps"] = _matches(
            search.find_similar(
                text,
                since=None,
                until=draft.date,
                kinds=(Kind.APP,),
                exclude_ids=tuple(exclude),
                min_similarity=float(limits["app_similarity"]),
            )
        )
    if draft.kind == Kind.DATA_REQUEST and draft.fields:
        out["field_overlaps"] = tuple(
            LedgerRef(
                int(o.id),
                Kind.DATA_REQUEST,
                str(o.title),
                similarity=round(float(o.overlap), 3),
                shared=tuple(o.shared),
            )
            for o in search.find_field_overlap(list(draft.fields), exclude_ids=tuple(exclude))
        )
    return out
