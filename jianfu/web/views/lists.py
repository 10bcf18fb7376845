"""The lists the office keeps: plans and quotas, coordination bodies, duty list,
campus whitelist, data catalog, lexicon, thresholds, monitoring points, units, users.

Each list imports and exports through `jianfu.ledger.io` with the same row-level
report as the command line: a dry run first, then the user confirms.
"""

import io
import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jianfu.ledger.choices import LIVE_STATUSES
from jianfu.ledger.models import (
    BodyChange,
    CampusWhitelistEntry,
    CatalogField,
    CoordinationBody,
    DutyEntry,
    Item,
    PlanEntry,
    Quota,
)
from jianfu.org import permissions as perms
from jianfu.org.models import Unit, User
from jianfu.org.services import get_setting, set_setting
from jianfu.web.views.common import deny_unless, paginate

# Uploaded files wait here between the dry run and the confirmation.
IMPORT_DIR = "imports"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class ListPage:
    slug: str
    title: str
    import_kind: str | None


LIST_PAGES = {
    p.slug: p
    for p in (
        ListPage("plans", "年度计划与总量", "plan"),
        ListPage("bodies", "议事协调机构", "bodies"),
        ListPage("duty", "属地管理事项清单", "duty-list"),
        ListPage("whitelist", "进校园白名单", "campus-whitelist"),
        ListPage("catalog", "共享数据目录", "catalog"),
        ListPage("lexicon", "审核词库", "lexicon"),
        ListPage("thresholds", "审核阈值与工时参数", None),
        ListPage("points", "减负监测点", "points"),
        ListPage("units", "单位", "units"),
        ListPage("users", "用户", "users"),
    )
}


def _io():
    """The import/export module, or None while it is still being built."""
    try:
        from jianfu.ledger import io as ledger_io

        ledger_io.run_import  # noqa: B018 - probe that the entry point exists
    except (ImportError, AttributeError):
        return None
    return ledger_io


def importable(page: ListPage) -> bool:
    ledger_io = _io()
    if ledger_io is None or not page.import_kind:
        return False
    kinds = getattr(ledger_io, "IMPORT_KINDS", ())
    return page.import_kind in kinds


def _page(slug: str) -> ListPage:
    page = LIST_PAGES.get(slug)
    if page is None:
        raise Http404("没有这个清单。")
    return page


def _render(request, page: ListPage, template: str, context: dict) -> HttpResponse:
    context.update(
        {
            "list_page": page,
            "list_pages": LIST_PAGES.values(),
            "can_edit": perms.can_manage_lists(request.user),
            "importable": importable(page) and perms.can_manage_lists(request.user),
        }
    )
    if perms.can_manage_lists(request.user):
        from jianfu.web.views.list_edit import DELETABLE, form_rows, may_edit

        if may_edit(request.user, page.slug):
            context["add_rows"] = form_rows(page.slug, getattr(request, "add_values", None))
        context["deletable"] = page.slug in DELETABLE
    return render(request, template, context)


@login_required
def lists_index(request: HttpRequest) -> HttpResponse:
    deny_unless(perms.can_view_lists(request.user), "清单仅对减负办、领导和管理员开放。")
    return render(request, "web/lists/index.html", {"list_pages": LIST_PAGES.values()})


def _year(request) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


@login_required
def list_page(request: HttpRequest, slug: str) -> HttpResponse:
    deny_unless(perms.can_view_lists(request.user), "清单仅对减负办、领导和管理员开放。")
    page = _page(slug)
    view = _VIEWS.get(slug)
    if view is None:
        raise Http404("没有这个清单。")
    return view(request, page)


def _plans(request, page):
    year = _year(request)
    quotas = list(Quota.objects.filter(year=year).select_related("unit").order_by("unit__name", "kind"))
    used = {
        (r["issuer_id"], r["kind"]): r["n"]
        for r in Item.objects.filter(year=year, status__in=LIVE_STATUSES)
        .values("issuer_id", "kind")
        .annotate(n=Count("pk"))
    }
    rows = []
    for q in quotas:
        n = used.get((q.unit_id, q.kind), 0)
        rows.append({"quota": q, "used": n, "remaining": max(q.quota - n, 0), "over": n >= q.quota})
    entries = paginate(request, PlanEntry.objects.filter(year=year).select_related("unit"), 100)
    context = {"year": year, "quota_rows": rows, "entries": entries, "query": f"year={year}"}
    return _render(request, page, "web/lists/plans.html", context)


def _bodies(request, page):
    bodies = CoordinationBody.objects.select_related("lead").prefetch_related(
        Prefetch("changes", queryset=BodyChange.objects.order_by("changed_on", "pk"))
    )
    return _render(request, page, "web/lists/bodies.html", {"entries": paginate(request, bodies, 100)})


def _table(model_qs, columns):
    def view(request, page):
        return _render(
            request, page, "web/lists/table.html", {"entries": paginate(request, model_qs(), 100), "columns": columns}
        )

    return view


