"""Cells of uploaded spreadsheets: where a problem is, and typed values with French messages.

`located` builds the RowError every import reports ("Ligne 7, colonne BGT_MTPREV : …"); the
typed helpers (`amount_cell`, `integer_cell`, `date_cell`, `choice_cell`, `yes_no_cell`)
read one cell, append such an error when the value is refused and return None (or "").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# 14 integer digits: amounts are DecimalField(max_digits=16, decimal_places=2) everywhere.
AMOUNT_LIMIT = Decimal("1e14")
CENT = Decimal("0.01")
DATE_PATTERNS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")

_NUMBER_RE = re.compile(r"^[+-]?\d+(\.\d+)?$")
_WORD_RE = re.compile(r"[^\W\d_]{3,}")


@dataclass
class RowError:
    """One problem of a file; `row` is its line number (header = 1), None for the whole file."""

    row: int | None
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        return self.message


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


# --- typed cells --------------------------------------------------------------------------


def column_cell(
    columns: dict[str, tuple[int, str]], cells: list[str], name: str
) -> tuple[str, str]:
    """The stripped text of column `name` in a row and the header it was found under; ("", "")
    when the file has no such column (`columns`: name → (index, header as written))."""
    if name not in columns:
        return "", ""
    index, header = columns[name]
    return (cells[index].strip() if index < len(cells) else ""), header


def shifted(problem: str, value: str) -> str:
    """A hint when a number column holds words: the columns are probably shifted."""
    if _WORD_RE.search(value):
        return problem.rstrip(".") + " " + _("(colonnes décalées ?)") + "."
    return problem


def looks_like_words(value: str) -> bool:
    return bool(_WORD_RE.search(value))


def parse_date(value: object) -> date | None:
    """A date cell, or "31/01/2027", "31/01/27", "2027-01-31"; None when it is not a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value).strip()
    for pattern in DATE_PATTERNS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def match_choice(text: str, choices: dict[str, str]) -> str | None:
    """The code whose code or label is `text`, whatever the case, accents and spacing."""
    wanted = normalise_word(text)
    for code, label in choices.items():
        if wanted in (normalise_word(code), normalise_word(label)):
            return code
    return None


def amount_cell(
    row: int,
    column: str,
    text: str,
    errors: list[RowError],
    *,
    negative: bool = True,
    hint_shift: bool = False,
) -> Decimal | None:
    """An amount in euros rounded to the cent ("1 234,50", "1.234,50"); None when empty."""
    if not text.strip():
        return None
    value = parse_amount(text)
    if value is None:
        problem = _("%(value)s n'est pas un montant.") % {"value": quoted(text)}
        errors.append(located(row, column, text, shifted(problem, text) if hint_shift else problem))
        return None
    if value < 0 and not negative:
        errors.append(
            located(row, column, text, _("%(value)s est négatif.") % {"value": quoted(text)})
        )
        return None
    if abs(value) >= AMOUNT_LIMIT:
        errors.append(
            located(row, column, text, _("%(value)s est trop grand.") % {"value": quoted(text)})
        )
        return None
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def integer_cell(
    row: int,
    column: str,
    text: str,
    errors: list[RowError],
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int | None:
    """A whole number ("12", "1 200", "12,0"); None when empty or refused."""
    if not text.strip():
        return None
    value = parse_amount(text)
    if value is None or value != value.to_integral_value():
        errors.append(
            located(
                row,
                column,
                text,
                shifted(_("%(value)s n'est pas un nombre entier.") % {"value": quoted(text)}, text),
            )
        )
        return None
    number = int(value)
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        errors.append(
            located(
                row,
                column,
                text,
                _("%(value)s est hors des limites (de %(min)s à %(max)s).")
                % {
                    "value": quoted(text),
                    "min": "—" if minimum is None else minimum,
                    "max": "—" if maximum is None else maximum,
                },
            )
        )
        return None
    return number


def date_cell(row: int, column: str, value: object, errors: list[RowError]) -> date | None:
    """A date cell or text in a French or ISO form; None when empty or unreadable."""
    text = cell_text(value).strip()
    if not text:
        return None
    parsed = parse_date(value)
    if parsed is None:
        errors.append(
            located(
                row,
                column,
                text,
                _("%(value)s n'est pas une date (attendu : JJ/MM/AAAA).") % {"value": quoted(text)},
            )
        )
    return parsed


def choice_cell(
    row: int,
    column: str,
    text: str,
    choices: dict[str, str],
    expected: str,
    errors: list[RowError],
) -> str:
    """The value that `choices` gives to the cell's normalised word, "" when none does.

    `choices` maps normalised spellings to values; `expected` lists them for the message.
    """
    value = choices.get(normalise_word(text))
    if value is None:
        if not text.strip():
            problem = _("valeur manquante (attendu : %(expected)s).") % {"expected": expected}
        else:
            problem = _("%(value)s n'est pas une valeur reconnue (attendu : %(expected)s).") % {
                "value": quoted(text),
                "expected": expected,
            }
            # A long text where a word was expected: probably a label in the wrong column.
            if len(text.strip()) > 20:
                problem = shifted(problem, text)
        errors.append(located(row, column, text, problem))
        return ""
    return value


def yes_no_cell(
    row: int, column: str, text: str, errors: list[RowError], *, default: bool | None = None
) -> bool | None:
    """oui/non (yes/no, 1/0, x, vrai/faux); `default` for an empty cell."""
    if not text.strip():
        return default
    value = parse_yes_no(text)
    if value is None:
        errors.append(
            located(
                row, column, text, _("%(value)s : répondez oui ou non.") % {"value": quoted(text)}
            )
        )
    return value
