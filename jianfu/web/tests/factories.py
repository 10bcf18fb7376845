"""Helpers for the web tests: a logged-in client per persona and items in given states."""

import datetime as dt

from django.test import Client

from jianfu.ledger import services
from jianfu.ledger.choices import Kind, Status
from jianfu.testing import make_item


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def draft(
    personas,
    district,
    *,
    dept="dept_a",
    title="关于开展安全生产检查的通知",
    body="请各镇做好安全生产工作。",
    kind=Kind.DOCUMENT,
    targets=("township",),
    **fields,
):
    clerk = personas["clerk_a" if dept == "dept_a" else "clerk_b"]
    return make_item(
        kind=kind,
        issuer=district[dept],
        title=title,
        body=body,
        status=Status.DRAFT,
        targets=[district[t] for t in targets],
        by=clerk,
        date=dt.date(2025, 11, 20),
        **fields,
    )


def submitted(personas, district, **kw):
    item = draft(personas, district, **kw)
    return services.submit_item(item=item, by=item.created_by)


def issued(personas, district, **kw):
    return make_item(
        kind=kw.pop("kind", Kind.DOCUMENT),
        issuer=district[kw.pop("dept", "dept_a")],
        title=kw.pop("title", "已发布的通知"),
        body=kw.pop("body", "正文"),
        status=Status.ISSUED,
        targets=[district[t] for t in kw.pop("targets", ("township",))],
        date=kw.pop("date", dt.date(2025, 11, 20)),
        **kw,
    )
