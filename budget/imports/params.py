"""Simulator parameters prepared by the finance service in Excel: export and import.

Sheet `lignes`: which lines the simulator may move (ajustable) and their legal floor
(plancher). Sheet `impacts`: the linked-impact rules. Sheet `leviers` (optional, see
levers.py): the revenue levers. The import replaces the budget's rules, its levers (when the
sheet is there) and the flags of the lines it lists, all or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from budget.imports.levers import (
    LEVERS_SHEET,
    LeversSheet,
    levers_help_rows,
    levers_sheet,
    read_levers,
)
from budget.imports.scdl import LABEL_MAX
from budget.imports.services import BATCH, lines_bulk_update
from budget.models import Budget, BudgetLine, ImpactRule
from budget.rules import MAX_LAG, RuleSpec, find_cycle, format_cycle, impact_rules_replace
from budget.spreadsheets import writer
from budget.spreadsheets.cells import (
    AMOUNT_LIMIT,
    CENT,
    RowError,
    located,
    parse_amount,
    parse_yes_no,
    quoted,
)
from budget.spreadsheets.reader import Table, cell_at, check_header, read_sheets

LINES_SHEET = "lignes"
RULES_SHEET = "impacts"
LINE_COLUMNS = ["code", "libelle", "montant", "ajustable", "plancher"]
# Shown to help the finance service; ignored on import.
LINE_INFO_COLUMNS = ["section", "sens", "type", "chapitre", "compte", "fonction"]
RULE_COLUMNS = ["source", "cible", "coefficient", "decalage_annees", "cumul", "description"]
COEFFICIENT_STEP = Decimal("0.000001")
COEFFICIENT_LIMIT = Decimal("1e6")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class ParamsReport:
    errors: list[RowError] = field(default_factory=list)
    lines_updated: int = 0
    rules_created: int = 0
    rules_deleted: int = 0
    levers: int | None = None  # levers imported; None when the workbook has no `leviers` sheet
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


# --- export ------------------------------------------------------------------------------


def _yes_no(value: bool) -> str:
    # Part of the file format (like the column names), so not translated.
    return "oui" if value else "non"


def _yes_no_column(header: str, width: int) -> writer.Column:
    choices = writer.Choices(
        ["oui", "non"],
        error=_("Répondez oui ou non."),
        error_title=_("Valeur attendue : oui ou non"),
        # Room for the lines the finance service adds by hand.
        spare_rows=500,
    )
    return writer.Column(header, width=width, choices=choices)


def simulator_params_export(*, budget: Budget) -> bytes:
    """An .xlsx pre-filled with the budget's current flags, floors and rules."""
    line_widths = dict(
        zip(
            LINE_COLUMNS + LINE_INFO_COLUMNS,
            [20, 45, 16, 11, 14, 16, 10, 8, 10, 10, 10],
            strict=True,
        )
    )
    line_columns = [
        _yes_no_column(name, width)
        if name == "ajustable"
        else writer.Column(
            name, writer.AMOUNT if name in ("montant", "plancher") else None, width=width
        )
        for name, width in line_widths.items()
    ]
    lines = budget.lines.order_by("position", "id")
    line_rows = [
        [
            line.code,
            line.label or line.account_label,
            line.realised if budget.uses_realised_amounts and line.realised else line.amount,
            _yes_no(line.adjustable),
            line.floor,
            line.get_section_display(),
            line.get_direction_display(),
            line.get_kind_display(),
            line.chapter,
            line.account,
            line.function,
        ]
        for line in lines
    ]
    rule_widths = dict(zip(RULE_COLUMNS, [20, 20, 13, 16, 9, 60], strict=True))
    rule_columns = [
        _yes_no_column(name, width) if name == "cumul" else writer.Column(name, width=width)
        for name, width in rule_widths.items()
    ]
    rules = ImpactRule.objects.filter(budget=budget).select_related("source", "target")
    rule_rows = [
        [
            rule.source.code,
            rule.target.code,
            rule.coefficient.normalize(),
            rule.lag,
            _yes_no(rule.cumulative),
            rule.description,
        ]
        for rule in rules.order_by("id")
    ]
    title, *help_rows = _help_rows()
    help_sheet = writer.Sheet(
        "aide",
        [writer.Column("", width=18), writer.Column("", width=100)],
        help_rows[1:],  # the title is a line above them, then a blank row
        lines=[writer.Line(title[0], writer.HEADING)],
        header=False,
    )
    return writer.xlsx_bytes(
        [
            writer.Sheet(LINES_SHEET, line_columns, line_rows),
            writer.Sheet(RULES_SHEET, rule_columns, rule_rows),
            levers_sheet(list(budget.levers or []), budget),
            help_sheet,
        ],
        footer=writer.Footer(str(budget)),
    )


