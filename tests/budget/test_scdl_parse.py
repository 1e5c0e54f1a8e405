"""The pure SCDL reader: formats, encodings and value spellings it accepts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budget.imports.scdl import parse_amount, parse_budget_file
from tests.budget.files.scdl import COLUMNS, SIRET, csv_bytes, row, with_cached_values, xlsx_bytes

LIMIT = 10_000_000


def parse(data: bytes, filename: str = "budget.csv"):
    return parse_budget_file(data, filename=filename, max_bytes=LIMIT)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234", "1234"),
        ("1234,5", "1234.5"),
        ("1234.50", "1234.50"),
        ("1 234,50", "1234.50"),
        ("1\u00a0234,50", "1234.50"),
        ("1\u202f234\u202f567,89", "1234567.89"),
        ("1.234.567,89", "1234567.89"),
        ("1,234,567.89", "1234567.89"),
        ("1,234,567", None),
        ("1,234.5", "1234.5"),
        ("-12,5", "-12.5"),
        ("\u221212,5", "-12.5"),
        ("12a,5", None),
        ("Fournitures", None),
        ("", None),
    ],
)
def test_it_reads_amounts_written_the_french_or_the_english_way(text, expected):
    assert parse_amount(text) == (Decimal(expected) if expected else None)


def test_it_reads_a_comma_separated_utf8_file_with_a_bom_and_a_decimal_point():
    data = "\ufeff".encode() + csv_bytes([row(mtprev="1234.56")], sep=",")

    parsed = parse(data)

    assert parsed.errors == []
    assert parsed.lines[0].amount == Decimal("1234.56")
    assert parsed.lines[0].account_label == "Énergie - Électricité"


def test_it_reads_a_cp1252_file_with_quoted_fields_holding_the_separator():
    data = csv_bytes(
        [row(contnat_label="Fêtes; cérémonies et « réceptions » – œuvres", mtprev="1 000,10")],
        encoding="cp1252",
    )

    parsed = parse(data)

    assert parsed.errors == []
    assert parsed.lines[0].account_label == "Fêtes; cérémonies et « réceptions » – œuvres"
    assert parsed.lines[0].amount == Decimal("1000.10")


@pytest.mark.parametrize(
    ("natdec", "stage"),
    [
        ("Budget primitif", "bp"),
        ("BUDGET PRIMITIF", "bp"),
        ("BP", "bp"),
        ("budget supplementaire", "bs"),
        ("Budget supplémentaire", "bs"),
        ("Décision modificative", "dm"),
        ("decision modificative", "dm"),
        ("dm", "dm"),
    ],
)
def test_it_accepts_the_stage_with_or_without_accents_or_as_a_short_code(natdec, stage):
    parsed = parse(csv_bytes([row(natdec=natdec)]))

    assert parsed.errors == []
    assert parsed.stage == stage


@pytest.mark.parametrize(
    ("section", "opbudg", "codrd", "expected"),
    [
        ("Investissement", "Réel", "Recette", ("investissement", "reel", "recette")),
        ("I", "0", "RECETTE", ("investissement", "reel", "recette")),
        ("F", "1", "depense", ("fonctionnement", "ordre", "depense")),
        ("fonctionnement", "ORDRE", "Dépense", ("fonctionnement", "ordre", "depense")),
        ("  Fonctionnement ", "reel", "DÉPENSE", ("fonctionnement", "reel", "depense")),
    ],
)
def test_it_maps_section_kind_and_direction_spellings(section, opbudg, codrd, expected):
    parsed = parse(csv_bytes([row(section=section, opbudg=opbudg, codrd=codrd)]))

    assert parsed.errors == []
    line = parsed.lines[0]
    assert (line.section, line.kind, line.direction) == expected


def test_a_compte_administratif_takes_the_realised_amount_when_no_voted_one():
    data = csv_bytes(
        [
            row(natdec="Compte administratif", mtprev="", mtreal="980,00"),
            row(natdec="CA", contnat="60611", mtprev="500,00", mtreal="450,25"),
        ]
    )

    parsed = parse(data)

    assert parsed.errors == []
    assert parsed.stage == "ca"
    assert (parsed.lines[0].amount, parsed.lines[0].realised) == (
        Decimal("980.00"),
        Decimal("980.00"),
    )
    assert (parsed.lines[1].amount, parsed.lines[1].realised) == (
        Decimal("500.00"),
        Decimal("450.25"),
    )


def test_a_voted_budget_keeps_the_realised_amount_when_present():
    parsed = parse(csv_bytes([row(mtprev="100", mtreal="90,5")]))

    assert (parsed.lines[0].amount, parsed.lines[0].realised) == (Decimal("100"), Decimal("90.50"))


def test_optional_columns_may_be_absent():
    columns = [
        c
        for c in COLUMNS
        if c
        not in {
            "BGT_FONCTION",
            "BGT_FONCTION_LABEL",
            "BGT_OPERATION",
            "BGT_MTREAL",
            "BGT_CONTNAT_LABEL",
            "BGT_NATURE_LABEL",
        }
    ]

    parsed = parse(csv_bytes([row()], columns=columns))

    assert parsed.errors == []
    assert parsed.lines[0].code == "FD-60612"


def test_it_gives_the_identity_of_the_file():
    parsed = parse(csv_bytes([row(annee="2027", nom="Ville de Lorme")]))

    assert (parsed.year, parsed.siret, parsed.siren, parsed.name) == (
        2027,
        SIRET,
        SIRET[:9],
        "Ville de Lorme",
    )


def test_it_skips_blank_lines_and_numbers_rows_as_lines_of_the_file():
    text = csv_bytes([row(), row(contnat="60611")]).decode()
    lines = text.split("\r\n")
    data = "\r\n".join([lines[0], "", lines[1], ";;;;", lines[2], ""]).encode()

    parsed = parse(data)

    assert parsed.errors == []
    assert [line.row for line in parsed.lines] == [3, 5]


def test_it_reads_the_sheet_named_budget_of_a_workbook_with_numbers_as_cells():
    values = [row()[c] for c in COLUMNS]
    values[COLUMNS.index("BGT_MTPREV")] = 1234.5
    values[COLUMNS.index("BGT_ANNEE")] = 2026
    values[COLUMNS.index("BGT_SIRET")] = int(SIRET)
    data = xlsx_bytes([values], sheet="budget")

    parsed = parse(data, "budget.xlsx")

    assert parsed.errors == []
    assert parsed.file_format == "xlsx"
    assert (parsed.year, parsed.siret) == (2026, SIRET)
    assert parsed.lines[0].amount == Decimal("1234.50")


def test_it_uses_the_cached_value_of_a_formula():
    values = [row()[c] for c in COLUMNS]
    values[COLUMNS.index("BGT_MTPREV")] = "=1000+234.5"
    data = with_cached_values(xlsx_bytes([values]), {"1000+234.5": "1234.5"})

    parsed = parse(data, "budget.xlsx")

    assert parsed.errors == []
    assert parsed.lines[0].amount == Decimal("1234.50")


def test_the_preview_holds_the_header_and_the_first_twenty_rows_with_their_line_numbers():
    data = csv_bytes([row(contnat=str(60000 + i)) for i in range(25)])

    parsed = parse(data)

    assert parsed.header == COLUMNS
    assert len(parsed.preview) == 20
    assert parsed.preview[0][0] == 2
    assert parsed.preview[0][1][COLUMNS.index("BGT_CONTNAT")] == "60000"
