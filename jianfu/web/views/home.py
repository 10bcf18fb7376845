"""The landing page: what the user should do next, by role."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jianfu.ledger.choices import Kind, Status
from jianfu.org import permissions as perms
from jianfu.org.models import Role
from jianfu.web.context import optional_url


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    visible = perms.visible_items(user)
    counts = {(r["kind"], r["status"]): r["n"] for r in visible.values("kind", "status").annotate(n=Count("pk"))}
    table = [
        {
            "kind": kind.label,
            "code": kind.value,
            "cells": [(status.value, counts.get((kind.value, status.value), 0)) for status in Status],
            "total": sum(counts.get((kind.value, s.value), 0) for s in Status),
        }
        for kind in Kind
    ]
    todo = []
    if perms.can_review_queue(user):
        todo.append(("待审核事项", visible.filter(status=Status.SUBMITTED).count(), "queue"))
    if perms.is_department_user(user):
        own = visible.filter(issuer_id=user.unit_id)
        todo.append(("草稿", own.filter(status=Status.DRAFT).count(), f"?status={Status.DRAFT}"))
        todo.append(("被退回待修改", own.filter(status=Status.RETURNED).count(), f"?status={Status.RETURNED}"))
        todo.append(("已批准待发布", own.filter(status=Status.APPROVED).count(), f"?status={Status.APPROVED}"))
        if user.has_role(Role.HEAD) and user.unit.requires_head_signoff:
            waiting = own.filter(status=Status.DRAFT, signed_off_by__isnull=True).count()
            todo.insert(0, ("待我签批的草稿", waiting, f"?status={Status.DRAFT}"))
    if perms.is_grassroots(user) and not perms.reads_everything(user) and not perms.is_department_user(user):
        return redirect("bill")
    return render(
        request,
        "web/home.html",
        {
            "table": table,
            "statuses": Status.labels,
            "total": sum(counts.values()),
            "todo": todo,
            "dashboard": optional_url("reports:dashboard") or optional_url("dashboard"),
        },
    )
