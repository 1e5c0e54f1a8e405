"""The finance service's catalogue of measures in Excel: export, and all-or-nothing import.

Sheet `mesures`: slug, titre, description, politique (policy area shown to citizens).
Sheet `ajustements`: mesure (slug), ligne (code), montant or pourcentage (one of them),
annee_depart, recurrent (oui/non), part_premiere_annee (0 to 1).
Measures are matched by slug: scenarios that chose a measure keep it across re-imports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from budget.models import Budget, BudgetLine
from budget.spreadsheets import writer
from budget.spreadsheets.cells import RowError, located, parse_amount, parse_yes_no, quoted
from budget.spreadsheets.reader import Table, cell_at, check_header, read_sheets
from simulator.models import MAX_HORIZON, Measure, MeasureAdjustment

MEASURES_SHEET = "mesures"
ADJUSTMENTS_SHEET = "ajustements"
MEASURE_COLUMNS = ["slug", "titre", "description", "politique"]
ADJUSTMENT_COLUMNS = [
    "mesure",
    "ligne",
    "montant",
    "pourcentage",
    "annee_depart",
    "recurrent",
    "part_premiere_annee",
]


@dataclass
class CatalogueReport:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    deleted: list[str] = field(default_factory=list)
    adjustments: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def measure_catalogue_export(*, budget: Budget) -> bytes:
    measures = (
        Measure.objects.catalogue().filter(budget=budget).prefetch_related("adjustments__line")
    )
    measure_rows, adjustment_rows = [], []
    for measure in measures:
        measure_rows.append([measure.slug, measure.title, measure.description, measure.policy_area])
        for adj in measure.adjustments.all():
            adjustment_rows.append(
                [
                    measure.slug,
                    adj.line.code,
                    None if adj.amount is None else float(adj.amount),
                    None if adj.percent is None else float(adj.percent),
                    adj.start_year,
                    "oui" if adj.recurring else "non",
                    float(adj.first_year_share),
                ]
            )
    measure_widths = [28, 40, 60, 24]
    adjustment_widths = [28, 22] + [16] * 5
    return writer.xlsx_bytes(
        [
            writer.Sheet(
                MEASURES_SHEET,
                [
                    writer.Column(name, width=width)
                    for name, width in zip(MEASURE_COLUMNS, measure_widths, strict=True)
                ],
                measure_rows,
            ),
            writer.Sheet(
                ADJUSTMENTS_SHEET,
                [
                    writer.Column(name, width=width)
                    for name, width in zip(ADJUSTMENT_COLUMNS, adjustment_widths, strict=True)
                ],
                adjustment_rows,
            ),
        ],
        footer=writer.Footer(str(budget)),
    )


@dataclass
class _MeasureSpec:
    row: int
    slug: str
    title: str
    description: str
    policy_area: str
    adjustments: list[dict] = field(default_factory=list)


def _read_measures(table: Table, errors: list[RowError]) -> dict[str, _MeasureSpec]:
    positions, header_errors = check_header(
        [h.strip().lower() for h in table.header], ["slug", "titre"], prefix=f"{MEASURES_SHEET}."
    )
    errors.extend(header_errors)
    if header_errors:
        return {}
    specs: dict[str, _MeasureSpec] = {}
    col = f"{MEASURES_SHEET}."
    for row, cells in table.rows:
        slug = cell_at(cells, positions, "slug")
        title = cell_at(cells, positions, "titre")
        if not slug and not title:
            continue
        if slug != slugify(slug) or not slug:
            errors.append(
                located(
                    row,
                    col + "slug",
                    slug,
                    "identifiant invalide : minuscules, chiffres et tirets seulement "
                    f"(par exemple « {slugify(title) or 'ma-mesure'} »).",
                )
            )
            continue
        if slug in specs:
            errors.append(
                located(
                    row,
                    col + "slug",
                    slug,
                    f"la mesure {quoted(slug)} figure déjà à la ligne {specs[slug].row}.",
                )
            )
            continue
        if not title:
            errors.append(located(row, col + "titre", "", "titre manquant."))
        specs[slug] = _MeasureSpec(
            row=row,
            slug=slug,
            title=title[:200],
            description=cell_at(cells, positions, "description"),
            policy_area=cell_at(cells, positions, "politique")[:120],
        )
    return specs


def _number(text: str, row: int, column: str, errors: list[RowError]) -> Decimal | None:
    if not text:
        return None
    value = parse_amount(text)
    if value is None:
        errors.append(located(row, column, text, f"{quoted(text)} n'est pas un nombre."))
    return value


def _read_adjustments(
    table: Table,
    specs: dict[str, _MeasureSpec],
    lines: dict[str, BudgetLine],
    errors: list[RowError],
) -> None:
    positions, header_errors = check_header(
        [h.strip().lower() for h in table.header],
        ["mesure", "ligne", "montant", "pourcentage"],
        prefix=f"{ADJUSTMENTS_SHEET}.",
    )
    errors.extend(header_errors)
    if header_errors:
        return
    col = f"{ADJUSTMENTS_SHEET}."
    for row, cells in table.rows:
        slug = cell_at(cells, positions, "mesure")
        code = cell_at(cells, positions, "ligne")
        if not any(cell.strip() for cell in cells):
            continue
        start = len(errors)
        spec = specs.get(slug)
        if spec is None:
            errors.append(
                located(
                    row,
                    col + "mesure",
                    slug,
                    f"la mesure {quoted(slug)} n'est pas dans la feuille « mesures ».",
                )
            )
        line = lines.get(code)
        if line is None:
            errors.append(
                located(
                    row, col + "ligne", code, f"{quoted(code)} n'est pas une ligne de ce budget."
                )
            )
        elif not line.is_real:
            errors.append(
                located(
                    row,
                    col + "ligne",
                    code,
                    f"{quoted(code)} est une opération d'ordre : "
                    "une mesure ne peut pas la modifier.",
                )
            )
        elif not line.adjustable:
            errors.append(
                located(
                    row,
                    col + "ligne",
                    code,
                    f"{quoted(code)} n'est pas ajustable (feuille « lignes » des paramètres).",
                )
            )
        amount = _number(cell_at(cells, positions, "montant"), row, col + "montant", errors)
        percent = _number(
            cell_at(cells, positions, "pourcentage"), row, col + "pourcentage", errors
        )
        if len(errors) == start and (amount is None) == (percent is None):
            errors.append(
                located(
                    row,
                    col + "montant",
                    "",
                    "indiquez soit un montant, soit un pourcentage (un seul des deux).",
                )
            )
        start_text = cell_at(cells, positions, "annee_depart") or "1"
        start_year = parse_amount(start_text)
        if (
            start_year is None
            or start_year != int(start_year)
            or not 1 <= start_year <= MAX_HORIZON
        ):
            errors.append(
                located(
                    row,
                    col + "annee_depart",
                    start_text,
                    f"l'année de départ doit être un entier de 1 à {MAX_HORIZON}.",
                )
            )
        recurring_text = cell_at(cells, positions, "recurrent") or "oui"
        recurring = parse_yes_no(recurring_text)
        if recurring is None:
            errors.append(located(row, col + "recurrent", recurring_text, "oui ou non attendu."))
        share_text = cell_at(cells, positions, "part_premiere_annee") or "1"
        share = parse_amount(share_text)
        if share is None or not 0 <= share <= 1:
            errors.append(
                located(
                    row,
                    col + "part_premiere_annee",
                    share_text,
                    "la part de la première année doit être comprise entre 0 et 1.",
                )
            )
        if len(errors) == start and spec is not None:
            spec.adjustments.append(
                {
                    "line": line,
                    "amount": amount,
                    "percent": percent,
                    "start_year": int(start_year),
                    "recurring": recurring,
                    "first_year_share": share,
                }
            )
    for spec in specs.values():
        if not spec.adjustments and not any(e.row == spec.row for e in errors):
            errors.append(
                located(
                    spec.row,
                    f"{MEASURES_SHEET}.slug",
                    spec.slug,
                    f"la mesure {quoted(spec.slug)} n'a aucun ajustement valide.",
                )
            )


def measure_catalogue_check(data: bytes, *, budget: int) -> CatalogueReport:
    """The dry run of the upload flow, from its JSON details (budget/imports/uploads.py)."""
    return measure_catalogue_import(budget=Budget.objects.get(pk=budget), data=data, dry_run=True)


def measure_catalogue_import(
    *, budget: Budget, data: bytes, dry_run: bool = False
) -> CatalogueReport:
    """Replace the budget's catalogue from a workbook; never raises for bad input."""
    report = CatalogueReport(dry_run=dry_run)
    tables, report.errors = read_sheets(
        data, (MEASURES_SHEET, ADJUSTMENTS_SHEET), max_bytes=settings.BUDGET_IMPORT_MAX_BYTES
    )
    if report.errors:
        return report
    errors: list[RowError] = []
    specs = _read_measures(tables[MEASURES_SHEET], errors)
    taken = set(
        Measure.objects.filter(budget=budget, slug__in=list(specs))
        .exclude(origin=Measure.Origin.CATALOGUE)
        .values_list("slug", flat=True)
    )
    for slug in sorted(taken):
        errors.append(
            located(
                specs[slug].row,
                f"{MEASURES_SHEET}.slug",
                slug,
                f"l'identifiant {quoted(slug)} est déjà pris par une mesure d'un panel "
                "ou d'un citoyen.",
            )
        )
    lines = {line.code: line for line in BudgetLine.objects.filter(budget=budget)}
    _read_adjustments(tables[ADJUSTMENTS_SHEET], specs, lines, errors)
    if errors:
        report.errors = sorted(
            errors, key=lambda e: (e.column.split(".")[0] != MEASURES_SHEET, e.row or 0)
        )
        return report
    _catalogue_write(budget=budget, specs=list(specs.values()), report=report)
    return report


