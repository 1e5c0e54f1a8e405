"""The council's answers imported from an OpenDocument sheet (.ods, issue 17): the same rows
give the same answers as the .xlsx, whether the sheet was written here or saved by LibreOffice."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from budget.spreadsheets import writer
from tests.budget.spreadsheets.printing import convert
from tests.votes.council.test_answers_services import council_campaign
from votes.council import answer_sheet
from votes.council import answers as services
from votes.council.models import CouncilAnswer

pytestmark = pytest.mark.django_db

Decision = CouncilAnswer.Decision
DECISIONS = [str(label) for _value, label in Decision.choices]


def filled_rows(c) -> list[answer_sheet.AnswerRow]:
    return [
        answer_sheet.AnswerRow(
            reference="P-0001",
            title="Proposition 1",
            category="Sport",
            result="retenu",
            decision="Adoptée",
            answer="Le conseil adopte.\nTravaux  en 2027 : « tranche 1 ».",
            deliberation_reference="DEL-2025-12",
            deliberation_date=date(2025, 12, 1),
        ),
        answer_sheet.AnswerRow(
            reference="P-0002",
            title="Proposition 2",
            category="Sport",
            result="",
            decision="reportée",
            answer="=À revoir au prochain budget.",
        ),
        # Neither decision nor answer: skipped, as in the .xlsx.
        answer_sheet.AnswerRow(
            reference="P-0003", title="Proposition 3", category="Sport", result=""
        ),
    ]


def sheet_bytes(c, file_format: str) -> bytes:
    return answer_sheet.build_sheet(
        filled_rows(c),
        decisions=DECISIONS,
        campaign_slug=c.campaign.slug,
        title=c.campaign.title,
        file_format=file_format,
    )


def imported(c, data: bytes) -> tuple[services.ImportReport, set[tuple]]:
    """The import's report and the answers it left, then the answers removed for the next."""
    report = services.council_answers_import(campaign=c.campaign, data=data, by=c.admin)
    answers = set(
        CouncilAnswer.objects.values_list(
            "proposal__reference",
            "decision",
            "answer",
            "deliberation_reference",
            "deliberation_date",
        )
    )
    CouncilAnswer.objects.all().delete()
    return report, answers


def test_an_ods_answer_sheet_imports_as_the_xlsx_one():
    c = council_campaign()

    xlsx_report, xlsx_answers = imported(c, sheet_bytes(c, writer.XLSX))
    ods_report, ods_answers = imported(c, sheet_bytes(c, writer.ODS))

    assert xlsx_report.ok and ods_report.ok, (xlsx_report.errors, ods_report.errors)
    assert (ods_report.created, ods_report.skipped) == (xlsx_report.created, xlsx_report.skipped)
    assert (
        ods_answers
        == xlsx_answers
        == {
            (
                1,
                Decision.ADOPTED,
                "Le conseil adopte.\nTravaux  en 2027 : « tranche 1 ».",
                "DEL-2025-12",
                date(2025, 12, 1),
            ),
            (2, Decision.DEFERRED, "=À revoir au prochain budget.", "", None),
        }
    )


def test_the_ods_sheet_names_its_campaign_and_another_one_is_refused():
    c = council_campaign()
    other = council_campaign()
    data = sheet_bytes(other, writer.ODS)

    report = services.council_answers_import(campaign=c.campaign, data=data, by=c.admin)

    assert [error.message for error in report.errors] == [
        f"Ce tableur a été téléchargé pour une autre campagne (« {other.campaign.slug} ») : "
        f"téléchargez celui de la campagne « {c.campaign.title} »."
    ]
    assert not CouncilAnswer.objects.exists()


def test_a_broken_ods_is_refused_and_nothing_is_written():
    c = council_campaign()
    data = sheet_bytes(c, writer.ODS)
    broken = data[: len(data) // 2]

    report = services.council_answers_import(campaign=c.campaign, data=broken, by=c.admin)

    assert [error.message for error in report.errors] == [
        "Le fichier n'est pas un classeur .xlsx (Excel) ou .ods (LibreOffice) lisible "
        "(archive endommagée, classeur protégé par mot de passe ou autre format)."
    ]
    assert not CouncilAnswer.objects.exists()


@pytest.mark.libreoffice
def test_a_sheet_saved_by_libreoffice_as_ods_imports_as_the_xlsx(tmp_path):
    c = council_campaign()
    downloaded = services.council_answers_sheet(campaign=c.campaign, by=c.admin, results={})
    book = load_workbook(io.BytesIO(downloaded))
    sheet = book["Avis du conseil"]
    sheet["E2"], sheet["F2"], sheet["H2"] = "Adoptée", "Oui, en 2027.", "01/12/2025"
    sheet["E4"], sheet["F4"] = "Rejetée", "Trop cher pour\nla commune."
    buffer = io.BytesIO()
    book.save(buffer)
    saved = convert(buffer.getvalue(), "xlsx", "ods", tmp_path)

    xlsx_report, xlsx_answers = imported(c, buffer.getvalue())
    ods_report, ods_answers = imported(c, saved)

    assert xlsx_report.ok and ods_report.ok, (xlsx_report.errors, ods_report.errors)
    assert ods_report.created == xlsx_report.created == ["P-0001", "P-0003"]
    assert ods_answers == xlsx_answers
    assert len(ods_answers) == 2
