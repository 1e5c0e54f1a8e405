"""Voting codes (team pages, the voter's code entry and ballot) and paper ballots (officers)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from functools import wraps

import segno
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from budget.jobs.models import Job
from budget.jobs.services import job_submit
from budget.roles import OFFICER
from votes import ratelimits
from votes.access import filter_campaigns, is_administrator, is_facilitator, is_officer, require
from votes.campaigns.models import Campaign, Phase
from votes.campaigns.phases import phase_allows
from votes.census.services import census_required
from votes.voting import closing
from votes.voting import codes as code_services
from votes.voting import paper as paper_services
from votes.voting.code_tasks import code_batch_task, code_csv_task, codes_csv
from votes.voting.codes import ballot_items, ballot_rules, selection_problems
from votes.voting.forms_codes import CodeBatchForm, CodeEntryForm, PaperBallotForm, PaperImportForm
from votes.voting.models import PollingStation, VotingCode, VotingCodeBatch

View = Callable[..., HttpResponse]
SESSION_KEY = "voting_code"
# One QR code takes about 5 ms to draw: past this many cards, the sheet would take too long
# to render, and such batches go out by mail merge (CSV) anyway.
SHEET_MAX_CARDS = 1_000


def team_login_required(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def _messages_of(error: ValidationError) -> list[str]:
    return list(error.messages)


# --- team: batches of codes ------------------------------------------------------------------


def _team_campaign(request: HttpRequest, slug: str) -> Campaign:
    require(is_facilitator(request.user))
    return get_object_or_404(Campaign, slug=slug)


@team_login_required
@require_http_methods(["GET", "POST"])
def code_batches(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _team_campaign(request, slug)
    form = CodeBatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Up to 100,000 codes to draw and hash: a task makes the batch; its page says when.
        job = job_submit(
            kind=Job.Kind.VOTING_CODES,
            owner=request.user,
            task_path=code_batch_task.module_path,
            params={
                "campaign": campaign.pk,
                "by": request.user.pk,
                "label": form.cleaned_data["label"],
                "size": form.cleaned_data["size"],
            },
        )
        return redirect(job)
    return render(
        request,
        "votes/codes/batches.html",
        {
            "campaign": campaign,
            "form": form,
            "batches": code_services.batches_with_counts(campaign),
            "sheet_max": SHEET_MAX_CARDS,
            # After the vote, an administrator closes the batches before sending to council.
            "can_close": is_administrator(request.user) and campaign.phase == Phase.TALLY,
        },
        status=400 if form.errors else 200,
    )


@team_login_required
@require_POST
def code_sheet(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The one and only production of a batch's codes: the printable sheet and/or the CSV."""
    campaign = _team_campaign(request, slug)
    batch = get_object_or_404(VotingCodeBatch, campaign=campaign, pk=pk)
    as_csv = request.POST.get("format") == "csv"
    if not as_csv and batch.size > SHEET_MAX_CARDS:
        messages.error(
            request,
            _(
                "%(size)s cartes, c'est trop pour une page imprimable (%(max)s au plus) : "
                "produisez le CSV pour un publipostage."
            )
            % {"size": batch.size, "max": SHEET_MAX_CARDS},
        )
        return redirect("votes:code_batches", slug=campaign.slug)
    entry_url = request.build_absolute_uri(
        reverse("votes:code_enter", kwargs={"slug": campaign.slug})
    )
    if as_csv:
        # A CSV is for large batches (mail merge): a task writes it, and its job page lets it
        # be downloaded once.
        job = job_submit(
            kind=Job.Kind.VOTING_CODES,
            owner=request.user,
            task_path=code_csv_task.module_path,
            params={
                "batch": batch.pk,
                "by": request.user.pk,
                "entry_url": entry_url,
                "download_once": True,
            },
        )
        return redirect(job)
    try:
        codes = code_services.code_sheet_produce(batch=batch, by=request.user)
    except ValidationError as error:
        for message in _messages_of(error):
            messages.error(request, message)
        return redirect("votes:code_batches", slug=campaign.slug)
    rows = [(code, f"{entry_url}?code={code.replace('-', '')}") for code in codes]
    filename = f"codes-{campaign.slug}-lot-{batch.pk}.csv"
    cards = [
        {"code": code, "qr": segno.make(url, error="m").svg_inline(scale=3, omitsize=True)}
        for code, url in rows
    ]
    csv_data = base64.b64encode(codes_csv(rows).encode()).decode()
    response = render(
        request,
        "votes/codes/sheet.html",
        {
            "campaign": campaign,
            "batch": batch,
            "cards": cards,
            "entry_url": entry_url,
            "csv_href": f"data:text/csv;charset=utf-8;base64,{csv_data}",
            "csv_filename": filename,
        },
    )
    # The plain codes exist nowhere else any more: no cache may keep a copy.
    response["Cache-Control"] = "no-store"
    return response