def _lexicon(request, page):
    from jianfu.gate.models import LexiconEntry

    entries = paginate(request, LexiconEntry.objects.order_by("code", "phrase"), 200)
    columns = [("规则", "code"), ("词语", "phrase"), ("说明", "note"), ("启用", "is_active")]
    return _render(request, page, "web/lists/lexicon.html", {"entries": entries, "columns": columns})


def _points(request, page):
    try:
        from jianfu.channel.models import MonitoringPoint
    except ImportError:  # pragma: no cover - the channel app is always installed
        MonitoringPoint = None  # noqa: N806
    qs = MonitoringPoint.objects.select_related("unit") if MonitoringPoint else []
    columns = [("单位", "unit"), ("设立日期", "since"), ("在用", "is_active"), ("说明", "note")]
    return _render(request, page, "web/lists/table.html", {"entries": paginate(request, qs, 100), "columns": columns})


def _users(request, page):
    deny_unless(perms.can_manage_users(request.user) or perms.can_view_lists(request.user))
    users = User.objects.select_related("unit").prefetch_related("roles").order_by("username")
    context = {"entries": paginate(request, users, 100), "can_manage_users": perms.can_manage_users(request.user)}
    return _render(request, page, "web/lists/users.html", context)


# ---------------------------------------------------------------- thresholds


def _threshold_defaults() -> tuple[dict, dict]:
    from jianfu.gate.context import DEFAULT_THRESHOLDS
    from jianfu.meter.hours import DEFAULTS

    meter = {k: v for k, v in DEFAULTS.items() if isinstance(v, int | float)}
    return dict(DEFAULT_THRESHOLDS), meter


def _settings_rows(prefix: str, defaults: dict, current: dict) -> list[dict]:
    return [
        {"name": f"{prefix}:{key}", "key": key, "default": value, "value": current.get(key, value)}
        for key, value in defaults.items()
    ]


def _thresholds(request, page, errors=None, posted=None):
    gate_defaults, meter_defaults = _threshold_defaults()
    gate_now = posted[0] if posted else (get_setting("gate.thresholds", {}) or {})
    meter_now = posted[1] if posted else (get_setting("meter.defaults", {}) or {})
    context = {
        "gate_rows": _settings_rows("gate", gate_defaults, gate_now),
        "meter_rows": _settings_rows("meter", meter_defaults, meter_now),
        "errors": errors or {},
    }
    return _render(request, page, "web/lists/thresholds.html", context)


@login_required
@require_POST
def thresholds_save(request: HttpRequest) -> HttpResponse:
    deny_unless(perms.can_manage_lists(request.user), "只有减负办审核员或管理员可以修改阈值。")
    gate_defaults, meter_defaults = _threshold_defaults()
    errors: dict[str, str] = {}
    values: list[dict] = [{}, {}]
    for i, (prefix, defaults) in enumerate((("gate", gate_defaults), ("meter", meter_defaults))):
        for key, default in defaults.items():
            raw = (request.POST.get(f"{prefix}:{key}") or "").strip()
            if raw == "":
                values[i][key] = default
                continue
            try:
                number = float(raw)
            except ValueError:
                errors[f"{prefix}:{key}"] = f"“{raw}”不是数字。"
                values[i][key] = raw
                continue
            if number < 0:
                errors[f"{prefix}:{key}"] = "不能为负数。"
            values[i][key] = int(number) if isinstance(default, int) and number.is_integer() else number
    if errors:
        messages.error(request, "有参数填写有误，未保存（已填内容保留）。")
        return _thresholds(request, LIST_PAGES["thresholds"], errors, values)
    gate_changed = {k: v for k, v in values[0].items() if v != gate_defaults[k]}
    meter_now = get_setting("meter.defaults", {}) or {}
    meter_changed = {**{k: v for k, v in meter_now.items() if k not in meter_defaults}}
    meter_changed.update({k: v for k, v in values[1].items() if v != meter_defaults[k]})
    set_setting(key="gate.thresholds", value=gate_changed, by=request.user, note="审核阈值（网页修改）")
    set_setting(key="meter.defaults", value=meter_changed, by=request.user, note="工时参数（网页修改）")
    messages.success(request, "已保存审核阈值与工时参数。")
    return redirect("list_page", slug="thresholds")


_VIEWS = {
    "plans": _plans,
    "bodies": _bodies,
    "duty": _table(
        lambda: DutyEntry.objects.all(),
        [("事项", "matter"), ("主责部门", "responsible"), ("乡镇职责", "township_role"), ("关键词", "keywords")],
    ),
    "whitelist": _table(
        lambda: CampusWhitelistEntry.objects.all(),
        [("年度", "year"), ("活动", "activity"), ("主办单位", "organizer"), ("每学期上限", "per_semester")],
    ),
    "catalog": _table(
        lambda: CatalogField.objects.all(),
        [
            ("字段", "field"),
            ("同义词", "synonyms"),
            ("来源单位", "owner"),
            ("来源系统", "system"),
            ("更新频次", "frequency"),
        ],
    ),
    "lexicon": _lexicon,
    "thresholds": _thresholds,
    "points": _points,
    "units": _table(
        lambda: Unit.objects.select_related("parent").order_by("kind", "name"),
        [
            ("名称", "name"),
            ("类型", "get_kind_display"),
            ("上级单位", "parent"),
            ("在用", "is_active"),
            ("须负责人签批", "requires_head_signoff"),
        ],
    ),
    "users": _users,
}


