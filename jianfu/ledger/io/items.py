"""`items` — the ledger. Big files (a district's year is 10^3–10^4 rows), so rows
are written in bulk rather than one `create_item` call each; the bulk path keeps
everything `create_item` keeps: targets (with their denormalised kind and date),
字数, issued_on, one audit row for the import, and the similarity index (in the
import's transaction from gate.index.BULK_MIN new items on, on commit below)."""

import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, reduce
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.models import Q
from django.utils import timezone

from jianfu.gate import index as gate_index
from jianfu.ledger.choices import (
    INSPECTION_CATEGORY_ALIASES,
    Frequency,
    InspectionCategory,
    Kind,
    MeetingMode,
    Status,
    join_list,
)
from jianfu.ledger.io.base import Context, Handler, yes_no
from jianfu.ledger.io.cells import Cells
from jianfu.ledger.io.columns import Column
from jianfu.ledger.io.report import RowError
from jianfu.ledger.models import Item, ItemTarget
from jianfu.ledger.services import count_chars, index_row
from jianfu.meter import figures as meter_figures
from jianfu.org.models import Unit

CHUNK = 500

# Column key → Item field, for the optional columns copied as they are.
PLAIN_FIELDS = {
    "status": "status",
    "body": "body",
    "number": "number",
    "is_policy": "is_policy",
    "duration_minutes": "duration_minutes",
    "mode": "mode",
    "category": "category",
    "fields": "fields",
    "frequency": "frequency",
    "upper_level": "is_upper_level",
    "ref": "ref",
}


@dataclass
class ItemRow:
    values: dict[str, Any]  # Item field → value, only for the columns in the file
    targets: list[int] | None  # unit ids; None: column absent (keep)
    existing: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _derived(values: dict[str, Any]) -> dict[str, Any]:
    """Fields computed from others, as `services.create_item` computes them."""
    out = {}
    if "body" in values:
        out["chars"] = count_chars(values["body"])
    if "date" in values:
        out["year"] = values["date"].year
    return out


def _insert_targets(links: list[tuple[int, int, str, Any]]) -> None:
    """(item, unit, kind, date) rows in multi-row INSERTs: 50,000 target links
    through `bulk_create` would cost more than the items themselves."""
    if not links:
        return
    meta = ItemTarget._meta
    quote = connection.ops.quote_name
    fields = [meta.get_field(f) for f in ("item", "unit", "kind", "date")]
    columns = ", ".join(quote(f.column) for f in fields)
    per_statement = min(1000, connection.ops.bulk_batch_size(fields, links))
    with connection.cursor() as cursor:
        for start in range(0, len(links), per_statement):
            chunk = links[start : start + per_statement]
            params = [v for i, u, k, d in chunk for v in (i, u, k, d.isoformat())]
            values = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
            cursor.execute(f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {values}", params)  # noqa: S608


# Fields whose Python value is already what the database driver takes.
_PLAIN_TYPES = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.FloatField,
    models.ForeignKey,
)


@cache
def _positional() -> tuple[tuple, dict[str, int], list[tuple[int, models.Field]]]:
    """Item's concrete fields in order, the position of each attribute name, and the
    fields whose default is made anew for each item (callables: timezone.now, list)."""
    fields = tuple(Item._meta.concrete_fields)
    fresh = [(n, f) for n, f in enumerate(fields) if f.has_default() and callable(f.default)]
    return fields, {f.attname: n for n, f in enumerate(fields)}, fresh


def new_items(rows: Sequence[dict[str, Any]]) -> list[Item]:
    """`Item(**values)` for many rows of attribute names (issuer_id, not issuer),
    built positionally as Django builds the rows it reads (`Model.from_db`): the
    keyword path looks up a default for each of the 55 fields an import leaves
    out, three times the cost (measured: 160 against 51 µs per item, of the ~650
    µs the importing process spends on one). Unknown names raise KeyError."""
    fields, index, fresh = _positional()
    base = [f.get_default() for f in fields]
    items = []
    for values in rows:
        args = base.copy()
        for n, f in fresh:
            args[n] = f.get_default()
        for name, value in values.items():
            args[index[name]] = value
        items.append(Item(*args))
    return items


