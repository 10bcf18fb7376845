"""Rate limits for the API: per token, per signed-in user, per address for anonymous calls.

Installed on the NinjaAPI before its routers (`ratelimit.install(api)` in api.py), so
every endpoint inherits it. Over the limit the API answers 429 with a Chinese message
and `Retry-After`.

Rates come from `settings.JIANFU_API_RATES` (e.g. {"token": "600/min"}); a missing
category is unlimited. Tests run unlimited unless a test sets the rates, so suites
that call the API many times a minute as one persona are not throttled by accident.

Counters live in Django's default cache, which settings make shared by every worker
(files under DATA_DIR/cache). Each check reads the caller's recent request times and
writes them back, not atomically: two workers answering one caller in the same
instant may both count from the same history and one record is lost, so a burst
overshoots a little (2–7 % in docs/security.md's load run), never by a multiple.
"""

import hashlib
import ipaddress

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import Throttled
from ninja.throttling import SimpleRateThrottle

DEFAULT_RATES = {
    # An OA system syncing its documents: ten calls a second is plenty.
    "token": "600/min",
    # The pages call the API as the user (live review on typing): generous.
    "user": "1200/min",
    # Anonymous endpoints (a monitoring point's burden report): against spam.
    "anon": "60/min",
}


def configured_rates() -> dict[str, str]:
    default = {} if getattr(settings, "TESTING", False) else DEFAULT_RATES
    return getattr(settings, "JIANFU_API_RATES", default)


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR, or — only when the direct peer is our own nginx on loopback — the
    address nginx appended last to X-Forwarded-For (a client cannot forge that one)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    try:
        local = ipaddress.ip_address(remote).is_loopback
    except ValueError:
        local = False
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if local and forwarded:
        return forwarded.split(",")[-1].strip() or remote
    return remote


class _CategoryThrottle(SimpleRateThrottle):
    """One category of caller; the rate is read per request so settings can change it."""

    category = ""

    def __init__(self):
        # Parsed on each request instead (see allow_request).
        self.rate = None
        self.num_requests, self.duration = None, None

    def ident(self, request: HttpRequest) -> str | None:
        raise NotImplementedError

    def allow_request(self, request: HttpRequest) -> bool:
        rate = configured_rates().get(self.category)
        ident = self.ident(request)
        if not rate or ident is None:
            return True
        self.rate = rate
        self.num_requests, self.duration = self.parse_rate(rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        ident = self.ident(request)
        if ident is None:
            return None
        digest = hashlib.sha256(f"{self.rate}|{ident}".encode()).hexdigest()[:32]
        return f"jianfu_api_rate_{self.category}_{digest}"


def _user(request: HttpRequest):
    user = getattr(request, "user", None)
    return user if (user is not None and user.is_authenticated) else None


class TokenThrottle(_CategoryThrottle):
    category = "token"

    def ident(self, request):
        user = _user(request)
        token = getattr(user, "api_token", None) if user is not None else None
        return f"t{token.pk}" if token is not None else None


class UserThrottle(_CategoryThrottle):
    category = "user"

    def ident(self, request):
        user = _user(request)
        if user is None or getattr(user, "api_token", None) is not None:
            return None
        return f"u{user.pk}"


class AnonThrottle(_CategoryThrottle):
    category = "anon"

    def ident(self, request):
        return None if _user(request) is not None else f"a{client_address(request)}"


def install(api) -> None:
    """Every endpoint of `api` (registered after this call) gets the three throttles."""

    def throttled(request: HttpRequest, exc: Throttled):
        wait = f"请约 {int(exc.wait) + 1} 秒后再试。" if exc.wait else "请稍后再试。"
        return api.create_response(request, {"detail": f"请求过于频繁，{wait}"}, status=429)

    api.throttle = [TokenThrottle(), UserThrottle(), AnonThrottle()]
    api.add_exception_handler(Throttled, throttled)
