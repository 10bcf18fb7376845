"""Who may read the statistics: leaders, the office and administrators (read-only)."""

from jianfu.org.models import Role

STATS_ROLES = (Role.LEADER, Role.REVIEWER, Role.ADMIN)


def can_view_stats(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.has_role(*STATS_ROLES))
