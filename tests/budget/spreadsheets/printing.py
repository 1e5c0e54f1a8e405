"""Printing a workbook as LibreOffice does, and reading back what each page shows.

`soffice --headless --convert-to pdf` prints every sheet with the workbook's own page setup,
as "Fichier > Exporter en PDF" would; each run gets a fresh user profile (parallel runs of
LibreOffice sharing one profile lock each other out). The PDF's text, page by page, comes from
pypdf. Debian's libreoffice-calc-nogui is installed by `make test` and `.ci/run` (print-deps).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader

from budget.spreadsheets.sheets import HEADER_FILL

ROWS_PER_PAGE = 30
_FOOTER = re.compile(r"page (\d+) / (\d+)")


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    assert found, "LibreOffice Calc is missing: make print-deps (Debian: libreoffice-calc-nogui)"
    return found


def convert(data: bytes, suffix: str, target: str, folder: Path) -> bytes:
    """The file as LibreOffice saves it in the ``target`` format ("pdf", "ods", "xlsx")."""
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"classeur.{suffix}"
    source.write_bytes(data)
    out = folder / target
    profile = folder / "profil-libreoffice"
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    return (out / f"classeur.{target}").read_bytes()


def print_to_pdf(data: bytes, suffix: str, folder: Path) -> list[str]:
    """The text of every page LibreOffice prints from the workbook."""
    reader = PdfReader(io.BytesIO(convert(data, suffix, "pdf", folder)))
    return [page.extract_text() for page in reader.pages]


def squeezed(text: str) -> str:
    """Text without any whitespace: a wrapped header prints on several lines."""
    return re.sub(r"\s+", "", text)


def pages_by_sheet(pages: list[str], names: list[str]) -> dict[str, list[str]]:
    """Each page under its sheet, read from the footer ("<sheet> page N / M")."""
    found: dict[str, list[str]] = {name: [] for name in names}
    for number, text in enumerate(pages, start=1):
        match = _FOOTER.search(text)
        assert match, f"page {number} has no 'page N / M' footer: {text[:200]!r}"
        assert (int(match.group(1)), int(match.group(2))) == (number, len(pages))
        before = squeezed(text[: match.start()])
        owners = [name for name in names if before.endswith(squeezed(name))]
        assert owners, f"page {number} names no sheet in its footer: {text[:200]!r}"
        found[max(owners, key=len)].append(text)
    return found


@dataclass
class SheetFacts:
    name: str
    rows: int  # rows written
    last_column: set[str]  # the texts of each table's last column (its header, its values)
    headers: list[tuple[str, str]]  # each table's first and last header


def sheet_facts(xlsx: bytes) -> list[SheetFacts]:
    """What each sheet of the workbook holds, as the checks need it (read from the XLSX):
    its tables are found by their header rows (bold on the header fill)."""
    book = load_workbook(io.BytesIO(xlsx))
    facts = []
    for sheet in book:
        rows = list(sheet.iter_rows())
        last_texts: set[str] = set()
        headers: list[tuple[str, str]] = []
        last = None  # the last column of the table being read
        for row in rows:
            filled = [cell for cell in row if cell.value not in (None, "")]
            if not filled:
                last = None
                continue
            if (filled[0].fill.fgColor.rgb or "").endswith(HEADER_FILL):
                headers.append((str(filled[0].value), str(filled[-1].value)))
                last = filled[-1].column
                last_texts.add(str(filled[-1].value))
            elif last is not None:
                cell = row[last - 1] if len(row) >= last else None
                if cell is not None and isinstance(cell.value, str) and cell.value:
                    last_texts.add(cell.value)
            elif len(filled) > 1 and isinstance(filled[-1].value, str):
                # A table without header (a label/value sheet): the row's last cell.
                last_texts.add(filled[-1].value)
        facts.append(SheetFacts(sheet.title, sheet.max_row, last_texts, headers))
    return facts


def assert_prints_whole(xlsx: bytes, printed: bytes, suffix: str, folder: Path) -> None:
    """No sheet cut into vertical strips, and no more pages than rows ÷ 30 + 1 per sheet.

    Cut into strips, a page would show a table's first columns without its last one: so
    every page shows some table's last column (header or values), and a page showing a
    table's first header shows its last header too. ``xlsx`` tells what the sheets hold;
    ``printed`` is the file printed (the same XLSX, or its ODS twin)."""
    facts = sheet_facts(xlsx)
    pages = print_to_pdf(printed, suffix, folder)
    by_sheet = pages_by_sheet(pages, [fact.name for fact in facts])
    for fact in facts:
        sheet_pages = by_sheet[fact.name]
        assert sheet_pages, f"« {fact.name} » printed no page"
        needles = {squeezed(text) for text in fact.last_column} - {""}
        firsts: dict[str, set[str]] = {}
        for first, last in fact.headers:
            firsts.setdefault(squeezed(first), set()).add(squeezed(last))
        for number, text in enumerate(sheet_pages, start=1):
            page = squeezed(text)
            where = f"page {number} of « {fact.name} »"
            assert not needles or any(needle in page for needle in needles), (
                f"{where} shows no table's last column: it is cut into vertical strips"
            )
            for first, lasts in firsts.items():
                if first in page:
                    assert any(last in page for last in lasts), (
                        f"{where} shows a table's first header without its last one"
                    )
        assert len(sheet_pages) <= fact.rows // ROWS_PER_PAGE + 1, (
            f"« {fact.name} »: {len(sheet_pages)} pages for {fact.rows} rows"
        )
