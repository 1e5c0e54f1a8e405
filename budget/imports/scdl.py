"""Reading SCDL Budget files (schema 0.8.3) from CSV or XLSX: pure parsing, no database.

Everything here takes bytes and returns data plus a list of problems; nothing raises for bad
input, because the people importing need to see every problem of a file at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from budget.spreadsheets.cells import (
    RowError,
    amount_cell,
    choice_cell,
    located,
    looks_like_words,
    parse_amount,
    quoted,
    shifted,
)
from budget.spreadsheets.reader import check_header, read_table, upload_problem

REQUIRED_COLUMNS = (
    "BGT_NATDEC",
    "BGT_ANNEE",
    "BGT_SIRET",
    "BGT_NOM",
    "BGT_CONTNAT",
    "BGT_NATURE",
    "BGT_SECTION",
    "BGT_OPBUDG",
    "BGT_CODRD",
)
VOTED_AMOUNT = "BGT_MTPREV"
REALISED_AMOUNT = "BGT_MTREAL"
LABEL_COLUMNS = ("BGT_CONTNAT_LABEL", "BGT_NATURE_LABEL", "BGT_FONCTION_LABEL")
# Code columns and the longest value BudgetLine can hold for each.
CODE_COLUMNS = {"BGT_CONTNAT": 20, "BGT_NATURE": 10, "BGT_FONCTION": 10}
PREVIEW_ROWS = 20
PROGRESS_EVERY = 2000
LABEL_MAX = 255
OPERATION_MAX = 50
NAME_MAX = 200

STAGES = {
    "budget primitif": "bp",
    "bp": "bp",
    "budget supplementaire": "bs",
    "bs": "bs",
    "decision modificative": "dm",
    "dm": "dm",
    "compte administratif": "ca",
    "ca": "ca",
    # The single financial statement replaces the compte administratif under M57.
    "compte financier unique": "ca",
    "cfu": "ca",
}
SECTIONS = {
    "fonctionnement": "fonctionnement",
    "f": "fonctionnement",
    "investissement": "investissement",
    "i": "investissement",
}
# Some producers write 0/1 instead of the words (0 = réel, 1 = ordre).
KINDS = {"reel": "reel", "reelle": "reel", "0": "reel", "ordre": "ordre", "1": "ordre"}
DIRECTIONS = {
    "depense": "depense",
    "depenses": "depense",
    "d": "depense",
    "recette": "recette",
    "recettes": "recette",
    "r": "recette",
}

_CODE_RE = re.compile(r"^[0-9A-Za-z_-]+$")


@dataclass
class ScdlLine:
    row: int
    section: str
    direction: str
    kind: str
    chapter: str
    chapter_label: str
    account: str
    account_label: str
    function: str
    function_label: str
    operation: str
    amount: Decimal
    realised: Decimal | None
    code: str = ""


@dataclass
class ScdlFile:
    errors: list[RowError] = field(default_factory=list)
    lines: list[ScdlLine] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    preview: list[tuple[int, list[str]]] = field(default_factory=list)  # (line number, cells)
    name: str = ""
    siret: str = ""
    year: int | None = None
    stage: str = ""
    file_format: str = ""

    @property
    def siren(self) -> str:
        return self.siret[:9]

    @property
    def ok(self) -> bool:
        return not self.errors


# --- codes -------------------------------------------------------------------------------


def base_code(*, section: str, direction: str, account: str, function: str) -> str:
    prefix = ("F" if section == "fonctionnement" else "I") + (
        "D" if direction == "depense" else "R"
    )
    return f"{prefix}-{account}-{function}" if function else f"{prefix}-{account}"


def derive_codes(bases: Sequence[str]) -> list[str]:
    """Stable codes in file order: the first of duplicates keeps the plain code, then -2, -3...

    A suffixed code never takes a code that another line of the file owns as its plain code
    (FD-6574 twice gives FD-6574-2, which could also be account 6574 with function 2).
    """
    plain = set(bases)
    used: set[str] = set()
    next_suffix: dict[str, int] = {}  # thousands of duplicates must not cost n² lookups
    codes = []
    for base in bases:
        code = base
        if code in used:
            n = next_suffix.get(base, 2)
            while f"{base}-{n}" in used or f"{base}-{n}" in plain:
                n += 1
            next_suffix[base] = n + 1
            code = f"{base}-{n}"
        used.add(code)
        codes.append(code)
    return codes


# --- checking cells ----------------------------------------------------------------------


def _code(row: int, column: str, text: str, errors: list, *, required: bool) -> str:
    value = text.strip()
    if not value:
        if required:
            errors.append(located(row, column, text, _("valeur manquante.")))
        return ""
    if not _CODE_RE.match(value):
        problem = _("%(value)s n'est pas un code de la nomenclature.") % {"value": quoted(text)}
        if parse_amount(value) is not None or looks_like_words(value):
            problem = problem.rstrip(".") + " " + _("(colonnes décalées ?)") + "."
        errors.append(located(row, column, text, problem))
        return ""
    if len(value) > CODE_COLUMNS[column]:
        errors.append(
            located(
                row,
                column,
                text,
                _("%(value)s est trop long (%(max)s caractères au plus).")
                % {"value": quoted(text), "max": CODE_COLUMNS[column]},
            )
        )
        return ""
    return value


def _label(row: int, column: str, text: str, errors: list, *, limit: int = LABEL_MAX) -> str:
    value = text.strip()
    if value and parse_amount(value) is not None:
        errors.append(
            located(
                row,
                column,
                text,
                _("%(value)s ressemble à un montant et non à un libellé (colonnes décalées ?).")
                % {"value": quoted(text)},
            )
        )
    elif len(value) > limit:
        errors.append(
            located(
                row,
                column,
                text,
                _("le libellé est trop long (%(length)s caractères, %(max)s au plus).")
                % {"length": len(value), "max": limit},
            )
        )
        return ""
    return value


def _record_first(values: dict[str, int], value: str, row: int) -> None:
    values.setdefault(value, row)


def _mixed_error(column: str, values: dict[str, int], problem: str) -> RowError:
    listing = ", ".join(
        _("%(value)s (ligne %(row)s)") % {"value": quoted(value), "row": row}
        for value, row in list(values.items())[:5]
    )
    other, row = list(values.items())[1]
    return located(row, column, other, f"{problem} {listing}.")


def parse_budget_file(
    data: bytes,
    *,
    filename: str,
    max_bytes: int,
    progress: Callable[[int, int], None] | None = None,
) -> ScdlFile:
    """Read and check a whole SCDL Budget file; `errors` lists every problem found.

    `progress(done, total)` is called every PROGRESS_EVERY rows checked."""
    result = ScdlFile()
    problem = upload_problem(data, max_bytes)
    if problem is not None:
        result.errors.append(problem)
        return result
    table, result.file_format = read_table(data, filename, sheet="budget")
    result.errors.extend(table.errors)
    if table.errors and not table.rows:
        return result
    if not table.header:
        result.errors.append(located(None, "", "", _("Le fichier est vide.")))
        return result
    result.header = table.header
    result.preview = table.rows[:PREVIEW_ROWS]
    positions, header_errors = check_header(table.header, REQUIRED_COLUMNS)
    if VOTED_AMOUNT not in positions and REALISED_AMOUNT not in positions:
        header_errors.append(
            located(
                1,
                VOTED_AMOUNT,
                "",
                _(
                    "colonne de montant absente : BGT_MTPREV (budget voté) ou BGT_MTREAL "
                    "(compte administratif)."
                ),
            )
        )
    if header_errors:
        if not any(name.startswith("BGT_") for name in positions):
            header_errors.append(
                located(
                    1,
                    "",
                    "",
                    _(
                        "la première ligne doit porter les noms de colonnes du format SCDL "
                        "Budget (BGT_NATDEC, BGT_ANNEE, BGT_SIRET…) ; vérifiez aussi le "
                        "séparateur (point-virgule ou virgule)."
                    ),
                )
            )
        result.errors.extend(header_errors)
        return result
    if not table.rows:
        result.errors.append(
            located(None, "", "", _("Le fichier ne contient aucune ligne budgétaire."))
        )
        return result

    errors: list[RowError] = []
    width = len(table.header)
    natdecs: dict[str, int] = {}
    years: dict[str, int] = {}
    sirets: dict[str, int] = {}
    voted_at = positions.get(VOTED_AMOUNT)
    realised_at = positions.get(REALISED_AMOUNT)
    pending = []  # (line, voted, realised, raw voted, raw realised)

    def cell(cells: list[str], name: str) -> str:
        index = positions.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    for checked, (row, cells) in enumerate(table.rows):
        if progress and checked % PROGRESS_EVERY == 0:
            progress(checked, len(table.rows))
        # Spreadsheets drop trailing empty cells; a CSV row must match its header exactly.
        if len(cells) != width if table.strict_width else len(cells) > width:
            errors.append(
                located(
                    row,
                    "",
                    "",
                    _(
                        "la ligne compte %(found)s valeurs pour %(expected)s colonnes "
                        "(colonnes décalées ? un libellé contient peut-être le séparateur "
                        "sans guillemets)."
                    )
                    % {"found": len(cells), "expected": width},
                )
            )
        natdec = cell(cells, "BGT_NATDEC")
        stage = choice_cell(
            row,
            "BGT_NATDEC",
            natdec,
            STAGES,
            _(
                "budget primitif, budget supplémentaire, décision modificative ou "
                "compte administratif"
            ),
            errors,
        )
        if stage:
            _record_first(natdecs, stage, row)
        year_text = cell(cells, "BGT_ANNEE").strip()
        if re.fullmatch(r"(19|20|21)\d\d", year_text):
            _record_first(years, year_text, row)
        else:
            errors.append(
                located(
                    row,
                    "BGT_ANNEE",
                    year_text,
                    shifted(
                        _("%(value)s n'est pas une année (4 chiffres attendus).")
                        % {"value": quoted(year_text)},
                        year_text,
                    ),
                )
            )
        siret = re.sub(r"[\s\u00a0\u202f]", "", cell(cells, "BGT_SIRET"))
        if re.fullmatch(r"\d{14}", siret):
            _record_first(sirets, siret, row)
        else:
            errors.append(
                located(
                    row,
                    "BGT_SIRET",
                    cell(cells, "BGT_SIRET"),
                    _("%(value)s n'est pas un numéro SIRET (14 chiffres attendus).")
                    % {"value": quoted(cell(cells, "BGT_SIRET"))},
                )
            )
        name = cell(cells, "BGT_NOM").strip()
        if not name:
            errors.append(located(row, "BGT_NOM", "", _("valeur manquante.")))
        elif not result.name:
            result.name = name[:NAME_MAX]
        section = choice_cell(
            row,
            "BGT_SECTION",
            cell(cells, "BGT_SECTION"),
            SECTIONS,
            _("fonctionnement ou investissement"),
            errors,
        )
        kind = choice_cell(
            row, "BGT_OPBUDG", cell(cells, "BGT_OPBUDG"), KINDS, _("réel ou ordre"), errors
        )
        direction = choice_cell(
            row,
            "BGT_CODRD",
            cell(cells, "BGT_CODRD"),
            DIRECTIONS,
            _("recette ou dépense"),
            errors,
        )
        account = _code(row, "BGT_CONTNAT", cell(cells, "BGT_CONTNAT"), errors, required=True)
        chapter = _code(row, "BGT_NATURE", cell(cells, "BGT_NATURE"), errors, required=True)
        function = _code(row, "BGT_FONCTION", cell(cells, "BGT_FONCTION"), errors, required=False)
        labels = {
            column: _label(row, column, cell(cells, column), errors) for column in LABEL_COLUMNS
        }
        operation = cell(cells, "BGT_OPERATION").strip()
        if len(operation) > OPERATION_MAX:
            errors.append(
                located(
                    row,
                    "BGT_OPERATION",
                    operation,
                    _("%(value)s est trop long (%(max)s caractères au plus).")
                    % {"value": quoted(operation), "max": OPERATION_MAX},
                )
            )
        voted_text = cells[voted_at] if voted_at is not None and voted_at < len(cells) else ""
        realised_text = (
            cells[realised_at] if realised_at is not None and realised_at < len(cells) else ""
        )
        voted = amount_cell(row, VOTED_AMOUNT, voted_text, errors, hint_shift=True)
        realised = amount_cell(row, REALISED_AMOUNT, realised_text, errors, hint_shift=True)
        line = ScdlLine(
            row=row,
            section=section,
            direction=direction,
            kind=kind,
            chapter=chapter,
            chapter_label=labels["BGT_NATURE_LABEL"],
            account=account,
            account_label=labels["BGT_CONTNAT_LABEL"],
            function=function,
            function_label=labels["BGT_FONCTION_LABEL"],
            operation=operation,
            amount=Decimal("0"),
            realised=None,
        )
        pending.append((line, voted, realised, voted_text, realised_text))

    if len(sirets) > 1:
        errors.append(
            _mixed_error(
                "BGT_SIRET",
                sirets,
                _(
                    "un fichier ne doit concerner qu'une collectivité ; ce fichier en mélange "
                    "plusieurs :"
                ),
            )
        )
    if len(years) > 1:
        errors.append(
            _mixed_error(
                "BGT_ANNEE",
                years,
                _(
                    "un fichier ne doit concerner qu'un exercice ; ce fichier en mélange "
                    "plusieurs :"
                ),
            )
        )
    if len(natdecs) > 1:
        errors.append(
            _mixed_error(
                "BGT_NATDEC",
                natdecs,
                _(
                    "un fichier ne doit porter qu'une étape budgétaire ; ce fichier en mélange "
                    "plusieurs :"
                ),
            )
        )
    result.stage = next(iter(natdecs), "")
    result.siret = next(iter(sirets), "")
    result.year = int(next(iter(years))) if years else None

    # Voted budgets carry BGT_MTPREV; a compte administratif is about BGT_MTREAL.
    needed = REALISED_AMOUNT if result.stage == "ca" else VOTED_AMOUNT
    if result.stage and needed not in positions:
        errors.append(
            located(
                1,
                needed,
                "",
                _("colonne obligatoire absente de l'en-tête pour un %(stage)s.")
                % {"stage": _stage_name(result.stage)},
            )
        )
    elif result.stage:
        for line, voted, realised, voted_text, realised_text in pending:
            text = realised_text if needed == REALISED_AMOUNT else voted_text
            value = realised if needed == REALISED_AMOUNT else voted
            if not text.strip():
                errors.append(located(line.row, needed, "", _("montant manquant.")))
                continue
            if value is None:
                continue  # already reported as not a number
            if result.stage == "ca":
                line.amount = voted if voted is not None else realised
                line.realised = realised
            else:
                line.amount = voted
                line.realised = realised
    result.errors.extend(errors)
    result.errors.sort(key=lambda error: error.row or 0)
    if result.errors:
        return result
    result.lines = [line for line, *_rest in pending]
    codes = derive_codes(
        [
            base_code(
                section=line.section,
                direction=line.direction,
                account=line.account,
                function=line.function,
            )
            for line in result.lines
        ]
    )
    for line, code in zip(result.lines, codes, strict=True):
        line.code = code
    return result


def _stage_name(stage: str) -> str:
    return {
        "bp": _("budget primitif"),
        "bs": _("budget supplémentaire"),
        "dm": _("décision modificative"),
        "ca": _("compte administratif"),
    }[stage]
