"""The pages are ready for a strict Content-Security-Policy and label every input."""

import re

import pytest

from jianfu.web.tests.factories import client_for, issued, submitted

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ATTR = re.compile(r"\sstyle\s*=", re.I)
INPUT_ID = re.compile(r"<(?:input|select|textarea)\b(?![^>]*type=\"(?:hidden|submit)\")[^>]*\bid=\"([^\"]+)\"", re.I)


@pytest.fixture
def pages(personas, district):
    item = submitted(personas, district, body="请上传照片。")
    issued(personas, district)
    return [
        ("clerk_a", "/items/new/"),
        ("clerk_a", f"/items/{item.pk}/"),
        ("clerk_a", "/items/"),
        ("clerk_a", "/tokens/"),
        ("reviewer", "/queue/"),
        ("reviewer", f"/items/{item.pk}/"),
        ("reviewer", "/lists/plans/"),
        ("reviewer", "/lists/lexicon/"),
        ("reviewer", "/lists/thresholds/"),
        ("township", "/bill/"),
        ("admin", "/lists/users/new/"),
        ("admin", "/lists/units/"),
        ("leader", "/"),
    ]


def test_no_inline_script_handler_or_style_anywhere(personas, pages):
    for who, url in pages:
        html = client_for(personas[who]).get(url, follow=True).content.decode()
        assert not INLINE_SCRIPT.search(html), url
        assert not INLINE_HANDLER.search(html), url
        assert not STYLE_ATTR.search(html), url
        assert 'name="htmx-config"' in html and "hx-headers" in html


def test_every_visible_input_has_a_label(personas, pages):
    for who, url in pages:
        html = client_for(personas[who]).get(url, follow=True).content.decode()
        for input_id in INPUT_ID.findall(html):
            labelled = f'for="{input_id}"' in html or re.search(rf'id="{re.escape(input_id)}"[^>]*aria-label=', html)
            labelled = labelled or re.search(rf'aria-label="[^"]+"[^>]*id="{re.escape(input_id)}"', html)
            assert labelled, f"{url}: #{input_id} has no label"
