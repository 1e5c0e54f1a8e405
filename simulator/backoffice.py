"""Back office of the simulator: the finance service's catalogue of measures in Excel."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from budget.events import log_event
from budget.forms import ParamsUploadForm
from budget.imports.params import XLSX_TYPE
from budget.imports.uploads import (
    checked_upload,
    go,
    take_upload,
    upload_gone,
    validate_upload,
    zone_template,
)
from budget.imports.views import backoffice_view
from budget.models import Budget
from simulator.catalogue import (
    measure_catalogue_check,
    measure_catalogue_export,
    measure_catalogue_import,
)
from simulator.models import Measure

logger = logging.getLogger(__name__)

CATALOGUE_KEY = "simulator_catalogue_pending"
TEMPLATE = "simulator/backoffice/catalogue.html"


def _context(budget: Budget, form, report=None, pending=None) -> dict:
    return {
        "budget": budget,
        "form": form,
        "report": report,
        "pending": pending,
        "measures": Measure.objects.catalogue()
        .filter(budget=budget)
        .prefetch_related("adjustments__line"),
        "max_bytes": settings.BUDGET_IMPORT_MAX_BYTES,
    }


@backoffice_view
@require_GET
def catalogue_download(request: HttpRequest, slug: str) -> HttpResponse:
    budget = get_object_or_404(Budget, slug=slug)
    response = HttpResponse(measure_catalogue_export(budget=budget), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="mesures-{budget.slug}.xlsx"'
    return response


@backoffice_view
@require_http_methods(["GET", "POST"])
def catalogue(request: HttpRequest, slug: str) -> HttpResponse:
    """The catalogue, its download, and an upload validated first (nothing written)."""
    budget = get_object_or_404(Budget.objects.select_related("authority"), slug=slug)
    report = checked_upload(request, key=CATALOGUE_KEY, budget=budget.pk)
    form = ParamsUploadForm(request.POST, request.FILES) if request.method == "POST" else None
    if form is not None and form.is_valid():
        report = validate_upload(
            request,
            key=CATALOGUE_KEY,
            data=form.cleaned_data["file"].read(),
            dry_run=measure_catalogue_check,
            budget=budget.pk,
        )
        if isinstance(report, HttpResponse):
            return report
    context = _context(
        budget, form or ParamsUploadForm(), report, request.session.get(CATALOGUE_KEY)
    )
    return render(request, zone_template(request, TEMPLATE), context)


@backoffice_view
@require_POST
def catalogue_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    budget = get_object_or_404(Budget, slug=slug)
    here = reverse("simulator:catalogue", kwargs={"slug": budget.slug})
    found = take_upload(request, key=CATALOGUE_KEY, budget=budget.pk)
    if found is None:
        return upload_gone(
            request, here, _("Le classeur validé n'est plus disponible : envoyez-le de nouveau.")
        )
    report = measure_catalogue_import(budget=budget, data=found[1])
    if not report.ok:
        context = _context(budget, ParamsUploadForm(), report)
        return render(request, zone_template(request, TEMPLATE), context)
    log_event(
        logger,
        "import_confirmed",
        kind="measure_catalogue",
        budget=budget.slug,
        measures_created=report.created,
        measures_updated=report.updated,
        measures_deleted=len(report.deleted),
    )
    messages.success(
        request,
        _(
            "Catalogue enregistré : %(created)s mesures créées, %(updated)s mises à jour, "
            "%(deleted)s supprimées."
        )
        % {
            "created": report.created,
            "updated": report.updated,
            "deleted": len(report.deleted),
        },
    )
    return go(request, here)
