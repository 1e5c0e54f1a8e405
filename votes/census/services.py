"""The census list's writes: upload, the requirement, an account's verification, the marks.

Every channel checks and marks the same entry under a row lock (SELECT … FOR UPDATE), so an
online first choice and a paper registration of one person at the same instant are counted
one after the other: the second sees the first one's mark and is refused.
"""

from __future__ import annotations

import logging
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from budget.events import log_event
from budget.models import Commune
from votes.campaigns.freeze import require_not_frozen
from votes.campaigns.models import Campaign
from votes.census.keys import age_on, census_key, normalise_name, normalise_postcode
from votes.census.models import CensusEntry, CensusList

logger = logging.getLogger(__name__)

Channel = CensusEntry.Channel


def mismatch_message() -> str:
    """The one answer to every refusal that depends on the list: not on it, taken by another
    account, already voted. Telling them apart would tell who is on the list and who voted."""
    return _(
        "Ces informations ne correspondent à aucune inscription disponible sur la liste de "
        "cette campagne. Vérifiez l'orthographe de votre nom et de tous vos prénoms, votre "
        "date de naissance et votre code postal ; si tout est exact, adressez-vous à l'équipe "
        "de la campagne."
    )


def census_required(campaign: Campaign) -> bool:
    return CensusList.objects.filter(campaign=campaign, required=True).exists()


def _held_list(campaign: Campaign) -> CensusList:
    # Race: two uploads (or an upload and the switch) confirmed at once; the list row is
    # locked so that they apply one after the other.
    CensusList.objects.get_or_create(campaign=campaign)
    return CensusList.objects.select_for_update().get(campaign=campaign)


@transaction.atomic
def census_list_replace(*, campaign: Campaign, keys: list[str], by: AbstractBaseUser) -> CensusList:
    """The campaign's list becomes `keys` (census_file_read's hashes).

    Entries still on the list keep their account and their vote; entries no longer on it
    go, except those that voted: a vote once cast stays marked, so the person cannot vote
    again through another channel.
    """
    require_not_frozen(campaign)
    census = _held_list(campaign)
    wanted = set(keys)
    entries = CensusEntry.objects.filter(campaign=campaign)
    entries.filter(voted_at__isnull=True).exclude(key__in=wanted).delete()
    known = set(entries.filter(key__in=wanted).values_list("key", flat=True))
    CensusEntry.objects.bulk_create(
        (CensusEntry(campaign=campaign, key=key) for key in keys if key not in known),
        batch_size=2000,
    )
    census.rows = len(wanted)
    census.uploaded_at = timezone.now()
    census.uploaded_by = by
    census.save(update_fields=["rows", "uploaded_at", "uploaded_by"])
    log_event(logger, "census_uploaded", campaign=campaign.slug, rows=census.rows)
    return census


@transaction.atomic
def census_required_set(*, campaign: Campaign, required: bool) -> CensusList:
    """Ask (or stop asking) voters to be on the list; a list must be uploaded first."""
    require_not_frozen(campaign)
    census = _held_list(campaign)
    if required and census.uploaded_at is None:
        raise ValidationError(
            _("Envoyez d'abord la liste des inscrits : sans elle, personne ne pourrait voter."),
            code="no_list",
        )
    census.required = required
    census.save(update_fields=["required"])
    return census


def _input_problem(campaign: Campaign, birth_date: date, postcode: str | None) -> str | None:
    """Refusals that depend on what was typed only, never on the list: they may be precise."""
    if postcode is None:
        return _("Le code postal s'écrit avec cinq chiffres.")
    today = timezone.localdate()
    if birth_date > today:
        return _("La date de naissance est dans le futur.")
    if age_on(birth_date, today) < campaign.min_voter_age:
        return _("Le vote est ouvert à partir de %(age)s ans.") % {"age": campaign.min_voter_age}
    codes = Commune.objects.filter(authority_id=campaign.authority_id).values_list(
        "postal_codes", flat=True
    )
    known = {code.strip() for text in codes for code in text.split(",") if code.strip()}
    # Residence: checked when the territory's communes carry their postcodes.
    if known and postcode not in known:
        return _("Le code postal %(code)s n'est pas sur le territoire de %(authority)s.") % {
            "code": postcode,
            "authority": campaign.authority.name,
        }
    return None


def person_key(*, campaign: Campaign, name: str, birth_date: date, postcode: str) -> str:
    return census_key(campaign_id=campaign.pk, name=name, birth_date=birth_date, postcode=postcode)


