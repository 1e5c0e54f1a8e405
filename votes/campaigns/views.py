"""Campaign pages: the public page (rules, timeline, categories) and the administrators' pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from budget.roles import ADMINISTRATOR
from votes.access import (
    User,
    can_answer_for_council,
    can_edit_agenda,
    filter_campaigns,
    is_administrator,
    require,
)
from votes.campaigns.forms import (
    CampaignCreateForm,
    CampaignEditForm,
    CategoryForm,
    PhaseBackForm,
    ScheduleForm,
    attach_errors,
)
from votes.campaigns.models import PHASE_ORDER, Campaign, Category, Phase, PhaseTransition
from votes.campaigns.phases import phase_allows
from votes.campaigns.services import (
    campaign_create,
    campaign_schedule_set,
    campaign_update,
    category_create,
    category_delete,
    category_update,
)
from votes.campaigns.workflow import (
    MoveWarnings,
    PhaseWarning,
    campaign_move,
    move_problems,
    move_warnings,
    next_phase,
    warnings_digest,
)
from votes.notifications.models import Follow
from votes.proposals.screening import supports_standing
from votes.text import render_markdown

View = Callable[..., HttpResponse]
# The campaign page shows the next few events; the agenda page has them all.
NEXT_EVENTS = 3


def team_view(allowed: Callable[[User], bool]) -> Callable[[View], View]:
    """A management page's one access check: anonymous → login, not `allowed` → 403. The
    check is scoped to the campaign of the URL (votes/scope/middleware.py)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                if getattr(request, "htmx", False):
                    return HttpResponseClientRedirect(reverse("login"))
                return redirect_to_login(request.get_full_path())
            require(allowed(request.user))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


campaign_admin_view = team_view(is_administrator)


# --- public pages ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    phase: str
    label: str
    starts_on: date | None
    ends_on: date | None
    state: str  # "past", "current" or "future"


@dataclass(frozen=True)
class Link:
    label: str
    url: str | None = None
    note: str = ""


def timeline(campaign: Campaign) -> list[Step]:
    planned = {row.phase: row for row in campaign.schedule.all()}
    steps = []
    for phase in PHASE_ORDER:
        if phase == Phase.DRAFT or (phase == Phase.SUPPORTS and not campaign.supports_enabled):
            continue
        index = PHASE_ORDER.index(phase)
        if campaign.phase == Phase.DRAFT or index > campaign.phase_index:
            state = "future"
        else:
            state = "current" if index == campaign.phase_index else "past"
        row = planned.get(phase)
        steps.append(
            Step(
                phase=phase,
                label=str(Phase(phase).label),
                starts_on=row.starts_on if row else None,
                ends_on=row.ends_on if row else None,
                state=state,
            )
        )
    return steps


def campaign_links(campaign: Campaign, steps: list[Step]) -> list[Link]:
    """What a citizen can do now, phase by phase (the services check the phase again)."""
    links = []
    if campaign.budget_id:
        links.append(
            Link(
                _("Explorer le budget"),
                reverse("budget:overview", kwargs={"slug": campaign.budget.slug}),
            )
        )
        links.append(
            Link(
                _("Simuler des choix budgétaires"),
                reverse("simulator:simulator", kwargs={"slug": campaign.budget.slug}),
            )
        )
    slug = campaign.slug
    if phase_allows(campaign, "propose"):
        links.append(
            Link(
                _("Déposer une proposition"),
                reverse("votes:proposal_create", kwargs={"slug": slug}),
            )
        )
    if campaign.reached(Phase.PROPOSALS):
        links.append(
            Link(
                _("Voir les propositions"),
                reverse("votes:proposal_list", kwargs={"slug": slug}),
            )
        )
    starts = {step.phase: step.starts_on for step in steps}
    if campaign.phase == Phase.VOTING:
        links.append(Link(_("Voter en ligne"), reverse("votes:ballot", kwargs={"slug": slug})))
        links.append(
            Link(_("Voter avec un code"), reverse("votes:code_enter", kwargs={"slug": slug}))
        )
        links.append(
            Link(_("Vérifier mon reçu"), reverse("votes:ballot_receipt", kwargs={"slug": slug}))
        )
    elif not campaign.reached(Phase.VOTING):
        opens = starts.get(Phase.VOTING)
        note = _("à venir")
        if opens:
            note = _("à venir, à partir du %(date)s") % {"date": opens.strftime("%d/%m/%Y")}
        links.append(Link(_("Voter"), note=note))
    if campaign.reached(Phase.TALLY):
        links.append(Link(_("Résultats"), reverse("votes:results", kwargs={"slug": slug})))
    return links