@team_login_required
@require_POST
def code_batch_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = _team_campaign(request, slug)
    batch = get_object_or_404(VotingCodeBatch, campaign=campaign, pk=pk)
    try:
        code_services.code_batch_revoke(batch=batch, by=request.user)
    except ValidationError as error:
        for message in _messages_of(error):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Lot « %(label)s » révoqué : ses codes inutilisés ne permettent plus de voter.")
            % {"label": batch.label},
        )
    return redirect("votes:code_batches", slug=campaign.slug)


@team_login_required
@require_POST
def code_batch_close(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = _team_campaign(request, slug)
    # With its counts: the message says how many codes are retired and how many voted.
    batch = get_object_or_404(code_services.batches_with_counts(campaign), pk=pk)
    try:
        closing.code_batch_close(batch=batch, by=request.user)
    except ValidationError as error:
        for message in _messages_of(error):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _(
                "Lot « %(label)s » clos. Codes inutilisés retirés, qui ne permettent plus de "
                "voter : %(unused)s. Votes exprimés avec ses codes, qui restent comptés : "
                "%(used)s."
            )
            % {"label": batch.label, "unused": batch.unused, "used": batch.used},
        )
    return redirect("votes:code_batches", slug=campaign.slug)


# --- voters: enter a code, choose, review, confirm --------------------------------------------


def _public_campaign(slug: str) -> Campaign:
    return get_object_or_404(Campaign.objects.public(), slug=slug)


def _session_code(request: HttpRequest, campaign: Campaign) -> tuple[VotingCode | None, dict]:
    state = request.session.get(SESSION_KEY) or {}
    if state.get("campaign") != campaign.pk:
        return None, {}
    code = VotingCode.objects.filter(
        pk=state.get("code"),
        used_at__isnull=True,
        batch__revoked_at__isnull=True,
        batch__closed_at__isnull=True,
    ).first()
    return code, state


