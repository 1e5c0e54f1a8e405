"""What the simulator screen shows, computed from a budget and a scenario state.

Shared by the public simulator (simulator/views.py) and the workshop group screen
(votes/workshops/views.py), which shows the same results and catalogue.
"""

from __future__ import annotations

from collections import OrderedDict

from django.utils.translation import gettext as _

from budget.models import Budget
from simulator import charts
from simulator.engine import SimulationError
from simulator.inputs import LINE_ADJUSTMENTS, prepared_budget, run_measure_alone, run_scenario
from simulator.limits import policy_area_limit
from simulator.models import Measure
from simulator.state import ScenarioState
from simulator.summary import summarise
from simulator.tax import TAX_MEASURE


def measure_names(measures: dict[str, Measure]) -> dict[str | None, str]:
    names: dict[str | None, str] = {slug: m.title for slug, m in measures.items()}
    names[LINE_ADJUSTMENTS] = _("Vos ajustements de lignes")
    names[TAX_MEASURE] = _("Taux de taxe foncière")
    return names


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
    names = measure_names(inputs.measures)
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
    return [{"area": area, "items": items} for area, items in groups.items()]
