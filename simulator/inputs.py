"""From the database and a scenario's state to the engine's inputs (reads only)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from budget.frames import lines_frame
from budget.models import Budget, ImpactRule
from simulator.engine import Adjustment, PreparedBudget, SimulationResult, prepare, simulate
from simulator.models import Measure
from simulator.state import ScenarioState
from simulator.tax import TaxLever

RULE_COLUMNS = ["source", "target", "coefficient", "lag", "cumulative"]
LINE_ADJUSTMENTS = "lignes"  # the engine's measure name for the citizen's own line sliders


def rules_frame(budget: Budget) -> pd.DataFrame:
    rows = ImpactRule.objects.filter(budget=budget).values_list(
        "source__code", "target__code", "coefficient", "lag", "cumulative"
    )
    frame = pd.DataFrame(list(rows), columns=RULE_COLUMNS)
    frame["coefficient"] = frame["coefficient"].astype(float)
    frame["lag"] = frame["lag"].astype(int)
    frame["cumulative"] = frame["cumulative"].astype(bool)
    return frame


def prepared_budget(budget: Budget) -> PreparedBudget:
    return prepare(lines_frame(budget), rules_frame(budget))


@dataclass
class EngineInputs:
    adjustments: list[Adjustment]
    measures: dict[str, Measure]  # the chosen measures by slug, in catalogue order
    tax: TaxLever | None


def measure_adjustments(measure: Measure) -> list[Adjustment]:
    return [
        Adjustment(
            line=adj.line.code,
            amount=None if adj.amount is None else float(adj.amount),
            percent=None if adj.percent is None else float(adj.percent),
            start_year=adj.start_year,
            recurring=adj.recurring,
            first_year_share=float(adj.first_year_share),
            measure=measure.slug,
        )
        for adj in measure.adjustments.all()
    ]


def engine_inputs(budget: Budget, state: ScenarioState) -> EngineInputs:
    measures = {
        m.slug: m
        for m in Measure.objects.filter(budget=budget, slug__in=state.measures).prefetch_related(
            "adjustments__line"
        )
    }
    adjustments: list[Adjustment] = []
    for measure in measures.values():
        adjustments += measure_adjustments(measure)
    adjustments += [
        Adjustment(line=code, percent=float(percent), measure=LINE_ADJUSTMENTS)
        for code, percent in state.line_percents.items()
    ]
    tax = None
    if state.tax_rate_change and budget.property_tax_base and budget.property_tax_rate:
        tax = TaxLever(
            points=float(state.tax_rate_change),
            base=float(budget.property_tax_base),
            current_rate=float(budget.property_tax_rate),
            average_bill=(
                float(budget.property_tax_average_bill)
                if budget.property_tax_average_bill
                else None
            ),
        )
    return EngineInputs(adjustments=adjustments, measures=measures, tax=tax)


def growth_rates(budget: Budget) -> dict[str, float] | None:
    return {k: float(v) for k, v in (budget.growth_rates or {}).items()} or None


def run_measure_alone(
    budget: Budget, measure: Measure, *, prepared: PreparedBudget, horizon: int
) -> SimulationResult:
    """One catalogue measure on its own (its adjustments prefetched by the caller)."""
    return simulate(
        prepared,
        adjustments=measure_adjustments(measure),
        horizon=horizon,
        debt_start=float(budget.debt_start),
        growth_rates=growth_rates(budget),
    )


def run_scenario(
    budget: Budget,
    state: ScenarioState,
    *,
    prepared: PreparedBudget | None = None,
    max_policy_areas: int | None = None,
) -> tuple[SimulationResult, EngineInputs]:
    """Simulate a state on a budget; raises engine.SimulationError on a refused scenario."""
    inputs = engine_inputs(budget, state)
    result = simulate(
        prepared or prepared_budget(budget),
        adjustments=inputs.adjustments,
        horizon=state.horizon,
        debt_start=float(budget.debt_start),
        growth_rates=growth_rates(budget),
        target=None if state.target is None else float(state.target),
        max_policy_areas=max_policy_areas,
        tax=inputs.tax,
    )
    return result, inputs
