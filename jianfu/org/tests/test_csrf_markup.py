"""CSRF on every form and every htmx request, checked in the templates themselves."""

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = sorted(Path(settings.BASE_DIR, "jianfu").glob("*/templates/**/*.html"))
FORM = re.compile(r"<form\b[^>]*>(.*?)</form>", re.S | re.I)


def test_every_post_form_carries_the_csrf_token():
    missing = []
    for path in TEMPLATES:
        source = path.read_text(encoding="utf-8")
        for match in FORM.finditer(source):
            opening = match.group(0)[: match.group(0).index(">") + 1]
            if re.search(r"method\s*=\s*[\"']?post", opening, re.I) and "{% csrf_token %}" not in match.group(1):
                line = source[: match.start()].count("\n") + 1
                missing.append(f"{path.relative_to(settings.BASE_DIR)}:{line}")
    assert TEMPLATES and missing == []


def test_htmx_requests_send_the_csrf_token_from_the_base_page():
    base = Path(settings.BASE_DIR, "jianfu/web/templates/web/base.html").read_text(encoding="utf-8")
    assert re.search(r"hx-headers='\{\"X-CSRFToken\": \"\{\{ csrf_token \}\}\"\}'", base)
    writers = [p for p in TEMPLATES if re.search(r"hx-(post|put|patch|delete)=", p.read_text(encoding="utf-8"))]
    for path in writers:  # every page that writes through htmx is rendered inside the base page
        source = path.read_text(encoding="utf-8")
        assert "{% extends" in source or path.name.startswith("_"), path


def test_csrf_cookie_and_session_cookie_settings_are_safe(settings):
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.X_FRAME_OPTIONS == "DENY"
