"""The dashboard, its drill-down lists and the methods page: read-only, for
leaders and the office. Thin: parse the period, call the meter, render."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from jianfu.ledger.choices import Kind, Status
from jianfu.ledger.models import Item
from jianfu.meter.hours import DEFAULTS
from jianfu.meter.periods import Period, PeriodError, default_period, describe, parse_period
from jianfu.meter.selectors import COUNTED_STATUSES, counted_items, monthly_counts
from jianfu.meter.service import cached_view, meter_params, period_stats, stats_for
from jianfu.org.models import Unit
from jianfu.reports import dashboard as dash
from jianfu.reports import writers
from jianfu.reports.charts import FontMissingError
from jianfu.reports.labels import CODE_LABELS, KIND_LABELS, PARAM_LABELS, VERDICT_LABELS, figure_label
from jianfu.reports.permissions import can_view_stats

PAGE_SIZE = 50


def _require(request: HttpRequest) -> None:
    if not can_view_stats(request.user):
        raise PermissionDenied("统计看板仅供领导、减负办和系统管理员查看。")


def _period(request: HttpRequest) -> Period:
    text = (request.GET.get("period_text") or request.GET.get("period") or "").strip()
    if not text:
        return default_period(timezone.localdate())
    try:
        return parse_period(text)
    except PeriodError as exc:
        messages.error(request, str(exc))
        return default_period(timezone.localdate())


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require(request)
    period = _period(request)
    today = timezone.localdate()  # the period picker's presets
    body = cached_view(
        "dashboard",
        period,
        lambda params: _dashboard_data(period, params),
        f"page:{today}",
        lambda data: _dashboard_body(period, data, today),
    )
    return render(request, "reports/dashboard.html", {"period": period, "body": body})


def _dashboard_body(period: Period, data: tuple, today: dt.date) -> str:
    """The page below the site's header: the same for every reader of the same figures, so each
    process renders it once per ledger version (the header carries the user's own links)."""
    stats, monthly, names = data
    base = reverse("reports:items")
    try:
        channel_url = reverse("channel:report_list")
    except NoReverseMatch:  # the channel app may not be installed
        channel_url = None
    context = {
        "period": period,
        "period_words": describe(period),
        "previous": stats.previous,
        "cards": dash.figure_cards(stats, base, channel_url),
        "charts": dash.chart_data(stats, monthly, names, base, channel_url),
        "choices": dash.period_choices(today),
        "top_units": stats.details["top_units"],
        "drill": base,
    }
    return render_to_string("reports/_dashboard_body.html", context)


def _dashboard_data(period: Period, params: dict) -> tuple:
    """The figures, the monthly trend rows and their issuers' names: what the cache keeps."""
    monthly = monthly_counts(period.end.year)
    names = dict(Unit.objects.filter(pk__in={row[1] for row in monthly}).values_list("id", "name"))
    return stats_for(period, params), monthly, names


def _items_for(period: Period, figure: str, which: str, *, by_month: bool = False):
    """(queryset, ids behind the figure or None, hours per item or None, heading)."""
    window = period if which == "current" else period.year_earlier()
    if figure == "items":
        # The monthly trends cover whole years: a month picks its own dates.
        qs = counted_items() if by_month else counted_items().filter(date__gte=window.start, date__lte=window.end)
        return qs, None, None, "下发事项"
    if figure == "quota":
        qs = Item.objects.filter(
            year=period.end.year, status__in=(Status.APPROVED, *COUNTED_STATUSES), is_upper_level=False
        )
        return qs, None, None, f"{period.end.year}年计入年度总量的事项"
    stats = period_stats(period, keep_members=True)
    if figure not in stats.members and figure not in stats.figures:
        raise Http404("没有这个指标。")
    ids = stats.members.get(figure, {}).get(which, [])
    base = Item.objects.all()
    if figure.startswith("finding:"):
        heading = f"审核发现“{CODE_LABELS.get(figure[8:], figure[8:])}”的事项"
    elif figure.startswith("verdict:"):
        heading = f"审核结论为“{VERDICT_LABELS.get(figure[8:], figure[8:])}”的事项"
    else:
        heading = figure_label(figure)
    return base, ids, stats.item_hours.get(which, {}), heading


def _ordered_ids(qs, ids: list[int], chunk: int = 5000) -> list[int]:
    """The ids (newest first) that pass the filters, asked in chunks so a figure behind
    10^5 items never becomes one statement with 10^5 parameters."""
    found: list[tuple] = []
    for i in range(0, len(ids), chunk):
        found += qs.filter(pk__in=ids[i : i + chunk]).values_list("date", "pk").order_by()
    return [pk for _, pk in sorted(set(found), reverse=True)]


@login_required
def drilldown(request: HttpRequest) -> HttpResponse:
    """The items behind a number: figure (+ kind, unit, issuer, month) for the period or a year earlier."""
    _require(request)
    period = _period(request)
    figure = request.GET.get("figure", "items")
    which = "previous" if request.GET.get("which") == "previous" else "current"
    qs, ids, hours, heading = _items_for(period, figure, which, by_month=bool(request.GET.get("month")))
    window = period if which == "current" else period.year_earlier()
    filters = []
    kind = request.GET.get("kind", "")
    if kind in KIND_LABELS:
        qs = qs.filter(kind=kind)
        filters.append(f"类型：{KIND_LABELS[kind]}")
    issuer = request.GET.get("issuer", "")
    if issuer.isdigit():
        qs = qs.filter(issuer_id=int(issuer))
        filters.append(f"发起单位：{Unit.objects.filter(pk=int(issuer)).values_list('name', flat=True).first()}")
    unit = request.GET.get("unit", "")
    if unit.isdigit():
        # The items that landed on the unit: targeted at it, or at all grassroots units.
        qs = qs.filter(Q(target_links__unit_id=int(unit)) | Q(targets_all=True)).distinct()
        filters.append(f"对象单位：{Unit.objects.filter(pk=int(unit)).values_list('name', flat=True).first()}")
    month = request.GET.get("month", "")
    if month:
        try:
            first = dt.date.fromisoformat(f"{month}-01")
        except ValueError:
            messages.error(request, f"月份“{month}”格式应为 2025-10。")
        else:
            last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
            qs = qs.filter(date__gte=first, date__lte=last)
            window = Period(month, first, last)
            filters.append(f"月份：{month}")
    total_hours = None
    if ids is None:
        page = Paginator(qs.select_related("issuer").order_by("-date", "-pk"), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        items = list(page)
    else:
        ordered = _ordered_ids(qs, ids)
        # A total is only the figure's own number when no unit narrows the items' hours.
        if hours is not None and not unit.isdigit():
            total_hours = round(sum(hours.get(pk, 0.0) for pk in ordered), 1)
        page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
        by_pk = Item.objects.select_related("issuer").in_bulk(list(page))
        items = [by_pk[pk] for pk in page if pk in by_pk]
    rows = [{"item": item, "hours": round(hours[item.pk], 2) if hours and item.pk in hours else None} for item in items]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/items.html",
        {
            "heading": heading,
            "period": period,
            "window": window,
            "which": which,
            "filters": filters,
            "page": page,
            "rows": rows,
            "show_hours": hours is not None,
            "total_hours": total_hours,
            "query": query.urlencode(),
            "kinds": Kind.choices,
        },
    )


@login_required
def methods(request: HttpRequest) -> HttpResponse:
    _require(request)
    params = meter_params()
    rows = [
        {
            "key": key,
            "kind": PARAM_LABELS.get(key, ("", key))[0],
            "label": PARAM_LABELS.get(key, ("", key))[1],
            "value": params[key],
            "default": value,
            "changed": params[key] != value,
        }
        for key, value in DEFAULTS.items()
        if key != "demand_costs"
    ]
    demand = [
        {"code": code, "label": CODE_LABELS.get(code, code), "value": params["demand_costs"].get(code, cost),
         "default": cost}
        for code, cost in DEFAULTS["demand_costs"].items()
    ]  # fmt: skip
    return render(request, "reports/methods.html", {"rows": rows, "demand": demand})


@login_required
def download(request: HttpRequest, fmt: str) -> HttpResponse:
    """The same files as `jianfu report`, for the period on screen."""
    _require(request)
    if fmt not in ("docx", "xlsx", "json"):
        raise Http404("没有这种格式。")
    period = _period(request)
    stats = period_stats(period, keep_members=(fmt == "xlsx"))
    try:
        data = {"docx": writers.to_docx, "xlsx": writers.to_xlsx, "json": writers.to_json}[fmt](stats)
    except FontMissingError as exc:
        messages.error(request, str(exc))
        return redirect(f"{reverse('reports:dashboard')}?period={period.label}")
    types = {
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "json": "application/json; charset=utf-8",
    }
    response = HttpResponse(data, content_type=types[fmt])
    response["Content-Disposition"] = f'attachment; filename="jianfu-report-{period.label}.{fmt}"'
    return response
