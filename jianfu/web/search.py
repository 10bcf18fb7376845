"""Ledger search: one filter set for the ledger page and `GET /api/v1/items`."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from jianfu.ledger.choices import Kind, Status
from jianfu.ledger.models import ItemTarget, ReviewFinding
from jianfu.org import permissions as perms


@dataclass
class ItemFilters:
    kind: str = ""
    status: str = ""
    issuer: int | None = None
    unit: int | None = None
    code: str = ""
    q: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    period: str = ""
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_params(cls, params) -> "ItemFilters":
        """Parse query parameters; a bad value is reported and ignored, never a crash."""
        f = cls()
        kind = (params.get("kind") or "").strip()
        if kind:
            if kind in Kind.values:
                f.kind = kind
            else:
                f.errors.append(f"类型“{kind}”无效，已忽略。")
        status = (params.get("status") or "").strip()
        if status:
            if status in Status.values:
                f.status = status
            else:
                f.errors.append(f"状态“{status}”无效，已忽略。")
        for name, label in (("issuer", "发起单位"), ("unit", "对象单位")):
            raw = (params.get(name) or "").strip()
            if raw:
                try:
                    setattr(f, name, int(raw))
                except ValueError:
                    f.errors.append(f"{label}“{raw}”无效，已忽略。")
        for name, label in (("date_from", "起始日期"), ("date_to", "截止日期")):
            raw = (params.get(name) or "").strip()
            if raw:
                try:
                    setattr(f, name, dt.date.fromisoformat(raw))
                except ValueError:
                    f.errors.append(f"{label}“{raw}”不是有效日期（如 2025-11-20），已忽略。")
        period = (params.get("period") or "").strip()
        if period:
            f.period = period[:40]
            try:
                from jianfu.meter.periods import PeriodError, parse_period

                span = parse_period(period)
            except (ImportError, PeriodError) as exc:
                f.errors.append(f"期间“{period}”无法识别，已忽略（{exc}）。")
            else:
                f.date_from = max(f.date_from, span.start) if f.date_from else span.start
                f.date_to = min(f.date_to, span.end) if f.date_to else span.end
        f.code = (params.get("code") or "").strip().upper()[:40]
        f.q = (params.get("q") or "").strip()[:100]
        return f

    def apply(self, qs: QuerySet) -> QuerySet:
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.status:
            qs = qs.filter(status=self.status)
        if self.issuer:
            qs = qs.filter(issuer_id=self.issuer)
        if self.unit:
            qs = qs.filter(
                Q(targets_all=True) | Q(pk__in=ItemTarget.objects.filter(unit_id=self.unit).values("item_id"))
            )
        if self.date_from:
            qs = qs.filter(date__gte=self.date_from)
        if self.date_to:
            qs = qs.filter(date__lte=self.date_to)
        if self.code:
            # Only the latest review counts: a finding fixed on resubmission no longer marks the item.
            qs = qs.filter(latest_review__in=ReviewFinding.objects.filter(code=self.code).values("review_id"))
        if self.q:
            cond = Q()
            for word in self.q.split():
                cond &= Q(title__icontains=word) | Q(body__icontains=word) | Q(number__icontains=word)
            qs = qs.filter(cond)
        return qs

    def querystring(self) -> str:
        from urllib.parse import urlencode

        pairs = {
            "kind": self.kind,
            "status": self.status,
            "issuer": self.issuer or "",
            "unit": self.unit or "",
            "code": self.code,
            "q": self.q,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
        }
        return urlencode({k: v for k, v in pairs.items() if v})


def search_items(user, params) -> tuple[QuerySet, ItemFilters]:
    filters = ItemFilters.from_params(params)
    qs = perms.visible_items(user).select_related("issuer", "latest_review")
    return filters.apply(qs).order_by("-date", "-pk"), filters
