"""Importing the council's answers from a spreadsheet: the answer sheet offered for download,
or the council report's sheet with the two added columns; all or nothing."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from budget.roles import FINANCE, INSTRUCTOR, MODERATOR
from tests.budget.files.bombs import zip_bomb
from tests.factories import make_user
from tests.votes.council.test_answers_services import Council, answer_all, council_campaign
from votes.campaigns.models import Campaign, Phase
from votes.council import answers as services
from votes.council.models import CouncilAnswer
from votes.council.report import council_workbook
from votes.council.services import council_data

pytestmark = pytest.mark.django_db

Decision = CouncilAnswer.Decision
HEADER = [
    "Référence",
    "Titre",
    "Rubrique",
    "Résultat",
    "Décision",
    "Réponse argumentée",
    "Référence de la délibération",
    "Date de la délibération",
]
EXPECTED = "Adoptée, Adoptée avec modifications, Reportée, Rejetée"


def workbook_bytes(rows: list[list], *, header=HEADER, above: int = 0, title="Avis du conseil"):
    """A workbook whose header row comes after `above` lines of titles."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for index in range(above):
        sheet.append([f"Titre du rapport, ligne {index + 1}"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row(reference, decision="Adoptée", answer="Le conseil adopte.", ref="", day=None, title=""):
    return [reference, title, "", "", decision, answer, ref, day]


def _import(c: Council, data: bytes, by=None):
    return services.council_answers_import(campaign=c.campaign, data=data, by=by or c.admin)


def messages(report) -> list[str]:
    return [error.message for error in report.errors]


# --- good files -------------------------------------------------------------------------------


def test_the_downloaded_sheet_is_prefilled_and_reads_back():
    c = council_campaign()
    answer_all(c, skip=(3, 4, 5))
    results = {1: "retenu", 2: "non retenu — ne tient pas dans l'enveloppe restante"}
    data = services.council_answers_sheet(campaign=c.campaign, by=c.admin, results=results)
    book = load_workbook(io.BytesIO(data))
    sheet = book["Avis du conseil"]
    assert [cell.value for cell in sheet[1]] == HEADER
    assert [cell.value for cell in sheet[2]][:6] == [
        "P-0001",
        "Proposition 1",
        "Sport",
        "retenu",
        "Adoptée",
        "Réponse à la proposition 1.",
    ]
    assert sheet["H2"].number_format == "dd/mm/yyyy"
    assert sheet.freeze_panes == "B2"
    assert sheet["A1"].font.bold
    assert [sheet.cell(row=r, column=1).value for r in range(2, 7)] == [
        "P-0001",
        "P-0002",
        "P-0003",
        "P-0004",
        "P-0005",
    ]
    assert sheet["E4"].value is None
    sheet["E4"], sheet["F4"] = "reportée", "À revoir au prochain budget."
    sheet["H4"] = datetime(2025, 12, 1)
    buffer = io.BytesIO()
    book.save(buffer)

    report = _import(c, buffer.getvalue())

    assert report.ok, messages(report)
    assert report.created == ["P-0003"]
    assert report.unchanged == 2
    assert report.skipped == 2
    answer = CouncilAnswer.objects.get(proposal=c.p3)
    assert (answer.decision, answer.answer, answer.deliberation_date) == (
        Decision.DEFERRED,
        "À revoir au prochain budget.",
        date(2025, 12, 1),
    )


def test_the_council_report_sheet_with_two_added_columns_is_read():
    c = council_campaign()
    data, snapshot = council_data(c.campaign)
    book = load_workbook(io.BytesIO(council_workbook(data, fingerprint=snapshot.sha256)))
    sheet = book["Propositions et instruction"]
    header_row = next(r for r in range(1, 11) if "Référence" in [cell.value for cell in sheet[r]])
    last = sheet.max_column
    sheet.cell(row=header_row, column=last + 1, value="Décision")
    sheet.cell(row=header_row, column=last + 2, value="Réponse argumentée")
    sheet.cell(row=header_row, column=last + 3, value="Date de la délibération")
    for offset, (decision, answer) in enumerate(
        [
            ("Adoptée", "Adoptée."),
            ("ADOPTEE AVEC MODIFICATIONS", "Adoptée, ailleurs."),
            ("rejected", "Trop cher."),
        ]
    ):
        line = header_row + 1 + offset
        sheet.cell(row=line, column=last + 1, value=decision)
        sheet.cell(row=line, column=last + 2, value=answer)
        sheet.cell(row=line, column=last + 3, value="15/11/2025")
    buffer = io.BytesIO()
    book.save(buffer)

    report = _import(c, buffer.getvalue())

    assert report.ok, messages(report)
    assert report.created == ["P-0001", "P-0002", "P-0003"]
    assert dict(CouncilAnswer.objects.values_list("proposal__reference", "decision")) == {
        1: Decision.ADOPTED,
        2: Decision.ADOPTED_CHANGED,
        3: Decision.REJECTED,
    }
    assert CouncilAnswer.objects.get(proposal=c.p3).deliberation_date == date(2025, 11, 15)


def test_a_report_downloaded_in_english_imports_back_with_its_english_headers():
    c = council_campaign()
    data, snapshot = council_data(c.campaign)
    with translation.override("en"):
        content = council_workbook(data, fingerprint=snapshot.sha256)
        reference = translation.gettext("Référence")
    assert reference != "Référence"  # the English catalogue translates it
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[2]
    header_row = next(r for r in range(1, 11) if reference in [cell.value for cell in sheet[r]])
    last = sheet.max_column
    sheet.cell(row=header_row, column=last + 1, value="Décision")
    sheet.cell(row=header_row, column=last + 2, value="Réponse argumentée")
    sheet.cell(row=header_row + 1, column=last + 1, value="Reportée")
    sheet.cell(row=header_row + 1, column=last + 2, value="Plus tard.")
    buffer = io.BytesIO()
    book.save(buffer)

    report = _import(c, buffer.getvalue())

    assert report.ok, messages(report)
    assert report.created == ["P-0001"]


def test_the_header_row_is_found_below_the_titles():
    c = council_campaign()
    data = workbook_bytes(
        [row("P-0001"), row("2", "Reportée", "Plus tard.")],
        above=3,
        title="Propositions et instruction",
    )

    report = _import(c, data)

    assert report.ok, messages(report)
    assert report.created == ["P-0001", "P-0002"]


def test_a_partly_filled_sheet_is_imported_in_several_goes():
    c = council_campaign()
    first = workbook_bytes([row("P-0001"), row("P-0002", "", ""), row("P-0003", "", "")])
    second = workbook_bytes([row("P-0001"), row("P-0002", "Rejetée", "Non.")])

    assert _import(c, first).created == ["P-0001"]
    report = _import(c, second)

    assert (report.created, report.unchanged) == (["P-0002"], 1)
    assert CouncilAnswer.objects.count() == 2


def test_an_import_corrects_an_answer():
    c = council_campaign()
    answer_all(c)

    report = _import(c, workbook_bytes([row("P-0004", "Adoptée", "Finalement oui.")]))

    assert report.updated == ["P-0004"]
    assert CouncilAnswer.objects.get(proposal=c.p4).decision == Decision.ADOPTED


# --- bad files: nothing is written --------------------------------------------------------------


def _refused(c: Council, data: bytes) -> list[str]:
    report = _import(c, data)
    assert not report.ok
    assert not CouncilAnswer.objects.exists()
    return messages(report)


def test_it_refuses_a_file_that_is_not_a_workbook():
    c = council_campaign()

    assert _refused(c, b"Reference;Decision\nP-0001;Adoptee\n") == [
        "Le fichier n'est pas un classeur .xlsx (Excel) ou .ods (LibreOffice) lisible "
        "(archive endommagée, classeur protégé par mot de passe ou autre format)."
    ]


def test_it_refuses_an_empty_file():
    c = council_campaign()

    assert _refused(c, b"") == ["Le fichier est vide."]


def test_it_refuses_a_file_too_big(monkeypatch):
    c = council_campaign()
    monkeypatch.setattr(services, "IMPORT_MAX_BYTES", 1000)

    problems = _refused(c, workbook_bytes([row("P-0001")]))

    assert len(problems) == 1
    assert problems[0].startswith("Le fichier pèse")
    assert "au-delà de la limite de 1000" in problems[0]


def test_the_size_limit_is_five_megabytes():
    assert services.IMPORT_MAX_BYTES == 5 * 1024 * 1024


def test_it_refuses_a_zip_bomb_before_inflating_it():
    c = council_campaign()

    problems = _refused(c, zip_bomb([HEADER, row("P-0001")], title="Avis du conseil"))

    assert len(problems) == 1
    assert problems[0].startswith("Le classeur se décompresse ")


def test_it_refuses_rows_past_the_limit_below_the_header(settings):
    c = council_campaign()
    settings.SPREADSHEET_MAX_ROWS = 2

    problems = _refused(c, workbook_bytes([row("P-0001"), row("P-0002")]))

    assert problems == [
        "La feuille « Avis du conseil » dépasse la limite de 2 lignes : le fichier n'est pas "
        "lu. Découpez-le ou retirez les lignes inutiles (vides comprises)."
    ]


def test_it_refuses_a_sheet_without_the_answer_columns():
    c = council_campaign()
    header = ["Référence", "Titre", "Résultat"]

    problems = _refused(
        c, workbook_bytes([["P-0001", "Proposition 1", "retenu"]], header=header, above=2)
    )

    assert problems == [
        "La feuille « Avis du conseil » n'a pas les colonnes « Décision », « Réponse argumentée » "
        ": ajoutez-les à droite du tableau (décision et réponse argumentée de chaque "
        "proposition)."
    ]


def test_it_refuses_a_sheet_without_a_reference_header_in_its_first_rows():
    c = council_campaign()

    problems = _refused(c, workbook_bytes([row("P-0001")], above=10))

    assert "Aucune feuille du classeur n'a, dans ses 10 premières lignes" in problems[0]


def test_it_refuses_an_unknown_decision():
    c = council_campaign()
    data = workbook_bytes([row("P-0001"), row("P-0002", "Peut-être")], above=5)

    assert _refused(c, data) == [
        f"Ligne 8 (P-0002) : décision « Peut-être » inconnue ; attendu : {EXPECTED}."
    ]


def test_it_refuses_an_answer_without_decision_and_a_decision_without_answer():
    c = council_campaign()
    data = workbook_bytes([row("P-0001", "", "Une réponse."), row("P-0002", "Adoptée", "  ")])

    assert _refused(c, data) == [
        f"Ligne 2 (P-0001) : décision manquante ; attendu : {EXPECTED}.",
        "Ligne 3 (P-0002) : réponse argumentée manquante : le conseil motive chacune de ses "
        "décisions.",
    ]


def test_it_refuses_an_unknown_reference():
    c = council_campaign()
    data = workbook_bytes([row("P-0001"), row("P-0042"), row("Total")])

    assert _refused(c, data) == [
        "Ligne 3 (P-0042) : aucune proposition de cette campagne ne porte cette référence.",
        "Ligne 4 : « Total » n'est pas une référence de proposition (par exemple P-0042).",
    ]


def test_it_refuses_a_proposal_that_was_not_sent_to_the_council():
    c = council_campaign()

    assert _refused(c, workbook_bytes([row(c.p6.public_reference)])) == [
        f"Ligne 2 ({c.p6.public_reference}) : cette proposition n'a pas été transmise au "
        "conseil (masquée ou retirée) : elle n'appelle pas d'avis."
    ]


def test_it_refuses_a_duplicate_reference():
    c = council_campaign()
    data = workbook_bytes([row("P-0001"), row("P-0002"), row("p1", "Rejetée", "Non.")])

    assert _refused(c, data) == ["Ligne 4 (P-0001) : la proposition figure déjà à la ligne 2."]


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ("32/13/2025", "date de délibération « 32/13/2025 » illisible ; attendu : JJ/MM/AAAA."),
        ("bientôt", "date de délibération « bientôt » illisible ; attendu : JJ/MM/AAAA."),
    ],
)
def test_it_refuses_a_bad_date(cell, problem):
    c = council_campaign()

    assert _refused(c, workbook_bytes([row("P-0001", day=cell)])) == [
        f"Ligne 2 (P-0001) : {problem}"
    ]


