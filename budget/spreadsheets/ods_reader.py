"""Reading an OpenDocument spreadsheet (.ods) the way ``reader.XlsxReader`` reads an XLSX.

An .ods is a zip too: ``reader.open_workbook`` checks its archive against the caps of
``limits`` before anything here runs. Its ``content.xml`` is parsed as a stream with expat
(no DOM of the whole file), a document type or entity declaration refusing the file (ODF has
none; they are how "billion laughs" files grow). LibreOffice writes runs of identical rows and
cells once with a repeat count (``number-rows-repeated``, often a million empty rows at the
end of a sheet): empty runs are only counted, never expanded, and a run is expanded only when
something follows it, through the same row, column and cell caps as an XLSX.

Values come back as openpyxl gives them: ``int`` or ``Decimal`` numbers, ``date`` or
``datetime``, ``bool``, text; None for an empty cell.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.parsers import expat

from django.utils.translation import gettext as _

from budget.spreadsheets.cells import located, quoted
from budget.spreadsheets.limits import RowBudget

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
_CHUNK = 64 * 1024


class UnsafeXml(ValueError):
    """A declaration no spreadsheet needs (DOCTYPE, ENTITY): the file is not read."""


def is_ods(data: bytes) -> bool:
    """Whether the zip is an OpenDocument spreadsheet (its "mimetype" member says so)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # Its declared size first: a "mimetype" member could be a zip bomb of its own.
            if archive.getinfo("mimetype").file_size > len(ODS_MIMETYPE) + 2:
                return False
            return archive.read("mimetype").strip() == ODS_MIMETYPE
    except (KeyError, zipfile.BadZipFile, ValueError, OSError):
        return False


def _parser(start, end, text) -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")

    def refuse(*_args) -> None:
        raise UnsafeXml("declaration")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.buffer_text = True
    return parser


def _number(text: str | None) -> int | Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if value == value.to_integral_value() and "e" not in text.lower() and "." not in text:
        return int(value)
    return value


def _moment(text: str | None) -> date | datetime | str | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
    except ValueError:
        return text


@dataclass
class _Cell:
    kind: str = ""
    value: Any = None
    formula: str = ""
    repeat: int = 1
    span: tuple[int, int] = (1, 1)  # columns, rows
    parts: list[str] = field(default_factory=list)
    paragraphs: int = 0

    def result(self) -> Any:
        if self.kind in ("float", "percentage", "currency"):
            return _number(self.value)
        if self.kind == "date":
            return _moment(self.value)
        if self.kind == "boolean":
            return self.value == "true"
        text = "".join(self.parts)
        return text or None


@dataclass
class Merge:
    row: int
    column: int  # 0-based
    columns: int
    rows: int


@dataclass
class Formula:
    row: int
    column: int  # 0-based
    text: str


class _SheetStream:
    """Rows of one sheet while content.xml is fed in: (number, values) pairs."""

    def __init__(self, title: str | None) -> None:
        self.title = title
        self.names: list[str] = []
        self.inside = False
        self.done = False
        self.number = 0  # the last row number given a row
        self.pending_rows = 0  # empty rows met and not yet given
        self.ready: list[tuple[int, list[Any]]] = []
        self.merges: list[Merge] = []
        self.formulas: list[Formula] = []
        self.budget = RowBudget(title or "")
        self._row: list[Any] | None = None
        self._row_repeat = 1
        self._pending_cells = 0
        self._cell: _Cell | None = None

    def start(self, name: str, attrs: dict[str, str]) -> None:
        namespace, _sep, local = name.partition(" ")
        if namespace == _TABLE and local == "table":
            table = attrs.get(f"{_TABLE} name", "")
            self.names.append(table)
            self.inside = self.title is not None and table == self.title and not self.done
            return
        if not self.inside:
            return
        if namespace == _TABLE and local == "table-row":
            self._row = []
            self._pending_cells = 0
            self._row_repeat = int(attrs.get(f"{_TABLE} number-rows-repeated", "1") or 1)
        elif namespace == _TABLE and local in ("table-cell", "covered-table-cell"):
            self._cell = _Cell(
                kind=attrs.get(f"{_OFFICE} value-type", ""),
                value=attrs.get(f"{_OFFICE} value")
                or attrs.get(f"{_OFFICE} date-value")
                or attrs.get(f"{_OFFICE} boolean-value"),
                formula=attrs.get(f"{_TABLE} formula", ""),
                repeat=int(attrs.get(f"{_TABLE} number-columns-repeated", "1") or 1),
                span=(
                    int(attrs.get(f"{_TABLE} number-columns-spanned", "1") or 1),
                    int(attrs.get(f"{_TABLE} number-rows-spanned", "1") or 1),
                ),
            )
        elif self._cell is not None and namespace == _TEXT:
            if local == "p":
                if self._cell.paragraphs:
                    self._cell.parts.append("\n")
                self._cell.paragraphs += 1
            elif local == "s":
                self._cell.parts.append(" " * int(attrs.get(f"{_TEXT} c", "1") or 1))
            elif local == "tab":
                self._cell.parts.append("\t")
            elif local == "line-break":
                self._cell.parts.append("\n")

    def text(self, data: str) -> None:
        if self._cell is not None:
            self._cell.parts.append(data)

    def end(self, name: str) -> None:
        namespace, _sep, local = name.partition(" ")
        if not self.inside:
            return
        if namespace == _TABLE and local == "table":
            self.inside = False
            self.done = True
        elif namespace == _TABLE and local in ("table-cell", "covered-table-cell"):
            self._end_cell()
        elif namespace == _TABLE and local == "table-row":
            self._end_row()

    def _end_cell(self) -> None:
        cell, row = self._cell, self._row
        self._cell = None
        if cell is None or row is None:
            return
        value = cell.result()
        first = len(row) + self._pending_cells
        if cell.span != (1, 1):
            self.merges.append(Merge(self.number + self.pending_rows + 1, first, *cell.span))
        if cell.formula and cell.kind == "":
            self.formulas.append(Formula(self.number + self.pending_rows + 1, first, cell.formula))
        if value is None:
            self._pending_cells += cell.repeat
            return
        # A width past the cap is refused before the cells are made.
        self.budget.row(self.number + self.pending_rows + 1, first + cell.repeat)
        row.extend([None] * self._pending_cells)
        self._pending_cells = 0
        row.extend([value] * cell.repeat)

    def _end_row(self) -> None:
        row = self._row
        self._row = None
        if not row:
            self.pending_rows += self._row_repeat
            return
        # The last row the run reaches is checked first: a run cannot outgrow the caps.
        self.budget.row(self.number + self.pending_rows + self._row_repeat, len(row))
        for _empty in range(self.pending_rows):
            self.number += 1
            self.ready.append((self.number, []))
        self.pending_rows = 0
        for _copy in range(self._row_repeat):
            self.number += 1
            self.budget.row(self.number, len(row))
            self.ready.append((self.number, list(row)))


