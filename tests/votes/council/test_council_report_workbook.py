"""The council file (issue 6 §2): sheets, headers, values and formats, draft vs final."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from budget.roles import ADMINISTRATOR
from tests.factories import make_user
from tests.votes.factories import make_campaign, make_category
from tests.votes.results.test_results_services import cast, on_ballot, projects_campaign
from votes.campaigns.models import Campaign, Phase
from votes.campaigns.workflow import council_send
from votes.council.models import CouncilSnapshot
from votes.council.report import council_workbook
from votes.council.report_tables import COUNT_FORMAT, MONEY_FORMAT
from votes.council.services import council_data, snapshot_text
from votes.instruction.models import Instruction
from votes.proposals.models import Proposal

pytestmark = pytest.mark.django_db

SHEETS = [
    "Synthèse",
    "Résultats",
    "Propositions et instruction",
    "Conséquences budgétaires",  # the campaign has a budget (issue 16 §7)
    "Participation",
    "Méthode",
]
PROPOSAL_HEADERS = [
    "Référence",
    "Titre",
    "Type",
    "Rubrique",
    "Estimation de l'auteur",
    "Montant instruit",
    "Coûts induits (fonctionnement/an)",
    "Faisabilité",
    "Motivation",
    "Conditions",
    "Voix en ligne",
    "Voix par code",
    "Voix papier",
    "Voix importées",
    "Total des voix",
    "Résultat",
]


@dataclass
class Savings:
    campaign: Campaign
    s1: Proposal
    s2: Proposal
    s3: Proposal


def savings_campaign() -> Savings:
    """Target 100,000 €/year, not reached: S1 30,000.50 (3 voices), S2 40,000 (2), S3 20,000
    (1) are all selected, 90,000.50 saved, 9,999.50 missing."""
    campaign = make_campaign(
        kind=Campaign.Kind.SAVINGS, phase=Phase.TALLY, min_voter_age=18, max_categories_per_voter=2
    )
    category = make_category(campaign, name="Énergie", savings_target=Decimal(100000))
    s1 = on_ballot(campaign, category, cost=Decimal("30000.50"))
    s2 = on_ballot(campaign, category, cost=Decimal(40000))
    s3 = on_ballot(campaign, category, cost=Decimal(20000))
    cast(campaign, [s1, s2, s3])
    cast(campaign, [s1, s2])
    cast(campaign, [s1], channel="code")
    return Savings(campaign, s1, s2, s3)


def workbook(campaign: Campaign):
    data, snapshot = council_data(campaign)
    content = council_workbook(data, fingerprint=snapshot.sha256 if snapshot else None)
    return load_workbook(io.BytesIO(content))


def send(campaign: Campaign) -> CouncilSnapshot:
    return council_send(campaign=campaign, by=make_user(roles=(ADMINISTRATOR,)))


def header_row(sheet, first: str) -> int:
    for row in sheet.iter_rows(max_row=sheet.max_row):
        if row[0].value == first:
            return row[0].row
    raise AssertionError(f"no row starts with {first!r} in {sheet.title}")


def table(sheet, first: str) -> list[dict]:
    """The rows under the header row starting with ``first``, up to the next blank row."""
    header = header_row(sheet, first)
    names = [cell.value for cell in sheet[header] if cell.value is not None]
    rows = []
    for row in sheet.iter_rows(min_row=header + 1):
        if row[0].value is None:
            break
        rows.append({name: cell for name, cell in zip(names, row, strict=False)})
    return rows


def texts(sheet, rows: int) -> str:
    return " ".join(
        str(value)
        for row in sheet.iter_rows(max_row=rows, values_only=True)
        for value in row
        if value is not None
    )


def test_the_workbook_has_its_six_sheets_in_order():
    s = projects_campaign()

    assert workbook(s.campaign).sheetnames == SHEETS


def test_every_sheet_says_provisoire_before_the_results_are_sent():
    s = projects_campaign()

    book = workbook(s.campaign)

    for sheet in book.worksheets:
        top = texts(sheet, 3)
        assert "PROVISOIRE" in top, sheet.title
        assert "les résultats n'ont pas été transmis au conseil" in top, sheet.title


def test_once_sent_every_sheet_shows_the_fingerprint_and_the_sending_date():
    s = projects_campaign()
    snapshot = send(s.campaign)

    book = workbook(s.campaign)

    for sheet in book.worksheets:
        top = texts(sheet, 4)
        assert "PROVISOIRE" not in top, sheet.title
        assert snapshot.sha256 in top, sheet.title
        assert "Rapport définitif, transmis au conseil le" in top, sheet.title
    method = {
        row["Élément"].value: row["Valeur"].value for row in table(book["Méthode"], "Élément")
    }
    assert method["Empreinte SHA-256"] == snapshot.sha256


def test_a_stored_snapshot_gives_the_same_final_report():
    s = projects_campaign()
    data, _ = council_data(s.campaign)
    text = snapshot_text(data)
    snapshot = CouncilSnapshot.objects.create(
        campaign=s.campaign,
        content=text,
        sha256=CouncilSnapshot.fingerprint(text),
        created_by=make_user(),
    )

    book = workbook(s.campaign)

    assert snapshot.sha256 in texts(book["Résultats"], 4)


def test_the_final_report_is_read_from_the_snapshot_not_from_the_database():
    s = projects_campaign()
    send(s.campaign)
    Proposal.objects.filter(pk=s.p1.pk).update(title="Titre changé après l'envoi")

    rows = table(workbook(s.campaign)["Propositions et instruction"], "Référence")

    assert rows[0]["Titre"].value == "Proposition 1"


def test_the_proposals_sheet_has_every_proposal_with_its_instruction_and_votes():
    s = projects_campaign()
    Instruction.objects.filter(proposal=s.p1).update(
        induced_operating_cost=Decimal("1200.50"), conditions="Accord du propriétaire."
    )

    sheet = workbook(s.campaign)["Propositions et instruction"]

    header = header_row(sheet, "Référence")
    assert [cell.value for cell in sheet[header]] == PROPOSAL_HEADERS
    rows = table(sheet, "Référence")
    assert [row["Référence"].value for row in rows] == [
        "P-0001",
        "P-0002",
        "P-0003",
        "P-0004",
        "P-0005",
    ]
    first = {name: cell.value for name, cell in rows[0].items()}
    assert first == {
        "Référence": "P-0001",
        "Titre": "Proposition 1",
        "Type": "Projet",
        "Rubrique": "Sport",
        "Estimation de l'auteur": 50000,
        "Montant instruit": 60000,
        "Coûts induits (fonctionnement/an)": 1200.5,
        "Faisabilité": "Faisable",
        "Motivation": "Instruite.",
        "Conditions": "Accord du propriétaire.",
        "Voix en ligne": 3,
        "Voix par code": 1,
        "Voix papier": 1,
        "Voix importées": 0,
        "Total des voix": 5,
        "Résultat": "retenu",
    }
    # P-0005's instruction is not validated: no public instruction, not on the ballot.
    last = {name: cell.value for name, cell in rows[4].items()}
    assert last["Faisabilité"] == "Instruction non validée"
    assert last["Montant instruit"] is None
    assert last["Résultat"] == "Pas sur le bulletin"
    assert rows[3]["Résultat"].value == "non retenu — sous le seuil"


def test_the_results_sheet_follows_the_rank_with_the_envelope_left():
    s = projects_campaign()

    rows = table(workbook(s.campaign)["Résultats"], "Rubrique")

    assert [
        (
            r["Rubrique"].value,
            r["Rang"].value,
            r["Référence"].value,
            r["Voix (total)"].value,
            r["Voix en ligne"].value,
            r["Voix par code"].value,
            r["Voix papier"].value,
            r["Montant (€)"].value,
            r["Statut"].value,
            r["Enveloppe restante après (€)"].value,
        )
        for r in rows
    ] == [
        ("Sport", 1, "P-0001", 5, 3, 1, 1, 60000, "retenu", 40000),
        ("Sport", 2, "P-0003", 4, 4, 0, 0, 30000, "retenu", 10000),
        (
            "Sport",
            3,
            "P-0002",
            4,
            4,
            0,
            0,
            50000,
            "non retenu — ne tient pas dans l'enveloppe restante",
            10000,
        ),
        ("Sport", 4, "P-0004", 1, 1, 0, 0, 10000, "non retenu — sous le seuil", 10000),
    ]
    assert rows[0]["Titre"].value == "Proposition 1"


def test_a_savings_campaign_shows_the_cumulative_saving_and_the_gap():
    s = savings_campaign()

    book = workbook(s.campaign)

    results = table(book["Résultats"], "Rubrique")
    assert [r["Économie cumulée (€ par an)"].value for r in results] == [
        30000.5,
        70000.5,
        90000.5,
    ]
    assert all(r["Enveloppe restante après (€)"].value is None for r in results)
    (category,) = table(book["Synthèse"], "Rubrique")
    assert category["Type"].value == "Économies"
    assert category["Enveloppe ou objectif (€)"].value == 100000
    assert category["Engagé ou économisé (€)"].value == 90000.5
    assert category["Objectif atteint"].value == "non"
    assert category["Écart à l'objectif (€ par an)"].value == 9999.5
    assert category["Propositions retenues"].value == 3
    proposals = table(book["Propositions et instruction"], "Référence")
    assert proposals[0]["Type"].value == "Économie"
    assert proposals[0]["Montant instruit"].value == 30000.5


def test_the_synthese_gives_the_campaign_the_ballots_per_channel_and_each_category():
    s = projects_campaign()

    sheet = workbook(s.campaign)["Synthèse"]

    facts = {row["Élément"].value: row["Valeur"].value for row in table(sheet, "Élément")}
    assert facts["Campagne"] == s.campaign.title
    assert facts["Type de campagne"] == "Budget participatif (projets)"
    assert facts["Règle de dépouillement"] == "Par nombre de voix dans l'enveloppe (glouton)"
    assert facts["Propositions sur le bulletin"] == 4
    assert facts["Propositions retenues"] == 2
    # See projects_campaign: 5 online, 1 code, 1 valid and 1 void paper ballot.
    channels = {
        row["Canal"].value: (
            row["Bulletins valides"].value,
            row["Bulletins nuls (comptés à part)"].value,
            row["Total"].value,
        )
        for row in table(sheet, "Canal")
    }
    assert channels == {
        "En ligne": (5, 0, 5),
        "Code de vote": (1, 0, 1),
        "Papier": (1, 1, 2),
        "Import": (0, 0, 0),
        "Total": (7, 1, 8),
    }
    (category,) = table(sheet, "Rubrique")
    assert [cell.value for cell in category.values()] == [
        "Sport",
        "Projets",
        100000,
        90000,
        10000,
        "—",
        None,
        4,
        2,
    ]
    # The envelope chart as a table: the selected projects in order, then what is left.
    selection = table(sheet, "Référence")
    assert [(r["Référence"].value, r["Montant (€)"].value) for r in selection] == [
        ("P-0001", 60000),
        ("P-0003", 30000),
        ("Reste", 10000),
    ]


def test_money_cells_are_numbers_in_euros_and_counts_are_whole_numbers():
    s = savings_campaign()

    book = workbook(s.campaign)

    proposals = table(book["Propositions et instruction"], "Référence")
    money = proposals[0]["Montant instruit"]
    assert money.data_type == "n"
    assert money.value == 30000.5
    assert money.number_format == MONEY_FORMAT
    assert "€" in money.number_format
    assert proposals[0]["Estimation de l'auteur"].number_format == MONEY_FORMAT
    assert proposals[0]["Total des voix"].number_format == COUNT_FORMAT
    results = table(book["Résultats"], "Rubrique")
    assert results[0]["Montant (€)"].number_format == MONEY_FORMAT
    assert results[0]["Économie cumulée (€ par an)"].number_format == MONEY_FORMAT
    assert results[0]["Voix (total)"].number_format == COUNT_FORMAT
    (category,) = table(book["Synthèse"], "Rubrique")
    assert category["Écart à l'objectif (€ par an)"].number_format == MONEY_FORMAT


def test_the_headers_are_bold_on_a_fill_and_long_texts_wrap():
    s = projects_campaign()

    sheet = workbook(s.campaign)["Propositions et instruction"]

    header = header_row(sheet, "Référence")
    for cell in sheet[header]:
        assert cell.font.bold
        assert cell.fill.fgColor.rgb.endswith("DCE3EE")
    rows = table(sheet, "Référence")
    assert rows[0]["Motivation"].alignment.wrap_text
    assert sheet.column_dimensions["I"].width == 50  # Motivation
    assert sheet.column_dimensions["A"].width == 11


@pytest.mark.parametrize(
    "name, first, last_column",
    [("Résultats", "Rubrique", "M"), ("Propositions et instruction", "Référence", "P")],
)
def test_the_tables_freeze_their_header_row_and_filter_their_data(name, first, last_column):
    s = projects_campaign()

    sheet = workbook(s.campaign)[name]

    header = header_row(sheet, first)
    assert sheet.freeze_panes == f"A{header + 1}"
    assert sheet.auto_filter.ref == f"A{header}:{last_column}{sheet.max_row}"


def test_the_sheets_of_several_tables_keep_their_title_and_status_in_view():
    s = projects_campaign()

    book = workbook(s.campaign)

    for name in ("Synthèse", "Participation", "Méthode"):
        assert book[name].freeze_panes == "A3"


def test_suppressed_statistics_read_less_than_five():
    s = projects_campaign()

    sheet = workbook(s.campaign)["Participation"]

    rows = {row["Population"].value: row for row in table(sheet, "Population")}
    # Every author account count here is under 5 people.
    assert rows["Auteurs de propositions"]["Résidents du territoire"].value == "< 5"
    assert "Notes sur les statistiques" in texts(sheet, sheet.max_row)
    channels = {row["Canal"].value: row["Total"].value for row in table(sheet, "Canal")}
    assert channels["Total"] == 8


def test_the_method_sheet_states_the_rules_in_words():
    s = savings_campaign()

    sheet = workbook(s.campaign)["Méthode"]

    rules = {row["Élément"].value: row["Valeur"].value for row in table(sheet, "Élément")}
    assert rules["Type de campagne"] == "Budget participatif inversé (économies)"
    assert "jusqu'à ce que l'économie cumulée atteigne l'objectif" in rules["Rubriques d'économies"]
    assert "la proposition au plus petit montant passe d'abord" in rules["Égalité de voix"]
    assert rules["Rubriques par votant"] == "2 rubriques au plus"
    assert rules["Âge minimum pour voter"] == "18 ans"
    assert rules["Empreinte SHA-256"].startswith("Provisoire")
    (category,) = table(sheet, "Rubrique")
    assert category["Objectif d'économies (€ par an)"].value == 100000
    assert category["Objectif d'économies (€ par an)"].number_format == MONEY_FORMAT
    assert category["Votes par votant au plus"].value == 3
    assert category["Mode enveloppe"].value == "non"
    phases = [row["Phase"].value for row in table(sheet, "Phase")]
    assert "Vote" in phases
    assert "Dépouillement" in phases


def test_the_phase_moves_are_listed_with_their_dates():
    s = projects_campaign(phase=Phase.VOTING)
    from votes.campaigns.workflow import campaign_move

    campaign_move(campaign=s.campaign, to_phase=Phase.TALLY, by=make_user(roles=(ADMINISTRATOR,)))

    rows = table(workbook(s.campaign)["Méthode"], "Le")

    assert [(r["De"].value, r["Vers"].value) for r in rows] == [("Vote", "Dépouillement")]
    assert rows[0]["Le"].is_date
    assert rows[0]["Le"].number_format == "DD/MM/YYYY HH:MM"


def test_no_cell_holds_a_formula_even_from_a_title_that_looks_like_one():
    s = projects_campaign()
    Campaign.objects.filter(pk=s.campaign.pk).update(title="=1+1")
    Proposal.objects.filter(pk=s.p1.pk).update(title="=SUM(A1:A2)")
    s.campaign.refresh_from_db()

    book = workbook(s.campaign)

    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
    rows = table(book["Propositions et instruction"], "Référence")
    assert rows[0]["Titre"].value == "=SUM(A1:A2)"


def test_the_workbook_names_its_campaign_for_the_answers_import():
    s = projects_campaign()

    book = workbook(s.campaign)

    assert book.properties.identifier == f"arbitrages-avis:{s.campaign.slug}"
    assert book.properties.title == f"Rapport au conseil — {s.campaign.title}"
