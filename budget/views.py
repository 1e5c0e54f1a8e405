from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .models import Budget


def home(request: HttpRequest) -> HttpResponse:
    budgets = Budget.objects.published().select_related("authority")
    if len(budgets) == 1:
        return redirect(budgets[0])
    return render(request, "budget/home.html", {"budgets": budgets})


def overview(request: HttpRequest, slug: str) -> HttpResponse:
    raise NotImplementedError  # replaced by the explorer


def line_detail(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    raise NotImplementedError  # replaced by the explorer
