"""Adding and deleting list rows from the list pages, through `jianfu.ledger.lists`.

Each list names its fields once; the same small form renders on the page and
parses the post. A refused row re-renders the page with what was typed.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from jianfu.gate.models import LexiconEntry
from jianfu.ledger.choices import BodyStatus, Kind, split_list
from jianfu.ledger.models import CampusWhitelistEntry, CatalogField, CoordinationBody, DutyEntry, PlanEntry
from jianfu.org import permissions as perms
from jianfu.org.models import Unit, UnitKind
from jianfu.web.views.common import deny_unless


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    type: str = "text"  # text | int | date | unit | kind | body_status
    required: bool = False


EDITABLE: dict[str, list[Field]] = {
    "plans": [
        Field("year", "年度", "int", True),
        Field("unit", "单位", "unit", True),
        Field("kind", "类型", "kind", True),
        Field("title", "计划事项"),
        Field("keywords", "关键词"),
        Field("quota", "总量", "int"),
    ],
    "bodies": [
        Field("name", "名称", required=True),
        Field("lead", "牵头单位", "unit"),
        Field("status", "状态", "body_status", True),
        Field("changed_on", "变更日期", "date"),
        Field("note", "说明"),
    ],
    "duty": [
        Field("matter", "事项", required=True),
        Field("responsible", "主责部门"),
        Field("township_role", "乡镇职责"),
        Field("keywords", "关键词"),
    ],
    "whitelist": [
        Field("year", "年度", "int", True),
        Field("activity", "活动", required=True),
        Field("organizer", "主办单位"),
        Field("per_semester", "每学期上限", "int"),
    ],
    "catalog": [
        Field("field", "字段", required=True),
        Field("synonyms", "同义词"),
        Field("owner", "来源单位"),
        Field("system", "来源系统"),
        Field("frequency", "更新频次"),
    ],
    "lexicon": [
        Field("code", "规则代码", required=True),
        Field("phrase", "词语", required=True),
        Field("note", "说明"),
    ],
    "units": [
        Field("name", "名称", required=True),
        Field("kind", "类型", "unit_kind", True),
        Field("parent", "上级单位", "any_unit"),
        Field("aliases", "别名"),
    ],
}
# Units are the administrator's; the other lists are the office reviewer's too.
ADMIN_ONLY = {"units"}

DELETABLE = {
    "plans": PlanEntry,
    "duty": DutyEntry,
    "whitelist": CampusWhitelistEntry,
    "catalog": CatalogField,
    "bodies": CoordinationBody,
    "lexicon": LexiconEntry,
}


def _lists():
    from jianfu.ledger import lists

    return lists


def choices_for(field: Field) -> list[tuple[str, str]]:
    if field.type == "unit":
        return [(str(u.pk), u.name) for u in Unit.objects.filter(kind__in=("department", "office", "district"))]
    if field.type == "kind":
        return list(Kind.choices)
    if field.type == "body_status":
        return list(BodyStatus.choices)
    if field.type == "unit_kind":
        return list(UnitKind.choices)
    if field.type == "any_unit":
        return [(str(u.pk), u.name) for u in Unit.objects.order_by("kind", "name")]
    return []


def form_rows(slug: str, values: dict | None = None) -> list[dict]:
    values = values or {}
    return [
        {"field": f, "value": values.get(f.name, ""), "choices": choices_for(f), "id": f"add-{f.name}"}
        for f in EDITABLE.get(slug, [])
    ]


def _parse(fields: list[Field], data) -> tuple[dict, list[str]]:
    out: dict = {}
    errors: list[str] = []
    for f in fields:
        raw = (data.get(f.name) or "").strip()
        if not raw:
            if f.required:
                errors.append(f"{f.label}：此项必填。")
            out[f.name] = None
            continue
        if f.type == "int":
            if not raw.isdigit():
                errors.append(f"{f.label}：“{raw}”不是整数。")
                continue
            out[f.name] = int(raw)
        elif f.type == "date":
            try:
                out[f.name] = dt.date.fromisoformat(raw)
            except ValueError:
                errors.append(f"{f.label}：“{raw}”不是有效日期，如 2025-06-30。")
        elif f.type in ("unit", "any_unit"):
            unit = Unit.objects.filter(pk=raw).first() if raw.isdigit() else None
            if unit is None:
                errors.append(f"{f.label}：单位“{raw}”不存在。")
            out[f.name] = unit
        elif f.type == "kind":
            if raw not in Kind.values:
                errors.append(f"{f.label}：“{raw}”无效。")
            out[f.name] = raw
        elif f.type == "unit_kind":
            if raw not in UnitKind.values:
                errors.append(f"{f.label}：“{raw}”无效。")
            out[f.name] = raw
        elif f.type == "body_status":
            if raw not in BodyStatus.values:
                errors.append(f"{f.label}：“{raw}”无效。")
            out[f.name] = raw
        else:
            out[f.name] = raw
    return out, errors


def _save(slug: str, v: dict, by) -> str:
    lists = _lists()
    if slug == "plans":
        done = []
        if v["title"]:
            lists.upsert_plan_entry(
                year=v["year"], unit=v["unit"], kind=v["kind"], title=v["title"], keywords=v["keywords"] or "", by=by
            )
            done.append("计划事项")
        if v["quota"] is not None:
            lists.set_quota(year=v["year"], unit=v["unit"], kind=v["kind"], quota=v["quota"], by=by)
            done.append("总量")
        if not done:
            raise lists.ListError("请填写计划事项或总量。")
        return "、".join(done)
    if slug == "bodies":
        lists.upsert_body(
            name=v["name"], lead=v["lead"], status=v["status"], changed_on=v["changed_on"], note=v["note"] or "", by=by
        )
        return v["name"]
    if slug == "duty":
        lists.upsert_duty_entry(
            matter=v["matter"],
            responsible=v["responsible"] or "",
            township_role=v["township_role"] or "",
            keywords=v["keywords"] or "",
            by=by,
        )
        return v["matter"]
    if slug == "whitelist":
        lists.upsert_whitelist_entry(
            year=v["year"],
            activity=v["activity"],
            organizer=v["organizer"] or "",
            per_semester=v["per_semester"],
            by=by,
        )
        return v["activity"]
    if slug == "catalog":
        lists.upsert_catalog_field(
            field=v["field"],
            synonyms=v["synonyms"] or "",
            owner=v["owner"] or "",
            system=v["system"] or "",
            frequency=v["frequency"] or "",
            by=by,
        )
        return v["field"]
    if slug == "lexicon":
        lists.upsert_lexicon_entry(code=v["code"], phrase=v["phrase"], note=v["note"] or "", by=by)
        return v["phrase"]
    if slug == "units":
        lists.upsert_unit(
            name=v["name"], kind=v["kind"], parent=v["parent"], aliases=split_list(v["aliases"] or ""), by=by
        )
        return v["name"]
    raise Http404("该清单不能在页面上添加。")


def may_edit(user, slug: str) -> bool:
    if slug in ADMIN_ONLY:
        return perms.can_manage_users(user)
    return perms.can_manage_lists(user)


@login_required
@require_POST
def list_add(request: HttpRequest, slug: str) -> HttpResponse:
    deny_unless(may_edit(request.user, slug), "您没有权限修改此清单。")
    fields = EDITABLE.get(slug)
    if fields is None:
        raise Http404("该清单不能在页面上添加。")
    values, errors = _parse(fields, request.POST)
    if not errors:
        try:
            label = _save(slug, values, request.user)
        except _lists().ListError as exc:
            errors.append(str(exc))
        else:
            messages.success(request, f"已保存：{label}。")
            return redirect("list_page", slug=slug)
    for text in errors:
        messages.error(request, text)
    # Re-render the list with what was typed, so nothing is lost.
    from jianfu.web.views.lists import list_page

    request.add_values = {f.name: request.POST.get(f.name, "") for f in fields}
    request.method = "GET"
    return list_page(request, slug)


@login_required
@require_POST
def list_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    deny_unless(perms.can_manage_lists(request.user), "只有减负办审核员或管理员可以修改清单。")
    model = DELETABLE.get(slug)
    if model is None:
        raise Http404("该清单不能在页面上删除。")
    row = get_object_or_404(model, pk=pk)
    lists = _lists()
    try:
        lists.delete_list_row(row=row, by=request.user)
    except lists.ListError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已删除：{row}。")
    return redirect("list_page", slug=slug)