def _help_rows() -> list[list[str]]:
    return [
        [_("Paramètres du simulateur")],
        [],
        [
            LINES_SHEET,
            _(
                "Une ligne par ligne budgétaire. Seules les colonnes ajustable, plancher "
                "et libelle sont relues ; les lignes absentes gardent leurs réglages."
            ),
        ],
        [
            "ajustable",
            _(
                "oui ou non : le simulateur peut-il faire varier cette ligne ? Jamais "
                "pour une opération d'ordre."
            ),
        ],
        ["plancher", _("Montant en dessous duquel la ligne ne peut pas descendre (vide : aucun).")],
        [
            RULES_SHEET,
            _(
                "Une règle par ligne : faire varier la source de Δ fait varier la "
                "cible de coefficient × Δ. L'import remplace toutes les règles."
            ),
        ],
        ["decalage_annees", _("De 0 à %(max)s ans.") % {"max": MAX_LAG}],
        [
            "cumul",
            _(
                "oui : la cible suit tout ce que la source a changé jusqu'ici ; non (ou "
                "vide) : seulement le changement de l'année."
            ),
        ],
        *levers_help_rows(),
    ]


# --- import ------------------------------------------------------------------------------


def _columns(
    header: list[str], *, sheet: str, required: list[str], errors: list[RowError]
) -> dict[str, int]:
    positions, header_errors = check_header(
        [name.strip().lower() for name in header], required, prefix=f"{sheet}."
    )
    errors.extend(header_errors)
    return positions


@dataclass
class _LineChange:
    line: BudgetLine
    adjustable: bool
    floor: Decimal | None
    label: str


def _read_lines(
    table: Table, lines_by_code: dict[str, BudgetLine], errors: list[RowError]
) -> list[_LineChange]:
    start = len(errors)
    positions = _columns(
        table.header, sheet=LINES_SHEET, required=["code", "ajustable", "plancher"], errors=errors
    )
    if len(errors) > start:
        return []
    changes = []
    seen: dict[str, int] = {}
    col = f"{LINES_SHEET}."
    for row, cells in table.rows:
        row_errors: list[RowError] = []
        code = cell_at(cells, positions, "code")
        line = lines_by_code.get(code)
        if not code:
            row_errors.append(located(row, col + "code", "", _("code de ligne manquant.")))
        elif code in seen:
            row_errors.append(
                located(
                    row,
                    col + "code",
                    code,
                    _("la ligne %(code)s figure déjà à la ligne %(first)s de la feuille.")
                    % {"code": code, "first": seen[code]},
                )
            )
        elif line is None:
            row_errors.append(
                located(
                    row,
                    col + "code",
                    code,
                    _("%(code)s n'est pas une ligne de ce budget.") % {"code": quoted(code)},
                )
            )
        seen.setdefault(code, row)
        adjustable_text = cell_at(cells, positions, "ajustable")
        adjustable = parse_yes_no(adjustable_text)
        if adjustable is None:
            row_errors.append(
                located(
                    row,
                    col + "ajustable",
                    adjustable_text,
                    _("%(value)s : répondez oui ou non.") % {"value": quoted(adjustable_text)},
                )
            )
        elif adjustable and line is not None and line.kind != BudgetLine.Kind.REEL:
            row_errors.append(
                located(
                    row,
                    col + "ajustable",
                    adjustable_text,
                    _(
                        "la ligne %(code)s est une opération d'ordre : elle ne peut pas être "
                        "ajustable."
                    )
                    % {"code": code},
                )
            )
        floor_text = cell_at(cells, positions, "plancher")
        floor = None
        if floor_text:
            floor = parse_amount(floor_text)
            if floor is None:
                row_errors.append(
                    located(
                        row,
                        col + "plancher",
                        floor_text,
                        _("%(value)s n'est pas un montant.") % {"value": quoted(floor_text)},
                    )
                )
            elif floor < 0:
                row_errors.append(
                    located(
                        row,
                        col + "plancher",
                        floor_text,
                        _("le plancher ne peut pas être négatif."),
                    )
                )
                floor = None
            elif floor >= AMOUNT_LIMIT:
                row_errors.append(
                    located(
                        row,
                        col + "plancher",
                        floor_text,
                        _("%(value)s est trop grand.") % {"value": quoted(floor_text)},
                    )
                )
            else:
                floor = floor.quantize(CENT, rounding=ROUND_HALF_UP)
        label = cell_at(cells, positions, "libelle")
        if len(label) > LABEL_MAX:
            row_errors.append(
                located(
                    row,
                    col + "libelle",
                    label,
                    _("le libellé est trop long (%(length)s caractères, %(max)s au plus).")
                    % {"length": len(label), "max": LABEL_MAX},
                )
            )
        errors.extend(row_errors)
        if not row_errors and line is not None:
            changes.append(_LineChange(line=line, adjustable=adjustable, floor=floor, label=label))
    return changes


