"""The optional second factor: time-based one-time codes (RFC 6238) from any authenticator app.

Offered to the office (reviewers) and administrators, whose accounts can change
everything. The secret is shown once as text and as an otpauth:// URI (no external
QR service); a code is accepted within ±30 s and only once.
"""

import hmac
import time

import pyotp
from django.db import transaction
from django.utils import timezone

from jianfu.org.models import Role, TotpDevice, User
from jianfu.org.services import record_audit

ISSUER = "减负通"
STEP_SECONDS = 30


class OtpError(Exception):
    """A refused enrolment step, with a Chinese message for the page."""


def may_enrol(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.has_role(Role.REVIEWER, Role.ADMIN)))


def has_confirmed_device(user: User) -> bool:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def provisioning_uri(device: TotpDevice) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(name=device.user.username, issuer_name=ISSUER)


def _current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def _matching_step(device: TotpDevice, code: str, now: float | None = None) -> int | None:
    """The time step (now, or one either side for clock drift) whose code this is, if any unused."""
    code = "".join(ch for ch in str(code) if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(device.secret)
    step = _current_step(now)
    for candidate in (step, step - 1, step + 1):
        if candidate > device.last_step and hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


@transaction.atomic
def start_enrolment(*, user: User) -> TotpDevice:
    """A new secret for `user` (replacing an unfinished one); refused while one is in use."""
    if not may_enrol(user):
        raise OtpError("两步验证仅面向减负办审核员和系统管理员。")
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is not None and device.is_confirmed:
        raise OtpError("您已启用两步验证；如需更换验证器，请先停用。")
    secret = pyotp.random_base32()
    if device is None:
        device = TotpDevice.objects.create(user=user, secret=secret)
    else:
        device.secret = secret
        device.last_step = 0
        device.save(update_fields=["secret", "last_step"])
    return device


@transaction.atomic
def confirm_enrolment(*, user: User, code: str, now: float | None = None) -> TotpDevice:
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is None:
        raise OtpError("请先开始设置两步验证。")
    if device.is_confirmed:
        raise OtpError("两步验证已启用。")
    step = _matching_step(device, code, now)
    if step is None:
        raise OtpError("动态码不正确或已过期，请核对手机时间后输入验证器当前显示的 6 位数字。")
    device.confirmed_at = timezone.now()
    device.last_step = step
    device.save(update_fields=["confirmed_at", "last_step"])
    record_audit(actor=user, action="otp.enable", target=user, summary=f"{user.username} 启用两步验证")
    return device


@transaction.atomic
def verify(*, user: User, code: str, now: float | None = None) -> bool:
    """True once per valid code; a replayed code is refused."""
    device = TotpDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        return False
    step = _matching_step(device, code, now)
    if step is None:
        return False
    device.last_step = step
    device.save(update_fields=["last_step"])
    return True


@transaction.atomic
def disable(*, user: User, by: User | None) -> bool:
    deleted, _ = TotpDevice.objects.filter(user=user).delete()
    if deleted:
        record_audit(actor=by, action="otp.disable", target=user, summary=f"{user.username} 停用两步验证")
    return bool(deleted)
