"""Account security pages (password, second factor, logout everywhere), the audit log,
and the error page shown when the database cannot be reached."""

import sys

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from jianfu.org import otp
from jianfu.org.models import AuditEvent, TotpDevice
from jianfu.org.permissions import reads_everything
from jianfu.org.security import SESSION_MUST_CHANGE_PASSWORD, SESSION_OTP_PENDING, end_all_sessions
from jianfu.org.services import record_audit

AUDIT_PAGE_SIZE = 50
OTP_MAX_FAILURES = 5


def _safe_next(request: HttpRequest, fallback: str = "home") -> str:
    """A local path to go on to (never another site, never a bare word that redirect() would reverse)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and not target.startswith("//")
        and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    ):
        return target
    return reverse(fallback)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    device = TotpDevice.objects.filter(user=request.user).first()
    return render(
        request,
        "org/account.html",
        {"device": device, "may_enrol": otp.may_enrol(request.user)},
    )


class ForcedPasswordChangeView(PasswordChangeView):
    """Django's password change (old password, validators, session kept), which also
    lifts the 'must change password' hold and records the change."""

    template_name = "org/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        self.request.session.pop(SESSION_MUST_CHANGE_PASSWORD, None)
        record_audit(actor=user, action="user.password_change", target=user, summary=f"{user.username} 修改密码")
        messages.success(self.request, "密码已修改；其他设备上的登录已失效。")
        return response


password_change = login_required(ForcedPasswordChangeView.as_view())


@login_required
@never_cache  # the page shows the secret: no copy in any cache
def otp_enrol(request: HttpRequest) -> HttpResponse:
    if not otp.may_enrol(request.user):
        raise PermissionDenied("两步验证仅面向减负办审核员和系统管理员。")
    error = ""
    if request.method == "POST":
        try:
            otp.confirm_enrolment(user=request.user, code=request.POST.get("code", ""))
        except otp.OtpError as exc:
            error = str(exc)
        else:
            messages.success(request, "两步验证已启用：以后登录时须输入验证器上的动态码。")
            return redirect("org:account")
        device = TotpDevice.objects.filter(user=request.user).first()
    else:
        try:
            device = otp.start_enrolment(user=request.user)
        except otp.OtpError as exc:
            messages.error(request, str(exc))
            return redirect("org:account")
    if device is None:
        return redirect("org:otp_enrol")
    secret_groups = " ".join(device.secret[i : i + 4] for i in range(0, len(device.secret), 4))
    return render(
        request,
        "org/otp_enrol.html",
        {"secret": secret_groups, "uri": otp.provisioning_uri(device), "error": error},
        status=400 if error else 200,
    )


@login_required
@never_cache
def otp_verify(request: HttpRequest) -> HttpResponse:
    if not request.session.get(SESSION_OTP_PENDING):
        return HttpResponseRedirect(_safe_next(request))
    error = ""
    if request.method == "POST":
        if otp.verify(user=request.user, code=request.POST.get("code", "")):
            request.session.pop(SESSION_OTP_PENDING, None)
            request.session.pop("jianfu_otp_failures", None)
            request.session.cycle_key()
            return HttpResponseRedirect(_safe_next(request))
        failures = request.session.get("jianfu_otp_failures", 0) + 1
        if failures >= OTP_MAX_FAILURES:
            # Guessing codes from a stolen password ends the session; the next try starts at the password
            # again, where django-axes counts the failures.
            logout(request)
            messages.error(request, f"动态码连续 {OTP_MAX_FAILURES} 次错误，已退出登录，请重新登录。")
            return redirect("login")
        request.session["jianfu_otp_failures"] = failures
        error = f"动态码不正确或已使用过（还可尝试 {OTP_MAX_FAILURES - failures} 次）。"
    return render(
        request,
        "org/otp_verify.html",
        {"error": error, "next": request.GET.get("next", "")},
        status=400 if error else 200,
    )


@login_required
@require_POST
def otp_disable(request: HttpRequest) -> HttpResponse:
    if otp.disable(user=request.user, by=request.user):
        messages.success(request, "已停用两步验证。")
    return redirect("org:account")


@login_required
@require_POST
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    user = request.user
    ended = end_all_sessions(user=user, by=user)
    logout(request)
    messages.success(request, f"已在所有设备退出（共 {ended} 处登录）。")
    return redirect("login")


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """Read-only: who changed what, when, before and after. There is no edit here, by design."""
    if not reads_everything(request.user):
        raise PermissionDenied("审计记录仅对减负办、领导和系统管理员开放。")
    actor = request.GET.get("actor", "").strip()
    action = request.GET.get("action", "").strip()
    target = request.GET.get("target", "").strip()
    events = AuditEvent.objects.select_related("actor")
    if actor:
        events = events.filter(actor__username__icontains=actor) | events.filter(actor__display_name__icontains=actor)
    if action:
        events = events.filter(action__startswith=action)
    if target:
        kind, _, ident = target.partition("#")
        events = events.filter(target_type__icontains=kind) if kind else events
        events = events.filter(target_id=ident) if ident else events
    page = Paginator(events.order_by("-at", "-pk"), AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    actions = AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "org/audit.html",
        {
            "page": page,
            "actor": actor,
            "action": action,
            "target": target,
            "actions": list(actions),
            "query": query.urlencode(),
        },
    )


DB_ERRORS = (OperationalError, InterfaceError)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a lost database connection gets its own page (503, try again), the rest 500.

    Django calls this inside its exception handler, so the exception is still at hand.
    Neither page touches the database or the session."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DB_ERRORS) or (isinstance(exc, DatabaseError) and "connection" in str(exc).lower()):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())
