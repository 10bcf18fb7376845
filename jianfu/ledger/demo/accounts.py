"""The demo logins: one or more people for every role, with known passwords.

The passwords are printed by `jianfu demo` and are therefore public: they exist so
that someone trying the platform can log in as each role. They pass the configured
validators (≥ 10 characters, not numeric, not common, not like the username).
`must_change_password` stays False so the demo can be walked through at once; a
production database is never seeded (seed-demo refuses a non-empty database, and a
real deployment starts from `jianfu migrate` + imports), so no known password can
reach one unless someone seeds it on purpose.
"""

from dataclasses import dataclass

from jianfu.org.models import Role


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    roles: tuple[str, ...]
    unit: str
    display_name: str
    is_staff: bool = False


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("office", "jianfu-office-2025", (Role.REVIEWER,), "区减负办", "周审核"),
    DemoAccount("office2", "jianfu-review-2025", (Role.REVIEWER,), "区减负办", "郑审核"),
    DemoAccount("leader", "jianfu-leader-2025", (Role.LEADER,), "区减负办", "钱领导"),
    DemoAccount("admin", "jianfu-admin-2025", (Role.ADMIN,), "区减负办", "吴管理", True),
    DemoAccount("clerk_edu", "jianfu-clerk-2025", (Role.CLERK,), "区教育局", "李经办"),
    DemoAccount("clerk_yjj", "jianfu-clerk-2025", (Role.CLERK,), "区应急管理局", "王经办"),
    DemoAccount("clerk_mzj", "jianfu-clerk-2025", (Role.CLERK,), "区民政局", "赵经办"),
    DemoAccount("clerk_nyj", "jianfu-clerk-2025", (Role.CLERK,), "区农业农村局", "孙经办"),
    DemoAccount("clerk_wjw", "jianfu-clerk-2025", (Role.CLERK,), "区卫生健康局", "冯经办"),
    DemoAccount("head_edu", "jianfu-head-2025", (Role.HEAD,), "区教育局", "陈局长"),
    DemoAccount("head_yjj", "jianfu-head-2025", (Role.HEAD,), "区应急管理局", "杨局长"),
    DemoAccount("qingshan", "jianfu-base-2025", (Role.GRASSROOTS,), "青山镇", "青山镇党政办"),
    DemoAccount("hexi", "jianfu-base-2025", (Role.GRASSROOTS,), "河西街道", "河西街道党政办"),
    DemoAccount("village_qs", "jianfu-base-2025", (Role.GRASSROOTS,), "青山村", "青山村两委"),
    DemoAccount("community_hx", "jianfu-base-2025", (Role.GRASSROOTS,), "河西社区", "河西社区居委会"),
    DemoAccount("school_sx", "jianfu-base-2025", (Role.GRASSROOTS,), "江澄区实验小学", "实验小学教务处"),
)

# Departments whose clerks exist: their items are created_by the clerk.
CLERK_BY_UNIT = {a.unit: a.username for a in DEMO_ACCOUNTS if Role.CLERK in a.roles}
# The department whose submissions need the head's sign-off (shows that workflow).
SIGNOFF_UNITS = ("区教育局",)


def login_rows(existing: set[str] | None = None) -> list[tuple[str, str, str, str]]:
    """(role label, username, password, unit) for the table `jianfu demo` prints."""
    rows = []
    for account in DEMO_ACCOUNTS:
        if existing is not None and account.username not in existing:
            continue
        label = "、".join(Role(r).label for r in account.roles)
        rows.append((label, account.username, account.password, account.unit))
    return rows
