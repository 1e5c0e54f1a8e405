"""Citizen panel pages: the public sign-up and draw page, the team's pool, quotas and draws."""

from __future__ import annotations

import logging
import shlex
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from budget.imports.params import XLSX_TYPE
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
from votes.access import is_administrator, is_facilitator, require
from votes.campaigns.models import Campaign, Phase
from votes.panels import services as panels
from votes.panels import sortition
from votes.panels.charts import composition_chart
from votes.panels.exports import draw_workbook
from votes.panels.forms import DrawForm, QuotaForm, VolunteerForm, VolunteerImportForm
from votes.panels.imports import volunteers_check
from votes.panels.models import PanelDraw, Quota, Volunteer
from votes.panels.tasks import panel_draw_task, volunteers_import_task

logger = logging.getLogger(__name__)

View = Callable[..., HttpResponse]
POOL_FILE = "vivier.csv"
QUOTAS_FILE = "quotas.csv"
VOLUNTEERS_KEY = "panel_volunteers_pending"


# --- access ----------------------------------------------------------------------------------


def panel_team_view(view: View) -> View:
    """The participation team's pages (administrators, facilitators): anonymous → login,
    anyone else → 403. The view gets the campaign instead of its slug."""

    @wraps(view)
    def wrapped(request: HttpRequest, slug: str, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(reverse("login"))
            return redirect_to_login(request.get_full_path())
        require(is_facilitator(request.user))
        campaign = get_object_or_404(Campaign.objects.select_related("authority"), slug=slug)
        return view(request, campaign, *args, **kwargs)

    return wrapped


def _public_campaign(request: HttpRequest, slug: str) -> Campaign:
    campaign = get_object_or_404(Campaign.objects.select_related("authority"), slug=slug)
    # A draft is not public yet (as on the campaign page).
    if campaign.phase == Phase.DRAFT and not is_administrator(request.user):
        raise Http404
    return campaign


def _messages_of(error: ValidationError) -> list[str]:
    return list(error.messages)


# --- public pages ----------------------------------------------------------------------------


def check_command(draw: PanelDraw) -> str:
    """The command anyone can run on the published files to get the same panel."""
    parts = [
        "python manage.py draw_panel",
        f"--pool {POOL_FILE} --quotas {QUOTAS_FILE}",
        f"--size {draw.size}",
        f"--reserve {draw.reserve_size}",
        f"--seed {shlex.quote(draw.seed)}",
        f"--algorithm {draw.algorithm} --json",
    ]
    return " ".join(parts)


@require_GET
def panel_public(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _public_campaign(request, slug)
    draw = panels.published_draw(campaign)
    context = {"campaign": campaign, "draw": draw}
    if draw is not None:
        groups = panels.draw_composition(draw)
        context.update(
            {
                "charts": [composition_chart(group, i) for i, group in enumerate(groups, 1)],
                "pool_size": len(draw.pool),
                "draw_count": PanelDraw.objects.filter(campaign=campaign).count(),
                "command": check_command(draw),
                "pool_file": POOL_FILE,
                "quotas_file": QUOTAS_FILE,
            }
        )
    return render(request, "votes/panels/public.html", context)


@require_GET
def draw_file(request: HttpRequest, slug: str, pk: int, name: str) -> HttpResponse:
    """The anonymised pool and the quotas of a draw: public once published, else team only."""
    campaign = _public_campaign(request, slug)
    draw = get_object_or_404(PanelDraw, campaign=campaign, pk=pk)
    if not draw.published and not is_facilitator(request.user):
        raise Http404
    if name == POOL_FILE:
        content = sortition.pool_csv(panels.draw_people(draw))
    elif name == QUOTAS_FILE:
        content = sortition.quotas_csv(panels.draw_quotas(draw))
    else:
        raise Http404
    response = HttpResponse(content.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET", "POST"])
def volunteer_signup(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _public_campaign(request, slug)
    mode, areas = panels.area_mode(campaign)
    retain_until = panels.retention_date(campaign, today=timezone.localdate())
    form = VolunteerForm(
        request.POST or None,
        campaign=campaign,
        mode=mode,
        areas=areas,
        retain_until=retain_until,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            panels.volunteer_register(
                campaign=campaign,
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                gender=data["gender"],
                age_band=data["age_band"],
                commune=data.get("commune"),
                area=data.get("area", ""),
                occupation=data["occupation"],
                availability=data["availability"],
                consent=data["consent"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                form.add_error(None, error)
        else:
            return redirect("votes:volunteer_thanks", slug=campaign.slug)
    return render(
        request,
        "votes/panels/signup.html",
        {"campaign": campaign, "form": form, "retain_until": retain_until},
        status=400 if form.errors else 200,
    )


@require_GET
def volunteer_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _public_campaign(request, slug)
    return render(
        request,
        "votes/panels/thanks.html",
        {
            "campaign": campaign,
            "retain_until": panels.retention_date(campaign, today=timezone.localdate()),
        },
    )


# --- team: pool --------------------------------------------------------------------------------


def _pool_context(campaign: Campaign, **extra) -> dict:
    today = timezone.localdate()
    counts = panels.pool_counts(campaign, today=today)
    return {
        "campaign": campaign,
        "volunteers": panels.volunteers_of(campaign),
        "today": today,
        "counts": [
            {
                "label": panels.attribute_label(attribute),
                "values": sorted(
                    (panels.value_label(attribute, value), count)
                    for value, count in counts[attribute].items()
                ),
            }
            for attribute in Quota.Attribute.values
        ],
        "import_form": VolunteerImportForm(),
        "report": None,
        "pending": None,
        **extra,
    }


@panel_team_view
@require_GET
def panel_pool(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    # Back from the check of a large volunteers file made by the worker: its result.
    report = checked_upload(request, key=VOLUNTEERS_KEY, campaign=campaign.pk)
    if report is None:
        return render(request, "votes/panels/pool.html", _pool_context(campaign))
    context = _pool_context(campaign, report=report, pending=request.session.get(VOLUNTEERS_KEY))
    return render(request, "votes/panels/pool.html", context)


@panel_team_view
@require_POST
def pool_import(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    """Validation of a volunteers file: every problem, or how many would join (nothing written)."""
    form = VolunteerImportForm(request.POST, request.FILES)
    report = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        report = validate_upload(
            request,
            key=VOLUNTEERS_KEY,
            data=upload.read(),
            dry_run=volunteers_check,
            page=reverse("votes:panel_pool", kwargs={"slug": campaign.slug}),
            campaign=campaign.pk,
            filename=upload.name,
            consent_confirmed=form.cleaned_data["consent_confirmed"],
        )
        if isinstance(report, HttpResponse):
            return report
    context = _pool_context(
        campaign, import_form=form, report=report, pending=request.session.get(VOLUNTEERS_KEY)
    )
    status = 200 if report is not None and report.ok else 400
    return render(request, zone_template(request, "votes/panels/pool.html"), context, status=status)


@panel_team_view
@require_POST
def pool_import_confirm(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    here = reverse("votes:panel_pool", kwargs={"slug": campaign.slug})
    found = take_upload(request, key=VOLUNTEERS_KEY, campaign=campaign.pk)
    if found is None:
        return upload_gone(
            request, here, _("Le fichier validé n'est plus disponible : envoyez-le de nouveau.")
        )
    pending, data = found
    job = job_submit(
        kind=Job.Kind.VOLUNTEER_IMPORT,
        owner=request.user,
        task_path=volunteers_import_task.module_path,
        params={"campaign": campaign.pk, "filename": pending["filename"]},
        input_data=data,
    )
    return go(request, job.get_absolute_url())


@panel_team_view
@require_http_methods(["GET", "POST"])
def volunteer_delete(request: HttpRequest, campaign: Campaign, pk: int) -> HttpResponse:
    volunteer = get_object_or_404(Volunteer, campaign=campaign, pk=pk)
    if request.method == "POST":
        panels.volunteer_delete(volunteer=volunteer)
        messages.success(
            request,
            _("Les données de %(name)s sont supprimées.") % {"name": volunteer.name},
        )
        return redirect("votes:panel_pool", slug=campaign.slug)
    return render(
        request,
        "votes/panels/volunteer_delete.html",
        {"campaign": campaign, "volunteer": volunteer},
    )


# --- team: quotas ------------------------------------------------------------------------------


def _quotas_response(request: HttpRequest, campaign: Campaign, form: QuotaForm, **extra):
    today = timezone.localdate()
    counts = panels.pool_counts(campaign, today=today)
    quotas = [
        {
            "quota": quota,
            "label": panels.value_label(quota.attribute, quota.value),
            "pool": counts[quota.attribute][quota.value],
        }
        for quota in Quota.objects.filter(campaign=campaign)
    ]
    template_name = "votes/panels/quotas.html" + ("#zone" if request.htmx else "")
    return render(
        request,
        template_name,
        {"campaign": campaign, "form": form, "quotas": quotas, "warnings": [], **extra},
        # 200 for htmx even when refused: htmx swaps only successful responses.
        status=400 if form.errors and not request.htmx else 200,
    )


@panel_team_view
@require_http_methods(["GET", "POST"])
def panel_quotas(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    form = QuotaForm(request.POST or None)
    warnings: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _quota, warnings = panels.quota_set(
                campaign=campaign,
                attribute=data["attribute"],
                value=data["value"],
                minimum=data["minimum"],
                maximum=data["maximum"],
                today=timezone.localdate(),
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            if not request.htmx:
                messages.success(request, _("Quota enregistré."))
                for warning in warnings:
                    messages.warning(request, warning)
                return redirect("votes:panel_quotas", slug=campaign.slug)
            form = QuotaForm()
    return _quotas_response(request, campaign, form, warnings=warnings)


@panel_team_view
@require_POST
def quota_delete(request: HttpRequest, campaign: Campaign, pk: int) -> HttpResponse:
    quota = get_object_or_404(Quota, campaign=campaign, pk=pk)
    panels.quota_delete(quota=quota)
    if not request.htmx:
        messages.success(request, _("Quota retiré."))
        return redirect("votes:panel_quotas", slug=campaign.slug)
    return _quotas_response(request, campaign, QuotaForm())


# --- team: draws -------------------------------------------------------------------------------


@panel_team_view
@require_http_methods(["GET", "POST"])
def panel_draws(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    pool_size = panels.drawable(campaign, today=timezone.localdate()).count()
    form = DrawForm(request.POST or None, pool_size=pool_size)
    if request.method == "POST" and form.is_valid():
        # The solver may take minutes on a large pool: the draw runs as a task, and its
        # page shows the progress, a refusal (infeasible quotas) or the link to the draw.
        job = job_submit(
            kind=Job.Kind.PANEL_DRAW,
            owner=request.user,
            task_path=panel_draw_task.module_path,
            params={"campaign": campaign.pk, "by": request.user.pk, **form.cleaned_data},
        )
        return redirect(job)
    return render(
        request,
        "votes/panels/draws.html",
        {
            "campaign": campaign,
            "form": form,
            "draws": PanelDraw.objects.filter(campaign=campaign).select_related("created_by"),
            "pool_size": pool_size,
            "quota_count": Quota.objects.filter(campaign=campaign).count(),
            "leximin_available": sortition.leximin_available(),
            "library_pool_limit": sortition.LIBRARY_POOL_LIMIT,
        },
        status=400 if form.errors else 200,
    )


@panel_team_view
@require_GET
def panel_draw(request: HttpRequest, campaign: Campaign, pk: int) -> HttpResponse:
    draw = get_object_or_404(
        PanelDraw.objects.select_related("created_by"), campaign=campaign, pk=pk
    )
    selected, reserve = panels.draw_members(draw)
    return render(
        request,
        "votes/panels/draw.html",
        {
            "campaign": campaign,
            "draw": draw,
            "selected": selected,
            "reserve": reserve,
            "composition": panels.draw_composition(draw),
            "other_published": PanelDraw.objects.filter(campaign=campaign, published=True)
            .exclude(pk=draw.pk)
            .exists(),
            "pool_file": POOL_FILE,
            "quotas_file": QUOTAS_FILE,
        },
    )


@panel_team_view
@require_POST
def panel_draw_publish(request: HttpRequest, campaign: Campaign, pk: int) -> HttpResponse:
    draw = get_object_or_404(PanelDraw, campaign=campaign, pk=pk)
    try:
        panels.panel_draw_publish(draw=draw)
    except ValidationError as error:
        for message in _messages_of(error):
            messages.error(request, message)
        return redirect("votes:panel_draw", slug=campaign.slug, pk=draw.pk)
    messages.success(request, _("Tirage publié : la page publique du panel le montre."))
    return redirect("votes:panel", slug=campaign.slug)


@panel_team_view
@require_GET
def panel_draw_export(request: HttpRequest, campaign: Campaign, pk: int) -> HttpResponse:
    draw = get_object_or_404(PanelDraw, campaign=campaign, pk=pk)
    selected, reserve = panels.draw_members(draw)
    response = HttpResponse(
        draw_workbook(selected, reserve, name=campaign.title), content_type=XLSX_TYPE
    )
    response["Content-Disposition"] = (
        f'attachment; filename="panel-{campaign.slug}-tirage-{draw.pk}.xlsx"'
    )
    # Names and contacts: no cache may keep a copy.
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path("campagnes/<slug:slug>/panel/", panel_public, name="panel"),
    path("campagnes/<slug:slug>/panel/volontaire/", volunteer_signup, name="volunteer_signup"),
    path(
        "campagnes/<slug:slug>/panel/volontaire/merci/",
        volunteer_thanks,
        name="volunteer_thanks",
    ),
    path(
        "campagnes/<slug:slug>/panel/tirages/<int:pk>/<str:name>",
        draw_file,
        name="panel_draw_file",
    ),
    path("gestion/campagnes/<slug:slug>/panel/", panel_pool, name="panel_pool"),
    path("gestion/campagnes/<slug:slug>/panel/import/", pool_import, name="panel_pool_import"),
    path(
        "gestion/campagnes/<slug:slug>/panel/import/confirmer/",
        pool_import_confirm,
        name="panel_pool_import_confirm",
    ),
    path(
        "gestion/campagnes/<slug:slug>/panel/volontaires/<int:pk>/supprimer/",
        volunteer_delete,
        name="volunteer_delete",
    ),
    path("gestion/campagnes/<slug:slug>/panel/quotas/", panel_quotas, name="panel_quotas"),
    path(
        "gestion/campagnes/<slug:slug>/panel/quotas/<int:pk>/supprimer/",
        quota_delete,
        name="quota_delete",
    ),
    path("gestion/campagnes/<slug:slug>/panel/tirages/", panel_draws, name="panel_draws"),
    path("gestion/campagnes/<slug:slug>/panel/tirages/<int:pk>/", panel_draw, name="panel_draw"),
    path(
        "gestion/campagnes/<slug:slug>/panel/tirages/<int:pk>/publier/",
        panel_draw_publish,
        name="panel_draw_publish",
    ),
    path(
        "gestion/campagnes/<slug:slug>/panel/tirages/<int:pk>/panel.xlsx",
        panel_draw_export,
        name="panel_draw_export",
    ),
]
