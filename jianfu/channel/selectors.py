"""Reads of the channel: queues for the pages, and the figures the statistics need
(spec/metrics.md “监测点反映”). The meter and the reports read these by name:

    reports_received(start, end)          burden reports received in [start, end]
    reports_resolved(start, end)          reports closed (verified) in [start, end]
    on_time_rate(start, end)              % of those whose accepted answer came by the deadline
    median_days_to_resolve(start, end)    median days from receipt to closing
    hidden_items_found(start, end)        unregistered items turned into ledger items
    channel_figures(start, end)           all of the above in one dict
    stat_rows(*windows)                   plain rows for jianfu.meter.stats (`rows.channel = {"reports": ...}`)

All dates are local days (reports carry no instants).
"""

import datetime as dt
import statistics
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from jianfu.channel.models import (
    BurdenReport,
    MonitoringPoint,
    PointSurvey,
    ReportStatus,
)
from jianfu.ledger.choices import Status
from jianfu.ledger.models import Item
from jianfu.meter import hours as meter_hours
from jianfu.org.models import Unit

# --------------------------------------------------------------------------- statistics


def reports_received(start: dt.date, end: dt.date) -> int:
    return BurdenReport.objects.filter(received_on__gte=start, received_on__lte=end).count()


def _resolved(start: dt.date, end: dt.date):
    return BurdenReport.objects.filter(status=ReportStatus.CLOSED, resolved_on__gte=start, resolved_on__lte=end)


def reports_resolved(start: dt.date, end: dt.date) -> int:
    return _resolved(start, end).count()


def on_time_rate(start: dt.date, end: dt.date) -> float | None:
    """Share (0–100, one decimal) of reports closed in the period whose accepted answer
    came no later than the deadline; None when none with a deadline was closed."""
    rows = list(_resolved(start, end).exclude(due_on=None).values_list("answered_on", "due_on"))
    if not rows:
        return None
    on_time = sum(1 for answered, due in rows if answered is not None and answered <= due)
    return round(on_time * 100 / len(rows), 1)


def median_days_to_resolve(start: dt.date, end: dt.date) -> float | None:
    days = [(r - c).days for c, r in _resolved(start, end).values_list("received_on", "resolved_on")]
    return float(statistics.median(days)) if days else None


def hidden_items_found(start: dt.date, end: dt.date) -> int:
    return BurdenReport.objects.filter(found_item__isnull=False, found_on__gte=start, found_on__lte=end).count()


