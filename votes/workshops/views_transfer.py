"""A workshop carried from the room's laptop to the central server (transfer.py): the export
download, and the import through the one upload flow (validate → preview → confirm)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from budget.imports.uploads import (
    go,
    take_upload,
    upload_gone,
    validate_upload,
    zone_template,
)
from votes.workshops.transfer import MAX_BYTES, workshop_export, workshop_import
from votes.workshops.views import _get_workshop, facilitator_view

UPLOAD_KEY = "workshop_transfer"


class TransferForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fichier d'export de l'atelier (.json)"),
        help_text=gettext_lazy(
            "Le fichier « Exporter l'atelier » de l'ordinateur de la salle. 5 Mo au plus."
        ),
        error_messages={"required": gettext_lazy("Choisissez le fichier à importer.")},
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 5 Mo."))
        return uploaded


@facilitator_view
@require_GET
def workshop_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop(request, pk)
    data = workshop_export(workshop=workshop, by=request.user)
    name = f"atelier-{slugify(workshop.title)[:60]}-{timezone.localdate():%Y-%m-%d}.json"
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _page(request: HttpRequest, form: TransferForm, report=None, *, status: int = 200):
    context = {
        "form": form,
        "report": report,
        "pending": request.session.get(UPLOAD_KEY),
        "upload_action": reverse("votes:workshop_import"),
        "confirm_action": reverse("votes:workshop_import_confirm"),
        "submit_label": _("Vérifier le fichier"),
        "busy_label": _("Vérification en cours…"),
        "valid_title": _("Fichier valide : voici ce qui sera importé"),
        "summary": "votes/workshops/_transfer_summary.html",
    }
    return render(
        request, zone_template(request, "votes/workshops/transfer.html"), context, status=status
    )


@facilitator_view
@require_http_methods(["GET", "POST"])
def workshop_import_view(request: HttpRequest) -> HttpResponse:
    """Validation of a workshop file: every problem, or what the import would do (nothing
    written: the import runs and is undone)."""
    if request.method != "POST":
        return _page(request, TransferForm())
    form = TransferForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form, status=400)
    report = validate_upload(
        request,
        key=UPLOAD_KEY,
        data=form.cleaned_data["file"].read(),
        dry_run=lambda data: workshop_import(data=data, by=request.user, dry_run=True),
    )
    return _page(request, form, report, status=200 if report.ok else 400)


@facilitator_view
@require_POST
def workshop_import_confirm(request: HttpRequest) -> HttpResponse:
    here = reverse("votes:workshop_import")
    found = take_upload(request, key=UPLOAD_KEY)
    if found is None:
        return upload_gone(
            request, here, _("Le fichier validé n'est plus disponible : envoyez-le de nouveau.")
        )
    _pending, data = found
    report = workshop_import(data=data, by=request.user)
    if not report.ok:
        # Something changed on the server since the validation (a phase moved): say why.
        for problem in report.errors:
            messages.error(request, problem.message)
        return go(request, here)
    if report.changes:
        messages.success(
            request,
            _(
                "Atelier « %(title)s » importé : %(groups)s groupe(s) ajouté(s), %(updated)s mis "
                "à jour, %(proposals)s proposition(s) créée(s)."
            )
            % {
                "title": report.title,
                "groups": report.groups_created,
                "updated": report.groups_updated,
                "proposals": report.proposals_created,
            },
        )
    else:
        messages.info(
            request,
            _("Atelier « %(title)s » déjà importé : rien n'a changé.") % {"title": report.title},
        )
    return go(request, reverse("votes:workshop_setup", kwargs={"pk": report.workshop_id}))


urlpatterns = [
    path("gestion/ateliers/importer/", workshop_import_view, name="workshop_import"),
    path(
        "gestion/ateliers/importer/confirmer/",
        workshop_import_confirm,
        name="workshop_import_confirm",
    ),
    path("gestion/ateliers/<int:pk>/export.json", workshop_export_view, name="workshop_export"),
]