@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = Campaign.objects.public().select_related("authority")
    return render(request, "votes/campaigns/list.html", {"campaigns": campaigns})


@require_GET
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # A draft is not public yet: only those who write it see it.
    campaigns = Campaign.objects.visible_to(request.user).select_related(
        "authority__member_of", "budget"
    )
    campaign = get_object_or_404(campaigns, slug=slug)
    steps = timeline(campaign)
    categories = list(campaign.categories.select_related("commune"))
    context = {
        "campaign": campaign,
        "framing": render_markdown(campaign.framing),
        "steps": steps,
        "categories": categories,
        "total_envelope": sum(c.envelope for c in categories if c.envelope is not None),
        "total_target": sum(c.savings_target for c in categories if c.savings_target is not None),
        "has_envelopes": any(c.envelope is not None for c in categories),
        "has_targets": any(c.savings_target is not None for c in categories),
        "links": campaign_links(campaign, steps),
        "standing": supports_standing(campaign) if campaign.phase == Phase.SUPPORTS else None,
        "is_administrator": is_administrator(request.user, campaign),
        "can_answer_for_council": can_answer_for_council(request.user, campaign),
        "next_events": list(campaign.events.upcoming()[:NEXT_EVENTS]),
        "can_edit_agenda": can_edit_agenda(request.user, campaign),
        "following": request.user.is_authenticated
        and Follow.objects.filter(user=request.user, campaign=campaign).exists(),
    }
    return render(request, "votes/campaigns/detail.html", context)


# --- management pages ------------------------------------------------------------------------


def _admin_url(campaign: Campaign) -> str:
    return reverse("votes:campaign_admin", kwargs={"slug": campaign.slug})


def _get_campaign(slug: str) -> Campaign:
    return get_object_or_404(Campaign.objects.select_related("authority", "budget"), slug=slug)


def _admin_context(campaign: Campaign, **overrides) -> dict:
    upcoming = next_phase(campaign)
    context = {
        "campaign": campaign,
        # Forms get their own copy: a bound ModelForm writes posted values on its instance.
        "form": CampaignEditForm(instance=_get_campaign(campaign.slug)),
        "schedule_form": ScheduleForm(campaign=campaign),
        "category_form": CategoryForm(campaign=campaign),
        "back_form": PhaseBackForm(campaign=campaign),
        "categories": campaign.categories.annotate(proposal_count=Count("proposals")),
        "voting_started": campaign.reached(Phase.VOTING),
        "next_phase": upcoming,
        "next_label": Phase(upcoming).label if upcoming else None,
        "next_problems": move_problems(campaign, upcoming) if upcoming else [],
        "transitions": campaign.transitions.select_related("by"),
        "category_error": None,
        "move_errors": [],
    }
    context.update(overrides)
    return context


def _render_admin(request: HttpRequest, campaign: Campaign, **overrides) -> HttpResponse:
    return render(
        request, "votes/campaigns/admin_detail.html", _admin_context(campaign, **overrides)
    )


def _render_categories(request: HttpRequest, campaign: Campaign, **overrides) -> HttpResponse:
    template_name = "votes/campaigns/admin_detail.html"
    if request.htmx:
        template_name += "#categories"
    return render(request, template_name, _admin_context(campaign, **overrides))


