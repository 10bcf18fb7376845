"""In-app notifications: the list, and marking them read."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jianfu.web import notify
from jianfu.web.models import Notification
from jianfu.web.views.common import paginate


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    notify.refresh_overdue(request.user)
    qs = Notification.objects.filter(user=request.user).select_related("item")
    return render(request, "web/notifications.html", {"page": paginate(request, qs, 50)})


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    qs = Notification.objects.filter(user=request.user, read_at__isnull=True)
    pk = request.POST.get("id", "")
    if pk.isdigit():
        qs = qs.filter(pk=int(pk))
    qs.update(read_at=timezone.now())
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("notifications")
