"""The campaign's workflow: the phase graph and what each phase move does, in one place.

    draft → framing → proposals → (supports) → instruction → voting → tally → council → answered

Forward, a campaign moves one phase at a time; the supports phase is skipped when the contract
has none. Backward, it may go to any earlier phase, with a written reason, until its results
went to the council (from then on the snapshot is final). A forward move first checks the
PRECONDITIONS of the phase entered, then, when an administrator's screen asks, the WARNINGS
they confirmed (things to regret, not to refuse), then records the transition, then runs the
STEPS of the phase entered, in order; a backward move checks the reason and runs no step.

Every way of moving a campaign goes through ``campaign_move``: the generic "next phase" and
"back" buttons, the council's sending (``council_send``), the answers' publication
(``council_answers_publish``), the demo loader. Steps are plain function calls written out
below, not signals: reading PRECONDITIONS, WARNINGS and STEPS tells the whole story.

This module sits at the top of votes/: it calls the council, the instruction and the answers;
none of them imports it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from budget.events import log_event
from votes.access import can_answer_for_council, is_administrator, require
from votes.campaigns.models import PHASE_ORDER, Campaign, Phase, PhaseTransition
from votes.campaigns.phases import PhaseError
from votes.council.answers import (
    PublishReport,
    answers_notify_published,
    missing_answers_problem,
    require_council_phase,
)
from votes.council.models import CouncilSnapshot
from votes.council.services import council_problems, snapshot_store
from votes.instruction.choices import InstructionStatus, InstructionValidation
from votes.instruction.publication import instruction_publish
from votes.notifications.sending import phase_opened_notify
from votes.proposals.models import Proposal
from votes.proposals.screening import supports_screen
from votes.voting.models import PollingStation, VotingCodeBatch

logger = logging.getLogger(__name__)


def _lock(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


def _phase_label(phase: str) -> str:
    return str(Phase(phase).label)


# --- the graph -------------------------------------------------------------------------------

# From these phases there is no way back: the results went to the council, and the snapshot
# it received is final.
NO_WAY_BACK_FROM = (Phase.COUNCIL, Phase.ANSWERED)


def next_phase(campaign: Campaign) -> str | None:
    """The phase after the current one; the supports phase is skipped when disabled."""
    index = campaign.phase_index + 1
    while index < len(PHASE_ORDER):
        phase = PHASE_ORDER[index]
        if phase != Phase.SUPPORTS or campaign.supports_enabled:
            return phase
        index += 1
    return None


def backward_phases(campaign: Campaign) -> list[str]:
    """The earlier phases the campaign may go back to (none once sent to the council)."""
    if campaign.phase in NO_WAY_BACK_FROM:
        return []
    return [
        phase
        for phase in PHASE_ORDER[: campaign.phase_index]
        if phase != Phase.SUPPORTS or campaign.supports_enabled
    ]


# --- what must hold before a forward move ----------------------------------------------------

# Each returns a French problem or None (or a list of problems). Adding one is one function
# and one line in PRECONDITIONS.
Precondition = Callable[[Campaign], str | list[str] | None]


def has_a_category(campaign: Campaign) -> str | None:
    if campaign.categories.exists():
        return None
    return _("Créez au moins une rubrique : les votants doivent savoir où iront leurs voix.")


def has_framing(campaign: Campaign) -> str | None:
    if campaign.framing.strip():
        return None
    return _(
        "Rédigez le contrat participatif (règles, engagements, calendrier) : il est publié "
        "dès la sortie du brouillon."
    )


def has_a_ballot(campaign: Campaign) -> str | None:
    if Proposal.objects.filter(campaign=campaign).on_ballot().exists():
        return None
    return _(
        "Aucune proposition n'est soumise au vote : il faut au moins une proposition publiée "
        "dont l'instruction est validée faisable par la direction des finances."
    )


def has_supports_threshold(campaign: Campaign) -> str | None:
    if campaign.supports_threshold:
        return None
    return _(
        "Fixez le seuil de soutiens dans les règles de la campagne : il est annoncé aux "
        "habitants et figé dès l'ouverture de la phase de soutiens."
    )


# By the phase entered, in the order of the graph.
PRECONDITIONS: dict[str, list[Precondition]] = {
    Phase.FRAMING: [has_a_category, has_framing],
    Phase.PROPOSALS: [],
    Phase.SUPPORTS: [has_supports_threshold],
    Phase.INSTRUCTION: [],
    Phase.VOTING: [has_a_ballot],
    Phase.TALLY: [],
    # Tally computed, selected proposals validated, stations and code batches closed.
    Phase.COUNCIL: [council_problems],
    # The council answered every proposal it received.
    Phase.ANSWERED: [missing_answers_problem],
}


def move_problems(campaign: Campaign, to_phase: str) -> list[str]:
    """What stops a forward move into to_phase (empty when nothing does); reads only."""
    problems: list[str] = []
    for check in PRECONDITIONS.get(to_phase, []):
        found = check(campaign)
        problems += [found] if isinstance(found, str) else (found or [])
    return problems


# --- what a forward move warns about ---------------------------------------------------------

# Unlike a precondition, a warning does not stop the move: it names what people would regret
# finding out afterwards (a proposal left off the ballot, paper ballots never entered) and
# the administrator moves on only after confirming that they read it.


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class PhaseWarning:
    """One thing to read before moving on, with a link to each thing it lists."""

    message: str
    links: tuple[Link, ...] = ()


MoveWarning = Callable[[Campaign], PhaseWarning | None]


def _instruction_link(proposal: Proposal) -> Link:
    url = reverse(
        "votes:instruction_detail",
        kwargs={"slug": proposal.campaign.slug, "reference": proposal.reference},
    )
    return Link(f"{proposal.public_reference} — {proposal.title}", url)


def _waiting_proposals(campaign: Campaign) -> list[Proposal]:
    return list(
        Proposal.objects.filter(campaign=campaign)
        .published()
        .select_related("campaign", "instruction")
        .order_by("reference")
    )


def proposals_not_instructed(campaign: Campaign) -> PhaseWarning | None:
    waiting = [
        proposal
        for proposal in _waiting_proposals(campaign)
        if not hasattr(proposal, "instruction")
        or proposal.instruction.status == InstructionStatus.TO_INSTRUCT
    ]
    if not waiting:
        return None
    return PhaseWarning(
        _(
            "%(count)s proposition(s) publiée(s) ne sont pas instruites : elles ne seront pas "
            "soumises au vote, et leurs auteurs l'apprendront à l'ouverture du vote."
        )
        % {"count": len(waiting)},
        tuple(_instruction_link(proposal) for proposal in waiting),
    )


def proposals_not_validated(campaign: Campaign) -> PhaseWarning | None:
    waiting = [
        proposal
        for proposal in _waiting_proposals(campaign)
        if hasattr(proposal, "instruction")
        and proposal.instruction.status != InstructionStatus.TO_INSTRUCT
        and proposal.instruction.validation != InstructionValidation.VALIDATED
    ]
    if not waiting:
        return None
    return PhaseWarning(
        _(
            "%(count)s proposition(s) sont instruites mais pas validées par la direction des "
            "finances : elles ne seront pas soumises au vote."
        )
        % {"count": len(waiting)},
        tuple(_instruction_link(proposal) for proposal in waiting),
    )


def stations_open(campaign: Campaign) -> PhaseWarning | None:
    stations = list(
        PollingStation.objects.filter(campaign=campaign, closed_at__isnull=True)
        .annotate(ballot_count=Count("ballots"))
        .order_by("name")
    )
    if not stations:
        return None
    return PhaseWarning(
        _(
            "%(count)s bureau(x) de vote papier ne sont pas clos : une fois le vote fermé, "
            "aucun bulletin papier ne pourra plus y être saisi."
        )
        % {"count": len(stations)},
        tuple(
            Link(
                _("%(name)s (%(ballots)s bulletin(s) saisi(s))")
                % {"name": station.name, "ballots": station.ballot_count},
                reverse("votes:station_close", kwargs={"pk": station.pk}),
            )
            for station in stations
        ),
    )


def code_batches_unused(campaign: Campaign) -> PhaseWarning | None:
    batches = list(
        VotingCodeBatch.objects.filter(
            campaign=campaign, closed_at__isnull=True, revoked_at__isnull=True
        )
        .annotate(unused=Count("codes", filter=Q(codes__used_at__isnull=True)))
        .filter(unused__gt=0)
        .order_by("label", "pk")
    )
    if not batches:
        return None
    url = reverse("votes:code_batches", kwargs={"slug": campaign.slug})
    links = []
    for batch in batches:
        if batch.printed_at is None:
            label = _("%(label)s : feuille jamais imprimée, %(unused)s code(s) non distribués")
        else:
            label = _("%(label)s : %(unused)s code(s) sur %(size)s n'ont pas voté")
        links.append(
            Link(label % {"label": batch.label, "unused": batch.unused, "size": batch.size}, url)
        )
    return PhaseWarning(
        _(
            "%(count)s lot(s) de codes de vote ont des codes qui n'ont pas servi : une fois le "
            "vote fermé, ils ne pourront plus voter."
        )
        % {"count": len(batches)},
        tuple(links),
    )


# By the phase entered: read by move_warnings, before the move and again under its lock.
WARNINGS: dict[str, list[MoveWarning]] = {
    # Opening the vote: what will not be on the ballot for want of an instruction.
    Phase.VOTING: [proposals_not_instructed, proposals_not_validated],
    # Closing the vote: paper ballots and codes that can no longer be cast.
    Phase.TALLY: [stations_open, code_batches_unused],
}


def move_warnings(campaign: Campaign, to_phase: str) -> list[PhaseWarning]:
    """What to read before a forward move into to_phase (empty when nothing); reads only."""
    return [found for check in WARNINGS.get(to_phase, []) if (found := check(campaign))]


def warnings_digest(warnings: list[PhaseWarning]) -> str:
    """What the confirmation button carries: the warnings the administrator read. Empty when
    there are none, so that a move without warnings runs at once."""
    if not warnings:
        return ""
    text = "\n".join(f"{w.message}|{'|'.join(link.url for link in w.links)}" for w in warnings)
    return hashlib.sha256(text.encode()).hexdigest()


class MoveWarnings(ValidationError):
    """A move not run: there are warnings the administrator has not confirmed (or they
    changed since they were read)."""

    def __init__(self, warnings: list[PhaseWarning]) -> None:
        super().__init__([w.message for w in warnings], code="warnings")
        self.warnings = warnings
        self.digest = warnings_digest(warnings)


# --- what a forward move runs ----------------------------------------------------------------


@dataclass
class Move:
    """A forward move just recorded, as its steps see it (the campaign row is locked)."""

    campaign: Campaign
    transition: PhaseTransition
    by: AbstractBaseUser
    site_url: str


Step = Callable[[Move], None]


def publish_instructions(move: Move) -> None:
    """The end of instruction makes the validated instructions public and tells each author
    (domain.md §2); publishing is idempotent, so a back-and-forth e-mails once."""
    instruction_publish(campaign=move.campaign, by=move.by, site_url=move.site_url)


def screen_by_supports(move: Move) -> None:
    """The end of the supports phase: proposals at or over the frozen threshold go on to the
    instruction, the others are marked not retained (proposals/screening.py). Once only: after
    a back-and-forth the services may already instruct what the first screening kept, and a
    second count must not take it from them."""
    if move.transition.from_phase != Phase.SUPPORTS:
        return
    earlier = PhaseTransition.objects.filter(
        campaign=move.campaign, from_phase=Phase.SUPPORTS, to_phase=Phase.INSTRUCTION
    ).exclude(pk=move.transition.pk)
    if earlier.exists():  # the same question as screening.screened, before this move
        return
    move.transition.screened = supports_screen(campaign=move.campaign)


def store_council_snapshot(move: Move) -> None:
    """Entering council stores the snapshot, whichever button got here: there is no council
    phase without the frozen results it answers (and the snapshot freezes the campaign)."""
    snapshot_store(campaign=move.campaign, by=move.by, now=move.transition.at)


def notify_answers(move: Move) -> None:
    """Publishing the answers tells the authors and the opted-in voters, whichever button got
    here (the answers screen or the generic next-phase one); the report rides on the
    transition for the screen that asked."""
    move.transition.notified = answers_notify_published(
        campaign=move.campaign, site_url=move.site_url
    )


def tell_followers(move: Move) -> None:
    """Those who follow the campaign (and still want it) get an e-mail: a phase is open; sent
    once the move is committed (votes/notifications/sending.py)."""
    phase_opened_notify(
        campaign=move.campaign, phase=move.transition.to_phase, site_url=move.site_url
    )


# By the phase entered, in the order of the graph; run in order, after the transition is
# recorded, inside the move's transaction.
STEPS: dict[str, list[Step]] = {
    Phase.FRAMING: [tell_followers],
    Phase.PROPOSALS: [tell_followers],
    Phase.SUPPORTS: [tell_followers],
    # Forward into instruction is out of supports when the contract has them.
    Phase.INSTRUCTION: [screen_by_supports, tell_followers],
    # Forward into voting is always out of instruction.
    Phase.VOTING: [publish_instructions, tell_followers],
    Phase.TALLY: [tell_followers],
    Phase.COUNCIL: [store_council_snapshot, tell_followers],
    Phase.ANSWERED: [notify_answers, tell_followers],
}


# --- the move --------------------------------------------------------------------------------


def _check_backward(campaign: Campaign, to_phase: str, reason: str) -> None:
    if campaign.phase in NO_WAY_BACK_FROM:
        raise ValidationError(
            _(
                "Les résultats ont été transmis au conseil : l'instantané est définitif, la "
                "campagne ne peut plus revenir à une phase antérieure."
            )
        )
    if not reason:
        raise ValidationError(
            _(
                "Revenir à une phase antérieure demande un motif écrit : il est conservé "
                "dans l'historique de la campagne."
            )
        )
    if to_phase == Phase.SUPPORTS and not campaign.supports_enabled:
        raise ValidationError(
            _("La phase de soutiens n'est pas prévue dans le contrat de cette campagne.")
        )


def _check_forward(campaign: Campaign, to_phase: str, warnings_read: str | None) -> None:
    expected = next_phase(campaign)
    if to_phase != expected:
        raise ValidationError(
            _(
                "Une campagne avance d'une phase à la fois : après « %(current)s » vient "
                "« %(next)s », pas « %(asked)s »."
            )
            % {
                "current": _phase_label(campaign.phase),
                "next": _phase_label(expected) if expected else "—",
                "asked": _phase_label(to_phase),
            }
        )
    problems = move_problems(campaign, to_phase)
    if problems:
        raise ValidationError(problems)
    if warnings_read is None:
        return
    warnings = move_warnings(campaign, to_phase)
    if warnings_digest(warnings) != warnings_read:
        raise MoveWarnings(warnings)


@transaction.atomic
def campaign_move(
    *,
    campaign: Campaign,
    to_phase: str,
    by: AbstractBaseUser,
    reason: str = "",
    site_url: str = "",
    warnings_read: str | None = None,
) -> PhaseTransition:
    """Move a campaign one phase forward, or back to any earlier phase with a written reason.

    `site_url` ("https://example.org/") makes the links of the steps' e-mails absolute.
    `warnings_read`: the administrator's screen passes the digest of the WARNINGS it showed
    ("" on a first click); the move raises MoveWarnings, writing nothing, unless it matches
    the warnings found under the lock. None (scripts, the demo, the council's sending) skips
    the warnings: nobody is there to read them.
    """
    # The council publishes its own answers (the move to `answered`); every other move is the
    # administrators'.
    require(
        is_administrator(by, campaign)
        or (to_phase == Phase.ANSWERED and can_answer_for_council(by, campaign))
    )
    if to_phase not in PHASE_ORDER:
        raise ValidationError(_("Phase inconnue : %(phase)s.") % {"phase": to_phase})
    # Locked: two administrators clicking "next phase" at once would otherwise both read the
    # same phase and both move it, skipping a phase (and recording two transitions).
    locked = _lock(campaign)
    current = locked.phase
    reason = reason.strip()
    if to_phase == current:
        raise ValidationError(
            _("La campagne est déjà en phase « %(phase)s ».") % {"phase": _phase_label(current)}
        )
    backward = PHASE_ORDER.index(to_phase) < PHASE_ORDER.index(current)
    if backward:
        _check_backward(locked, to_phase, reason)
    else:
        _check_forward(locked, to_phase, warnings_read)
    transition = PhaseTransition(
        campaign=locked, from_phase=current, to_phase=to_phase, by=by, reason=reason
    )
    transition.full_clean()
    locked.phase = to_phase
    locked.save(update_fields=["phase"])
    transition.save()
    log_event(
        logger,
        "phase_changed",
        campaign=locked.slug,
        from_phase=current,
        to_phase=to_phase,
        backward=backward,
        by=by.pk,
    )
    campaign.phase = to_phase
    if not backward:
        move = Move(
            campaign=locked,
            transition=transition,
            by=by,
            site_url=site_url or settings.SITE_URL,
        )
        for step in STEPS[to_phase]:
            step(move)
    return transition


# --- the named ways into council and answered ------------------------------------------------


@transaction.atomic
def council_send(*, campaign: Campaign, by: AbstractBaseUser) -> CouncilSnapshot:
    """Send the results to the council: check, store the snapshot, move to « council »."""
    require(is_administrator(by, campaign))
    # Locked: two administrators sending at once would both find no snapshot and both build
    # one and move the campaign (two snapshots, two transitions); the second waits here and
    # then finds the snapshot of the first.
    locked = _lock(campaign)
    sent = CouncilSnapshot.objects.filter(campaign_id=locked.pk).first()
    if sent is not None:
        raise ValidationError(
            _("Les résultats ont déjà été transmis au conseil le %(date)s.")
            % {"date": _local(sent.created_at)}
        )
    if locked.phase != Phase.TALLY:
        raise ValidationError(
            _(
                "Les résultats se transmettent au conseil depuis la phase « %(tally)s » ; la "
                "campagne est en phase « %(phase)s »."
            )
            % {"tally": Phase.TALLY.label, "phase": locked.get_phase_display()}
        )
    # campaign_move checks every precondition (all the failing reasons at once) and stores
    # the snapshot: the generic "next phase" button and this action are the same path.
    campaign_move(campaign=locked, to_phase=Phase.COUNCIL, by=by)
    campaign.phase = locked.phase
    return CouncilSnapshot.objects.get(campaign_id=locked.pk)


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y à %H:%M")


def council_answers_publish(
    *, campaign: Campaign, by: AbstractBaseUser, site_url: str = ""
) -> PublishReport:
    """Publish the answers: the campaign moves to ``answered``, then the authors and the
    voters who asked for it are told, once (a later back-and-forth e-mails nobody again).

    `site_url` ("https://example.org/") makes the links of the e-mails absolute.
    """
    require(can_answer_for_council(by, campaign))
    if campaign.phase == Phase.ANSWERED:
        raise PhaseError(
            _("Les avis de la campagne « %(campaign)s » sont déjà publiés.")
            % {"campaign": campaign.title}
        )
    require_council_phase(campaign)
    with transaction.atomic():
        # The move locks the campaign and checks PRECONDITIONS[answered] (every proposal
        # answered) under that lock: an answer cannot slip in or out between check and move.
        # The move itself e-mails the authors and voters (so the generic button does too).
        transition = campaign_move(
            campaign=campaign, to_phase=Phase.ANSWERED, by=by, site_url=site_url
        )
        return transition.notified