@require_http_methods(["GET", "POST"])
def code_enter(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _public_campaign(slug)
    voting_open = phase_allows(campaign, "vote")
    if request.method == "POST":
        # Wrong codes are counted per address and per campaign: guessing stops long before
        # it could find a code (22^12 of them), and a typing voter is never stopped.
        refusal = ratelimits.blocked(request, "code_entry", target=campaign.slug)
        if refusal:
            return ratelimits.refused(request, refusal)
        form = CodeEntryForm(request.POST)
    else:
        form = CodeEntryForm(initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            code = code_services.code_check(campaign=campaign, raw=form.cleaned_data["code"])
        except ValidationError as error:
            ratelimits.failed(request, "code_entry", target=campaign.slug)
            for message in _messages_of(error):
                form.add_error("code", message)
        else:
            # Only the code's row id is kept: the plain code is not stored anywhere.
            request.session[SESSION_KEY] = {"campaign": campaign.pk, "code": code.pk, "choices": []}
            if census_required(campaign):
                return redirect("votes:census_code", slug=campaign.slug)
            return redirect("votes:code_ballot", slug=campaign.slug)
    return render(
        request,
        "votes/codes/enter.html",
        {"campaign": campaign, "form": form, "voting_open": voting_open},
        status=400 if form.errors else 200,
    )


def _ballot_sections(campaign: Campaign, chosen: set[int]) -> list[dict]:
    items = ballot_items(campaign)
    rules = ballot_rules(campaign)
    sections = []
    for category in campaign.categories.all():
        entries = [item for item in items.values() if item.proposal.category_id == category.pk]
        if not entries:
            continue
        sections.append(
            {
                "category": category,
                "rule": rules[category.pk],
                "entries": [
                    {"item": item, "checked": item.choice.reference in chosen} for item in entries
                ],
                "chosen": sum(1 for item in entries if item.choice.reference in chosen),
            }
        )
    return sections


def _no_code(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    state = request.session.get(SESSION_KEY) or {}
    # The session's code spent meanwhile (from another tab, or by someone else holding the
    # same card): say so plainly rather than « perhaps ».
    used = VotingCode.objects.filter(pk=state.get("code"), used_at__isnull=False).first()
    receipt = request.session.get("voting_code_receipt")
    if state.get("campaign") == campaign.pk and used is not None:
        request.session.pop(SESSION_KEY, None)
        messages.error(request, code_services.code_used_message(used))
    elif not state and receipt:
        # The other tab's confirmation went through first and closed this session's code.
        messages.error(
            request,
            _("Votre code a déjà servi à voter : votre vote est enregistré (reçu %(receipt)s).")
            % {"receipt": receipt},
        )
    else:
        messages.error(
            request,
            _(
                "Saisissez votre code de vote pour ouvrir votre bulletin (il est peut-être déjà "
                "utilisé)."
            ),
        )
    return redirect("votes:code_enter", slug=campaign.slug)


@require_http_methods(["GET", "POST"])
def code_ballot(request: HttpRequest, slug: str) -> HttpResponse:
    """The anonymous ballot: choices live in the session until the voter confirms."""
    campaign = _public_campaign(slug)
    code, state = _session_code(request, campaign)
    if code is None:
        return _no_code(request, campaign)
    if not state.get("census") and census_required(campaign):
        return redirect("votes:census_code", slug=campaign.slug)
    problems: list[str] = []
    chosen = set(state.get("choices", []))
    if request.method == "POST":
        try:
            references = [int(value) for value in request.POST.getlist("choix")]
        except ValueError:
            references = []
            problems.append(_("Choix illisible : recommencez votre sélection."))
        chosen = set(references)
        if not problems and not references:
            problems.append(_("Choisissez au moins une proposition."))
        if not problems:
            problems = selection_problems(campaign=campaign, references=references)
        if not problems:
            request.session[SESSION_KEY] = {**state, "choices": references}
            return redirect("votes:code_review", slug=campaign.slug)
    return render(
        request,
        "votes/codes/ballot.html",
        {
            "campaign": campaign,
            "sections": _ballot_sections(campaign, chosen),
            "problems": problems,
            "max_categories": campaign.max_categories_per_voter,
        },
        status=400 if problems else 200,
    )


@require_http_methods(["GET", "POST"])
def code_review(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _public_campaign(slug)
    code, state = _session_code(request, campaign)
    if code is None:
        return _no_code(request, campaign)
    references = state.get("choices") or []
    if not references:
        return redirect("votes:code_ballot", slug=campaign.slug)
    problems: list[str] = []
    spent = False
    if request.method == "POST":
        try:
            ballot = code_services.code_ballot_confirm(
                code=code, choices=references, census_key=state.get("census", "")
            )
        except ValidationError as error:
            problems = _messages_of(error)
            # Two confirmations at once (two tabs, two people with one card): the second one
            # learns that the code has voted, and is not offered to confirm again.
            spent = getattr(error, "code", None) == "used"
            if spent:
                request.session.pop(SESSION_KEY, None)
        else:
            request.session.pop(SESSION_KEY, None)
            request.session["voting_code_receipt"] = ballot.receipt
            return redirect("votes:code_done", slug=campaign.slug)
    items = ballot_items(campaign)
    return render(
        request,
        "votes/codes/review.html",
        {
            "campaign": campaign,
            "chosen": [items[ref] for ref in references if ref in items],
            "problems": problems,
            "spent": spent,
        },
        status=400 if problems else 200,
    )


@require_safe
def code_done(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _public_campaign(slug)
    receipt = request.session.get("voting_code_receipt")
    if not receipt:
        return redirect("votes:code_enter", slug=campaign.slug)
    return render(request, "votes/codes/done.html", {"campaign": campaign, "receipt": receipt})


# --- poll officers: paper ballots --------------------------------------------------------------


def _officer_station(request: HttpRequest, pk: int) -> PollingStation:
    station = get_object_or_404(PollingStation.objects.select_related("campaign"), pk=pk)
    paper_services.require_station_officer(station, request.user)
    return station


def _station_context(station: PollingStation, **extra) -> dict:
    campaign = station.campaign
    return {
        "station": station,
        "campaign": campaign,
        "counts": paper_services.station_counts(station),
        "voting_open": phase_allows(campaign, "vote"),
        "items": list(ballot_items(campaign).values()),
        **extra,
    }


@team_login_required
@require_safe
def station_list(request: HttpRequest) -> HttpResponse:
    require(is_officer(request.user))
    stations = filter_campaigns(
        PollingStation.objects.filter(officers=request.user),
        request.user,
        OFFICER,
        prefix="campaign__",
    ).select_related("campaign")
    return render(request, "votes/paper/stations.html", {"stations": stations})


@team_login_required
@require_http_methods(["GET", "POST"])
def station(request: HttpRequest, pk: int) -> HttpResponse:
    """Record one paper ballot: the voter in the register, then the references ticked."""
    station = _officer_station(request, pk)
    form = PaperBallotForm(request.POST or None, campaign=station.campaign)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        voter: dict | None = None
        if data["account"] and data["code"]:
            form.add_error("code", _("Un compte ou un code, pas les deux."))
        elif data["code"]:
            try:
                voter = {
                    "code": code_services.code_for_paper(
                        campaign=station.campaign, raw=data["code"]
                    )
                }
            except ValidationError as error:
                for message in _messages_of(error):
                    form.add_error("code", message)
        elif data["account"]:
            user = paper_services.find_account(data["account"])
            if user is None:
                form.add_error(
                    "account", _("Aucun compte ne porte cet identifiant ni cette adresse.")
                )
            else:
                voter = {"user": user}
        else:
            voter = {
                "name": data["name"],
                "birth_date": data["birth_date"],
                "commune": data["commune"],
                "postcode": data["postcode"],
            }
        if voter is not None:
            try:
                ballot = paper_services.paper_ballot_record(
                    station=station,
                    officer=request.user,
                    references=data["references"],
                    voter=voter,
                )
            except ValidationError as error:
                for message in _messages_of(error):
                    form.add_error(None, message)
            else:
                if ballot.is_void:
                    messages.warning(
                        request,
                        _("Bulletin enregistré comme NUL : %(reason)s")
                        % {"reason": ballot.void_reason},
                    )
                else:
                    messages.success(request, _("Bulletin enregistré."))
                return redirect("votes:station", pk=station.pk)
    return render(
        request,
        "votes/paper/station.html",
        _station_context(station, form=form),
        status=400 if form.errors else 200,
    )


def _closing_station(request: HttpRequest, pk: int) -> tuple[PollingStation, bool]:
    """The station to close, and whether the user is one of its officers (else an
    administrator, who closes it from the sending-to-council page)."""
    station = get_object_or_404(PollingStation.objects.select_related("campaign"), pk=pk)
    user = request.user
    officer = is_officer(user) and station.officers.filter(pk=user.pk).exists()
    require(officer or is_administrator(user))
    return station, officer


@team_login_required
@require_http_methods(["GET", "POST"])
def station_close(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what closing means and a confirmation button; POST: close."""
    station, officer = _closing_station(request, pk)
    campaign = station.campaign
    if officer:
        back = reverse("votes:station", kwargs={"pk": station.pk})
    else:
        back = reverse("votes:council_send", kwargs={"slug": campaign.slug})
    problems: list[str] = []
    if request.method == "POST":
        try:
            closing.station_close(station=station, by=request.user)
        except ValidationError as error:
            problems = _messages_of(error)
        else:
            messages.success(
                request,
                _("Bureau « %(name)s » clos : ses bulletins papier sont arrêtés.")
                % {"name": station.name},
            )
            return redirect(back)
    return render(
        request,
        "votes/paper/close.html",
        {
            "station": station,
            "campaign": campaign,
            "counts": paper_services.station_counts(station),
            "back": back,
            "problems": problems,
        },
        status=400 if problems else 200,
    )


@team_login_required
@require_http_methods(["GET", "POST"])
def station_import(request: HttpRequest, pk: int) -> HttpResponse:
    station = _officer_station(request, pk)
    form = PaperImportForm(request.POST or None, request.FILES or None)
    result = None
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = paper_services.paper_ballots_import(
                station=station, officer=request.user, content=form.cleaned_data["file"].read()
            )
        except ValidationError as error:
            problems = _messages_of(error)
    return render(
        request,
        "votes/paper/import.html",
        _station_context(station, form=form, result=result, problems=problems),
        status=400 if (problems or form.errors) else 200,
    )


urlpatterns = [
    path("gestion/campagnes/<slug:slug>/codes/", code_batches, name="code_batches"),
    path("gestion/campagnes/<slug:slug>/codes/<int:pk>/feuille/", code_sheet, name="code_sheet"),
    path(
        "gestion/campagnes/<slug:slug>/codes/<int:pk>/revoquer/",
        code_batch_revoke,
        name="code_batch_revoke",
    ),
    path(
        "gestion/campagnes/<slug:slug>/codes/<int:pk>/clore/",
        code_batch_close,
        name="code_batch_close",
    ),
    path("campagnes/<slug:slug>/code/", code_enter, name="code_enter"),
    path("campagnes/<slug:slug>/code/bulletin/", code_ballot, name="code_ballot"),
    path("campagnes/<slug:slug>/code/verification/", code_review, name="code_review"),
    path("campagnes/<slug:slug>/code/merci/", code_done, name="code_done"),
    path("bureau/", station_list, name="station_list"),
    path("bureau/<int:pk>/", station, name="station"),
    path("bureau/<int:pk>/import/", station_import, name="station_import"),
    path("bureau/<int:pk>/clore/", station_close, name="station_close"),
]
