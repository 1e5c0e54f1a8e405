"""The council's answer sheet (XLSX or ODS): writing it, and reading a filled one back (no
database).

Two layouts are read: the answer sheet offered for download, and the council report's sheet
"Propositions et instruction" (votes/report.py) to which the council's office added the columns
"Décision" and "Réponse argumentée". The report puts a title above its table, so the header row
is found by its content ("Référence") in the first rows rather than assumed to be row 1.

Reading never raises for bad input: every problem comes back as "Ligne 7 (P-0012) : …", so
that the whole file can be corrected at once; the service decides what is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from budget.spreadsheets import writer
from budget.spreadsheets.cells import (
    RowError,
    cell_text,
    match_choice,
    normalise_word,
    parse_date,
    quoted,
)
from budget.spreadsheets.limits import TooLarge
from budget.spreadsheets.reader import open_workbook, upload_problem
from votes.instruction.sheet import XLSX_TYPE, parse_reference

__all__ = ["XLSX_TYPE", "AnswerRow", "ParsedAnswer", "build_sheet", "read_sheet"]

SHEET = "Avis du conseil"
REPORT_SHEET = "Propositions et instruction"
HEADER_SEARCH_ROWS = 10
# The workbook's identifier names the campaign: a sheet sent back to the wrong campaign is
# refused as a whole rather than row by row.
IDENTIFIER_PREFIX = "arbitrages-avis:"
ANSWER_MAX = 10_000
DELIBERATION_REFERENCE_MAX = 60
DATE_FORMAT = "dd/mm/yyyy"


# The header texts are French on purpose: they are what the council's office types and reads,
# and the report helper's sheet uses the same words.
COLUMNS = {
    "reference": ("Référence", 12),
    "title": ("Titre", 40),
    "category": ("Rubrique", 22),
    "result": ("Résultat", 26),
    "decision": ("Décision", 26),
    "answer": ("Réponse argumentée", 60),
    "deliberation_reference": ("Référence de la délibération", 22),
    "deliberation_date": ("Date de la délibération", 16),
}
REQUIRED = ("reference", "decision", "answer")


def _key(text: str) -> str:
    return normalise_word(text)


def _in_every_language(text: str) -> set[str]:
    """The French text and its translations: a report or sheet downloaded in English has
    English headers and sheet names, and must import back all the same."""
    keys = {_key(text)}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            keys.add(_key(translation.gettext(text)))
    return keys


def header_keys() -> dict[str, str]:
    return {
        variant: key
        for key, (header, _width) in COLUMNS.items()
        for variant in _in_every_language(header)
    }


# --- writing -------------------------------------------------------------------------------


@dataclass
class AnswerRow:
    """One proposal as the answer sheet shows it (labels already translated)."""

    reference: str
    title: str
    category: str
    result: str
    decision: str = ""
    answer: str = ""
    deliberation_reference: str = ""
    deliberation_date: date | None = None


def build_sheet(
    rows: list[AnswerRow],
    *,
    decisions: list[str],
    campaign_slug: str,
    title: str = "",
    file_format: str = writer.XLSX,
) -> bytes:
    """The answer workbook: bold header, widths, frozen header row, autofilter, and a list of
    the decisions offered in the "Décision" column."""
    decision_list = writer.Choices(
        decisions,
        error=_("Choisissez une décision dans la liste."),
        prompt=_("Décision du conseil"),
    )
    options = {
        "decision": {"choices": decision_list},
        "answer": {"wrap": True},
        "deliberation_date": {"number_format": DATE_FORMAT},
    }
    columns = [
        writer.Column(header, width=width, **options.get(key, {}))
        for key, (header, width) in COLUMNS.items()
    ]
    values = [
        [
            row.reference,
            row.title,
            row.category,
            row.result,
            row.decision,
            row.answer,
            row.deliberation_reference,
            row.deliberation_date,
        ]
        for row in rows
    ]
    sheet = writer.Sheet(SHEET, columns, values, freeze_columns=1)
    return writer.workbook_bytes(
        [sheet],
        file_format=file_format,
        title=title,
        identifier=IDENTIFIER_PREFIX + campaign_slug,
    )


# --- reading -------------------------------------------------------------------------------


@dataclass
class ParsedAnswer:
    """One filled row; `title` is what the sheet says, to catch a sheet of another campaign."""

    row: int
    reference: int
    label: str
    title: str
    decision: str
    answer: str
    deliberation_reference: str
    deliberation_date: date | None


@dataclass
class ParsedSheet:
    rows: list[ParsedAnswer] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    skipped: int = 0
    campaign_slug: str = ""


def row_error(row: int, label: str, problem: str, *, column: str = "", value: str = "") -> RowError:
    """ "Ligne 7 (P-0012) : …": the line as Excel numbers it, and the proposal when known."""
    if label:
        message = _("Ligne %(row)s (%(ref)s) : %(problem)s")
    else:
        message = _("Ligne %(row)s : %(problem)s")
    return RowError(
        row=row,
        column=column,
        value=value,
        message=message % {"row": row, "ref": label, "problem": problem},
    )


def file_error(problem: str) -> RowError:
    return RowError(row=None, column="", value="", message=problem)


def _text(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return cell_text(value).replace("\r\n", "\n").strip()


def _find_header(rows: list[tuple]) -> tuple[int, dict[str, int]] | None:
    """(row number, column positions) of the first row holding a "Référence" cell."""
    for number, cells in enumerate(rows, start=1):
        texts = [_key(_text(cell)) for cell in cells]
        if _in_every_language(COLUMNS["reference"][0]) & set(texts):
            keys = header_keys()
            positions: dict[str, int] = {}
            for index, text in enumerate(texts):
                key = keys.get(text)
                if key is not None:
                    positions.setdefault(key, index)
            return number, positions
    return None


def _candidate_sheets(reader) -> list[str]:
    """The answer sheet and the report's sheet first; any other sheet after them."""
    preferred = _in_every_language(SHEET) | _in_every_language(REPORT_SHEET)
    return sorted(reader.sheetnames, key=lambda title: _key(title) not in preferred)