def _insert_items(items: list[Item]) -> None:
    """Write new items in bulk, setting each item's pk.

    What `bulk_create` does, without its per-field generic preparation, which is
    most of the cost of a 10,000-row import (measured: about twice as fast).
    Fields of other types still go through `get_db_prep_save`. PostgreSQL takes
    the rows by COPY with ids drawn from the sequence first: a multi-row INSERT
    there spends most of its time in the driver splitting the huge statement."""
    # The real connection, not the thread-local proxy: every attribute read through
    # the proxy costs a context-variable lookup, ~15 % of the insert.
    conn = connections[DEFAULT_DB_ALIAS]
    if not items:
        return
    if not conn.features.can_return_rows_from_bulk_insert:
        Item.objects.bulk_create(items)
        meter_figures.fill(*items)
        return
    fields = [f for f in Item._meta.concrete_fields if not f.primary_key]
    # (attribute, field to prepare the value with or None, None passes as it is). Most of an
    # imported row's dates and times are empty, and preparing None gives None for every
    # field but JSONField (JSON null).
    prepare = []
    for f in fields:
        plain = isinstance(f, _PLAIN_TYPES) and not isinstance(f, models.JSONField)
        prepare.append((f.attname, None if plain else f, plain or f.get_db_prep_save(None, conn) is None))
    # auto_now / auto_now_add fields are filled by pre_save, as bulk_create does: once
    # for the batch, which is written at one time.
    stamps = [
        (f.attname, f.pre_save(items[0], True))
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    # Rows of one import repeat most prepared values (its time stamps, empty JSON
    # lists): each is prepared once (a third of the insert's Python, measured at 10^5).
    memo: dict[tuple, Any] = {}

    def prepared(f: models.Field, v: Any) -> Any:
        if v.__hash__ is None:  # a list, a dict: only the empty ones repeat
            if v:
                return f.get_db_prep_save(v, conn)
            key = (f.attname, type(v))
        else:
            key = (f.attname, type(v), v)  # with the type: 1 and True prepare apart
        found = memo.get(key, memo)
        if found is memo:
            memo[key] = found = f.get_db_prep_save(v, conn)
        return found

    def row(item: Item) -> list[Any]:
        for name, value in stamps:
            setattr(item, name, value)
        values = [getattr(item, name) for name, _, _ in prepare]
        return [
            v if f is None or (v is None and none_as_is) else prepared(f, v)
            for v, (_, f, none_as_is) in zip(values, prepare, strict=True)
        ]

    quote = conn.ops.quote_name
    table, pk_column = quote(Item._meta.db_table), quote(Item._meta.pk.column)
    columns = ", ".join(quote(f.column) for f in fields)
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [Item._meta.db_table, Item._meta.pk.column, len(items)],
            )
            for item, (pk,) in zip(items, cursor.fetchall(), strict=True):
                item.pk = pk
            with cursor.cursor.copy(f"COPY {table} ({pk_column}, {columns}) FROM STDIN") as copy:  # noqa: S608
                for item in items:
                    copy.write_row([item.pk, *row(item)])
        else:
            placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
            # SQLite caps parameters per statement (Django assumes 999).
            per_statement = max(1, min(500, conn.ops.bulk_batch_size(fields, items)))
            for start in range(0, len(items), per_statement):
                chunk = items[start : start + per_statement]
                params = [value for item in chunk for value in row(item)]
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) "  # noqa: S608
                    f"VALUES {', '.join([placeholders] * len(chunk))} RETURNING {pk_column}",
                    params,
                )
                for item, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                    item.pk = pk
    for item in items:
        item._state.adding = False
    meter_figures.fill(*items)  # the meter's stored hours, one UPDATE for the batch


