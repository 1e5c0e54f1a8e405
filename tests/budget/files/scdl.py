"""Builders of small SCDL Budget files for the tests: every file is made in code."""

from __future__ import annotations

import csv
import io
import re
import zipfile

from openpyxl import Workbook

COLUMNS = [
    "BGT_NATDEC",
    "BGT_ANNEE",
    "BGT_SIRET",
    "BGT_NOM",
    "BGT_CONTNAT",
    "BGT_CONTNAT_LABEL",
    "BGT_NATURE",
    "BGT_NATURE_LABEL",
    "BGT_FONCTION",
    "BGT_FONCTION_LABEL",
    "BGT_OPERATION",
    "BGT_SECTION",
    "BGT_OPBUDG",
    "BGT_CODRD",
    "BGT_MTPREV",
    "BGT_MTREAL",
]
SIRET = "21930048700016"
SIREN = SIRET[:9]


def row(**values: str) -> dict[str, str]:
    """One budget line; keyword names are the columns without the BGT_ prefix."""
    line = {
        "BGT_NATDEC": "budget primitif",
        "BGT_ANNEE": "2026",
        "BGT_SIRET": SIRET,
        "BGT_NOM": "Ville de Lorme",
        "BGT_CONTNAT": "60612",
        "BGT_CONTNAT_LABEL": "Énergie - Électricité",
        "BGT_NATURE": "011",
        "BGT_NATURE_LABEL": "Charges à caractère général",
        "BGT_FONCTION": "",
        "BGT_FONCTION_LABEL": "",
        "BGT_OPERATION": "",
        "BGT_SECTION": "fonctionnement",
        "BGT_OPBUDG": "réel",
        "BGT_CODRD": "dépense",
        "BGT_MTPREV": "1000,00",
        "BGT_MTREAL": "",
    }
    for key, value in values.items():
        line[f"BGT_{key.upper()}"] = value
    return line


def csv_bytes(
    rows: list[dict[str, str]],
    *,
    columns: list[str] | None = None,
    sep: str = ";",
    encoding: str = "utf-8",
) -> bytes:
    columns = columns or COLUMNS
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    writer.writerow(columns)
    for line in rows:
        writer.writerow([line.get(column, "") for column in columns])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(
    rows: list[list[object]], *, columns: list[str] | None = None, sheet: str = "budget"
) -> bytes:
    book = Workbook()
    first = book.active
    first.title = sheet
    first.append(columns or COLUMNS)
    for values in rows:
        first.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_cached_values(data: bytes, values: dict[str, str]) -> bytes:
    """What Excel does on save: store each formula's last computed value next to it."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                text = content.decode()
                for formula, value in values.items():
                    text = re.sub(
                        rf"<f>{re.escape(formula)}</f><v\s*/>",
                        f"<f>{formula}</f><v>{value}</v>",
                        text,
                    )
                content = text.encode()
            target.writestr(item, content)
    return output.getvalue()