def test_it_refuses_a_date_in_the_future():
    c = council_campaign()
    tomorrow = timezone.localdate() + timedelta(days=1)

    assert _refused(c, workbook_bytes([row("P-0001", day=tomorrow)])) == [
        f"Ligne 2 (P-0001) : la date de délibération {tomorrow:%d/%m/%Y} est dans le futur."
    ]


def test_it_refuses_a_sheet_of_another_campaign_by_its_titles():
    c = council_campaign()
    data = workbook_bytes([row("P-0001", title="Piscine municipale")])

    assert _refused(c, data) == [
        "Ligne 2 (P-0001) : le titre « Piscine municipale » n'est pas celui de la proposition "
        "de cette campagne (« Proposition 1 ») : ce tableur est-il celui d'une autre campagne ?"
    ]


def test_it_refuses_the_answer_sheet_of_another_campaign():
    c = council_campaign()
    other = council_campaign()
    data = services.council_answers_sheet(campaign=other.campaign, by=other.admin, results={})
    book = load_workbook(io.BytesIO(data))
    book.active["E2"], book.active["F2"] = "Adoptée", "Oui."
    buffer = io.BytesIO()
    book.save(buffer)

    problems = _refused(c, buffer.getvalue())

    assert problems == [
        f"Ce tableur a été téléchargé pour une autre campagne (« {other.campaign.slug} ») : "
        f"téléchargez celui de la campagne « {c.campaign.title} »."
    ]


def test_one_bad_row_keeps_every_good_row_out():
    c = council_campaign()
    data = workbook_bytes([row("P-0001"), row("P-0002"), row("P-0003", "Oui")])

    problems = _refused(c, data)

    assert len(problems) == 1


def test_it_refuses_outside_the_council_phase():
    c = council_campaign()
    Campaign.objects.filter(pk=c.campaign.pk).update(phase=Phase.ANSWERED)
    c.campaign.refresh_from_db()

    with pytest.raises(ValidationError) as error:
        _import(c, workbook_bytes([row("P-0001")]))

    assert "sont publiés : ils ne peuvent plus être modifiés" in error.value.messages[0]
    assert not CouncilAnswer.objects.exists()


@pytest.mark.parametrize("roles", [(), (INSTRUCTOR,), (FINANCE,), (MODERATOR,)])
def test_only_an_administrator_imports(roles):
    c = council_campaign()

    with pytest.raises(PermissionDenied):
        _import(c, workbook_bytes([row("P-0001")]), by=make_user(roles=roles))

    assert not CouncilAnswer.objects.exists()
