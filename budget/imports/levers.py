"""Sheet `leviers` of the simulator parameters: the revenue levers beyond the property tax.

One row per lever the simulator offers: a rate on a base (household waste tax, TEOM), a price
per unit (school canteen, swimming pool, a fee per household such as the REOM) or new loans.
The finance service gives the revenue line it moves, the value in force, the bounds a citizen
may choose within (never below zero: a rate, a price or a loan cannot be negative), the base
(euros for a rate, units a year for a price), the households the "par foyer" figure divides
by, and for a loan the interest line (chapter 66) and rate.

The sheet is optional: a workbook without it (made before levers existed) leaves the levers as
they are. With it, the import replaces the budget's levers, all or nothing like the rest.
Stored in `Budget.levers` as plain dicts (numbers as strings) that simulator/inputs.py turns
into the engine's levers; the kinds below are the file's words and the engine's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from budget.models import Budget, BudgetLine
from budget.spreadsheets import writer
from budget.spreadsheets.cells import RowError, located, parse_amount, quoted
from budget.spreadsheets.reader import Table, cell_at, check_header

LEVERS_SHEET = "leviers"
RATE, PRICE, LOAN = "taux", "tarif", "emprunt"  # simulator/engine/levers.py uses the same
LEVER_KINDS = (RATE, PRICE, LOAN)
# The property tax, the lever the simulator had first (simulator/tax.py): one row at most,
# read into the budget's own fields (base, rate, average bill) rather than `Budget.levers`.
PROPERTY_TAX = "taxe_fonciere"
PROPERTY_TAX_SLUG = "taxe-fonciere"
FILE_KINDS = (*LEVER_KINDS, PROPERTY_TAX)
LEVER_COLUMNS = [
    "slug",
    "type",
    "libelle",
    "ligne",
    "valeur_actuelle",
    "minimum",
    "maximum",
    "pas",
    "assiette",
    "foyers",
    "ligne_interets",
    "taux_interet",
    "cotisation_moyenne",  # property tax only: the average yearly bill of a household
]
# Column -> key of the stored dict, for the numbers.
_NUMBERS = {
    "valeur_actuelle": "current",
    "minimum": "minimum",
    "maximum": "maximum",
    "pas": "step",
    "assiette": "base",
    "foyers": "households",
    "taux_interet": "interest_rate",
    "cotisation_moyenne": "average_bill",
}
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LABEL_MAX = 200
NUMBER_LIMIT = Decimal("1e13")


# --- export ------------------------------------------------------------------------------


def property_tax_row(budget: Budget) -> list | None:
    """The property tax as a row of the sheet, when the budget has its base and rate."""
    if not (budget.property_tax_base and budget.property_tax_rate):
        return None
    line = budget.lines.filter(account="73111", kind=BudgetLine.Kind.REEL).first()
    return [
        PROPERTY_TAX_SLUG,
        PROPERTY_TAX,
        _("Taxe foncière"),
        line.code if line else "",
        _cell(budget.property_tax_rate),
        None,
        None,
        None,
        _cell(budget.property_tax_base),
        None,
        "",
        None,
        _cell(budget.property_tax_average_bill),
    ]


def levers_sheet(levers: list[dict], budget: Budget | None = None) -> writer.Sheet:
    kinds = writer.Choices(
        list(FILE_KINDS),
        error=_("Choisissez taux, tarif, emprunt ou taxe_fonciere."),
        error_title=_("Type de levier"),
        spare_rows=50,
    )
    widths = [16, 14, 40, 16, 15, 12, 14, 8, 16, 10, 16, 12, 18]
    columns = [
        writer.Column(name, width=width, choices=kinds if name == "type" else None)
        for name, width in zip(LEVER_COLUMNS, widths, strict=True)
    ]
    rows = [
        [
            lever.get("slug", ""),
            lever.get("kind", ""),
            lever.get("label", ""),
            lever.get("line", ""),
            *(_cell(lever.get(key)) for key in ("current", "minimum", "maximum", "step", "base")),
            _cell(lever.get("households")),
            lever.get("interest_line") or "",
            _cell(lever.get("interest_rate")),
            None,
        ]
        for lever in levers
    ]
    tax = property_tax_row(budget) if budget is not None else None
    return writer.Sheet(LEVERS_SHEET, columns, [tax, *rows] if tax else rows)


def _cell(value):
    return None if value in (None, "") else Decimal(str(value)).normalize()


def levers_help_rows() -> list[list[str]]:
    return [
        [
            LEVERS_SHEET,
            _(
                "Facultative. Une ligne par levier de recettes : taux (sur une assiette en "
                "euros : TEOM), tarif (prix par unité × unités par an : cantine, piscine, "
                "redevance par foyer), emprunt (recette d'investissement l'année 1, intérêts "
                "à partir de l'année 2). L'import remplace tous les leviers."
            ),
        ],
        [
            "valeur_actuelle",
            _("Taux en vigueur (en %) ou prix en vigueur (en €) ; vide pour un emprunt."),
        ],
        [
            "minimum / maximum",
            _(
                "Bornes que les habitants peuvent choisir ; jamais sous zéro (une valeur "
                "légale ne peut pas être négative)."
            ),
        ],
        ["assiette", _("Base en euros (taux) ou nombre d'unités vendues par an (tarif).")],
        ["foyers", _("Nombre de foyers, pour l'effet « par foyer » (vide : non montré).")],
        [
            "ligne_interets",
            _("Emprunt : ligne de dépense de fonctionnement des intérêts (chapitre 66)."),
        ],
        ["taux_interet", _("Emprunt : taux d'intérêt annuel en %.")],
        [
            PROPERTY_TAX,
            _(
                "Une ligne au plus : taux de taxe foncière en vigueur (valeur_actuelle, en %), "
                "base nette (assiette, en €) et cotisation moyenne d'un foyer "
                "(cotisation_moyenne) ; sans elle, ces réglages du budget restent tels quels."
            ),
        ],
    ]


# --- import ------------------------------------------------------------------------------


@dataclass
class LeversSheet:
    levers: list[dict] = field(default_factory=list)  # as `Budget.levers` stores them
    property_tax: dict | None = None  # rate, base, average_bill (Decimal) when the row is there


def read_levers(
    table: Table, lines_by_code: dict[str, BudgetLine], errors: list[RowError]
) -> LeversSheet:
    """The sheet's levers and property tax; every problem goes to `errors`."""
    start = len(errors)
    positions, header_errors = check_header(
        [name.strip().lower() for name in table.header],
        ["slug", "type", "libelle", "ligne"],
        prefix=f"{LEVERS_SHEET}.",
    )
    errors.extend(header_errors)
    if len(errors) > start:
        return LeversSheet()
    col = f"{LEVERS_SHEET}."
    sheet = LeversSheet()
    levers = sheet.levers
    tax_row: int | None = None
    seen: dict[str, int] = {}
    for row, cells in table.rows:
        row_errors: list[RowError] = []

        def problem(column: str, value: str, message: str) -> None:
            row_errors.append(located(row, col + column, value, message))  # noqa: B023

        slug = cell_at(cells, positions, "slug")
        if not _SLUG.match(slug):
            problem(
                "slug",
                slug,
                _(
                    "identifiant invalide : minuscules, chiffres et tirets seulement (par exemple "
                    "« tarif-cantine »)."
                ),
            )
        elif slug in seen:
            problem(
                "slug",
                slug,
                _("le levier %(slug)s figure déjà à la ligne %(first)s de la feuille.")
                % {"slug": slug, "first": seen[slug]},
            )
        seen.setdefault(slug, row)
        kind = cell_at(cells, positions, "type").lower()
        if kind not in FILE_KINDS:
            problem(
                "type",
                kind,
                _("%(value)s : choisissez taux, tarif, emprunt ou taxe_fonciere.")
                % {"value": quoted(kind)},
            )
        label = cell_at(cells, positions, "libelle")
        if not label:
            problem("libelle", "", _("libellé manquant."))
        elif len(label) > LABEL_MAX:
            problem(
                "libelle",
                label,
                _("le libellé est trop long (%(length)s caractères, %(max)s au plus).")
                % {"length": len(label), "max": LABEL_MAX},
            )
        numbers: dict[str, Decimal | None] = {}
        for column, key in _NUMBERS.items():
            text = cell_at(cells, positions, column)
            value = parse_amount(text) if text else None
            if text and (value is None or abs(value) >= NUMBER_LIMIT):
                problem(column, text, _("%(value)s n'est pas un nombre.") % {"value": quoted(text)})
            elif value is not None and value < 0:
                problem(column, text, _("une valeur de levier ne peut pas être négative."))
                value = None
            numbers[key] = value
        if kind == PROPERTY_TAX:
            sheet_tax = _read_property_tax(
                cells, positions, numbers, lines_by_code, problem, row=row, first=tax_row
            )
            tax_row = tax_row or row
            errors.extend(row_errors)
            if not row_errors:
                sheet.property_tax = sheet_tax
            continue
        if kind in (RATE, PRICE):
            for column, key in (("valeur_actuelle", "current"), ("assiette", "base")):
                if numbers[key] is None and not cell_at(cells, positions, column):
                    problem(column, "", _("obligatoire pour un taux ou un tarif."))
        low, high, current = numbers["minimum"], numbers["maximum"], numbers["current"]
        if low is not None and high is not None and low > high:
            problem("maximum", str(high), _("le maximum est inférieur au minimum."))
        elif (
            kind != LOAN
            and current is not None
            and ((low is not None and current < low) or (high is not None and current > high))
        ):
            problem(
                "valeur_actuelle",
                str(current),
                _("la valeur actuelle est hors des bornes minimum et maximum."),
            )
        if numbers["step"] is not None and numbers["step"] == 0:
            problem("pas", "0", _("le pas doit être positif."))
        if numbers["households"] is not None and numbers["households"] == 0:
            problem("foyers", "0", _("le nombre de foyers doit être positif."))
        if numbers["interest_rate"] is not None and numbers["interest_rate"] > 100:
            problem(
                "taux_interet",
                str(numbers["interest_rate"]),
                _("un taux d'intérêt se donne en %, de 0 à 100."),
            )
        line = _line(cells, positions, "ligne", kind, lines_by_code, problem)
        interest_line = None
        if kind == LOAN:
            interest_line = _line(cells, positions, "ligne_interets", kind, lines_by_code, problem)
            if numbers["interest_rate"] is None and not cell_at(cells, positions, "taux_interet"):
                problem("taux_interet", "", _("obligatoire pour un emprunt."))
        errors.extend(row_errors)
        if not row_errors:
            levers.append(
                {
                    "slug": slug,
                    "kind": kind,
                    "label": label,
                    "line": line,
                    **{
                        key: None if value is None else format(value.normalize(), "f")
                        for key, value in numbers.items()
                        if key != "average_bill"
                    },
                    "interest_line": interest_line,
                }
            )
    return sheet


