"""/api/v1/items…: every action of the item pages, under the same permission rules
(`jianfu.org.permissions`) and the same form validation (`jianfu.web.forms.ItemForm`)."""

import json
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Router, Schema, Status

from jianfu.api.auth import api_auth
from jianfu.ledger import services
from jianfu.ledger.choices import DecisionAction
from jianfu.ledger.models import Item
from jianfu.org import permissions as perms
from jianfu.org.models import Unit
from jianfu.org.selectors import resolve_units
from jianfu.web import notify
from jianfu.web.forms import ALL_KIND_FIELDS, COMMON_FIELDS, ItemForm, initial_from_item
from jianfu.web.search import search_items

router = Router(tags=["台账事项"])

MAX_PER_PAGE = 200
ERRORS = {403: dict, 404: dict, 409: dict, 422: dict}


def item_json(item: Item, *, full: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": item.pk,
        "kind": item.kind,
        "title": item.title,
        "issuer": item.issuer.name,
        "issuer_id": item.issuer_id,
        "status": item.status,
        "date": item.date.isoformat() if item.date else None,
        "year": item.year,
        "number": item.number,
        "targets_all": item.targets_all,
        "verdict": item.latest_review.verdict if item.latest_review_id and item.latest_review else None,
        "issued_on": item.issued_on.isoformat() if item.issued_on else None,
        "merged_into": item.merged_into_id,
    }
    if full:
        data.update(
            body=item.body,
            chars=item.chars,
            targets=[link.unit.name for link in item.target_links.select_related("unit")],
            decision_comment=item.decision_comment,
            decided_at=item.decided_at.isoformat() if item.decided_at else None,
            signed_off=item.signed_off_by_id is not None,
            findings=item.latest_review.findings if item.latest_review else [],
            plan_entry=item.plan_entry_id,
            justification=item.justification,
        )
        for name in ALL_KIND_FIELDS:
            value = getattr(
                item, f"{name}_id" if name in ("coordination_body", "duty_entry", "whitelist_entry") else name
            )
            data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return data


