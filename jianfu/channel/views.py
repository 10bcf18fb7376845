"""Pages of the channel. Thin: check permission → validate → call a service or selector → render.

The filing and receipt pages never log, never put the receipt code in a URL
(lookups are POSTs) and never use the session or messages for anonymous reporters.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jianfu.channel import attachments, permissions, selectors, services
from jianfu.channel.forms import (
    AnswerForm,
    AssignForm,
    FeedbackForm,
    MergeForm,
    PointForm,
    ReceiptForm,
    ReportForm,
    SurveyForm,
    ToItemForm,
    VerifyForm,
)
from jianfu.channel.models import (
    BurdenReport,
    BurdenType,
    Identity,
    MonitoringPoint,
    ReportAttachment,
    ReportStatus,
)
from jianfu.channel.services import ChannelError
from jianfu.ledger.models import Item


def _no_store(response: HttpResponse) -> HttpResponse:
    """Receipt codes and reports must not linger in shared caches or the browser history.

    (No "no-referrer" here: Chrome then sends "Origin: null" with the form and CSRF refuses it.)
    """
    response["Cache-Control"] = "no-store"
    return response


# --------------------------------------------------------------------------- home


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    year_start = today.replace(month=1, day=1)
    context = {
        "can_file": permissions.can_file(user),
        "can_triage": permissions.can_triage(user),
        "is_department": permissions.is_department_staff(user),
        "can_view_stats": permissions.can_view_stats(user),
        "can_manage_points": permissions.can_manage_points(user),
        "mine": selectors.report_list(BurdenReport.objects.filter(reporter=user).exclude(identity=Identity.ANONYMOUS))[
            :50
        ],
    }
    point = MonitoringPoint.objects.filter(unit_id=user.unit_id, is_active=True).first() if user.unit_id else None
    # A monitoring point's own staff reach their survey from here too (not only by the link).
    context["survey_token"] = point.link_token if point and context["can_file"] else ""
    if context["can_view_stats"]:
        context["figures"] = selectors.channel_figures(year_start, today)
        context["overdue"] = selectors.overdue_count(today)
        context["new_count"] = BurdenReport.objects.filter(status=ReportStatus.NEW).count()
    if context["is_department"]:
        context["dept_reports"] = selectors.report_list(
            BurdenReport.objects.filter(assigned_to_id=user.unit_id, status=ReportStatus.ASSIGNED)
        )
    return render(request, "channel/index.html", context)


# --------------------------------------------------------------------------- filing


def _filing(request: HttpRequest, *, point: MonitoringPoint | None) -> HttpResponse:
    signed_in = request.user.is_authenticated
    home_unit = point.unit if point else request.user.unit
    unit_choices = services.reporter_unit_choices(home_unit)
    anonymous_only = point is not None and not signed_in
    form = ReportForm(request.POST or None, unit_choices=unit_choices, anonymous_only=anonymous_only)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = Item.objects.filter(pk=data["item"]).first() if data.get("item") else None
        try:
            report, code = services.file_report(
                identity=data["identity"],
                burden_type=data["burden_type"],
                description=data["description"],
                by=request.user if signed_in else None,
                point=point,
                unit=data["unit"],
                department=data["department"],
                item=item,
                concerns_text=data["concerns_text"],
                happened_on=data["happened_on"],
                files=request.FILES.getlist("files"),
            )
        except (ChannelError, attachments.AttachmentError) as exc:
            error = str(exc)
        else:
            # The code is shown in this response only, never in a URL or a redirect.
            return _no_store(render(request, "channel/receipt_issued.html", {"report": report, "code": code}))
    response = render(
        request,
        "channel/report_form.html",
        {
            "form": form,
            "error": error,
            "point": point,
            "types": BurdenType,
            "max_files": attachments.MAX_FILES,
            "max_mb": attachments.MAX_BYTES // 1024 // 1024,
        },
    )
    return _no_store(response)


@login_required
def new_report(request: HttpRequest) -> HttpResponse:
    if not permissions.can_file(request.user):
        raise PermissionDenied("只有基层用户可以在此反映；也可使用本单位监测点的直报链接匿名反映。")
    return _filing(request, point=None)


def point_report(request: HttpRequest, token: str) -> HttpResponse:
    point = services.point_by_token(token)
    if point is None:
        raise Http404("直报链接无效或已停用。")
    return _filing(request, point=point)


def point_survey(request: HttpRequest, token: str) -> HttpResponse:
    point = services.point_by_token(token)
    if point is None:
        raise Http404("直报链接无效或已停用。")
    form = SurveyForm(request.POST or None, initial={"month": selectors.last_month().strftime("%Y-%m")})
    error, saved = "", None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.submit_survey(
                point=point,
                month=data["month"],
                hours={k: data[k] for k in services.SURVEY_FIELDS},
                comments=data["comments"],
                by=request.user if request.user.is_authenticated else None,
            )
        except ChannelError as exc:
            error = str(exc)
    return _no_store(
        render(request, "channel/survey_form.html", {"form": form, "point": point, "error": error, "saved": saved})
    )


# --------------------------------------------------------------------------- receipt (no login)


@never_cache
def receipt(request: HttpRequest) -> HttpResponse:
    form = ReceiptForm(request.POST or None)
    report, error = None, ""
    feedback_form = FeedbackForm()
    if request.method == "POST" and form.is_valid():
        report = services.find_by_receipt(form.cleaned_data["code"])
        if report is None:
            error = "没有找到与该回执码对应的反映，请核对后重试（不区分大小写，短横线可省略）。"
        elif request.POST.get("action") == "feedback":
            feedback_form = FeedbackForm(request.POST)
            if feedback_form.is_valid():
                try:
                    services.record_feedback(
                        report=report,
                        relief=feedback_form.cleaned_data["relief"],
                        comment=feedback_form.cleaned_data["comment"],
                    )
                    report.refresh_from_db()
                    feedback_form = FeedbackForm()
                except ChannelError as exc:
                    error = str(exc)
            else:
                error = "请选择负担是否真的减轻了，再提交评价。"
        if report is not None:
            report = selectors.report_detail(report.pk)
    context = {
        "form": form,
        "report": report,
        "error": error,
        "feedback_form": feedback_form,
        "code": form.cleaned_data.get("code", "") if form.is_bound and form.is_valid() else "",
        "target": selectors.report_detail(report.merged_into_id) if report and report.merged_into_id else None,
    }
    return _no_store(render(request, "channel/receipt.html", context))


# --------------------------------------------------------------------------- office / department


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (permissions.can_view_stats(user) or permissions.is_department_staff(user)):
        raise PermissionDenied("您没有查看负担反映的权限。")
    status = request.GET.get("status", "")
    if status not in ReportStatus.values:
        status = ""
    overdue = request.GET.get("overdue") == "1"
    reports = selectors.report_list(permissions.visible_reports(user), status=status, overdue=overdue)[:500]
    return render(
        request,
        "channel/report_list.html",
        {"reports": reports, "status": status, "overdue": overdue, "statuses": ReportStatus.choices},
    )


def _report_or_404(request: HttpRequest, pk) -> BurdenReport:
    report = selectors.report_detail(pk)
    if report is None or not permissions.can_view_report(request.user, report):
        # The same answer for “no such report” and “not yours”: ids are not probed.
        raise Http404("没有找到该反映，或您无权查看。")
    return report


@login_required
def report_detail(request: HttpRequest, pk) -> HttpResponse:
    report = _report_or_404(request, pk)
    user = request.user
    context = {
        "report": report,
        "reporter": permissions.reporter_label(user, report),
        "can_triage": permissions.can_triage(user) and report.status != ReportStatus.MERGED,
        "can_answer": permissions.can_answer(user, report),
        "can_feedback": permissions.can_give_feedback(user, report),
    }
    if context["can_triage"]:
        context["assign_form"] = AssignForm(
            initial={"department": report.assigned_to_id or report.department_id, "due_on": report.due_on}
            if report.assigned_to_id or report.department_id
            else None
        )
        context["merge_form"] = MergeForm(report=report)
        context["verify_form"] = VerifyForm(initial={"decision": "close"})
        context["item_form"] = ToItemForm(
            initial={
                "kind": services.ITEM_KIND_FOR_TYPE.get(report.burden_type),
                "issuer": report.assigned_to_id or report.department_id,
            }
        )
    if context["can_answer"]:
        context["answer_form"] = AnswerForm()
    if context["can_feedback"]:
        context["feedback_form"] = FeedbackForm()
    return render(request, "channel/report_detail.html", context)


def _act(request: HttpRequest, pk, *, allowed, action) -> HttpResponse:
    report = _report_or_404(request, pk)
    if not allowed(request.user, report):
        raise PermissionDenied("您不能对该反映执行此操作。")
    try:
        message = action(report)
    except (ChannelError, attachments.AttachmentError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, message)
    return redirect("channel:report_detail", pk=report.pk)


def _form_error(form) -> str:
    return "；".join(
        f"{form.fields[f].label if f in form.fields else ''}：{' '.join(e)}" for f, e in form.errors.items()
    )


@login_required
@require_POST
def assign(request: HttpRequest, pk) -> HttpResponse:
    def action(report):
        form = AssignForm(request.POST)
        if not form.is_valid():
            raise ChannelError(_form_error(form))
        services.assign_report(
            report=report,
            department=form.cleaned_data["department"],
            due_on=form.cleaned_data["due_on"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
        return f"已交{form.cleaned_data['department']}办理。"

    return _act(request, pk, allowed=lambda u, r: permissions.can_triage(u), action=action)


@login_required
@require_POST
def merge(request: HttpRequest, pk) -> HttpResponse:
    def action(report):
        form = MergeForm(request.POST, report=report)
        if not form.is_valid():
            raise ChannelError(_form_error(form))
        services.merge_reports(source=report, target=form.cleaned_data["target"], by=request.user)
        return f"已合并到 {form.cleaned_data['target'].ref}。"

    return _act(request, pk, allowed=lambda u, r: permissions.can_triage(u), action=action)


@login_required
@require_POST
def answer(request: HttpRequest, pk) -> HttpResponse:
    def action(report):
        form = AnswerForm(request.POST)
        if not form.is_valid():
            raise ChannelError(_form_error(form))
        services.answer_report(
            report=report, by=request.user, answer=form.cleaned_data["answer"], files=request.FILES.getlist("files")
        )
        return "已答复，等待减负办核验。"

    return _act(request, pk, allowed=permissions.can_answer, action=action)


@login_required
@require_POST
def verify(request: HttpRequest, pk) -> HttpResponse:
    def action(report):
        accept = request.POST.get("decision") == "close"
        services.verify_report(report=report, by=request.user, accept=accept, note=request.POST.get("note", ""))
        return "已办结。" if accept else "已退回部门重办。"

    return _act(request, pk, allowed=lambda u, r: permissions.can_triage(u), action=action)


@login_required
@require_POST
def reopen(request: HttpRequest, pk) -> HttpResponse:
    def action(report):
        services.reopen_report(report=report, by=request.user, note=request.POST.get("note", ""))
        return "已重新交办。"

    return _act(request, pk, allowed=lambda u, r: permissions.can_triage(u), action=action)


@login_required
@require_POST
def to_item(request: HttpRequest, pk) -> HttpResponse:
    def action(report):
        form = ToItemForm(request.POST)
        if not form.is_valid():
            raise ChannelError(_form_error(form))
        item = services.turn_into_item(
            report=report,
            by=request.user,
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            issuer=form.cleaned_data["issuer"],
        )
        return f"已纳入台账：事项 #{item.pk}“{item.title}”。"

    return _act(request, pk, allowed=lambda u, r: permissions.can_triage(u), action=action)


@login_required
@require_POST
def feedback(request: HttpRequest, pk) -> HttpResponse:
    def action(report):
        form = FeedbackForm(request.POST)
        if not form.is_valid():
            raise ChannelError(_form_error(form))
        services.record_feedback(
            report=report, relief=form.cleaned_data["relief"], comment=form.cleaned_data["comment"], by=request.user
        )
        return "感谢评价。"

    return _act(request, pk, allowed=permissions.can_give_feedback, action=action)


# --------------------------------------------------------------------------- attachments


def _serve(attachment: ReportAttachment) -> FileResponse:
    try:
        path = attachments.path_of(attachment.stored_name)
        handle = path.open("rb")
    except (attachments.AttachmentError, OSError) as exc:
        raise Http404("附件不存在。") from exc
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.display_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return _no_store(response)


def attachment(request: HttpRequest, pk) -> HttpResponse:
    """GET for signed-in users who may see the report; POST with the receipt code for its reporter."""
    att = get_object_or_404(ReportAttachment.objects.select_related("report"), pk=pk)
    if request.method == "POST":
        report = services.find_by_receipt(request.POST.get("code", ""))
        if report is None or att.report_id not in {report.pk, report.merged_into_id}:
            raise Http404("附件不存在。")
        return _serve(att)
    if not permissions.can_view_report(request.user, att.report):
        raise Http404("附件不存在。")
    return _serve(att)


# --------------------------------------------------------------------------- items search (report form)


def item_search(request: HttpRequest) -> JsonResponse:
    """Ledger search for the report form: signed-in users, or holders of a point's link."""
    if not request.user.is_authenticated and services.point_by_token(request.GET.get("p", "")) is None:
        return JsonResponse({"detail": "请先登录或使用监测点直报链接。"}, status=403)
    rows = [
        {"id": it.pk, "title": it.title, "issuer": it.issuer.name, "date": it.date.isoformat()}
        for it in selectors.search_items(request.GET.get("q", ""))
    ]
    return JsonResponse({"items": rows})


