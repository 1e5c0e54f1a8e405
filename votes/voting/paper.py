"""Paper ballots recorded by poll officers, one by one or from a station's CSV file.

Each paper voter goes into the station's register first (an account, or a normalised name +
birth date + commune), so nobody votes twice across channels. A campaign that checks a census
list (votes/census/) also has the person found on it (name, birth date, postcode) and their
entry marked, under the row lock an online or code vote of the same person takes. A paper
ballot that breaks the rules (votes.ballot_rules, like every channel) is recorded as void with
its reason: counted and reported, never dropped. Only malformed input is refused.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from budget.events import log_event
from budget.models import Commune
from budget.spreadsheets.reader import decode_text, read_csv_text
from votes.access import is_officer
from votes.campaigns.freeze import require_not_frozen
from votes.campaigns.models import Campaign
from votes.campaigns.phases import require_phase
from votes.census.keys import age_on, normalise_name, normalise_postcode, parse_birth_date
from votes.census.models import CensusEntry
from votes.census.services import (
    census_entry_held,
    census_required,
    census_vote_mark,
    census_vote_problem,
    person_key,
)
from votes.voting.ballots import campaign_held_open
from votes.voting.closing import require_station_open
from votes.voting.codes import BallotItem, ballot_items, selection_problems
from votes.voting.models import Ballot, BallotLine, PaperVoter, PollingStation, VotingCode
from votes.voting.shared import selection_commune_problems, voter_insee

logger = logging.getLogger(__name__)

User = AbstractBaseUser | AnonymousUser

MAX_CSV_BYTES = 2 * 1024 * 1024
MAX_CSV_ROWS = 20_000

# --- pure helpers ----------------------------------------------------------------------------


def parse_references(text: str) -> list[int]:
    """« P-0012, 15 ; p3 » → [12, 15, 3]; raises ValueError naming the first unreadable token."""
    references = []
    for token in re.split(r"[,;\s]+", (text or "").strip()):
        if not token:
            continue
        match = re.fullmatch(r"(?:[Pp]-?)?0*(\d{1,9})", token)
        if match is None:
            raise ValueError(token)
        references.append(int(match.group(1)))
    return references


def _refs(references: list[int]) -> str:
    return ", ".join(f"P-{ref:04d}" for ref in references)


# --- the register ----------------------------------------------------------------------------


def _code_problem(code: VotingCode) -> str | None:
    """Why a voting-code card cannot vote on paper (None when it can)."""
    if code.used_at is None:
        return None
    earlier = PaperVoter.objects.filter(code=code).select_related("station").first()
    if earlier is not None:
        return _(
            "Ce code est déjà inscrit sur le registre du bureau « %(station)s » : on ne vote "
            "qu'une fois."
        ) % {"station": earlier.station.name}
    return _(
        "Ce code a déjà servi à voter en ligne le %(date)s : la personne ne peut pas voter "
        "sur papier."
    ) % {"date": timezone.localtime(code.used_at).strftime("%d/%m/%Y à %H:%M")}


def _census_problem(campaign: Campaign, voter: dict, entry: CensusEntry | None) -> str | None:
    """Why the list refuses this person (the officer sees the reason; None when it does not)."""
    if voter.get("code") is not None:
        return _(
            "Cette campagne vérifie la liste des inscrits : identifiez le votant par son nom, "
            "sa date de naissance et son code postal, ou par son compte vérifié, pas par un code."
        )
    if voter.get("user") is not None and entry is None:
        return _(
            "Ce compte n'a pas vérifié son inscription sur la liste : identifiez le votant par "
            "son nom, sa date de naissance et son code postal."
        )
    if voter.get("user") is None and not voter.get("postcode"):
        return _("Indiquez le code postal du votant (cinq chiffres) : la liste le demande.")
    return census_vote_problem(entry)


def _census_entry(campaign: Campaign, voter: dict) -> CensusEntry | None:
    """The person's entry on the list, locked (a voting code has none)."""
    if voter.get("user") is not None:
        return census_entry_held(campaign=campaign, user=voter["user"])
    if voter.get("postcode"):
        key = person_key(
            campaign=campaign,
            name=voter["name_key"],
            birth_date=voter["birth_date"],
            postcode=voter["postcode"],
        )
        return census_entry_held(campaign=campaign, key=key)
    return None


