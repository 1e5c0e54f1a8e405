"""Voting codes (meinBerlin-style): batches of single-use codes for people without an account.

Only HMAC-SHA256(batch salt, normalised code) is kept for good: the plain codes live in the
database only until their sheet is produced, once (a lost sheet means revoke and regenerate).
A code opens an anonymous ballot, checked by the same rules as every other channel
(votes.ballot_rules.choice_problems) and written only when the voter confirms it.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budget.events import log_event
from votes.access import is_facilitator, require
from votes.campaigns.freeze import require_not_frozen
from votes.campaigns.models import Campaign, Phase
from votes.campaigns.phases import require_phase
from votes.census.models import CensusEntry
from votes.census.services import (
    census_entry_held,
    census_required,
    census_vote_mark,
    mismatch_message,
)
from votes.proposals.models import Proposal
from votes.voting.ballots import campaign_held_open, new_receipt, proposal_cost
from votes.voting.models import Ballot, BallotLine, PaperVoter, VotingCode, VotingCodeBatch
from votes.voting.rules import CategoryRule, Choice, choice_problems

logger = logging.getLogger(__name__)

User = AbstractBaseUser | AnonymousUser

# No look-alikes: 0/O/Q-less-O, 1/I/L, 5/S, 2/Z, 8/B, 6/G, U/V are left out, so a code read
# aloud or copied by hand has one reading. 22 symbols ** 12 ≈ 2^53.5: guessing one of
# 100,000 live codes takes about 10^11 tries on average.
ALPHABET = "34679ACDEFHJKMNPQRTWXY"
CODE_LENGTH = 12
GROUP = 4
MAX_BATCH_SIZE = 100_000
BULK_SIZE = 5_000
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015._]+")


# --- pure helpers ----------------------------------------------------------------------------


# Bytes at or above this limit are dropped so that `byte % 22` stays uniform.
_BYTE_LIMIT = 256 - 256 % len(ALPHABET)


def new_codes(count: int) -> list[str]:
    """`count` random codes, normalised (12 symbols, no separators).

    One call to the OS random source per round rather than one secrets.choice per symbol:
    100,000 codes take 0.1 s instead of 1.7 s.
    """
    codes: list[str] = []
    while len(codes) < count:
        missing = count - len(codes)
        # About 5 % of bytes are rejected; asking for 10 % more usually ends in one round.
        raw = secrets.token_bytes(CODE_LENGTH * missing * 11 // 10 + CODE_LENGTH)
        symbols = [ALPHABET[byte % len(ALPHABET)] for byte in raw if byte < _BYTE_LIMIT]
        usable = min(missing, len(symbols) // CODE_LENGTH)
        codes += ["".join(symbols[i * CODE_LENGTH : (i + 1) * CODE_LENGTH]) for i in range(usable)]
    return codes


def new_code() -> str:
    return new_codes(1)[0]


def format_code(code: str) -> str:
    """K7QM3XHT9WPD → K7QM-3XHT-9WPD (read and typed in groups of four)."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalise_code(raw: str) -> str:
    """What the voter typed, without spaces or dashes, in capitals."""
    return _SEPARATORS.sub("", raw or "").upper()


def code_format_problem(code: str) -> str | None:
    """Why a normalised code cannot be a voting code (None when it could be one)."""
    if not code:
        return _("Saisissez le code de vote imprimé sur votre carte.")
    if len(code) != CODE_LENGTH:
        return _(
            "Un code de vote a %(length)s caractères (sans compter les tirets), par exemple "
            "K7QM-3XHT-9WPD ; vous en avez saisi %(count)s."
        ) % {"length": CODE_LENGTH, "count": len(code)}
    foreign = sorted({c for c in code if c not in ALPHABET})
    if foreign:
        return _(
            "Les codes de vote ne contiennent jamais %(chars)s : vérifiez la lecture de votre "
            "carte (par exemple, un O est en fait un Q ou un D)."
        ) % {"chars": ", ".join(f"« {c} »" for c in foreign)}
    return None


