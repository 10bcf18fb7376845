"""Reads for the meter: a handful of indexed queries that fetch plain rows
(tuples, never model instances) for a period and the same period a year
earlier. `jianfu.meter.stats` computes every figure from what this returns.

Designed for 10^6 items: every query filters on indexed columns (status, kind,
date, decided_at, created_at) and returns only the columns the figures need;
the number of queries does not grow with the ledger.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from jianfu.ledger.choices import DecisionAction, Frequency, Kind, Status
from jianfu.ledger.models import (
    BodyChange,
    CatalogField,
    CoordinationBody,
    Decision,
    Item,
    ItemTarget,
    Quota,
    Review,
    ReviewFinding,
)
from jianfu.meter.periods import Period
from jianfu.org.models import ISSUER_KINDS, Unit

# Issued items stay burden after they are closed (closing ends the work, not the fact it was sent down).
COUNTED_STATUSES = (Status.ISSUED, Status.CLOSED)
RECURRING_FREQUENCIES = (Frequency.DAILY, Frequency.WEEKLY, Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.YEARLY)

ITEM_FIELDS = (
    "id", "kind", "date", "issuer_id", "status", "targets_all", "is_policy", "chars", "duration_minutes", "mode",
    "attendees", "materials_required", "onsite_days", "fields", "frequency", "estimated_hours", "daily_minutes",
    "ends_on", "category", "coordination_body_id",
)  # fmt: skip
# Index of each column in an item row, so the pure core reads rows by name.
COL = {name: i for i, name in enumerate(ITEM_FIELDS)}


@dataclass
class LedgerRows:
    """Everything the figures of two periods are computed from, as plain data."""

    period: Period
    previous: Period
    units: list[tuple] = field(default_factory=list)  # (id, name, kind, parent_id, is_active)
    items: list[tuple] = field(default_factory=list)  # ITEM_FIELDS
    targets: list[tuple] = field(default_factory=list)  # (item_id, unit_id)
    latest_findings: list[tuple] = field(default_factory=list)  # (item_id, code) of each item's latest review
    reviews: list[tuple] = field(default_factory=list)  # (review_id, item_id, local date, verdict, kind)
    review_findings: list[tuple] = field(default_factory=list)  # (review_id, code)
    review_history: list[tuple] = field(default_factory=list)  # (item_id, local date) of every earlier review too
    merged: list[tuple] = field(default_factory=list)  # (item_id, kind, local decision date)
    off_list: list[tuple] = field(default_factory=list)  # (item_id, local decision date)
    bodies: list[tuple] = field(default_factory=list)  # (id, established_on, status, changed_on)
    body_changes: list[tuple] = field(default_factory=list)  # (body_id, changed_on, status)
    catalog: list[tuple] = field(default_factory=list)  # (field, synonyms)
    quotas: list[tuple] = field(default_factory=list)  # (unit_id, kind, quota)
    quota_use: list[tuple] = field(default_factory=list)  # (unit_id, kind, live count)
    channel: dict[str, Any] | None = None
    queries: int = 0


def _day_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Aware [start 00:00, end+1 00:00) in the project's time zone."""
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(dt.datetime.combine(start, dt.time.min), tz),
        timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min), tz),
    )


def _in_days(field_name: str, *periods: Period) -> Q:
    q = Q()
    for p in periods:
        lo, hi = _day_bounds(p.start, p.end)
        q |= Q(**{f"{field_name}__gte": lo, f"{field_name}__lt": hi})
    return q


