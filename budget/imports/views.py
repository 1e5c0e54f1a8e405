"""Back-office pages of the budget app: budget file imports and simulator parameters.

Every view goes through `backoffice_view` (administrator or finance role). An upload is
validated first (dry run); the file then waits in a private temporary directory, referenced
from the session by a random token, until the user confirms: no second upload.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from budget.forms import BudgetUploadForm, ParamsUploadForm
from budget.imports.params import XLSX_TYPE, simulator_params_export, simulator_params_import
from budget.imports.services import budget_import
from budget.imports.uploads import discard_upload, go, pending_upload, stash
from budget.models import Authority, Budget
from budget.roles import ADMINISTRATOR, FINANCE, require_role

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


# --- pages ---------------------------------------------------------------------------------


@backoffice_view
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    budgets = Budget.objects.select_related("authority").annotate(line_count=Count("lines"))
    return render(request, "budget/backoffice/index.html", {"budgets": budgets})


@backoffice_view
@require_http_methods(["GET", "POST"])
def budget_upload(request: HttpRequest) -> HttpResponse:
    template_name = "budget/backoffice/import.html"
    report = None
    if request.method == "POST":
        form = BudgetUploadForm(request.POST, request.FILES)
        if form.is_valid():
            discard_upload(request, IMPORT_KEY)
            uploaded = form.cleaned_data["file"]
            data = uploaded.read()
            options = {
                "authority": form.cleaned_data["authority"],
                "population": form.cleaned_data["population"],
                "debt_start": form.cleaned_data["debt_start"],
            }
            report = budget_import(data=data, filename=uploaded.name, dry_run=True, **options)
            if report.ok:
                request.session[IMPORT_KEY] = {
                    "token": stash(data),
                    "filename": uploaded.name,
                    "authority": options["authority"].pk if options["authority"] else None,
                    "population": options["population"],
                    "debt_start": (
                        str(options["debt_start"]) if options["debt_start"] is not None else None
                    ),
                }
    else:
        form = BudgetUploadForm()
    context = {
        "form": form,
        "report": report,
        "pending": request.session.get(IMPORT_KEY),
        "max_bytes": settings.BUDGET_IMPORT_MAX_BYTES,
    }
    if request.htmx:
        template_name += "#zone"
    return render(request, template_name, context)


@backoffice_view
@require_POST
def budget_upload_confirm(request: HttpRequest) -> HttpResponse:
    found = pending_upload(request, IMPORT_KEY, request.POST.get("token"))
    if found is None:
        messages.error(
            request, _("Le fichier validé n'est plus disponible : envoyez-le de nouveau.")
        )
        return go(request, reverse("budget:backoffice_import"))
    pending, data = found
    report = budget_import(
        data=data,
        filename=pending["filename"],
        authority=Authority.objects.filter(pk=pending["authority"]).first()
        if pending["authority"]
        else None,
        population=pending["population"],
        debt_start=Decimal(pending["debt_start"]) if pending["debt_start"] else None,
    )
    discard_upload(request, IMPORT_KEY)
    if not report.ok:
        # Only something that changed between validation and confirmation gets here.
        context = {
            "form": BudgetUploadForm(),
            "report": report,
            "pending": None,
            "max_bytes": settings.BUDGET_IMPORT_MAX_BYTES,
        }
        template_name = "budget/backoffice/import.html"
        if request.htmx:
            template_name += "#zone"
        return render(request, template_name, context)
    budget = report.budget
    messages.success(
        request,
        format_html(
            _(
                "Budget importé : {count} lignes ({created} nouvelles, {updated} mises à jour, "
                '{deleted} supprimées). <a href="{url}">Voir le budget « {name} »</a>.'
            ),
            count=report.line_count,
            created=report.created,
            updated=report.updated,
            deleted=report.deleted,
            url=budget.get_absolute_url(),
            name=str(budget),
        ),
    )
    return go(request, reverse("budget:backoffice"))


@backoffice_view
@require_GET
def params_download(request: HttpRequest, slug: str) -> HttpResponse:
    budget = get_object_or_404(Budget, slug=slug)
    response = HttpResponse(simulator_params_export(budget=budget), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="parametres-{budget.slug}.xlsx"'
    return response


@backoffice_view
@require_http_methods(["GET", "POST"])
def params_upload(request: HttpRequest, slug: str) -> HttpResponse:
    budget = get_object_or_404(Budget.objects.select_related("authority"), slug=slug)
    template_name = "budget/backoffice/params.html"
    report = None
    if request.method == "POST":
        form = ParamsUploadForm(request.POST, request.FILES)
        if form.is_valid():
            discard_upload(request, PARAMS_KEY)
            data = form.cleaned_data["file"].read()
            report = simulator_params_import(budget=budget, data=data, dry_run=True)
            if report.ok:
                request.session[PARAMS_KEY] = {"token": stash(data), "budget": budget.pk}
    else:
        form = ParamsUploadForm()
    context = {
        "budget": budget,
        "form": form,
        "report": report,
        "pending": request.session.get(PARAMS_KEY),
        "max_bytes": settings.BUDGET_IMPORT_MAX_BYTES,
    }
    if request.htmx:
        template_name += "#zone"
    return render(request, template_name, context)


@backoffice_view
@require_POST
def params_upload_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    budget = get_object_or_404(Budget, slug=slug)
    found = pending_upload(request, PARAMS_KEY, request.POST.get("token"))
    if found is None or found[0].get("budget") != budget.pk:
        messages.error(
            request, _("Le classeur validé n'est plus disponible : envoyez-le de nouveau.")
        )
        return go(request, reverse("budget:backoffice_params", kwargs={"slug": budget.slug}))
    report = simulator_params_import(budget=budget, data=found[1])
    discard_upload(request, PARAMS_KEY)
    if not report.ok:
        context = {"budget": budget, "form": ParamsUploadForm(), "report": report}
        template_name = "budget/backoffice/params.html"
        if request.htmx:
            template_name += "#zone"
        return render(request, template_name, context)
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