def _register_problem(
    campaign: Campaign, voter: dict, today: date, *, census: bool = False
) -> str | None:
    """Why this person cannot vote on paper here (None when they can); with `census`, the
    campaign's list is checked too (its entry locked: call inside a transaction)."""
    problem = _person_problem(campaign, voter, today)
    if problem is None and census:
        problem = _census_problem(campaign, voter, _census_entry(campaign, voter))
    return problem


def _person_problem(campaign: Campaign, voter: dict, today: date) -> str | None:
    if voter.get("code") is not None:
        return _code_problem(voter["code"])
    user = voter.get("user")
    if user is not None:
        earlier = PaperVoter.objects.filter(campaign=campaign, user=user).select_related("station")
        if (row := earlier.first()) is not None:
            return _(
                "Ce compte est déjà inscrit sur le registre du bureau « %(station)s » : "
                "on ne vote qu'une fois."
            ) % {"station": row.station.name}
        # An online ballot counts once it holds a choice (as in the turnout): opening the
        # ballot page and leaving it empty is not voting.
        if Ballot.objects.filter(
            campaign=campaign, voter=user, channel=Ballot.Channel.ONLINE, lines__isnull=False
        ).exists():
            return _("Cette personne a déjà voté en ligne : elle ne peut pas voter sur papier.")
        return None
    name_key, birth_date, commune = voter["name_key"], voter["birth_date"], voter["commune"]
    if not name_key:
        return _("Indiquez le nom et le prénom du votant, ou son compte.")
    if birth_date > today:
        return _("La date de naissance %(date)s est dans le futur.") % {
            "date": birth_date.strftime("%d/%m/%Y")
        }
    if age_on(birth_date, today) < campaign.min_voter_age:
        return _("Cette personne n'a pas %(age)s ans, l'âge minimum pour voter.") % {
            "age": campaign.min_voter_age
        }
    if commune.authority_id != campaign.authority_id:
        return _("La commune %(commune)s n'est pas sur le territoire de la campagne.") % {
            "commune": commune.name
        }
    earlier = PaperVoter.objects.filter(
        campaign=campaign, name_key=name_key, birth_date=birth_date, commune=commune
    ).select_related("station")
    if (row := earlier.first()) is not None:
        return _(
            "Cette personne (même nom, date de naissance et commune) est déjà inscrite sur le "
            "registre du bureau « %(station)s » : on ne vote qu'une fois."
        ) % {"station": row.station.name}
    return None


def _normalised_voter(voter: dict) -> dict:
    if voter.get("user") is not None:
        return {"user": voter["user"]}
    if voter.get("code") is not None:
        return {"code": voter["code"]}
    missing = [key for key in ("birth_date", "commune") if voter.get(key) is None]
    if missing or not normalise_name(voter.get("name", "")):
        raise ValidationError(
            _(
                "Identifiez le votant : son compte, ou bien son nom, sa date de naissance et sa "
                "commune."
            )
        )
    normalised = {
        "name_key": normalise_name(voter["name"]),
        "birth_date": voter["birth_date"],
        "commune": voter["commune"],
    }
    if (voter.get("postcode") or "").strip():
        postcode = normalise_postcode(voter["postcode"])
        if postcode is None:
            raise ValidationError(_("Le code postal s'écrit avec cinq chiffres."))
        # Not written to the register: only the list's key is made from it.
        normalised["postcode"] = postcode
    return normalised


