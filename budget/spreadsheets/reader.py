"""Reading uploaded spreadsheets: a CSV, XLSX or ODS file becomes a header and rows of text cells.

Every reader of the application (budget files, simulator parameters, measure catalogue,
volunteers, council answers, instruction sheets, paper ballots, panel draw files) goes through
here, so that they all accept the same files: CSV with `;`, `,` or tab, UTF-8 (with or without
BOM) or Latin-1/Windows-1252, decimal commas; XLSX read in openpyxl's read-only mode, ODS
(LibreOffice's own format) streamed by `ods_reader`, both behind `open_workbook`.

Files that would exhaust the server (a zip bomb, a million rows or columns) are refused as
a whole before or while reading, at the caps of `limits`; an .ods is a zip too, checked alike.

Nothing raises for bad input: problems come back as RowError naming the row (header = 1) and
the column (see `cells`), because the people importing need to see every problem of a file at
once; `cells` also reads typed values (amounts with a decimal comma, integers, dates, choices).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from budget.spreadsheets.cells import RowError, cell_text, located, quoted, size_problem
from budget.spreadsheets.limits import RowBudget, TooLarge, archive_problem, sheets_problem
from budget.spreadsheets.ods_reader import OdsReader, is_ods

_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')
_FORMULA_RE = re.compile(rb"<(?:\w+:)?f[\s>/]")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


# --- reading the raw table ---------------------------------------------------------------


@dataclass
class Table:
    """Rows of text cells; `rows` holds (line number, cells), the header being line 1."""

    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    strict_width: bool = True


def decode_text(data: bytes) -> tuple[str | None, RowError | None]:
    """UTF-8 (BOM or not) first, then Windows-1252, the Latin-1 of French spreadsheets."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data[:65536]:
        # Windows-1252 is the Latin-1 of French spreadsheets; no guessing beyond it: bytes it
        # leaves undefined mean the file is not text (a chardet-style guess would accept it).
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            # Binary files decode as Windows-1252 too: they are full of control characters.
            controls = sum(1 for c in text[:200_000] if ord(c) < 32 and c not in "\t\r\n")
            if controls <= len(text[:200_000]) // 1000:
                return text, None
            break
    return None, located(
        None,
        "",
        "",
        _(
            "Le fichier n'est ni un texte lisible (UTF-8 ou Latin-1/Windows-1252) ni un "
            "classeur .xlsx : vérifiez qu'il s'agit bien d'un export CSV ou Excel du budget."
        ),
    )


