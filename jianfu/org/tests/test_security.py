"""Accounts and pages: lockout, forced password change, second factor, logout everywhere,
security headers, and the clear page when the database is gone."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pyotp
import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError
from django.test import Client
from django.urls import path, reverse

from jianfu.org import otp
from jianfu.org.models import AuditEvent, Setting, TotpDevice
from jianfu.org.security import CONTENT_SECURITY_POLICY, SESSION_LOGIN_AT, SESSION_OTP_PENDING
from jianfu.org.services import set_setting

PASSWORD = "Jianfu-test-2025"


def login(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


# --------------------------------------------------------------------------- headers


def test_every_page_carries_a_strict_content_security_policy(client, personas):
    client.force_login(personas["reviewer"])
    for url in (reverse("home"), reverse("login"), reverse("org:audit"), "/admin/login/"):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_policy_allows_nothing_from_other_origins():
    assert "http" not in CONTENT_SECURITY_POLICY and "*" not in CONTENT_SECURITY_POLICY


# --------------------------------------------------------------------------- lockout


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(client, personas, settings):
    settings.AXES_ENABLED = True
    for _ in range(4):
        response = login(client, "clerk_a", "wrong-password")
        assert response.status_code == 200  # the login page again, with its error
    response = login(client, "clerk_a", "wrong-password")
    assert response.status_code == 429
    assert "已暂时锁定 15 分钟" in response.content.decode()
    # Even the right password is refused while locked.
    response = login(client, "clerk_a")
    assert response.status_code == 429 and "_auth_user_id" not in client.session


def test_other_accounts_are_not_locked_by_someone_elses_failures(client, personas):
    for _ in range(5):
        login(client, "clerk_a", "wrong-password")
    response = login(client, "clerk_b")
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(personas["clerk_b"].pk)


def test_a_successful_login_resets_the_failure_count(client, personas):
    for _ in range(4):
        login(client, "clerk_a", "wrong-password")
    assert login(client, "clerk_a").status_code == 302
    client.logout()
    for _ in range(4):
        assert login(client, "clerk_a", "wrong-password").status_code == 200
    assert login(client, "clerk_a").status_code == 302


def test_sessions_expire_after_eight_hours_or_at_browser_close(settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_a_session_ends_eight_hours_after_login_however_busy(client, personas):
    client.force_login(personas["clerk_a"])
    assert client.get(reverse("item_list")).status_code == 200
    session = client.session
    session[SESSION_LOGIN_AT] -= 8 * 3600 + 1
    session.save()

    response = client.get(reverse("item_list"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


# --------------------------------------------------------------------------- forced password change


def test_a_user_who_must_change_password_is_held_on_the_change_page(client, personas):
    clerk = personas["clerk_a"]
    clerk.must_change_password = True
    clerk.save(update_fields=["must_change_password"])
    login(client, "clerk_a")

    response = client.get(reverse("item_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("org:password_change"))
    assert client.get(reverse("org:password_change")).status_code == 200

    response = client.post(
        reverse("org:password_change"),
        {"old_password": PASSWORD, "new_password1": "Qingshan-river-77", "new_password2": "Qingshan-river-77"},
    )
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert not clerk.must_change_password and clerk.check_password("Qingshan-river-77")
    assert client.get(reverse("item_list")).status_code == 200
    assert AuditEvent.objects.filter(action="user.password_change", target_id=str(clerk.pk)).exists()


def test_weak_new_passwords_are_refused_in_chinese(client, personas):
    client.force_login(personas["clerk_a"])
    for weak in ("12345678901", "password123", "clerk_a2025", "qingshanriver", "QINGSHAN-RIVER"):
        response = client.post(
            reverse("org:password_change"), {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak}
        )
        assert response.status_code == 200, weak
        assert 'role="alert"' in response.content.decode()
    personas["clerk_a"].refresh_from_db()
    assert personas["clerk_a"].check_password(PASSWORD)


def test_demo_accounts_must_change_their_public_password_in_production(client, district, settings):
    from jianfu.testing import make_user

    settings.JIANFU_PRODUCTION = True
    make_user("office", unit=district["office"], password="jianfu-office-2025")
    login(client, "office", "jianfu-office-2025")
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("org:password_change") in response["Location"]


def test_demo_accounts_are_not_held_outside_production(client, district, settings):
    from jianfu.testing import make_user

    settings.JIANFU_PRODUCTION = False
    make_user("office", unit=district["office"], password="jianfu-office-2025")
    login(client, "office", "jianfu-office-2025")
    assert client.get(reverse("home")).status_code == 200


# --------------------------------------------------------------------------- second factor


def enrol(client, user):
    client.force_login(user)
    response = client.get(reverse("org:otp_enrol"))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    device = TotpDevice.objects.get(user=user)
    assert device.secret[:4] in response.content.decode() and "otpauth://totp/" in response.content.decode()
    code = pyotp.TOTP(device.secret).now()
    response = client.post(reverse("org:otp_enrol"), {"code": code})
    assert response.status_code == 302
    device.refresh_from_db()
    return device


def test_reviewer_enrols_and_then_must_give_a_code_at_login(client, personas):
    reviewer = personas["reviewer"]
    device = enrol(client, reviewer)
    assert device.is_confirmed
    client.logout()

    assert login(client, "reviewer").status_code == 302
    response = client.get(reverse("item_list"), {"q": "会议", "status": "draft"})
    assert response.status_code == 302
    assert (
        response["Location"]
        == reverse("org:otp_verify") + "?next=%2Fitems%2F%3Fq%3D%25E4%25BC%259A%25E8%25AE%25AE%26status%3Ddraft"
    )
    assert client.get("/api/v1/items").status_code == 403

    response = client.post(reverse("org:otp_verify"), {"code": "000000"})
    assert response.status_code == 400 and "动态码不正确" in response.content.decode()
    code = pyotp.TOTP(device.secret).at(__import__("time").time() + 30)  # the next step: drift allowed
    response = client.post(reverse("org:otp_verify") + "?next=/queue/", {"code": code, "next": "/queue/"})
    assert response.status_code == 302 and response["Location"] == "/queue/"
    assert client.get(reverse("queue")).status_code == 200


def test_a_code_is_accepted_only_once(personas):
    device = TotpDevice.objects.create(user=personas["reviewer"], secret=pyotp.random_base32())
    device.confirmed_at = device.created_at
    device.save()
    code = pyotp.TOTP(device.secret).now()
    assert otp.verify(user=personas["reviewer"], code=code)
    assert not otp.verify(user=personas["reviewer"], code=code)


def test_five_wrong_codes_end_the_session(client, personas):
    enrol(client, personas["reviewer"])
    client.logout()
    login(client, "reviewer")
    for _ in range(4):
        assert client.post(reverse("org:otp_verify"), {"code": "000000"}).status_code == 400
    response = client.post(reverse("org:otp_verify"), {"code": "000000"})
    assert response["Location"] == reverse("login") and "_auth_user_id" not in client.session


def test_an_unconfirmed_enrolment_does_not_lock_anyone_out(client, personas):
    client.force_login(personas["reviewer"])
    client.get(reverse("org:otp_enrol"))
    client.logout()
    login(client, "reviewer")
    assert SESSION_OTP_PENDING not in client.session
    assert client.get(reverse("queue")).status_code == 200


def test_second_factor_is_offered_to_office_and_admins_only(client, personas):
    client.force_login(personas["clerk_a"])
    assert client.get(reverse("org:otp_enrol")).status_code == 403
    assert not TotpDevice.objects.exists()
    client.force_login(personas["admin"])
    assert client.get(reverse("org:otp_enrol")).status_code == 200


def test_disabling_the_second_factor_is_audited(client, personas):
    enrol(client, personas["admin"])
    response = client.post(reverse("org:otp_disable"))
    assert response.status_code == 302 and not TotpDevice.objects.exists()
    assert AuditEvent.objects.filter(action="otp.disable").count() == 1
    assert AuditEvent.objects.filter(action="otp.enable").count() == 1


# --------------------------------------------------------------------------- logout everywhere


def test_logout_everywhere_ends_every_session_of_that_user_only(personas):
    phone, laptop, other = Client(), Client(), Client()
    for c in (phone, laptop):
        c.force_login(personas["clerk_a"])
    other.force_login(personas["clerk_b"])
    assert laptop.get(reverse("item_list")).status_code == 200

    response = phone.post(reverse("org:logout_everywhere"))

    assert response.status_code == 302
    assert laptop.get(reverse("item_list")).status_code == 302  # back to the login page
    assert other.get(reverse("item_list")).status_code == 200
    assert Session.objects.count() == 1
    assert AuditEvent.objects.filter(action="user.logout_everywhere", target_id=str(personas["clerk_a"].pk)).exists()


def test_logout_everywhere_needs_a_post_with_csrf(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["clerk_a"])
    assert client.get(reverse("org:logout_everywhere")).status_code == 405
    assert client.post(reverse("org:logout_everywhere")).status_code == 403
    assert Session.objects.count() == 1


# --------------------------------------------------------------------------- audit page


def test_office_reads_the_audit_trail_with_before_and_after(client, personas):
    set_setting(key="gate.max_pages", value=10, by=personas["admin"])
    set_setting(key="gate.max_pages", value=12, by=personas["reviewer"])
    client.force_login(personas["reviewer"])

    page = client.get(reverse("org:audit"), {"actor": "reviewer", "action": "setting."}).content.decode()

    assert "setting.change" in page and "org.setting#" in page
    assert "10" in page and "12" in page
    assert page.count("<tr>") == 2  # header + the reviewer's one change; the admin's is filtered out


def test_audit_trail_filters_by_target(client, personas):
    first = set_setting(key="a", value=1, by=personas["admin"])
    set_setting(key="b", value=2, by=personas["admin"])
    client.force_login(personas["leader"])
    page = client.get(reverse("org:audit"), {"target": f"org.setting#{first.pk}"}).content.decode()
    assert page.count("<tr>") == 2


def test_audit_trail_is_paginated(client, personas):
    for n in range(60):
        set_setting(key=f"k{n}", value=n, by=personas["admin"])
    client.force_login(personas["admin"])
    first = client.get(reverse("org:audit")).content.decode()
    second = client.get(reverse("org:audit"), {"page": 2}).content.decode()
    assert first.count("<tr>") == 51 and second.count("<tr>") == 11 and "第 2 / 2 页" in second


def test_audit_trail_is_refused_to_departments_and_grassroots(client, personas):
    for name in ("clerk_a", "head_a", "township"):
        client.force_login(personas[name])
        assert client.get(reverse("org:audit")).status_code == 403


def test_audit_trail_cannot_be_changed_from_the_app(client, personas, django_user_model):
    set_setting(key="x", value=1, by=personas["admin"])
    event = AuditEvent.objects.get()
    client.force_login(personas["reviewer"])
    assert client.post(reverse("org:audit"), {"summary": "改写"}).status_code == 405
    root = django_user_model.objects.create_superuser("root", "root@example.gov.cn", PASSWORD)
    client.force_login(root)  # even a superuser, in the admin
    change = reverse("admin:org_auditevent_change", args=[event.pk])
    client.post(change, {"summary": "改写", "action": "forged"})
    delete = reverse("admin:org_auditevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.action == "setting.change" and event.summary == "x"
    assert client.get(reverse("admin:org_auditevent_add")).status_code == 403


# --------------------------------------------------------------------------- lost database


def _saves_then_loses_the_database(request):
    set_setting(key="saved.before.failure", value=1, by=None)
    raise OperationalError("server closed the connection unexpectedly")


def _plain_bug(request):
    raise ValueError("bug")


def _saves_then_the_server_drops_the_connection(request):
    """A real loss: PostgreSQL terminates this request's own backend after the save."""
    import psycopg
    from django.db import connection

    set_setting(key="saved.before.termination", value=1, by=None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    Setting.objects.count()  # the next query finds the connection gone
    return None


urlpatterns = [
    path("broken/db/", _saves_then_loses_the_database),
    path("broken/bug/", _plain_bug),
    path("broken/terminated/", _saves_then_the_server_drops_the_connection),
]
handler500 = "jianfu.org.views.server_error"


@pytest.mark.urls("jianfu.org.tests.test_security")
def test_lost_database_connection_shows_the_chinese_503_page_and_keeps_saved_work(db):
    client = Client(raise_request_exception=False)
    response = client.get("/broken/db/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    page = response.content.decode()
    assert "暂时无法连接数据库" in page and "已经保存成功的内容都不会丢失" in page
    assert Setting.objects.filter(key="saved.before.failure").exists()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.urls("jianfu.org.tests.test_security")
def test_a_connection_killed_by_postgresql_shows_503_and_keeps_the_saved_row():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("terminating a backend needs PostgreSQL")
    response = Client(raise_request_exception=False).get("/broken/terminated/")
    assert response.status_code == 503 and "暂时无法连接数据库" in response.content.decode()
    connection.close()
    assert Setting.objects.filter(key="saved.before.termination").exists()


@pytest.mark.urls("jianfu.org.tests.test_security")
def test_other_errors_show_the_chinese_500_page(db):
    response = Client(raise_request_exception=False).get("/broken/bug/")
    assert response.status_code == 500 and "服务器出错了" in response.content.decode()


# --------------------------------------------------------------------------- deployment


def test_production_settings_pass_check_deploy():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("JIANFU_TESTING", "DJANGO_SETTINGS_MODULE", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="jianfu.example.gov.cn")
    jianfu = Path(sys.executable).parent / "jianfu"
    result = subprocess.run(  # noqa: S603 - our own command line
        [str(jianfu), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_otp_reset_command_removes_the_second_factor_and_ends_sessions(client, personas):
    from django.core.management import CommandError, call_command

    enrol(client, personas["reviewer"])
    call_command("otp-reset", "reviewer")
    assert not TotpDevice.objects.exists() and not Session.objects.exists()
    assert AuditEvent.objects.filter(action="otp.disable", actor=None).count() == 1
    with pytest.raises(CommandError) as info:
        call_command("otp-reset", "nobody")
    assert info.value.returncode == 2 and "nobody" in str(info.value)


def test_password_complexity_needs_three_kinds_of_character():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for strong in ("Qingshan-river-77", "qingshan-river-77", "QINGSHAN7river", "青山river-77"):
        validate_password(strong)
    for weak in ("qingshanriver77", "QINGSHAN-RIVER", "qingshan-river"):
        with pytest.raises(ValidationError) as info:
            validate_password(weak)
        assert "三类" in str(info.value)


def test_after_the_code_only_local_paths_are_followed(client, personas):
    device = enrol(client, personas["reviewer"])
    for target in ["https://evil.example/", "//evil.example/", "0", "javascript:alert(1)"]:
        TotpDevice.objects.filter(pk=device.pk).update(last_step=0)  # let the current code count again
        client.logout()
        login(client, "reviewer")
        response = client.post(reverse("org:otp_verify"), {"code": pyotp.TOTP(device.secret).now(), "next": target})
        assert response.status_code == 302 and response["Location"] == reverse("home"), target
