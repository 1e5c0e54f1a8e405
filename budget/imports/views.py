"""Back-office pages of the budget app: budget file imports and simulator parameters.

Every view goes through `backoffice_view` (administrator or finance role). Uploads follow the
one flow of budget/imports/uploads.py: validated first (dry run), confirmed without a second
upload.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from budget.events import log_event
from budget.forms import BudgetUploadForm, ParamsUploadForm
from budget.imports.params import (
    XLSX_TYPE,
    simulator_params_check,
    simulator_params_export,
    simulator_params_import,
)
from budget.imports.services import budget_import_check
from budget.imports.tasks import budget_import_task
from budget.imports.uploads import (
    checked_upload,
    go,
    take_upload,
    upload_gone,
    validate_upload,
    zone_template,
)
from budget.jobs.models import Job
from budget.jobs.services import job_submit
from budget.models import Budget
from budget.roles import ADMINISTRATOR, FINANCE, authorities_for, require_role

logger = logging.getLogger(__name__)

IMPORT_KEY = "budget_import_pending"
PARAMS_KEY = "budget_params_pending"


def backoffice_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The one access check of the back office: anonymous → login, no role → 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(reverse("login"))
            return redirect_to_login(request.get_full_path())
        require_role(request.user, ADMINISTRATOR, FINANCE)
        return view(request, *args, **kwargs)

    return wrapped


def _posted(request: HttpRequest) -> tuple:
    # Bound on every POST, even an empty one, so that it shows its "required" errors.
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


# --- pages ---------------------------------------------------------------------------------


@backoffice_view
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    budgets = Budget.objects.all()
    authorities = authorities_for(request.user, ADMINISTRATOR, FINANCE)
    if authorities is not None:
        budgets = budgets.filter(authority_id__in=authorities)
    budgets = budgets.select_related("authority").annotate(line_count=Count("lines"))
    return render(request, "budget/backoffice/index.html", {"budgets": budgets})


def _import_context(form: BudgetUploadForm, report=None, pending=None) -> dict:
    return {
        "form": form,
        "report": report,
        "pending": pending,
        "max_bytes": settings.BUDGET_IMPORT_MAX_BYTES,
    }


@backoffice_view
@require_http_methods(["GET", "POST"])
def budget_upload(request: HttpRequest) -> HttpResponse:
    # Back from the check of a large file made by the worker: its preview, or its errors.
    report = checked_upload(request, key=IMPORT_KEY)
    form = BudgetUploadForm(
        *_posted(request), authorities=authorities_for(request.user, ADMINISTRATOR, FINANCE)
    )
    if form.is_bound and form.is_valid():
        uploaded = form.cleaned_data["file"]
        authority = form.cleaned_data["authority"]
        debt_start = form.cleaned_data["debt_start"]
        report = validate_upload(
            request,
            key=IMPORT_KEY,
            data=uploaded.read(),
            dry_run=budget_import_check,
            filename=uploaded.name,
            authority=authority.pk if authority else None,
            population=form.cleaned_data["population"],
            debt_start=str(debt_start) if debt_start is not None else None,
        )
        if isinstance(report, HttpResponse):
            return report
    context = _import_context(form, report, request.session.get(IMPORT_KEY))
    return render(request, zone_template(request, "budget/backoffice/import.html"), context)


@backoffice_view
@require_POST
def budget_upload_confirm(request: HttpRequest) -> HttpResponse:
    found = take_upload(request, key=IMPORT_KEY)
    if found is None:
        return upload_gone(
            request,
            reverse("budget:backoffice_import"),
            _("Le fichier validé n'est plus disponible : envoyez-le de nouveau."),
        )
    pending, data = found
    # The import itself may take a while for a large file: it runs as a task, and the page of
    # the job shows its progress and its result.
    job = job_submit(
        kind=Job.Kind.BUDGET_IMPORT,
        owner=request.user,
        task_path=budget_import_task.module_path,
        params={
            name: pending[name] for name in ("filename", "authority", "population", "debt_start")
        },
        input_data=data,
    )
    return go(request, job.get_absolute_url())


@backoffice_view
@require_GET
def params_download(request: HttpRequest, slug: str) -> HttpResponse:
    budget = get_object_or_404(Budget, slug=slug)
    response = HttpResponse(simulator_params_export(budget=budget), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="parametres-{budget.slug}.xlsx"'
    return response


def _params_context(budget: Budget, form: ParamsUploadForm, report=None, pending=None) -> dict:
    return {
        "budget": budget,
        "form": form,
        "report": report,
        "pending": pending,
        "max_bytes": settings.BUDGET_IMPORT_MAX_BYTES,
    }


@backoffice_view
@require_http_methods(["GET", "POST"])
def params_upload(request: HttpRequest, slug: str) -> HttpResponse:
    budget = get_object_or_404(Budget.objects.select_related("authority"), slug=slug)
    report = checked_upload(request, key=PARAMS_KEY, budget=budget.pk)
    form = ParamsUploadForm(*_posted(request))
    if form.is_bound and form.is_valid():
        report = validate_upload(
            request,
            key=PARAMS_KEY,
            data=form.cleaned_data["file"].read(),
            dry_run=simulator_params_check,
            budget=budget.pk,
        )
        if isinstance(report, HttpResponse):
            return report
    context = _params_context(budget, form, report, request.session.get(PARAMS_KEY))
    return render(request, zone_template(request, "budget/backoffice/params.html"), context)


@backoffice_view
@require_POST
def params_upload_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    budget = get_object_or_404(Budget, slug=slug)
    found = take_upload(request, key=PARAMS_KEY, budget=budget.pk)
    if found is None:
        return upload_gone(
            request,
            reverse("budget:backoffice_params", kwargs={"slug": budget.slug}),
            _("Le classeur validé n'est plus disponible : envoyez-le de nouveau."),
        )
    report = simulator_params_import(budget=budget, data=found[1])
    if not report.ok:
        context = _params_context(budget, ParamsUploadForm(), report)
        return render(request, zone_template(request, "budget/backoffice/params.html"), context)
    log_event(
        logger,
        "import_confirmed",
        kind="simulator_params",
        budget=budget.slug,
        lines=report.lines_updated,
        rules=report.rules_created,
    )
    messages.success(
        request,
        _(
            "Paramètres du simulateur enregistrés pour « %(budget)s » : %(lines)s lignes "
            "modifiées, %(rules)s règles d'impact."
        )
        % {"budget": budget, "lines": report.lines_updated, "rules": report.rules_created},
    )
    return go(request, reverse("budget:backoffice"))


urlpatterns = [
    path("gestion/", index, name="backoffice"),
    path("gestion/import/", budget_upload, name="backoffice_import"),
    path("gestion/import/confirmer/", budget_upload_confirm, name="backoffice_import_confirm"),
    path(
        "gestion/budgets/<slug:slug>/parametres.xlsx",
        params_download,
        name="backoffice_params_download",
    ),
    path("gestion/budgets/<slug:slug>/parametres/", params_upload, name="backoffice_params"),
    path(
        "gestion/budgets/<slug:slug>/parametres/confirmer/",
        params_upload_confirm,
        name="backoffice_params_confirm",
    ),
]
