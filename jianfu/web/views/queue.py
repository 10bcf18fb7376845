"""The office reviewer's queue: submitted items, the most urgent first, with batch decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jianfu.ledger.choices import DecisionAction, Status
from jianfu.ledger.lifecycle import LifecycleError
from jianfu.ledger.models import Item
from jianfu.org import permissions as perms
from jianfu.web.views.common import deny_unless, paginate
from jianfu.web.views.workflow import decide_and_notify


def queue_items():
    urgency = Case(
        When(latest_review__verdict="block", then=Value(0)),
        When(latest_review__verdict="revise", then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        Item.objects.filter(status=Status.SUBMITTED)
        .select_related("issuer", "latest_review")
        .annotate(urgency=urgency)
        .order_by("urgency", "date", "submitted_at", "pk")
    )


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    deny_unless(perms.can_review_queue(request.user), "只有减负办审核员可以查看审核队列。")
    page = paginate(request, queue_items(), 50)
    return render(request, "web/queue.html", {"page": page})


@login_required
@require_POST
def queue_batch(request: HttpRequest) -> HttpResponse:
    deny_unless(perms.can_review_queue(request.user), "只有减负办审核员可以批量审核。")
    action = request.POST.get("action")
    comment = (request.POST.get("comment") or "").strip()
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
    if action not in (DecisionAction.APPROVE, DecisionAction.RETURN):
        messages.error(request, "请选择“批量批准”或“批量退回”。")
        return redirect("queue")
    if not ids:
        messages.error(request, "请先勾选要处理的事项。")
        return redirect("queue")
    if action == DecisionAction.RETURN and not comment:
        messages.error(request, "批量退回须填写意见，告诉经办人改什么。")
        return redirect("queue")
    done, failed = 0, []
    for item in Item.objects.filter(pk__in=ids):
        try:
            decide_and_notify(
                item=item, by=request.user, decision=action, comment=comment, expected_status=Status.SUBMITTED
            )
            done += 1
        except LifecycleError as exc:
            failed.append(f"“{item.title}”：{exc}")
    label = DecisionAction(action).label
    if done:
        messages.success(request, f"已{label} {done} 项。")
    for text in failed:
        messages.error(request, text)
    return redirect("queue")
