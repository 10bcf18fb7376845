"""Each item's hours per occurrence per unit, stored on the item when it is written, so a
year's burden is a SUM over a column instead of the Standard Cost Model evaluated per row
(with a lookup of the latest review's findings) in every grouped query.

    insert(item)          INSERT a new item with its figure (services)
    fill(*items)          store the figure of these items (services, importer)
    refresh()             store it wherever it is missing or stale (tariffs changed, migration)
    stored_hours(params)  the figure for the meter's queries

The stored number depends on the tariffs and on the latest review's findings, which change
without the item being saved. It is therefore valid only while `meter_key` equals the hash of
the tariffs in force and `meter_review_id` is the item's latest review; for any other row
`stored_hours` computes it from the columns, as before, so a stale row costs time, never
correctness. Saving the tariffs refreshes every row after the commit. The number of target
units is not stored: it follows the unit tree and is applied at query time.
"""

import hashlib
import json
import time
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, F, FloatField, Q, QuerySet, When
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_delete, post_save

from jianfu.ledger.models import Item

TARIFF_SETTING = "meter.defaults"


def tariff_key(params: dict[str, Any]) -> str:
    """A short, stable hash of the tariffs the stored hours were computed with."""
    raw = json.dumps(params, sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def fresh(params: dict[str, Any], prefix: str = "") -> Q:
    """The stored hours hold for these tariffs and the item's latest review."""
    same_review = Q(**{prefix + "meter_review_id": F(prefix + "latest_review_id")}) | Q(
        **{prefix + "meter_review_id__isnull": True, prefix + "latest_review_id__isnull": True}
    )
    return Q(**{prefix + "meter_key": tariff_key(params)}) & same_review


def stored_hours(params: dict[str, Any], prefix: str = "") -> Case:
    """Hours per occurrence per unit: the stored figure where fresh, else computed from the columns."""
    from jianfu.meter.aggregate import hours_expression  # the aggregate reads this module

    return Case(
        When(fresh(params, prefix), then=F(prefix + "meter_hours")),
        default=hours_expression(params, prefix),
        output_field=FloatField(),
    )


def _compiled(params: dict[str, Any]) -> tuple[str, list, list]:
    """`hours_expression` compiled once per set of tariffs: building and resolving the whole
    expression cost ~4 ms, more than the rest of saving an item. Also the item's fields it
    reads (their columns appear as `table.column` in the SQL)."""
    from jianfu.meter.aggregate import hours_expression

    key = (connection.vendor, json.dumps(params, sort_keys=True, default=str))
    if key not in _HOURS_SQL:
        query = Item.objects.annotate(_h=hours_expression(params)).values("_h").query
        sql, args = query.get_compiler(connection=connection).compile(query.annotations["_h"])
        table, quote = connection.ops.quote_name(Item._meta.db_table), connection.ops.quote_name
        read = [f for f in Item._meta.concrete_fields if f"{table}.{quote(f.column)}" in sql]
        _HOURS_SQL.clear()  # one set of tariffs at a time
        _HOURS_SQL[key] = (sql, list(args), read)
    return _HOURS_SQL[key]


def _hours_sql(params: dict[str, Any]) -> RawSQL:
    sql, args, _ = _compiled(params)
    return RawSQL(f"({sql})", tuple(args), output_field=FloatField())  # noqa: S611


_HOURS_SQL: dict[tuple, tuple[str, list, list]] = {}


def insert(item: Item, params: dict[str, Any] | None = None) -> None:
    """INSERT a new item with its stored hours in the same statement (one UPDATE less than
    `save()` + `fill`): the same compiled expression, evaluated over a one-row subquery of the
    item's own values, cast to their columns' types and named as the table's columns, so the
    number is exactly what `fill` stores. A new item has no review yet."""
    params = params or save_params()
    sql, args, read = _compiled(params)
    table, quote = connection.ops.quote_name(Item._meta.db_table), connection.ops.quote_name
    row = ", ".join(f"CAST(%s AS {f.cast_db_type(connection)}) AS {quote(f.column)}" for f in read)
    values = [f.get_db_prep_save(getattr(item, f.attname), connection) for f in read]
    # The meter's own compiled SQL and column names; the values are parameters.
    subquery = f"(SELECT {sql} FROM (SELECT {row}) AS {table})"  # noqa: S608
    item.meter_hours = RawSQL(subquery, (*args, *values), output_field=FloatField())  # noqa: S611
    item.meter_key, item.meter_review_id = tariff_key(params), item.latest_review_id
    item.save(force_insert=True)
    del item.__dict__["meter_hours"]  # deferred: the database's number is read back if asked for


# The tariffs as the write path uses them, kept per process: reading the setting on every
# save is one statement of five. Stored hours carry the hash of the tariffs they were
# computed with (`fresh`), so a process still holding old tariffs after another changed them
# stores rows the meter treats as stale and computes from their columns (slower, never
# wrong); saving the tariffs clears this process's copy at once, and every process reads the
# setting again after TARIFF_RECHECK_SECONDS. Reads of the figures use `meter_params()`.
TARIFF_RECHECK_SECONDS = 5.0
_SAVE_TARIFFS: dict[str, Any] = {}


def save_params() -> dict[str, Any]:
    """The tariffs for storing hours (see above)."""
    from jianfu.meter.service import meter_params

    now = time.monotonic()
    if not _SAVE_TARIFFS or now - _SAVE_TARIFFS["at"] > TARIFF_RECHECK_SECONDS:
        _SAVE_TARIFFS.update(at=now, params=meter_params())
    return _SAVE_TARIFFS["params"]


def forget_tariffs() -> None:
    _SAVE_TARIFFS.clear()


def _store(qs: QuerySet, params: dict[str, Any] | None) -> int:
    params = params or save_params()
    return qs.update(
        meter_hours=_hours_sql(params), meter_key=tariff_key(params), meter_review_id=F("latest_review_id")
    )


def fill(*items: Item, params: dict[str, Any] | None = None) -> None:
    """Store the hours of these saved items (one UPDATE per run of consecutive ids)."""
    pks = sorted({item.pk for item in items if item.pk is not None})
    if not pks:
        return
    runs = Q()
    start = prev = pks[0]
    for pk in [*pks[1:], None]:
        if pk is not None and pk == prev + 1:
            prev = pk
            continue
        runs |= Q(pk__gte=start, pk__lte=prev)
        if pk is not None:
            start = prev = pk
    _store(Item.objects.filter(runs), params)


REFRESH_BATCH = 20_000


def refresh(params: dict[str, Any] | None = None, *, batch: int = REFRESH_BATCH) -> int:
    """Store the hours of every item whose stored figure is missing or stale; returns how many.

    In id ranges of `batch` items, one transaction each: a refresh of 10^6 items must not
    hold SQLite's write lock for a minute, and if it is cut short (a worker timeout) the
    ranges done stay done — the rest are still computed correctly, only slower."""
    from jianfu.meter.service import meter_params

    params = params or meter_params()
    stale = Item.objects.exclude(fresh(params)).order_by("pk").values_list("pk", flat=True)
    done, last = 0, 0
    while ids := list(stale.filter(pk__gt=last)[:batch]):
        with transaction.atomic():
            done += _store(Item.objects.filter(pk__gte=ids[0], pk__lte=ids[-1]).exclude(fresh(params)), params)
        last = ids[-1]
    return done


def _refresh_all() -> None:
    from jianfu.meter import months

    refresh()
    months.refresh()  # every month's part holds hours of the old tariffs


def _tariffs_saved(sender, instance, **kwargs) -> None:
    if instance.key == TARIFF_SETTING:
        forget_tariffs()
        transaction.on_commit(_refresh_all)


def _tariffs_deleted(sender, instance, **kwargs) -> None:
    if instance.key == TARIFF_SETTING:
        forget_tariffs()


def connect() -> None:
    from jianfu.org.models import Setting

    post_save.connect(_tariffs_saved, sender=Setting, dispatch_uid="jianfu.meter.figures.tariffs")
    post_delete.connect(_tariffs_deleted, sender=Setting, dispatch_uid="jianfu.meter.figures.tariffs_deleted")