# ---------------------------------------------------------------- the lexicon's 试一试


@login_required
@require_POST
def lexicon_try(request: HttpRequest) -> HttpResponse:
    deny_unless(perms.can_view_lists(request.user))
    from jianfu.gate.service import DraftError, review_draft
    from jianfu.web.highlight import mark_evidence

    text = (request.POST.get("text") or "")[:5000]
    context: dict = {"text": text, "findings": [], "segments": [], "error": ""}
    issuer = request.user.unit or Unit.objects.filter(kind__in=("department", "office")).first()
    if not text.strip():
        context["error"] = "请输入一段文字。"
    elif issuer is None:
        context["error"] = "系统中还没有任何单位，无法试审。"
    else:
        try:
            review = review_draft({"kind": "document", "title": "词库试一试", "body": text, "issuer": issuer.name})
        except DraftError as exc:
            context["error"] = str(exc)
        else:
            # Plan and quota findings are about the draft's bookkeeping, not the words typed.
            skip = {"NOT_IN_PLAN", "QUOTA_EXCEEDED", "NEAR_DUPLICATE", "COPIES_UPPER_DOC"}
            findings = [f for f in review["findings"] if f["code"] not in skip]
            context["findings"] = findings
            context["segments"] = mark_evidence(text, findings)
    return render(request, "web/lists/_lexicon_try.html", context)


# ---------------------------------------------------------------- import / export


def _stash(upload) -> str:
    name = f"{IMPORT_DIR}/{uuid.uuid4().hex}-{upload.name[-60:]}"
    return default_storage.save(name, ContentFile(upload.read()))


@login_required
@require_POST
def list_import(request: HttpRequest, slug: str) -> HttpResponse:
    page = _page(slug)
    deny_unless(perms.can_manage_lists(request.user), "只有减负办审核员或管理员可以导入清单。")
    ledger_io = _io()
    if ledger_io is None or not importable(page):
        messages.error(request, "导入功能暂不可用。")
        return redirect("list_page", slug=slug)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要导入的 CSV 或 XLSX 文件。")
        return redirect("list_page", slug=slug)
    if upload.size > MAX_UPLOAD_BYTES:
        messages.error(request, f"文件“{upload.name}”超过 20MB，请拆分后导入。")
        return redirect("list_page", slug=slug)
    if not upload.name.lower().endswith((".csv", ".xlsx", ".xlsm", ".txt")):
        messages.error(request, f"文件“{upload.name}”不是 CSV 或 XLSX 文件。")
        return redirect("list_page", slug=slug)
    stored = _stash(upload)
    with default_storage.open(stored, "rb") as fh:
        result = ledger_io.run_import(page.import_kind, fh, filename=upload.name, by=request.user, dry_run=True)
    if not result.ok:
        default_storage.delete(stored)
        stored = ""
    else:
        request.session[f"import:{stored}"] = {"slug": slug, "filename": upload.name}
    return _render(request, page, "web/lists/import_preview.html", {"result": result, "stored": stored})


@login_required
@require_POST
def list_import_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    page = _page(slug)
    deny_unless(perms.can_manage_lists(request.user), "只有减负办审核员或管理员可以导入清单。")
    ledger_io = _io()
    stored = request.POST.get("stored", "")
    meta = request.session.pop(f"import:{stored}", None)
    if ledger_io is None or meta is None or meta.get("slug") != slug or not default_storage.exists(stored):
        messages.error(request, "导入已过期或已完成，请重新上传文件。")
        return redirect("list_page", slug=slug)
    with default_storage.open(stored, "rb") as fh:
        result = ledger_io.run_import(page.import_kind, fh, filename=meta["filename"], by=request.user)
    default_storage.delete(stored)
    if result.ok:
        messages.success(request, result.summary())
        return redirect("list_page", slug=slug)
    return _render(request, page, "web/lists/import_preview.html", {"result": result, "stored": ""})


@login_required
def list_export(request: HttpRequest, slug: str) -> HttpResponse:
    page = _page(slug)
    deny_unless(perms.can_view_lists(request.user), "清单仅对减负办、领导和管理员开放。")
    ledger_io = _io()
    if ledger_io is None or not importable(page) or not hasattr(ledger_io, "export_kind"):
        raise Http404("该清单暂不支持导出。")
    fmt = "xlsx" if request.GET.get("fmt") == "xlsx" else "csv"
    buffer = io.BytesIO()
    ledger_io.export_kind(page.import_kind, buffer, fmt=fmt)
    content_type = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{page.import_kind}.{fmt}"'
    return response
