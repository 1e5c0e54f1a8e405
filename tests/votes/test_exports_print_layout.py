"""Every XLSX the application writes says how it prints (issue 17), read back with openpyxl:
A4, fitted to one page wide and as many tall as needed, landscape when its columns are wider
than a portrait page, its header rows on every page, a footer naming the campaign, budget or
workshop with the sheet and "page N / M" (and the council file's fingerprint), rows of wrapped
text tall enough, money a number with a euro format.

The files are the real exports, built as the formula injection test builds them (council file,
instruction and finance opinion sheets, answer sheet, results, statistics, open data,
scenario, measure catalogue, simulator parameters, budget lines, panel, workshop summary)."""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable

import pytest
from openpyxl import load_workbook

from budget.models import Budget
from budget.spreadsheets.sheets import PORTRAIT_WIDTH_MAX
from tests.votes import test_exports_formula_injection as exports
from votes.campaigns.models import Campaign
from votes.council.models import CouncilSnapshot
from votes.statistics.tables import Table, statistics_workbook
from votes.workshops.models import Workshop

pytestmark = pytest.mark.django_db

A4 = 9  # openpyxl's (and Excel's) paper size code
STATISTICS_CAMPAIGN = "Budget participatif 2027"


def _names() -> set[str]:
    """Whose files these can be: every campaign, budget and workshop of the test's data."""
    names = {campaign.title for campaign in Campaign.objects.all()}
    names |= {str(budget) for budget in Budget.objects.select_related("authority")}
    names |= {workshop.title for workshop in Workshop.objects.all()}
    return names | {STATISTICS_CAMPAIGN}


def statistics_files(client) -> list:
    tables = [Table("origine", "Origine", ["Commune", "Participants"], [["Nord", 12]])]
    data = statistics_workbook(tables, notes=["Une note."], name=STATISTICS_CAMPAIGN)
    return [exports.xlsx(data)]


EXPORTS: dict[str, Callable] = {
    **{key: value for key, value in exports.EXPORTS.items() if key != "statistics"},
    # The injection test calls the writer without a campaign: this one names it, as the view.
    "statistics": statistics_files,
}


def workbooks(client, export) -> list:
    books = [
        load_workbook(io.BytesIO(produced[1]))
        for produced in export(client)
        if produced[0] == "xlsx"
    ]
    assert books
    return books


def sheets(client, export):
    return [sheet for book in workbooks(client, export) for sheet in book]


@pytest.mark.parametrize("export", EXPORTS.values(), ids=EXPORTS.keys())
def test_every_sheet_prints_on_a4_one_page_wide(client, export):
    for sheet in sheets(client, export):
        setup = sheet.page_setup
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), sheet.title
        assert int(setup.paperSize) == A4, sheet.title


@pytest.mark.parametrize("export", EXPORTS.values(), ids=EXPORTS.keys())
def test_wide_sheets_print_landscape_and_narrow_ones_portrait(client, export):
    for sheet in sheets(client, export):
        width = sum(dimension.width or 0 for dimension in sheet.column_dimensions.values())
        expected = "landscape" if width > PORTRAIT_WIDTH_MAX else "portrait"
        assert sheet.page_setup.orientation == expected, (sheet.title, width)


@pytest.mark.parametrize("export", EXPORTS.values(), ids=EXPORTS.keys())
def test_the_rows_kept_in_view_are_repeated_on_every_printed_page(client, export):
    checked = 0
    for sheet in sheets(client, export):
        if sheet.freeze_panes is None:
            assert sheet.print_title_rows is None, sheet.title
            continue
        frozen = int(re.sub(r"\D", "", sheet.freeze_panes)) - 1
        assert sheet.print_title_rows == f"$1:${frozen}", sheet.title
        checked += 1
    assert checked


@pytest.mark.parametrize("export", EXPORTS.values(), ids=EXPORTS.keys())
def test_the_footer_names_the_file_the_sheet_and_the_page(client, export):
    books = workbooks(client, export)
    names = _names()
    fingerprints = set(CouncilSnapshot.objects.values_list("sha256", flat=True))
    for book in books:
        for sheet in book:
            footer = sheet.oddFooter
            assert footer.center.text == "&A", sheet.title
            assert footer.right.text == "page &P / &N", sheet.title
            left = footer.left.text.replace("&&", "&")
            assert any(name and name in left for name in names), (sheet.title, left, names)
            if (book.properties.title or "").startswith("Rapport au conseil"):
                (fingerprint,) = fingerprints
                assert fingerprint[:8] + " " + fingerprint[8:16] in left


@pytest.mark.parametrize("export", EXPORTS.values(), ids=EXPORTS.keys())
def test_rows_of_wrapped_text_are_tall_enough_to_show_it(client, export):
    for sheet in sheets(client, export):
        for row in sheet.iter_rows():
            for cell in row:
                if not (cell.alignment.wrap_text and isinstance(cell.value, str)):
                    continue
                width = sheet.column_dimensions[cell.column_letter].width or 10
                # At least as many lines as the text's length over what the column holds.
                lines = sum(
                    math.ceil(len(part) / (width * 1.2)) or 1 for part in cell.value.split("\n")
                )
                if lines > 1:
                    height = sheet.row_dimensions[cell.row].height
                    assert height and height >= min(lines * 15, 409), (
                        sheet.title,
                        cell.coordinate,
                        cell.value,
                        height,
                    )


@pytest.mark.parametrize("export", EXPORTS.values(), ids=EXPORTS.keys())
def test_money_stays_a_number_with_a_euro_format(client, export):
    for sheet in sheets(client, export):
        for row in sheet.iter_rows():
            for cell in row:
                if "€" in cell.number_format:
                    assert cell.value is None or isinstance(cell.value, int | float), (
                        sheet.title,
                        cell.coordinate,
                        cell.value,
                    )


def test_the_council_file_wraps_its_long_headers_in_tall_rows(client):
    (book,) = [
        b
        for b in workbooks(client, exports.council_files)
        if (b.properties.title or "").startswith("Rapport au conseil")
    ]
    sheet = book["Résultats"]
    header = next(row for row in sheet.iter_rows() if row[0].value == "Rubrique" and row[-1].value)
    assert any(cell.alignment.wrap_text for cell in header)
    # "Économie cumulée (€ par an)" does not hold on one line of a 14-character column.
    assert sheet.row_dimensions[header[0].row].height >= 30
    assert sheet.page_setup.orientation == "landscape"