def _local_date(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


def counted_items() -> QuerySet:
    """Issued items that are district burden (district-level issuer, upper-level documents excluded)."""
    return Item.objects.filter(status__in=COUNTED_STATUSES).district_burden()


def _burden_q(period: Period, previous: Period, prefix: str = "") -> Q:
    """Items dated in either period, plus recurring items still running in them."""

    def q(**kw: Any) -> Q:
        return Q(**{prefix + k: v for k, v in kw.items()})

    dated = q(date__gte=period.start, date__lte=period.end) | q(date__gte=previous.start, date__lte=previous.end)
    recurring = (q(kind=Kind.APP) | q(kind=Kind.DATA_REQUEST, frequency__in=RECURRING_FREQUENCIES)) & q(
        date__lte=period.end
    )
    running = recurring & (q(ends_on__isnull=True) | q(ends_on__gte=previous.start))
    return dated | running


def _load_items(rows: LedgerRows, period: Period, previous: Period) -> None:
    rows.items = list(counted_items().filter(_burden_q(period, previous)).values_list(*ITEM_FIELDS))
    rows.targets = list(
        ItemTarget.objects.filter(
            item__status__in=COUNTED_STATUSES,
            item__is_upper_level=False,
            item__issuer__kind__in=ISSUER_KINDS,
            item__targets_all=False,
        )
        .filter(_burden_q(period, previous, "item__"))
        .values_list("item_id", "unit_id")
    )
    rows.latest_findings = list(
        ReviewFinding.objects.filter(
            review_id=F("item__latest_review_id"),
            item__status__in=COUNTED_STATUSES,
            item__is_upper_level=False,
            item__issuer__kind__in=ISSUER_KINDS,
        )
        .filter(_burden_q(period, previous, "item__"))
        .values_list("item_id", "code")
    )


def quota_use(among: Q, windows: list[Q] | None = None) -> list[tuple]:
    """(year, issuer_id, kind, n): items approved or issued towards each unit's yearly quota;
    with `windows`, (index of the first window the item is in, year, issuer_id, kind, n)."""
    qs = Item.objects.filter(among, status__in=(Status.APPROVED, *COUNTED_STATUSES), is_upper_level=False)
    keys: tuple[str, ...] = ("year", "issuer_id", "kind")
    if windows:
        whens = [When(q, then=Value(i)) for i, q in enumerate(windows)]
        qs, keys = qs.annotate(wi=Case(*whens, default=None, output_field=IntegerField())), ("wi", *keys)
    return [(*(r[k] for k in keys), r["n"]) for r in qs.values(*keys).annotate(n=Count("id")).order_by()]


def load_rows(period: Period, previous: Period | None = None, *, items: bool = True) -> LedgerRows:
    """items=False leaves out the counted items, their targets and findings and the quota use
    (the figures `jianfu.meter.aggregate` computes in the database instead)."""
    previous = previous or period.year_earlier()
    rows = LedgerRows(period=period, previous=previous)
    both = (period, previous)

    rows.units = list(Unit.objects.values_list("id", "name", "kind", "parent_id", "is_active"))
    if items:
        _load_items(rows, period, previous)
    # A correlated EXISTS rather than a join: without table statistics SQLite would otherwise
    # walk every item of the district's departments to find the few reviews of the period.
    district_item = Exists(
        Item.objects.filter(pk=OuterRef("item_id"), is_upper_level=False, issuer__kind__in=ISSUER_KINDS)
    )
    rows.reviews = [
        (rid, item_id, _local_date(at), verdict, kind)
        for rid, item_id, at, verdict, kind in Review.objects.filter(_in_days("created_at", *both), district_item)
        .order_by("created_at", "id")
        .values_list("id", "item_id", "created_at", "verdict", "item__kind")
    ]
    rows.review_findings = list(
        ReviewFinding.objects.filter(_in_days("review__created_at", *both), district_item).values_list(
            "review_id", "code"
        )
    )
    reviewed_in_window = Review.objects.filter(_in_days("created_at", *both), district_item).values("item_id")
    _, end_bound = _day_bounds(period.start, period.end)
    rows.review_history = [
        (item_id, _local_date(created))
        for item_id, created in Review.objects.filter(
            item_id__in=reviewed_in_window, created_at__lt=end_bound
        ).values_list("item_id", "created_at")
    ]
    rows.merged = [
        (pk, kind, _local_date(at))
        for pk, kind, at in Item.objects.filter(_in_days("decided_at", *both), status=Status.MERGED)
        .district_burden()
        .values_list("id", "kind", "decided_at")
    ]
    off_list_items = ReviewFinding.objects.filter(code="OFF_LIST_TASK").values("item_id")
    blocked: dict[int, dt.date] = {}
    for pk, at in (
        Decision.objects.filter(
            _in_days("at", *both),
            district_item,
            action__in=(DecisionAction.REJECT, DecisionAction.RETURN),
            item__kind=Kind.TASK,
            item_id__in=off_list_items,
        )
        .order_by("at")
        .values_list("item_id", "at")
    ):
        blocked.setdefault(pk, _local_date(at))
    # Items imported already rejected or returned carry the decision date but no Decision row.
    for pk, at in (
        Item.objects.filter(
            _in_days("decided_at", *both),
            kind=Kind.TASK,
            status__in=(Status.REJECTED, Status.RETURNED),
            pk__in=off_list_items,
        )
        .district_burden()
        .values_list("id", "decided_at")
    ):
        blocked.setdefault(pk, _local_date(at))
    rows.off_list = sorted(blocked.items())
    rows.bodies = list(CoordinationBody.objects.values_list("id", "established_on", "status", "changed_on"))
    rows.body_changes = list(BodyChange.objects.values_list("body_id", "changed_on", "status"))
    rows.catalog = list(CatalogField.objects.values_list("field", "synonyms"))
    year = period.end.year
    rows.quotas = list(Quota.objects.filter(year=year).values_list("unit_id", "kind", "quota"))
    if items:  # else the aggregate adds up its stored months' quota_use()
        rows.quota_use = [(issuer, kind, n) for y, issuer, kind, n in quota_use(Q(year=year)) if y == year]
    rows.channel = channel_rows(period, previous)
    return rows


# --------------------------------------------------------------------------- channel (guarded)


def channel_rows(period: Period, previous: Period) -> dict[str, Any]:
    """Burden reports received in either period, as the channel's own selector gives them."""
    from jianfu.channel.selectors import stat_rows

    return {"reports": stat_rows((period.start, period.end), (previous.start, previous.end))}


# --------------------------------------------------------------------------- dashboard series


def monthly_counts(year: int) -> list[tuple]:
    """(kind, issuer_id, month date, n) for the year and the year before, one grouped query."""
    start, end = dt.date(year - 1, 1, 1), dt.date(year, 12, 31)
    return [
        (r["kind"], r["issuer_id"], r["month"], r["n"])
        for r in counted_items()
        .filter(date__gte=start, date__lte=end)
        .annotate(month=TruncMonth("date"))
        .values("kind", "issuer_id", "month")
        .annotate(n=Count("id"))
        .order_by()
    ]


def item_titles(ids) -> dict[int, tuple[str, str, dt.date, str]]:
    """(title, kind, date, issuer name) for a few item ids, in one query."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    return {
        pk: (title, kind, date, issuer)
        for pk, title, kind, date, issuer in Item.objects.filter(pk__in=ids).values_list(
            "id", "title", "kind", "date", "issuer__name"
        )
    }


def item_rows(ids, chunk: int = 5000) -> dict[int, tuple]:
    """(title, kind, date, issuer name, status) for many item ids, in chunks the database accepts."""
    ids = list(dict.fromkeys(ids))
    out: dict[int, tuple] = {}
    for i in range(0, len(ids), chunk):
        for pk, *rest in Item.objects.filter(pk__in=ids[i : i + chunk]).values_list(
            "id", "title", "kind", "date", "issuer__name", "status"
        ):
            out[pk] = tuple(rest)
    return out