def _stream(data: bytes, stream: _SheetStream) -> Iterator[tuple[int, list[Any]]]:
    parser = _parser(stream.start, stream.end, stream.text)
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("content.xml") as content:
        while True:
            chunk = content.read(_CHUNK)
            parser.Parse(chunk, not chunk)
            yield from stream.ready
            stream.ready.clear()
            if not chunk or stream.done:
                break


class OdsReader:
    """The interface of ``reader.XlsxReader`` for an .ods file (raises for a broken one)."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        names = _SheetStream(None)
        for _row in _stream(data, names):
            pass
        self.sheetnames = names.names
        self.identifier = _identifier(data)

    def close(self) -> None:
        pass

    def find_sheet(self, name: str) -> str | None:
        for title in self.sheetnames:
            if title.strip().lower() == name.lower():
                return title
        return None

    @property
    def first_sheet(self) -> str:
        return self.sheetnames[0]

    def rows(self, title: str, *, min_row: int = 1, max_row: int | None = None):
        """A sheet's rows of values; raises TooLarge past a cap."""
        for number, values in _stream(self._data, _SheetStream(title)):
            if max_row is not None and number > max_row:
                return
            if number >= min_row:
                yield tuple(values)

    def table(self, title: str, *, prefix: str = ""):
        """The sheet as a reader.Table; raises TooLarge past a cap of `limits`."""
        from budget.spreadsheets.cells import cell_text
        from budget.spreadsheets.reader import Table, column_letter

        table = Table(strict_width=False)
        stream = _SheetStream(title)
        for number, values in _stream(self._data, stream):
            cells = [cell_text(value) for value in values]
            while cells and not cells[-1].strip():
                cells.pop()
            if not any(cell.strip() for cell in cells):
                continue
            if not table.header:
                table.header = [cell.strip() for cell in cells]
            else:
                table.rows.append((number, cells))
        for merge in stream.merges:
            ref = f"{column_letter(merge.column)}{merge.row}:" + (
                f"{column_letter(merge.column + merge.columns - 1)}{merge.row + merge.rows - 1}"
            )
            table.errors.append(
                located(
                    merge.row,
                    prefix + ref,
                    ref,
                    _(
                        "la feuille « %(sheet)s » contient des cellules fusionnées (%(range)s) : "
                        "défusionnez-les et répétez la valeur dans chaque cellule."
                    )
                    % {"sheet": title, "range": ref},
                )
            )
        for formula in stream.formulas:
            header = table.header
            name = header[formula.column] if formula.column < len(header) else ""
            text = re.sub(r"^of:", "", formula.text)
            table.errors.append(
                located(
                    formula.row,
                    prefix + (name or column_letter(formula.column)),
                    text,
                    _(
                        "la formule %(formula)s n'a pas de valeur calculée enregistrée : "
                        "ouvrez le fichier dans Excel ou LibreOffice et enregistrez-le, "
                        "ou remplacez les formules par leurs valeurs."
                    )
                    % {"formula": quoted(text)},
                )
            )
        table.errors.sort(key=lambda error: error.row or 0)
        return table


def _identifier(data: bytes) -> str:
    """The "Identifier" property our writer puts in meta.xml ("" when absent)."""
    found: list[str] = []
    state = {"inside": False}

    def start(name: str, attrs: dict[str, str]) -> None:
        state["inside"] = (
            name == f"{_META} user-defined" and attrs.get(f"{_META} name") == "Identifier"
        )

    def end(_name: str) -> None:
        state["inside"] = False

    def text(data_: str) -> None:
        if state["inside"]:
            found.append(data_)

    parser = _parser(start, end, text)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            meta = archive.read("meta.xml")
        except KeyError:
            return ""
    parser.Parse(meta, True)
    return "".join(found).strip()
