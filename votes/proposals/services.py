"""Proposals: deposit, edit and withdraw (the author's writes of §3).

Every write checks the campaign's phase with votes.campaigns.phases.require_phase and the
user's right with votes.access; a refusal raises before anything is written. Attachments are
checked in votes.proposals.attachments, a saving's simulator source in votes.proposals.savings;
supports, flags and moderation live in votes.proposals.services_moderation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from budget.models import Commune
from simulator.models import Measure, Scenario
from votes.campaigns.models import Campaign, Category
from votes.campaigns.phases import require_phase
from votes.proposals.attachments import check_attachments, store_attachments
from votes.proposals.location import check_location
from votes.proposals.models import Attachment, Proposal, ProposalAdjustment
from votes.proposals.revenue import check_revenue
from votes.proposals.savings import check_simulator_source, source_adjustments

User = AbstractBaseUser | AnonymousUser

# --------------------------------------------------------------------------------------------
# Kinds and categories
# --------------------------------------------------------------------------------------------


def allowed_kinds(campaign: Campaign, category: Category | None = None) -> list[str]:
    """The kinds a proposal may take in a campaign, and in one of its categories (pure)."""
    if campaign.kind == Campaign.Kind.PROJECTS:
        return [Proposal.Kind.PROJECT]
    if campaign.kind == Campaign.Kind.SAVINGS:
        return [Proposal.Kind.SAVING]
    if category is not None:
        has_envelope = category.envelope is not None
        has_target = category.savings_target is not None
        if has_target and not has_envelope:
            return [Proposal.Kind.SAVING]
        if has_envelope and not has_target:
            return [Proposal.Kind.PROJECT]
    return [Proposal.Kind.PROJECT, Proposal.Kind.SAVING]


def check_kind(campaign: Campaign, category: Category, kind: str, errors: dict) -> None:
    if kind not in Proposal.Kind.values:
        errors.setdefault("kind", []).append(_("Choisissez un projet ou une économie."))
        return
    if kind in allowed_kinds(campaign):
        if kind not in allowed_kinds(campaign, category):
            if kind == Proposal.Kind.PROJECT:
                message = _(
                    "La rubrique « %(category)s » a un objectif d'économies : elle reçoit des "
                    "économies, pas des projets."
                )
            else:
                message = _(
                    "La rubrique « %(category)s » a une enveloppe : elle reçoit des projets, "
                    "pas des économies."
                )
            errors.setdefault("kind", []).append(message % {"category": category.name})
        return
    if campaign.kind == Campaign.Kind.PROJECTS:
        message = _("Cette campagne reçoit des projets, pas des économies.")
    else:
        message = _("Cette campagne reçoit des économies, pas des projets.")
    errors.setdefault("kind", []).append(message)


def check_place(
    campaign: Campaign,
    *,
    category: Category | None,
    estimate: Decimal | None,
    commune: Commune | None,
    errors: dict,
) -> None:
    if category is None or category.campaign_id != campaign.pk:
        errors.setdefault("category", []).append(_("Choisissez une rubrique de cette campagne."))
    if estimate is not None and estimate < 0:
        errors.setdefault("estimate", []).append(
            _("L'estimation ne peut pas être négative : indiquez un montant positif ou nul.")
        )
    if commune is not None and commune.authority_id != campaign.authority_id:
        errors.setdefault("commune", []).append(
            _("Choisissez une commune du territoire de la collectivité.")
        )


def _require_profile(author: User) -> None:
    if not author.is_authenticated:
        raise PermissionDenied
    try:
        author.profile  # noqa: B018 - the account's citizen profile, created at sign-up
    except ObjectDoesNotExist:
        raise ValidationError(
            _(
                "Pour déposer une proposition, créez d'abord votre compte citoyen "
                "(pseudonyme public et commune de résidence)."
            )
        ) from None


# --------------------------------------------------------------------------------------------
# Deposit, edit, withdraw
# --------------------------------------------------------------------------------------------


@transaction.atomic
def proposal_create(
    *,
    campaign: Campaign,
    author: AbstractBaseUser,
    category: Category,
    kind: str,
    title: str,
    description: str,
    estimate: Decimal | None = None,
    commune: Commune | None = None,
    place: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    neighbourhood: str = "",
    scenario: Scenario | None = None,
    measure: Measure | None = None,
    lever: str = "",
    lever_value: Decimal | None = None,
    attachments: Sequence[UploadedFile] = (),
) -> Proposal:
    """A citizen's project or saving; a saving may set a revenue lever (votes/proposals/
    revenue.py): a new or higher tariff, fee or tax rate."""
    require_phase(campaign, "propose")
    _require_profile(author)
    errors: dict[str, list[str]] = {}
    check_place(campaign, category=category, estimate=estimate, commune=commune, errors=errors)
    neighbourhood = check_location(
        campaign,
        latitude=latitude,
        longitude=longitude,
        neighbourhood=neighbourhood,
        errors=errors,
    )
    if "category" not in errors:
        check_kind(campaign, category, kind, errors)
    check_simulator_source(campaign, kind=kind, scenario=scenario, measure=measure, errors=errors)
    check_revenue(
        campaign,
        kind=kind,
        lever=lever,
        value=lever_value,
        has_simulator_source=scenario is not None or measure is not None,
        errors=errors,
    )
    if errors:
        raise ValidationError(errors)
    checked_files = check_attachments(list(attachments))

    # Two citizens submitting at the same instant would otherwise read the same last
    # reference and both take the next P-number: the campaign row is the queue. The unique
    # constraint votes_proposal_unique_reference is the last line of defence.
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    last = Proposal.objects.filter(campaign=campaign).aggregate(Max("reference"))
    proposal = Proposal(
        campaign=campaign,
        category=category,
        reference=(last["reference__max"] or 0) + 1,
        kind=kind,
        title=title.strip(),
        description=description.strip(),
        author=author,
        estimate=estimate,
        commune=commune,
        place=place.strip(),
        latitude=latitude,
        longitude=longitude,
        neighbourhood=neighbourhood,
        scenario=scenario,
        measure=measure,
        lever=lever,
        lever_value=lever_value,
    )
    proposal.full_clean()
    proposal.save()
    adjustments = source_adjustments(scenario=scenario, measure=measure)
    for adjustment in adjustments:
        adjustment.proposal = proposal
        adjustment.full_clean()
    ProposalAdjustment.objects.bulk_create(adjustments)
    store_attachments(proposal, checked_files)
    return proposal


def _require_author(proposal: Proposal, user: User) -> None:
    if not user.is_authenticated or proposal.author_id != user.pk:
        raise PermissionDenied


def _locked(proposal: Proposal) -> Proposal:
    # A moderator hiding the proposal while its author edits or withdraws it: the second
    # write must see the first one's status.
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    locked.campaign = proposal.campaign
    return locked


@transaction.atomic
def proposal_update(
    *,
    proposal: Proposal,
    user: AbstractBaseUser,
    category: Category,
    title: str,
    description: str,
    estimate: Decimal | None = None,
    commune: Commune | None = None,
    place: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    neighbourhood: str = "",
    attachments: Sequence[UploadedFile] = (),
    remove_attachments: Iterable[Attachment] = (),
) -> Proposal:
    """The author edits their proposal (its kind and simulator source stay as deposited)."""
    _require_author(proposal, user)
    require_phase(proposal.campaign, "edit_proposal")
    proposal = _locked(proposal)
    campaign = proposal.campaign
    if proposal.status == Proposal.Status.WITHDRAWN:
        raise ValidationError(_("Une proposition retirée ne peut plus être modifiée."))
    errors: dict[str, list[str]] = {}
    check_place(campaign, category=category, estimate=estimate, commune=commune, errors=errors)
    neighbourhood = check_location(
        campaign,
        latitude=latitude,
        longitude=longitude,
        neighbourhood=neighbourhood,
        errors=errors,
    )
    if "category" not in errors:
        check_kind(campaign, category, proposal.kind, errors)
        if "kind" in errors:
            errors["category"] = errors.pop("kind")
    if errors:
        raise ValidationError(errors)
    removed = [a for a in remove_attachments if a.proposal_id == proposal.pk]
    kept = proposal.attachments.exclude(pk__in=[a.pk for a in removed]).count()
    checked_files = check_attachments(list(attachments), already=kept)

    proposal.category = category
    proposal.title = title.strip()
    proposal.description = description.strip()
    proposal.estimate = estimate
    proposal.commune = commune
    proposal.place = place.strip()
    proposal.latitude, proposal.longitude = latitude, longitude
    proposal.neighbourhood = neighbourhood
    proposal.full_clean()
    proposal.save()
    for attachment in removed:
        attachment.delete()
        # The file goes only once the row's deletion is committed.
        transaction.on_commit(lambda f=attachment.file: f.delete(save=False))
    store_attachments(proposal, checked_files)
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, user: AbstractBaseUser) -> Proposal:
    _require_author(proposal, user)
    require_phase(proposal.campaign, "withdraw_proposal")
    proposal = _locked(proposal)
    if proposal.status == Proposal.Status.WITHDRAWN:
        raise ValidationError(_("Cette proposition est déjà retirée."))
    proposal.status = Proposal.Status.WITHDRAWN
    proposal.save(update_fields=["status", "updated_at"])
    return proposal


__all__ = [
    "allowed_kinds",
    "check_kind",
    "check_place",
    "proposal_create",
    "proposal_update",
    "proposal_withdraw",
]
