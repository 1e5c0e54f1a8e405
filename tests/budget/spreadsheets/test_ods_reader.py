"""Reading OpenDocument spreadsheets (.ods) through the one reader: the same tables, errors and
caps as an XLSX. LibreOffice writes runs of rows and cells once with a repeat count; a file
can ask for millions of them, or hide a zip bomb or an XML bomb: all refused, quickly."""

from __future__ import annotations

import io
import time
import zipfile

from budget.spreadsheets import writer as w
from budget.spreadsheets.reader import open_workbook, read_sheets, read_table

MB = 1024 * 1024
MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
    "<office:body><office:spreadsheet>"
)
TAIL = "</office:spreadsheet></office:body></office:document-content>"


def ods(tables: str, *, head: str = HEAD, padding: int = 0) -> bytes:
    """An .ods archive around ``tables`` (table:table elements), as LibreOffice lays it out;
    ``padding`` bytes of spaces inflate content.xml (a zip bomb)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE)
        archive.writestr("content.xml", head + tables + " " * padding + TAIL)
    return out.getvalue()


def cell(text: str, **attributes: str) -> str:
    extra = "".join(
        f' table:{key.replace("_", "-")}="{value}"' for key, value in attributes.items()
    )
    if not text:
        return f"<table:table-cell{extra}/>"
    paragraph = f"<text:p>{text}</text:p>"
    return f'<table:table-cell office:value-type="string"{extra}>{paragraph}</table:table-cell>'


def row(*cells: str, repeat: int = 1) -> str:
    attribute = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{attribute}>{''.join(cells)}</table:table-row>"


def table(name: str, *rows: str) -> str:
    return f'<table:table table:name="{name}">{"".join(rows)}</table:table>'


def only_error(result) -> str:
    assert result.header == [] and result.rows == []
    assert len(result.errors) == 1
    return result.errors[0].message


def test_it_reads_a_sheet_as_libreoffice_saves_it_with_a_million_empty_rows():
    data = ods(
        table(
            "budget",
            row(cell("code"), cell("libelle"), cell("", number_columns_repeated="16382")),
            row(cell("A"), cell("un  deux")),
            row(cell("", number_columns_repeated="16384"), repeat=1048573),
        )
    )

    started = time.monotonic()
    result, file_format = read_table(data, "budget.ods", sheet="BUDGET")

    assert time.monotonic() - started < 1
    assert (file_format, result.errors) == ("ods", [])
    assert (result.header, result.rows) == (["code", "libelle"], [(2, ["A", "un  deux"])])


def test_repeated_rows_and_cells_with_values_are_read_each():
    data = ods(
        table(
            "S",
            row(cell("a"), cell("b")),
            row(cell("", number_columns_repeated="2")),
            row(cell("x", number_columns_repeated="2"), repeat=2),
        )
    )

    result, _format = read_table(data, "s.ods")

    assert result.rows == [(3, ["x", "x"]), (4, ["x", "x"])]


def test_a_zip_bomb_is_refused_before_it_is_inflated():
    bomb = ods(table("S", row(cell("a"))), padding=5 * MB)
    assert len(bomb) < 64 * 1024

    result, _format = read_table(bomb, "b.ods")

    assert only_error(result).startswith("Le classeur se décompresse ")


def test_a_bomb_in_the_mimetype_member_is_refused_before_it_is_inflated():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("mimetype", MIMETYPE + b" " * (5 * MB))
        archive.writestr("content.xml", HEAD + table("S", row(cell("a"))) + TAIL)

    started = time.monotonic()
    result, _format = read_table(out.getvalue(), "b.ods")

    assert time.monotonic() - started < 1
    assert only_error(result).startswith("Le classeur se décompresse ")


def test_a_run_of_rows_past_the_limit_is_refused_without_being_expanded(settings):
    settings.SPREADSHEET_MAX_ROWS = 20
    data = ods(table("budget", row(cell("a"), cell("b")), row(cell("x"), repeat=10**9)))

    started = time.monotonic()
    result, _format = read_table(data, "b.ods")

    assert time.monotonic() - started < 1
    assert only_error(result) == (
        "La feuille « budget » dépasse la limite de 20 lignes : le fichier n'est pas lu. "
        "Découpez-le ou retirez les lignes inutiles (vides comprises)."
    )


def test_a_cell_far_to_the_right_is_refused_without_being_expanded(settings):
    settings.SPREADSHEET_MAX_COLUMNS = 10
    far = cell("", number_columns_repeated="1000000000")
    data = ods(table("S", row(cell("a"), far, cell("z"))))

    result, _format = read_table(data, "b.ods")

    assert only_error(result).startswith(
        "Ligne 1 : La feuille « S » compte 1\u202f000\u202f000\u202f002 colonnes"
    )


def test_the_cells_cap_holds_for_ods_too(settings):
    settings.SPREADSHEET_MAX_CELLS = 30
    data = ods(table("S", row(*(cell(f"c{n}") for n in range(5)), repeat=7)))

    result, _format = read_table(data, "b.ods")

    assert "dépasse la limite de 30 cellules : le fichier n'est pas lu." in only_error(result)


def test_a_document_type_declaration_is_refused_as_unreadable():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    data = ods(table("S", row(cell("&lol2;"))), head=laughs + HEAD.split("?>", 1)[1])

    result, _format = read_table(data, "b.ods")

    assert only_error(result) == (
        "Le fichier n'est pas un classeur .xlsx (Excel) ou .ods (LibreOffice) lisible "
        "(archive endommagée, classeur protégé par mot de passe ou autre format)."
    )


def test_merged_cells_are_reported_as_in_an_xlsx():
    data = ods(
        table(
            "S",
            row(cell("a"), cell("b")),
            row(cell("x", number_columns_spanned="2"), "<table:covered-table-cell/>"),
        )
    )

    result, _format = read_table(data, "b.ods")

    assert [error.message for error in result.errors] == [
        "Ligne 2, colonne A2:B2 : la feuille « S » contient des cellules fusionnées (A2:B2) : "
        "défusionnez-les et répétez la valeur dans chaque cellule."
    ]


def test_too_many_sheets_are_refused(settings):
    settings.SPREADSHEET_MAX_SHEETS = 3
    data = ods("".join(table(f"F{n}", row(cell("x"))) for n in range(4)))

    reader, error = open_workbook(data)

    assert reader is None
    assert error.message.startswith("Le classeur compte 4 feuilles, au-delà de la limite de 3")


def test_read_sheets_finds_the_named_sheets_of_an_ods_whatever_their_case():
    data = w.ods_bytes(
        [
            w.Sheet("Lignes", w.columns("code", "montant"), [["A", 12]]),
            w.Sheet("Autre", w.columns("x"), [["y"]]),
        ]
    )

    tables, errors = read_sheets(data, ["lignes", "impacts"], max_bytes=10**6)

    assert tables["lignes"].header == ["code", "montant"]
    assert tables["lignes"].rows == [(2, ["A", "12"])]
    assert [error.message for error in errors] == [
        "Colonne impacts : la feuille « impacts » est absente du classeur."
    ]
