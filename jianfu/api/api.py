"""The REST API (django-ninja): /api/v1/…, OpenAPI at /api/docs and /api/openapi.json.

Each domain adds its router below; the endpoints call the same services and
selectors as the pages.
"""

from ninja import NinjaAPI

from jianfu.api import ratelimit
from jianfu.ledger.lifecycle import LifecycleError

api = NinjaAPI(
    title="减负通 API",
    version="1",
    description="台账、前置审核、负担工时、监测点直报与统计的接口。其他系统（如 OA）以令牌认证调用。",
    urls_namespace="api",
)

ratelimit.install(api)  # before the routers: every endpoint inherits the rate limits


@api.exception_handler(LifecycleError)
def lifecycle_conflict(request, exc: LifecycleError):
    """A step the item's state does not allow now (already decided, no longer a draft…)."""
    return api.create_response(request, {"detail": str(exc)}, status=409)


# Routers are registered here, one line each:
# api.add_router("/v1/", "jianfu.api.review.router")
api.add_router("/v1/", "jianfu.api.review.router")
api.add_router("/v1/", "jianfu.api.channel.router")
api.add_router("/v1/", "jianfu.api.stats.router")
api.add_router("/v1/", "jianfu.api.items.router")
api.add_router("/v1/", "jianfu.api.tokens.router")
