"""GET /api/v1/stats?period=P — the statistics of spec/metrics.md as JSON."""

from django.http import HttpRequest
from ninja import Router, Status

from jianfu.api.auth import api_auth
from jianfu.meter.periods import PeriodError, parse_period
from jianfu.meter.service import period_stats
from jianfu.reports.permissions import can_view_stats

router = Router(tags=["统计"])


@router.get("/stats", auth=api_auth, response={200: dict, 403: dict, 422: dict}, summary="期间统计（与去年同期比较）")
def stats(request: HttpRequest, period: str, details: bool = True):
    """`period`: 2025、2025Q4、2025H2 或 2025-10-01..2025-12-31. `details=false` leaves out the lists."""
    if not can_view_stats(request.user):
        return Status(403, {"detail": "只有领导、减负办和系统管理员可以查看统计。"})
    try:
        parsed = parse_period(period)
    except PeriodError as exc:
        return Status(422, {"detail": str(exc)})
    return Status(200, period_stats(parsed).as_json(details=details))