def _typed_key(*, campaign: Campaign, name: str, birth_date: date, postcode: str) -> str:
    """The key of what a voter typed, or ValidationError code "input" for a typing problem."""
    normalised = normalise_postcode(postcode)
    problem = _input_problem(campaign, birth_date, normalised)
    if not normalise_name(name):
        problem = _("Indiquez votre nom et vos prénoms.")
    if problem is not None:
        raise ValidationError(problem, code="input")
    return person_key(campaign=campaign, name=name, birth_date=birth_date, postcode=normalised)


@transaction.atomic
def census_verify(
    *, campaign: Campaign, user: AbstractBaseUser, name: str, birth_date: date, postcode: str
) -> CensusEntry:
    """Link the account to its entry on the list, once. ValidationError code "input" for a
    typing problem, "mismatch" (always the same message) for anything the list decides."""
    mine = CensusEntry.objects.filter(campaign=campaign, verified_user=user).first()
    if mine is not None:
        return mine
    key = _typed_key(campaign=campaign, name=name, birth_date=birth_date, postcode=postcode)
    # Race: a first choice of this account in flight read "no entry" and will not mark one;
    # it holds the account row (voting.ballots.campaign_held_for_voter) until it commits, so
    # the verification waits, and the ballot's next first choice sees the entry.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    # Race: two accounts claiming the same entry at once; the second waits and sees it taken.
    entry = CensusEntry.objects.select_for_update().filter(campaign=campaign, key=key).first()
    if entry is None or entry.verified_user_id is not None or entry.voted_at is not None:
        raise ValidationError(mismatch_message(), code="mismatch")
    entry.verified_user = user
    entry.verified_at = timezone.now()
    try:
        # A savepoint: the same account verifying two entries in two tabs meets the
        # one-entry-per-account constraint; the refusal then leaves a usable transaction.
        with transaction.atomic():
            entry.save(update_fields=["verified_user", "verified_at"])
    except IntegrityError:
        raise ValidationError(mismatch_message(), code="mismatch") from None
    log_event(logger, "census_verified", campaign=campaign.slug)
    return entry


def census_code_key(*, campaign: Campaign, name: str, birth_date: date, postcode: str) -> str:
    """The key of the person voting with a code, if their entry may vote (reads only; the
    confirmation checks it again under the lock). Refusals as census_verify's."""
    key = _typed_key(campaign=campaign, name=name, birth_date=birth_date, postcode=postcode)
    if not CensusEntry.objects.filter(campaign=campaign, key=key, voted_at__isnull=True).exists():
        raise ValidationError(mismatch_message(), code="mismatch")
    return key


def census_entry_held(
    *, campaign: Campaign, user: AbstractBaseUser | None = None, key: str = ""
) -> CensusEntry | None:
    """The person's entry, locked until the transaction ends: by the account verified against
    it, or by the key of what an officer typed. Call inside a transaction."""
    entries = CensusEntry.objects.select_for_update().filter(campaign=campaign)
    if user is not None:
        return entries.filter(verified_user=user).first()
    return entries.filter(key=key).first()


def census_vote_problem(entry: CensusEntry | None) -> str | None:
    """Why this entry cannot vote now, for an officer who sees the person (None when it can)."""
    if entry is None:
        return _("Cette personne n'est pas sur la liste des inscrits de la campagne.")
    if entry.voted_at is None:
        return None
    if entry.channel == Channel.ONLINE:
        return _("Cette personne a déjà voté en ligne : elle ne peut pas voter sur papier.")
    if entry.channel == Channel.CODE:
        return _("Cette personne a déjà voté avec un code de vote.")
    return _("Cette personne a déjà voté sur papier.")


def census_vote_mark(*, entry: CensusEntry, channel: str) -> None:
    """Mark the (locked) entry as having voted through `channel`."""
    entry.voted_at = timezone.now()
    entry.channel = channel
    entry.save(update_fields=["voted_at", "channel"])


def census_online_vote(*, campaign: Campaign, user: AbstractBaseUser) -> None:
    """The first choice of an online ballot marks the voter's entry (when they have one)."""
    entry = census_entry_held(campaign=campaign, user=user)
    if entry is None:
        return
    if entry.voted_at is None:
        census_vote_mark(entry=entry, channel=Channel.ONLINE)
    elif entry.channel != Channel.ONLINE:
        raise ValidationError(voted_elsewhere_message(entry.channel), code="census_voted")


def voted_elsewhere_message(channel: str) -> str:
    if channel == Channel.CODE:
        return _(
            "Votre inscription sur la liste est déjà marquée comme ayant voté avec un code de "
            "vote : on ne vote qu'une fois, vous ne pouvez plus voter en ligne."
        )
    return _(
        "Votre inscription sur la liste est déjà marquée comme ayant voté sur papier : on ne "
        "vote qu'une fois, vous ne pouvez plus voter en ligne."
    )
