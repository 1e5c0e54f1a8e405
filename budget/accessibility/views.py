"""The accessibility statement: its public page (linked from every page's footer) and its
editing by the participation team (administrators and facilitators, as the glossary)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from budget.accessibility.forms import StatementForm
from budget.accessibility.models import AccessibilityStatement
from budget.accessibility.services import accessibility_statement_save
from budget.roles import ADMINISTRATOR, FACILITATOR, has_role_everywhere, require_role_everywhere


@require_GET
def accessibility_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "budget/accessibility/page.html",
        {
            "statement": AccessibilityStatement.objects.current(),
            "can_edit": has_role_everywhere(request.user, ADMINISTRATOR, FACILITATOR),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def accessibility_manage(request: HttpRequest) -> HttpResponse:
    require_role_everywhere(request.user, ADMINISTRATOR, FACILITATOR)
    current = AccessibilityStatement.objects.current()
    form = StatementForm(request.POST if request.method == "POST" else None, instance=current)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in StatementForm.Meta.fields}
        try:
            accessibility_statement_save(by=request.user, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Déclaration d'accessibilité enregistrée et publiée."))
            return redirect("budget:accessibility")
    return render(request, "budget/accessibility/manage.html", {"form": form})


urlpatterns = [
    path("accessibilite/", accessibility_page, name="accessibility"),
    path("gestion/accessibilite/", accessibility_manage, name="accessibility_manage"),
]