def hidden_items_by_type(start: dt.date, end: dt.date) -> dict[str, int]:
    rows = (
        BurdenReport.objects.filter(found_item__isnull=False, found_on__gte=start, found_on__lte=end)
        .values("burden_type")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {r["burden_type"]: r["n"] for r in rows}


def reports_by_type(start: dt.date, end: dt.date) -> dict[str, int]:
    rows = (
        BurdenReport.objects.filter(received_on__gte=start, received_on__lte=end)
        .values("burden_type")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {r["burden_type"]: r["n"] for r in rows}


def overdue_count(today: dt.date | None = None) -> int:
    return BurdenReport.objects.overdue(today).count()


def channel_figures(start: dt.date, end: dt.date) -> dict[str, Any]:
    return {
        "received": reports_received(start, end),
        "resolved": reports_resolved(start, end),
        "on_time_rate": on_time_rate(start, end),
        "median_days_to_resolve": median_days_to_resolve(start, end),
        "hidden_items_found": hidden_items_found(start, end),
        "by_type": reports_by_type(start, end),
    }


def stat_rows(*windows: tuple[dt.date, dt.date]) -> list[dict[str, Any]]:
    """Reports received in any of the windows as the plain rows the meter's pure core reads:
    id, received, resolved, deadline (local days or None), form (burden type), item_id (the
    ledger item the report revealed, or None). Duplicates merged into another report are left
    out so nothing is counted twice. One query."""
    q = Q(pk__in=[])
    for start, end in windows:
        q |= Q(received_on__gte=start, received_on__lte=end)
    return [
        {"id": str(pk), "received": received, "resolved": resolved, "deadline": due, "form": form, "item_id": item_id}
        for pk, received, resolved, due, form, item_id in BurdenReport.objects.filter(q)
        .exclude(status=ReportStatus.MERGED)
        .order_by()
        .values_list("pk", "received_on", "resolved_on", "due_on", "burden_type", "found_item_id")
    ]


# --------------------------------------------------------------------------- queues


def report_list(qs, *, status: str = "", overdue: bool = False):
    qs = qs.select_related("unit", "department", "assigned_to", "item")
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.overdue()
    return qs.order_by("-received_on", "status")


def report_detail(pk):
    return (
        BurdenReport.objects.select_related(
            "unit", "department", "assigned_to", "item", "found_item", "reporter", "merged_into"
        )
        .prefetch_related("steps__actor_unit", "attachments")
        .filter(pk=pk)
        .first()
    )


def search_items(query: str, limit: int = 20):
    """Ledger search for the report form: issued items by title or number."""
    query = (query or "").strip()
    if len(query) < 2:
        return Item.objects.none()
    return (
        Item.objects.filter(status__in=(Status.ISSUED, Status.CLOSED))
        .filter(Q(title__icontains=query) | Q(number__icontains=query))
        .select_related("issuer")
        .order_by("-date")[:limit]
    )


# --------------------------------------------------------------------------- monitoring points vs meter


def _facts(item: Item, codes: frozenset[str]) -> meter_hours.BurdenFacts:
    return meter_hours.BurdenFacts(
        kind=item.kind,
        date=item.date,
        chars=item.chars,
        ends_on=item.ends_on,
        duration_minutes=item.duration_minutes,
        mode=item.mode,
        attendees=item.attendees or 1,
        materials_required=item.materials_required,
        onsite_days=item.onsite_days,
        field_count=len(item.fields or []),
        frequency=item.frequency,
        estimated_hours=item.estimated_hours,
        daily_minutes=item.daily_minutes,
        finding_codes=codes,
    )


def meter_params() -> dict[str, Any]:
    from jianfu.org.services import get_setting

    return meter_hours.merged_params(get_setting("meter.defaults", {}))


def unit_estimated_hours(unit: Unit, start: dt.date, end: dt.date) -> dict[str, float]:
    """The meter's estimate of the hours `unit` spent on ledger items in [start, end], by kind and in total.

    Items reach the unit by naming it or by targeting all grassroots units.
    """
    params = meter_params()
    qs = (
        Item.objects.filter(status__in=(Status.ISSUED, Status.CLOSED), date__lte=end)
        .filter(Q(target_links__unit=unit) | Q(targets_all=True))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        .select_related("latest_review")
        .distinct()
    )
    by_kind: dict[str, float] = {}
    for item in qs:
        codes = frozenset(f["code"] for f in (item.latest_review.findings if item.latest_review else []))
        facts = _facts(item, codes)
        hours = meter_hours.hours_per_occurrence(facts, params) * meter_hours.occurrences(facts, start, end)
        if hours:
            by_kind[item.kind] = round(by_kind.get(item.kind, 0.0) + hours, 2)
    return {"total": round(sum(by_kind.values()), 2), "by_kind": by_kind}


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return first, nxt - dt.timedelta(days=1)


def survey_vs_meter(month: dt.date) -> list[dict[str, Any]]:
    """Each active point's survey for the month beside the meter's estimate for its unit."""
    start, end = month_bounds(month)
    surveys = {s.point_id: s for s in PointSurvey.objects.filter(month=start)}
    rows = []
    for point in MonitoringPoint.objects.filter(is_active=True).select_related("unit"):
        survey = surveys.get(point.pk)
        estimate = unit_estimated_hours(point.unit, start, end)["total"]
        reported = survey.total_hours if survey else None
        rows.append(
            {
                "point_id": point.pk,
                "unit": point.unit.name,
                "month": start.isoformat(),
                "reported_hours": reported,
                "estimated_hours": estimate,
                # Positive: the unit spends more than the ledger explains — burden outside the ledger.
                "gap_hours": round(reported - estimate, 2) if reported is not None else None,
                "comments": survey.comments if survey else "",
            }
        )
    return rows


def survey_totals(start: dt.date, end: dt.date) -> dict[str, Any]:
    """Survey hours reported for months starting in [start, end] (fed to the statistics)."""
    qs = PointSurvey.objects.filter(month__gte=start.replace(day=1), month__lte=end)
    totals = {"surveys": 0, "hours_forms": 0.0, "hours_meetings": 0.0, "hours_inspections": 0.0, "hours_apps": 0.0}
    for s in qs:
        totals["surveys"] += 1
        for key in ("hours_forms", "hours_meetings", "hours_inspections", "hours_apps"):
            totals[key] = round(totals[key] + getattr(s, key), 1)
    return totals


def last_month(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
