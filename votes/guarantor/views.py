"""The guarantor's pages (issue 16 §2): their dashboard and what it links to, the remarks
they publish, and the administrators' page that assigns them.

Every page reads through `access.can_oversee` (the campaign's guarantor, or an
administrator); only the remark form writes, and only for the guarantor; only the assignment
page writes for an administrator.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from votes import access
from votes.campaigns.forms import attach_errors
from votes.campaigns.models import Campaign, Phase
from votes.council.models import CouncilSnapshot
from votes.guarantor import oversight
from votes.guarantor.forms import AssignForm, RemarkForm
from votes.guarantor.models import Guarantor, GuarantorRemark
from votes.guarantor.services import guarantor_assign, guarantor_remove, remark_publish
from votes.results.rule_words import percent_text, savings_threshold_rule


def _overseen(request: HttpRequest, slug: str) -> Campaign:
    campaign = get_object_or_404(Campaign.objects.select_related("authority"), slug=slug)
    access.require(access.can_oversee(request.user, campaign))
    return campaign


@login_required
@require_GET
def guarantor_home(request: HttpRequest) -> HttpResponse:
    """The campaigns the visitor guarantees (none: 403, the page is theirs only)."""
    mine = Guarantor.objects.of_user(request.user).select_related("campaign__authority")
    access.require(mine.exists())
    return render(request, "votes/guarantor/home.html", {"guarantees": mine})


@login_required
@require_GET
def guarantor_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _overseen(request, slug)
    context = {
        "campaign": campaign,
        "is_guarantor": access.is_guarantor(request.user, campaign),
        "guarantors": campaign.guarantors.select_related("user"),
        "phases": oversight.phase_log(campaign),
        "snapshot": CouncilSnapshot.objects.filter(campaign=campaign).first(),
        "anomaly_count": len(oversight.campaign_anomalies(campaign)),
        "remarks": GuarantorRemark.objects.of_campaign(campaign),
        "savings_rule": savings_threshold_rule(),
        "savings_threshold": (
            percent_text(campaign.savings_threshold)
            if campaign.savings_threshold is not None
            else None
        ),
        "after_tally": campaign.reached(Phase.TALLY),
        "categories": campaign.categories.all(),
    }
    return render(request, "votes/guarantor/dashboard.html", context)


@login_required
@require_GET
def guarantor_proposals(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _overseen(request, slug)
    context = {
        "campaign": campaign,
        "proposals": oversight.proposals_with_moderation(campaign),
        "log": oversight.moderation_log(campaign),
    }
    return render(request, "votes/guarantor/proposals.html", context)


@login_required
@require_GET
def guarantor_registers(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _overseen(request, slug)
    context = {"campaign": campaign, "registers": oversight.paper_registers(campaign)}
    return render(request, "votes/guarantor/registers.html", context)


@login_required
@require_GET
def guarantor_anomalies(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _overseen(request, slug)
    context = {
        "campaign": campaign,
        "anomalies": oversight.campaign_anomalies(campaign),
        "kinds": oversight.KIND_LABELS.values(),
    }
    return render(request, "votes/guarantor/anomalies.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def guarantor_remark(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign, slug=slug)
    # Only the guarantor writes a remark: not even an administrator.
    access.require(access.is_guarantor(request.user, campaign))
    form = RemarkForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            remark_publish(
                campaign=campaign,
                by=request.user,
                text=form.cleaned_data["text"],
                corrects=form.cleaned_data["corrects"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Remarque publiée sur la page de la campagne."))
            return redirect("votes:guarantor_dashboard", slug=campaign.slug)
    return render(request, "votes/guarantor/remark.html", {"campaign": campaign, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def guarantor_assignments(request: HttpRequest, slug: str) -> HttpResponse:
    access.require(access.is_administrator(request.user))
    campaign = get_object_or_404(Campaign, slug=slug)
    form = AssignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            guarantor_assign(
                campaign=campaign,
                user=form.cleaned_data["account"],
                title=form.cleaned_data["title"],
                by=request.user,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and "user" in error.error_dict:
                error.error_dict["account"] = error.error_dict.pop("user")
            attach_errors(form, error)
        else:
            messages.success(request, _("Garant désigné."))
            return redirect("votes:guarantor_assignments", slug=campaign.slug)
    context = {
        "campaign": campaign,
        "form": form,
        "guarantors": campaign.guarantors.select_related("user", "assigned_by"),
    }
    return render(request, "votes/guarantor/assignments.html", context)


@login_required
@require_POST
def guarantor_unassign(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access.require(access.is_administrator(request.user))
    guarantor = get_object_or_404(Guarantor, campaign__slug=slug, pk=pk)
    guarantor_remove(guarantor=guarantor, by=request.user)
    messages.success(request, _("Garant retiré ; ses remarques publiées restent en ligne."))
    return redirect("votes:guarantor_assignments", slug=slug)


urlpatterns = [
    path("garant/", guarantor_home, name="guarantor_home"),
    path("garant/<slug:slug>/", guarantor_dashboard, name="guarantor_dashboard"),
    path("garant/<slug:slug>/propositions/", guarantor_proposals, name="guarantor_proposals"),
    path("garant/<slug:slug>/registres/", guarantor_registers, name="guarantor_registers"),
    path("garant/<slug:slug>/anomalies/", guarantor_anomalies, name="guarantor_anomalies"),
    path("garant/<slug:slug>/remarque/", guarantor_remark, name="guarantor_remark"),
    path(
        "gestion/campagnes/<slug:slug>/garants/",
        guarantor_assignments,
        name="guarantor_assignments",
    ),
    path(
        "gestion/campagnes/<slug:slug>/garants/<int:pk>/retirer/",
        guarantor_unassign,
        name="guarantor_unassign",
    ),
]
