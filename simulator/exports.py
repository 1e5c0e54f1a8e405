"""Scenario exports: JSON (the `simulate` command's output plus the choices) and XLSX."""

from __future__ import annotations

from django.utils.translation import gettext as _

from budget.spreadsheets import writer
from simulator.engine import SimulationResult
from simulator.inputs import EngineInputs
from simulator.models import Scenario
from simulator.state import ScenarioState


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
            "levers": {
                choice.lever.slug: {"value": choice.value, "current": choice.lever.current}
                for choice in inputs.levers
            },
        },
        "result": result.as_dict(),
    }


def _euros(*headers: str) -> list[writer.Column]:
    return [writer.Column(header, writer.EURO) for header in headers]


def scenario_workbook(
    scenario: Scenario,
    state: ScenarioState,
    result: SimulationResult,
    measure_names: dict[str | None, str],
) -> bytes:
    data = result.as_dict()
    summary_rows = [
        [_("Scénario"), scenario.title],
        [_("Budget"), str(scenario.budget)],
        [_("Horizon (années)"), state.horizon],
        [_("Objectif d'économies (€/an)"), writer.Cell(data["target"], writer.EURO)],
        [
            _("Économie nette en année pleine (€/an)"),
            writer.Cell(data["full_year_net_saving"], writer.EURO),
        ],
        [
            _("Économie nette la première année (€)"),
            writer.Cell(data["first_year_net_saving"], writer.EURO),
        ],
        [
            _("Objectif atteint"),
            {True: _("oui"), False: _("non"), None: _("sans objectif")}[data["target_met"]],
        ],
    ]
    if data["warnings"]:
        summary_rows += [[], [_("Alertes")]]
        summary_rows += [["", warning] for warning in data["warnings"]]
    summary = writer.Sheet(
        _("Synthèse"),
        [writer.Column("", bold=True, width=42), writer.Column("", width=40)],
        summary_rows,
        header=False,
    )
    measures = writer.Sheet(
        _("Mesures"),
        [
            writer.Column(_("Mesure")),
            writer.Column(_("Année")),
            *_euros(_("Effets directs (€)"), _("Effets induits (€)"), _("Économie nette (€)")),
        ],
        [
            [
                measure_names.get(row.measure, str(row.measure)),
                int(row.year),
                round(float(row.direct_delta), 2),
                round(float(row.induced_delta), 2),
                round(float(row.net_saving), 2),
            ]
            for row in result.measure_effects.itertuples(index=False)
        ],
    )
    lines = writer.Sheet(
        _("Lignes modifiées"),
        [
            writer.Column(_("Code")),
            writer.Column(_("Libellé")),
            writer.Column(_("Année")),
            *_euros(
                _("Montant de base (€)"),
                _("Effet direct (€)"),
                _("Effet induit (€)"),
                _("Montant final (€)"),
            ),
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
    )
    ratio_columns = [
        ("year", writer.Column(_("Année"))),
        ("rrf", writer.Column(_("Recettes réelles de fonctionnement (€)"), writer.EURO)),
        ("drf", writer.Column(_("Dépenses réelles de fonctionnement (€)"), writer.EURO)),
        ("interest", writer.Column(_("Intérêts de la dette (€)"), writer.EURO)),
        ("epargne_gestion", writer.Column(_("Épargne de gestion (€)"), writer.EURO)),
        ("epargne_brute", writer.Column(_("Épargne brute (€)"), writer.EURO)),
        ("epargne_nette", writer.Column(_("Épargne nette (€)"), writer.EURO)),
        ("taux_epargne_brute", writer.Column(_("Taux d'épargne brute"), writer.PERCENT)),
        ("capital_repayment", writer.Column(_("Remboursement du capital (€)"), writer.EURO)),
        ("new_loans", writer.Column(_("Emprunts nouveaux (€)"), writer.EURO)),
        ("debt_end", writer.Column(_("Dette en fin d'année (€)"), writer.EURO)),
        (
            "capacite_desendettement",
            writer.Column(_("Capacité de désendettement (années)"), writer.DECIMAL),
        ),
        ("direct_delta", writer.Column(_("Effets directs (€)"), writer.EURO)),
        ("induced_delta", writer.Column(_("Effets induits (€)"), writer.EURO)),
        ("net_saving", writer.Column(_("Économie nette (€)"), writer.EURO)),
        ("investment_net_delta", writer.Column(_("Effet net en investissement (€)"), writer.EURO)),
    ]
    ratios = writer.Sheet(
        _("Ratios par année"),
        [column for _key, column in ratio_columns],
        [[year[key] for key, _column in ratio_columns] for year in data["years"]],
    )
    footer = writer.Footer(f"{scenario.budget} — {scenario.title}")
    return writer.xlsx_bytes([summary, measures, lines, ratios], footer=footer)
