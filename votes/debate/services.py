"""Writes of the debate: comment, reply, flag, hide and restore.

Every write checks the campaign's switch and phase (campaigns/phases.py: "comment",
"comment_answer", "moderate") and the user's right (votes/access.py) before writing anything.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from votes.access import is_moderator, is_team, require
from votes.campaigns.phases import phase_allows, require_phase
from votes.debate.models import BODY_MAX_LENGTH, Comment, CommentFlag, CommentModeration
from votes.emails import notify
from votes.notifications.sending import proposal_comment_notify
from votes.proposals.models import ModerationAction, Proposal

# A comment goes with a public proposal: hidden or withdrawn ones are closed to the debate.
PUBLIC_STATUSES = (Proposal.Status.PUBLISHED, Proposal.Status.NOT_RETAINED)


def comments_open(proposal: Proposal, topic: str = Comment.Topic.PROPOSAL) -> bool:
    """The campaign's switch, the phase rule, a public proposal; the answer's thread needs a
    published answer."""
    campaign = proposal.campaign
    if not campaign.comments_enabled or proposal.status not in PUBLIC_STATUSES:
        return False
    if topic == Comment.Topic.ANSWER:
        return phase_allows(campaign, "comment_answer") and _has_answer(proposal)
    return phase_allows(campaign, "comment")


def _has_answer(proposal: Proposal) -> bool:
    try:
        proposal.council_answer  # noqa: B018 - one-to-one, raises when none
    except ObjectDoesNotExist:
        return False
    return True


def _require_open(proposal: Proposal, topic: str) -> None:
    campaign = proposal.campaign
    if not campaign.comments_enabled:
        raise ValidationError(_("Les commentaires sont fermés dans cette campagne."))
    if proposal.status not in PUBLIC_STATUSES:
        raise ValidationError(_("Cette proposition n'est pas publiée : elle ne se commente pas."))
    if topic == Comment.Topic.ANSWER:
        require_phase(campaign, "comment_answer")
        if not _has_answer(proposal):
            raise ValidationError(_("Le conseil n'a pas encore répondu à cette proposition."))
    else:
        require_phase(campaign, "comment")


def _require_commenter(user: AbstractBaseUser) -> None:
    if not user.is_authenticated:
        raise PermissionDenied
    if is_team(user):
        return
    try:
        profile = user.profile
    except ObjectDoesNotExist:
        raise ValidationError(
            _("Pour commenter, créez d'abord votre compte citoyen (pseudonyme public).")
        ) from None
    if not profile.email_confirmed:
        raise ValidationError(
            _(
                "Confirmez d'abord votre adresse e-mail (le lien reçu à l'inscription) : "
                "ensuite vous pourrez commenter."
            )
        )


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("Écrivez votre commentaire avant de l'envoyer.")]})
    if len(body) > BODY_MAX_LENGTH:
        raise ValidationError(
            {
                "body": [
                    _(
                        "Votre commentaire fait %(length)d caractères : %(max)d au plus. "
                        "Raccourcissez-le."
                    )
                    % {"length": len(body), "max": BODY_MAX_LENGTH}
                ]
            }
        )
    return body


@transaction.atomic
def comment_create(
    *,
    proposal: Proposal,
    author: AbstractBaseUser,
    body: str,
    topic: str = Comment.Topic.PROPOSAL,
    parent: Comment | None = None,
    site_url: str = "",
) -> Comment:
    """A comment on a proposal (or on its council answer), or a reply to one; the proposal's
    author is told by e-mail if they want to be."""
    _require_commenter(author)
    if parent is not None:
        topic = parent.topic
    _require_open(proposal, topic)
    body = _clean_body(body)
    if parent is not None:
        # A moderator hiding the comment while someone replies to it: the row lock makes the
        # reply wait for the decision and read the status it left (services' _moderate).
        parent = Comment.objects.select_for_update().get(pk=parent.pk)
        if parent.proposal_id != proposal.pk:
            raise ValidationError(_("Ce commentaire n'est pas sur cette proposition."))
        if parent.parent_id is not None:
            raise ValidationError(
                _("On répond à un commentaire, pas à une réponse : répondez au premier message.")
            )
        if parent.status != Comment.Status.PUBLISHED:
            raise ValidationError(_("Ce commentaire est masqué : on ne peut plus y répondre."))
    comment = Comment(proposal=proposal, topic=topic, parent=parent, author=author, body=body)
    comment.full_clean()
    comment.save()
    comment.proposal = proposal
    proposal_comment_notify(comment=comment, site_url=site_url)
    return comment


@transaction.atomic
def comment_flag(*, comment: Comment, user: AbstractBaseUser, reason: str) -> CommentFlag:
    """Anyone logged in reports an abusive comment, once, with a reason."""
    if not user.is_authenticated:
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Indiquez pourquoi vous signalez ce commentaire.")]})
    if comment.status == Comment.Status.HIDDEN:
        raise ValidationError(_("Ce commentaire est déjà masqué par la modération."))
    if comment.author_id == user.pk:
        raise ValidationError(_("Vous ne pouvez pas signaler votre propre commentaire."))
    flag = CommentFlag(comment=comment, user=user, reason=reason)
    flag.full_clean(validate_constraints=False)
    try:
        # Two reports sent at the same instant by the same person: the constraint decides.
        with transaction.atomic():
            flag.save()
    except IntegrityError:
        raise ValidationError(_("Vous avez déjà signalé ce commentaire.")) from None
    return flag


def _moderate(
    *, comment: Comment, moderator: AbstractBaseUser, reason: str, hide: bool
) -> CommentModeration:
    require(is_moderator(moderator))
    require_phase(comment.proposal.campaign, "moderate")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": [_("Indiquez le motif : il est conservé et montré à l'auteur.")]}
        )
    # Two moderators deciding at the same instant: the second must see the first one's status.
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    wanted_from = Comment.Status.PUBLISHED if hide else Comment.Status.HIDDEN
    if locked.status != wanted_from:
        raise ValidationError(
            _("Ce commentaire est déjà masqué.") if hide else _("Ce commentaire n'est pas masqué.")
        )
    locked.status = Comment.Status.HIDDEN if hide else Comment.Status.PUBLISHED
    locked.save(update_fields=["status"])
    record = CommentModeration(
        comment=locked,
        moderator=moderator,
        action=ModerationAction.Action.HIDE if hide else ModerationAction.Action.RESTORE,
        reason=reason,
    )
    record.full_clean()
    record.save()
    locked.flags.open().update(handled=True)
    comment.status = locked.status
    author = locked.author
    if author is not None and author.email:
        # A decision about one's own words: always told (no unsubscribing from moderation).
        context = {"comment": locked, "proposal": comment.proposal, "reason": reason}
        template = (
            "votes/debate/email_comment_hidden.txt"
            if hide
            else "votes/debate/email_comment_restored.txt"
        )
        subject = (
            _("Votre commentaire sur %(reference)s a été masqué")
            if hide
            else _("Votre commentaire sur %(reference)s est de nouveau publié")
        ) % {"reference": comment.proposal.public_reference}
        transaction.on_commit(
            lambda: notify(to=[author.email], subject=subject, template=template, context=context)
        )
    return record


@transaction.atomic
def comment_hide(
    *, comment: Comment, moderator: AbstractBaseUser, reason: str
) -> CommentModeration:
    return _moderate(comment=comment, moderator=moderator, reason=reason, hide=True)


@transaction.atomic
def comment_restore(
    *, comment: Comment, moderator: AbstractBaseUser, reason: str
) -> CommentModeration:
    return _moderate(comment=comment, moderator=moderator, reason=reason, hide=False)
