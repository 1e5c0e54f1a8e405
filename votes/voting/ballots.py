"""Online ballots (§1 and §2 of the voting issue): eligibility, choices, receipts, turnout.

Every write re-checks the phase and the voter's eligibility, so a ballot stays editable exactly
until the administrator closes the vote. The caps themselves live in votes.ballot_rules, shared
with the voting codes and the paper ballots.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from budget.events import log_event
from votes.campaigns.freeze import require_not_frozen
from votes.campaigns.models import Campaign, Category
from votes.campaigns.phases import require_phase
from votes.proposals.models import Proposal
from votes.voting.models import Ballot, BallotLine, PaperVoter
from votes.voting.rules import CategoryRule, Choice, addition_problem

logger = logging.getLogger(__name__)

# Receipts: no 0/O, 1/I/L, 5/S look-alikes, so a receipt copied by hand is read back right.
RECEIPT_ALPHABET = "2346789ABCDEFGHJKMNPQRTUVWXYZ"
RECEIPT_LENGTH = 12
RECEIPT_GROUP = 4
_RECEIPT_ATTEMPTS = 5


# --------------------------------------------------------------------------------------------
# Eligibility
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ineligibility:
    """Why a user cannot vote online, with a code the screens use to say what to do."""

    code: str  # "phase", "profile", "email", "territory", "age" or "paper"
    message: str


def voting_year() -> int:
    """The year the vote takes place: the minimum age is reached "dans l'année"."""
    return timezone.localdate().year


def voter_ineligibility(*, campaign: Campaign, user: AbstractBaseUser) -> Ineligibility | None:
    """The first reason `user` cannot vote online in `campaign`, or None (reads only).

    Age rule, as for most French participatory budgets: one may vote in the year one turns the
    campaign's minimum age ("16 ans dans l'année"), i.e. voting year − birth year ≥ minimum
    age; only the birth year is collected, so the exact birthday cannot be checked.
    """
    try:
        require_phase(campaign, "vote")
    except ValidationError as error:
        return Ineligibility("phase", " ".join(error.messages))
    try:
        profile = user.profile
    except ObjectDoesNotExist:
        return Ineligibility(
            "profile",
            _(
                "Ce compte n'a pas de profil d'habitant (commune, année de naissance) : créez un "
                "compte citoyen pour voter."
            ),
        )
    if not profile.email_confirmed:
        return Ineligibility(
            "email",
            _(
                "Votre adresse e-mail n'est pas encore confirmée : cliquez sur le lien reçu par "
                "e-mail (ou demandez-en un nouveau) pour pouvoir voter."
            ),
        )
    authority = campaign.authority
    if profile.outside_territory:
        return Ineligibility(
            "territory",
            _(
                "Vous avez déclaré habiter hors du territoire de %(authority)s : seuls ses "
                "habitants votent. Si vous y habitez, indiquez votre commune dans « Mes données »."
            )
            % {"authority": authority.name},
        )
    if profile.commune.authority_id != campaign.authority_id:
        return Ineligibility(
            "territory",
            _(
                "Votre commune, %(commune)s, ne fait pas partie du territoire de %(authority)s : "
                "seuls ses habitants votent. Si vous avez déménagé, corrigez votre commune dans "
                "« Mes données »."
            )
            % {"commune": profile.commune.name, "authority": authority.name},
        )
    year = voting_year()
    if year - profile.birth_year < campaign.min_voter_age:
        return Ineligibility(
            "age",
            _(
                "Le vote est ouvert à partir de %(age)s ans (dans l'année %(year)s) : avec une "
                "naissance en %(birth)s, vous pourrez voter à partir de %(first)s."
            )
            % {
                "age": campaign.min_voter_age,
                "year": year,
                "birth": profile.birth_year,
                "first": profile.birth_year + campaign.min_voter_age,
            },
        )
    paper = (
        PaperVoter.objects.filter(campaign=campaign, user=user).select_related("station").first()
    )
    if paper is not None:
        return Ineligibility(
            "paper",
            _(
                "Vous avez déjà voté sur papier au bureau « %(station)s » : on ne vote qu'une "
                "fois, vous ne pouvez plus voter en ligne."
            )
            % {"station": paper.station.name},
        )
    return None


def _require_eligible(*, campaign: Campaign, user: AbstractBaseUser) -> None:
    problem = voter_ineligibility(campaign=campaign, user=user)
    if problem is not None:
        raise ValidationError(problem.message, code=problem.code)


def campaign_held_open(campaign: Campaign) -> Campaign:
    """The campaign as it is now, held in its phase until this transaction ends.

    The administrator's closing of the vote (campaign_move) locks the campaign row FOR UPDATE:
    with FOR KEY SHARE here, closing waits for the ballots being written, and a ballot written
    after the closing sees the phase « Dépouillement ». FOR KEY SHARE locks do not conflict with
    each other, so voters do not wait for one another.
    """
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Campaign._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT phase FROM {table} WHERE id = %s FOR KEY SHARE", [campaign.pk])
            (phase,) = cursor.fetchone()
    else:
        # SQLite writes one transaction at a time: the read below cannot be overtaken.
        phase = Campaign.objects.values_list("phase", flat=True).get(pk=campaign.pk)
    campaign.phase = phase
    return campaign


# --------------------------------------------------------------------------------------------
# Receipts
# --------------------------------------------------------------------------------------------


def new_receipt() -> str:
    """A random receipt, grouped for reading: `K7QM-3XHT-9WPD` (about 58 bits)."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return format_receipt(raw)