@campaign_admin_view
@require_GET
def campaign_admin_list(request: HttpRequest) -> HttpResponse:
    campaigns = filter_campaigns(Campaign.objects.all(), request.user, ADMINISTRATOR)
    campaigns = campaigns.select_related("authority").annotate(
        category_count=Count("categories", distinct=True),
        proposal_count=Count("proposals", distinct=True),
    )
    return render(request, "votes/campaigns/admin_list.html", {"campaigns": campaigns})


@campaign_admin_view
@require_http_methods(["GET", "POST"])
def campaign_admin_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = CampaignCreateForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                campaign = campaign_create(**form.cleaned_data)
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Campagne « %(title)s » créée en brouillon : ajoutez ses rubriques "
                        "et son calendrier, puis publiez son contrat participatif."
                    )
                    % {"title": campaign.title},
                )
                return redirect(_admin_url(campaign))
    else:
        form = CampaignCreateForm(user=request.user)
    return render(request, "votes/campaigns/admin_create.html", {"form": form})


@campaign_admin_view
@require_http_methods(["GET", "POST"])
def campaign_admin(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _get_campaign(slug)
    if request.method != "POST":
        return _render_admin(request, campaign)
    form = CampaignEditForm(request.POST, instance=_get_campaign(slug))
    if form.is_valid():
        try:
            campaign_update(campaign=campaign, by=request.user, **form.changes())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Campagne enregistrée."))
            return redirect(_admin_url(campaign))
    return _render_admin(request, campaign, form=form)


@campaign_admin_view
@require_POST
def campaign_admin_schedule(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _get_campaign(slug)
    form = ScheduleForm(request.POST, campaign=campaign)
    if form.is_valid():
        try:
            campaign_schedule_set(campaign=campaign, by=request.user, dates=form.dates())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Calendrier enregistré."))
            return redirect(_admin_url(campaign) + "#calendrier")
    return _render_admin(request, campaign, schedule_form=form)


@campaign_admin_view
@require_POST
def campaign_admin_category_create(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _get_campaign(slug)
    form = CategoryForm(request.POST, campaign=campaign)
    if form.is_valid():
        try:
            category = category_create(campaign=campaign, by=request.user, **form.values())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            message = _("Rubrique « %(name)s » ajoutée.") % {"name": category.name}
            if request.htmx:
                return _render_categories(request, campaign, category_notice=message)
            messages.success(request, message)
            return redirect(_admin_url(campaign) + "#rubriques")
    return _render_categories(request, campaign, category_form=form)


@campaign_admin_view
@require_http_methods(["GET", "POST"])
def campaign_admin_category(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = _get_campaign(slug)
    category = get_object_or_404(Category, pk=pk, campaign=campaign)
    if request.method == "POST":
        form = CategoryForm(
            request.POST, campaign=campaign, instance=Category.objects.get(pk=category.pk)
        )
        if form.is_valid():
            try:
                category_update(category=category, by=request.user, **form.values())
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(
                    request, _("Rubrique « %(name)s » enregistrée.") % {"name": category.name}
                )
                return redirect(_admin_url(campaign) + "#rubriques")
    else:
        form = CategoryForm(campaign=campaign, instance=category)
    context = {
        "campaign": campaign,
        "category": category,
        "form": form,
        "voting_started": campaign.reached(Phase.VOTING),
    }
    return render(request, "votes/campaigns/admin_category.html", context)


@campaign_admin_view
@require_POST
def campaign_admin_category_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = _get_campaign(slug)
    category = get_object_or_404(Category, pk=pk, campaign=campaign)
    name = category.name
    try:
        category_delete(category=category, by=request.user)
    except ValidationError as exc:
        return _render_categories(request, campaign, category_error=" ".join(exc.messages))
    message = _("Rubrique « %(name)s » supprimée.") % {"name": name}
    if request.htmx:
        return _render_categories(request, campaign, category_notice=message)
    messages.success(request, message)
    return redirect(_admin_url(campaign) + "#rubriques")


def _advance_context(campaign: Campaign, upcoming: str, warnings: list[PhaseWarning]) -> dict:
    return {
        "campaign": campaign,
        "next_phase": upcoming,
        "next_label": Phase(upcoming).label,
        "problems": move_problems(campaign, upcoming),
        "warnings": warnings,
        "warnings_digest": warnings_digest(warnings),
        "goes_public": campaign.phase == Phase.DRAFT,
        "goes_to_council": campaign.phase == Phase.TALLY,
    }


def _moved_message(campaign: Campaign, transition: PhaseTransition) -> str:
    message = _("La campagne est passée en phase « %(phase)s ».") % {
        "phase": campaign.get_phase_display()
    }
    screened = getattr(transition, "screened", None)
    if screened is not None:
        message += " " + _(
            "Seuil de %(threshold)s soutiens : %(retained)s proposition(s) passent à "
            "l'instruction, %(dropped)s ne sont pas retenues."
        ) % {
            "threshold": screened.threshold,
            "retained": len(screened.retained),
            "dropped": len(screened.not_retained),
        }
    return message


@campaign_admin_view
@require_http_methods(["GET", "POST"])
def campaign_admin_advance(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: what moving on means, what to read first (WARNINGS) and a confirmation button;
    POST: move. A POST whose `confirm` does not match the warnings found under the move's lock
    (none sent, or they changed meanwhile) moves nothing and shows them to confirm."""
    campaign = _get_campaign(slug)
    upcoming = next_phase(campaign)
    if request.method == "POST":
        try:
            transition = campaign_move(
                campaign=campaign,
                to_phase=request.POST.get("to_phase", ""),
                by=request.user,
                warnings_read=request.POST.get("confirm", ""),
            )
        except MoveWarnings as exc:
            context = _advance_context(campaign, upcoming, exc.warnings)
            return render(request, "votes/campaigns/admin_advance.html", context)
        except ValidationError as exc:
            return _render_admin(request, campaign, move_errors=exc.messages)
        messages.success(request, _moved_message(campaign, transition))
        return redirect(_admin_url(campaign) + "#phase")
    if upcoming is None:
        return redirect(_admin_url(campaign) + "#phase")
    warnings = move_warnings(campaign, upcoming)
    return render(
        request,
        "votes/campaigns/admin_advance.html",
        _advance_context(campaign, upcoming, warnings),
    )


@campaign_admin_view
@require_POST
def campaign_admin_back(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _get_campaign(slug)
    form = PhaseBackForm(request.POST, campaign=campaign)
    if form.is_valid():
        try:
            campaign_move(
                campaign=campaign,
                to_phase=form.cleaned_data["to_phase"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("La campagne est revenue en phase « %(phase)s ».")
                % {"phase": campaign.get_phase_display()},
            )
            return redirect(_admin_url(campaign) + "#phase")
    return _render_admin(request, campaign, back_form=form)


urlpatterns = [
    path("campagnes/", campaign_list, name="campaign_list"),
    path("campagnes/<slug:slug>/", campaign_detail, name="campaign"),
    path("gestion/campagnes/", campaign_admin_list, name="campaign_admin_list"),
    path("gestion/campagnes/nouvelle/", campaign_admin_create, name="campaign_admin_create"),
    path("gestion/campagnes/<slug:slug>/", campaign_admin, name="campaign_admin"),
    path(
        "gestion/campagnes/<slug:slug>/calendrier/",
        campaign_admin_schedule,
        name="campaign_admin_schedule",
    ),
    path(
        "gestion/campagnes/<slug:slug>/rubriques/",
        campaign_admin_category_create,
        name="campaign_admin_category_create",
    ),
    path(
        "gestion/campagnes/<slug:slug>/rubriques/<int:pk>/",
        campaign_admin_category,
        name="campaign_admin_category",
    ),
    path(
        "gestion/campagnes/<slug:slug>/rubriques/<int:pk>/supprimer/",
        campaign_admin_category_delete,
        name="campaign_admin_category_delete",
    ),
    path(
        "gestion/campagnes/<slug:slug>/phase/suivante/",
        campaign_admin_advance,
        name="campaign_admin_advance",
    ),
    path(
        "gestion/campagnes/<slug:slug>/phase/retour/",
        campaign_admin_back,
        name="campaign_admin_back",
    ),
]
