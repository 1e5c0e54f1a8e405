"""Proposals: deposit, edit, withdraw, supports, flags and moderation (the writes of §3).

Every write checks the campaign's phase with votes.phases.require_phase and the user's right
with votes.access; a refusal raises before anything is written.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from budget.models import Commune
from simulator.engine import MAX_HORIZON, Adjustment, SimulationError, SimulationResult, simulate
from simulator.inputs import growth_rates, prepared_budget
from simulator.models import Measure, Scenario
from votes.access import is_moderator, require
from votes.campaigns.freeze import require_not_frozen
from votes.campaigns.models import Campaign, Category, Phase
from votes.campaigns.phases import require_phase
from votes.emails import notify
from votes.proposals.models import (
    Attachment,
    Flag,
    ModerationAction,
    Proposal,
    ProposalAdjustment,
    Support,
)

User = AbstractBaseUser | AnonymousUser

# --------------------------------------------------------------------------------------------
# Attachments: images and PDF only, recognised by their first bytes (an extension proves nothing)
# --------------------------------------------------------------------------------------------

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENTS = 3
# content type -> (label, extensions that may carry it)
ATTACHMENT_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "image/jpeg": ("JPEG", (".jpg", ".jpeg")),
    "image/png": ("PNG", (".png",)),
    "image/webp": ("WebP", (".webp",)),
    "application/pdf": ("PDF", (".pdf",)),
}


def sniff_content_type(head: bytes) -> str | None:
    """The allowed type the first bytes of a file announce, or None (pure)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    name: str
    content_type: str
    extension: str


def check_attachments(files: Sequence[UploadedFile], *, already: int = 0) -> list[CheckedFile]:
    """Every problem of a batch of uploads at once, raised as {"attachments": [...]}."""
    problems: list[str] = []
    if already + len(files) > MAX_ATTACHMENTS:
        problems.append(
            _("%(max)s pièces jointes au plus par proposition (vous en envoyez %(count)s).")
            % {"max": MAX_ATTACHMENTS, "count": already + len(files)}
        )
    checked = []
    for upload in files:
        name = os.path.basename(upload.name or "") or _("fichier sans nom")
        extension = os.path.splitext(name)[1].lower()
        if upload.size > MAX_ATTACHMENT_BYTES:
            problems.append(
                _("« %(name)s » pèse %(size)s Mo : %(max)s Mo au plus par fichier.")
                % {
                    "name": name,
                    "size": _megabytes(upload.size),
                    "max": MAX_ATTACHMENT_BYTES // (1024 * 1024),
                }
            )
            continue
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        content_type = sniff_content_type(head)
        if content_type is None:
            problems.append(
                _(
                    "« %(name)s » n'est ni une image (JPEG, PNG, WebP) ni un PDF : son contenu "
                    "ne correspond à aucun de ces formats."
                )
                % {"name": name}
            )
            continue
        label, extensions = ATTACHMENT_TYPES[content_type]
        if extension not in extensions:
            problems.append(
                _(
                    "« %(name)s » : le nom du fichier ne correspond pas à son contenu (%(type)s) ; "
                    "renommez-le en %(extension)s."
                )
                % {"name": name, "type": label, "extension": extensions[0]}
            )
            continue
        checked.append(CheckedFile(upload, name[:200], content_type, extension))
    if problems:
        raise ValidationError({"attachments": problems})
    return checked


def _store_attachments(proposal: Proposal, files: list[CheckedFile]) -> list[Attachment]:
    """Written last: the checks and the rows before it can no longer fail on a bad input."""
    stored: list[Attachment] = []
    try:
        for checked in files:
            attachment = Attachment(
                proposal=proposal,
                name=checked.name,
                content_type=checked.content_type,
                size=checked.upload.size,
            )
            # A random name on disk: the citizen's file name is kept for display only.
            attachment.file.save(f"{uuid.uuid4().hex}{checked.extension}", checked.upload, False)
            attachment.save()
            stored.append(attachment)
    except Exception:
        # The transaction rolls the rows back; the files on disk must go with them.
        for attachment in stored:
            attachment.file.delete(save=False)
        raise
    return stored


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


def _check_kind(campaign: Campaign, category: Category, kind: str, errors: dict) -> None:
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