class ItemsHandler(Handler):
    code = "items"
    label = "台账事项"
    key_label = "标题"
    columns = (
        Column("kind", "类型", required=True),
        Column("title", "标题", required=True),
        Column("issuer", "发起单位", required=True),
        Column("targets", "对象单位"),
        Column("date", "日期", required=True),
        Column("status", "状态"),
        Column("body", "正文"),
        Column("number", "文号"),
        Column("is_policy", "政策性文件"),
        Column("duration_minutes", "时长分钟"),
        Column("mode", "方式"),
        Column("category", "类别"),
        Column("fields", "字段"),
        Column("frequency", "频次"),
        Column("upper_level", "上级来文"),
        Column("ref", "编号"),
    )

    def parse(self, cells: Cells, ctx: Context) -> ItemRow:
        issuer = ctx.unit(cells, "issuer", required=True)
        values: dict[str, Any] = {
            "kind": cells.choice("kind", Kind, required=True),
            "title": cells.text("title", required=True, max_length=300),
            "issuer_id": issuer.pk if issuer else None,
            "date": cells.date("date", required=True),
        }
        parsers = {
            "status": lambda: cells.choice("status", Status, default=Status.ISSUED),
            "body": lambda: cells.text("body", strip=False),
            "number": lambda: cells.text("number", max_length=100),
            "is_policy": lambda: cells.boolean("is_policy"),
            "duration_minutes": lambda: cells.integer("duration_minutes", maximum=100_000),
            "mode": lambda: cells.choice("mode", MeetingMode),
            "category": lambda: cells.choice("category", InspectionCategory, aliases=INSPECTION_CATEGORY_ALIASES),
            "fields": lambda: cells.words("fields"),
            "frequency": lambda: cells.choice("frequency", Frequency),
            "upper_level": lambda: cells.boolean("upper_level"),
            "ref": lambda: cells.text("ref", max_length=64),
        }
        for key, parse in parsers.items():
            if cells.has(key):
                values[PLAIN_FIELDS[key]] = parse()
        targets = None
        if cells.has("targets"):
            targets = []
            unknown = []
            for name in cells.words("targets"):
                unit = ctx.units.find(name)
                if unit is None:
                    unknown.append(name)
                elif unit.pk not in targets:
                    targets.append(unit.pk)
            if unknown:
                cells.error("targets", "未知单位" + "、".join(f"“{n}”" for n in unknown))
        return ItemRow(values, targets)

    def key(self, record: ItemRow) -> Any:
        v = record.values
        if v.get("ref"):
            return ("ref", v["ref"])
        return ("natural", v["kind"], v["title"], v["issuer_id"], v["date"])

    # ------------------------------------------------------------------ write

    def _match_existing(self, records: Sequence[tuple[int, ItemRow]]) -> None:
        """Find the stored item of every row: by 编号, else by kind+title+issuer+date."""
        with_ref = [r for _, r in records if r.values.get("ref")]
        natural = [r for _, r in records if not r.values.get("ref")]
        refs = sorted({r.values["ref"] for r in with_ref})
        by_ref: dict[str, int] = {}
        for start in range(0, len(refs), CHUNK):
            for ref, pk in (
                Item.objects.filter(ref__in=refs[start : start + CHUNK]).order_by("-pk").values_list("ref", "pk")
            ):
                by_ref[ref] = pk
        for r in with_ref:
            r.existing = by_ref.get(r.values["ref"])
        # Looked up by (issuer, date) pairs, which item_issuer_date finds: by title alone
        # (no index) each chunk read the whole ledger.
        keys = sorted({(r.values["issuer_id"], r.values["date"], r.values["title"]) for r in natural})
        by_key: dict[tuple, int] = {}
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start : start + CHUNK]
            pairs = reduce(operator.or_, (Q(issuer_id=i, date=d) for i, d in sorted({(i, d) for i, d, _ in chunk})))
            rows = (
                Item.objects.filter(pairs, title__in=sorted({t for _, _, t in chunk}))
                .order_by("-pk")
                .values_list("kind", "title", "issuer_id", "date", "pk")
            )
            for kind, title, issuer_id, date, pk in rows:
                by_key[(kind, title, issuer_id, date)] = pk
        for r in natural:
            v = r.values
            r.existing = by_key.get((v["kind"], v["title"], v["issuer_id"], v["date"]))

    def write(self, records: Sequence[tuple[int, ItemRow]], ctx: Context) -> None:
        self._match_existing(records)
        claimed: dict[int, int] = {}
        for number, r in records:
            if r.existing is None:
                continue
            if r.existing in claimed:
                problem = f"与第{claimed[r.existing]}行对应同一个已有事项（编号或类型、标题、发起单位、日期相同）"
                ctx.result.errors.append(RowError(number, "编号", problem))
            claimed.setdefault(r.existing, number)
        if ctx.result.errors:
            return
        fresh = [r for _, r in records if r.existing is None]
        known = [r for _, r in records if r.existing is not None]
        total = len(records)
        ctx.progress("写入", 0, total)
        touched = self._create(fresh, ctx, total)
        touched += self._update(known, ctx, total, len(fresh))
        ctx.result.created += len(fresh)
        if touched:
            transaction.on_commit(lambda: gate_index.index_items(touched))

    def _create(self, rows: list[ItemRow], ctx: Context, total: int) -> list[int]:
        by = ctx.by if ctx.by is not None and ctx.by.pk else None
        now = timezone.now()
        ids: list[int] = []
        with gate_index.bulk(len(rows)) as indexer:
            for start in range(0, len(rows), CHUNK):
                self._create_chunk(rows[start : start + CHUNK], by, now, ids, indexer)
                ctx.progress("写入", min(start + CHUNK, len(rows)), total)
            if indexer is not None:
                indexer.finish()
                return []  # indexed already, in this transaction
        return ids

    @staticmethod
    def _create_chunk(chunk: list[ItemRow], by, now, ids: list[int], indexer) -> None:
        """Insert one chunk of new items with their targets; hand them to the indexer."""
        rows = []
        for r in chunk:
            values = {"status": Status.ISSUED, **r.values, **_derived(r.values)}
            values.update(created_at=now, updated_at=now, targets_all=not r.targets)
            values["created_by_id"] = by.pk if by else None
            if values["status"] == Status.ISSUED:
                values["issued_on"] = values["date"]
            rows.append(values)
        items = new_items(rows)
        _insert_items(items)
        _insert_targets(
            [
                (item.pk, uid, item.kind, item.date)
                for item, r in zip(items, chunk, strict=True)
                for uid in r.targets or ()
            ]
        )
        ids.extend(item.pk for item in items)
        if indexer is not None:
            indexer.add([index_row(i) for i in items])

    def _update(self, rows: list[ItemRow], ctx: Context, total: int, offset: int) -> list[int]:
        if not rows:
            return []
        changed_ids: list[int] = []
        sample = rows[0]
        # Every row of one file has the same columns, so the same fields to compare.
        names = sorted(set(sample.values) | set(_derived(sample.values)))
        if sample.targets is not None:
            names.append("targets_all")
        fetch = sorted(set(names) | {"kind", "date", "status", "issued_on"})
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            ids = [r.existing for r in chunk]
            current = {row.pop("pk"): row for row in Item.objects.filter(pk__in=ids).values("pk", *fetch)}
            # Stored targets are needed even without a 对象单位 column: a row that moves
            # the item's kind or date rewrites its target rows with the new values.
            links: dict[int, set[int]] = {pk: set() for pk in ids}
            for item_id, unit_id in ItemTarget.objects.filter(item_id__in=ids).values_list("item_id", "unit_id"):
                links[item_id].add(unit_id)
            to_save: list[Item] = []
            relink: list[tuple[Item, list[int]]] = []
            for r in chunk:
                now_values = current[r.existing]
                wanted = {**r.values, **_derived(r.values)}
                if r.targets is not None:
                    wanted["targets_all"] = not r.targets
                status = wanted.get("status", now_values["status"])
                issued_on = now_values["issued_on"]
                if issued_on is None and status == Status.ISSUED:
                    issued_on = wanted.get("date", now_values["date"])
                wanted["issued_on"] = issued_on
                diff = {k: v for k, v in wanted.items() if now_values.get(k) != v}
                new_links = set(r.targets) if r.targets is not None else links[r.existing]
                moved = "kind" in diff or "date" in diff
                if not diff and new_links == links[r.existing]:
                    ctx.result.unchanged += 1
                    continue
                ctx.result.updated += 1
                item = Item(pk=r.existing, **{**now_values, **wanted})
                to_save.append(item)
                if moved or new_links != links[r.existing]:
                    relink.append((item, sorted(new_links)))
            if to_save:
                for item in to_save:
                    item.updated_at = timezone.now()
                fields = sorted((set(names) | {"issued_on", "updated_at"}) - {"pk"})
                Item.objects.bulk_update(to_save, fields)
                changed_ids.extend(item.pk for item in to_save)
            if relink:
                ItemTarget.objects.filter(item_id__in=[item.pk for item, _ in relink]).delete()
                _insert_targets([(item.pk, uid, item.kind, item.date) for item, unit_ids in relink for uid in unit_ids])
            ctx.progress("写入", offset + start + len(chunk), total)
        return changed_ids

    # ------------------------------------------------------------------ export

    def export_rows(self):
        names = dict(Unit.objects.values_list("pk", "name"))
        ids = list(Item.objects.order_by("date", "pk").values_list("pk", flat=True))
        for start in range(0, len(ids), 2000):
            chunk = ids[start : start + 2000]
            targets: dict[int, list[str]] = {}
            for item_id, unit_id in (
                ItemTarget.objects.filter(item_id__in=chunk).order_by("pk").values_list("item_id", "unit_id")
            ):
                targets.setdefault(item_id, []).append(names[unit_id])
            items = Item.objects.filter(pk__in=chunk).order_by("date", "pk").defer("justification", "decision_comment")
            for item in items:
                yield [
                    item.get_kind_display(),
                    item.title,
                    names.get(item.issuer_id, ""),
                    join_list(targets.get(item.pk, [])),
                    item.date.isoformat(),
                    item.get_status_display(),
                    item.body,
                    item.number,
                    yes_no(item.is_policy),
                    "" if item.duration_minutes is None else item.duration_minutes,
                    item.get_mode_display() if item.mode else "",
                    item.category,
                    join_list(item.fields or []),
                    item.get_frequency_display() if item.frequency else "",
                    yes_no(item.is_upper_level),
                    item.ref,
                ]
