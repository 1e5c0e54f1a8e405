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

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from budget.events import log_event
from votes.accounts.models import Profile
from votes.campaigns.freeze import frozen_error
from votes.campaigns.models import Campaign, Category
from votes.campaigns.phases import require_phase
from votes.census.models import CensusEntry, CensusList
from votes.census.services import census_online_vote, voted_elsewhere_message
from votes.notifications.sending import vote_recorded_notify
from votes.proposals.models import Proposal
from votes.voting.models import Ballot, BallotLine, PaperVoter
from votes.voting.rules import CategoryRule, Choice, addition_problem
from votes.voting.shared import category_open_to, resides_in

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

    code: str  # "phase", "profile", "email", "territory", "age", "census" or "paper"
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
    return _eligibility(campaign, user)[0]


def _eligibility(campaign: Campaign, user: AbstractBaseUser) -> tuple[Ineligibility | None, bool]:
    """voter_ineligibility, and whether the account has an entry on the campaign's census list
    (votes/census/), so that the first choice marks it without a query when there is none.
    """
    try:
        require_phase(campaign, "vote")
    except ValidationError as error:
        return Ineligibility("phase", " ".join(error.messages)), False
    # One read for the profile, its commune and the paper register: every click on the ballot
    # goes through here.
    paper_station = PaperVoter.objects.filter(campaign=campaign, user=user).values("station__name")
    # The census: whether the campaign asks for it, and the account's entry (None: not
    # verified; "": verified, not voted yet; else the channel it voted through).
    census_channel = CensusEntry.objects.filter(campaign=campaign, verified_user=user)
    profile = (
        Profile.objects.filter(user=user)
        .select_related("commune")
        .annotate(
            paper_station=Subquery(paper_station[:1]),
            census_required=Exists(CensusList.objects.filter(campaign=campaign, required=True)),
            census_channel=Subquery(census_channel.values("channel")[:1]),
        )
        .first()
    )
    has_entry = profile is not None and profile.census_channel is not None
    return _profile_ineligibility(campaign, profile), has_entry


def _profile_ineligibility(campaign: Campaign, profile: Profile | None) -> Ineligibility | None:
    if profile is None:
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
    if not resides_in(commune=profile.commune, authority=authority):
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
    if profile.census_channel in (CensusEntry.Channel.PAPER, CensusEntry.Channel.CODE):
        return Ineligibility("paper", voted_elsewhere_message(profile.census_channel))
    if profile.census_required and profile.census_channel is None:
        return Ineligibility(
            "census",
            _(
                "Ce vote est réservé aux personnes inscrites sur la liste de la campagne : "
                "vérifiez une fois votre inscription (nom, prénoms, date de naissance, code "
                "postal) pour pouvoir voter."
            ),
        )
    if profile.paper_station is not None:
        return Ineligibility(
            "paper",
            _(
                "Vous avez déjà voté sur papier au bureau « %(station)s » : on ne vote qu'une "
                "fois, vous ne pouvez plus voter en ligne."
            )
            % {"station": profile.paper_station},
        )
    return None


def _require_eligible(*, campaign: Campaign, user: AbstractBaseUser) -> bool:
    """Refuses an ineligible voter; True when the account has a census entry to mark."""
    problem, census_entry = _eligibility(campaign, user)
    if problem is not None:
        raise ValidationError(problem.message, code=problem.code)
    return census_entry


