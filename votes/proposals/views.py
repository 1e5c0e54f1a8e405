"""Proposal pages: list, detail, attachments, supports and flags.

The deposit, edit and withdrawal screens are in views_deposit, moderation in
views_moderation; the routes of all three in votes.proposals.urls.
"""

from __future__ import annotations

from collections import OrderedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from budget.maps import map_div
from simulator import charts
from simulator.engine.levers import household_text
from votes import ratelimits
from votes.access import is_moderator, is_team
from votes.agenda.maps import event_points
from votes.campaigns.models import Campaign, Phase
from votes.campaigns.phases import phase_allows
from votes.debate.threads import debate_context
from votes.instruction.publication import instruction_is_public
from votes.proposals import revenue, savings
from votes.proposals.filters import ProposalFilter
from votes.proposals.forms import FlagForm, ModerationForm
from votes.proposals.location import proposal_points
from votes.proposals.models import Flag, Proposal, Support
from votes.proposals.screening import supports_standing
from votes.proposals.services_moderation import flag_create, support_toggle
from votes.text import render_markdown

PER_PAGE = 20


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


# --- access -------------------------------------------------------------------------------


def get_campaign(request: HttpRequest, slug: str) -> Campaign:
    """A campaign in draft exists only for its administrators."""
    campaigns = Campaign.objects.visible_to(request.user).select_related("authority", "budget")
    return get_object_or_404(campaigns, slug=slug)


def is_author(request: HttpRequest, proposal: Proposal) -> bool:
    return request.user.is_authenticated and proposal.author_id == request.user.pk


def get_proposal(request: HttpRequest, campaign: Campaign, reference: int) -> Proposal:
    """A hidden proposal exists only for the moderators and its author (with the reason)."""
    proposal = get_object_or_404(
        Proposal.objects.select_related("category", "commune", "author__profile", "campaign"),
        campaign=campaign,
        reference=reference,
    )
    if proposal.status == Proposal.Status.HIDDEN and not (
        is_moderator(request.user) or is_author(request, proposal)
    ):
        raise Http404
    proposal.campaign = campaign
    return proposal


def _listed_statuses(request: HttpRequest) -> list[str]:
    if is_moderator(request.user):
        return list(Proposal.Status.values)
    # Not retained at the supports stage: public, the council answers it too.
    if is_team(request.user):
        return [
            Proposal.Status.PUBLISHED,
            Proposal.Status.NOT_RETAINED,
            Proposal.Status.WITHDRAWN,
        ]
    return [Proposal.Status.PUBLISHED, Proposal.Status.NOT_RETAINED]