def _read_rules(
    table: Table, lines_by_code: dict[str, BudgetLine], errors: list[RowError]
) -> list[tuple[int, RuleSpec]]:
    start = len(errors)
    positions = _columns(
        table.header, sheet=RULES_SHEET, required=["source", "cible", "coefficient"], errors=errors
    )
    if len(errors) > start:
        return []
    specs: list[tuple[int, RuleSpec]] = []
    seen: dict[tuple[str, str, int], int] = {}
    col = f"{RULES_SHEET}."
    for row, cells in table.rows:
        row_errors: list[RowError] = []
        ends = {}
        for name in ("source", "cible"):
            code = cell_at(cells, positions, name)
            line = lines_by_code.get(code)
            if not code:
                row_errors.append(located(row, col + name, "", _("code de ligne manquant.")))
            elif line is None:
                row_errors.append(
                    located(
                        row,
                        col + name,
                        code,
                        _("%(code)s n'est pas une ligne de ce budget.") % {"code": quoted(code)},
                    )
                )
            elif line.kind != BudgetLine.Kind.REEL:
                row_errors.append(
                    located(
                        row,
                        col + name,
                        code,
                        _(
                            "la ligne %(code)s est une opération d'ordre : une règle ne relie que "
                            "des lignes réelles."
                        )
                        % {"code": code},
                    )
                )
            else:
                ends[name] = line
        if len(ends) == 2 and ends["source"].pk == ends["cible"].pk:
            row_errors.append(
                located(
                    row,
                    col + "cible",
                    ends["cible"].code,
                    _("une règle ne peut pas relier une ligne à elle-même."),
                )
            )
        coefficient_text = cell_at(cells, positions, "coefficient")
        coefficient = parse_amount(coefficient_text) if coefficient_text else None
        if coefficient is None or abs(coefficient) >= COEFFICIENT_LIMIT:
            row_errors.append(
                located(
                    row,
                    col + "coefficient",
                    coefficient_text,
                    _("%(value)s n'est pas un coefficient (nombre, par exemple -0,5 ou 1,2).")
                    % {"value": quoted(coefficient_text)},
                )
            )
        lag_text = cell_at(cells, positions, "decalage_annees")
        lag_value = parse_amount(lag_text) if lag_text else Decimal("0")
        lag = 0
        if lag_value is None or lag_value != lag_value.to_integral_value():
            row_errors.append(
                located(
                    row,
                    col + "decalage_annees",
                    lag_text,
                    _("%(value)s n'est pas un nombre entier d'années.")
                    % {"value": quoted(lag_text)},
                )
            )
        elif not 0 <= lag_value <= MAX_LAG:
            row_errors.append(
                located(
                    row,
                    col + "decalage_annees",
                    lag_text,
                    _("le décalage doit être compris entre 0 et %(max)s ans.") % {"max": MAX_LAG},
                )
            )
        else:
            lag = int(lag_value)
        cumulative_text = cell_at(cells, positions, "cumul")
        cumulative = parse_yes_no(cumulative_text) if cumulative_text else False
        if cumulative is None:
            row_errors.append(
                located(
                    row,
                    col + "cumul",
                    cumulative_text,
                    _("%(value)s : répondez oui ou non (vide : non).")
                    % {"value": quoted(cumulative_text)},
                )
            )
        if not row_errors:
            key = (ends["source"].code, ends["cible"].code, lag)
            if key in seen:
                row_errors.append(
                    located(
                        row,
                        col + "cible",
                        ends["cible"].code,
                        _(
                            "la même règle (%(rule)s, même décalage) figure déjà à la ligne "
                            "%(first)s."
                        )
                        % {"rule": format_cycle(key[:2]), "first": seen[key]},
                    )
                )
            seen.setdefault(key, row)
        errors.extend(row_errors)
        if not row_errors:
            specs.append(
                (
                    row,
                    RuleSpec(
                        source=ends["source"],
                        target=ends["cible"],
                        coefficient=coefficient.quantize(COEFFICIENT_STEP, rounding=ROUND_HALF_UP),
                        lag=lag,
                        cumulative=cumulative,
                        description=cell_at(cells, positions, "description"),
                        provenance=_("Paramètres Excel"),
                    ),
                )
            )
    errors.extend(_cycle_errors(specs))
    return specs