@transaction.atomic
def _catalogue_write(*, budget: Budget, specs: list[_MeasureSpec], report: CatalogueReport) -> None:
    # Two finance officers importing at once would interleave deletes and creates: lock
    # the budget row so the second import sees the first one's catalogue.
    Budget.objects.select_for_update().get(pk=budget.pk)
    existing = {
        m.slug: m for m in Measure.objects.filter(budget=budget, origin=Measure.Origin.CATALOGUE)
    }
    keep = {spec.slug for spec in specs}
    report.deleted = sorted(slug for slug in existing if slug not in keep)
    Measure.objects.filter(budget=budget, slug__in=report.deleted).delete()
    for position, spec in enumerate(specs):
        measure = existing.get(spec.slug)
        if measure is None:
            measure = Measure(budget=budget, slug=spec.slug, origin=Measure.Origin.CATALOGUE)
            report.created += 1
        else:
            report.updated += 1
        measure.title = spec.title
        measure.description = spec.description
        measure.policy_area = spec.policy_area
        measure.position = position
        measure.full_clean()
        measure.save()
        measure.adjustments.all().delete()
        MeasureAdjustment.objects.bulk_create(
            MeasureAdjustment(measure=measure, **adjustment) for adjustment in spec.adjustments
        )
        report.adjustments += len(spec.adjustments)
    if report.dry_run:
        transaction.set_rollback(True)