def code_hash(salt: str, code: str) -> str:
    return hmac.new(salt.encode(), code.encode(), hashlib.sha256).hexdigest()


# --- the ballot's rules, read from the database ----------------------------------------------


@dataclass(frozen=True)
class BallotItem:
    """A proposal on the ballot, as a voter or an officer picks it."""

    proposal: Proposal
    choice: Choice


def ballot_rules(campaign: Campaign) -> dict[int, CategoryRule]:
    return {
        category.pk: CategoryRule(
            id=category.pk,
            name=category.name,
            cap=category.vote_cap,
            knapsack=category.knapsack,
            envelope=category.envelope,
            minimum=category.min_votes,
        )
        for category in campaign.categories.all()
    }


def ballot_items(campaign: Campaign) -> dict[int, BallotItem]:
    """Reference → the proposal on the ballot (validated feasible, published)."""
    proposals = (
        Proposal.objects.on_ballot()
        .filter(campaign=campaign)
        .select_related("category", "instruction")
        .order_by("category__position", "category_id", "reference")
    )
    # proposal_cost is the online ballot's: every channel weighs a choice the same way.
    return {
        proposal.reference: BallotItem(
            proposal=proposal,
            choice=Choice(
                reference=proposal.reference,
                category_id=proposal.category_id,
                cost=proposal_cost(proposal),
            ),
        )
        for proposal in proposals
    }


def selection_problems(
    *, campaign: Campaign, references: Sequence[int], items: dict[int, BallotItem] | None = None
) -> list[str]:
    """Every reason a selection cannot be a valid ballot of this campaign, in French."""
    items = ballot_items(campaign) if items is None else items
    problems = []
    unknown = [ref for ref in references if ref not in items]
    if unknown:
        problems.append(
            _("Ces références ne sont pas sur le bulletin : %(refs)s.")
            % {"refs": ", ".join(f"P-{ref:04d}" for ref in unknown)}
        )
    problems += choice_problems(
        choices=[items[ref].choice for ref in references if ref in items],
        categories=ballot_rules(campaign),
        max_categories=campaign.max_categories_per_voter,
    )
    return problems


# --- batches ---------------------------------------------------------------------------------


def _require_before_tally(campaign: Campaign) -> None:
    if campaign.reached(Phase.TALLY):
        raise ValidationError(
            _(
                "Le vote de « %(campaign)s » est clos : on ne peut plus générer ni révoquer de "
                "codes de vote."
            )
            % {"campaign": campaign.title}
        )


@transaction.atomic
def code_batch_create(
    *, campaign: Campaign, label: str, size: int, by: User
) -> tuple[VotingCodeBatch, list[str]]:
    """A batch of `size` single-use codes; returns the plain codes (formatted) too."""
    require_not_frozen(campaign)
    require(is_facilitator(by, campaign))
    _require_before_tally(campaign)
    label = (label or "").strip()
    errors: dict[str, list[str]] = {}
    if not label:
        errors["label"] = [_("Donnez un libellé au lot (atelier, bureau de vote…).")]
    if not isinstance(size, int) or not 1 <= size <= MAX_BATCH_SIZE:
        errors["size"] = [
            _("Un lot compte de 1 à %(max)s codes.")
            % {"max": f"{MAX_BATCH_SIZE:,}".replace(",", " ")}
        ]
    if errors:
        raise ValidationError(errors)
    salt = secrets.token_hex(32)
    batch = VotingCodeBatch.objects.create(
        campaign=campaign, label=label, size=size, salt=salt, created_by=by
    )
    # Duplicates within a batch are astronomically rare (2^53 codes) but would break the
    # unique hash: draw again until the batch has `size` distinct codes.
    codes: set[str] = set()
    while len(codes) < size:
        codes.update(new_codes(size - len(codes)))
    ordered = list(codes)
    rows = (
        VotingCode(batch=batch, code_hash=code_hash(salt, code), plain=code) for code in ordered
    )
    VotingCode.objects.bulk_create(rows, batch_size=BULK_SIZE)
    return batch, [format_code(code) for code in ordered]