def format_receipt(raw: str) -> str:
    return "-".join(raw[i : i + RECEIPT_GROUP] for i in range(0, len(raw), RECEIPT_GROUP))


def normalise_receipt(text: str) -> str | None:
    """A receipt as typed (any case, with or without dashes or spaces), or None if malformed.

    Every channel (online, voting code) draws its receipts from `new_receipt`.
    """
    raw = re.sub(r"[\s\-–—.]", "", text or "").upper()
    if len(raw) != RECEIPT_LENGTH or any(c not in RECEIPT_ALPHABET for c in raw):
        return None
    return format_receipt(raw)


# --------------------------------------------------------------------------------------------
# The ballot
# --------------------------------------------------------------------------------------------


def ballot_of(*, campaign: Campaign, user: AbstractBaseUser) -> Ballot | None:
    """The user's online ballot in the campaign if there is one (reads only, for the screens)."""
    if not user.is_authenticated:
        return None
    return Ballot.objects.filter(campaign=campaign, voter=user).first()


@transaction.atomic
def ballot_for(*, campaign: Campaign, user: AbstractBaseUser) -> Ballot:
    """The user's online ballot in the campaign, created with its receipt on first use."""
    require_not_frozen(campaign)
    campaign_held_open(campaign)
    _require_eligible(campaign=campaign, user=user)
    for _attempt in range(_RECEIPT_ATTEMPTS):
        existing = Ballot.objects.filter(campaign=campaign, voter=user).first()
        if existing is not None:
            return existing
        try:
            # Two first clicks at the same instant both find no ballot: the unique constraint
            # (campaign, voter) lets one insert through; the other fails here and reads it.
            with transaction.atomic():
                return Ballot.objects.create(
                    campaign=campaign,
                    channel=Ballot.Channel.ONLINE,
                    voter=user,
                    receipt=new_receipt(),
                )
        except IntegrityError:
            # Either the other request's ballot (read on the next turn) or, once in 10^17, a
            # receipt drawn twice (a new one is drawn on the next turn).
            continue
    raise RuntimeError("no ballot after repeated unique-constraint conflicts")


def category_rules(campaign: Campaign) -> dict[int, CategoryRule]:
    return {
        category.pk: CategoryRule(
            id=category.pk,
            name=category.name,
            cap=category.vote_cap,
            knapsack=category.knapsack,
            envelope=category.envelope,
            minimum=category.min_votes,
        )
        for category in Category.objects.filter(campaign=campaign)
    }


def proposal_cost(proposal: Proposal) -> Decimal:
    """What a choice weighs in knapsack mode: the instructed amount, else the author's estimate."""
    try:
        instruction = proposal.instruction
    except ObjectDoesNotExist:
        instruction = None
    if instruction is not None:
        amount = (
            instruction.instructed_saving
            if proposal.kind == Proposal.Kind.SAVING
            else instruction.instructed_cost
        )
        if amount is not None:
            return amount
    return proposal.estimate if proposal.estimate is not None else Decimal("0")


def _choice(proposal: Proposal) -> Choice:
    return Choice(
        reference=proposal.reference,
        category_id=proposal.category_id,
        cost=proposal_cost(proposal),
    )


def ballot_choices(ballot: Ballot) -> list[Choice]:
    lines = ballot.lines.select_related("proposal__instruction")
    return [_choice(line.proposal) for line in lines]