def _check_place(
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


def _source_adjustments(
    *, scenario: Scenario | None, measure: Measure | None
) -> list[ProposalAdjustment]:
    """The adjustments a saving carries from the simulator (unsaved rows, no proposal yet)."""
    sources = []
    if measure is not None:
        sources += list(measure.adjustments.all())
    if scenario is not None:
        sources += list(scenario.adjustments.all())
        for chosen in scenario.measures.prefetch_related("adjustments"):
            sources += list(chosen.adjustments.all())
    return [
        ProposalAdjustment(
            line_id=source.line_id,
            amount=source.amount,
            percent=source.percent,
            start_year=source.start_year,
            recurring=source.recurring,
            first_year_share=source.first_year_share,
        )
        for source in sources
    ]


def _check_simulator_source(
    campaign: Campaign,
    *,
    kind: str,
    scenario: Scenario | None,
    measure: Measure | None,
    errors: dict,
) -> None:
    if scenario is None and measure is None:
        return
    if kind != Proposal.Kind.SAVING:
        errors.setdefault("kind", []).append(
            _("Seule une économie peut reprendre un scénario ou une mesure du simulateur.")
        )
    if scenario is not None and measure is not None:
        errors.setdefault("__all__", []).append(
            _("Partez soit d'un scénario, soit d'une mesure, pas des deux.")
        )
    budget_id = campaign.budget_id
    if scenario is not None and (budget_id is None or scenario.budget_id != budget_id):
        errors.setdefault("scenario", []).append(
            _("Ce scénario porte sur un autre budget que celui de la campagne.")
        )
    if measure is not None:
        if budget_id is None or measure.budget_id != budget_id:
            errors.setdefault("measure", []).append(
                _("Cette mesure porte sur un autre budget que celui de la campagne.")
            )
        elif not measure.published:
            errors.setdefault("measure", []).append(_("Cette mesure n'est pas publiée."))


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
    scenario: Scenario | None = None,
    measure: Measure | None = None,
    attachments: Sequence[UploadedFile] = (),
) -> Proposal:
    require_phase(campaign, "propose")
    _require_profile(author)
    errors: dict[str, list[str]] = {}
    _check_place(campaign, category=category, estimate=estimate, commune=commune, errors=errors)
    if "category" not in errors:
        _check_kind(campaign, category, kind, errors)
    _check_simulator_source(campaign, kind=kind, scenario=scenario, measure=measure, errors=errors)
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
        scenario=scenario,
        measure=measure,
    )
    proposal.full_clean()
    proposal.save()
    adjustments = _source_adjustments(scenario=scenario, measure=measure)
    for adjustment in adjustments:
        adjustment.proposal = proposal
        adjustment.full_clean()
    ProposalAdjustment.objects.bulk_create(adjustments)
    _store_attachments(proposal, checked_files)
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
    _check_place(campaign, category=category, estimate=estimate, commune=commune, errors=errors)
    if "category" not in errors:
        _check_kind(campaign, category, proposal.kind, errors)
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
    proposal.full_clean()
    proposal.save()
    for attachment in removed:
        attachment.delete()
        # The file goes only once the row's deletion is committed.
        transaction.on_commit(lambda f=attachment.file: f.delete(save=False))
    _store_attachments(proposal, checked_files)
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
    from_status: str,
    to_status: str,
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
    if locked.status != from_status:
        raise ValidationError(refusal)
    locked.status = to_status
    locked.save(update_fields=["status", "updated_at"])
    record = ModerationAction(proposal=locked, moderator=moderator, action=action, reason=reason)
    record.full_clean()
    record.save()
    locked.flags.filter(handled=False).update(handled=True)
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
        from_status=Proposal.Status.PUBLISHED,
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
        from_status=Proposal.Status.HIDDEN,
        to_status=Proposal.Status.PUBLISHED,
        refusal=_("Seule une proposition masquée peut être rétablie."),
        template="votes/emails/moderation_restored.txt",
        subject=_("Votre proposition %(reference)s est de nouveau publiée")
        % {"reference": proposal.public_reference},
    )


# --------------------------------------------------------------------------------------------
# Reads: a saving's linked impacts, computed by the simulator engine
# --------------------------------------------------------------------------------------------

DEFAULT_IMPACT_HORIZON = 3


def proposal_engine_adjustments(proposal: Proposal) -> list[Adjustment]:
    return [
        Adjustment(
            line=adj.line.code,
            amount=None if adj.amount is None else float(adj.amount),
            percent=None if adj.percent is None else float(adj.percent),
            start_year=adj.start_year,
            recurring=adj.recurring,
            first_year_share=float(adj.first_year_share),
            measure=proposal.public_reference,
        )
        for adj in proposal.adjustments.select_related("line")
    ]


def proposal_simulation(proposal: Proposal) -> SimulationResult | None:
    """The proposal's adjustments run on its campaign's budget, or None when it has none.

    The horizon reaches the latest start year, so that a measure starting late still shows
    its full-year effect. Raises engine.SimulationError when the engine refuses them (a line
    no longer adjustable, a floor crossed since the deposit).
    """
    budget = proposal.campaign.budget
    adjustments = proposal_engine_adjustments(proposal)
    if budget is None or not adjustments:
        return None
    horizon = min(MAX_HORIZON, max(DEFAULT_IMPACT_HORIZON, *(a.start_year for a in adjustments)))
    return simulate(
        prepared_budget(budget),
        adjustments=adjustments,
        horizon=horizon,
        debt_start=float(budget.debt_start),
        growth_rates=growth_rates(budget),
    )


__all__ = [
    "ATTACHMENT_TYPES",
    "MAX_ATTACHMENTS",
    "MAX_ATTACHMENT_BYTES",
    "SimulationError",
    "allowed_kinds",
    "check_attachments",
    "flag_create",
    "moderation_hide",
    "moderation_restore",
    "proposal_create",
    "proposal_engine_adjustments",
    "proposal_simulation",
    "proposal_update",
    "proposal_withdraw",
    "sniff_content_type",
    "support_toggle",
]