def add_errors(form, error: ValidationError) -> None:
    """A service's refusal shown on the form: on its field when the form has it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


# --- list ---------------------------------------------------------------------------------


@require_safe
@vary_on_headers("HX-Request")
def proposal_list(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    campaign = get_campaign(request, slug)
    statuses = _listed_statuses(request)
    proposals = (
        campaign.proposals.filter(status__in=statuses)
        # council_answer: the citizen label of each card, without a query per card.
        .select_related("campaign", "category", "commune", "author__profile", "council_answer")
        .with_support_count()
        .with_comment_count()
        .order_by("-created_at", "-reference")
    )
    if is_moderator(request.user):
        proposals = proposals.with_hidden_reason()
    team_statuses = statuses if is_team(request.user) else None
    proposal_filter = ProposalFilter(
        request.GET, queryset=proposals, campaign=campaign, statuses=team_statuses
    )
    page = Paginator(proposal_filter.qs, PER_PAGE).get_page(request.GET.get("page"))
    # The map shows every filtered proposal with a point, not only this page's.
    located = list(proposal_filter.qs.located()) if proposal_filter.is_valid() else []
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
            "threshold": _threshold_shown(campaign),
            "standing": supports_standing(campaign) if supports_shown(campaign) else None,
            "located": located,
            "map": map_div(
                authority=campaign.authority,
                # The campaign's coming events are on its map too (votes/agenda/).
                points=proposal_points(located) + event_points(campaign.events.upcoming()),
                label=_("Carte des propositions et des rendez-vous"),
                div_id="proposals-map",
            ),
        },
    )


# --- detail -------------------------------------------------------------------------------


def _support_context(request: HttpRequest, proposal: Proposal, **extra) -> dict:
    user = request.user
    return {
        "support_count": proposal.supports.count(),
        "threshold": _threshold_shown(proposal.campaign),
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
        result = savings.proposal_simulation(proposal)
    except savings.SimulationError as error:
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
        "revenue_label": revenue.lever_label(proposal) if proposal.lever else "",
        "revenue_household": next(
            (
                household_text(effect.household_yearly_change)
                for effect in result.lever_effects
                if effect.household_yearly_change is not None
            ),
            "",
        ),
    }


def supports_shown(campaign: Campaign) -> bool:
    """Counts stay hidden while the vote is open, so that nobody votes for the front-runner."""
    return campaign.supports_enabled and campaign.phase != Phase.VOTING


def _threshold_shown(campaign: Campaign) -> int | None:
    """The threshold each proposal's supports are measured against, from the supports phase
    (before it, the rules on the campaign page announce it)."""
    if not supports_shown(campaign) or not campaign.reached(Phase.SUPPORTS):
        return None
    return campaign.supports_threshold


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
    by_author = is_author(request, proposal)
    moderator = is_moderator(request.user)
    context = {
        "campaign": campaign,
        "proposal": proposal,
        "description_html": render_markdown(proposal.description),
        "attachments": list(proposal.attachments.all()),
        "adjustments": list(proposal.adjustments.select_related("line")),
        "supports_shown": supports_shown(campaign),
        "is_author": by_author,
        "can_edit": by_author
        and phase_allows(campaign, "edit_proposal")
        and proposal.status != Proposal.Status.WITHDRAWN,
        "can_withdraw": by_author
        and phase_allows(campaign, "withdraw_proposal")
        and proposal.status != Proposal.Status.WITHDRAWN,
        "is_moderator": moderator,
        "public_instruction": _public_instruction(proposal, campaign),
        **_support_context(request, proposal),
        **_flag_context(request, proposal),
        **_impacts_context(proposal),
        "map": map_div(
            authority=campaign.authority,
            points=proposal_points([proposal]),
            label=_("Emplacement de la proposition sur la carte"),
            div_id="proposal-map",
        )
        if proposal.has_point or proposal.neighbourhood
        else None,
        **debate_context(request, proposal),
    }
    if moderator or (by_author and proposal.status == Proposal.Status.HIDDEN):
        context["moderation_actions"] = list(
            proposal.moderation_actions.select_related("moderator").order_by("-at", "-id")
        )
    if moderator:
        context["flags"] = list(proposal.flags.select_related("user__profile"))
        context["moderation_form"] = ModerationForm()
    context.update(extra)
    return context


def proposal_page(request: HttpRequest, proposal: Proposal, **extra) -> HttpResponse:
    """The proposal page with a bound form of another concept (the debate's, refused without
    htmx): the same page, the text typed kept."""
    return render(
        request, "votes/proposals/detail.html", _detail_context(request, proposal, **extra)
    )


@require_safe
def proposal_detail(request: HttpRequest, slug: str, reference: int) -> HttpResponse:
    campaign = get_campaign(request, slug)
    proposal = get_proposal(request, campaign, reference)
    return render(request, "votes/proposals/detail.html", _detail_context(request, proposal))


@require_safe
def proposal_attachment(request: HttpRequest, slug: str, reference: int, pk: int) -> FileResponse:
    """Served by the application: a hidden proposal's files are hidden with it."""
    campaign = get_campaign(request, slug)
    proposal = get_proposal(request, campaign, reference)
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
    campaign = get_campaign(request, slug)
    proposal = get_proposal(request, campaign, reference)
    error = None
    try:
        support_toggle(proposal=proposal, user=request.user)
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
    campaign = get_campaign(request, slug)
    proposal = get_proposal(request, campaign, reference)
    # Every flag counts, per address and per account: the moderation queue cannot be flooded.
    refusal = ratelimits.hit(request, "proposal_flag", target=str(request.user.pk))
    if refusal:
        return ratelimits.refused(request, refusal)
    form = FlagForm(request.POST)
    if form.is_valid():
        try:
            flag_create(proposal=proposal, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as refusal:
            add_errors(form, refusal)
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
