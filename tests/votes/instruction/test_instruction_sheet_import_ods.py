"""instruction_sheet_import with an OpenDocument sheet (.ods, issue 17): the same edits give
the same instructions as the .xlsx, written here or saved by LibreOffice."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from budget.spreadsheets import writer
from tests.budget.spreadsheets.printing import convert
from tests.votes.instruction.test_instruction_sheet_import import World, edited
from votes.instruction.models import Instruction
from votes.instruction.sheet import SHEET
from votes.instruction.sheet_services import instruction_sheet_export, instruction_sheet_import

pytestmark = pytest.mark.django_db

Status = Instruction.Status
EDITS = {
    (2, "avis"): "Faisable",
    (2, "cout_instruit"): "80 000,50",
    (2, "echeancier"): "2027 : 50000 ; 2028 : 30000,50",
    (2, "motivation_publique"): "Faisable en deux tranches.\nVoir le plan.",
    (3, "avis"): "Non faisable",
    (3, "motivation_publique"): "Hors compétence communale : voir la métropole.",
}


def as_ods(xlsx: bytes) -> bytes:
    """The same sheet written by our ODS writer: every value as the XLSX holds it."""
    sheet = load_workbook(io.BytesIO(xlsx))[SHEET]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    columns = [writer.Column(str(header)) for header in rows[0]]
    return writer.ods_bytes([writer.Sheet(SHEET, columns, rows[1:])])


def applied(world: World, data: bytes) -> tuple[list[str], list[tuple]]:
    """The import's problems and the instructions it left (then put back as exported)."""
    before = {i.pk: i for i in Instruction.objects.all()}
    report = instruction_sheet_import(campaign=world.campaign, data=data, by=world.admin)
    after = world.snapshot()
    for instruction in before.values():
        instruction.save()
    return [error.message for error in report.errors], after


def test_an_ods_sheet_imports_as_the_xlsx_one():
    world = World()
    xlsx = edited(world.export(), EDITS)

    xlsx_errors, xlsx_state = applied(world, xlsx)
    ods_errors, ods_state = applied(world, as_ods(xlsx))

    assert xlsx_errors == ods_errors == []
    assert ods_state == xlsx_state
    assert [row[0] for row in ods_state] == [Status.FEASIBLE, Status.NOT_FEASIBLE]


def test_the_exported_ods_reads_back_unchanged():
    world = World()
    ods = instruction_sheet_export(campaign=world.campaign, by=world.admin, file_format="ods")

    errors, state = applied(world, ods)

    assert errors == []
    assert state == world.snapshot()


@pytest.mark.libreoffice
def test_a_sheet_saved_by_libreoffice_as_ods_imports_as_the_xlsx(tmp_path):
    world = World()
    xlsx = edited(world.export(), EDITS)
    saved = convert(xlsx, "xlsx", "ods", tmp_path)

    xlsx_errors, xlsx_state = applied(world, xlsx)
    ods_errors, ods_state = applied(world, saved)

    assert xlsx_errors == ods_errors == []
    assert ods_state == xlsx_state
