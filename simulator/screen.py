"""What the simulator screen shows, computed from a budget and a scenario state.

Shared by the public simulator (simulator/views.py) and the workshop group screen
(votes/workshops/views.py), which shows the same results and catalogue.
"""

from __future__ import annotations

from collections import OrderedDict

from django.utils.translation import gettext as _

from budget.models import Budget, BudgetLine
from budget.templatetags.budget_tags import format_amount
from simulator import charts
from simulator.engine import SimulationError, SimulationResult
from simulator.engine.levers import LOAN, RATE, Lever, household_text
from simulator.inputs import (
    LINE_ADJUSTMENTS,
    budget_levers,
    prepared_budget,
    run_measure_alone,
    run_scenario,
)
from simulator.limits import policy_area_limit
from simulator.models import Measure
from simulator.state import ScenarioState
from simulator.summary import summarise
from simulator.tax import TAX_MEASURE


def measure_names(measures: dict[str, Measure], levers: list[Lever] = ()) -> dict[str | None, str]:
    names: dict[str | None, str] = {slug: m.title for slug, m in measures.items()}
    names[LINE_ADJUSTMENTS] = _("Vos ajustements de lignes")
    names[TAX_MEASURE] = _("Taux de taxe foncière")
    # A lever and a measure may share a slug: the lever's label is shown (levers come last).
    names.update({lever.slug: lever.label for lever in levers})
    return names


def lever_value_text(lever: Lever, value: float) -> str:
    """A lever's value as citizens read it: "12,00 %", "2,00 €", "1 000 000 €"."""
    if lever.kind == RATE:
        return f"{format_amount(value, 2)}\u00a0%"
    if lever.kind == LOAN:
        return f"{format_amount(value)}\u00a0€"
    return f"{format_amount(value, 2)}\u00a0€"


def lever_controls(budget: Budget, state) -> list[dict]:
    """The levers as the form shows them: the value set (or in force) within its bounds."""
    controls = []
    for lever in budget_levers(budget):
        value = state.levers.get(lever.slug)
        controls.append(
            {
                "lever": lever,
                "value": _plain(lever.current if value is None else value),
                "min": _plain(lever.floor()),
                "max": None if lever.maximum is None else _plain(lever.maximum),
                "step": _plain(lever.step or (1000 if lever.kind == LOAN else 0.01)),
                "unit": "%" if lever.kind == RATE else "€",
                "current_text": lever_value_text(lever, lever.current),
                "changed": value is not None and float(value) != lever.current,
            }
        )
    return controls


def _plain(value) -> str:
    """A number for an HTML input: "10", "1.5" (a dot, no trailing zeros)."""
    return f"{float(value):.6f}".rstrip("0").rstrip(".")


def lever_rows(result: SimulationResult, levers: list[Lever]) -> list[dict]:
    """What each moved lever brings, with its per-household figure (the results table)."""
    by_slug = {lever.slug: lever for lever in levers}
    rows = []
    for effect in result.lever_effects:
        lever = by_slug.get(effect.slug)
        if lever is None:
            continue
        household = effect.household_yearly_change
        rows.append(
            {
                "label": effect.label,
                "kind": lever.kind,
                "current": lever_value_text(lever, effect.current),
                "value": lever_value_text(lever, effect.value),
                "revenue": effect.revenue_delta,
                "interest": effect.yearly_interest,
                "household": None if household is None else household_text(household),
            }
        )
    return rows


def results_context(budget: Budget, state: ScenarioState) -> dict:
    """Everything the results partial shows; refusals come back as messages, not errors."""
    prepared = prepared_budget(budget)
    try:
        result, inputs = run_scenario(
            budget, state, prepared=prepared, max_policy_areas=policy_area_limit(budget)
        )
    except SimulationError as error:
        return {"errors": error.messages, "state": state, "budget": budget}
    baseline, _baseline_inputs = run_scenario(
        budget, ScenarioState(horizon=state.horizon), prepared=prepared
    )
    levers = [choice.lever for choice in inputs.levers]
    names = measure_names(inputs.measures, levers)
    changed = result.line_years().sort_values(["code", "year"])
    lines: OrderedDict[str, dict] = OrderedDict()
    for row in changed.itertuples(index=False):
        entry = lines.setdefault(row.code, {"code": row.code, "label": row.label, "years": []})
        entry["years"].append(row)
    return {
        "budget": budget,
        "state": state,
        "result": result,
        "summary": summarise(result),
        "charts": [
            charts.waterfall(result),
            charts.sankey(result, names),
            charts.policy_areas(result),
            charts.ratios(result, baseline),
        ],
        "changed_lines": list(lines.values()),
        "lever_rows": lever_rows(result, levers),
        "years": result.years,
    }


def catalogue(budget: Budget, state: ScenarioState) -> list[dict]:
    """Catalogue measures grouped by policy area, each with its own full-year saving."""
    prepared = prepared_budget(budget)
    groups: OrderedDict[str, list] = OrderedDict()
    for measure in (
        Measure.objects.catalogue().filter(budget=budget).prefetch_related("adjustments__line")
    ):
        try:
            result = run_measure_alone(budget, measure, prepared=prepared, horizon=state.horizon)
            saving = result.full_year_net_saving
        except SimulationError:
            saving = None
        groups.setdefault(measure.policy_area or _("Autres mesures"), []).append(
            {"measure": measure, "saving": saving, "checked": measure.slug in state.measures}
        )
    # A scenario may hold measures outside the catalogue (the proposals a council adopted,
    # votes/council/scenario.py): shown too, or the next change on the screen would drop them.
    own = (
        Measure.objects.filter(budget=budget, slug__in=state.measures)
        .exclude(pk__in=Measure.objects.catalogue().filter(budget=budget))
        .prefetch_related("adjustments__line")
    )
    for measure in own:
        try:
            result = run_measure_alone(budget, measure, prepared=prepared, horizon=state.horizon)
            saving = result.full_year_net_saving
        except SimulationError:
            saving = None
        groups.setdefault(_("Mesures de ce scénario"), []).append(
            {"measure": measure, "saving": saving, "checked": True}
        )
    return [{"area": area, "items": items} for area, items in groups.items()]


def adjustable_lines(budget: Budget, state: ScenarioState) -> list[dict]:
    """The adjustable real lines by policy area, with the percent the state sets on each."""
    groups: OrderedDict[str, dict] = OrderedDict()
    lines = (
        BudgetLine.objects.filter(budget=budget)
        .real()
        .adjustable()
        .order_by("function", "section", "direction", "position")
    )
    for line in lines:
        key = line.function or ""
        group = groups.setdefault(
            key,
            {
                "function": key,
                "label": line.function_label
                or (_("Non ventilé") if not key else _("Fonction %(code)s") % {"code": key}),
                "lines": [],
                "changed": 0,
            },
        )
        percent = state.line_percents.get(line.code)
        group["lines"].append({"line": line, "percent": percent or 0})
        if percent:
            group["changed"] += 1
    return list(groups.values())
