"""Proposal screens: list, detail, deposit, edit, withdraw, supports, flags and moderation."""

from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from simulator import charts
from simulator.inputs import prepared_budget, run_measure_alone, run_scenario
from simulator.models import Measure, Scenario
from simulator.services import scenario_state
from votes.access import is_administrator, is_moderator, is_team, require
from votes.campaigns.models import Campaign, Phase
from votes.campaigns.phases import PhaseError, phase_allows, require_phase
from votes.instruction.publication import instruction_is_public
from votes.proposals import services as services
from votes.proposals.filters import ProposalFilter
from votes.proposals.forms import FlagForm, ModerationForm, ProposalCreateForm, ProposalEditForm
from votes.proposals.models import Flag, ModerationAction, Proposal, Support
from votes.text import render_markdown

PER_PAGE = 20
HISTORY_LENGTH = 100


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


# --- access -------------------------------------------------------------------------------


def _get_campaign(request: HttpRequest, slug: str) -> Campaign:
    """A campaign in draft exists only for its administrators."""
    campaigns = Campaign.objects.select_related("authority", "budget")
    if not is_administrator(request.user):
        campaigns = campaigns.public()
    return get_object_or_404(campaigns, slug=slug)


def _is_author(request: HttpRequest, proposal: Proposal) -> bool:
    return request.user.is_authenticated and proposal.author_id == request.user.pk


def _get_proposal(request: HttpRequest, campaign: Campaign, reference: int) -> Proposal:
    """A hidden proposal exists only for the moderators and its author (with the reason)."""
    proposal = get_object_or_404(
        Proposal.objects.select_related("category", "commune", "author__profile", "campaign"),
        campaign=campaign,
        reference=reference,
    )
    if proposal.status == Proposal.Status.HIDDEN and not (
        is_moderator(request.user) or _is_author(request, proposal)
    ):
        raise Http404
    proposal.campaign = campaign
    return proposal


def _listed_statuses(request: HttpRequest) -> list[str]:
    if is_moderator(request.user):
        return list(Proposal.Status.values)
    if is_team(request.user):
        return [Proposal.Status.PUBLISHED, Proposal.Status.WITHDRAWN]
    return [Proposal.Status.PUBLISHED]


