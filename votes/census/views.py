"""The census screens: the team's list (upload, requirement, counts) and the voter's one-time
verification.

The verification never tells why it failed when the list decides (not on it, taken by
another account, already voted): one message for all, and a rate limit on failures per
account and per address, so that the list cannot be probed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from budget.imports.uploads import (
    checked_upload,
    discard_upload,
    go,
    take_upload,
    upload_gone,
    validate_upload,
    zone_template,
)
from votes import ratelimits
from votes.campaigns.models import Campaign
from votes.campaigns.views import campaign_admin_view
from votes.census import services
from votes.census.forms import CensusRequiredForm, CensusUploadForm, CensusVerifyForm
from votes.census.imports import census_file_read, census_keys_check
from votes.census.models import CensusEntry, CensusList
from votes.voting.views_codes import SESSION_KEY as CODE_SESSION_KEY

UPLOAD_KEY = "census_pending"


# --- the team's screen -----------------------------------------------------------------------


def _team_context(campaign: Campaign, **extra) -> dict:
    census = CensusList.objects.filter(campaign=campaign).select_related("uploaded_by").first()
    return {
        "campaign": campaign,
        "census": census,
        "counts": CensusEntry.objects.filter(campaign=campaign).counts(),
        "required_form": CensusRequiredForm(initial={"required": bool(census and census.required)}),
        "form": CensusUploadForm(),
        "report": None,
        "pending": None,
        **extra,
    }


def _campaign(slug: str) -> Campaign:
    return get_object_or_404(Campaign.objects.select_related("authority"), slug=slug)


@campaign_admin_view
@require_GET
def census_team(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(slug)
    # Back from the worker's check of a large list (its hashes only): the same preview.
    report = checked_upload(request, key=UPLOAD_KEY, campaign=campaign.pk)
    if report is None:
        return render(request, "votes/census/team.html", _team_context(campaign))
    pending = request.session.get(UPLOAD_KEY)
    context = _team_context(campaign, report=report, pending=pending)
    return render(request, "votes/census/team.html", context)


@campaign_admin_view
@require_POST
def census_upload(request: HttpRequest, slug: str) -> HttpResponse:
    """The check of a list: every problem, or how many people (nothing written). The file is
    turned into hashes here; only they wait for the confirmation."""
    campaign = _campaign(slug)
    form = CensusUploadForm(request.POST, request.FILES)
    report = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        report = census_file_read(campaign_id=campaign.pk, data=upload.read(), filename=upload.name)
        if report.ok:
            report = validate_upload(
                request,
                key=UPLOAD_KEY,
                data=report.payload(),
                dry_run=census_keys_check,
                page=reverse("votes:census_team", kwargs={"slug": campaign.slug}),
                campaign=campaign.pk,
            )
            if isinstance(report, HttpResponse):
                return report
        else:
            discard_upload(request, UPLOAD_KEY)
    context = _team_context(
        campaign, form=form, report=report, pending=request.session.get(UPLOAD_KEY)
    )
    status = 200 if report is not None and report.ok else 400
    return render(request, zone_template(request, "votes/census/team.html"), context, status=status)


@campaign_admin_view
@require_POST
def census_upload_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(slug)
    here = reverse("votes:census_team", kwargs={"slug": campaign.slug})
    found = take_upload(request, key=UPLOAD_KEY, campaign=campaign.pk)
    if found is None:
        return upload_gone(
            request, here, _("La liste vérifiée n'est plus disponible : envoyez-la de nouveau.")
        )
    _pending, data = found
    report = census_keys_check(data, campaign=campaign.pk)
    try:
        if not report.ok:
            raise ValidationError(report.errors[0].message)
        census = services.census_list_replace(campaign=campaign, keys=report.keys, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("La liste est enregistrée : %(count)s personnes.") % {"count": census.rows},
        )
    return go(request, here)


@campaign_admin_view
@require_POST
def census_required_switch(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(slug)
    form = CensusRequiredForm(request.POST)
    form.is_valid()
    required = bool(form.cleaned_data.get("required"))
    try:
        services.census_required_set(campaign=campaign, required=required)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Le vote est désormais réservé aux inscrits de la liste.")
            if required
            else _("Le vote n'est plus réservé aux inscrits de la liste."),
        )
    return redirect("votes:census_team", slug=campaign.slug)


# --- the voter's verification ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def census_verify(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign.objects.public().select_related("authority"), slug=slug)
    if not services.census_required(campaign):
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    ballot_url = reverse("votes:ballot", kwargs={"slug": campaign.slug})
    if CensusEntry.objects.filter(campaign=campaign, verified_user=request.user).exists():
        messages.info(request, _("Votre inscription sur la liste est déjà vérifiée."))
        return redirect(ballot_url)
    form = CensusVerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = f"{campaign.pk}:{request.user.pk}"
        refusal = ratelimits.blocked(request, "census_verify", target=target)
        if refusal:
            return ratelimits.refused(request, refusal)
        data = form.cleaned_data
        try:
            services.census_verify(
                campaign=campaign,
                user=request.user,
                name=f"{data['surname']} {data['given_names']}",
                birth_date=data["birth_date"],
                postcode=data["postcode"],
            )
        except ValidationError as error:
            if error.code == "mismatch":
                # Only the list's refusals count: a typing mistake found without it does not.
                ratelimits.failed(request, "census_verify", target=target)
            form.add_error(None, error)
        else:
            messages.success(request, _("Votre inscription est vérifiée : vous pouvez voter."))
            return redirect(ballot_url)
    return render(
        request,
        "votes/census/verify.html",
        {"campaign": campaign, "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def census_code(request: HttpRequest, slug: str) -> HttpResponse:
    """The code voter's step when the campaign asks for the list: the same four fields, the
    same single message, the same limit (per code and per address); the entry's key waits in
    the session with the code, and the confirmation marks the entry under its lock."""
    campaign = get_object_or_404(Campaign.objects.public().select_related("authority"), slug=slug)
    state = request.session.get(CODE_SESSION_KEY) or {}
    if state.get("campaign") != campaign.pk or not services.census_required(campaign):
        return redirect("votes:code_enter", slug=campaign.slug)
    form = CensusVerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = f"code:{state.get('code')}"
        refusal = ratelimits.blocked(request, "census_verify", target=target)
        if refusal:
            return ratelimits.refused(request, refusal)
        data = form.cleaned_data
        try:
            key = services.census_code_key(
                campaign=campaign,
                name=f"{data['surname']} {data['given_names']}",
                birth_date=data["birth_date"],
                postcode=data["postcode"],
            )
        except ValidationError as error:
            if error.code == "mismatch":
                ratelimits.failed(request, "census_verify", target=target)
            form.add_error(None, error)
        else:
            request.session[CODE_SESSION_KEY] = {**state, "census": key}
            return redirect("votes:code_ballot", slug=campaign.slug)
    return render(
        request,
        "votes/census/verify.html",
        {"campaign": campaign, "form": form, "with_code": True},
        status=400 if form.errors else 200,
    )


urlpatterns = [
    path("campagnes/<slug:slug>/code/inscription/", census_code, name="census_code"),
    path("campagnes/<slug:slug>/vote/inscription/", census_verify, name="census_verify"),
    path("gestion/campagnes/<slug:slug>/liste/", census_team, name="census_team"),
    path("gestion/campagnes/<slug:slug>/liste/envoi/", census_upload, name="census_upload"),
    path(
        "gestion/campagnes/<slug:slug>/liste/confirmer/",
        census_upload_confirm,
        name="census_upload_confirm",
    ),
    path(
        "gestion/campagnes/<slug:slug>/liste/exigence/",
        census_required_switch,
        name="census_required",
    ),
]