def _read_property_tax(cells, positions, numbers, lines_by_code, problem, *, row, first):
    """The property-tax row: its rate and base are required, its line (if given) checked."""
    if first is not None:
        problem(
            "type",
            PROPERTY_TAX,
            _("la taxe foncière figure déjà à la ligne %(first)s de la feuille.")
            % {"first": first},
        )
    for column, key in (("valeur_actuelle", "current"), ("assiette", "base")):
        if numbers[key] is None and not cell_at(cells, positions, column):
            problem(column, "", _("obligatoire pour la taxe foncière."))
    rate = numbers["current"]
    if rate is not None and rate > 100:
        problem("valeur_actuelle", str(rate), _("un taux se donne en %, de 0 à 100."))
    if cell_at(cells, positions, "ligne"):
        _line(cells, positions, "ligne", PROPERTY_TAX, lines_by_code, problem)
    return {
        "rate": None if rate is None else rate.quantize(Decimal("0.001")),
        "base": numbers["base"],
        "average_bill": numbers["average_bill"],
    }


def _line(cells, positions, column, kind, lines_by_code, problem) -> str | None:
    """The code of a lever's line, checked: real, revenue (or the interest expenditure)."""
    code = cell_at(cells, positions, column)
    line = lines_by_code.get(code)
    if not code:
        problem(column, "", _("code de ligne manquant."))
        return None
    if line is None:
        problem(
            column, code, _("%(code)s n'est pas une ligne de ce budget.") % {"code": quoted(code)}
        )
        return None
    if column == "ligne_interets":
        wanted = (BudgetLine.Direction.DEPENSE, BudgetLine.Section.FONCTIONNEMENT)
        expected = _("une dépense réelle de fonctionnement (les intérêts, chapitre 66)")
    elif kind == LOAN:
        wanted = (BudgetLine.Direction.RECETTE, BudgetLine.Section.INVESTISSEMENT)
        expected = _("une recette réelle d'investissement (emprunts, chapitre 16)")
    else:
        wanted = (BudgetLine.Direction.RECETTE, BudgetLine.Section.FONCTIONNEMENT)
        expected = _("une recette réelle de fonctionnement")
    if line.kind != BudgetLine.Kind.REEL or (line.direction, line.section) != wanted:
        problem(
            column,
            code,
            _("la ligne %(code)s doit être %(expected)s.") % {"code": code, "expected": expected},
        )
        return None
    return code