def _locate_table(reader) -> tuple[str, int, dict[str, int]] | RowError:
    """The sheet to read, its header row and its columns; or why none fits."""
    incomplete: tuple[str, list[str]] | None = None
    for title in _candidate_sheets(reader):
        first_rows = list(reader.rows(title, max_row=HEADER_SEARCH_ROWS))
        found = _find_header(first_rows)
        if found is None:
            continue
        number, positions = found
        missing = [COLUMNS[key][0] for key in REQUIRED if key not in positions]
        if not missing:
            return title, number, positions
        if incomplete is None:
            incomplete = (title, missing)
    if incomplete is not None:
        title, missing = incomplete
        return file_error(
            _(
                "La feuille « %(sheet)s » n'a pas les colonnes %(missing)s : ajoutez-les à "
                "droite du tableau (décision et réponse argumentée de chaque proposition)."
            )
            % {"sheet": title, "missing": ", ".join(f"« {name} »" for name in missing)}
        )
    return file_error(
        _(
            "Aucune feuille du classeur n'a, dans ses %(rows)s premières lignes, une ligne "
            "d'en-tête avec une colonne « Référence » : envoyez la feuille des avis téléchargée "
            "ici ou la feuille « %(report)s » du rapport au conseil."
        )
        % {"rows": HEADER_SEARCH_ROWS, "report": REPORT_SHEET}
    )


