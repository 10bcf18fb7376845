"""我的负担账单: everything that landed on one grassroots unit in a period, with its hours."""

import datetime as dt
from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from jianfu.ledger.choices import Kind, Status
from jianfu.ledger.models import Item, ItemTarget, ReviewFinding
from jianfu.meter.hours import BurdenFacts, hours_per_occurrence, merged_params, occurrences
from jianfu.org import permissions as perms
from jianfu.org.models import Unit
from jianfu.org.services import get_setting
from jianfu.web.views.common import deny_unless

# A bill lists at most this many items; a unit with more is asked to narrow the period.
BILL_LIMIT = 2000


def _params() -> dict:
    try:
        from jianfu.meter.service import meter_params
    except ImportError:  # the meter's service module may not be there yet
        overrides = get_setting("meter.defaults", {}) or {}
        return merged_params(overrides if isinstance(overrides, dict) else {})
    return meter_params()


def _period(params) -> tuple[dt.date, dt.date, str, list[str]]:
    """Parse the period: `period` text (2025, 2025Q4, 2025H2) or date_from/date_to."""
    errors: list[str] = []
    today = timezone.localdate()
    text = (params.get("period") or "").strip()
    if text:
        try:
            from jianfu.meter.periods import PeriodError, parse_period
        except ImportError:
            parse_period = None
        if parse_period is not None:
            try:
                p = parse_period(text)
                return p.start, p.end, text, errors
            except PeriodError as exc:
                errors.append(str(exc))
        elif text.isdigit() and len(text) == 4:
            return dt.date(int(text), 1, 1), dt.date(int(text), 12, 31), text, errors
        else:
            errors.append(f"无法识别的统计期间“{text}”，请用 2025、2025Q4 或起止日期。")
    start, end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    for name in ("date_from", "date_to"):
        raw = (params.get(name) or "").strip()
        if raw:
            try:
                value = dt.date.fromisoformat(raw)
            except ValueError:
                errors.append(f"日期“{raw}”无效，应为 2025-11-20 这样的格式。")
                continue
            if name == "date_from":
                start = value
            else:
                end = value
    if end < start:
        errors.append("截止日期早于起始日期，已互换。")
        start, end = end, start
    return start, end, "", errors


def facts_for(item: Item, codes: frozenset[str]) -> BurdenFacts:
    return BurdenFacts(
        kind=item.kind,
        date=item.issued_on or item.date,
        chars=item.chars,
        ends_on=item.ends_on,
        duration_minutes=item.duration_minutes,
        mode=item.mode,
        attendees=item.attendees,
        materials_required=item.materials_required,
        onsite_days=item.onsite_days,
        field_count=len(item.fields or []),
        frequency=item.frequency,
        estimated_hours=item.estimated_hours,
        daily_minutes=item.daily_minutes,
        finding_codes=codes,
    )


def unit_bill(unit: Unit, start: dt.date, end: dt.date) -> dict:
    """The bill as plain data: rows per kind with hours, and the total."""
    params = _params()
    targeted = ItemTarget.objects.filter(unit=unit).values("item_id")
    items = list(
        Item.objects.filter(status__in=(Status.ISSUED, Status.CLOSED), date__lte=end, is_upper_level=False)
        .filter(Q(pk__in=targeted) | perms.addressed_to_all_q(unit))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start) | Q(date__gte=start))
        .select_related("issuer")
        .order_by("date", "pk")[: BILL_LIMIT + 1]
    )
    truncated = len(items) > BILL_LIMIT
    items = items[:BILL_LIMIT]
    codes: dict[int, set[str]] = defaultdict(set)
    review_ids = [i.latest_review_id for i in items if i.latest_review_id]
    for item_id, code in ReviewFinding.objects.filter(review_id__in=review_ids).values_list("item_id", "code"):
        codes[item_id].add(code)
    by_kind: dict[str, dict] = {k: {"kind": k, "label": Kind(k).label, "items": [], "hours": 0.0} for k in Kind.values}
    for item in items:
        facts = facts_for(item, frozenset(codes.get(item.pk, ())))
        times = occurrences(facts, start, end)
        if times <= 0:
            continue
        each = hours_per_occurrence(facts, params)
        hours = round(each * times, 2)
        group = by_kind[item.kind]
        group["items"].append({"item": item, "times": round(times, 2), "each": round(each, 2), "hours": hours})
        group["hours"] = round(group["hours"] + hours, 2)
    groups = [g for g in by_kind.values() if g["items"]]
    total = round(sum(g["hours"] for g in groups), 2)
    return {"groups": groups, "total": total, "count": sum(len(g["items"]) for g in groups), "truncated": truncated}


@login_required
def bill(request: HttpRequest, unit_id: int | None = None) -> HttpResponse:
    user = request.user
    if unit_id is None:
        unit_id = request.GET.get("unit") if request.GET.get("unit", "").isdigit() else None
    if unit_id is None and perms.is_grassroots(user):
        unit_id = user.unit_id
    units = Unit.objects.grassroots().order_by("kind", "name") if perms.reads_everything(user) else None
    if unit_id is None:
        deny_unless(perms.reads_everything(user), "负担账单仅对基层用户和减负办开放。")
        return render(request, "web/bill.html", {"unit": None, "units": units, "errors": []})
    unit = get_object_or_404(Unit, pk=unit_id)
    deny_unless(perms.can_view_bill(user, unit), "您只能查看本单位的负担账单。")
    start, end, period_text, errors = _period(request.GET)
    data = unit_bill(unit, start, end)
    max_hours = max((g["hours"] for g in data["groups"]), default=0)
    context = {
        "unit": unit,
        "units": units,
        "start": start,
        "end": end,
        "period": period_text,
        "errors": errors,
        "max_hours": max_hours,
        **data,
    }
    return render(request, "web/bill.html", context)
