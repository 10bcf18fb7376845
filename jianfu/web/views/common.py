"""Helpers shared by the page views."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404

from jianfu.ledger.models import Item
from jianfu.org import permissions as perms

PAGE_SIZE = 30


def deny_unless(allowed: bool, message: str = "您没有权限访问此页面。") -> None:
    if not allowed:
        raise PermissionDenied(message)


def item_for(user, pk: int) -> Item:
    """The item, or 404 if it does not exist, or 403 if the user may not see it."""
    item = get_object_or_404(Item.objects.select_related("issuer", "latest_review", "plan_entry"), pk=pk)
    deny_unless(perms.can_view_item(user, item), "您没有权限查看此事项。")
    return item


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def paginate(request, qs, size: int = PAGE_SIZE):
    return Paginator(qs, size).get_page(request.GET.get("page"))
