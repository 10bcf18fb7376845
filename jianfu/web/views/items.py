"""The ledger search, the item page, and the item form with live gate findings."""

from collections import namedtuple
from html import escape  # what django.utils.html.escape calls, without its lazy wrapper and SafeString per value

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from jianfu.gate.service import DraftError, review_draft
from jianfu.ledger import services
from jianfu.ledger.choices import Kind, Status
from jianfu.ledger.lifecycle import LifecycleError
from jianfu.ledger.models import Item, ItemTarget
from jianfu.org import permissions as perms
from jianfu.org.models import AuditEvent, Unit
from jianfu.web.forms import DecisionForm, IssueForm, ItemForm, MergeForm, draft_from_form, initial_from_item
from jianfu.web.highlight import mark_evidence, related_ids, side_by_side
from jianfu.web.search import search_items
from jianfu.web.templatetags.web_extras import verdict_label
from jianfu.web.views.common import PAGE_SIZE, deny_unless, item_for

FINDING_CODES = (
    "NOT_IN_PLAN QUOTA_EXCEEDED NEAR_DUPLICATE TRACE_DEMAND PHOTO_VIDEO_DEMAND CHECKIN_DEMAND INSTANT_REPLY_DEMAND "
    "RANKING_DEMAND TIGHT_DEADLINE HIGH_FREQUENCY MATERIAL_DEMAND PLEDGE_DEMAND VETO_DEMAND LEVEL_UP_DEMAND "
    "EVASIVE_FORM DOC_TOO_LONG COPIES_UPPER_DOC DEMANDS_IMPLEMENTATION_REPORT MEETING_TOO_LONG ONSITE_WHEN_VIDEO "
    "MEETING_MERGEABLE PRINCIPAL_ATTENDANCE BODY_ABOLISHED INSPECTION_OVERLAP INSPECTION_CAP DISGUISED_INSPECTION "
    "MATERIAL_BASED_ASSESSMENT DATA_ALREADY_SHARED DATA_REQUEST_OVERLAP OFF_LIST_TASK UNFUNDED_TASK "
    "CAMPUS_NOT_WHITELISTED CAMPUS_CAP APP_DUPLICATE_FUNCTION APP_FORCED_USE"
).split()

_CHOICE_LABELS = {"status": dict(Status.choices), "kind": dict(Kind.choices)}

EXPORT_LIMIT = 50000


def _export_csv(qs) -> HttpResponse:
    """The search result as CSV (UTF-8 with BOM so Excel opens it), capped at EXPORT_LIMIT rows."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["编号", "日期", "类型", "标题", "发起单位", "状态", "文号", "字数", "审核结论"])
    for item in qs[:EXPORT_LIMIT]:
        verdict = item.latest_review.verdict if item.latest_review else ""
        writer.writerow(
            [
                item.pk,
                item.date.isoformat(),
                item.get_kind_display(),
                item.title,
                item.issuer.name,
                item.get_status_display(),
                item.number,
                item.chars,
                verdict,
            ]
        )
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ledger.csv"'
    return response


_PK_MARK = 918273645  # a pk no real URL part contains

# Beyond this many matching items the list says "超过 N 项" instead of counting them all.
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most max(COUNT_CAP, the rows up to the requested page) + 1 rows: an exact
    COUNT(*) of a large ledger, or of a text search, reads every matching row on each view.
    The requested page always lies within the count, so paging on past the cap still works."""

    def __init__(self, object_list, per_page: int, number) -> None:
        super().__init__(object_list, per_page)
        try:
            number = max(1, int(number or 1))
        except (TypeError, ValueError):
            number = 1
        self.limit = max(COUNT_CAP, number * per_page)

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: self.limit + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.limit


def _options(choices, selected) -> SafeString:
    """A select's <option> list, built once in Python: the page's ~250 options cost more as
    template nodes than its table."""
    selected = "" if selected is None else str(selected)
    html = "".join(
        f'<option value="{escape(str(value))}"{" selected" if str(value) == selected else ""}>{escape(label)}</option>'
        for value, label in choices
    )
    return mark_safe(html)  # noqa: S308 - every value and label is escaped above


# A ledger row: the columns it shows, read as tuples. Model instances (the item, its
# issuer, its review) cost more to build than the row's whole markup.
Row = namedtuple("Row", ["pk", "kind", "title", "targets_all", "date", "status", "issuer_name", "review_id", "verdict"])
ROW_COLUMNS = (
    "pk",
    "kind",
    "title",
    "targets_all",
    "date",
    "status",
    "issuer__name",
    "latest_review",
    "latest_review__verdict",
)


