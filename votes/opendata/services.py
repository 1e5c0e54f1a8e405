"""The campaign's open data (issue 6 §5): each public dataset as a table (written to CSV and
XLSX by ``votes.opendata_files``), and the anonymised ballots in pabulib format.

Every table is read from ``council_data(campaign)``: the stored council snapshot once the
results went to the council (the files then never drift from the fingerprinted document),
a live draft before. What the draft holds beyond the campaign's phase (counts during the
vote, unpublished instructions) is never put in a table: each dataset opens at its phase.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from votes.campaigns.models import Campaign, Phase
from votes.council.models import CouncilSnapshot
from votes.council.services import council_data
from votes.instruction.models import Instruction
from votes.opendata.files import Table, table_csv, table_workbook
from votes.proposals.models import Proposal
from votes.results import tally as rules
from votes.results.pabulib import PbElection, PbVote, write_pb
from votes.results.pabulib_services import pabulib_export
from votes.results.services import status_label
from votes.statistics.tables import MISSING, statistics_tables
from votes.voting.models import Ballot

PROPOSALS = "propositions"
INSTRUCTIONS = "instructions"
RESULTS = "resultats"
VOTES = "voix"
STATISTICS = "statistiques"
BALLOTS = "bulletins"
SNAPSHOT = "instantane"
TABLES = (PROPOSALS, INSTRUCTIONS, RESULTS, VOTES, STATISTICS)

LICENCE = "Licence Ouverte / Open Licence version 2.0 (Etalab)"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"


@dataclass(frozen=True)
class Scope:
    """What of the council data this campaign's phase makes public."""

    campaign: Campaign
    data: dict[str, Any]
    snapshot: CouncilSnapshot | None
    # Public references whose instruction was published before the vote (None: all are).
    published: frozenset[str] | None

    @property
    def tallied(self) -> bool:
        return self.campaign.reached(Phase.TALLY)

    def instruction(self, proposal: dict[str, Any]) -> dict[str, Any] | None:
        instruction = proposal["instruction"]
        if instruction is None or self.published is None:
            return instruction
        return instruction if proposal["reference"] in self.published else None


@dataclass(frozen=True)
class Entry:
    """One line of the downloads page."""

    slug: str
    title: str
    description: str
    note: str = ""  # why it is not available, empty when it is
    rows: int | None = None

    @property
    def available(self) -> bool:
        return not self.note


@dataclass(frozen=True)
class Catalogue:
    entries: list[Entry]
    notice: list[tuple[str, str]]
    snapshot: CouncilSnapshot | None = None


def _titles() -> dict[str, tuple[str, str]]:
    # Built at call time so that the active language applies.
    return {
        PROPOSALS: (
            _("Propositions"),
            _(
                "Chaque proposition publique : référence, titre, type, rubrique, auteur (nom "
                "public), estimation, commune, lieu et où elle en est."
            ),
        ),
        INSTRUCTIONS: (
            _("Instructions publiques"),
            _(
                "L'avis des services validé par la direction des finances : faisabilité, "
                "montants instruits, durée, conditions et motivation publique."
            ),
        ),
        RESULTS: (
            _("Résultats"),
            _(
                "Le dépouillement de chaque rubrique dans l'ordre de la règle : rang, voix, "
                "montant, statut, enveloppe restante ou économie cumulée."
            ),
        ),
        VOTES: (
            _("Voix par proposition et par canal"),
            _("Les voix de chaque proposition soumise au vote : en ligne, code, papier, import."),
        ),
        STATISTICS: (
            _("Statistiques de participation"),
            _("Les tableaux de participation ; toute case de moins de 5 personnes vaut « < 5 »."),
        ),
        BALLOTS: (
            _("Bulletins anonymisés (pabulib)"),
            _(
                "Chaque bulletin compté des rubriques de projets, au format ouvert pabulib "
                "(.pb), numéroté sans lien avec un compte ni avec l'ordre des votes."
            ),
        ),
        SNAPSHOT: (
            _("Instantané transmis au conseil (JSON)"),
            _(
                "Le document exact transmis au conseil : règles, propositions, instructions, "
                "voix, résultats et statistiques, avec son empreinte SHA-256."
            ),
        ),
    }


# --- the tables ------------------------------------------------------------------------------