def _add_errors(form, error: ValidationError) -> None:
    """A service's refusal shown on the form: on its field when the form has it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


def _last_hide_reason() -> Subquery:
    return Subquery(
        ModerationAction.objects.filter(
            proposal=OuterRef("pk"), action=ModerationAction.Action.HIDE
        )
        .order_by("-at", "-id")
        .values("reason")[:1]
    )


# --- list ---------------------------------------------------------------------------------


@require_safe
@vary_on_headers("HX-Request")
def proposal_list(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    campaign = _get_campaign(request, slug)
    statuses = _listed_statuses(request)
    proposals = (
        Proposal.objects.filter(campaign=campaign, status__in=statuses)
        # council_answer: the citizen label of each card, without a query per card.
        .select_related("campaign", "category", "commune", "author__profile", "council_answer")
        .annotate(support_count=Count("supports"))
        .order_by("-created_at", "-reference")
    )
    if is_moderator(request.user):
        proposals = proposals.annotate(hidden_reason=_last_hide_reason())
    team_statuses = statuses if is_team(request.user) else None
    proposal_filter = ProposalFilter(
        request.GET, queryset=proposals, campaign=campaign, statuses=team_statuses
    )
    page = Paginator(proposal_filter.qs, PER_PAGE).get_page(request.GET.get("page"))
    template_name = "votes/proposals/list.html"
    if request.htmx:
        template_name += "#results"
    return render(
        request,
        template_name,
        {
            "campaign": campaign,
            "filter": proposal_filter,
            "page": page,
            "page_links": page.paginator.get_elided_page_range(page.number, on_ends=1),
            "can_propose": phase_allows(campaign, "propose"),
            "supports_shown": supports_shown(campaign),
        },
    )


# --- detail -------------------------------------------------------------------------------


def _support_context(request: HttpRequest, proposal: Proposal, **extra) -> dict:
    user = request.user
    return {
        "support_count": proposal.supports.count(),
        "has_supported": user.is_authenticated
        and Support.objects.filter(proposal=proposal, user=user).exists(),
        "can_support": phase_allows(proposal.campaign, "support")
        and proposal.status == Proposal.Status.PUBLISHED,
        **extra,
    }


def _flag_context(request: HttpRequest, proposal: Proposal, form: FlagForm | None = None) -> dict:
    user = request.user
    already = user.is_authenticated and Flag.objects.filter(proposal=proposal, user=user).exists()
    can_flag = user.is_authenticated and proposal.status != Proposal.Status.HIDDEN and not already
    return {"already_flagged": already, "flag_form": (form or FlagForm()) if can_flag else None}


def _impacts_context(proposal: Proposal) -> dict:
    """A saving's linked impacts, computed by the simulator engine on the campaign's budget."""
    if proposal.kind != Proposal.Kind.SAVING:
        return {}
    try:
        result = services.proposal_simulation(proposal)
    except services.SimulationError as error:
        return {"impact_errors": error.messages}
    if result is None:
        return {}
    years = [
        {
            "year": year,
            "direct": result.direct_delta[i],
            "induced": result.induced_delta[i],
            "net": result.net_saving[i],
        }
        for i, year in enumerate(result.years)
    ]
    changed = result.line_years().sort_values(["code", "year"])
    lines: OrderedDict[str, dict] = OrderedDict()
    for row in changed.itertuples(index=False):
        entry = lines.setdefault(row.code, {"code": row.code, "label": row.label, "years": []})
        entry["years"].append(row)
    return {
        "impacts": result,
        "impact_years": years,
        "impact_lines": list(lines.values()),
        "impact_chart": charts.waterfall(result),
    }


def supports_shown(campaign: Campaign) -> bool:
    """Counts stay hidden while the vote is open, so that nobody votes for the front-runner."""
    return campaign.supports_enabled and campaign.phase != Phase.VOTING


def _public_instruction(proposal: Proposal, campaign: Campaign) -> dict | None:
    """Only what may be public: never the internal notes, never before the end of instruction."""
    try:
        instruction = proposal.instruction
    except ObjectDoesNotExist:
        return None
    if not instruction_is_public(instruction):
        return None
    return {
        "status": instruction.get_status_display(),
        "is_feasible": instruction.is_feasible,
        "public_reasoning": instruction.public_reasoning,
        "conditions": instruction.conditions,
        "duration": instruction.duration,
        "instructed_cost": instruction.instructed_cost,
        "induced_operating_cost": instruction.induced_operating_cost,
        "instructed_saving": instruction.instructed_saving,
        "direct_saving": instruction.direct_saving,
        "induced_saving": instruction.induced_saving,
    }


def _detail_context(request: HttpRequest, proposal: Proposal, **extra) -> dict:
    campaign = proposal.campaign
    is_author = _is_author(request, proposal)
    moderator = is_moderator(request.user)
    context = {
        "campaign": campaign,
        "proposal": proposal,
        "description_html": render_markdown(proposal.description),
        "attachments": list(proposal.attachments.all()),
        "adjustments": list(proposal.adjustments.select_related("line")),
        "supports_shown": supports_shown(campaign),
        "is_author": is_author,
        "can_edit": is_author
        and phase_allows(campaign, "edit_proposal")
        and proposal.status != Proposal.Status.WITHDRAWN,
        "can_withdraw": is_author
        and phase_allows(campaign, "withdraw_proposal")
        and proposal.status != Proposal.Status.WITHDRAWN,
        "is_moderator": moderator,
        "public_instruction": _public_instruction(proposal, campaign),
        **_support_context(request, proposal),
        **_flag_context(request, proposal),
        **_impacts_context(proposal),
    }
    if moderator or (is_author and proposal.status == Proposal.Status.HIDDEN):
        context["moderation_actions"] = list(
            proposal.moderation_actions.select_related("moderator").order_by("-at", "-id")
        )
    if moderator:
        context["flags"] = list(proposal.flags.select_related("user__profile"))
        context["moderation_form"] = ModerationForm()
    context.update(extra)
    return context


@require_safe
def proposal_detail(request: HttpRequest, slug: str, reference: int) -> HttpResponse:
    campaign = _get_campaign(request, slug)
    proposal = _get_proposal(request, campaign, reference)
    return render(request, "votes/proposals/detail.html", _detail_context(request, proposal))


@require_safe
def proposal_attachment(request: HttpRequest, slug: str, reference: int, pk: int) -> FileResponse:
    """Served by the application: a hidden proposal's files are hidden with it."""
    campaign = _get_campaign(request, slug)
    proposal = _get_proposal(request, campaign, reference)
    attachment = get_object_or_404(proposal.attachments, pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Ce fichier n'est plus disponible.")) from None
    response = FileResponse(handle, content_type=attachment.content_type, filename=attachment.name)
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@require_POST
@login_required
def proposal_support(request: HtmxHttpRequest, slug: str, reference: int) -> HttpResponse:
    campaign = _get_campaign(request, slug)
    proposal = _get_proposal(request, campaign, reference)
    error = None
    try:
        services.support_toggle(proposal=proposal, user=request.user)
    except ValidationError as refusal:
        error = " ".join(refusal.messages)
    if request.htmx:
        context = {"campaign": campaign, "proposal": proposal}
        context.update(_support_context(request, proposal, support_error=error))
        return render(request, "votes/proposals/detail.html#support", context)
    if error:
        messages.error(request, error)
    return redirect(proposal)


@require_POST
@login_required
def proposal_flag(request: HtmxHttpRequest, slug: str, reference: int) -> HttpResponse:
    campaign = _get_campaign(request, slug)
    proposal = _get_proposal(request, campaign, reference)
    form = FlagForm(request.POST)
    if form.is_valid():
        try:
            services.flag_create(
                proposal=proposal, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as refusal:
            _add_errors(form, refusal)
        else:
            thanks = _("Merci : votre signalement est transmis à la modération.")
            if request.htmx:
                return render(
                    request,
                    "votes/proposals/detail.html#flag",
                    {
                        "campaign": campaign,
                        "proposal": proposal,
                        "flag_thanks": thanks,
                        "already_flagged": True,
                    },
                )
            messages.success(request, thanks)
            return redirect(proposal)
    if request.htmx:
        return render(
            request,
            "votes/proposals/detail.html#flag",
            {"campaign": campaign, "proposal": proposal, "flag_form": form},
        )
    context = _detail_context(request, proposal, flag_form=form)
    return render(request, "votes/proposals/detail.html", context)


# --- deposit, edit, withdraw --------------------------------------------------------------


def _phase_refusal(campaign: Campaign, action: str) -> str | None:
    try:
        require_phase(campaign, action)
    except PhaseError as error:
        return " ".join(error.messages)
    return None


def _prefill(campaign: Campaign, request: HttpRequest) -> tuple[dict, object | None]:
    """Initial values of a saving started from a shared scenario or a catalogue measure."""
    budget = campaign.budget
    token, slug = request.GET.get("scenario", ""), request.GET.get("mesure", "")
    if budget is None or not (token or slug):
        return {}, None
    if slug:
        measure = (
            Measure.objects.filter(budget=budget, slug=slug, published=True)
            .prefetch_related("adjustments__line")
            .first()
        )
        if measure is None:
            messages.warning(request, _("Cette mesure n'existe pas dans le budget de la campagne."))
            return {}, None
        initial = {"kind": Proposal.Kind.SAVING, "measure": measure.slug, "title": measure.title}
        initial["description"] = measure.description
        try:
            result = run_measure_alone(budget, measure, prepared=prepared_budget(budget), horizon=3)
        except services.SimulationError:
            result = None
        return _with_estimate(initial, result), measure
    try:
        scenario = Scenario.objects.filter(share_token=token, budget=budget).first()
    except ValidationError:
        scenario = None
    if scenario is None:
        messages.warning(request, _("Ce scénario n'existe pas pour le budget de la campagne."))
        return {}, None
    initial = {"kind": Proposal.Kind.SAVING, "scenario": str(scenario.share_token)}
    initial["title"] = scenario.title
    try:
        result, _inputs = run_scenario(budget, scenario_state(scenario))
    except services.SimulationError:
        result = None
    return _with_estimate(initial, result), scenario


def _with_estimate(initial: dict, result) -> dict:
    if result is not None and result.full_year_net_saving > 0:
        initial["estimate"] = Decimal(str(round(result.full_year_net_saving)))
    return initial


def _has_profile(request: HttpRequest) -> bool:
    try:
        request.user.profile  # noqa: B018 - created at sign-up for citizens
    except ObjectDoesNotExist:
        return False
    return True


@login_required
def proposal_create(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _get_campaign(request, slug)
    context: dict = {"campaign": campaign, "mode": "create"}
    if not _has_profile(request):
        context["needs_profile"] = True
        return render(request, "votes/proposals/form.html", context)
    source = None
    if request.method == "POST":
        form = ProposalCreateForm(campaign, request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                proposal = services.proposal_create(
                    campaign=campaign,
                    author=request.user,
                    category=data["category"],
                    kind=data["kind"],
                    title=data["title"],
                    description=data["description"],
                    estimate=data["estimate"],
                    commune=data["commune"],
                    place=data["place"],
                    scenario=data["scenario"],
                    measure=data["measure"],
                    attachments=data["attachments"],
                )
            except ValidationError as refusal:
                _add_errors(form, refusal)
            else:
                messages.success(
                    request,
                    _("Votre proposition %(reference)s est publiée.")
                    % {"reference": proposal.public_reference},
                )
                return redirect(proposal)
        source = form.cleaned_data.get("scenario") or form.cleaned_data.get("measure")
    else:
        initial, source = _prefill(campaign, request)
        form = ProposalCreateForm(campaign, initial=initial)
    context.update(
        {"form": form, "source": source, "phase_refusal": _phase_refusal(campaign, "propose")}
    )
    return render(request, "votes/proposals/form.html", context)


def _get_own_proposal(request: HttpRequest, slug: str, reference: int) -> Proposal:
    campaign = _get_campaign(request, slug)
    proposal = _get_proposal(request, campaign, reference)
    require(_is_author(request, proposal))
    return proposal


@login_required
def proposal_edit(request: HttpRequest, slug: str, reference: int) -> HttpResponse:
    proposal = _get_own_proposal(request, slug, reference)
    campaign = proposal.campaign
    if request.method == "POST":
        form = ProposalEditForm(campaign, request.POST, request.FILES, proposal=proposal)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.proposal_update(
                    proposal=proposal,
                    user=request.user,
                    category=data["category"],
                    title=data["title"],
                    description=data["description"],
                    estimate=data["estimate"],
                    commune=data["commune"],
                    place=data["place"],
                    attachments=data["attachments"],
                    remove_attachments=data.get("remove_attachments") or (),
                )
            except ValidationError as refusal:
                _add_errors(form, refusal)
            else:
                messages.success(request, _("Votre proposition est modifiée."))
                return redirect(proposal)
    else:
        form = ProposalEditForm(campaign, proposal=proposal)
    return render(
        request,
        "votes/proposals/form.html",
        {
            "campaign": campaign,
            "proposal": proposal,
            "form": form,
            "mode": "edit",
            "phase_refusal": _phase_refusal(campaign, "edit_proposal"),
        },
    )


@login_required
def proposal_withdraw(request: HttpRequest, slug: str, reference: int) -> HttpResponse:
    proposal = _get_own_proposal(request, slug, reference)
    error = None
    if request.method == "POST":
        try:
            services.proposal_withdraw(proposal=proposal, user=request.user)
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            messages.success(request, _("Votre proposition est retirée."))
            return redirect(proposal)
    return render(
        request,
        "votes/proposals/withdraw.html",
        {
            "campaign": proposal.campaign,
            "proposal": proposal,
            "error": error,
            "phase_refusal": _phase_refusal(proposal.campaign, "withdraw_proposal"),
        },
    )


# --- moderation ---------------------------------------------------------------------------


def _flags_prefetch() -> Prefetch:
    return Prefetch(
        "flags",
        queryset=Flag.objects.filter(handled=False).select_related("user__profile"),
        to_attr="open_flags",
    )


def _queue_proposals() -> QuerySet[Proposal]:
    return Proposal.objects.select_related("campaign", "category", "author__profile").annotate(
        hidden_reason=_last_hide_reason()
    )


@login_required
@require_safe
def moderation_queue(request: HttpRequest) -> HttpResponse:
    require(is_moderator(request.user))
    open_flags = Flag.objects.filter(proposal=OuterRef("pk"), handled=False)
    flagged = (
        _queue_proposals()
        .filter(Exists(open_flags))
        .prefetch_related(_flags_prefetch())
        .order_by("campaign__title", "reference")
    )
    hidden = (
        _queue_proposals()
        .filter(status=Proposal.Status.HIDDEN)
        .exclude(Exists(open_flags))
        .order_by("campaign__title", "reference")
    )
    history = ModerationAction.objects.select_related("proposal__campaign", "moderator").order_by(
        "-at", "-id"
    )[:HISTORY_LENGTH]
    return render(
        request,
        "votes/proposals/moderation_queue.html",
        {
            "flagged": flagged,
            "hidden": hidden,
            "history": history,
        },
    )


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@login_required
def moderation_decide(request: HttpRequest, slug: str, reference: int) -> HttpResponse:
    """Hide a published proposal or restore a hidden one, with a reason kept on record."""
    require(is_moderator(request.user))
    campaign = _get_campaign(request, slug)
    proposal = _get_proposal(request, campaign, reference)
    if request.method == "POST":
        form = ModerationForm(request.POST)
        if form.is_valid():
            decide = (
                services.moderation_restore
                if proposal.status == Proposal.Status.HIDDEN
                else services.moderation_hide
            )
            try:
                decide(
                    proposal=proposal, moderator=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as refusal:
                _add_errors(form, refusal)
            else:
                if proposal.status == Proposal.Status.HIDDEN:
                    done = _("Proposition %(reference)s masquée ; son auteur est prévenu.")
                else:
                    done = _("Proposition %(reference)s rétablie ; son auteur est prévenu.")
                messages.success(request, done % {"reference": proposal.public_reference})
                return redirect(_safe_next(request) or proposal.get_absolute_url())
    else:
        form = ModerationForm()
    return render(
        request,
        "votes/proposals/moderation_decide.html",
        {
            "campaign": campaign,
            "proposal": proposal,
            "form": form,
            "flags": proposal.flags.select_related("user__profile"),
            "actions": proposal.moderation_actions.select_related("moderator"),
            "next": _safe_next(request) or "",
        },
    )


urlpatterns = [
    path("campagnes/<slug:slug>/propositions/", proposal_list, name="proposal_list"),
    path("campagnes/<slug:slug>/propositions/nouvelle/", proposal_create, name="proposal_create"),
    path(
        "campagnes/<slug:slug>/propositions/<int:reference>/",
        proposal_detail,
        name="proposal",
    ),
    path(
        "campagnes/<slug:slug>/propositions/<int:reference>/modifier/",
        proposal_edit,
        name="proposal_edit",
    ),
    path(
        "campagnes/<slug:slug>/propositions/<int:reference>/retirer/",
        proposal_withdraw,
        name="proposal_withdraw",
    ),
    path(
        "campagnes/<slug:slug>/propositions/<int:reference>/soutenir/",
        proposal_support,
        name="proposal_support",
    ),
    path(
        "campagnes/<slug:slug>/propositions/<int:reference>/signaler/",
        proposal_flag,
        name="proposal_flag",
    ),
    path(
        "campagnes/<slug:slug>/propositions/<int:reference>/pieces/<int:pk>/",
        proposal_attachment,
        name="proposal_attachment",
    ),
    path(
        "campagnes/<slug:slug>/propositions/<int:reference>/moderation/",
        moderation_decide,
        name="moderation_decide",
    ),
    path("moderation/", moderation_queue, name="moderation_queue"),
]