def batches_with_counts(campaign: Campaign) -> QuerySet[VotingCodeBatch]:
    return (
        VotingCodeBatch.objects.filter(campaign=campaign)
        .select_related("created_by")
        .annotate(
            used=Count("codes", filter=Q(codes__used_at__isnull=False)),
            unused=Count("codes", filter=Q(codes__used_at__isnull=True)),
        )
        .order_by("-created_at", "-pk")
    )


@transaction.atomic
def code_sheet_produce(*, batch: VotingCodeBatch, by: User) -> list[str]:
    """The plain codes, formatted, exactly once: they are wiped from the database here."""
    require_not_frozen(batch.campaign)
    require(is_facilitator(by, batch))
    # Lock the batch: two clicks on "print" at once must not both read the plain codes.
    batch = VotingCodeBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.revoked_at is not None:
        raise ValidationError(_("Ce lot est révoqué : ses codes ne peuvent plus être imprimés."))
    if batch.closed_at is not None:
        raise ValidationError(_("Ce lot est clos : ses codes ne peuvent plus être imprimés."))
    if batch.printed_at is not None:
        raise ValidationError(
            _("Déjà imprimé le %(date)s : révoquez le lot et générez-en un autre.")
            % {"date": timezone.localtime(batch.printed_at).strftime("%d/%m/%Y %H:%M")}
        )
    plain = list(batch.codes.order_by("pk").values_list("plain", flat=True))
    batch.codes.update(plain="")
    batch.printed_at = timezone.now()
    batch.save(update_fields=["printed_at"])
    return [format_code(code) for code in plain]


@transaction.atomic
def code_batch_revoke(*, batch: VotingCodeBatch, by: User) -> VotingCodeBatch:
    """Unused codes of the batch stop working; ballots already cast with it still count."""
    require_not_frozen(batch.campaign)
    require(is_facilitator(by, batch))
    batch = VotingCodeBatch.objects.select_for_update().select_related("campaign").get(pk=batch.pk)
    _require_before_tally(batch.campaign)
    if batch.revoked_at is not None:
        raise ValidationError(_("Ce lot est déjà révoqué."))
    batch.revoked_at = timezone.now()
    batch.save(update_fields=["revoked_at"])
    # A revoked batch's codes must not be printable either.
    batch.codes.exclude(plain="").update(plain="")
    return batch


# --- voting with a code ----------------------------------------------------------------------

UNKNOWN_CODE = gettext_lazy("Ce code est inconnu ou a été révoqué : vérifiez sa saisie.")


def code_used_message(code: VotingCode) -> str:
    when = timezone.localtime(code.used_at).strftime("%d/%m/%Y à %H:%M")
    paper = PaperVoter.objects.filter(code=code).select_related("station").first()
    if paper is not None:
        return _(
            "Ce code a déjà servi à voter sur papier au bureau « %(station)s » le %(date)s : "
            "un code ne vaut qu'un vote."
        ) % {"station": paper.station.name, "date": when}
    return _("Ce code a déjà servi à voter le %(date)s : un code ne vaut qu'un vote.") % {
        "date": when
    }


def _lookup(campaign: Campaign, normalised: str, *, lock: bool) -> VotingCode:
    # Live batches only: not revoked, not closed, and printed (before its sheet, nobody holds
    # a code; the database forbids spending a code whose plain text is still stored).
    live = {"revoked_at__isnull": True, "closed_at__isnull": True, "printed_at__isnull": False}
    batches = VotingCodeBatch.objects.filter(campaign=campaign, **live)
    # One HMAC per live batch: a campaign has a handful of batches, never thousands.
    hashes = [code_hash(salt, normalised) for salt in batches.values_list("salt", flat=True)]
    codes = VotingCode.objects.filter(
        code_hash__in=hashes,
        batch__campaign=campaign,
        batch__revoked_at__isnull=True,
        batch__closed_at__isnull=True,
        batch__printed_at__isnull=False,
    )
    if lock:
        codes = codes.select_for_update()
    code = codes.first()
    if code is None:
        raise ValidationError(UNKNOWN_CODE, code="unknown")
    return code


