"""Implementation follow-up of the adopted proposals (issue 6 §3), shown publicly.

Only a proposal the council adopted (with or without changes) has a follow-up, and only once
the answers are published (phase ``answered``): before that, nothing was promised in public.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from votes.access import is_administrator, require
from votes.campaigns.models import Campaign, Phase
from votes.campaigns.phases import PhaseError
from votes.council.models import CouncilAnswer, FollowUp, Milestone
from votes.council.photos import checked_photo_name
from votes.proposals.models import Proposal

Status = FollowUp.Status
MILESTONE_TEXT_MAX = Milestone._meta.get_field("text").max_length
PHOTO_ALT_MAX = FollowUp._meta.get_field("photo_alt").max_length


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


def follow_up_problems(
    *, status: str, progress: int | None, spent: Decimal | None = None
) -> dict[str, list[str]]:
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
    if spent is not None and spent < 0:
        problems["spent"] = [_("Le montant dépensé ne peut pas être négatif.")]
    return problems


def _follow_up(proposal: Proposal, by: AbstractBaseUser) -> FollowUp:
    return FollowUp.objects.filter(proposal=proposal).first() or FollowUp(
        proposal=proposal, updated_by=by
    )


@transaction.atomic
def follow_up_set(
    *,
    proposal: Proposal,
    by: AbstractBaseUser,
    status: str,
    progress: int,
    spent: Decimal | None = None,
    photo: UploadedFile | None = None,
    photo_alt: str | None = None,
    remove_photo: bool = False,
) -> FollowUp:
    """Status, progress, and (issue 16 §7) the amount spent and a photo with its description.

    ``spent``/``photo_alt`` None keep what is stored; a new photo replaces the old one, whose
    file is deleted once the change is committed. Every problem is raised at once, before
    anything is written (the photo file included)."""
    require(is_administrator(by, proposal))
    # Locked: two administrators saving the first follow-up of a proposal at once would both
    # find none and both create one (the second failing on the one-to-one).
    proposal = _locked_proposal(proposal)
    _require_followable(proposal)
    problems = follow_up_problems(status=status, progress=progress, spent=spent)
    follow_up = _follow_up(proposal, by)
    alt = follow_up.photo_alt if photo_alt is None else " ".join(photo_alt.split())
    photo_name = None
    if photo is not None:
        try:
            photo_name = checked_photo_name(photo)
        except ValidationError as error:
            problems.setdefault("photo", []).extend(error.message_dict["photo"])
    keeps_photo = photo is not None or (bool(follow_up.photo) and not remove_photo)
    if keeps_photo and not alt:
        problems["photo_alt"] = [
            _("Décrivez la photo en quelques mots, pour qui ne la voit pas (texte alternatif).")
        ]
    elif len(alt) > PHOTO_ALT_MAX:
        problems["photo_alt"] = [
            _("La description de la photo tient en %(max)s caractères au plus.")
            % {"max": PHOTO_ALT_MAX}
        ]
    if problems:
        raise ValidationError(problems)
    old_photo = follow_up.photo.name if follow_up.photo else ""
    follow_up.status, follow_up.progress, follow_up.updated_by = status, progress, by
    if spent is not None:
        follow_up.spent = spent
    follow_up.photo_alt = alt if keeps_photo else ""
    if remove_photo and photo is None:
        follow_up.photo = ""
    # Checked before the photo's file is written: a refusal leaves no file behind.
    follow_up.full_clean(exclude=["photo"])
    if photo is not None:
        follow_up.photo.save(photo_name, photo, save=False)
    follow_up.save()
    current = follow_up.photo.name if follow_up.photo else ""
    if old_photo and old_photo != current:
        storage = follow_up.photo.storage
        transaction.on_commit(lambda: storage.delete(old_photo))
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
