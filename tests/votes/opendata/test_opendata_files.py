"""The open-data files (issue 6 §5): each dataset in CSV and XLSX, and the ";" option.

``opendata_campaign`` builds the small campaign with ballots the other open-data tests use."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.votes.factories import (
    make_campaign,
    make_category,
    make_commune,
    make_instruction,
    make_proposal,
    make_voter,
)
from votes.campaigns.models import PHASE_ORDER, Campaign, Phase
from votes.instruction.models import Instruction
from votes.opendata.files import EURO_FORMAT
from votes.opendata.services import LICENCE, LICENCE_URL
from votes.proposals.models import Proposal
from votes.voting.models import Ballot, BallotLine

pytestmark = pytest.mark.django_db

SECRETS = (
    "NOTE-INTERNE-SECRETE",
    "COMMENTAIRE-DE-RENVOI",
    "jeanne.secret",  # the author's username, and the start of her e-mail address
    "electeur.secret",  # a voter's username
    "@example.org",
)
BEFORE_TALLY = [p for p in PHASE_ORDER if PHASE_ORDER.index(p) < PHASE_ORDER.index(Phase.TALLY)]


@dataclass
class OpenData:
    campaign: Campaign
    author: object
    p1: Proposal  # sport, 60,000 € instructed, 3 voices (online, code, paper)
    p2: Proposal  # sport, 50,000 €, 2 voices
    p3: Proposal  # sport, 30,000 € with conditions, 1 voice: below the threshold of 2
    p4: Proposal  # sport, not feasible: never on the ballot
    s1: Proposal  # savings, 15,000 € a year (10,000 direct, 5,000 induced), 2 voices
    hidden: Proposal


def cast(campaign: Campaign, proposals, *, channel: str = "online", voter=None, void=False):
    ballot = Ballot.objects.create(
        campaign=campaign,
        channel=channel,
        voter=voter,
        is_void=void,
        void_reason="Illisible." if void else "",
        confirmed_at=timezone.now(),
    )
    BallotLine.objects.bulk_create(
        BallotLine(ballot=ballot, proposal=p, category_id=p.category_id) for p in proposals
    )
    return ballot


def opendata_campaign(phase: str = Phase.TALLY) -> OpenData:
    """A mixed campaign. Sport: envelope 100,000 €, at least 2 voices. By hand: P1 (3 voices,
    60,000 €) selected, 40,000 left; P2 (2 voices, 50,000 €) does not fit; P3 (1 voice) below
    the threshold. Savings: target 20,000 €; S1 (2 voices, 15,000 €) selected, target missed.
    A void paper ballot approving P3 is not counted."""
    campaign = make_campaign(kind=Campaign.Kind.MIXED, phase=phase, title="Budget, citoyen")
    sport = make_category(
        campaign, name="Sport", envelope=Decimal(100000), savings_target=None, min_approvals=2
    )
    savings = make_category(campaign, name="Économies", savings_target=Decimal(20000))
    commune = make_commune(campaign.authority, name="Lorme-le-Bas")
    author = make_voter(
        commune=commune,
        username="jeanne.secret",
        email="jeanne.secret@example.org",
        pseudonym="Jeanne D.",
    )
    now = timezone.now()
    validated = {"validation": Instruction.Validation.VALIDATED, "validated_at": now}

    def project(title, cost, **instruction):
        proposal = make_proposal(
            campaign, category=sport, kind=Proposal.Kind.PROJECT, title=title, author=author
        )
        make_instruction(proposal, instructed_cost=cost, **validated, **instruction)
        return proposal

    p1 = project(
        "Terrain, vestiaires",
        Decimal("60000.50"),
        internal_notes="NOTE-INTERNE-SECRETE",
        return_comment="COMMENTAIRE-DE-RENVOI",
        induced_operating_cost=Decimal(2000),
        duration="6 mois",
    )
    Proposal.objects.filter(pk=p1.pk).update(
        commune=commune, place="Stade municipal", estimate=Decimal(50000)
    )
    p2 = project("Piste", Decimal(50000))
    p3 = project(
        "Tribune",
        Decimal(30000),
        status=Instruction.Status.FEASIBLE_CONDITIONS,
        conditions="Sous réserve du permis.",
    )
    p4 = project(
        "Piscine olympique",
        None,
        status=Instruction.Status.NOT_FEASIBLE,
        public_reasoning="Hors de portée du budget.",
    )
    s1 = make_proposal(campaign, category=savings, kind=Proposal.Kind.SAVING, title="Éclairage")
    make_instruction(
        s1,
        instructed_saving=Decimal(15000),
        direct_saving=Decimal(10000),
        induced_saving=Decimal(5000),
        **validated,
    )
    hidden = make_proposal(
        campaign, category=sport, title="Proposition masquée", status=Proposal.Status.HIDDEN
    )
    voter = make_voter(commune=commune, username="electeur.secret", pseudonym="Votant")
    cast(campaign, [p1, p2, s1], voter=voter)
    cast(campaign, [p2, p3, s1], voter=make_voter(commune=commune))
    cast(campaign, [p1], channel="code")
    cast(campaign, [p1], channel="paper")
    cast(campaign, [p3], channel="paper", void=True)
    return OpenData(campaign, author, p1, p2, p3, p4, s1, hidden)


def file_url(campaign: Campaign, dataset: str, extension: str = "csv") -> str:
    return reverse(
        f"votes:opendata_{extension}", kwargs={"slug": campaign.slug, "dataset": dataset}
    )


def read_csv(response, *, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8")), delimiter=delimiter))


def workbook(response):
    return load_workbook(io.BytesIO(response.content))


def all_cells(book) -> str:
    return "\n".join(
        str(value) for sheet in book for row in sheet.iter_rows(values_only=True) for value in row
    )


# --- routes ----------------------------------------------------------------------------------


def test_urls_are_named():
    assert reverse("votes:opendata", kwargs={"slug": "c"}) == "/campagnes/c/donnees/"
    assert file_url(Campaign(slug="c"), "voix") == "/campagnes/c/donnees/voix.csv"
    assert file_url(Campaign(slug="c"), "voix", "xlsx") == "/campagnes/c/donnees/voix.xlsx"
    assert (
        reverse("votes:opendata_ballots", kwargs={"slug": "c"})
        == "/campagnes/c/donnees/bulletins.pb"
    )


# --- each dataset ----------------------------------------------------------------------------


def test_the_proposals_csv_holds_the_public_fields_of_every_public_proposal(client):
    s = opendata_campaign()

    response = client.get(file_url(s.campaign, "propositions"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        f'attachment; filename="{s.campaign.slug}-propositions.csv"'
        == response["Content-Disposition"]
    )
    assert not response.content.startswith(b"\xef\xbb\xbf")
    rows = read_csv(response)
    assert rows[0] == [
        "Référence",
        "Titre",
        "Type",
        "Rubrique",
        "Auteur",
        "Estimation de l'auteur (€)",
        "Commune",
        "Lieu",
        "Statut",
    ]
    assert rows[1] == [
        "P-0001",
        "Terrain, vestiaires",
        "Projet",
        "Sport",
        "Jeanne D.",
        "50000.00",
        "Lorme-le-Bas",
        "Stade municipal",
        "retenu",
    ]
    assert [row[0] for row in rows[1:]] == ["P-0001", "P-0002", "P-0003", "P-0004", "P-0005"]
    assert [row[8] for row in rows[1:]] == [
        "retenu",
        "non retenu — ne tient pas dans l'enveloppe restante",
        "non retenu — sous le seuil",
        "Non faisable",
        "retenu",
    ]
    assert "Proposition masquée" not in response.content.decode()


def test_the_instructions_csv_holds_the_validated_ones_without_internal_fields(client):
    s = opendata_campaign()

    rows = read_csv(client.get(file_url(s.campaign, "instructions")))

    assert rows[0] == [
        "Référence",
        "Titre",
        "Rubrique",
        "Avis",
        "Coût instruit (€)",
        "Coût de fonctionnement induit (€ par an)",
        "Économie nette instruite (€ par an)",
        "dont effets directs (€ par an)",
        "dont effets induits (€ par an)",
        "Durée de réalisation",
        "Conditions",
        "Motivation publique",
        "Validée le",
    ]
    today = timezone.now().date().isoformat()
    assert rows[1] == [
        "P-0001",
        "Terrain, vestiaires",
        "Sport",
        "Faisable",
        "60000.50",
        "2000.00",
        "",
        "",
        "",
        "6 mois",
        "",
        "Instruite.",
        today,
    ]
    assert rows[3][3] == "Faisable sous conditions"
    assert rows[3][10] == "Sous réserve du permis."
    assert rows[4][3:5] == ["Non faisable", ""]
    assert rows[4][11] == "Hors de portée du budget."
    assert rows[5][4:9] == ["", "", "15000.00", "10000.00", "5000.00"]


def test_an_unvalidated_instruction_is_not_published(client):
    s = opendata_campaign()
    Instruction.objects.filter(proposal=s.p4).update(
        validation=Instruction.Validation.SUBMITTED, public_reasoning="Pas encore validée."
    )

    body = client.get(file_url(s.campaign, "instructions")).content.decode()

    assert "P-0004" not in body
    assert "Pas encore validée." not in body


def test_the_results_csv_follows_the_tally_of_each_category(client):
    s = opendata_campaign()

    rows = read_csv(client.get(file_url(s.campaign, "resultats")))

    assert rows == [
        [
            "Rubrique",
            "Rang",
            "Référence",
            "Titre",
            "Voix",
            "Montant (€)",
            "Statut",
            "Enveloppe restante après (€)",
            "Économie cumulée (€ par an)",
        ],
        [
            "Sport",
            "1",
            "P-0001",
            "Terrain, vestiaires",
            "3",
            "60000.50",
            "retenu",
            "39999.50",
            "",
        ],
        [
            "Sport",
            "2",
            "P-0002",
            "Piste",
            "2",
            "50000.00",
            "non retenu — ne tient pas dans l'enveloppe restante",
            "39999.50",
            "",
        ],
        [
            "Sport",
            "3",
            "P-0003",
            "Tribune",
            "1",
            "30000.00",
            "non retenu — sous le seuil",
            "39999.50",
            "",
        ],
        ["Économies", "1", "P-0005", "Éclairage", "2", "15000.00", "retenu", "", "15000.00"],
    ]


def test_the_votes_csv_counts_each_proposal_per_channel_without_void_ballots(client):
    s = opendata_campaign()

    rows = read_csv(client.get(file_url(s.campaign, "voix")))

    assert rows == [
        ["Référence", "Titre", "Rubrique", "En ligne", "Code de vote", "Papier", "Import", "Total"],
        ["P-0001", "Terrain, vestiaires", "Sport", "1", "1", "1", "0", "3"],
        ["P-0002", "Piste", "Sport", "2", "0", "0", "0", "2"],
        ["P-0003", "Tribune", "Sport", "1", "0", "0", "0", "1"],
        ["P-0005", "Éclairage", "Économies", "2", "0", "0", "0", "2"],
    ]


def test_the_statistics_csv_hides_cells_under_five_people(client):
    s = opendata_campaign()

    rows = read_csv(client.get(file_url(s.campaign, "statistiques")))

    assert rows[0] == ["Code du tableau", "Tableau", "Ligne", "Colonne", "Valeur"]
    assert len(rows) > 20
    assert {row[0] for row in rows[1:]} >= {"participants", "age", "gender", "commune", "funnel"}
    assert "< 5" in [row[4] for row in rows[1:]]
    # Every group of people in this small campaign is under 5: no 1, 2, 3 or 4 is written
    # (the funnel counts proposals, not people).
    people = [row[4] for row in rows[1:] if row[0] != "funnel"]
    assert not {"1", "2", "3", "4"} & set(people)


# --- formats ---------------------------------------------------------------------------------


def test_the_semicolon_option_gives_a_bom_semicolons_and_decimal_commas(client):
    s = opendata_campaign()

    response = client.get(file_url(s.campaign, "resultats") + "?sep=semicolon")

    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Rubrique;Rang;Référence;Titre;Voix;Montant (€)")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1][:6] == ["Sport", "1", "P-0001", "Terrain, vestiaires", "3", "60000,50"]
    assert rows[1][7] == "39999,50"


def test_a_comma_in_a_value_is_quoted_in_the_comma_separated_file(client):
    s = opendata_campaign()

    response = client.get(file_url(s.campaign, "propositions"))

    assert b'P-0001,"Terrain, vestiaires",Projet' in response.content


@pytest.mark.parametrize(
    ("dataset", "title", "money"),
    [
        ("propositions", "Propositions", [6]),
        ("instructions", "Instructions publiques", [5, 6, 7, 8, 9]),
        ("resultats", "Résultats", [6, 8, 9]),
        ("voix", "Voix par proposition et par canal", []),
        ("statistiques", "Statistiques de participation", []),
    ],
)
def test_each_workbook_has_a_bold_frozen_header_numbers_and_a_licence_sheet(
    client, dataset, title, money
):
    s = opendata_campaign()

    response = client.get(file_url(s.campaign, dataset, "xlsx"))

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert f'filename="{s.campaign.slug}-{dataset}.xlsx"' in response["Content-Disposition"]
    book = workbook(response)
    assert book.sheetnames == [title[:31], "Licence"]
    sheet = book[title[:31]]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    csv_rows = read_csv(client.get(file_url(s.campaign, dataset)))
    assert [cell.value for cell in sheet[1]] == csv_rows[0]
    assert sheet.max_row == len(csv_rows)
    for column in money:
        cells = [row[column - 1] for row in sheet.iter_rows(min_row=2)]
        assert all(cell.number_format == EURO_FORMAT for cell in cells)
        assert all(cell.value is None or isinstance(cell.value, int | float) for cell in cells)
    licence = {row[0]: row[1] for row in book["Licence"].iter_rows(values_only=True)}
    assert licence["Licence"] == LICENCE
    assert licence["Texte de la licence"] == LICENCE_URL
    assert licence["Producteur"] == s.campaign.authority.name
    assert licence["Date des données"] == timezone.localdate().isoformat()


def test_the_workbook_writes_counts_and_amounts_as_numbers(client):
    s = opendata_campaign()

    sheet = workbook(client.get(file_url(s.campaign, "resultats", "xlsx")))["Résultats"]

    assert [cell.value for cell in sheet[2]] == [
        "Sport",
        1,
        "P-0001",
        "Terrain, vestiaires",
        3,
        60000.5,
        "retenu",
        39999.5,
        None,
    ]
