"""Reading SCDL Budget files (schema 0.8.3) from CSV or XLSX: pure parsing, no database.

Everything here takes bytes and returns data plus a list of problems; nothing raises for bad
input, because the people importing need to see every problem of a file at once.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

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
LABEL_MAX = 255
OPERATION_MAX = 50
NAME_MAX = 200
# 14 integer digits: BudgetLine amounts are DecimalField(max_digits=16, decimal_places=2).
AMOUNT_LIMIT = Decimal("1e14")
CENT = Decimal("0.01")

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
_NUMBER_RE = re.compile(r"^[+-]?\d+(\.\d+)?$")
_WORD_RE = re.compile(r"[^\W\d_]{3,}")
_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')
_FORMULA_RE = re.compile(rb"<(?:\w+:)?f[\s>/]")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass
class RowError:
    """One problem of a file; `row` is its line number (header = 1), None for the whole file."""

    row: int | None
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        return self.message


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


# --- messages ----------------------------------------------------------------------------


def shorten(value: object, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def located(row: int | None, column: str, value: object, problem: str) -> RowError:
    """A RowError whose message starts with where the problem is."""
    if row is not None and column:
        message = _("Ligne %(row)s, colonne %(column)s : %(problem)s")
    elif row is not None:
        message = _("Ligne %(row)s : %(problem)s")
    elif column:
        message = _("Colonne %(column)s : %(problem)s")
    else:
        message = "%(problem)s"
    message = message % {"row": row, "column": column, "problem": problem}
    return RowError(row=row, column=column, value=str(value), message=message)


def size_problem(size: int, limit: int) -> str:
    return _("Le fichier pèse %(size)s, au-delà de la limite de %(limit)s.") % {
        "size": filesizeformat(size),
        "limit": filesizeformat(limit),
    }


def quoted(value: object) -> str:
    return f"« {shorten(value)} »"


# --- values ------------------------------------------------------------------------------


def normalise_word(value: str) -> str:
    """'  Dépense ' -> 'depense': case, accents and spacing do not matter in enumerations."""
    text = unicodedata.normalize("NFKD", value.strip().lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.split())


def parse_amount(text: str) -> Decimal | None:
    """'1 234,50', '1234.5', '1.234,50', '-12' -> Decimal; None when it is not a number."""
    value = text.strip()
    for junk in ("\u00a0", "\u202f", "\u2009", " ", "€", "'"):
        value = value.replace(junk, "")
    value = value.replace("\u2212", "-")
    if "," in value and "." in value:
        if value.rfind(",") > value.rfind("."):
            value = value.replace(".", "").replace(",", ".")
        else:
            value = value.replace(",", "")
    elif "," in value:
        if value.count(",") > 1:
            return None
        value = value.replace(",", ".")
    elif value.count(".") > 1:
        value = value.replace(".", "")
    if not _NUMBER_RE.match(value):
        return None
    try:
        return Decimal(value)
    except InvalidOperation:  # pragma: no cover - the regex already guards this
        return None


def parse_yes_no(text: str) -> bool | None:
    word = normalise_word(text)
    if word in {"oui", "o", "yes", "y", "vrai", "true", "1", "x"}:
        return True
    if word in {"non", "n", "no", "faux", "false", "0"}:
        return False
    return None


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a CSV would have carried."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


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


# --- reading the raw table ---------------------------------------------------------------


@dataclass
class Table:
    """Rows of text cells; `rows` holds (line number, cells), the header being line 1."""

    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    strict_width: bool = True


def decode_text(data: bytes) -> tuple[str | None, RowError | None]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data[:65536]:
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
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
    table = Table()
    text, error = decode_text(data)
    if error:
        table.errors.append(error)
        return table
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    first = True
    try:
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
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

    def find_sheet(self, name: str) -> str | None:
        for title in self.book.sheetnames:
            if title.strip().lower() == name.lower():
                return title
        return None

    @property
    def first_sheet(self) -> str:
        return self.book.sheetnames[0]

    def table(self, title: str, *, prefix: str = "") -> Table:
        from openpyxl import load_workbook

        table = Table(strict_width=False)
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
                            prefix + (name or _column_letter(index)),
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


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def open_xlsx(data: bytes) -> tuple[XlsxReader | None, RowError | None]:
    try:
        return XlsxReader(data), None
    except Exception:  # openpyxl raises many kinds of errors for broken archives
        return None, located(
            None,
            "",
            "",
            _(
                "Le fichier n'est pas un classeur Excel .xlsx lisible (archive endommagée, "
                "classeur protégé par mot de passe ou autre format)."
            ),
        )


def read_table(data: bytes, filename: str) -> tuple[Table, str]:
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
    if data.startswith(_ZIP_MAGIC) or name.endswith((".xlsx", ".xlsm")):
        reader, error = open_xlsx(data)
        if reader is None:
            table = Table()
            table.errors.append(error)
            return table, "xlsx"
        try:
            title = reader.find_sheet("budget") or reader.first_sheet
            return reader.table(title), "xlsx"
        finally:
            reader.close()
    return read_csv(data), "csv"


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


def _shifted(problem: str, value: str) -> str:
    if _WORD_RE.search(value):
        return problem.rstrip(".") + " " + _("(colonnes décalées ?)") + "."
    return problem


def _amount(row: int, column: str, text: str, errors: list[RowError]) -> Decimal | None:
    if not text.strip():
        return None
    value = parse_amount(text)
    if value is None:
        errors.append(
            located(
                row,
                column,
                text,
                _shifted(_("%(value)s n'est pas un montant.") % {"value": quoted(text)}, text),
            )
        )
        return None
    if abs(value) >= AMOUNT_LIMIT:
        errors.append(
            located(row, column, text, _("%(value)s est trop grand.") % {"value": quoted(text)})
        )
        return None
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _enum(
    row: int, column: str, text: str, choices: dict[str, str], expected: str, errors: list
) -> str:
    value = choices.get(normalise_word(text))
    if value is None:
        if not text.strip():
            problem = _("valeur manquante (attendu : %(expected)s).") % {"expected": expected}
        else:
            problem = _shifted(
                _("%(value)s n'est pas une valeur reconnue (attendu : %(expected)s).")
                % {"value": quoted(text), "expected": expected},
                text if len(text.strip()) > 20 else "",
            )
        errors.append(located(row, column, text, problem))
        return ""
    return value


def _code(row: int, column: str, text: str, errors: list, *, required: bool) -> str:
    value = text.strip()
    if not value:
        if required:
            errors.append(located(row, column, text, _("valeur manquante.")))
        return ""
    if not _CODE_RE.match(value):
        problem = _("%(value)s n'est pas un code de la nomenclature.") % {"value": quoted(text)}
        if parse_amount(value) is not None or _WORD_RE.search(value):
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


def parse_budget_file(data: bytes, *, filename: str, max_bytes: int) -> ScdlFile:
    """Read and check a whole SCDL Budget file; `errors` lists every problem found."""
    result = ScdlFile()
    if len(data) > max_bytes:
        result.errors.append(located(None, "", "", size_problem(len(data), max_bytes)))
        return result
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        result.errors.append(located(None, "", "", _("Le fichier est vide.")))
        return result
    table, result.file_format = read_table(data, filename)
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

    for row, cells in table.rows:
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
        stage = _enum(
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
                    _shifted(
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
        section = _enum(
            row,
            "BGT_SECTION",
            cell(cells, "BGT_SECTION"),
            SECTIONS,
            _("fonctionnement ou investissement"),
            errors,
        )
        kind = _enum(
            row, "BGT_OPBUDG", cell(cells, "BGT_OPBUDG"), KINDS, _("réel ou ordre"), errors
        )
        direction = _enum(
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
        voted = _amount(row, VOTED_AMOUNT, voted_text, errors)
        realised = _amount(row, REALISED_AMOUNT, realised_text, errors)
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
