"""Scenario exports: JSON (the `simulate` command's output plus the choices) and XLSX."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from simulator.engine import SimulationResult
from simulator.inputs import EngineInputs
from simulator.models import Scenario
from simulator.state import ScenarioState

EURO_FORMAT = '#,##0.00 "€";[Red]-#,##0.00 "€"'
PERCENT_FORMAT = "0.0 %"
HEADER_FILL = PatternFill("solid", fgColor="DCE3EE")


def scenario_json(
    scenario: Scenario, state: ScenarioState, result: SimulationResult, inputs: EngineInputs
) -> dict:
    return {
        "scenario": {
            "title": scenario.title,
            "budget": scenario.budget.slug,
            "horizon": state.horizon,
            "target": None if state.target is None else float(state.target),
            "measures": [
                {"slug": slug, "title": measure.title} for slug, measure in inputs.measures.items()
            ],
            "line_percents": {code: float(p) for code, p in state.line_percents.items()},
            "tax_rate_change": float(state.tax_rate_change),
        },
        "result": result.as_dict(),
    }


def _sheet(workbook: Workbook, title: str, headers: list[str], rows: list[list], formats: dict):
    sheet = workbook.create_sheet(title)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append(row)
    for column, number_format in formats.items():
        for cell in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell[0].number_format = number_format
    for index, header in enumerate(headers, start=1):
        width = max([len(str(header))] + [len(str(r[index - 1])) for r in rows[:200]] + [8])
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, 60)
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = sheet.dimensions
    return sheet


def scenario_workbook(
    scenario: Scenario,
    state: ScenarioState,
    result: SimulationResult,
    measure_names: dict[str | None, str],
) -> bytes:
    data = result.as_dict()
    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Synthèse")
    summary.append([_("Scénario"), scenario.title])
    summary.append([_("Budget"), str(scenario.budget)])
    summary.append([_("Horizon (années)"), state.horizon])
    summary.append([_("Objectif d'économies (€/an)"), data["target"]])
    summary.append([_("Économie nette en année pleine (€/an)"), data["full_year_net_saving"]])
    summary.append([_("Économie nette la première année (€)"), data["first_year_net_saving"]])
    summary.append(
        [
            _("Objectif atteint"),
            {True: _("oui"), False: _("non"), None: _("sans objectif")}[data["target_met"]],
        ]
    )
    for row in summary.iter_rows(min_row=4, max_row=6, min_col=2, max_col=2):
        row[0].number_format = EURO_FORMAT
    for cell in summary["A"]:
        cell.font = Font(bold=True)
    summary.column_dimensions["A"].width = 42
    summary.column_dimensions["B"].width = 40
    if data["warnings"]:
        summary.append([])
        summary.append([_("Alertes")])
        for warning in data["warnings"]:
            summary.append(["", warning])

    effects = result.measure_effects
    _sheet(
        workbook,
        _("Mesures"),
        [
            _("Mesure"),
            _("Année"),
            _("Effets directs (€)"),
            _("Effets induits (€)"),
            _("Économie nette (€)"),
        ],
        [
            [
                measure_names.get(row.measure, str(row.measure)),
                int(row.year),
                round(float(row.direct_delta), 2),
                round(float(row.induced_delta), 2),
                round(float(row.net_saving), 2),
            ]
            for row in effects.itertuples(index=False)
        ],
        {3: EURO_FORMAT, 4: EURO_FORMAT, 5: EURO_FORMAT},
    )
    _sheet(
        workbook,
        _("Lignes modifiées"),
        [
            _("Code"),
            _("Libellé"),
            _("Année"),
            _("Montant de base (€)"),
            _("Effet direct (€)"),
            _("Effet induit (€)"),
            _("Montant final (€)"),
        ],
        [
            [
                line["code"],
                line["label"],
                y["year"],
                y["baseline"],
                y["direct"],
                y["induced"],
                y["final"],
            ]
            for line in data["lines"]
            for y in line["years"]
        ],
        {4: EURO_FORMAT, 5: EURO_FORMAT, 6: EURO_FORMAT, 7: EURO_FORMAT},
    )
    ratio_headers = [
        ("year", _("Année")),
        ("rrf", _("Recettes réelles de fonctionnement (€)")),
        ("drf", _("Dépenses réelles de fonctionnement (€)")),
        ("interest", _("Intérêts de la dette (€)")),
        ("epargne_gestion", _("Épargne de gestion (€)")),
        ("epargne_brute", _("Épargne brute (€)")),
        ("epargne_nette", _("Épargne nette (€)")),
        ("taux_epargne_brute", _("Taux d'épargne brute")),
        ("capital_repayment", _("Remboursement du capital (€)")),
        ("new_loans", _("Emprunts nouveaux (€)")),
        ("debt_end", _("Dette en fin d'année (€)")),
        ("capacite_desendettement", _("Capacité de désendettement (années)")),
        ("direct_delta", _("Effets directs (€)")),
        ("induced_delta", _("Effets induits (€)")),
        ("net_saving", _("Économie nette (€)")),
        ("investment_net_delta", _("Effet net en investissement (€)")),
    ]
    formats = {i + 1: EURO_FORMAT for i in range(1, len(ratio_headers))}
    formats[8] = PERCENT_FORMAT
    formats[12] = "0.0"
    _sheet(
        workbook,
        _("Ratios par année"),
        [label for _, label in ratio_headers],
        [[year[key] for key, _ in ratio_headers] for year in data["years"]],
        formats,
    )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
