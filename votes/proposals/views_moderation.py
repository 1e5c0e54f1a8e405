"""Moderation screens: the queue of flagged and hidden proposals, and the decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from budget.roles import ADMINISTRATOR, MODERATOR
from votes.access import campaign_filter, is_moderator, require
from votes.proposals.forms import ModerationForm
from votes.proposals.models import Flag, ModerationAction, Proposal
from votes.proposals.services_moderation import moderation_hide, moderation_restore
from votes.proposals.views import add_errors, get_campaign, get_proposal

HISTORY_LENGTH = 100


def _flags_prefetch() -> Prefetch:
    return Prefetch(
        "flags",
        queryset=Flag.objects.open().select_related("user__profile"),
        to_attr="open_flags",
    )


def _queue_proposals() -> QuerySet[Proposal]:
    return Proposal.objects.select_related(
        "campaign", "category", "author__profile"
    ).with_hidden_reason()


@login_required
@require_safe
def moderation_queue(request: HttpRequest) -> HttpResponse:
    require(is_moderator(request.user))
    # A moderator of some authorities or campaigns sees only theirs.
    scope = campaign_filter(request.user, MODERATOR, ADMINISTRATOR, prefix="campaign__")
    queue = _queue_proposals() if scope is None else _queue_proposals().filter(scope)
    history = ModerationAction.objects.all()
    if scope is not None:
        history = history.filter(
            campaign_filter(request.user, MODERATOR, ADMINISTRATOR, prefix="proposal__campaign__")
        )
    flagged = (
        queue.flagged().prefetch_related(_flags_prefetch()).order_by("campaign__title", "reference")
    )
    hidden = queue.hidden().unflagged().order_by("campaign__title", "reference")
    history = history.select_related("proposal__campaign", "moderator").order_by("-at", "-id")[
        :HISTORY_LENGTH
    ]
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
    campaign = get_campaign(request, slug)
    proposal = get_proposal(request, campaign, reference)
    if request.method == "POST":
        form = ModerationForm(request.POST)
        if form.is_valid():
            decide = (
                moderation_restore if proposal.status == Proposal.Status.HIDDEN else moderation_hide
            )
            try:
                decide(
                    proposal=proposal, moderator=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as refusal:
                add_errors(form, refusal)
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
