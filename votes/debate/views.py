"""Debate screens: post a comment or a reply and flag one, in place (htmx partials of the
proposal page); the moderators' decision page and their queue of comments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from budget.roles import ADMINISTRATOR, MODERATOR
from votes import ratelimits
from votes.access import filter_campaigns, is_moderator, require
from votes.debate.forms import CommentFlagForm, CommentForm, ReplyForm
from votes.debate.models import Comment, CommentModeration
from votes.debate.services import comment_create, comment_flag, comment_hide, comment_restore
from votes.debate.threads import debate_context, section
from votes.proposals.forms import ModerationForm
from votes.proposals.models import Proposal
from votes.proposals.views import (
    HtmxHttpRequest,
    add_errors,
    get_campaign,
    get_proposal,
    proposal_page,
)

THREAD = "votes/debate/thread.html#thread"
QUEUE_LENGTH = 200


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _topic(request: HttpRequest) -> str:
    topic = request.POST.get("topic", Comment.Topic.PROPOSAL)
    if topic not in Comment.Topic.values:
        raise Http404
    return topic


def _comment(proposal: Proposal, pk: int) -> Comment:
    return get_object_or_404(Comment.objects.select_related("author"), proposal=proposal, pk=pk)


def _respond(request: HtmxHttpRequest, proposal: Proposal, topic: str, **bound) -> HttpResponse:
    """The thread again: in place for htmx, else the proposal page at the thread."""
    if request.htmx:
        context = {
            "campaign": proposal.campaign,
            "proposal": proposal,
            "section": section(request, proposal, topic, **bound),
        }
        return render(request, THREAD, context)
    if bound.get("message"):
        messages.success(request, bound["message"])
        return redirect(f"{proposal.get_absolute_url()}#debat-{topic}")
    # Refused without htmx: the whole page, this thread with the bound form and its errors.
    sections = [
        section(request, proposal, topic, **bound) if found.topic == topic else found
        for found in debate_context(request, proposal)["debate"]
    ]
    return proposal_page(request, proposal, debate=sections)


@require_POST
@login_required
def comment_post(
    request: HtmxHttpRequest, slug: str, reference: int, parent: int | None = None
) -> HttpResponse:
    campaign = get_campaign(request, slug)
    proposal = get_proposal(request, campaign, reference)
    replied = _comment(proposal, parent) if parent is not None else None
    topic = replied.topic if replied is not None else _topic(request)
    # Every comment counts, per address and per account: a thread cannot be flooded.
    refusal = ratelimits.hit(request, "comment_create", target=str(request.user.pk))
    if refusal:
        return ratelimits.refused(request, refusal)
    form = (
        ReplyForm(request.POST, comment_id=replied.pk)
        if replied is not None
        else CommentForm(request.POST, topic=topic)
    )
    if form.is_valid():
        try:
            comment_create(
                proposal=proposal,
                author=request.user,
                body=form.cleaned_data["body"],
                topic=topic,
                parent=replied,
                site_url=_site_url(request),
            )
        except ValidationError as problem:
            add_errors(form, problem)
        else:
            done = (
                _("Votre réponse est publiée.") if replied else _("Votre commentaire est publié.")
            )
            return _respond(request, proposal, topic, message=done)
    bound = {"bound_reply": form} if replied is not None else {"form": form}
    return _respond(request, proposal, topic, **bound)


@require_POST
@login_required
def comment_flag_view(request: HtmxHttpRequest, slug: str, reference: int, pk: int) -> HttpResponse:
    campaign = get_campaign(request, slug)
    proposal = get_proposal(request, campaign, reference)
    comment = _comment(proposal, pk)
    refusal = ratelimits.hit(request, "comment_flag", target=str(request.user.pk))
    if refusal:
        return ratelimits.refused(request, refusal)
    form = CommentFlagForm(request.POST, comment_id=comment.pk)
    if form.is_valid():
        try:
            comment_flag(comment=comment, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as problem:
            add_errors(form, problem)
        else:
            thanks = _("Merci : votre signalement est transmis à la modération.")
            return _respond(request, proposal, comment.topic, message=thanks)
    return _respond(request, proposal, comment.topic, bound_flag=form)


@login_required
def comment_moderate(request: HttpRequest, slug: str, reference: int, pk: int) -> HttpResponse:
    """Hide a comment or restore it, with a reason kept on record and shown to its author."""
    require(is_moderator(request.user))
    campaign = get_campaign(request, slug)
    proposal = get_proposal(request, campaign, reference)
    comment = _comment(proposal, pk)
    if request.method == "POST":
        form = ModerationForm(request.POST)
        if form.is_valid():
            hiding = comment.status == Comment.Status.PUBLISHED
            decide = comment_hide if hiding else comment_restore
            try:
                decide(comment=comment, moderator=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as problem:
                add_errors(form, problem)
            else:
                done = (
                    _("Commentaire masqué ; son auteur voit le motif.")
                    if hiding
                    else _("Commentaire rétabli ; son auteur est prévenu.")
                )
                messages.success(request, done)
                return redirect(f"{proposal.get_absolute_url()}#{comment.anchor}")
    elif request.method in ("GET", "HEAD"):
        form = ModerationForm()
    else:
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    return render(
        request,
        "votes/debate/moderate.html",
        {
            "campaign": campaign,
            "proposal": proposal,
            "comment": comment,
            "form": form,
            "flags": comment.flags.select_related("user__profile"),
            "decisions": comment.moderations.select_related("moderator"),
        },
    )


@login_required
@require_safe
def comment_queue(request: HttpRequest) -> HttpResponse:
    """The comments waiting for the moderation (flagged), the hidden ones, the decisions."""
    require(is_moderator(request.user))
    # A moderator of some authorities or campaigns sees only theirs.
    comments = filter_campaigns(
        Comment.objects.all(), request.user, MODERATOR, ADMINISTRATOR, prefix="proposal__campaign__"
    )
    decisions = filter_campaigns(
        CommentModeration.objects.all(),
        request.user,
        MODERATOR,
        ADMINISTRATOR,
        prefix="comment__proposal__campaign__",
    )
    comments = comments.select_related("proposal__campaign", "author__profile").with_hidden_reason()
    return render(
        request,
        "votes/debate/queue.html",
        {
            "flagged": comments.published()
            .flagged()
            .prefetch_related("flags__user__profile")
            .order_by("created_at")[:QUEUE_LENGTH],
            "hidden": comments.hidden().order_by("-created_at")[:QUEUE_LENGTH],
            "history": decisions.select_related(
                "comment__proposal__campaign", "moderator"
            ).order_by("-at", "-id")[:QUEUE_LENGTH],
        },
    )


_PROPOSAL = "campagnes/<slug:slug>/propositions/<int:reference>/commentaires/"
urlpatterns = [
    path(_PROPOSAL, comment_post, name="comment_post"),
    path(_PROPOSAL + "<int:parent>/repondre/", comment_post, name="comment_reply"),
    path(_PROPOSAL + "<int:pk>/signaler/", comment_flag_view, name="comment_flag"),
    path(_PROPOSAL + "<int:pk>/moderation/", comment_moderate, name="comment_moderate"),
    path("moderation/commentaires/", comment_queue, name="comment_queue"),
]
