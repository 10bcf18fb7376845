"""Security middleware: response headers, and the steps a session must finish after login.

- Every response carries a Content-Security-Policy without `unsafe-inline`: the pages
  load htmx, ECharts and their own scripts from /static/ only, and set no inline
  script, handler or style (web's markup test keeps it so). The Django admin works
  under the same policy (its scripts are files; its JS sets element.style, which CSP
  allows).
- A session opened by someone who must change their password, or who enrolled a
  second factor, is held on that step until it is done. The flags are written into
  the session at login (no query per request).
"""

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout, user_logged_in
from django.contrib.sessions.models import Session
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from jianfu.org.services import record_audit

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    ]
)
# Nothing here uses the camera, microphone, location or payment; say so to the browser.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

SESSION_MUST_CHANGE_PASSWORD = "jianfu_must_change_password"  # noqa: S105 - a session key name
SESSION_OTP_PENDING = "jianfu_otp_pending"
SESSION_LOGIN_AT = "jianfu_login_at"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # A view that needs a narrower policy (a file download) may set its own.
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


def _step_exempt(path: str) -> bool:
    """Paths a session on a pending step may still reach: the step itself, logging out, assets."""
    exempt = [reverse("org:password_change"), reverse("org:otp_verify"), reverse("logout"), settings.STATIC_URL]
    return any(path.startswith(p if p.startswith("/") else "/" + p) for p in exempt)


class SecondStepMiddleware:
    """Holds a fresh session on 'change your password' or 'enter your code' until done."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        login_at = session.get(SESSION_LOGIN_AT) if session is not None else None
        if login_at is not None and time.time() - login_at > settings.SESSION_COOKIE_AGE:
            # An absolute limit: 8 hours after the password was given, however busy the session.
            logout(request)
            return _hold(request, "login", "登录已超过有效期，请重新登录。")
        # Flags first: the common case (no pending step) costs a dictionary lookup, nothing more.
        if session is not None and session.get(SESSION_OTP_PENDING) and not _step_exempt(request.path):
            return _hold(request, "org:otp_verify", "请先输入验证器上的动态码，完成两步验证。")
        if session is not None and session.get(SESSION_MUST_CHANGE_PASSWORD) and not _step_exempt(request.path):
            return _hold(request, "org:password_change", "请先修改密码后再继续使用。")
        return self.get_response(request)


def _hold(request: HttpRequest, url_name: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=403)
    url = reverse(url_name)
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    if request.method == "GET":
        url = f"{url}?{urlencode({'next': request.get_full_path()})}"
    return redirect(url)


@receiver(user_logged_in, dispatch_uid="jianfu.org.security.after_login")
def after_login(sender, request, user, **kwargs) -> None:
    """Put the pending steps of this login into its session."""
    if request is None or not hasattr(request, "session"):
        return
    from jianfu.org.otp import has_confirmed_device

    request.session[SESSION_LOGIN_AT] = int(time.time())
    if settings.JIANFU_PRODUCTION and not user.must_change_password and _uses_demo_password(user):
        user.must_change_password = True
        user.save(update_fields=["must_change_password"])
    if user.must_change_password:
        request.session[SESSION_MUST_CHANGE_PASSWORD] = True
    if has_confirmed_device(user):
        request.session[SESSION_OTP_PENDING] = True


def _uses_demo_password(user) -> bool:
    """A demo account whose printed (public) password still works."""
    from jianfu.ledger.demo.accounts import DEMO_ACCOUNTS

    passwords = {a.password for a in DEMO_ACCOUNTS if a.username == user.username}
    return any(user.check_password(p) for p in passwords)


@transaction.atomic
def end_all_sessions(*, user, by) -> int:
    """Logs `user` out on every browser: deletes each stored session that belongs to them.

    Sessions live in the database (one row each), so a scan of the unexpired ones is
    enough at the scale of a district; returns how many ended."""
    ids = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=500):
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            ids.append(session.pk)
    Session.objects.filter(pk__in=ids).delete()
    record_audit(actor=by, action="user.logout_everywhere", target=user, summary=f"{user.username} 在所有设备退出")
    return len(ids)


class CharacterClassValidator:
    """At least three of: upper-case letters, lower-case letters, digits, other characters
    (the complexity rule of China's graded protection baseline, 等保 2.0)."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    @staticmethod
    def classes(password: str) -> int:
        return sum(
            [
                any(c.isupper() for c in password),
                any(c.islower() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() for c in password),
            ]
        )

    def validate(self, password: str, user=None) -> None:
        from django.core.exceptions import ValidationError

        if self.classes(password) < self.min_classes:
            raise ValidationError("密码须至少包含大写字母、小写字母、数字、符号中的三类。", code="password_too_simple")

    def get_help_text(self) -> str:
        return "密码须至少包含大写字母、小写字母、数字、符号中的三类。"
