"""The council's answers (issue 6 §3): entry in sequence, the spreadsheet, the publication, the
implementation follow-up (administrators), and the public "Suites données" page.

The management pages go through campaign_admin_view (anonymous → login, others → 403); the
services check the role and the phase again.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from budget.imports.uploads import go, import_at_once, zone_template
from budget.spreadsheets import writer
from votes.access import can_answer_for_council
from votes.campaigns import workflow
from votes.campaigns.forms import attach_errors
from votes.campaigns.models import Campaign, Phase
from votes.campaigns.views import campaign_admin_view, team_view
from votes.council import answers as services
from votes.council import follow_ups
from votes.council.forms import (
    AnswerForm,
    AnswerImportForm,
    FollowUpForm,
    MilestoneForm,
    OutcomeFilterForm,
)
from votes.council.models import CouncilAnswer, FollowUp, Milestone
from votes.council.outcomes import (
    campaign_outcomes,
    decision_counts,
    filter_outcomes,
    result_text,
    snapshot_items,
)
from votes.council.services import council_data
from votes.proposals.location import proposals_map
from votes.proposals.models import Proposal
from votes.text import render_markdown

# The answers are the council's: its members and secretariat, and the administrators.
council_view = team_view(can_answer_for_council)


def _campaign(slug: str) -> Campaign:
    return get_object_or_404(Campaign.objects.select_related("authority", "budget"), slug=slug)


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


@dataclass
class AnswerRow:
    proposal: Proposal
    answer: CouncilAnswer | None
    result: str
    approvals: int


def _items(campaign: Campaign) -> dict[int, dict]:
    """The snapshot's proposals; before the tally there is no result to show (nor compute)."""
    if not campaign.reached(Phase.TALLY):
        return {}
    return snapshot_items(council_data(campaign)[0])


def _rows(campaign: Campaign, items: dict[int, dict]) -> list[AnswerRow]:
    proposals = services.answerable_proposals(campaign)
    answers = services.answers_by_proposal(proposals)
    rows = []
    for proposal in proposals:
        item = items.get(proposal.reference, {})
        rows.append(
            AnswerRow(
                proposal=proposal,
                answer=answers.get(proposal.pk),
                result=result_text(item) if item else "—",
                approvals=(item.get("approvals") or {}).get("total", 0),
            )
        )
    return rows


def _next_unanswered(rows: list[AnswerRow], after: int = 0) -> AnswerRow | None:
    """The next proposal without an answer in reference order, wrapping round to the first."""
    missing = [row for row in rows if row.answer is None]
    later = [row for row in missing if row.proposal.reference > after]
    return (later or missing or [None])[0]


# --- entry -----------------------------------------------------------------------------------


