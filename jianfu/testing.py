"""Plain factory functions for tests (no fixture files)."""

import datetime as dt
import functools
import itertools
import os
import tempfile
from pathlib import Path

from jianfu.ledger import services
from jianfu.ledger.choices import Kind, Status
from jianfu.ledger.models import Item
from jianfu.org.models import RoleGrant, Unit, UnitKind, User

_seq = itertools.count(1)


def make_unit(name: str | None = None, kind: str = UnitKind.DEPARTMENT, parent: Unit | None = None, **kw) -> Unit:
    return Unit.objects.create(name=name or f"单位{next(_seq)}", kind=kind, parent=parent, **kw)


def make_user(
    username: str | None = None,
    *,
    unit: Unit | None = None,
    roles=(),
    password: str = "Jianfu-test-2025",  # noqa: S107
) -> User:
    user = User.objects.create_user(username=username or f"user{next(_seq)}", password=password, unit=unit)
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=r) for r in roles])
    return user


def make_item(
    *,
    kind: str = Kind.DOCUMENT,
    issuer: Unit,
    title: str | None = None,
    targets=(),
    status: str = Status.ISSUED,
    date: dt.date | None = None,
    by: User | None = None,
    **fields,
) -> Item:
    return services.create_item(
        by=by,
        kind=kind,
        title=title or f"事项{next(_seq)}",
        issuer=issuer,
        targets=targets,
        status=status,
        date=date or dt.date(2025, 11, 20),
        **fields,
    )


@functools.cache
def screenshot_dir() -> Path:
    """docs/screenshots under `make screenshots` (JIANFU_SCREENSHOTS); a temporary folder
    otherwise, so an ordinary test run leaves the checkout untouched."""
    path = Path(os.environ.get("JIANFU_SCREENSHOTS") or tempfile.mkdtemp(prefix="jianfu-shots-"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def browser_login(page, live_server, user) -> None:
    """Give the browser a real session made by Django's test client (the login page
    itself is tested on its own)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def watch_console_errors(page) -> list[str]:
    """Page errors and console errors (a CSP violation is one) as they happen. The
    browser's own request for /favicon.ico is not the page's."""
    seen: list[str] = []
    page.on("pageerror", lambda exc: seen.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            seen.append(msg.text)
            if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )
    return seen