def _row(item: Row, ntargets: int, detail_url: str) -> SafeString:
    """One ledger row formatted in Python: per-row template nodes, tags and filters were two
    thirds of the page's CPU."""
    kind = _CHOICE_LABELS["kind"].get(item.kind, item.kind)
    status = _CHOICE_LABELS["status"].get(item.status, item.status)
    verdict = "—"
    if item.review_id is not None:
        verdict = f'<span class="verdict verdict-{escape(item.verdict)}">{escape(verdict_label(item.verdict))}</span>'
    html = (
        f'<tr><td data-label="日期">{item.date.isoformat()}</td><td data-label="类型">{escape(kind)}</td>'
        f'<td data-label="标题"><a href="{escape(detail_url)}">{escape(item.title)}</a></td>'
        f'<td data-label="发起单位">{escape(item.issuer_name)}</td>'
        f'<td data-label="对象">{"全部" if item.targets_all else f"{ntargets} 个单位"}</td>'
        f'<td data-label="状态" class="status status-{escape(item.status)}">{escape(status)}</td>'
        f'<td data-label="审核结论">{verdict}</td></tr>'
    )
    return mark_safe(html)  # noqa: S308 - every value is escaped above


@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    qs, filters = search_items(request.user, request.GET)
    if request.GET.get("format") == "csv":
        return _export_csv(qs)
    # The page is a slice of ids, its rows are read by id in the same statement: skipping
    # OFFSET rows then reads the ordering's index alone, not every skipped row with its
    # joins (page 100 at 10^4: 23 -> 2 ms on SQLite).
    number = request.GET.get("page")
    page = CappedPaginator(qs.values_list("pk", flat=True), PAGE_SIZE, number).get_page(number)
    # Only the columns a row shows (Item has ~55, most of them dates, JSON and kind-specific
    # fields, each a conversion per row).
    selected = Item.objects.filter(pk__in=page.object_list).order_by(*qs.query.order_by)
    items = [Row(*values) for values in selected.values_list(*ROW_COLUMNS)]
    ids = [item.pk for item in items]
    target_counts: dict[int, int] = {}
    for link in ItemTarget.objects.filter(item_id__in=ids).values_list("item_id", flat=True):
        target_counts[link] = target_counts.get(link, 0) + 1
    # (row, its <tr>): the row's columns for whoever reads the context, the markup for the page.
    # One reverse() for the page (~30 µs each): the pk is the only part that differs.
    head, tail = reverse("item_detail", args=[_PK_MARK]).split(str(_PK_MARK))
    rows = [(item, _row(item, target_counts.get(item.pk, 0), f"{head}{item.pk}{tail}")) for item in items]
    issuers = Unit.objects.filter(kind__in=("department", "office", "district")).order_by("name")
    units = Unit.objects.grassroots().order_by("kind", "name")
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "query": filters.querystring(),
        "kind_options": _options(Kind.choices, filters.kind),
        "status_options": _options(Status.choices, filters.status),
        "issuer_options": _options(issuers.values_list("pk", "name"), filters.issuer),
        "unit_options": _options(units.values_list("pk", "name"), filters.unit),
        "code_options": _options(((code, code) for code in FINDING_CODES), filters.code),
    }
    return render(request, "web/item_list.html", context)


def _history(item: Item):
    return (
        AuditEvent.objects.filter(target_type="ledger.item", target_id=str(item.pk))
        .select_related("actor")
        .order_by("at", "pk")
    )


def _changes(event: AuditEvent) -> list[tuple[str, object, object]]:
    """Field-by-field what an update changed, with the field's Chinese name."""
    before, after = event.before or {}, event.after or {}
    # A creation lists no changes: its summary says what was made.
    if not before or not isinstance(before, dict) or not isinstance(after, dict):
        return []
    out = []
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key) and key in after and (before.get(key) or after.get(key)):
            try:
                label = Item._meta.get_field(key).verbose_name
            except Exception:  # noqa: BLE001 - a key that is not a field (targets) keeps its name
                label = {"targets": "对象单位"}.get(key, key)
            out.append((str(label), _pretty(key, before.get(key, "")), _pretty(key, after.get(key))))
    return out


