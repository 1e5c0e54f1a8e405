"""Caps on what an uploaded spreadsheet may ask of the server, checked while reading it.

The byte limit (`BUDGET_IMPORT_MAX_BYTES`) bounds the upload, not the work: an XLSX is a zip,
and 3 MB of zeros inflate to 3 GB; a sheet can also declare a cell at row 1,048,576 or column
16,384, which openpyxl's read-only mode fills with empty cells. So, before openpyxl opens a
workbook, the archive's inflated size and compression ratio are checked, then its number of
sheets, and while rows are read (CSV or XLSX), their number, width and total cells: reading
stops at the first cap passed. Python's zipfile never inflates a member beyond the size its
header declares (and fails its CRC check if the data would go on): declared sizes can be trusted.

Every limit is a setting (config/settings.py, `SPREADSHEET_MAX_*`, docs/operations.md).
"""

from __future__ import annotations

import io
import zipfile

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from budget.spreadsheets.cells import RowError, located

# Below this inflated size, a high ratio is harmless (a few repeated empty rows compress well).
RATIO_FLOOR_BYTES = 1024 * 1024


class TooLarge(Exception):
    """A cap passed while reading: the file is refused as a whole with `error`."""

    def __init__(self, error: RowError) -> None:
        super().__init__(error.message)
        self.error = error


def count(value: int) -> str:
    """1 000 000 with the narrow no-break spaces of French numbers."""
    return f"{value:,}".replace(",", "\u202f")


def archive_problem(data: bytes) -> RowError | None:
    """The inflated size and compression ratio of an XLSX, from its directory alone (nothing
    inflated); None for a file that is not a zip (the reader says why)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    inflated = sum(member.file_size for member in members)
    limit = settings.SPREADSHEET_MAX_INFLATED_BYTES
    if inflated > limit:
        return located(
            None,
            "",
            "",
            _(
                "Le classeur décompressé pèserait %(size)s, au-delà de la limite de %(limit)s : "
                "il n'est pas lu. Retirez les feuilles ou les lignes inutiles, ou envoyez un CSV."
            )
            % {"size": filesizeformat(inflated), "limit": filesizeformat(limit)},
        )
    ratio = inflated / max(len(data), 1)
    ratio_limit = settings.SPREADSHEET_MAX_COMPRESSION_RATIO
    if inflated > RATIO_FLOOR_BYTES and ratio > ratio_limit:
        return located(
            None,
            "",
            "",
            _(
                "Le classeur se décompresse %(ratio)s fois (limite : %(limit)s fois) : ce n'est "
                "pas un tableur ordinaire, il n'est pas lu. Enregistrez-le à nouveau depuis "
                "Excel ou LibreOffice, ou envoyez un CSV."
            )
            % {"ratio": count(int(ratio)), "limit": count(ratio_limit)},
        )
    return None


def sheets_problem(sheets: int) -> RowError | None:
    """The number of sheets the workbook declares (openpyxl lists them without reading them)."""
    limit = settings.SPREADSHEET_MAX_SHEETS
    if sheets <= limit:
        return None
    return located(
        None,
        "",
        "",
        _(
            "Le classeur compte %(count)s feuilles, au-delà de la limite de %(limit)s : "
            "supprimez les feuilles inutiles."
        )
        % {"count": count(sheets), "limit": count(limit)},
    )


class RowBudget:
    """Counts the rows and cells read from one file; raises TooLarge at the first cap passed.

    `number` is the physical line (header = 1, empty lines included): empty rows cost reading
    time too. `width` is the row's length as read, empty cells before the last one included.
    """

    def __init__(self, sheet: str = "") -> None:
        self.sheet = sheet
        self.cells = 0
        self.max_rows = settings.SPREADSHEET_MAX_ROWS
        self.max_columns = settings.SPREADSHEET_MAX_COLUMNS
        self.max_cells = settings.SPREADSHEET_MAX_CELLS

    def row(self, number: int, width: int) -> None:
        where = (
            _("La feuille « %(sheet)s »") % {"sheet": self.sheet} if self.sheet else _("Le fichier")
        )
        if number > self.max_rows:
            raise TooLarge(
                located(
                    None,
                    "",
                    "",
                    _(
                        "%(where)s dépasse la limite de %(limit)s lignes : le fichier n'est "
                        "pas lu. Découpez-le ou retirez les lignes inutiles (vides comprises)."
                    )
                    % {"where": where, "limit": count(self.max_rows)},
                )
            )
        if width > self.max_columns:
            raise TooLarge(
                located(
                    number,
                    "",
                    "",
                    _(
                        "%(where)s compte %(count)s colonnes, au-delà de la limite de %(limit)s : "
                        "le fichier n'est pas lu. Retirez les colonnes inutiles (vides comprises)."
                    )
                    % {"where": where, "count": count(width), "limit": count(self.max_columns)},
                )
            )
        self.cells += width
        if self.cells > self.max_cells:
            raise TooLarge(
                located(
                    None,
                    "",
                    "",
                    _(
                        "%(where)s dépasse la limite de %(limit)s cellules : le fichier n'est "
                        "pas lu. Découpez-le ou retirez les lignes et colonnes inutiles."
                    )
                    % {"where": where, "limit": count(self.max_cells)},
                )
            )