def read_sheet(
    data: bytes, *, decisions: dict[str, str], max_bytes: int, today: date
) -> ParsedSheet:
    """Filled rows of an answer sheet and every problem found.

    `decisions` maps decision codes to their labels: a cell may hold either. Rows whose
    decision and answer are both empty are skipped (counted), so that a sheet can be filled
    and imported in several goes.
    """
    parsed = ParsedSheet()
    problem = upload_problem(data, max_bytes)
    if problem is not None:
        parsed.errors.append(problem)
        return parsed
    reader, error = open_workbook(data)
    if reader is None:
        parsed.errors.append(error)
        return parsed
    try:
        identifier = reader.identifier
        if identifier.startswith(IDENTIFIER_PREFIX):
            parsed.campaign_slug = identifier[len(IDENTIFIER_PREFIX) :]
        located = _locate_table(reader)
        if isinstance(located, RowError):
            parsed.errors.append(located)
            return parsed
        title, header_row, positions = located
        rows = list(reader.rows(title, min_row=header_row + 1))
    except TooLarge as exc:
        parsed.errors.append(exc.error)
        return parsed
    finally:
        reader.close()
    seen: dict[int, int] = {}
    for number, cells in enumerate(rows, start=header_row + 1):
        values = {
            key: cells[index] if index < len(cells) else None for key, index in positions.items()
        }
        if not _text(values.get("decision")) and not _text(values.get("answer")):
            if any(_text(value) for value in cells):
                parsed.skipped += 1
            continue
        row, errors = _parse_row(number, values, decisions=decisions, today=today, seen=seen)
        parsed.errors.extend(errors)
        if row is not None:
            parsed.rows.append(row)
    return parsed


def _parse_row(
    number: int, values: dict[str, object], *, decisions: dict[str, str], today: date, seen: dict
) -> tuple[ParsedAnswer | None, list[RowError]]:
    """One filled row, checked; `seen` maps the references met so far to their line."""
    errors: list[RowError] = []
    reference_text = _text(values.get("reference"))
    reference = parse_reference(reference_text)
    if reference is None:
        problem = (
            _("%(value)s n'est pas une référence de proposition (par exemple P-0042).")
            % {"value": quoted(reference_text)}
            if reference_text
            else _("référence manquante.")
        )
        return None, [row_error(number, "", problem, column="reference")]
    label = f"P-{reference:04d}"

    def refuse(problem: str, column: str, value: str = "") -> None:
        errors.append(row_error(number, label, problem, column=column, value=value))

    if reference in seen:
        refuse(
            _("la proposition figure déjà à la ligne %(row)s.") % {"row": seen[reference]},
            "reference",
        )
        return None, errors
    seen[reference] = number
    labels = ", ".join(decisions.values())
    decision_text = _text(values.get("decision"))
    decision = match_choice(decision_text, decisions) if decision_text else None
    if not decision_text:
        refuse(_("décision manquante ; attendu : %(labels)s.") % {"labels": labels}, "decision")
    elif decision is None:
        refuse(
            _("décision %(value)s inconnue ; attendu : %(labels)s.")
            % {"value": quoted(decision_text), "labels": labels},
            "decision",
            decision_text,
        )
    answer = _text(values.get("answer"))
    if not answer:
        refuse(
            _("réponse argumentée manquante : le conseil motive chacune de ses décisions."),
            "answer",
        )
    elif len(answer) > ANSWER_MAX:
        refuse(
            _("la réponse argumentée dépasse %(max)s caractères.") % {"max": ANSWER_MAX},
            "answer",
        )
    deliberation_reference = _text(values.get("deliberation_reference"))
    if len(deliberation_reference) > DELIBERATION_REFERENCE_MAX:
        refuse(
            _("la référence de la délibération dépasse %(max)s caractères.")
            % {"max": DELIBERATION_REFERENCE_MAX},
            "deliberation_reference",
            deliberation_reference,
        )
    raw_date = values.get("deliberation_date")
    deliberation_date = None
    if _text(raw_date):
        deliberation_date = parse_date(raw_date)
        if deliberation_date is None:
            refuse(
                _("date de délibération %(value)s illisible ; attendu : JJ/MM/AAAA.")
                % {"value": quoted(_text(raw_date))},
                "deliberation_date",
                _text(raw_date),
            )
        elif deliberation_date > today:
            refuse(
                _("la date de délibération %(date)s est dans le futur.")
                % {"date": deliberation_date.strftime("%d/%m/%Y")},
                "deliberation_date",
                _text(raw_date),
            )
    if errors:
        return None, errors
    return (
        ParsedAnswer(
            row=number,
            reference=reference,
            label=label,
            title=_text(values.get("title")),
            decision=decision or "",
            answer=answer,
            deliberation_reference=deliberation_reference,
            deliberation_date=deliberation_date,
        ),
        errors,
    )
