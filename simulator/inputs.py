"""From the database and a scenario's state to the engine's inputs (reads only)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from django.utils.translation import gettext as _

from budget.frames import lines_frame
from budget.models import Budget, ImpactRule
from simulator.engine import Adjustment, PreparedBudget, SimulationResult, prepare, simulate
from simulator.engine.levers import RATE, Lever, LeverChoice, lever_rules
from simulator.models import Measure
from simulator.state import ScenarioState
from simulator.tax import PROPERTY_TAX_ACCOUNT, TaxLever

RULE_COLUMNS = ["source", "target", "coefficient", "lag", "cumulative"]
LINE_ADJUSTMENTS = "lignes"  # the engine's measure name for the citizen's own line sliders


def _float(value) -> float | None:
    return None if value is None or value == "" else float(value)


def budget_levers(budget: Budget) -> list[Lever]:
    """The budget's revenue levers (sheet `leviers` of the parameters), as the engine takes
    them; numbers are stored as strings in the budget's JSON."""
    return [
        Lever(
            slug=str(data["slug"]),
            kind=str(data["kind"]),
            label=str(data.get("label") or data["slug"]),
            line=str(data["line"]),
            current=_float(data.get("current")) or 0.0,
            minimum=_float(data.get("minimum")),
            maximum=_float(data.get("maximum")),
            base=_float(data.get("base")) or 0.0,
            households=_float(data.get("households")),
            interest_line=data.get("interest_line") or None,
            interest_rate=_float(data.get("interest_rate")),
            step=_float(data.get("step")),
        )
        for data in budget.levers or []
    ]


PROPERTY_TAX_SLUG = "taxe-fonciere"  # as the parameters sheet names its row


def property_tax_lever(budget: Budget) -> Lever | None:
    """The property tax as a rate lever, for what works on levers (revenue proposals, the
    workshops' consolidation): the same figures as simulator/tax.py's TaxLever — base ×
    points / 100 a year, and per household average bill × points / rate, the households being
    the yield divided by the average bill. The screen keeps its own input in points."""
    if not (budget.property_tax_base and budget.property_tax_rate):
        return None
    lines = list(
        budget.lines.filter(
            account=PROPERTY_TAX_ACCOUNT,
            kind="reel",
            direction="recette",
            section="fonctionnement",
        ).values_list("code", flat=True)[:2]
    )
    if len(lines) != 1:
        return None
    rate, base = float(budget.property_tax_rate), float(budget.property_tax_base)
    bill = float(budget.property_tax_average_bill or 0)
    return Lever(
        slug=PROPERTY_TAX_SLUG,
        kind=RATE,
        label=str(_("Taux de taxe foncière")),
        line=lines[0],
        current=rate,
        minimum=0,
        base=base,
        households=base * rate / 100 / bill if bill > 0 else None,
        step=0.1,
    )


def lever_choices(budget: Budget, values: dict) -> list[LeverChoice]:
    """The levers moved away from their current value, in the sheet's order; unknown slugs
    are dropped (a state comes from a browser, and a re-import may remove a lever)."""
    choices = []
    for lever in budget_levers(budget):
        if lever.slug in values:
            value = float(values[lever.slug])
            if value != lever.current:
                choices.append(LeverChoice(lever=lever, value=value))
    return choices


def rules_frame(budget: Budget) -> pd.DataFrame:
    rows = list(
        ImpactRule.objects.filter(budget=budget).values_list(
            "source__code", "target__code", "coefficient", "lag", "cumulative"
        )
    )
    # A loan's interest follows it as a cumulative linked impact (engine/levers.py). A lever
    # naming a line the budget no longer has brings no rule (the engine refuses the lever
    # itself, with its reason, instead of refusing every scenario of the budget).
    # When the `impacts` sheet already links the loan line to the interest line, that rule
    # stands and the lever adds none: the interest would otherwise be counted twice.
    extra = lever_rules(budget_levers(budget))
    if extra:
        codes = set(budget.lines.values_list("code", flat=True))
        linked = {(row[0], row[1]) for row in rows}
        rows += [
            tuple(rule[c] for c in RULE_COLUMNS)
            for rule in extra
            if rule["source"] in codes
            and rule["target"] in codes
            and (rule["source"], rule["target"]) not in linked
        ]
    frame = pd.DataFrame(rows, columns=RULE_COLUMNS)
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
    levers: list[LeverChoice]


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
    return EngineInputs(
        adjustments=adjustments,
        measures=measures,
        tax=tax_lever(budget, state.tax_rate_change),
        levers=lever_choices(budget, state.levers),
    )


def tax_lever(budget: Budget, points) -> TaxLever | None:
    """The property-tax lever for a change of `points`, when the budget has a base and a rate."""
    if not points or not (budget.property_tax_base and budget.property_tax_rate):
        return None
    return TaxLever(
        points=float(points),
        base=float(budget.property_tax_base),
        current_rate=float(budget.property_tax_rate),
        average_bill=(
            float(budget.property_tax_average_bill) if budget.property_tax_average_bill else None
        ),
    )


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
        levers=inputs.levers,
    )
    return result, inputs
