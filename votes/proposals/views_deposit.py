"""Deposit, edit and withdraw: the author's screens of a proposal."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from budget.maps import map_div
from simulator.inputs import prepared_budget, run_measure_alone, run_scenario
from simulator.models import Measure, Scenario
from simulator.services import scenario_state
from votes import ratelimits
from votes.access import require
from votes.campaigns.models import Campaign
from votes.campaigns.phases import PhaseError, require_phase
from votes.proposals import services
from votes.proposals.forms import ProposalCreateForm, ProposalEditForm
from votes.proposals.location import picker
from votes.proposals.models import Proposal
from votes.proposals.savings import SimulationError
from votes.proposals.views import add_errors, get_campaign, get_proposal, is_author


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
        except SimulationError:
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
    except SimulationError:
        result = None
    return _with_estimate(initial, result), scenario


def _with_estimate(initial: dict, result) -> dict:
    if result is not None and result.full_year_net_saving > 0:
        initial["estimate"] = Decimal(str(round(result.full_year_net_saving)))
    return initial


def location_map(campaign: Campaign):
    return map_div(
        authority=campaign.authority,
        points=[],
        label=_("Carte : cliquez pour placer votre proposition, ou utilisez le clavier"),
        pick=picker(),
        div_id="location-map",
        described_by="map-pick-help",
    )


def _has_profile(request: HttpRequest) -> bool:
    try:
        request.user.profile  # noqa: B018 - created at sign-up for citizens
    except ObjectDoesNotExist:
        return False
    return True


def _described(data: dict) -> dict:
    """What the author writes about a proposal, the same on the deposit and the edit forms."""
    return {
        "category": data["category"],
        "title": data["title"],
        "description": data["description"],
        "estimate": data["estimate"],
        "commune": data["commune"],
        "place": data["place"],
        "latitude": data["latitude"],
        "longitude": data["longitude"],
        "neighbourhood": data.get("neighbourhood") or "",
        "attachments": data["attachments"],
    }


@login_required
def proposal_create(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_campaign(request, slug)
    context: dict = {"campaign": campaign, "mode": "create"}
    if not _has_profile(request):
        context["needs_profile"] = True
        return render(request, "votes/proposals/form.html", context)
    source = None
    if request.method == "POST":
        # Every attempt counts, per address and per account: a flood of proposals (or of
        # attachments) is stopped before anything is read.
        refusal = ratelimits.hit(request, "proposal_create", target=str(request.user.pk))
        if refusal:
            return ratelimits.refused(request, refusal)
        form = ProposalCreateForm(campaign, request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                proposal = services.proposal_create(
                    campaign=campaign,
                    author=request.user,
                    kind=data["kind"],
                    scenario=data["scenario"],
                    measure=data["measure"],
                    lever=data.get("lever") or "",
                    lever_value=data.get("lever_value"),
                    **_described(data),
                )
            except ValidationError as refusal:
                add_errors(form, refusal)
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
        {
            "form": form,
            "source": source,
            "phase_refusal": _phase_refusal(campaign, "propose"),
            "map": location_map(campaign),
        }
    )
    return render(request, "votes/proposals/form.html", context)


def _get_own_proposal(request: HttpRequest, slug: str, reference: int) -> Proposal:
    campaign = get_campaign(request, slug)
    proposal = get_proposal(request, campaign, reference)
    require(is_author(request, proposal))
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
                    remove_attachments=data.get("remove_attachments") or (),
                    **_described(data),
                )
            except ValidationError as refusal:
                add_errors(form, refusal)
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
            "map": location_map(campaign),
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