def _pretty(key: str, value):
    """Show stored codes the way users know them (状态“已退回”, not "returned")."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if key in _CHOICE_LABELS and value in _CHOICE_LABELS[key]:
        return _CHOICE_LABELS[key][value]
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return value


def _comparisons(item: Item, review: dict) -> list[dict]:
    # Every finding's related items (duplicates, overlapping inspections, mergeable meetings…).
    ids = related_ids(review, code=None)[:3]
    others = {o.pk: o for o in Item.objects.filter(pk__in=ids).select_related("issuer")}
    out = []
    for pk in ids:
        other = others.get(pk)
        if other is None:
            continue
        left, right, ratio = side_by_side(item.body, other.body)
        out.append({"other": other, "left": left, "right": right, "ratio": ratio})
    return out


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_for(request.user, pk)
    actions = perms.item_actions(request.user, item)
    review = item.latest_review
    review_data = {"findings": review.findings, "verdict": review.verdict} if review else {"findings": []}
    history = [(event, _changes(event)) for event in _history(item)]
    context = {
        "item": item,
        "actions": actions,
        "review": review,
        "segments": mark_evidence(item.body, review_data["findings"]),
        "comparisons": _comparisons(item, review_data) if review else [],
        "history": history,
        "decisions": item.decisions.select_related("by", "merge_target"),
        "targets": [link.unit for link in item.target_links.select_related("unit")],
        "decision_form": DecisionForm(initial={"expected_status": item.status}),
        "merge_form": MergeForm(initial={"expected_status": item.status}),
        "issue_form": IssueForm(initial={"number": item.number}),
        "needs_signoff": item.issuer.requires_head_signoff and item.signed_off_by_id is None,
        "merged_items": item.merged_items.all(),
    }
    return render(request, "web/item_detail.html", context)


def _issuer(user) -> Unit:
    return Unit.objects.get(pk=perms.creatable_issuer_id(user))


@login_required
def item_new(request: HttpRequest) -> HttpResponse:
    deny_unless(perms.can_create_item(request.user), "只有部门经办人可以新建事项。")
    issuer = _issuer(request.user)
    if request.method == "POST":
        form = ItemForm(request.POST, issuer=issuer)
        if form.is_valid():
            item = services.create_item(
                by=request.user, issuer=issuer, targets=form.target_units(), **form.service_fields()
            )
            messages.success(request, f"已保存草稿“{item.title}”。")
            return redirect("item_detail", pk=item.pk)
        messages.error(request, "表单有误，请按提示修改后再保存（已填内容保留）。")
    else:
        kind = request.GET.get("kind") if request.GET.get("kind") in Kind.values else Kind.DOCUMENT
        form = ItemForm(issuer=issuer, initial={"kind": kind})
    return render(request, "web/item_form.html", {"form": form, "issuer": issuer, "item": None})


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_for(request.user, pk)
    deny_unless(perms.can_edit_item(request.user, item), "只有本部门经办人可以修改草稿或被退回的事项。")
    if request.method == "POST":
        form = ItemForm(request.POST, issuer=item.issuer)
        if form.is_valid():
            try:
                services.update_item(item=item, by=request.user, targets=form.target_units(), **form.service_fields())
            except LifecycleError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "已保存修改。")
                return redirect("item_detail", pk=item.pk)
        else:
            messages.error(request, "表单有误，请按提示修改后再保存（已填内容保留）。")
    else:
        form = ItemForm(issuer=item.issuer, initial=initial_from_item(item))
    return render(request, "web/item_form.html", {"form": form, "issuer": item.issuer, "item": item})


@login_required
@require_POST
def item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_for(request.user, pk)
    deny_unless(perms.can_delete_item(request.user, item), "只有本部门经办人可以删除草稿。")
    title = item.title
    try:
        services.delete_item(item=item, by=request.user)
    except LifecycleError as exc:
        messages.error(request, str(exc))
        return redirect("item_detail", pk=pk)
    messages.success(request, f"已删除“{title}”。")
    return redirect("item_list")


@login_required
def kind_fields(request: HttpRequest) -> HttpResponse:
    """htmx: the fields of the chosen kind, keeping what was typed."""
    deny_unless(perms.can_create_item(request.user))
    data = request.POST if request.method == "POST" else request.GET
    form = ItemForm(data, issuer=_issuer(request.user))
    return render(request, "web/_kind_fields.html", {"form": form, "quiet": True})


@login_required
@require_POST
def live_review(request: HttpRequest) -> HttpResponse:
    """htmx: the gate's findings for the form as typed so far."""
    user = request.user
    item = None
    item_id = request.POST.get("item_id")
    if item_id and item_id.isdigit():
        item = item_for(user, int(item_id))
        deny_unless(perms.can_edit_item(user, item))
        issuer = item.issuer
    else:
        deny_unless(perms.can_create_item(user))
        issuer = _issuer(user)
    form = ItemForm(request.POST, issuer=issuer)
    draft = draft_from_form(form, issuer)
    context: dict = {"review": None, "error": ""}
    if draft is None:
        context["error"] = "填写标题后，这里会实时显示前置审核的发现。"
    else:
        try:
            review = review_draft(draft, exclude_id=item.pk if item else None)
        except DraftError as exc:
            context["error"] = str(exc)
        else:
            body = draft.get("body") or ""
            context["review"] = review
            context["segments"] = mark_evidence(body, review["findings"])
            ids = related_ids(review)[:2]
            others = {o.pk: o for o in Item.objects.filter(pk__in=ids).select_related("issuer")}
            comparisons = []
            for pk in ids:
                if pk in others:
                    left, right, ratio = side_by_side(body, others[pk].body)
                    comparisons.append({"other": others[pk], "left": left, "right": right, "ratio": ratio})
            context["comparisons"] = comparisons
    return render(request, "web/_review.html", context)
