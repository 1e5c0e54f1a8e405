"""The online ballot: the voter's page, its htmx additions and removals, the review screen and
the public receipt check."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from votes import ratelimits
from votes.campaigns.models import Campaign, Category
from votes.campaigns.phases import phase_allows
from votes.proposals.models import Proposal
from votes.voting import ballot_fragment as fragment
from votes.voting import ballots as services
from votes.voting.ballot_hot import HotClick, ballot_add_hot, ballot_remove_hot
from votes.voting.forms_ballots import ReceiptForm
from votes.voting.models import Ballot
from votes.voting.rules import Choice


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


# --- access -------------------------------------------------------------------------------


def _get_campaign(request: HttpRequest, slug: str) -> Campaign:
    """A campaign in draft exists only for its administrators."""
    return get_object_or_404(
        Campaign.objects.visible_to(request.user).select_related("authority"), slug=slug
    )


def _to_login(request: HtmxHttpRequest, campaign: Campaign) -> HttpResponse:
    """Anonymous voters sign in and come back to the ballot (an htmx click reloads the page)."""
    ballot_url = reverse("votes:ballot", kwargs={"slug": campaign.slug})
    if request.htmx:
        return HttpResponseClientRedirect(f"{reverse('login')}?next={ballot_url}")
    return redirect_to_login(ballot_url)


def _ineligible(
    request: HttpRequest, campaign: Campaign, problem: services.Ineligibility
) -> HttpResponse:
    return render(
        request,
        "votes/ballots/ineligible.html",
        {"campaign": campaign, "problem": problem},
        status=403,
    )


# --- what the ballot page shows -----------------------------------------------------------


@dataclass
class Item:
    proposal: Proposal
    amount: Decimal
    chosen: bool


@dataclass
class Block:
    """One category of the ballot: its proposals, the voter's choices and what is left."""

    category: Category
    items: list[Item]
    count: int
    spent: Decimal
    refusal: str = ""
    chosen: list[Proposal] = field(default_factory=list)

    @property
    def remaining(self) -> Decimal | None:
        if not self.category.knapsack or self.category.envelope is None:
            return None
        return self.category.envelope - self.spent


def _blocks(
    campaign: Campaign,
    ballot: Ballot | None,
    *,
    only: Category | None = None,
    refusal: str = "",
) -> list[Block]:
    chosen = services.choices_by_category(ballot, campaign)
    chosen_ids = {p.pk for proposals in chosen.values() for p in proposals}
    on_ballot = (
        campaign.proposals.on_ballot()
        .select_related("instruction", "campaign")
        .order_by("reference")
    )
    categories = campaign.categories.select_related("commune")
    if only is not None:
        categories = categories.filter(pk=only.pk)
        on_ballot = on_ballot.filter(category=only)
    by_category: dict[int, list[Item]] = {}
    for proposal in on_ballot:
        by_category.setdefault(proposal.category_id, []).append(
            Item(proposal, services.proposal_cost(proposal), proposal.pk in chosen_ids)
        )
    blocks = []
    for category in categories:
        mine = chosen.get(category.pk, [])
        blocks.append(
            Block(
                category=category,
                items=by_category.get(category.pk, []),
                count=len(mine),
                spent=sum((services.proposal_cost(p) for p in mine), Decimal("0")),
                refusal=refusal if only is not None else "",
                chosen=mine,
            )
        )
    return blocks


def _ballot_context(campaign: Campaign, ballot: Ballot | None, **extra) -> dict:
    return {
        "campaign": campaign,
        "ballot": ballot,
        "blocks": _blocks(campaign, ballot),
        **extra,
    }


# --- pages --------------------------------------------------------------------------------