# --------------------------------------------------------------------------- monitoring points


@login_required
def points(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_stats(request.user):
        raise PermissionDenied("只有减负办和领导可以查看监测点。")
    can_manage = permissions.can_manage_points(request.user)
    form = PointForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("只有减负办可以设立监测点。")
        if form.is_valid():
            try:
                services.create_point(unit=form.cleaned_data["unit"], note=form.cleaned_data["note"], by=request.user)
                messages.success(request, f"已将{form.cleaned_data['unit']}设为监测点。")
                return redirect("channel:points")
            except ChannelError as exc:
                messages.error(request, str(exc))
    month_text = request.GET.get("month", "")
    try:
        month = dt.date.fromisoformat(month_text + "-01") if month_text else selectors.last_month()
    except ValueError:
        messages.error(request, f"月份“{month_text}”格式不对，应为 YYYY-MM。")
        month = selectors.last_month()
    context = {
        "points": MonitoringPoint.objects.select_related("unit"),
        "form": form,
        "can_manage": can_manage,
        "month": month,
        "compare": selectors.survey_vs_meter(month),
        "base_url": f"{request.scheme}://{request.get_host()}",
    }
    return render(request, "channel/points.html", context)


@login_required
@require_POST
def point_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_manage_points(request.user):
        raise PermissionDenied("只有减负办可以管理监测点。")
    point = get_object_or_404(MonitoringPoint, pk=pk)
    services.rotate_point_link(point=point, by=request.user)
    messages.success(request, f"已为{point.unit}生成新的直报链接，旧链接作废。")
    return redirect("channel:points")
