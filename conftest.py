"""Shared fixtures: the small district every test can use, and its personas."""

import os

import pytest

from jianfu.org.models import Role, UnitKind
from jianfu.testing import make_unit, make_user


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def district(db):
    """区 → 减负办, two departments, a township with a village, a street with a community, a school."""
    root = make_unit("示范区", UnitKind.DISTRICT)
    units = {
        "district": root,
        "office": make_unit("区减负办", UnitKind.OFFICE, root),
        "dept_a": make_unit("区应急管理局", UnitKind.DEPARTMENT, root),
        "dept_b": make_unit("区教育局", UnitKind.DEPARTMENT, root),
        "township": make_unit("青山镇", UnitKind.TOWNSHIP, root),
        "street": make_unit("河西街道", UnitKind.STREET, root),
    }
    units["village"] = make_unit("青山村", UnitKind.VILLAGE, units["township"])
    units["community"] = make_unit("河西社区", UnitKind.COMMUNITY, units["street"])
    units["school"] = make_unit("示范区第一小学", UnitKind.SCHOOL, root)
    return units


@pytest.fixture
def personas(district):
    return {
        "reviewer": make_user("reviewer", unit=district["office"], roles=[Role.REVIEWER]),
        "clerk_a": make_user("clerk_a", unit=district["dept_a"], roles=[Role.CLERK]),
        "head_a": make_user("head_a", unit=district["dept_a"], roles=[Role.HEAD]),
        "clerk_b": make_user("clerk_b", unit=district["dept_b"], roles=[Role.CLERK]),
        "township": make_user("township", unit=district["township"], roles=[Role.GRASSROOTS]),
        "leader": make_user("leader", unit=district["office"], roles=[Role.LEADER]),
        "admin": make_user("admin", unit=district["office"], roles=[Role.ADMIN]),
    }


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium driven by Playwright (never a downloaded browser)."""
    executable = os.environ.get("JIANFU_CHROMIUM", "/usr/bin/chromium")
    if not os.path.exists(executable):
        if os.environ.get("JIANFU_REQUIRE_ALL") == "1":
            pytest.fail(f"browser tests required but {executable} is missing")
        pytest.skip(f"chromium not found at {executable}")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=executable,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(10000)
    yield pg
    context.close()
