"""The instruction sheet (XLSX or ODS): writing it, and reading an edited one back (no database).

Services that prefer Excel export the sheet, fill in their verdicts and figures, and send it
back. Reading never raises for bad input: every problem comes back located (row, column) so
that the whole file can be corrected at once; the service layer then decides what is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from budget.spreadsheets import writer
from budget.spreadsheets.cells import (
    AMOUNT_LIMIT,
    CENT,
    RowError,
    amount_cell,
    located,
    match_choice,
    parse_amount,
    quoted,
)
from budget.spreadsheets.reader import read_sheets

SHEET = "instruction"
DURATION_MAX = 120
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "dd/mm/yyyy"


@dataclass(frozen=True)
class Column:
    name: str
    field: str  # the Instruction field a re-import writes; "" for a column only shown
    width: int
    amount: bool = False


# In sheet order. Columns without a field are context for the reader and ignored on import.
COLUMNS = [
    Column("reference", "", 11),
    Column("titre", "", 40),
    Column("rubrique", "", 22),
    Column("type", "", 11),
    Column("service", "", 24),
    Column("validation", "", 24),
    Column("a_rendre_le", "", 12),
    Column("avis", "status", 24),
    Column("cout_instruit", "instructed_cost", 16, amount=True),
    Column("echeancier", "cost_schedule", 26),
    Column("cout_fonctionnement_annuel", "induced_operating_cost", 16, amount=True),
    Column("economie_nette_annuelle", "instructed_saving", 16, amount=True),
    Column("dont_effets_directs", "", 16, amount=True),
    Column("dont_effets_induits", "", 16, amount=True),
    Column("duree", "duration", 18),
    Column("conditions", "conditions", 40),
    Column("motivation_publique", "public_reasoning", 50),
    Column("notes_internes", "internal_notes", 40),
]
COLUMN_NAMES = [column.name for column in COLUMNS]
REQUIRED_COLUMNS = ["reference", "avis"]
FIELD_COLUMNS = {column.field: column.name for column in COLUMNS if column.field}


def _amount_cell(value: Decimal | None) -> float | None:
    # Excel only knows binary floats; cents survive the trip (parse_amount reads them back).
    return None if value is None else float(value)


def schedule_text(schedule: dict) -> str:
    """{"2027": "100000.50", "2028": "50000"} -> "2027 : 100000,50 ; 2028 : 50000"."""
    parts = []
    for year in sorted(schedule, key=lambda y: int(y)):
        amount = Decimal(str(schedule[year]))
        text = format(amount.normalize() if amount == amount.to_integral() else amount, "f")
        parts.append(f"{year} : {text.replace('.', ',')}")
    return " ; ".join(parts)


_SCHEDULE_SPLIT = re.compile(r"[;\n]+")
_SCHEDULE_PART = re.compile(r"^\s*(\d{1,4})\s*[:=]\s*(.+?)\s*$")


def parse_schedule(text: str) -> tuple[dict[int, Decimal], list[str]]:
    """ "2027 : 100 000 ; 2028 : 50 000" (or one year per line) -> {2027: Decimal(...), ...}.

    Returns the schedule and the problems found, in French.
    """
    schedule: dict[int, Decimal] = {}
    problems: list[str] = []
    for part in _SCHEDULE_SPLIT.split(text or ""):
        if not part.strip():
            continue
        match = _SCHEDULE_PART.match(part)
        if match is None:
            problems.append(
                _("%(part)s n'est pas de la forme « année : montant ».") % {"part": quoted(part)}
            )
            continue
        year = int(match.group(1))
        amount = parse_amount(match.group(2))
        if year < 1:
            problems.append(_("L'année %(year)s n'est pas valable.") % {"year": year})
        elif year in schedule:
            problems.append(_("L'année %(year)s figure deux fois.") % {"year": year})
        if amount is None:
            problems.append(
                _("%(value)s n'est pas un montant.") % {"value": quoted(match.group(2))}
            )
        elif amount < 0:
            problems.append(_("Le montant de l'année %(year)s est négatif.") % {"year": year})
        elif abs(amount) >= AMOUNT_LIMIT:
            problems.append(_("%(value)s est trop grand.") % {"value": quoted(match.group(2))})
        else:
            schedule[year] = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    return schedule, problems


# --- writing -----------------------------------------------------------------------------


@dataclass
class SheetRow:
    """One proposal and its instruction as the sheet shows them (labels already translated)."""

    reference: str
    title: str
    category: str
    kind: str
    service: str
    validation: str
    due_on: date | None
    status: str
    instructed_cost: Decimal | None
    cost_schedule: dict
    induced_operating_cost: Decimal | None
    instructed_saving: Decimal | None
    direct_saving: Decimal | None
    induced_saving: Decimal | None
    duration: str
    conditions: str
    public_reasoning: str
    internal_notes: str


def build_sheet(rows: list[SheetRow], *, title: str = "", file_format: str = writer.XLSX) -> bytes:
    """The instruction workbook (XLSX or ODS): bold header, widths, frozen header row,
    autofilter; printed landscape, one page wide, the header on every page."""
    columns = [
        writer.Column(
            column.name,
            writer.AMOUNT
            if column.amount
            else DATE_FORMAT
            if column.name == "a_rendre_le"
            else None,
            width=column.width,
        )
        for column in COLUMNS
    ]
    values = [
        [
            row.reference,
            row.title,
            row.category,
            row.kind,
            row.service,
            row.validation,
            row.due_on,
            row.status,
            _amount_cell(row.instructed_cost),
            schedule_text(row.cost_schedule),
            _amount_cell(row.induced_operating_cost),
            _amount_cell(row.instructed_saving),
            _amount_cell(row.direct_saving),
            _amount_cell(row.induced_saving),
            row.duration,
            row.conditions,
            row.public_reasoning,
            row.internal_notes,
        ]
        for row in rows
    ]
    # The reference stays in view while the service scrolls to the figures.
    sheet = writer.Sheet(SHEET, columns, values, freeze_columns=1)
    return writer.workbook_bytes([sheet], file_format=file_format, title=title)


# --- reading -----------------------------------------------------------------------------


@dataclass
class ParsedRow:
    """One row of an edited sheet; `values` holds only the columns the file carries."""

    row: int
    reference: int
    values: dict = field(default_factory=dict)


def parse_reference(text: str) -> int | None:
    """ "P-0042", "p42", "42" -> 42."""
    match = re.fullmatch(r"\s*(?:[Pp]\s*-?\s*)?0*(\d{1,9})\s*", text)
    if match is None:
        return None
    value = int(match.group(1))
    return value or None


def _check_header(header: list[str]) -> tuple[dict[str, int], list[RowError]]:
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    for index, raw in enumerate(header):
        name = raw.strip().lower()
        if not name:
            continue
        if name in positions:
            errors.append(
                located(
                    1,
                    name,
                    name,
                    _("l'en-tête contient deux fois cette colonne : gardez-en une seule."),
                )
            )
        positions.setdefault(name, index)
    for name in REQUIRED_COLUMNS:
        if name not in positions:
            errors.append(located(1, name, "", _("colonne obligatoire absente de l'en-tête.")))
    return positions, errors


def read_sheet(
    data: bytes, *, statuses: dict[str, str], max_bytes: int
) -> tuple[list[ParsedRow], list[RowError]]:
    """Rows of an edited instruction sheet and every problem found (row and column named).

    `statuses` maps status codes to their labels: a cell may hold either.
    """
    tables, errors = read_sheets(data, (SHEET,), max_bytes=max_bytes, prefixed=False)
    if SHEET not in tables:
        return [], errors
    table = tables[SHEET]
    positions, header_errors = _check_header(table.header)
    errors.extend(header_errors)
    if header_errors:
        return [], errors

    def cell(cells: list[str], name: str) -> str:
        index = positions.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    labels = ", ".join(f"« {label} »" for label in statuses.values())
    parsed: list[ParsedRow] = []
    seen: dict[int, int] = {}
    for row, cells in table.rows:
        text = cell(cells, "reference")
        reference = parse_reference(text)
        if reference is None:
            errors.append(
                located(
                    row,
                    "reference",
                    text,
                    _("%(value)s n'est pas une référence de proposition (par exemple P-0042).")
                    % {"value": quoted(text)}
                    if text
                    else _("référence manquante."),
                )
            )
            continue
        if reference in seen:
            errors.append(
                located(
                    row,
                    "reference",
                    text,
                    _("la proposition %(value)s figure déjà à la ligne %(row)s.")
                    % {"value": quoted(text), "row": seen[reference]},
                )
            )
            continue
        seen[reference] = row
        values: dict = {}
        status_text = cell(cells, "avis")
        status = match_choice(status_text, statuses)
        if status is None:
            errors.append(
                located(
                    row,
                    "avis",
                    status_text,
                    (
                        _("%(value)s n'est pas un avis reconnu (attendu : %(labels)s).")
                        % {"value": quoted(status_text), "labels": labels}
                    )
                    if status_text
                    else _("avis manquant (attendu : %(labels)s).") % {"labels": labels},
                )
            )
        else:
            values["status"] = status
        for column in COLUMNS:
            if not column.field or column.name not in positions or column.field == "status":
                continue
            text = cell(cells, column.name)
            if column.amount:
                before = len(errors)
                amount = amount_cell(row, column.name, text, errors, negative=False)
                if len(errors) == before:
                    values[column.field] = amount
            elif column.field == "cost_schedule":
                schedule, problems = parse_schedule(text)
                for problem in problems:
                    errors.append(located(row, column.name, text, problem))
                if not problems:
                    values["cost_schedule"] = schedule
            elif column.field == "duration" and len(text) > DURATION_MAX:
                errors.append(
                    located(
                        row,
                        column.name,
                        text,
                        _("la durée est trop longue (%(max)s caractères au plus).")
                        % {"max": DURATION_MAX},
                    )
                )
            else:
                values[column.field] = text
        parsed.append(ParsedRow(row=row, reference=reference, values=values))
    return parsed, errors