def _lock_person(voter: dict) -> dict:
    """The voter, with the row an online vote of the same person locks, locked.

    An online addition and a paper registration of the same person at the same instant: both
    lock the account row (ballots.campaign_held_for_voter), so the second waits for the first
    and then sees it. A code's confirmation online locks the code's row, locked here too.
    """
    if voter.get("user") is not None:
        get_user_model().objects.select_for_update().filter(pk=voter["user"].pk).first()
    if voter.get("code") is not None:
        # Read again under the lock: used_at may have been set by a confirmation meanwhile.
        return {"code": VotingCode.objects.select_for_update().get(pk=voter["code"].pk)}
    return voter


def _write(
    *,
    station: PollingStation,
    officer: User,
    references: list[int],
    voter: dict,
    items: dict[int, BallotItem],
) -> Ballot:
    """Register the voter, then record the ballot (void with its reason if it breaks a rule)."""
    campaign = station.campaign
    voter = _lock_person(voter)
    census = census_required(campaign)
    problem = _register_problem(campaign, voter, timezone.localdate(), census=census)
    if problem:
        raise ValidationError(problem, code="register")
    if census:
        # Locked by _register_problem (an online first choice of the same person locks it
        # too: the second of the two sees the first one's mark).
        census_vote_mark(entry=_census_entry(campaign, voter), channel=CensusEntry.Channel.PAPER)
    register = {key: value for key, value in voter.items() if key != "postcode"}
    try:
        # A savepoint: two officers registering the same person at once hit the unique
        # constraint; the second gets the message, not a broken transaction.
        with transaction.atomic():
            PaperVoter.objects.create(
                campaign=campaign, station=station, recorded_by=officer, **register
            )
    except IntegrityError as error:
        raise ValidationError(
            _("Cette personne vient d'être inscrite sur un registre : on ne vote qu'une fois."),
            code="register",
        ) from error
    if voter.get("code") is not None:
        # The card is spent by this paper ballot: it can no longer vote online.
        voter["code"].used_at = timezone.now()
        voter["code"].save(update_fields=["used_at"])
    if references:
        problems = selection_problems(campaign=campaign, references=references, items=items)
        problems += selection_commune_problems(
            categories=(items[ref].proposal.category for ref in references if ref in items),
            voter_insee=_voter_insee(voter),
        )
    else:
        problems = [_("Bulletin blanc : aucune proposition cochée.")]
    ballot = Ballot.objects.create(
        campaign=campaign,
        channel=Ballot.Channel.PAPER,
        station=station,
        confirmed_at=timezone.now(),
        is_void=bool(problems),
        void_reason=" ".join(problems)
        + (f" ({_('cochées')} : {_refs(references)})" if problems and references else ""),
    )
    # A void ballot keeps its ticks in its reason only: no line, so no tally can count it.
    if not problems:
        BallotLine.objects.bulk_create(
            BallotLine(
                ballot=ballot,
                proposal=items[ref].proposal,
                category_id=items[ref].proposal.category_id,
            )
            for ref in references
        )
    log_event(
        logger,
        "vote_recorded",
        campaign=campaign.slug,
        channel="paper",
        station=station.pk,
        void=ballot.is_void,
    )
    return ballot


def _voter_insee(voter: dict) -> str | None:
    """The INSEE code of a paper voter's commune (shared campaigns), None for a voting code."""
    if voter.get("user") is not None:
        return voter_insee(voter["user"])
    if voter.get("commune") is not None:
        return voter["commune"].insee_code
    return None


def require_station_officer(station: PollingStation, officer: User) -> None:
    """Only the officers of this very station record its ballots."""
    if not (is_officer(officer) and station.officers.filter(pk=officer.pk).exists()):
        raise PermissionDenied


@transaction.atomic
def paper_ballot_record(
    *, station: PollingStation, officer: User, references: list[int], voter: dict
) -> Ballot:
    """voter: {"user": User}, {"code": VotingCode} (code_for_paper) or {"name": str,
    "birth_date": date, "commune": Commune, "postcode": str} (the postcode for a campaign
    that checks its census list, votes/census/)."""
    require_not_frozen(station.campaign)
    require_station_officer(station, officer)
    # Closing the vote waits for this ballot, and a ballot after the closing sees it.
    require_phase(campaign_held_open(station.campaign), "vote")
    # Closing the station waits for this ballot too (see closing.station_close).
    require_station_open(PollingStation.objects.select_for_update().get(pk=station.pk))
    return _write(
        station=station,
        officer=officer,
        references=list(references),
        voter=_normalised_voter(voter),
        items=ballot_items(station.campaign),
    )