@transaction.atomic
def ballot_add(*, campaign: Campaign, user: AbstractBaseUser, proposal: Proposal) -> Ballot:
    """Add `proposal` to the user's ballot, within every cap of the campaign."""
    require_not_frozen(campaign)
    ballot = ballot_for(campaign=campaign, user=user)
    # Two clicks at once would both count the lines before either writes and both pass the
    # cap check: the row lock makes the second one wait, then count the first one's line.
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    on_ballot = (
        Proposal.objects.on_ballot()
        .filter(campaign=campaign, pk=proposal.pk)
        .select_related("instruction")
        .first()
    )
    if on_ballot is None:
        raise ValidationError(
            _(
                "La proposition %(reference)s n'est pas soumise au vote : seules les propositions "
                "jugées faisables par les services sont sur le bulletin."
            )
            % {"reference": proposal.public_reference},
            code="not_on_ballot",
        )
    problem = addition_problem(
        current=ballot_choices(ballot),
        new=_choice(on_ballot),
        categories=category_rules(campaign),
        max_categories=campaign.max_categories_per_voter,
    )
    if problem is not None:
        raise ValidationError(problem, code="rule")
    try:
        # The last line of defence if the lock were ever bypassed: one line per proposal.
        with transaction.atomic():
            BallotLine.objects.create(
                ballot=ballot, proposal=on_ballot, category_id=on_ballot.category_id
            )
    except IntegrityError:
        raise ValidationError(
            _("Cette proposition est déjà dans votre bulletin."), code="duplicate"
        ) from None
    ballot.save(update_fields=["updated_at"])
    log_event(
        logger,
        "vote_recorded",
        campaign=campaign.slug,
        channel="online",
        action="add",
        proposal=on_ballot.reference,
    )
    return ballot


@transaction.atomic
def ballot_remove(*, campaign: Campaign, user: AbstractBaseUser, proposal: Proposal) -> Ballot:
    """Take `proposal` off the user's ballot (until the vote closes)."""
    require_not_frozen(campaign)
    campaign_held_open(campaign)
    _require_eligible(campaign=campaign, user=user)
    # Locked like an addition, so a removal and an addition in flight are counted one by one.
    ballot = Ballot.objects.select_for_update().filter(campaign=campaign, voter=user).first()
    deleted = 0
    if ballot is not None:
        deleted, _detail = BallotLine.objects.filter(ballot=ballot, proposal=proposal).delete()
    if not deleted:
        raise ValidationError(
            _("La proposition %(reference)s n'est pas dans votre bulletin.")
            % {"reference": proposal.public_reference},
            code="absent",
        )
    ballot.save(update_fields=["updated_at"])
    log_event(
        logger,
        "vote_recorded",
        campaign=campaign.slug,
        channel="online",
        action="remove",
        proposal=proposal.reference,
    )
    return ballot


# --------------------------------------------------------------------------------------------
# Receipts and turnout (what may be public while the vote is open)
# --------------------------------------------------------------------------------------------


def ballot_check_receipt(*, campaign: Campaign, receipt: str) -> int | None:
    """How many choices the ballot with this receipt holds, or None for an unknown receipt.

    Only the number of choices: a receipt proves a ballot was counted, never what it says.
    """
    normalised = normalise_receipt(receipt)
    if normalised is None:
        return None
    found = (
        Ballot.objects.filter(campaign=campaign, receipt=normalised)
        .annotate(choices=Count("lines"))
        .values_list("choices", flat=True)
        .first()
    )
    return found


def counted_ballots(campaign: Campaign):
    """The ballots that count as participation: with at least one choice, or void on paper."""
    has_choice = Exists(BallotLine.objects.filter(ballot=OuterRef("pk")))
    return Ballot.objects.filter(campaign=campaign).filter(has_choice | Q(is_void=True))


def ballot_turnout(campaign: Campaign) -> dict[str, int]:
    """Participation by channel, for the team while the vote is open (no per-proposal count).

    Keys: one per Ballot.Channel value, "void" (void paper ballots, included in "paper") and
    "total". An online ballot whose choices were all removed is not counted.
    """
    by_channel: dict[str, int] = dict.fromkeys(Ballot.Channel.values, 0)
    rows = counted_ballots(campaign).values("channel").annotate(n=Count("pk")).order_by()
    for row in rows:
        by_channel[row["channel"]] = row["n"]
    void = campaign.ballots.void().count()
    return {**by_channel, "void": void, "total": sum(by_channel.values())}


def choices_by_category(ballot: Ballot | None, campaign: Campaign) -> dict[int, list[Proposal]]:
    """The proposals of a ballot, per category id, in reference order (for the screens)."""
    chosen: dict[int, list[Proposal]] = {c.pk: [] for c in campaign.categories.all()}
    if ballot is None:
        return chosen
    lines: Iterable[BallotLine] = ballot.lines.select_related(
        "proposal__instruction", "proposal__campaign"
    ).order_by("proposal__reference")
    for line in lines:
        chosen.setdefault(line.category_id, []).append(line.proposal)
    return chosen