def _cycle_errors(specs: list[tuple[int, RuleSpec]]) -> list[RowError]:
    """One error per independent cycle, naming it and the rows of its rules."""
    errors = []
    rows_by_edge: dict[tuple[str, str], list[int]] = {}
    for row, spec in specs:
        rows_by_edge.setdefault((spec.source.code, spec.target.code), []).append(row)
    edges = set(rows_by_edge)
    while (cycle := find_cycle(sorted(edges, key=lambda e: rows_by_edge[e][0]))) is not None:
        cycle_edges = list(zip(cycle, cycle[1:], strict=False))
        rows = sorted(row for edge in cycle_edges for row in rows_by_edge[edge])
        errors.append(
            located(
                rows[-1],
                f"{RULES_SHEET}.cible",
                cycle[-2],
                _("les règles des lignes %(rows)s forment un cycle : %(cycle)s.")
                % {"rows": ", ".join(str(r) for r in rows), "cycle": format_cycle(cycle)},
            )
        )
        edges -= set(cycle_edges)
    return errors


def simulator_params_check(data: bytes, *, budget: int) -> ParamsReport:
    """The dry run of the upload flow, from its JSON details (budget/imports/uploads.py)."""
    return simulator_params_import(budget=Budget.objects.get(pk=budget), data=data, dry_run=True)


def simulator_params_import(*, budget: Budget, data: bytes, dry_run: bool = False) -> ParamsReport:
    """Apply an edited parameters workbook; never raises for bad input, writes nothing then."""
    report = ParamsReport(dry_run=dry_run)
    tables, errors = read_sheets(
        data, (LINES_SHEET, RULES_SHEET, LEVERS_SHEET), max_bytes=settings.BUDGET_IMPORT_MAX_BYTES
    )
    # The levers sheet is optional: a workbook made before it existed keeps the levers.
    report.errors = [
        error for error in errors if not (error.row is None and error.column == LEVERS_SHEET)
    ]
    if report.errors:
        return report
    lines_by_code = {line.code: line for line in BudgetLine.objects.filter(budget=budget)}
    errors: list[RowError] = []
    changes = _read_lines(tables[LINES_SHEET], lines_by_code, errors)
    specs = _read_rules(tables[RULES_SHEET], lines_by_code, errors)
    levers = None
    if LEVERS_SHEET in tables:
        levers = read_levers(tables[LEVERS_SHEET], lines_by_code, errors)
    report.errors = sorted(
        errors,
        key=lambda error: (
            {LINES_SHEET: 0, RULES_SHEET: 1, LEVERS_SHEET: 2}.get(error.column.split(".")[0], 3),
            error.row or 0,
        ),
    )
    if report.errors:
        return report
    _params_write(
        budget=budget,
        changes=changes,
        specs=[spec for _row, spec in specs],
        levers=levers,
        report=report,
    )
    return report


@transaction.atomic
def _params_write(
    *,
    budget: Budget,
    changes: list[_LineChange],
    specs: list[RuleSpec],
    levers: LeversSheet | None,
    report: ParamsReport,
) -> None:
    changed = []
    for change in changes:
        line = change.line
        # An empty libelle keeps the label; the account label shown by the export is no edit.
        label = line.label
        if change.label and change.label != (line.label or line.account_label):
            label = change.label
        if (line.adjustable, line.floor, line.label) != (change.adjustable, change.floor, label):
            line.adjustable, line.floor, line.label = change.adjustable, change.floor, label
            changed.append(line)
    for start in range(0, len(changed), BATCH):
        lines_bulk_update(changed[start : start + BATCH], ["adjustable", "floor", "label"])
    report.lines_updated = len(changed)
    report.rules_deleted = ImpactRule.objects.filter(budget=budget).count()
    report.rules_created = len(impact_rules_replace(budget=budget, specs=specs))
    if levers is not None:
        budget.levers = levers.levers
        fields = ["levers"]
        if levers.property_tax is not None:
            tax = levers.property_tax
            budget.property_tax_rate = tax["rate"]
            budget.property_tax_base = tax["base"].quantize(CENT, rounding=ROUND_HALF_UP)
            budget.property_tax_average_bill = (
                None
                if tax["average_bill"] is None
                else tax["average_bill"].quantize(CENT, rounding=ROUND_HALF_UP)
            )
            fields += ["property_tax_rate", "property_tax_base", "property_tax_average_bill"]
        budget.save(update_fields=fields)
        report.levers = len(levers.levers) + (levers.property_tax is not None)
    if report.dry_run:
        transaction.set_rollback(True)
