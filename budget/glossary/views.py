"""The glossary: the public page of every term, and its editing by the participation team
(administrators and facilitators; anonymous visitors go to the login page, others get 403)."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from budget.glossary import terms as glossary
from budget.glossary.forms import GlossaryTermForm
from budget.models import GlossaryTerm
from budget.roles import ADMINISTRATOR, FACILITATOR, has_role_everywhere, require_role_everywhere


def _is_team(user) -> bool:
    return has_role_everywhere(user, ADMINISTRATOR, FACILITATOR)


def _posted(request: HttpRequest):
    # Bound on every POST, even an empty one, so that it shows its "required" errors.
    return request.POST if request.method == "POST" else None


def _attach(form: GlossaryTermForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _letter(entry: glossary.Entry) -> str:
    return glossary.term_key(entry["term"])[:1].upper() or "#"


@require_GET
def glossary_page(request: HttpRequest) -> HttpResponse:
    sections = [
        (letter, list(entries)) for letter, entries in groupby(glossary.entries(), key=_letter)
    ]
    return render(
        request,
        "budget/glossary/page.html",
        {"sections": sections, "can_edit": _is_team(request.user)},
    )


@login_required
@require_GET
def glossary_manage(request: HttpRequest) -> HttpResponse:
    require_role_everywhere(request.user, ADMINISTRATOR, FACILITATOR)
    terms = sorted(GlossaryTerm.objects.all(), key=lambda t: glossary.term_key(t.term))
    return render(request, "budget/glossary/manage.html", {"terms": terms})


@login_required
@require_http_methods(["GET", "POST"])
def glossary_term_add(request: HttpRequest) -> HttpResponse:
    require_role_everywhere(request.user, ADMINISTRATOR, FACILITATOR)
    form = GlossaryTermForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            entry = glossary.glossary_term_create(**form.cleaned_data, by=request.user)
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(
                request, _("Terme « %(term)s » ajouté au glossaire.") % {"term": entry.term}
            )
            return redirect("budget:glossary_manage")
    return render(request, "budget/glossary/form.html", {"form": form, "glossary_term": None})


@login_required
@require_http_methods(["GET", "POST"])
def glossary_term_edit(request: HttpRequest, key: str) -> HttpResponse:
    require_role_everywhere(request.user, ADMINISTRATOR, FACILITATOR)
    entry = get_object_or_404(GlossaryTerm, key=key)
    form = GlossaryTermForm(_posted(request), glossary_term=entry)
    if request.method == "POST" and form.is_valid():
        try:
            glossary.glossary_term_update(glossary_term=entry, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, _("Terme « %(term)s » enregistré.") % {"term": entry.term})
            return redirect("budget:glossary_manage")
    return render(request, "budget/glossary/form.html", {"form": form, "glossary_term": entry})


@login_required
@require_http_methods(["GET", "POST"])
def glossary_term_delete(request: HttpRequest, key: str) -> HttpResponse:
    require_role_everywhere(request.user, ADMINISTRATOR, FACILITATOR)
    entry = get_object_or_404(GlossaryTerm, key=key)
    if request.method == "POST":
        glossary.glossary_term_delete(glossary_term=entry, by=request.user)
        messages.success(
            request, _("Terme « %(term)s » retiré du glossaire.") % {"term": entry.term}
        )
        return redirect("budget:glossary_manage")
    return render(request, "budget/glossary/delete.html", {"glossary_term": entry})


urlpatterns = [
    path("glossaire/", glossary_page, name="glossary"),
    path("gestion/glossaire/", glossary_manage, name="glossary_manage"),
    path("gestion/glossaire/ajouter/", glossary_term_add, name="glossary_term_add"),
    path("gestion/glossaire/<slug:key>/modifier/", glossary_term_edit, name="glossary_term_edit"),
    path(
        "gestion/glossaire/<slug:key>/supprimer/",
        glossary_term_delete,
        name="glossary_term_delete",
    ),
]
