"""The channel's API: /api/v1/channel/… — the same services and permission rules as the pages.

Public (no login): filing through a monitoring point's link, the receipt lookup
and the reporter's feedback. Receipt codes travel in POST bodies only, never in
URLs (URLs end up in proxy logs).
"""

import datetime as dt
import json
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from jianfu.api.auth import api_auth
from jianfu.channel import attachments, permissions, selectors, services
from jianfu.channel.models import BurdenReport, Identity, MonitoringPoint, ReportStatus
from jianfu.channel.services import ChannelError
from jianfu.ledger.models import Item
from jianfu.org.models import Unit

router = Router(tags=["监测点直报"])

_ERR = {403: dict, 404: dict, 422: dict}


# --------------------------------------------------------------------------- helpers


def _payload(request: HttpRequest) -> dict[str, Any]:
    """JSON body, or the fields of a multipart form (used when files are attached)."""
    if request.content_type and request.content_type.startswith("multipart/"):
        return {k: request.POST.get(k) for k in request.POST}
    try:
        data = json.loads(request.body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ChannelError(f"请求体不是有效的 JSON：{exc}") from exc
    if not isinstance(data, dict):
        raise ChannelError("请求体应为 JSON 对象。")
    return data


def _date(data: dict, key: str, label: str, required: bool = False) -> dt.date | None:
    value = data.get(key)
    if value in (None, ""):
        if required:
            raise ChannelError(f"缺少{label}（{key}）。")
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ChannelError(f"{label}（{key}）“{value}”不是有效日期，应为 YYYY-MM-DD。") from None


def _unit(data: dict, key: str, label: str) -> Unit | None:
    value = data.get(key)
    if value in (None, ""):
        return None
    try:
        return Unit.objects.get(pk=int(value))
    except (ValueError, TypeError, Unit.DoesNotExist):
        raise ChannelError(f"{label}（{key}）“{value}”不存在。") from None


def _steps(report: BurdenReport) -> list[dict[str, Any]]:
    return [
        {
            "kind": s.kind,
            "label": s.get_kind_display(),
            "on": s.on.isoformat(),
            "unit": s.actor_unit.name if s.actor_unit else None,
            "note": s.note,
        }
        for s in report.steps.all()
    ]


def public_dict(report: BurdenReport) -> dict[str, Any]:
    """What the holder of the receipt code sees: progress, never who acted in person."""
    return {
        "ref": report.ref,
        "status": report.status,
        "status_label": report.get_status_display(),
        "burden_type": report.burden_type,
        "received_on": report.received_on.isoformat(),
        "assigned_to": report.assigned_to.name if report.assigned_to else None,
        "due_on": report.due_on.isoformat() if report.due_on else None,
        "overdue": report.is_overdue,
        "answer": report.answer,
        "relief": report.relief or None,
        "steps": _steps(report),
        "merged_into": public_dict(report.merged_into) if report.merged_into_id else None,
    }


def report_dict(report: BurdenReport, user) -> dict[str, Any]:
    data = public_dict(report)
    data.update(
        {
            "id": str(report.pk),
            "identity": report.identity,
            "reporter": permissions.reporter_label(user, report),
            "unit": report.unit.name if report.unit else None,
            "description": report.description,
            "department": report.department.name if report.department else None,
            "item_id": report.item_id,
            "concerns_text": report.concerns_text,
            "happened_on": report.happened_on.isoformat() if report.happened_on else None,
            "found_item_id": report.found_item_id,
            "attachments": [
                {
                    "id": str(a.pk),
                    "name": a.display_name,
                    "role": a.role,
                    "size": a.size,
                    "content_type": a.content_type,
                }
                for a in report.attachments.all()
            ],
        }
    )
    return data


def _visible(request: HttpRequest, report_id) -> BurdenReport | None:
    report = selectors.report_detail(report_id)
    if report is None or not permissions.can_view_report(request.user, report):
        return None
    return report


def _file(request: HttpRequest, *, point: MonitoringPoint | None):
    data = _payload(request)
    item = None
    if data.get("item_id") not in (None, ""):
        item = Item.objects.filter(pk=data["item_id"]).first() if str(data["item_id"]).isdigit() else None
        if item is None:
            raise ChannelError(f"台账事项（item_id）“{data['item_id']}”不存在。")
    signed_in = request.user.is_authenticated
    report, code = services.file_report(
        identity=str(data.get("identity") or Identity.ANONYMOUS),
        burden_type=str(data.get("burden_type") or ""),
        description=str(data.get("description") or ""),
        by=request.user if signed_in else None,
        point=point,
        unit=_unit(data, "unit_id", "显示单位"),
        department=_unit(data, "department_id", "涉及部门"),
        item=item,
        concerns_text=str(data.get("concerns_text") or ""),
        happened_on=_date(data, "happened_on", "发生日期"),
        files=request.FILES.getlist("files"),
    )
    return Status(
        201,
        {
            "ref": report.ref,
            "receipt_code": code,
            "status": report.status,
            "received_on": str(report.received_on),
        },
    )


def _guard(fn):
    """Turn refusals into 422 with the Chinese message."""
    try:
        return fn()
    except (ChannelError, attachments.AttachmentError) as exc:
        return Status(422, {"detail": str(exc)})


# --------------------------------------------------------------------------- filing and receipt


@router.post("/channel/reports", auth=api_auth, response={201: dict, **_ERR}, summary="基层用户提交负担反映")
def file_report(request: HttpRequest):
    if not permissions.can_file(request.user):
        return Status(403, {"detail": "只有基层用户可以提交负担反映。"})
    return _guard(lambda: _file(request, point=None))


@router.post(
    "/channel/points/{token}/reports", auth=None, response={201: dict, **_ERR}, summary="凭监测点直报链接匿名反映"
)
def file_report_by_link(request: HttpRequest, token: str):
    point = services.point_by_token(token)
    if point is None:
        return Status(404, {"detail": "直报链接无效或已停用。"})
    return _guard(lambda: _file(request, point=point))


@router.post("/channel/receipt", auth=None, response={200: dict, **_ERR}, summary="凭回执码查询进展（无需登录）")
def receipt(request: HttpRequest):
    def run():
        report = services.find_by_receipt(str(_payload(request).get("code") or ""))
        if report is None:
            return Status(404, {"detail": "没有找到与该回执码对应的反映。"})
        return Status(200, public_dict(selectors.report_detail(report.pk)))

    return _guard(run)


@router.post("/channel/receipt/feedback", auth=None, response={200: dict, **_ERR}, summary="反映人凭回执码评价整改效果")
def receipt_feedback(request: HttpRequest):
    def run():
        data = _payload(request)
        report = services.find_by_receipt(str(data.get("code") or ""))
        if report is None:
            return Status(404, {"detail": "没有找到与该回执码对应的反映。"})
        services.record_feedback(
            report=report, relief=str(data.get("relief") or ""), comment=str(data.get("comment") or "")
        )
        return Status(200, public_dict(selectors.report_detail(report.pk)))

    return _guard(run)


# --------------------------------------------------------------------------- office and departments


@router.get("/channel/reports", auth=api_auth, response={200: list[dict], 403: dict}, summary="可见的负担反映")
def list_reports(request: HttpRequest, status: str = "", overdue: bool = False):
    user = request.user
    if not (permissions.can_view_stats(user) or permissions.is_department_staff(user) or permissions.can_file(user)):
        return Status(403, {"detail": "您没有查看负担反映的权限。"})
    status = status if status in ReportStatus.values else ""
    qs = selectors.report_list(permissions.visible_reports(user), status=status, overdue=overdue)
    qs = qs.prefetch_related("steps__actor_unit", "attachments").select_related("merged_into", "reporter")[:500]
    return Status(200, [report_dict(r, user) for r in qs])


@router.get("/channel/reports/{report_id}", auth=api_auth, response={200: dict, 404: dict}, summary="一条反映")
def get_report(request: HttpRequest, report_id: str):
    report = _visible(request, _uuid(report_id))
    if report is None:
        return Status(404, {"detail": "没有找到该反映，或您无权查看。"})
    return Status(200, report_dict(report, request.user))


def _uuid(value: str):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _act(request: HttpRequest, report_id: str, allowed, action):
    report = _visible(request, _uuid(report_id))
    if report is None:
        return Status(404, {"detail": "没有找到该反映，或您无权查看。"})
    if not allowed(request.user, report):
        return Status(403, {"detail": "您不能对该反映执行此操作。"})

    def run():
        action(report, _payload(request))
        return Status(200, report_dict(selectors.report_detail(report.pk), request.user))

    return _guard(run)


@router.post("/channel/reports/{report_id}/assign", auth=api_auth, response={200: dict, **_ERR}, summary="交办部门")
def assign(request: HttpRequest, report_id: str):
    def action(report, data):
        department = _unit(data, "department_id", "承办部门")
        if department is None:
            raise ChannelError("缺少承办部门（department_id）。")
        services.assign_report(
            report=report,
            department=department,
            due_on=_date(data, "due_on", "整改期限", required=True),
            note=str(data.get("note") or ""),
            by=request.user,
        )

    return _act(request, report_id, lambda u, r: permissions.can_triage(u), action)


@router.post("/channel/reports/{report_id}/merge", auth=api_auth, response={200: dict, **_ERR}, summary="合并重复反映")
def merge(request: HttpRequest, report_id: str):
    def action(report, data):
        target = BurdenReport.objects.filter(pk=_uuid(data.get("target_id") or "")).first()
        if target is None:
            raise ChannelError(f"目标反映（target_id）“{data.get('target_id')}”不存在。")
        services.merge_reports(source=report, target=target, by=request.user, note=str(data.get("note") or ""))

    return _act(request, report_id, lambda u, r: permissions.can_triage(u), action)


@router.post(
    "/channel/reports/{report_id}/answer", auth=api_auth, response={200: dict, **_ERR}, summary="部门答复整改情况"
)
def answer(request: HttpRequest, report_id: str):
    def action(report, data):
        services.answer_report(
            report=report, by=request.user, answer=str(data.get("answer") or ""), files=request.FILES.getlist("files")
        )

    return _act(request, report_id, permissions.can_answer, action)


@router.post(
    "/channel/reports/{report_id}/verify", auth=api_auth, response={200: dict, **_ERR}, summary="核验：办结或退回"
)
def verify(request: HttpRequest, report_id: str):
    def action(report, data):
        accept = data.get("accept") in (True, "true", "1", 1)
        services.verify_report(report=report, by=request.user, accept=accept, note=str(data.get("note") or ""))

    return _act(request, report_id, lambda u, r: permissions.can_triage(u), action)


@router.post(
    "/channel/reports/{report_id}/reopen", auth=api_auth, response={200: dict, **_ERR}, summary="已办结的反映重新交办"
)
def reopen(request: HttpRequest, report_id: str):
    def action(report, data):
        services.reopen_report(report=report, by=request.user, note=str(data.get("note") or ""))

    return _act(request, report_id, lambda u, r: permissions.can_triage(u), action)


@router.get("/channel/items", auth=api_auth, response={200: list[dict]}, summary="检索台账事项（供反映时选择）")
def search_items(request: HttpRequest, q: str = ""):
    return Status(
        200,
        [
            {"id": it.pk, "title": it.title, "issuer": it.issuer.name, "date": it.date.isoformat(), "kind": it.kind}
            for it in selectors.search_items(q)
        ],
    )


@router.post(
    "/channel/reports/{report_id}/to-item", auth=api_auth, response={200: dict, **_ERR}, summary="一键纳入台账"
)
def to_item(request: HttpRequest, report_id: str):
    def action(report, data):
        services.turn_into_item(
            report=report,
            by=request.user,
            kind=str(data.get("kind") or "") or None,
            title=str(data.get("title") or ""),
            issuer=_unit(data, "issuer_id", "发起部门"),
        )

    return _act(request, report_id, lambda u, r: permissions.can_triage(u), action)


@router.post(
    "/channel/reports/{report_id}/feedback", auth=api_auth, response={200: dict, **_ERR}, summary="实名反映人评价"
)
def feedback(request: HttpRequest, report_id: str):
    def action(report, data):
        services.record_feedback(
            report=report, relief=str(data.get("relief") or ""), comment=str(data.get("comment") or ""), by=request.user
        )

    return _act(request, report_id, permissions.can_give_feedback, action)


# --------------------------------------------------------------------------- statistics and points


@router.get("/channel/stats", auth=api_auth, response={200: dict, 403: dict, 422: dict}, summary="监测点反映统计")
def stats(request: HttpRequest, start: dt.date, end: dt.date):
    if not permissions.can_view_stats(request.user):
        return Status(403, {"detail": "只有减负办和领导可以查看统计。"})
    if end < start:
        return Status(422, {"detail": f"结束日期 {end} 早于开始日期 {start}。"})
    figures = selectors.channel_figures(start, end)
    figures["surveys"] = selectors.survey_totals(start, end)
    return Status(200, {"start": start.isoformat(), "end": end.isoformat(), "figures": figures})


@router.get("/channel/points", auth=api_auth, response={200: list[dict], 403: dict}, summary="监测点")
def list_points(request: HttpRequest):
    if not permissions.can_view_stats(request.user):
        return Status(403, {"detail": "只有减负办和领导可以查看监测点。"})
    show_link = permissions.can_manage_points(request.user)
    return Status(
        200,
        [
            {
                "id": p.pk,
                "unit": p.unit.name,
                "since": p.since.isoformat(),
                "is_active": p.is_active,
                **({"link_token": p.link_token} if show_link else {}),
            }
            for p in MonitoringPoint.objects.select_related("unit")
        ],
    )


@router.post("/channel/points", auth=api_auth, response={201: dict, **_ERR}, summary="设立监测点")
def create_point(request: HttpRequest):
    if not permissions.can_manage_points(request.user):
        return Status(403, {"detail": "只有减负办可以设立监测点。"})

    def run():
        data = _payload(request)
        unit = _unit(data, "unit_id", "基层单位")
        if unit is None:
            raise ChannelError("缺少基层单位（unit_id）。")
        point = services.create_point(unit=unit, by=request.user, note=str(data.get("note") or ""))
        return Status(201, {"id": point.pk, "unit": unit.name, "link_token": point.link_token})

    return _guard(run)


@router.post("/channel/points/{token}/survey", auth=None, response={200: dict, **_ERR}, summary="监测点月度问卷")
def survey(request: HttpRequest, token: str):
    point = services.point_by_token(token)
    if point is None:
        return Status(404, {"detail": "直报链接无效或已停用。"})

    def run():
        data = _payload(request)
        month_text = str(data.get("month") or "")
        try:
            month = dt.date.fromisoformat(month_text[:7] + "-01")
        except ValueError:
            raise ChannelError(f"月份（month）“{month_text}”格式不对，应为 YYYY-MM。") from None
        row = services.submit_survey(
            point=point,
            month=month,
            hours={k: data.get(k) for k in services.SURVEY_FIELDS},
            comments=str(data.get("comments") or ""),
        )
        return Status(200, {"unit": point.unit.name, "month": row.month.isoformat(), "total_hours": row.total_hours})

    return _guard(run)


@router.get(
    "/channel/points/compare",
    auth=api_auth,
    response={200: list[dict], 403: dict, 422: dict},
    summary="问卷工时与台账估算对照",
)
def compare(request: HttpRequest, month: str = ""):
    if not permissions.can_view_stats(request.user):
        return Status(403, {"detail": "只有减负办和领导可以查看。"})
    try:
        day = dt.date.fromisoformat(month[:7] + "-01") if month else selectors.last_month()
    except ValueError:
        return Status(422, {"detail": f"月份（month）“{month}”格式不对，应为 YYYY-MM。"})
    return Status(200, selectors.survey_vs_meter(day))
