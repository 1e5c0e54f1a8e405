"""The debate as a page shows it: each topic's threads, what the reader may see and do."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest
from django.utils.translation import gettext as _

from votes.access import is_moderator
from votes.campaigns.models import Phase
from votes.debate.forms import CommentFlagForm, CommentForm, ReplyForm
from votes.debate.models import Comment, CommentFlag
from votes.debate.services import comments_open
from votes.proposals.models import Proposal
from votes.text import render_markdown


@dataclass
class Section:
    topic: str
    title: str
    threads: list[Comment]
    count: int
    is_open: bool
    closed_note: str
    form: CommentForm | None
    answer: object | None = None
    answer_html: str = ""
    message: str = ""
    flagged: set[int] = field(default_factory=set)
    moderator: bool = False
    # A refusal when the thread closed meanwhile (its form is gone): said above the thread.
    refusal: str = ""

    @property
    def html_id(self) -> str:
        return f"debat-{self.topic}"


def _closed_note(proposal: Proposal, topic: str) -> str:
    campaign = proposal.campaign
    if not campaign.comments_enabled:
        return _("Les commentaires sont fermés dans cette campagne.")
    if proposal.status not in (Proposal.Status.PUBLISHED, Proposal.Status.NOT_RETAINED):
        return _("Cette proposition n'est pas publiée : les commentaires sont fermés.")
    if topic == Comment.Topic.ANSWER:
        return _("Les commentaires sur la réponse du conseil sont fermés.")
    return _(
        "Les commentaires sont ouverts pendant le dépôt des propositions, les soutiens et "
        "l'instruction ; la campagne est en phase « %(phase)s » : ils restent à lire."
    ) % {"phase": campaign.get_phase_display()}


def _answer(proposal: Proposal):
    try:
        return proposal.council_answer
    except ObjectDoesNotExist:
        return None


def section(
    request: HttpRequest,
    proposal: Proposal,
    topic: str,
    *,
    form: CommentForm | None = None,
    bound_reply: ReplyForm | None = None,
    bound_flag: CommentFlagForm | None = None,
    message: str = "",
) -> Section:
    """One topic's threads: published comments, and the hidden ones shown as such (with the
    reason) to their author and to the moderators; the others see a placeholder only where a
    hidden comment has replies to keep in context."""
    user = request.user
    moderator = is_moderator(user)
    rows = list(
        Comment.objects.filter(proposal=proposal, topic=topic)
        .select_related("author__profile")
        .with_hidden_reason()
    )
    is_open = comments_open(proposal, topic)
    flagged: set[int] = set()
    if user.is_authenticated:
        flagged = set(
            CommentFlag.objects.filter(user=user, comment__proposal=proposal).values_list(
                "comment_id", flat=True
            )
        )
    by_parent: dict[int, list[Comment]] = {}
    for comment in rows:
        mine = user.is_authenticated and comment.author_id == user.pk
        comment.is_mine = mine
        comment.shown = comment.status == Comment.Status.PUBLISHED or moderator or mine
        comment.body_html = render_markdown(comment.body) if comment.shown else ""
        comment.can_flag = (
            user.is_authenticated
            and not mine
            and comment.status == Comment.Status.PUBLISHED
            and comment.pk not in flagged
        )
        comment.flag_form = (
            bound_flag
            if bound_flag is not None and bound_flag.comment_id == comment.pk
            else (CommentFlagForm(comment_id=comment.pk) if comment.can_flag else None)
        )
        if comment.parent_id is not None:
            by_parent.setdefault(comment.parent_id, []).append(comment)
    threads = []
    for comment in rows:
        if comment.parent_id is not None:
            continue
        comment.reply_list = [reply for reply in by_parent.get(comment.pk, []) if reply.shown]
        if not comment.shown and not comment.reply_list:
            continue
        comment.can_reply = is_open and comment.status == Comment.Status.PUBLISHED
        if bound_reply is not None and bound_reply.comment_id == comment.pk:
            comment.reply_form = bound_reply
        elif comment.can_reply and user.is_authenticated:
            comment.reply_form = ReplyForm(comment_id=comment.pk)
        else:
            comment.reply_form = None
        threads.append(comment)
    refusal = ""
    if not is_open:
        for bound in (form, bound_reply):
            if bound is not None and bound.is_bound:
                refusal = " ".join(bound.non_field_errors())
    answer = _answer(proposal) if topic == Comment.Topic.ANSWER else None
    return Section(
        topic=topic,
        title=_("Débat sur la proposition")
        if topic == Comment.Topic.PROPOSAL
        else _("Débat sur la réponse du conseil"),
        threads=threads,
        count=sum(1 for comment in rows if comment.status == Comment.Status.PUBLISHED),
        is_open=is_open,
        closed_note="" if is_open else _closed_note(proposal, topic),
        form=(form or CommentForm(topic=topic)) if is_open and user.is_authenticated else None,
        answer=answer,
        answer_html=render_markdown(answer.answer) if answer is not None else "",
        message=message,
        flagged=flagged,
        moderator=moderator,
        refusal=refusal,
    )


def debate_context(request: HttpRequest, proposal: Proposal) -> dict:
    """The sections of a proposal page: the proposal's debate, and once the council's answers
    are published, the debate on its answer."""
    sections = [section(request, proposal, Comment.Topic.PROPOSAL)]
    if proposal.campaign.phase == Phase.ANSWERED and _answer(proposal) is not None:
        sections.append(section(request, proposal, Comment.Topic.ANSWER))
    # A campaign without debate shows none, unless comments were written before it closed.
    if not proposal.campaign.comments_enabled:
        sections = [found for found in sections if found.threads]
    return {"debate": sections}