def _money(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _titles_by_reference(scope: Scope) -> dict[str, str]:
    return {p["reference"]: p["title"] for p in scope.data["proposals"]}


def _proposal_status(proposal: dict[str, Any], scope: Scope) -> str:
    if scope.tallied and proposal["result"]:
        return status_label(proposal["result"])
    if proposal["on_ballot"] and scope.campaign.reached(Phase.VOTING):
        return _("soumise au vote")
    instruction = scope.instruction(proposal)
    if instruction is not None:
        return instruction["status_label"]
    if scope.campaign.reached(Phase.INSTRUCTION):
        return _("sans avis publié")
    return _("déposée")


def proposals_table(scope: Scope) -> Table:
    kinds = dict(Proposal.Kind.choices)
    return Table(
        headers=[
            _("Référence"),
            _("Titre"),
            _("Type"),
            _("Rubrique"),
            _("Auteur"),
            _("Estimation de l'auteur (€)"),
            _("Commune"),
            _("Lieu"),
            _("Statut"),
        ],
        rows=[
            [
                p["reference"],
                p["title"],
                str(kinds.get(p["kind"], p["kind"])),
                p["category"],
                p["author"],
                _money(p["estimate"]),
                p["commune"] or "",
                p["place"],
                _proposal_status(p, scope),
            ]
            for p in scope.data["proposals"]
        ],
        money=frozenset({5}),
    )


def instructions_table(scope: Scope) -> Table:
    rows = []
    for p in scope.data["proposals"]:
        instruction = scope.instruction(p)
        if instruction is None:
            continue
        rows.append(
            [
                p["reference"],
                p["title"],
                p["category"],
                instruction["status_label"],
                _money(instruction["instructed_cost"]),
                _money(instruction["induced_operating_cost"]),
                _money(instruction["instructed_saving"]),
                _money(instruction["direct_saving"]),
                _money(instruction["induced_saving"]),
                instruction["duration"],
                instruction["conditions"],
                instruction["public_reasoning"],
                (instruction["validated_at"] or "")[:10],
            ]
        )
    return Table(
        headers=[
            _("Référence"),
            _("Titre"),
            _("Rubrique"),
            _("Avis"),
            _("Coût instruit (€)"),
            _("Coût de fonctionnement induit (€ par an)"),
            _("Économie nette instruite (€ par an)"),
            _("dont effets directs (€ par an)"),
            _("dont effets induits (€ par an)"),
            _("Durée de réalisation"),
            _("Conditions"),
            _("Motivation publique"),
            _("Validée le"),
        ],
        rows=rows,
        money=frozenset({4, 5, 6, 7, 8}),
    )


def results_table(scope: Scope) -> Table:
    titles = _titles_by_reference(scope)
    rows = []
    for result in scope.data["results"]:
        for row in result["rows"]:
            rows.append(
                [
                    result["category"],
                    row["rank"],
                    row["reference"],
                    titles.get(row["reference"], ""),
                    row["approvals"],
                    _money(row["amount"]),
                    status_label(row["status"]),
                    _money(row["envelope_left"]),
                    _money(row["cumulative_saving"]),
                ]
            )
    return Table(
        headers=[
            _("Rubrique"),
            _("Rang"),
            _("Référence"),
            _("Titre"),
            _("Voix"),
            _("Montant (€)"),
            _("Statut"),
            _("Enveloppe restante après (€)"),
            _("Économie cumulée (€ par an)"),
        ],
        rows=rows,
        money=frozenset({5, 7, 8}),
    )


def votes_table(scope: Scope) -> Table:
    labels = dict(Ballot.Channel.choices)
    return Table(
        headers=[
            _("Référence"),
            _("Titre"),
            _("Rubrique"),
            *[str(labels[channel]) for channel in rules.CHANNELS],
            _("Total"),
        ],
        rows=[
            [
                p["reference"],
                p["title"],
                p["category"],
                *[p["approvals"][channel] for channel in rules.CHANNELS],
                p["approvals"]["total"],
            ]
            for p in scope.data["proposals"]
            if p["on_ballot"]
        ],
    )


def _statistic(value: Any) -> Any:
    # "—" is a step not reached or a rate without a population: an empty cell in a file.
    return None if value == MISSING else value


def statistics_table(scope: Scope) -> Table:
    """Every statistics table in one long table, a cell per line (table, row, column,
    value): the tables have different columns. Cells under 5 people read "< 5"."""
    rows = []
    for table in statistics_tables(scope.data["statistics"]):
        for row in table.rows:
            label, values = row[0], row[1:]
            for header, value in zip(table.headers[1:], values, strict=True):
                rows.append(
                    [table.code, str(table.title), str(label), str(header), _statistic(value)]
                )
    return Table(
        headers=[_("Code du tableau"), _("Tableau"), _("Ligne"), _("Colonne"), _("Valeur")],
        rows=rows,
    )


BUILDERS: dict[str, Callable[[Scope], Table]] = {
    PROPOSALS: proposals_table,
    INSTRUCTIONS: instructions_table,
    RESULTS: results_table,
    VOTES: votes_table,
    STATISTICS: statistics_table,
}


# --- what is open when -----------------------------------------------------------------------


def _from_phase(phase: str) -> str:
    return _("Disponible à partir de la phase « %(phase)s ».") % {"phase": Phase(phase).label}


def published_references(campaign: Campaign) -> frozenset[str] | None:
    """Before the vote only the instructions the administrator published are public; from the
    vote on, every validated one is (as on the proposal pages)."""
    if campaign.reached(Phase.VOTING):
        return None
    numbers = Instruction.objects.filter(
        proposal__campaign=campaign,
        validation=Instruction.Validation.VALIDATED,
        published_at__isnull=False,
    ).values_list("proposal__reference", flat=True)
    return frozenset(f"P-{number:04d}" for number in numbers)


def unavailable_note(campaign: Campaign, dataset: str, published: frozenset[str] | None) -> str:
    """Why ``dataset`` is not open yet, or "" when it is."""
    if dataset == PROPOSALS:
        return "" if campaign.reached(Phase.PROPOSALS) else _from_phase(Phase.PROPOSALS)
    if dataset == INSTRUCTIONS:
        if published is None or published:
            return ""
        if campaign.reached(Phase.INSTRUCTION):
            return _("Disponible dès que les instructions validées sont publiées.")
        return _from_phase(Phase.INSTRUCTION)
    if dataset == SNAPSHOT:
        if campaign.reached(Phase.COUNCIL) and _snapshot(campaign) is not None:
            return ""
        return _from_phase(Phase.COUNCIL)
    return "" if campaign.reached(Phase.TALLY) else _from_phase(Phase.TALLY)


def _snapshot(campaign: Campaign) -> CouncilSnapshot | None:
    return CouncilSnapshot.objects.filter(campaign_id=campaign.pk).first()


def _scope(campaign: Campaign, published: frozenset[str] | None) -> Scope:
    data, snapshot = council_data(campaign)
    return Scope(campaign=campaign, data=data, snapshot=snapshot, published=published)


def _open_scope(campaign: Campaign, dataset: str) -> Scope | None:
    """The data behind ``dataset``, or None when it is unknown or not open yet."""
    if dataset not in BUILDERS or campaign.phase == Phase.DRAFT:
        return None
    published = published_references(campaign)
    if unavailable_note(campaign, dataset, published):
        return None
    return _scope(campaign, published)


def opendata_csv(*, campaign: Campaign, dataset: str, semicolon: bool = False) -> bytes | None:
    scope = _open_scope(campaign, dataset)
    return None if scope is None else table_csv(BUILDERS[dataset](scope), semicolon=semicolon)


def opendata_workbook(*, campaign: Campaign, dataset: str) -> bytes | None:
    scope = _open_scope(campaign, dataset)
    if scope is None:
        return None
    return table_workbook(
        BUILDERS[dataset](scope),
        title=_titles()[dataset][0],
        notice=licence_notice(campaign, snapshot=scope.snapshot),
        name=campaign.title,
    )


def licence_notice(
    campaign: Campaign, *, snapshot: CouncilSnapshot | None
) -> list[tuple[str, str]]:
    """The lines written on the page and in each workbook's "Licence" sheet."""
    day = timezone.localdate(snapshot.created_at) if snapshot else timezone.localdate()
    notice = [
        (_("Licence"), LICENCE),
        (_("Texte de la licence"), LICENCE_URL),
        (_("Producteur"), campaign.authority.name),
        (_("Campagne"), campaign.title),
        (_("Date des données"), day.isoformat()),
    ]
    if snapshot is not None:
        notice.append((_("Empreinte SHA-256 de l'instantané transmis au conseil"), snapshot.sha256))
    return notice


def opendata_catalogue(campaign: Campaign) -> Catalogue:
    """Every dataset with its availability and row count (one read of the council data)."""
    titles = _titles()
    published = published_references(campaign)
    notes = {slug: unavailable_note(campaign, slug, published) for slug in titles}
    scope = None
    if any(not notes[slug] for slug in TABLES):
        scope = _scope(campaign, published)
    entries = []
    for slug, (title, description) in titles.items():
        note, rows = notes[slug], None
        if not note and slug in BUILDERS:
            rows = len(BUILDERS[slug](scope).rows)
        elif not note and slug == BALLOTS:
            election = anonymous_election(campaign)
            if election is None:
                note = _(
                    "Sans objet : la campagne n'a pas de rubrique de projets (le format pabulib "
                    "décrit des votes sur des projets)."
                )
            else:
                rows = len(election.votes)
        entries.append(Entry(slug=slug, title=title, description=description, note=note, rows=rows))
    snapshot = scope.snapshot if scope else _snapshot(campaign)
    return Catalogue(
        entries=entries, notice=licence_notice(campaign, snapshot=snapshot), snapshot=snapshot
    )


# --- ballots ----------------------------------------------------------------------------------


def anonymous_election(campaign: Campaign) -> PbElection | None:
    """The counted ballots of the projects categories as a pabulib election, or None when the
    campaign has none. ``pabulib_export`` names each ballot by its database id (or the id of
    an imported file): a key into the database that follows the order of the votes. The open
    file numbers them 1, 2, 3… in the order of their content instead, which tells nothing."""
    try:
        election = pabulib_export(campaign=campaign, kind=rules.PROJECTS)
    except ValidationError:
        return None
    ordered = sorted(election.votes, key=lambda vote: (len(vote.projects), vote.projects))
    election.votes = [
        PbVote(voter_id=str(number), projects=list(vote.projects))
        for number, vote in enumerate(ordered, start=1)
    ]
    return election


def ballots_pb(campaign: Campaign) -> str | None:
    """The ``.pb`` text of the anonymised ballots, or None when not open (or no projects)."""
    if campaign.phase == Phase.DRAFT or unavailable_note(campaign, BALLOTS, None):
        return None
    election = anonymous_election(campaign)
    return None if election is None else write_pb(election)
