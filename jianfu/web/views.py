from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jianfu.ledger.choices import Kind, Status
from jianfu.ledger.models import Item


@login_required
def home(request: HttpRequest) -> HttpResponse:
    counts = {
        (row["kind"], row["status"]): row["n"] for row in Item.objects.values("kind", "status").annotate(n=Count("pk"))
    }
    table = [
        {
            "kind": kind.label,
            "cells": [counts.get((kind.value, status.value), 0) for status in Status],
            "total": sum(counts.get((kind.value, s.value), 0) for s in Status),
        }
        for kind in Kind
    ]
    return render(request, "web/home.html", {"table": table, "statuses": Status.labels, "total": sum(counts.values())})


@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    items = Item.objects.select_related("issuer").order_by("-date", "-pk")
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(request, "web/item_list.html", {"page": page})