def _held_state(campaign: Campaign, *, voter: AbstractBaseUser | None = None) -> tuple[str, bool]:
    """The campaign's phase and whether it is frozen, held until this transaction ends; with
    `voter`, the voter's account row locked too, in the same read (every click pays it).

    The administrator's closing of the vote (campaign_move) and the sending to the council
    lock the campaign row FOR UPDATE: with FOR KEY SHARE here, they wait for the ballots being
    written, and a ballot written after them sees the new phase or the freeze. FOR KEY SHARE
    locks do not conflict with each other, so voters do not wait for one another. The freeze
    is votes.campaigns.freeze.is_frozen, inlined.

    The account row, FOR NO KEY UPDATE, is the one lock of a person's vote: two clicks of one
    voter (two tabs) wait for each other, so the second counts the first one's line and the
    caps stay exact; a paper registration of the same person (paper._lock_person, FOR UPDATE)
    waits too, and whichever comes second sees the other. Not the ballot row: the first click
    has none to lock, and the foreign keys of its insert are only checked at commit.
    """
    snapshot = Campaign._meta.get_field("council_snapshot")
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        table = quote(Campaign._meta.db_table)
        snapshots = quote(snapshot.related_model._meta.db_table)
        column = quote(snapshot.field.column)
        sql = (
            f"SELECT c.phase, EXISTS (SELECT 1 FROM {snapshots} s WHERE s.{column} = c.id) "
            f"FROM {table} c"
        )
        params = [campaign.pk]
        if voter is None:
            sql += " WHERE c.id = %s FOR KEY SHARE OF c"
        else:
            users = quote(get_user_model()._meta.db_table)
            sql += (
                f" CROSS JOIN {users} u WHERE c.id = %s AND u.id = %s"
                " FOR KEY SHARE OF c FOR NO KEY UPDATE OF u"
            )
            params.append(voter.pk)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:  # the account deleted meanwhile
            raise PermissionDenied
        return row
    # SQLite writes one transaction at a time (BEGIN IMMEDIATE): the read cannot be overtaken.
    frozen = Exists(snapshot.related_model.objects.filter(**{snapshot.field.name: OuterRef("pk")}))
    return (
        Campaign.objects.filter(pk=campaign.pk)
        .annotate(frozen=frozen)
        .values_list("phase", "frozen")
        .get()
    )


def campaign_held_open(campaign: Campaign) -> Campaign:
    """The campaign as it is now, held in its phase until this transaction ends."""
    campaign.phase, _frozen = _held_state(campaign)
    return campaign


def campaign_held_for_voter(campaign: Campaign, voter: AbstractBaseUser) -> Campaign:
    """campaign_held_open with the voter's account locked, refusing a frozen campaign."""
    campaign.phase, frozen = _held_state(campaign, voter=voter)
    if frozen:
        raise frozen_error(campaign)
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


def _voter_ballot(
    campaign: Campaign, user: AbstractBaseUser, *, create: bool
) -> tuple[Ballot | None, bool]:
    """The user's online ballot and whether it is new; call with the account locked
    (campaign_held_for_voter), so that no other click of the same voter creates it meanwhile.
    """
    ballot = Ballot.objects.filter(campaign=campaign, voter=user).first()
    if ballot is not None or not create:
        return ballot, False
    try:
        # No savepoint: on a failure the refusal leaves the caller's transaction, which is
        # rolled back. Under the lock only a receipt drawn twice (once in 10^17) fails here.
        ballot = Ballot.objects.create(
            campaign=campaign, channel=Ballot.Channel.ONLINE, voter=user, receipt=new_receipt()
        )
    except IntegrityError:
        raise ValidationError(
            _("Votre bulletin n'a pas pu être créé : réessayez dans un instant."), code="retry"
        ) from None
    return ballot, True


@transaction.atomic
def ballot_for(*, campaign: Campaign, user: AbstractBaseUser) -> Ballot:
    """The user's online ballot in the campaign, created with its receipt on first use."""
    campaign_held_for_voter(campaign, user)
    # Checked under the lock, so that a paper registration committed meanwhile is seen.
    _require_eligible(campaign=campaign, user=user)
    ballot, _created = _voter_ballot(campaign, user, create=True)
    return ballot


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


def category_rule(category: Category) -> CategoryRule:
    return CategoryRule(
        id=category.pk,
        name=category.name,
        cap=category.vote_cap,
        knapsack=category.knapsack,
        envelope=category.envelope,
        minimum=category.min_votes,
    )


