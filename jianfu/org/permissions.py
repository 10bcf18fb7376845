"""Every object-level permission rule, in one place, for the pages and the API alike.

- a clerk sees and edits only the items of their own department;
- a department head sees their department's items and signs off its submissions;
- a grassroots user sees only items that landed on their unit (targeted, or addressed to all);
- a leader reads everything and changes nothing;
- only the office reviewer decides (approve / return / reject / merge) and keeps the lists;
- the administrator manages users, units and settings.

An API token narrows its user further: to one department, and to reading unless it may write.
"""

from django.db.models import Q, QuerySet

from jianfu.ledger.choices import Status
from jianfu.ledger.models import Item
from jianfu.org.models import Role, User

# What has reached the grassroots (or is about to): a grassroots user never sees drafts.
LANDED_STATUSES = (Status.ISSUED, Status.CLOSED)
DEPARTMENT_ROLES = (Role.CLERK, Role.HEAD)


class PermissionDenied(Exception):  # noqa: N818 - mirrors django.core.exceptions.PermissionDenied
    """Raised by `require`; views answer 403, the API 403, with this Chinese message."""


def _token(user) -> object | None:
    return getattr(user, "api_token", None)


def _token_allows(user, item: Item | None = None, *, write: bool = False) -> bool:
    token = _token(user)
    if token is None:
        return True
    if write and not token.can_write:
        return False
    return not (item is not None and token.unit_id and item.issuer_id != token.unit_id)


def is_authenticated(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def reads_everything(user) -> bool:
    return is_authenticated(user) and (user.is_superuser or user.has_role(Role.REVIEWER, Role.LEADER, Role.ADMIN))


def is_reviewer(user) -> bool:
    return is_authenticated(user) and user.has_role(Role.REVIEWER)


def is_department_user(user) -> bool:
    return is_authenticated(user) and user.unit_id is not None and user.has_role(*DEPARTMENT_ROLES)


def is_grassroots(user) -> bool:
    return is_authenticated(user) and user.unit_id is not None and user.has_role(Role.GRASSROOTS)


# --------------------------------------------------------------------------- items


def addressed_to_all_q(unit) -> Q:
    """Items addressed to all grassroots units that reach `unit`: those issued in its own district.

    District-level issuers (departments, the office) hang directly under the district.
    """
    district = unit.district() if unit is not None else None
    if district is None:
        return Q(targets_all=True)
    return Q(targets_all=True) & (Q(issuer_id=district.pk) | Q(issuer__parent_id=district.pk))


def visible_items(user, qs: QuerySet | None = None) -> QuerySet:
    """The items `user` may see (the base of every list page and API list)."""
    qs = Item.objects.all() if qs is None else qs
    if not is_authenticated(user):
        return qs.none()
    token = _token(user)
    if token is not None and token.unit_id:
        qs = qs.filter(issuer_id=token.unit_id)
    if reads_everything(user):
        return qs
    cond = Q(pk__in=[])
    if is_department_user(user):
        cond |= Q(issuer_id=user.unit_id)
    if is_grassroots(user):
        landed = Q(status__in=LANDED_STATUSES)
        targeted = Q(pk__in=Item.targets.through.objects.filter(unit_id=user.unit_id).values("item_id"))
        cond |= landed & (addressed_to_all_q(user.unit) | targeted)
    return qs.filter(cond)


def can_view_item(user, item: Item) -> bool:
    if not is_authenticated(user) or not _token_allows(user, item):
        return False
    if reads_everything(user):
        return True
    if is_department_user(user) and item.issuer_id == user.unit_id:
        return True
    if is_grassroots(user) and item.status in LANDED_STATUSES:
        if item.targets_all:
            return Item.objects.filter(addressed_to_all_q(user.unit), pk=item.pk).exists()
        return item.target_links.filter(unit_id=user.unit_id).exists()
    return False


def can_create_item(user) -> bool:
    return is_department_user(user) and _token_allows(user, write=True)


def creatable_issuer_id(user) -> int | None:
    """The department a new item is issued by: the user's own (or the token's)."""
    token = _token(user)
    return (token.unit_id if token is not None and token.unit_id else None) or user.unit_id


def _own_department(user, item: Item) -> bool:
    return is_department_user(user) and item.issuer_id == user.unit_id and _token_allows(user, item, write=True)


def can_edit_item(user, item: Item) -> bool:
    return _own_department(user, item) and item.is_editable


def can_delete_item(user, item: Item) -> bool:
    return can_edit_item(user, item)


def can_submit_item(user, item: Item) -> bool:
    return _own_department(user, item) and item.status in (Status.DRAFT, Status.RETURNED)


def can_sign_off(user, item: Item) -> bool:
    return (
        _own_department(user, item)
        and user.has_role(Role.HEAD)
        and item.status == Status.DRAFT
        and item.signed_off_by_id is None
    )


def can_decide(user, item: Item | None = None) -> bool:
    if not is_reviewer(user) or not _token_allows(user, item, write=True):
        return False
    return item is None or item.status == Status.SUBMITTED


def can_issue_item(user, item: Item) -> bool:
    if item.status != Status.APPROVED:
        return False
    return _own_department(user, item) or (is_reviewer(user) and _token_allows(user, item, write=True))


def item_actions(user, item: Item) -> dict[str, bool]:
    """Which buttons an item page shows (and which the API accepts)."""
    return {
        "edit": can_edit_item(user, item),
        "delete": can_delete_item(user, item),
        "submit": can_submit_item(user, item),
        "sign_off": can_sign_off(user, item),
        "decide": can_decide(user, item),
        "issue": can_issue_item(user, item),
    }


# --------------------------------------------------------------------------- other pages


def can_review_queue(user) -> bool:
    return is_reviewer(user)


def can_manage_lists(user) -> bool:
    """Plans, quotas, bodies, duty list, whitelist, catalog, lexicon, thresholds, points."""
    return is_authenticated(user) and (user.is_superuser or user.has_role(Role.REVIEWER, Role.ADMIN))


def can_view_lists(user) -> bool:
    return reads_everything(user)


def can_manage_users(user) -> bool:
    return is_authenticated(user) and (user.is_superuser or user.has_role(Role.ADMIN))


def can_view_bill(user, unit) -> bool:
    """The burden bill of a grassroots unit: its own users, and those who read everything."""
    if not is_authenticated(user) or unit is None:
        return False
    if reads_everything(user):
        return True
    return is_grassroots(user) and user.unit_id == unit.pk


def can_manage_tokens(user) -> bool:
    return is_department_user(user) or can_manage_users(user)


def token_units_for(user):
    """Departments a user may scope a token to: their own, or any for the admin."""
    from jianfu.org.models import Unit

    if can_manage_users(user):
        return Unit.objects.filter(kind__in=("department", "office")).order_by("name")
    return Unit.objects.filter(pk=user.unit_id)


def require(allowed: bool, message: str = "您没有权限执行此操作。") -> None:
    if not allowed:
        raise PermissionDenied(message)


__all__ = [
    "LANDED_STATUSES",
    "PermissionDenied",
    "User",
    "can_create_item",
    "can_decide",
    "can_delete_item",
    "can_edit_item",
    "can_issue_item",
    "can_manage_lists",
    "can_manage_tokens",
    "can_manage_users",
    "can_review_queue",
    "can_sign_off",
    "can_submit_item",
    "can_view_bill",
    "can_view_item",
    "can_view_lists",
    "item_actions",
    "require",
    "visible_items",
]