def code_for_paper(*, campaign: Campaign, raw: str) -> VotingCode:
    """The code a poll officer typed from a voter's card, used or not (the register says why
    a used one cannot vote on paper)."""
    normalised = normalise_code(raw)
    problem = code_format_problem(normalised)
    if problem:
        raise ValidationError(problem, code="format")
    return _lookup(campaign, normalised, lock=False)


def code_check(*, campaign: Campaign, raw: str) -> VotingCode:
    """The code a voter typed, if it can still vote (nothing is written)."""
    require_phase(campaign, "vote")
    normalised = normalise_code(raw)
    problem = code_format_problem(normalised)
    if problem:
        raise ValidationError(problem, code="format")
    code = _lookup(campaign, normalised, lock=False)
    if code.used_at is not None:
        raise ValidationError(code_used_message(code), code="used")
    return code


@transaction.atomic
def code_ballot_confirm(
    *, code: VotingCode, choices: Iterable[int], census_key: str = ""
) -> Ballot:
    """The code's ballot, final: written with its lines, and the code spent, in one go.

    `census_key`: the voter's entry on the campaign's census list (votes/census/), when the
    campaign asks for it (the code voter gave their name, birth date and postcode)."""
    require_not_frozen(code.batch.campaign)
    references = list(choices)
    # Two people typing the same code at the same instant: the row lock makes the second wait
    # and then see used_at set (the one-to-one Ballot.code is the last line of defence). The
    # code's row only (of=self): locking the joined campaign FOR UPDATE too would serialise
    # every confirmation of the campaign and deadlock with the paper ballots that hold it
    # FOR KEY SHARE while they wait for this code.
    code = (
        VotingCode.objects.select_for_update(of=("self",))
        .select_related("batch__campaign")
        .filter(pk=code.pk)
        .first()
    )
    batch = code.batch if code is not None else None
    if batch is None or batch.revoked_at or batch.closed_at or batch.printed_at is None:
        raise ValidationError(UNKNOWN_CODE, code="unknown")
    # Closing the vote waits for this ballot, and a ballot after the closing sees it.
    campaign = campaign_held_open(code.batch.campaign)
    require_phase(campaign, "vote")
    if code.used_at is not None:
        raise ValidationError(code_used_message(code), code="used")
    if not references:
        raise ValidationError(
            _("Choisissez au moins une proposition avant de confirmer votre vote."), code="empty"
        )
    items = ballot_items(campaign)
    problems = selection_problems(campaign=campaign, references=references, items=items)
    if problems:
        raise ValidationError(problems, code="rules")
    if census_required(campaign):
        # Locked: an online first choice or a paper registration of the same person waits.
        entry = census_entry_held(campaign=campaign, key=census_key) if census_key else None
        if entry is None or entry.voted_at is not None:
            raise ValidationError(mismatch_message(), code="census")
        census_vote_mark(entry=entry, channel=CensusEntry.Channel.CODE)
    now = timezone.now()
    ballot = Ballot.objects.create(
        campaign=campaign,
        channel=Ballot.Channel.CODE,
        code=code,
        receipt=new_receipt(),
        confirmed_at=now,
    )
    BallotLine.objects.bulk_create(
        BallotLine(
            ballot=ballot,
            proposal=items[ref].proposal,
            category_id=items[ref].proposal.category_id,
        )
        for ref in references
    )
    code.used_at = now
    code.save(update_fields=["used_at"])
    # The batch, never the code: the log must not let anyone link a code to its ballot.
    log_event(logger, "code_used", campaign=campaign.slug, batch=code.batch_id)
    log_event(
        logger, "vote_recorded", campaign=campaign.slug, channel="code", choices=len(references)
    )
    return ballot