# --- bulk entry ------------------------------------------------------------------------------

COLUMNS = {
    "references": ("references", "références", "refs", "propositions"),
    "account": ("compte", "account", "courriel", "email"),
    "name": ("nom", "name", "nom_prenom"),
    "birth_date": ("date_naissance", "naissance", "birth_date"),
    "commune": ("commune", "code_insee"),
    "postcode": ("code_postal", "cp", "postcode"),
}


@dataclass(frozen=True)
class PaperRow:
    line: int
    references: list[int]
    account: str
    name: str
    birth_date: date | None
    commune: str
    postcode: str = ""


@dataclass
class PaperImportResult:
    ballots: int = 0
    void: int = 0
    void_reasons: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)


class PaperImportError(ValidationError):
    """A file refused as a whole: every row-level problem, nothing written."""


def parse_paper_csv(text: str) -> tuple[list[PaperRow], list[str]]:
    """Rows and row-level errors of a station's CSV file (pure: nothing is looked up)."""
    table = read_csv_text(text)
    if not table.header:
        return [], [error.message for error in table.errors] or [
            _("Le fichier est vide : il faut au moins la ligne d'en-tête.")
        ]
    header = [h.strip().lower() for h in table.header]
    positions: dict[str, int] = {}
    for key, names in COLUMNS.items():
        for index, name in enumerate(header):
            if name in names:
                positions[key] = index
                break
    missing = [k for k in ("references",) if k not in positions]
    if missing or not ({"account", "name"} & positions.keys()):
        return [], [
            _(
                "En-tête attendu : references ; compte ; nom ; date_naissance ; commune "
                "(colonnes trouvées : %(found)s)."
            )
            % {"found": ", ".join(header) or "—"}
        ]
    rows: list[PaperRow] = []
    errors: list[str] = []
    # A malformed CSV (an unclosed quote) is reported after the rows read before it.
    errors += [error.message for error in table.errors]
    for number, record in table.rows:
        if len(rows) + len(errors) >= MAX_CSV_ROWS:
            errors.append(_("%(max)s bulletins au plus par fichier.") % {"max": MAX_CSV_ROWS})
            break

        def cell(key: str, record: list[str] = record) -> str:
            index = positions.get(key)
            return record[index].strip() if index is not None and index < len(record) else ""

        problems = []
        try:
            references = parse_references(cell("references"))
        except ValueError as error:
            references = []
            problems.append(
                _("« %(token)s » n'est pas une référence de proposition (ex. P-0012 ou 12).")
                % {"token": error.args[0]}
            )
        account, name = cell("account"), cell("name")
        birth_date = None
        if account and name:
            problems.append(_("remplissez soit « compte », soit « nom », pas les deux."))
        elif not account and not name:
            problems.append(_("le votant n'est pas identifié (compte, ou nom + date + commune)."))
        elif name:
            try:
                birth_date = parse_birth_date(cell("birth_date"))
            except ValueError:
                problems.append(
                    _("date de naissance « %(value)s » illisible (attendu JJ/MM/AAAA).")
                    % {"value": cell("birth_date")}
                )
            if not cell("commune"):
                problems.append(_("la commune manque."))
        if problems:
            errors += [
                _("Ligne %(line)s : %(problem)s") % {"line": number, "problem": p} for p in problems
            ]
            continue
        rows.append(
            PaperRow(
                line=number,
                references=references,
                account=account,
                name=name,
                birth_date=birth_date,
                commune=cell("commune"),
                postcode=cell("postcode"),
            )
        )
    if not rows and not errors:
        errors.append(_("Le fichier ne contient aucun bulletin."))
    return rows, errors


