"""Lifecycle actions from the item page: sign off, submit, decide, merge, issue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from jianfu.ledger import services
from jianfu.ledger.choices import DecisionAction
from jianfu.ledger.lifecycle import LifecycleError
from jianfu.ledger.models import Item
from jianfu.org import permissions as perms
from jianfu.web import notify
from jianfu.web.forms import DecisionForm, IssueForm, MergeForm
from jianfu.web.templatetags.web_extras import VERDICT_LABELS
from jianfu.web.views.common import deny_unless, item_for


def _form_errors(form) -> str:
    return "；".join(
        f"{form.fields[k].label if k in form.fields else ''}{' ' if k in form.fields else ''}{e}"
        for k, errs in form.errors.items()
        for e in errs
    )


@login_required
@require_POST
def item_submit(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_for(request.user, pk)
    deny_unless(perms.can_submit_item(request.user, item), "只有本部门经办人可以提交此事项。")
    if item.issuer.requires_head_signoff and item.signed_off_by_id is None:
        notify.needs_signoff(item)
        messages.warning(request, f"{item.issuer}要求提交前由部门负责人签批，已通知负责人签批。")
        return redirect("item_detail", pk=pk)
    try:
        item = services.submit_item(item=item, by=request.user)
    except LifecycleError as exc:
        messages.error(request, str(exc))
    else:
        notify.after_submit(item)
        verdict = VERDICT_LABELS.get(item.latest_review.verdict, "") if item.latest_review else ""
        messages.success(request, f"已提交减负办审核。前置审核结论：{verdict}。")
    return redirect("item_detail", pk=pk)


@login_required
@require_POST
def item_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_for(request.user, pk)
    deny_unless(perms.can_sign_off(request.user, item), "只有本部门负责人可以签批。")
    try:
        services.sign_off(item=item, by=request.user)
    except LifecycleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已签批，经办人现在可以提交。")
    return redirect("item_detail", pk=pk)


def decide_and_notify(
    *, item: Item, by, decision: str, comment: str, expected_status: str | None, merge_into: Item | None = None
) -> Item:
    item = services.decide(
        item=item, decision=decision, by=by, comment=comment, merge_into=merge_into, expected_status=expected_status
    )
    notify.after_decision(item)
    return item


@login_required
@require_POST
def item_decide(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_for(request.user, pk)
    deny_unless(perms.is_reviewer(request.user), "只有减负办审核员可以作出审核决定。")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("item_detail", pk=pk)
    data = form.cleaned_data
    try:
        decide_and_notify(
            item=item,
            by=request.user,
            decision=data["decision"],
            comment=data["comment"],
            expected_status=data["expected_status"] or None,
        )
    except LifecycleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已{DecisionAction(data['decision']).label}：“{item.title}”。")
        nxt = request.POST.get("next")
        if nxt == "queue":
            return redirect("queue")
    return redirect("item_detail", pk=pk)


@login_required
@require_POST
def item_merge(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_for(request.user, pk)
    deny_unless(perms.is_reviewer(request.user), "只有减负办审核员可以合并事项。")
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("item_detail", pk=pk)
    target = Item.objects.filter(pk=form.cleaned_data["target"]).first()
    if target is None:
        messages.error(request, f"没有编号为 {form.cleaned_data['target']} 的事项。")
        return redirect("item_detail", pk=pk)
    try:
        decide_and_notify(
            item=item,
            by=request.user,
            decision=DecisionAction.MERGE,
            comment=form.cleaned_data["comment"],
            merge_into=target,
            expected_status=form.cleaned_data["expected_status"] or None,
        )
    except LifecycleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已将“{item.title}”合并至“{target.title}”。")
    return redirect("item_detail", pk=pk)


@login_required
@require_POST
def item_issue(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_for(request.user, pk)
    deny_unless(perms.can_issue_item(request.user, item), "只有本部门经办人可以登记已批准事项的发布。")
    form = IssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("item_detail", pk=pk)
    try:
        services.issue_item(
            item=item, by=request.user, issued_on=form.cleaned_data["issued_on"], number=form.cleaned_data["number"]
        )
    except LifecycleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已登记发布。")
    return redirect("item_detail", pk=pk)
