"""Implementation follow-up of the adopted proposals (issue 6 §3), shown publicly.

Only a proposal the council adopted (with or without changes) has a follow-up, and only once
the answers are published (phase ``answered``): before that, nothing was promised in public.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from votes.access import is_administrator, require
from votes.campaigns.models import Campaign, Phase
from votes.campaigns.phases import PhaseError
from votes.council.models import CouncilAnswer, FollowUp, Milestone
from votes.proposals.models import Proposal

Status = FollowUp.Status
MILESTONE_TEXT_MAX = Milestone._meta.get_field("text").max_length


def _locked_proposal(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().select_related("campaign").get(pk=proposal.pk)


def _require_followable(proposal: Proposal) -> None:
    """Published answers, and an adopted proposal."""
    campaign: Campaign = proposal.campaign
    if campaign.phase != Phase.ANSWERED:
        raise PhaseError(
            _(
                "Le suivi de réalisation commence une fois les avis du conseil publiés : la "
                "campagne « %(campaign)s » est en phase « %(phase)s »."
            )
            % {"campaign": campaign.title, "phase": campaign.get_phase_display()}
        )
    answer = CouncilAnswer.objects.filter(proposal=proposal).first()
    if answer is None or not answer.is_adopted:
        raise ValidationError(
            _(
                "La proposition %(ref)s n'a pas été adoptée par le conseil : seules les "
                "propositions adoptées ont un suivi de réalisation."
            )
            % {"ref": proposal.public_reference}
        )


def follow_up_problems(*, status: str, progress: int | None) -> dict[str, list[str]]:
    """The rules of a follow-up, with a French message per field (mirrors the constraints)."""
    problems: dict[str, list[str]] = {}
    if status not in Status.values:
        problems["status"] = [
            _("État inconnu ; attendu : %(labels)s.")
            % {"labels": ", ".join(str(label) for label in Status.labels)}
        ]
    if progress is None or not 0 <= progress <= 100:
        problems["progress"] = [_("L'avancement est un pourcentage, de 0 à 100.")]
    elif status == Status.DONE and progress != 100:
        problems["progress"] = [
            _("Une réalisation terminée est avancée à 100 % : corrigez l'avancement ou l'état.")
        ]
    return problems


def _follow_up(proposal: Proposal, by: AbstractBaseUser) -> FollowUp:
    return FollowUp.objects.filter(proposal=proposal).first() or FollowUp(
        proposal=proposal, updated_by=by
    )


@transaction.atomic
def follow_up_set(
    *, proposal: Proposal, by: AbstractBaseUser, status: str, progress: int
) -> FollowUp:
    require(is_administrator(by, proposal))
    # Locked: two administrators saving the first follow-up of a proposal at once would both
    # find none and both create one (the second failing on the one-to-one).
    proposal = _locked_proposal(proposal)
    _require_followable(proposal)
    problems = follow_up_problems(status=status, progress=progress)
    if problems:
        raise ValidationError(problems)
    follow_up = _follow_up(proposal, by)
    follow_up.status, follow_up.progress, follow_up.updated_by = status, progress, by
    follow_up.full_clean()
    follow_up.save()
    return follow_up


@transaction.atomic
def milestone_add(*, proposal: Proposal, by: AbstractBaseUser, on: date, text: str) -> Milestone:
    require(is_administrator(by, proposal))
    # Locked for the same race as follow_up_set: the follow-up may be created here.
    proposal = _locked_proposal(proposal)
    _require_followable(proposal)
    text = " ".join((text or "").split())
    problems: dict[str, list[str]] = {}
    if on is None:
        problems["on"] = [_("Indiquez la date de l'étape.")]
    if not text:
        problems["text"] = [_("Décrivez l'étape en quelques mots.")]
    elif len(text) > MILESTONE_TEXT_MAX:
        problems["text"] = [
            _("L'étape est décrite en %(max)s caractères au plus.") % {"max": MILESTONE_TEXT_MAX}
        ]
    if problems:
        raise ValidationError(problems)
    follow_up = _follow_up(proposal, by)
    if follow_up.pk is None:
        follow_up.full_clean()
        follow_up.save()
    milestone = Milestone(follow_up=follow_up, on=on, text=text)
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def milestone_delete(*, milestone: Milestone, by: AbstractBaseUser) -> None:
    require(is_administrator(by, milestone))
    proposal = _locked_proposal(milestone.follow_up.proposal)
    _require_followable(proposal)
    Milestone.objects.filter(pk=milestone.pk).delete()