def sniff_delimiter(text: str) -> str:
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    counts = {sep: first_line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


def read_csv(data: bytes) -> Table:
    """A CSV file's header and non-empty rows; an unreadable encoding is the only error."""
    text, error = decode_text(data)
    if error:
        return Table(errors=[error])
    return read_csv_text(text)


def read_csv_text(text: str) -> Table:
    """Rows keep their physical line number, even after a quoted cell spanning lines.

    A file past a cap of `limits` comes back as its one error, without header or rows."""
    table = Table()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    budget = RowBudget()
    first = True
    try:
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            budget.row(reader.line_num, len(cells))
            if not any(cell.strip() for cell in cells):
                continue
            if first:
                table.header = [cell.strip().lstrip("\ufeff") for cell in cells]
                first = False
            else:
                table.rows.append((start, cells))
    except csv.Error as exc:
        table.errors.append(
            located(
                reader.line_num,
                "",
                "",
                _("le fichier CSV est mal formé (%(reason)s).") % {"reason": exc},
            )
        )
    except TooLarge as exc:
        return Table(errors=[exc.error])
    return table


class XlsxReader:
    """A workbook read once, with its merged ranges and formulas without cached values found.

    openpyxl's read-only mode keeps 50,000-line files fast; it cannot list merged cells, so
    they are found in the sheet's XML, which is also where formulas show up.
    """

    def __init__(self, data: bytes) -> None:
        from openpyxl import load_workbook

        self._data = data
        self.book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        self._zip = zipfile.ZipFile(io.BytesIO(data))
        self._formula_book = None

    def close(self) -> None:
        self.book.close()
        if self._formula_book is not None:
            self._formula_book.close()
        self._zip.close()

    @property
    def sheetnames(self) -> list[str]:
        return self.book.sheetnames

    @property
    def identifier(self) -> str:
        return getattr(self.book.properties, "identifier", None) or ""

    def find_sheet(self, name: str) -> str | None:
        for title in self.book.sheetnames:
            if title.strip().lower() == name.lower():
                return title
        return None

    @property
    def first_sheet(self) -> str:
        return self.book.sheetnames[0]

    def rows(self, title: str, *, min_row: int = 1, max_row: int | None = None):
        """A sheet's rows of values, as openpyxl reads them; raises TooLarge past a cap."""
        sheet = self.book[title]
        sheet.reset_dimensions()
        budget = RowBudget(title)
        values = sheet.iter_rows(min_row=min_row, max_row=max_row, values_only=True)
        for number, row in enumerate(values, min_row):
            budget.row(number, len(row))
            yield row

    def table(self, title: str, *, prefix: str = "") -> Table:
        """The sheet as a Table; raises TooLarge past a cap of `limits`."""
        from openpyxl import load_workbook

        table = Table(strict_width=False)
        budget = RowBudget(title)
        sheet = self.book[title]
        xml = self._zip.read(sheet._worksheet_path)
        for match in _MERGE_RE.finditer(xml):
            ref = match.group(1).decode()
            table.errors.append(
                located(
                    int(re.sub(r"\D", "", ref.split(":")[0])),
                    prefix + ref,
                    ref,
                    _(
                        "la feuille « %(sheet)s » contient des cellules fusionnées (%(range)s) : "
                        "défusionnez-les et répétez la valeur dans chaque cellule."
                    )
                    % {"sheet": title, "range": ref},
                )
            )
        sheet.reset_dimensions()
        values = sheet.iter_rows(min_row=1, values_only=True)
        formulas = None
        if _FORMULA_RE.search(xml):
            if self._formula_book is None:
                self._formula_book = load_workbook(
                    io.BytesIO(self._data), read_only=True, data_only=False
                )
            formula_sheet = self._formula_book[title]
            formula_sheet.reset_dimensions()
            formulas = formula_sheet.iter_rows(min_row=1, values_only=True)
        for number, row in enumerate(values, start=1):
            budget.row(number, len(row))
            raw = next(formulas, ()) if formulas is not None else ()
            cells = [cell_text(value) for value in row]
            while cells and not cells[-1].strip():
                cells.pop()
            for index, formula in enumerate(raw):
                text = formula if isinstance(formula, str) else getattr(formula, "text", None)
                if text and str(text).startswith("=") and (index >= len(row) or row[index] is None):
                    name = table.header[index] if index < len(table.header) else ""
                    table.errors.append(
                        located(
                            number,
                            prefix + (name or column_letter(index)),
                            text,
                            _(
                                "la formule %(formula)s n'a pas de valeur calculée enregistrée : "
                                "ouvrez le fichier dans Excel ou LibreOffice et enregistrez-le, "
                                "ou remplacez les formules par leurs valeurs."
                            )
                            % {"formula": quoted(text)},
                        )
                    )
            if not any(cell.strip() for cell in cells):
                continue
            if not table.header:
                table.header = [cell.strip() for cell in cells]
            else:
                table.rows.append((number, cells))
        return table


def column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def open_workbook(data: bytes) -> tuple[XlsxReader | OdsReader | None, RowError | None]:
    """The workbook (XLSX or ODS, told by its content), or why it cannot be read: checked
    first against the caps of `limits`."""
    problem = archive_problem(data)
    if problem is not None:
        return None, problem
    try:
        reader = OdsReader(data) if is_ods(data) else XlsxReader(data)
    except TooLarge as exc:
        return None, exc.error
    except Exception:  # openpyxl and expat raise many kinds of errors for broken archives
        return None, located(
            None,
            "",
            "",
            _(
                "Le fichier n'est pas un classeur .xlsx (Excel) ou .ods (LibreOffice) lisible "
                "(archive endommagée, classeur protégé par mot de passe ou autre format)."
            ),
        )
    problem = sheets_problem(len(reader.sheetnames))
    if problem is not None:
        reader.close()
        return None, problem
    return reader, None


def read_table(data: bytes, filename: str, *, sheet: str = "") -> tuple[Table, str]:
    """A CSV, XLSX or ODS upload as one table, and its format ("csv", "xlsx", "ods" or "xls").

    For a workbook, the sheet named `sheet` (any case) is read, else the first one.
    """
    name = filename.lower()
    if data.startswith(_OLE_MAGIC) or name.endswith(".xls"):
        table = Table()
        table.errors.append(
            located(
                None,
                "",
                "",
                _(
                    "Les classeurs Excel 97-2003 (.xls) ne sont pas acceptés : enregistrez le "
                    "fichier au format .xlsx ou CSV."
                ),
            )
        )
        return table, "xls"
    if data.startswith(_ZIP_MAGIC) or name.endswith((".xlsx", ".xlsm", ".ods")):
        reader, error = open_workbook(data)
        kind = "ods" if isinstance(reader, OdsReader) or name.endswith(".ods") else "xlsx"
        if reader is None:
            table = Table()
            table.errors.append(error)
            return table, kind
        try:
            title = (sheet and reader.find_sheet(sheet)) or reader.first_sheet
            return reader.table(title), kind
        except TooLarge as exc:
            return Table(errors=[exc.error]), kind
        finally:
            reader.close()
    return read_csv(data), "csv"


def upload_problem(data: bytes, max_bytes: int) -> RowError | None:
    """The size limit and the empty file: the checks every import makes before reading."""
    if len(data) > max_bytes:
        return located(None, "", "", size_problem(len(data), max_bytes))
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        return located(None, "", "", _("Le fichier est vide."))
    return None


def read_list(
    data: bytes, filename: str, *, max_bytes: int, max_rows: int
) -> tuple[Table, list[RowError]]:
    """An uploaded list of people (volunteers, a census list), read whole, and the errors that
    stop it before its rows are looked at: too heavy, unreadable, empty, too many rows."""
    problem = upload_problem(data, max_bytes)
    if problem is not None:
        return Table(), [problem]
    table, _format = read_table(data, filename)
    if table.errors or not table.header:
        return table, table.errors or [located(None, "", "", _("Le fichier est vide."))]
    if len(table.rows) > max_rows:
        message = _("Le fichier compte %(count)s lignes, au-delà de %(max)s.") % {
            "count": len(table.rows),
            "max": max_rows,
        }
        return table, [located(None, "", "", message)]
    return table, []


def read_sheets(
    data: bytes, names: Sequence[str], *, max_bytes: int, prefixed: bool = True
) -> tuple[dict[str, Table], list[RowError]]:
    """The named sheets of a workbook (XLSX or ODS), found whatever their case, and every
    problem met.

    With `prefixed`, columns in errors read "sheet.column", for workbooks of several sheets.
    """
    problem = upload_problem(data, max_bytes)
    if problem is not None:
        return {}, [problem]
    reader, error = open_workbook(data)
    if reader is None:
        return {}, [error]
    tables: dict[str, Table] = {}
    errors: list[RowError] = []
    try:
        for name in names:
            title = reader.find_sheet(name)
            if title is None:
                errors.append(
                    located(
                        None,
                        name,
                        "",
                        _("la feuille « %(sheet)s » est absente du classeur.") % {"sheet": name},
                    )
                )
                continue
            tables[name] = reader.table(title, prefix=f"{name}." if prefixed else "")
            errors.extend(tables[name].errors)
    except TooLarge as exc:
        return {}, [exc.error]
    finally:
        reader.close()
    return tables, errors


def cell_at(cells: Sequence[str], positions: dict[str, int], name: str) -> str:
    """The stripped cell of a column, "" when the file lacks it or the row is short."""
    index = positions.get(name)
    return cells[index].strip() if index is not None and index < len(cells) else ""


# --- validating ---------------------------------------------------------------------------


def check_header(
    header: Sequence[str], required: Iterable[str], *, prefix: str = ""
) -> tuple[dict[str, int], list[RowError]]:
    """Column positions by upper-cased name, and the header's problems."""
    errors = []
    positions: dict[str, int] = {}
    seen: dict[str, list[int]] = {}
    for index, raw in enumerate(header):
        name = raw.strip().upper() if not prefix else raw.strip().lower()
        if not name:
            continue
        seen.setdefault(name, []).append(index)
        positions.setdefault(name, index)
    for name, indexes in seen.items():
        if len(indexes) > 1:
            errors.append(
                located(
                    1,
                    prefix + name,
                    name,
                    _(
                        "l'en-tête contient plusieurs fois la colonne %(name)s (colonnes "
                        "%(positions)s) : gardez-en une seule."
                    )
                    % {"name": name, "positions": ", ".join(str(i + 1) for i in indexes)},
                )
            )
    for name in required:
        if name not in positions:
            errors.append(
                located(1, prefix + name, "", _("colonne obligatoire absente de l'en-tête."))
            )
    return positions, errors
