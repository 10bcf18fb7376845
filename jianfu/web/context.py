"""Template context for every page: the unread count and the navigation the user may use."""

from django.urls import NoReverseMatch, reverse

from jianfu.org import permissions as perms
from jianfu.web.notify import unread_count


def optional_url(name: str, *args) -> str | None:
    """A URL another app may or may not provide yet (the dashboard, the channel)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def nav(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": unread_count(user),
        "nav_can": {
            "create": perms.can_create_item(user),
            "queue": perms.can_review_queue(user),
            "lists": perms.can_view_lists(user),
            "bill": perms.is_grassroots(user) or perms.reads_everything(user),
            "users": perms.can_manage_users(user),
            "tokens": perms.can_manage_tokens(user),
        },
        "dashboard_url": optional_url("reports:dashboard") or optional_url("dashboard"),
    }