def find_account(text: str):
    users = get_user_model().objects.filter(Q(username=text) | Q(email__iexact=text))
    return users.first()


def _find_commune(campaign: Campaign, text: str) -> Commune | None:
    communes = Commune.objects.filter(authority_id=campaign.authority_id)
    return (
        communes.filter(insee_code=text).first()
        or communes.filter(name__iexact=text).first()
        or next((c for c in communes if normalise_name(c.name) == normalise_name(text)), None)
    )


@transaction.atomic
def paper_ballots_import(
    *, station: PollingStation, officer: User, content: bytes
) -> PaperImportResult:
    """A station's ballots from CSV, all or nothing; void ballots are recorded, not errors."""
    require_not_frozen(station.campaign)
    require_station_officer(station, officer)
    campaign = campaign_held_open(station.campaign)
    require_phase(campaign, "vote")
    require_station_open(PollingStation.objects.select_for_update().get(pk=station.pk))
    if len(content) > MAX_CSV_BYTES:
        raise PaperImportError(
            [_("Le fichier dépasse %(max)s Mo.") % {"max": MAX_CSV_BYTES // (1024 * 1024)}]
        )
    # Spreadsheets saved "CSV (séparateur : point-virgule)" on Windows are Windows-1252.
    text, problem = decode_text(content)
    if problem is not None:
        raise PaperImportError([problem.message])
    rows, errors = parse_paper_csv(text)
    census = census_required(campaign)
    voters: list[dict] = []
    seen: dict[tuple, int] = {}
    for row in rows:
        if row.account:
            user = find_account(row.account)
            if user is None:
                errors.append(
                    _("Ligne %(line)s : aucun compte « %(account)s ».")
                    % {"line": row.line, "account": row.account}
                )
                continue
            voter, key = {"user": user}, ("user", user.pk)
        else:
            commune = _find_commune(campaign, row.commune)
            if commune is None:
                errors.append(
                    _("Ligne %(line)s : commune « %(commune)s » inconnue sur ce territoire.")
                    % {"line": row.line, "commune": row.commune}
                )
                continue
            try:
                voter = _normalised_voter(
                    {
                        "name": row.name,
                        "birth_date": row.birth_date,
                        "commune": commune,
                        "postcode": row.postcode,
                    }
                )
            except ValidationError as error:
                errors.append(
                    _("Ligne %(line)s : %(problem)s")
                    % {"line": row.line, "problem": error.messages[0]}
                )
                continue
            key = (voter["name_key"], voter["birth_date"], commune.pk)
        if key in seen:
            errors.append(
                _("Ligne %(line)s : même votant qu'à la ligne %(first)s.")
                % {"line": row.line, "first": seen[key]}
            )
            continue
        seen[key] = row.line
        problem = _register_problem(campaign, voter, timezone.localdate(), census=census)
        if problem:
            errors.append(
                _("Ligne %(line)s : %(problem)s") % {"line": row.line, "problem": problem}
            )
            continue
        voters.append(voter)
    if errors:
        raise PaperImportError(sorted(errors, key=_line_number))
    items = ballot_items(campaign)
    result = PaperImportResult()
    for row, voter in zip(rows, voters, strict=True):
        ballot = _write(
            station=station, officer=officer, references=row.references, voter=voter, items=items
        )
        result.ballots += 1
        if ballot.is_void:
            result.void += 1
            result.void_reasons.append((row.line, ballot.void_reason))
    return result


def _line_number(message: str) -> int:
    match = re.search(r"(\d+)", message)
    return int(match.group(1)) if match else 0


# --- counts ----------------------------------------------------------------------------------


def station_counts(station: PollingStation) -> dict[str, int]:
    """What an officer may see while the vote is open: no per-proposal figure."""
    ballots = Ballot.objects.filter(station=station, channel=Ballot.Channel.PAPER)
    counts = ballots.aggregate(total=Count("pk"), void=Count("pk", filter=Q(is_void=True)))
    counts["register"] = PaperVoter.objects.filter(station=station).count()
    return counts