def _payload(request: HttpRequest) -> dict[str, Any] | Status:
    try:
        data = json.loads(request.body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return Status(422, {"detail": f"请求体不是有效的 JSON：{exc}"})
    if not isinstance(data, dict):
        return Status(422, {"detail": "请求体应为 JSON 对象。"})
    return data


# Form fields that take several values; every other field takes one.
LIST_FIELDS = frozenset({"targets", "resources"})


def _form_data(data: dict[str, Any], base: dict[str, Any] | None = None) -> dict[str, Any] | Status:
    """JSON → form data. Targets may be given by name (as in spec/gate.md) or id."""
    merged: dict[str, Any] = dict(base or {})
    merged.update(data)
    targets = merged.get("targets") or []
    if not isinstance(targets, list):
        return Status(422, {"detail": "targets（对象单位）应为单位名称列表。"})
    names = [t for t in targets if isinstance(t, str)]
    ids = [t for t in targets if isinstance(t, int) and not isinstance(t, bool)]
    units, unknown = resolve_units(names)
    if unknown:
        return Status(422, {"detail": f"未知单位：{'、'.join(unknown)}。"})
    merged["targets"] = [u.pk for u in units] + ids
    for name in ("fields", "app_demands"):
        if isinstance(merged.get(name), list):
            merged[name] = "；".join(str(v) for v in merged[name])
    for key, value in list(merged.items()):
        if value is None:
            merged[key] = ""
        elif isinstance(value, bool):
            merged[key] = "on" if value else ""
        elif hasattr(value, "isoformat"):
            merged[key] = value.isoformat()
        elif hasattr(value, "pk"):
            merged[key] = value.pk
        elif isinstance(value, list | dict) and key not in LIST_FIELDS:
            shape = "列表" if isinstance(value, list) else "对象"
            return Status(422, {"detail": f"字段 {key} 的值应为文本、数字或是/否，而不是{shape}。"})
    return merged


def _form_errors(form: ItemForm) -> dict:
    errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
    text = "；".join(f"{form.fields[k].label if k in form.fields else k}: {'，'.join(v)}" for k, v in errors.items())
    return {"detail": f"数据有误：{text}", "errors": errors}


def _valid_form(request, issuer: Unit, base: dict[str, Any] | None = None) -> ItemForm | Status:
    """The JSON body as a valid ItemForm, or the 422 answer. For an update, `base` holds
    the stored values the body changes, and a field the form does not know is refused."""
    data = _payload(request)
    if isinstance(data, Status):
        return data
    if base is not None:
        unknown = set(data) - set(COMMON_FIELDS) - set(ALL_KIND_FIELDS)
        if unknown:
            return Status(422, {"detail": f"未知字段：{'、'.join(sorted(unknown))}"})
    form_data = _form_data(data, base)
    if isinstance(form_data, Status):
        return form_data
    form = ItemForm(form_data, issuer=issuer)
    if not form.is_valid():
        return Status(422, _form_errors(form))
    return form


def _get(request, pk: int, may=None, refusal: str = "") -> Item | Status:
    """The item if the caller may see it and, when `may` is given, `may(user, item)`
    allows the action; else the 404/403 answer (`refusal` says who may act)."""
    item = Item.objects.select_related("issuer", "latest_review").filter(pk=pk).first()
    if item is None:
        return Status(404, {"detail": f"没有编号为 {pk} 的事项。"})
    if not perms.can_view_item(request.auth, item):
        return Status(403, {"detail": "您没有权限查看此事项。"})
    if may is not None and not may(request.auth, item):
        return Status(403, {"detail": refusal})
    return item


@router.get("/items", auth=api_auth, response={200: dict, **ERRORS}, summary="查询台账事项")
def list_items(request: HttpRequest):
    """Filters as on the ledger page: kind, status, issuer, unit, code, q, date_from, date_to; page, per_page."""
    qs, filters = search_items(request.auth, request.GET)
    per_page = request.GET.get("per_page", "50")
    per_page = min(int(per_page), MAX_PER_PAGE) if per_page.isdigit() and int(per_page) > 0 else 50
    page = Paginator(qs, per_page).get_page(request.GET.get("page"))
    return Status(
        200,
        {
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "warnings": filters.errors,
            "results": [item_json(item) for item in page],
        },
    )


@router.get("/items/{pk}", auth=api_auth, response={200: dict, **ERRORS}, summary="事项详情")
def get_item(request: HttpRequest, pk: int):
    item = _get(request, pk)
    if isinstance(item, Status):
        return item
    from jianfu.org.models import AuditEvent

    events = AuditEvent.objects.filter(target_type="ledger.item", target_id=str(item.pk)).select_related("actor")
    history = [
        {"at": e.at.isoformat(), "actor": str(e.actor) if e.actor else None, "action": e.action, "summary": e.summary}
        for e in events.order_by("at", "pk")
    ]
    data = {**item_json(item, full=True), "actions": perms.item_actions(request.auth, item), "history": history}
    return Status(200, data)


@router.post("/items", auth=api_auth, response={201: dict, **ERRORS}, summary="新建事项（草稿）")
def create_item(request: HttpRequest):
    user = request.auth
    if not perms.can_create_item(user):
        return Status(403, {"detail": "只有部门经办人（或可写令牌）可以新建事项。"})
    issuer = Unit.objects.get(pk=perms.creatable_issuer_id(user))
    form = _valid_form(request, issuer)
    if isinstance(form, Status):
        return form
    item = services.create_item(by=user, issuer=issuer, targets=form.target_units(), **form.service_fields())
    return Status(201, item_json(item, full=True))


@router.patch("/items/{pk}", auth=api_auth, response={200: dict, **ERRORS}, summary="修改草稿或被退回的事项")
def update_item(request: HttpRequest, pk: int):
    item = _get(request, pk, perms.can_edit_item, "只有本部门经办人可以修改草稿或被退回的事项。")
    if isinstance(item, Status):
        return item
    base = initial_from_item(item)
    base["targets"] = [link.unit.name for link in item.target_links.select_related("unit")]
    form = _valid_form(request, item.issuer, base)
    if isinstance(form, Status):
        return form
    item = services.update_item(item=item, by=request.auth, targets=form.target_units(), **form.service_fields())
    return Status(200, item_json(item, full=True))


@router.delete("/items/{pk}", auth=api_auth, response={200: dict, **ERRORS}, summary="删除草稿")
def delete_item(request: HttpRequest, pk: int):
    item = _get(request, pk, perms.can_delete_item, "只有本部门经办人可以删除草稿。")
    if isinstance(item, Status):
        return item
    services.delete_item(item=item, by=request.auth)
    return Status(200, {"deleted": pk})


@router.post("/items/{pk}/submit", auth=api_auth, response={200: dict, **ERRORS}, summary="提交审核")
def submit_item(request: HttpRequest, pk: int):
    item = _get(request, pk, perms.can_submit_item, "只有本部门经办人可以提交此事项。")
    if isinstance(item, Status):
        return item
    item = services.submit_item(item=item, by=request.auth)
    notify.after_submit(item)
    return Status(200, item_json(item, full=True))


@router.post("/items/{pk}/sign-off", auth=api_auth, response={200: dict, **ERRORS}, summary="部门负责人签批")
def sign_off(request: HttpRequest, pk: int):
    item = _get(request, pk, perms.can_sign_off, "只有本部门负责人可以签批草稿。")
    if isinstance(item, Status):
        return item
    item = services.sign_off(item=item, by=request.auth)
    return Status(200, item_json(item, full=True))


class DecideIn(Schema):
    decision: str
    comment: str = ""
    merge_into: int | None = None
    expected_status: str | None = None


def _decide(request, pk: int, payload: DecideIn):
    item = _get(request, pk)
    if isinstance(item, Status):
        return item
    if not perms.is_reviewer(request.auth) or not perms.can_decide(request.auth):
        return Status(403, {"detail": "只有减负办审核员可以作出审核决定。"})
    if payload.decision not in DecisionAction.values:
        return Status(422, {"detail": f"决定“{payload.decision}”无效，应为 approve、return、reject、merge 之一。"})
    target = None
    if payload.decision == DecisionAction.MERGE:
        target = Item.objects.filter(pk=payload.merge_into or 0).first()
        if target is None:
            return Status(422, {"detail": f"合并目标事项“{payload.merge_into}”不存在。"})
    item = services.decide(
        item=item,
        decision=payload.decision,
        by=request.auth,
        comment=payload.comment,
        merge_into=target,
        expected_status=payload.expected_status,
    )
    notify.after_decision(item)
    return Status(200, item_json(item, full=True))


@router.post("/items/{pk}/decide", auth=api_auth, response={200: dict, **ERRORS}, summary="审核决定")
def decide(request: HttpRequest, pk: int, payload: DecideIn):
    return _decide(request, pk, payload)


class MergeIn(Schema):
    target: int
    comment: str = ""
    expected_status: str | None = None


@router.post("/items/{pk}/merge", auth=api_auth, response={200: dict, **ERRORS}, summary="合并到另一事项")
def merge(request: HttpRequest, pk: int, payload: MergeIn):
    return _decide(
        request,
        pk,
        DecideIn(
            decision="merge",
            comment=payload.comment,
            merge_into=payload.target,
            expected_status=payload.expected_status,
        ),
    )


class IssueIn(Schema):
    issued_on: str | None = None
    number: str = ""


@router.post("/items/{pk}/issue", auth=api_auth, response={200: dict, **ERRORS}, summary="登记发布")
def issue(request: HttpRequest, pk: int, payload: IssueIn):
    import datetime as dt

    item = _get(request, pk, perms.can_issue_item, "只有本部门经办人可以登记已批准事项的发布。")
    if isinstance(item, Status):
        return item
    issued_on = None
    if payload.issued_on:
        try:
            issued_on = dt.date.fromisoformat(payload.issued_on)
        except ValueError:
            return Status(422, {"detail": f"issued_on（发布日期）“{payload.issued_on}”不是有效日期，如 2025-11-20。"})
    item = services.issue_item(item=item, by=request.auth, issued_on=issued_on, number=payload.number)
    return Status(200, item_json(item, full=True))