def _not_on_ballot(proposal: Proposal) -> ValidationError:
    return ValidationError(
        _(
            "La proposition %(reference)s n'est pas soumise au vote : seules les propositions "
            "jugées faisables par les services sont sur le bulletin."
        )
        % {"reference": proposal.public_reference},
        code="not_on_ballot",
    )


@transaction.atomic
def ballot_add(*, campaign: Campaign, user: AbstractBaseUser, proposal: Proposal) -> Ballot:
    """Add `proposal` to the user's ballot, within every cap of the campaign.

    The ballot returned carries `choices`, every choice on it after the addition, so that the
    screens show the counters without reading the lines again.
    """
    campaign_held_for_voter(campaign, user)
    census_entry = _require_eligible(campaign=campaign, user=user)
    ballot, created = _voter_ballot(campaign, user, create=True)
    # One read for the proposal (is it on the ballot, what does it cost, its category's rule)
    # and for the choices already made (none on a new ballot).
    lines = BallotLine.objects.filter(ballot=ballot)
    wanted = Q(pk=proposal.pk)
    if not created:
        wanted |= Q(pk__in=lines.values("proposal_id"))
    listed = Proposal.objects.on_ballot().filter(campaign=campaign, pk=OuterRef("pk"))
    rows = (
        Proposal.objects.filter(wanted)
        .annotate(listed=Exists(listed), chosen=Exists(lines.filter(proposal=OuterRef("pk"))))
        .select_related("instruction", "category")
    )
    new = None
    current: list[Choice] = []
    for row in rows:
        if row.chosen:
            current.append(_choice(row))
        if row.pk == proposal.pk:
            new = row
    if new is None or not new.listed:
        raise _not_on_ballot(proposal)
    choice = _choice(new)
    problem = addition_problem(
        current=current,
        new=choice,
        categories={new.category_id: category_rule(new.category)},
        max_categories=campaign.max_categories_per_voter,
    )
    if problem is None:
        # A shared campaign of an EPCI: the whole territory's categories and one's commune's.
        problem = category_open_to(voter=user, category=new.category)
    if problem is not None:
        raise ValidationError(problem, code="rule")
    if census_entry and not current:
        # The first choice is the vote: the census entry is marked (under its row lock, which
        # a paper registration of the same person takes too; a verification meanwhile waits
        # for the account row locked above).
        census_online_vote(campaign=campaign, user=user)
    try:
        # The last line of defence if the lock were ever bypassed: one line per proposal. No
        # savepoint: the refusal leaves this function, whose transaction is rolled back.
        BallotLine.objects.create(ballot=ballot, proposal=new, category_id=new.category_id)
    except IntegrityError:
        raise ValidationError(
            _("Cette proposition est déjà dans votre bulletin."), code="duplicate"
        ) from None
    if not created:
        ballot.save(update_fields=["updated_at"])
    else:
        # The first choice records the ballot: the voter is told (never what they chose).
        vote_recorded_notify(user=user, campaign=campaign)
    log_event(
        logger,
        "vote_recorded",
        campaign=campaign.slug,
        channel="online",
        action="add",
        proposal=new.reference,
    )
    ballot.choices = [*current, choice]
    return ballot


@transaction.atomic
def ballot_remove(*, campaign: Campaign, user: AbstractBaseUser, proposal: Proposal) -> Ballot:
    """Take `proposal` off the user's ballot (until the vote closes).

    The ballot returned carries `choices`, as with ballot_add.
    """
    # Locked like an addition, so a removal and an addition in flight are counted one by one.
    campaign_held_for_voter(campaign, user)
    _require_eligible(campaign=campaign, user=user)
    ballot, _created = _voter_ballot(campaign, user, create=False)
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
    ballot.choices = ballot_choices(ballot)
    return ballot


def category_tally(choices: Iterable[Choice], category: Category) -> tuple[int, Decimal]:
    """How many of the choices are in `category`, and what they cost together."""
    mine = [c for c in choices if c.category_id == category.pk]
    return len(mine), sum((c.cost for c in mine), Decimal("0"))


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
