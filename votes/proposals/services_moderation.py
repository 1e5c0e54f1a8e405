"""What others do with a published proposal: supports, flags and moderation (§3).

Every write checks the campaign's phase with votes.campaigns.phases.require_phase and the
user's right with votes.access; a refusal raises before anything is written.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from votes.access import is_moderator, require
from votes.campaigns.freeze import require_not_frozen
from votes.campaigns.models import Campaign, Phase
from votes.campaigns.phases import require_phase
from votes.emails import notify
from votes.proposals.models import Flag, ModerationAction, Proposal, Support
from votes.proposals.screening import restored_status

# --------------------------------------------------------------------------------------------
# Supports and flags
# --------------------------------------------------------------------------------------------


@transaction.atomic
def support_toggle(*, proposal: Proposal, user: AbstractBaseUser) -> int:
    """Support, or withdraw one's support (no cap); returns the new number of supports."""
    if not user.is_authenticated:
        raise PermissionDenied
    require_phase(proposal.campaign, "support")
    # A double click sends two toggles at once: both would see "not supported yet" and the
    # second insert would hit votes_support_unique_user. The proposal row serialises them.
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    # The phase read again, by a new statement once the row is ours: the end of the supports
    # phase locks the proposals to count their supports, so a toggle that waited for it must
    # find the phase closed (proposals/screening.py).
    require_phase(Campaign.objects.get(pk=proposal.campaign_id), "support")
    if proposal.status != Proposal.Status.PUBLISHED:
        raise ValidationError(_("Seule une proposition publiée peut être soutenue."))
    deleted, _rows = Support.objects.filter(proposal=proposal, user=user).delete()
    if not deleted:
        support = Support(proposal=proposal, user=user)
        support.full_clean()
        support.save()
    return Support.objects.filter(proposal=proposal).count()


@transaction.atomic
def flag_create(*, proposal: Proposal, user: AbstractBaseUser, reason: str) -> Flag:
    """Anyone logged in reports abusive content, once per proposal, with a reason."""
    if not user.is_authenticated:
        raise PermissionDenied
    # votes.phases has no "flag" action: a flag is possible wherever the proposal is public.
    if proposal.campaign.phase == Phase.DRAFT:
        raise ValidationError(
            _("Impossible de signaler : la campagne « %(campaign)s » n'est pas publiée.")
            % {"campaign": proposal.campaign.title}
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Indiquez pourquoi vous signalez cette proposition.")]})
    if proposal.status == Proposal.Status.HIDDEN:
        raise ValidationError(_("Cette proposition est déjà masquée par la modération."))
    if Flag.objects.filter(proposal=proposal, user=user).exists():
        raise ValidationError(_("Vous avez déjà signalé cette proposition."))
    flag = Flag(proposal=proposal, user=user, reason=reason)
    flag.full_clean(validate_constraints=False)
    try:
        # Two reports sent at the same instant by the same person: the constraint decides.
        with transaction.atomic():
            flag.save()
    except IntegrityError:
        raise ValidationError(_("Vous avez déjà signalé cette proposition.")) from None
    return flag


# --------------------------------------------------------------------------------------------
# Moderation (a posteriori): hide or restore with a reason kept on record, author told
# --------------------------------------------------------------------------------------------


def _moderate(
    *,
    proposal: Proposal,
    moderator: AbstractBaseUser,
    reason: str,
    action: str,
    from_statuses: tuple[str, ...],
    to_status: str | None,
    refusal: str,
    template: str,
    subject: str,
) -> ModerationAction:
    # Hiding or restoring a proposal changes the ballot the tally reads: after the sending,
    # the results page would no longer match what the council received.
    require_not_frozen(proposal.campaign)
    require(is_moderator(moderator))
    require_phase(proposal.campaign, "moderate")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": [_("Indiquez le motif : il est conservé et envoyé à l'auteur.")]}
        )
    # Two moderators deciding at the same instant: the second must see the first one's status.
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    locked.campaign = proposal.campaign
    if locked.status not in from_statuses:
        raise ValidationError(refusal)
    # Restoring: back to what the supports phase decided (none: published).
    to_status = to_status or restored_status(locked)
    locked.status = to_status
    locked.save(update_fields=["status", "updated_at"])
    record = ModerationAction(proposal=locked, moderator=moderator, action=action, reason=reason)
    record.full_clean()
    record.save()
    locked.flags.open().update(handled=True)
    proposal.status = to_status
    author = locked.author
    if author is not None and author.email:
        context = {"proposal": locked, "reason": reason, "campaign": locked.campaign}
        # Sent only once the decision is committed: no e-mail about a rolled-back decision.
        transaction.on_commit(
            lambda: notify(to=[author.email], subject=subject, template=template, context=context)
        )
    return record


@transaction.atomic
def moderation_hide(
    *, proposal: Proposal, moderator: AbstractBaseUser, reason: str
) -> ModerationAction:
    return _moderate(
        proposal=proposal,
        moderator=moderator,
        reason=reason,
        action=ModerationAction.Action.HIDE,
        # Not retained at the supports stage is public too: abusive content is hidden alike.
        from_statuses=(Proposal.Status.PUBLISHED, Proposal.Status.NOT_RETAINED),
        to_status=Proposal.Status.HIDDEN,
        refusal=_("Seule une proposition publiée peut être masquée."),
        template="votes/emails/moderation_hidden.txt",
        subject=_("Votre proposition %(reference)s a été masquée")
        % {"reference": proposal.public_reference},
    )


@transaction.atomic
def moderation_restore(
    *, proposal: Proposal, moderator: AbstractBaseUser, reason: str
) -> ModerationAction:
    return _moderate(
        proposal=proposal,
        moderator=moderator,
        reason=reason,
        action=ModerationAction.Action.RESTORE,
        from_statuses=(Proposal.Status.HIDDEN,),
        to_status=None,
        refusal=_("Seule une proposition masquée peut être rétablie."),
        template="votes/emails/moderation_restored.txt",
        subject=_("Votre proposition %(reference)s est de nouveau publiée")
        % {"reference": proposal.public_reference},
    )


__all__ = [
    "flag_create",
    "moderation_hide",
    "moderation_restore",
    "support_toggle",
]