@council_view
@require_GET
def council_answers(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(slug)
    rows = _rows(campaign, _items(campaign))
    answered = sum(1 for row in rows if row.answer is not None)
    return render(
        request,
        "votes/answers/list.html",
        {
            "campaign": campaign,
            "rows": rows,
            "answered": answered,
            "total": len(rows),
            "first_missing": _next_unanswered(rows),
            "phase_open": campaign.phase == Phase.COUNCIL,
        },
    )


@council_view
@require_http_methods(["GET", "POST"])
def council_answer(request: HttpRequest, slug: str, reference: int) -> HttpResponse:
    campaign = _campaign(slug)
    items = _items(campaign)
    rows = _rows(campaign, items)
    position = next((i for i, row in enumerate(rows) if row.proposal.reference == reference), None)
    if position is None:
        raise Http404
    row = rows[position]
    proposal = row.proposal
    proposal.campaign = campaign
    form = AnswerForm(_posted(request), initial=AnswerForm.initial_from(row.answer))
    if request.method == "POST" and form.is_valid():
        try:
            services.council_answer_set(proposal=proposal, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request,
                _("Avis enregistré pour %(ref)s.") % {"ref": proposal.public_reference},
            )
            if "next" not in request.POST:
                return redirect("votes:council_answer", slug=slug, reference=reference)
            row.answer = CouncilAnswer(proposal=proposal)  # answered now: skip it
            following = _next_unanswered(rows, after=reference)
            if following is None:
                messages.info(
                    request,
                    _("Toutes les propositions ont un avis : vous pouvez les publier."),
                )
                return redirect("votes:council_answers", slug=slug)
            return redirect(
                "votes:council_answer", slug=slug, reference=following.proposal.reference
            )
    item = items.get(reference, {})
    return render(
        request,
        "votes/answers/answer.html",
        {
            "campaign": campaign,
            "proposal": proposal,
            "row": row,
            "item": item,
            "form": form,
            "phase_open": campaign.phase == Phase.COUNCIL,
            "previous": rows[position - 1] if position > 0 else None,
            "following": rows[position + 1] if position + 1 < len(rows) else None,
            "position": position + 1,
            "total": len(rows),
            "answered": sum(1 for r in rows if r.answer is not None),
            "answer_html": render_markdown(row.answer.answer) if row.answer else "",
        },
        status=400 if form.is_bound and form.errors else 200,
    )


# --- the spreadsheet ----------------------------------------------------------------------


@council_view
@require_GET
def council_answers_sheet(
    request: HttpRequest, slug: str, file_format: str = writer.XLSX
) -> HttpResponse:
    campaign = _campaign(slug)
    results = {number: result_text(item) for number, item in _items(campaign).items()}
    data = services.council_answers_sheet(
        campaign=campaign, by=request.user, results=results, file_format=file_format
    )
    response = HttpResponse(data, content_type=writer.CONTENT_TYPES[file_format])
    filename = f"avis-conseil-{campaign.slug}-{timezone.localdate():%Y-%m-%d}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@council_view
@require_http_methods(["GET", "POST"])
def council_answers_import(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(slug)
    form = AnswerImportForm(_posted(request), request.FILES if request.method == "POST" else None)
    report = import_at_once(
        form,
        lambda data: services.council_answers_import(campaign=campaign, data=data, by=request.user),
    )
    if report is not None and report.ok:
        messages.success(
            request,
            _(
                "Tableur importé : %(created)s avis ajouté(s), %(updated)s modifié(s), "
                "%(unchanged)s inchangé(s), %(skipped)s ligne(s) sans avis ignorée(s)."
            )
            % {
                "created": len(report.created),
                "updated": len(report.updated),
                "unchanged": report.unchanged,
                "skipped": report.skipped,
            },
        )
        return go(request, reverse("votes:council_answers", kwargs={"slug": campaign.slug}))
    return render(
        request,
        zone_template(request, "votes/answers/import.html"),
        {
            "campaign": campaign,
            "form": form,
            "report": report,
            "phase_open": campaign.phase == Phase.COUNCIL,
        },
    )


# --- publication --------------------------------------------------------------------------


@council_view
@require_http_methods(["GET", "POST"])
def council_answers_publish(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: what is missing, or what publishing does; POST: publish (refused in place)."""
    campaign = _campaign(slug)
    errors: list[str] = []
    if request.method == "POST":
        try:
            report = workflow.council_answers_publish(
                campaign=campaign, by=request.user, site_url=request.build_absolute_uri("/")
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request,
                _(
                    "Les avis du conseil sont publiés. %(authors)s auteur(s) et %(voters)s "
                    "votant(s) prévenu(s) par e-mail."
                )
                % {"authors": report.authors, "voters": report.voters},
            )
            return redirect("votes:outcomes", slug=campaign.slug)
    rows = _rows(campaign, _items(campaign))
    return render(
        request,
        "votes/answers/publish.html",
        {
            "campaign": campaign,
            "missing": [row for row in rows if row.answer is None],
            "total": len(rows),
            "errors": errors,
            "phase_open": campaign.phase == Phase.COUNCIL,
        },
        status=400 if errors else 200,
    )


# --- follow-up ------------------------------------------------------------------------------


@dataclass
class FollowUpItem:
    proposal: Proposal
    answer: CouncilAnswer
    form: FollowUpForm
    milestone_form: MilestoneForm
    milestones: list[Milestone]
    notice: str = ""
    follow_up: FollowUp | None = None


def _follow_up_item(proposal: Proposal, **forms) -> FollowUpItem:
    follow_up = getattr(proposal, "follow_up", None)
    prefix = f"p{proposal.reference}"
    initial = (
        {
            "status": follow_up.status,
            "progress": follow_up.progress,
            "spent": follow_up.spent,
            "photo_alt": follow_up.photo_alt,
        }
        if follow_up
        else {"status": "planned", "progress": 0}
    )
    return FollowUpItem(
        proposal=proposal,
        answer=proposal.council_answer,
        form=forms.get("form") or FollowUpForm(initial=initial, prefix=f"{prefix}-suivi"),
        milestone_form=forms.get("milestone_form") or MilestoneForm(prefix=f"{prefix}-etape"),
        milestones=list(follow_up.milestones.all()) if follow_up else [],
        notice=forms.get("notice", ""),
        follow_up=follow_up,
    )


def _adopted(campaign: Campaign):
    return (
        Proposal.objects.filter(campaign=campaign)
        .adopted()
        .select_related("council_answer", "follow_up", "category")
        .prefetch_related("follow_up__milestones")
        .order_by("reference")
    )


def _render_follow_ups(
    request: HttpRequest, campaign: Campaign, *, bound: FollowUpItem | None = None, status=200
) -> HttpResponse:
    if request.htmx and bound is not None:
        # 200 even when refused: htmx swaps only successful responses, and the bound form
        # with its messages must replace the item.
        return render(
            request,
            "votes/answers/follow_ups.html#item",
            {"campaign": campaign, "item": bound, "phase_open": True},
        )
    items = [
        bound
        if bound is not None and bound.proposal.pk == proposal.pk
        else _follow_up_item(proposal)
        for proposal in _adopted(campaign)
    ]
    return render(
        request,
        "votes/answers/follow_ups.html",
        {"campaign": campaign, "items": items, "phase_open": campaign.phase == Phase.ANSWERED},
        status=status,
    )


def _adopted_proposal(campaign: Campaign, reference: int) -> Proposal:
    proposal = get_object_or_404(_adopted(campaign), reference=reference)
    proposal.campaign = campaign
    return proposal


def _after_follow_up_write(
    request: HttpRequest, campaign: Campaign, reference: int, notice: str
) -> HttpResponse:
    if request.htmx:
        fresh = _adopted_proposal(campaign, reference)
        return _render_follow_ups(request, campaign, bound=_follow_up_item(fresh, notice=notice))
    messages.success(request, notice)
    return redirect(reverse("votes:follow_ups", kwargs={"slug": campaign.slug}) + f"#p{reference}")


@campaign_admin_view
@require_GET
def follow_ups_page(request: HttpRequest, slug: str) -> HttpResponse:
    return _render_follow_ups(request, _campaign(slug))


@campaign_admin_view
@require_POST
def follow_up_save(request: HttpRequest, slug: str, reference: int) -> HttpResponse:
    campaign = _campaign(slug)
    proposal = _adopted_proposal(campaign, reference)
    form = FollowUpForm(request.POST, request.FILES, prefix=f"p{reference}-suivi")
    if form.is_valid():
        data = dict(form.cleaned_data)
        # An empty amount keeps the one stored; the photo field is None without a new file.
        if data["spent"] is None:
            data.pop("spent")
        try:
            follow_ups.follow_up_set(proposal=proposal, by=request.user, **data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            notice = _("Suivi de %(ref)s enregistré.") % {"ref": proposal.public_reference}
            return _after_follow_up_write(request, campaign, reference, notice)
    item = _follow_up_item(proposal, form=form)
    return _render_follow_ups(request, campaign, bound=item, status=400)


@campaign_admin_view
@require_POST
def milestone_add(request: HttpRequest, slug: str, reference: int) -> HttpResponse:
    campaign = _campaign(slug)
    proposal = _adopted_proposal(campaign, reference)
    form = MilestoneForm(request.POST, prefix=f"p{reference}-etape")
    if form.is_valid():
        try:
            follow_ups.milestone_add(proposal=proposal, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            notice = _("Étape ajoutée au suivi de %(ref)s.") % {"ref": proposal.public_reference}
            return _after_follow_up_write(request, campaign, reference, notice)
    item = _follow_up_item(proposal, milestone_form=form)
    return _render_follow_ups(request, campaign, bound=item, status=400)


@campaign_admin_view
@require_POST
def milestone_delete(request: HttpRequest, slug: str, reference: int, pk: int) -> HttpResponse:
    campaign = _campaign(slug)
    proposal = _adopted_proposal(campaign, reference)
    milestone = get_object_or_404(Milestone, pk=pk, follow_up__proposal=proposal)
    try:
        follow_ups.milestone_delete(milestone=milestone, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("votes:follow_ups", slug=slug)
    notice = _("Étape supprimée du suivi de %(ref)s.") % {"ref": proposal.public_reference}
    return _after_follow_up_write(request, campaign, reference, notice)


# --- the public page ----------------------------------------------------------------------


@require_GET
@vary_on_headers("HX-Request")
def outcomes(request: HttpRequest, slug: str) -> HttpResponse:
    """Public once the answers are published; administrators preview it in council phase."""
    campaign = get_object_or_404(Campaign.objects.select_related("authority"), slug=slug)
    preview = campaign.phase == Phase.COUNCIL and can_answer_for_council(request.user, campaign)
    if campaign.phase != Phase.ANSWERED and not preview:
        raise Http404
    data, snapshot = council_data(campaign)
    groups = campaign_outcomes(campaign, data)
    form = OutcomeFilterForm(request.GET or None)
    decision = form.cleaned_data["decision"] if form.is_valid() else ""
    shown = filter_outcomes(groups, decision)
    template_name = "votes/answers/outcomes.html"
    if request.htmx:
        template_name += "#outcomes"
    return render(
        request,
        template_name,
        {
            "campaign": campaign,
            "snapshot": snapshot,
            "preview": preview,
            "groups": shown,
            "counts": decision_counts(groups),
            "total": sum(len(group.items) for group in groups),
            "shown_count": sum(len(group.items) for group in shown),
            "filter": form,
            "decision": decision,
            **_adopted_map(campaign),
        },
    )


def _adopted_map(campaign: Campaign) -> dict:
    """The adopted proposals on the map: what the follow-up of the answers is about."""
    return proposals_map(
        campaign,
        campaign.proposals.adopted(),
        label=_("Carte des propositions adoptées"),
        div_id="outcomes-map",
    )


urlpatterns = [
    path("gestion/campagnes/<slug:slug>/avis/", council_answers, name="council_answers"),
    path(
        "gestion/campagnes/<slug:slug>/avis/avis.xlsx",
        council_answers_sheet,
        name="council_answers_sheet",
    ),
    path(
        "gestion/campagnes/<slug:slug>/avis/avis.ods",
        council_answers_sheet,
        {"file_format": writer.ODS},
        name="council_answers_sheet_ods",
    ),
    path(
        "gestion/campagnes/<slug:slug>/avis/import/",
        council_answers_import,
        name="council_answers_import",
    ),
    path(
        "gestion/campagnes/<slug:slug>/avis/publier/",
        council_answers_publish,
        name="council_answers_publish",
    ),
    path(
        "gestion/campagnes/<slug:slug>/avis/<int:reference>/",
        council_answer,
        name="council_answer",
    ),
    path("gestion/campagnes/<slug:slug>/suivi/", follow_ups_page, name="follow_ups"),
    path(
        "gestion/campagnes/<slug:slug>/suivi/<int:reference>/",
        follow_up_save,
        name="follow_up_save",
    ),
    path(
        "gestion/campagnes/<slug:slug>/suivi/<int:reference>/etapes/",
        milestone_add,
        name="milestone_add",
    ),
    path(
        "gestion/campagnes/<slug:slug>/suivi/<int:reference>/etapes/<int:pk>/supprimer/",
        milestone_delete,
        name="milestone_delete",
    ),
    path("campagnes/<slug:slug>/suites/", outcomes, name="outcomes"),
]