@require_safe
def ballot_page(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    campaign = _get_campaign(request, slug)
    if not request.user.is_authenticated:
        return _to_login(request, campaign)
    problem = services.voter_ineligibility(campaign=campaign, user=request.user)
    if problem is not None:
        return _ineligible(request, campaign, problem)
    # A visit writes nothing: the ballot (and its receipt) is created with the first choice.
    ballot = services.ballot_of(campaign=campaign, user=request.user)
    return render(request, "votes/ballots/ballot.html", _ballot_context(campaign, ballot))


def _write_campaign(request: HttpRequest, slug: str) -> Campaign:
    """The campaign of an addition or a removal: nobody votes in a draft, so the roles that
    reveal drafts need not be read (one query less on every click)."""
    return get_object_or_404(Campaign.objects.public().select_related("authority"), slug=slug)


def _choice_response(
    request: HtmxHttpRequest,
    campaign: Campaign,
    proposal: Proposal,
    ballot: Ballot | None,
    refusal: str,
    done: str,
) -> HttpResponse:
    if request.htmx:
        choices = ballot.choices if ballot is not None else []
        return _choice_partial(request, campaign, proposal, choices, refusal, done)
    if refusal:
        messages.error(request, refusal)
    else:
        messages.success(request, done)
    ballot_url = reverse("votes:ballot", kwargs={"slug": campaign.slug})
    return redirect(f"{ballot_url}#category-{proposal.category_id}")


def _choice_partial(
    request: HtmxHttpRequest,
    campaign: Campaign,
    proposal: Proposal,
    choices: list[Choice],
    refusal: str,
    done: str,
) -> HttpResponse:
    """Only what the click changed: the proposal's card, its category's counters, the
    category's refusal slot and the announcement. A refusal changes no card nor counter: it
    swaps nothing in place (the button keeps the focus) and fills the slot out of band."""
    category = proposal.category
    block = Block(category=category, items=[], count=0, spent=Decimal("0"), refusal=refusal)
    context = {"campaign": campaign, "block": block, "announcement": "", "oob": True}
    if refusal:
        response = render(request, "votes/ballots/ballot.html#refusal", context)
        response["HX-Reswap"] = "none"
        return response
    block.count, block.spent = services.category_tally(choices, category)
    chosen = any(c.reference == proposal.reference for c in choices)
    # The proposal's page link needs its campaign: the one in hand, not one more query.
    proposal.campaign = campaign
    context |= {
        "item": Item(proposal, services.proposal_cost(proposal), chosen),
        "announcement": done,
    }
    return render(request, "votes/ballots/ballot.html#choice", context)


def _hot_partial(
    request: HtmxHttpRequest, hot: HotClick, done: str, *, chosen: bool
) -> HttpResponse:
    """_choice_partial's answer, written by votes.voting.ballot_fragment (no template)."""
    proposal = hot.proposal
    if hot.refusal:
        response = HttpResponse(fragment.refusal(category=proposal.category, text=hot.refusal))
        response["HX-Reswap"] = "none"
        return response
    count, spent = services.category_tally(hot.choices, proposal.category)
    html = fragment.choice(
        request=request,
        campaign_slug=hot.campaign.slug,
        proposal=proposal,
        amount=hot.cost,
        chosen=chosen,
        count=count,
        spent=spent,
        announcement=done % {"title": proposal.title, "category": proposal.category.name},
    )
    return HttpResponse(html)


def _choice(request: HtmxHttpRequest, slug: str, reference: int, write, done: str) -> HttpResponse:
    campaign = _write_campaign(request, slug)
    if not request.user.is_authenticated:
        return _to_login(request, campaign)
    proposal = get_object_or_404(
        Proposal.objects.select_related("category", "instruction"),
        campaign=campaign,
        reference=reference,
    )
    refusal = ""
    ballot = None
    try:
        ballot = write(campaign=campaign, user=request.user, proposal=proposal)
    except ValidationError as error:
        refusal = " ".join(error.messages)
    done = done % {"title": proposal.title, "category": proposal.category.name}
    return _choice_response(request, campaign, proposal, ballot, refusal, done)


@require_POST
def ballot_add(request: HtmxHttpRequest, slug: str, reference: int) -> HttpResponse:
    done = _("« %(title)s » est ajoutée à votre bulletin (rubrique « %(category)s »).")
    if request.htmx and request.user.is_authenticated:
        # The common click in a few statements (votes.voting.ballot_hot); the rest, and every
        # refusal but the caps', by the full path below.
        hot = ballot_add_hot(slug=slug, reference=reference, user=request.user)
        if hot is not None:
            return _hot_partial(request, hot, done, chosen=True)
    return _choice(request, slug, reference, services.ballot_add, done)


@require_POST
def ballot_remove(request: HtmxHttpRequest, slug: str, reference: int) -> HttpResponse:
    done = _("« %(title)s » est retirée de votre bulletin (rubrique « %(category)s »).")
    if request.htmx and request.user.is_authenticated:
        # As for an addition: the common click in a few statements, the rest by the full path.
        hot = ballot_remove_hot(slug=slug, reference=reference, user=request.user)
        if hot is not None:
            return _hot_partial(request, hot, done, chosen=False)
    return _choice(request, slug, reference, services.ballot_remove, done)


@require_safe
def ballot_review(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    campaign = _get_campaign(request, slug)
    if not request.user.is_authenticated:
        return _to_login(request, campaign)
    ballot = services.ballot_of(campaign=campaign, user=request.user)
    if ballot is None:
        # Without a ballot there is nothing to review: say why one cannot vote, if so.
        problem = services.voter_ineligibility(campaign=campaign, user=request.user)
        if problem is not None:
            return _ineligible(request, campaign, problem)
    blocks = _blocks(campaign, ballot)
    return render(
        request,
        "votes/ballots/review.html",
        {
            "campaign": campaign,
            "ballot": ballot,
            "blocks": blocks,
            "total": sum(block.count for block in blocks),
            "editable": phase_allows(campaign, "vote"),
        },
    )


@require_safe
def ballot_receipt(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: anyone holding a receipt checks that its ballot is recorded, never its content."""
    campaign = _get_campaign(request, slug)
    form = ReceiptForm(request.GET if "recu" in request.GET else None)
    found: int | None = None
    checked = False
    if form.is_valid():
        # Unknown receipts are counted: a receipt is a secret to be guessed, a known one is not.
        refusal = ratelimits.blocked(request, "receipt_check", target=campaign.slug)
        if refusal:
            return ratelimits.refused(request, refusal)
        checked = True
        found = services.ballot_check_receipt(campaign=campaign, receipt=form.cleaned_data["recu"])
        if found is None:
            ratelimits.failed(request, "receipt_check", target=campaign.slug)
    return render(
        request,
        "votes/ballots/receipt.html",
        {"campaign": campaign, "form": form, "checked": checked, "choices": found},
    )


urlpatterns = [
    path("campagnes/<slug:slug>/vote/", ballot_page, name="ballot"),
    path("campagnes/<slug:slug>/vote/recapitulatif/", ballot_review, name="ballot_review"),
    path("campagnes/<slug:slug>/vote/ajouter/<int:reference>/", ballot_add, name="ballot_add"),
    path(
        "campagnes/<slug:slug>/vote/retirer/<int:reference>/",
        ballot_remove,
        name="ballot_remove",
    ),
    path("campagnes/<slug:slug>/recu/", ballot_receipt, name="ballot_receipt"),
]
