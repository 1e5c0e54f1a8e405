"""The multi-year projection of a scenario (domain.md §5): checks, effects, ratios per year
and the savings target.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from budget.finance import DEBT_CAPACITY_CEILING_YEARS, RATIO_KEYS, Ratios, ratios_from_sums
from simulator.engine.base import (
    CENT_TOLERANCE,
    MAX_HORIZON,
    Adjustment,
    SimulationError,
    _,
    euros,
    unique_messages,
    years_text,
)
from simulator.engine.checks import check_adjustments, check_growth_rates, check_tax, number_or_none
from simulator.engine.effects import adjustment_deltas, floor_problems, propagate, reach
from simulator.engine.levers import LeverChoice, check_levers
from simulator.engine.prepared import PreparedBudget, prepare
from simulator.engine.result import SimulationResult
from simulator.tax import TaxLever


def simulate(
    lines: pd.DataFrame | PreparedBudget,
    rules: pd.DataFrame | None = None,
    adjustments: Iterable[Adjustment] = (),
    *,
    horizon: int = 3,
    debt_start: float,
    growth_rates: dict | None = None,
    target: float | None = None,
    max_policy_areas: int | None = None,
    tax: TaxLever | None = None,
    levers: Iterable[LeverChoice] = (),
) -> SimulationResult:
    """Apply adjustments and their linked impacts to a budget over `horizon` years.

    `lines` may be a PreparedBudget (then `rules` must be None): the screen prepares a budget
    once and recomputes on every change. Raises SimulationError listing every problem found.
    """
    if isinstance(lines, PreparedBudget):
        if rules is not None:
            raise TypeError("A PreparedBudget already holds its rules.")
        prepared = lines
    else:
        prepared = prepare(lines, rules)
    adjustments = list(adjustments)
    messages: list[str] = []
    horizon_ok = (
        isinstance(horizon, int | np.integer)
        and not isinstance(horizon, bool)
        and 1 <= horizon <= MAX_HORIZON
    )
    if not horizon_ok:
        messages.append(
            _("L'horizon doit être compris entre 1 et %(max)s ans (reçu : %(value)s).")
            % {"max": MAX_HORIZON, "value": horizon}
        )
    tax_revenue_delta = household = None
    if tax is not None:
        tax_messages, tax_adjustment = check_tax(prepared, tax)
        messages += tax_messages
        if not tax_messages:
            tax_revenue_delta = tax.revenue_delta
            household = tax.household_yearly_change
        if tax_adjustment is not None:
            adjustments.append(tax_adjustment)
    lever_messages, lever_adjustments, lever_effects = check_levers(prepared, levers)
    messages += lever_messages
    adjustments += lever_adjustments
    rates, rate_messages = check_growth_rates(growth_rates)
    messages += rate_messages
    target_value = number_or_none(target)
    if target_value is not None and not math.isfinite(target_value):
        messages.append(
            _("L'objectif d'économies doit être un montant (reçu : %(value)s).") % {"value": target}
        )
    if max_policy_areas is not None and not (
        isinstance(max_policy_areas, int | np.integer) and max_policy_areas >= 0
    ):
        messages.append(
            _(
                "Le nombre de politiques publiques permises doit être un entier positif ou nul "
                "(reçu : %(value)s)."
            )
            % {"value": max_policy_areas}
        )
        max_policy_areas = None
    checked = check_adjustments(
        prepared, adjustments, horizon if horizon_ok else None, max_policy_areas, messages
    )
    if not horizon_ok:
        raise SimulationError(unique_messages(messages))

    baseline = prepared.baseline(horizon, rates)
    measures: list[str | None] = []
    for _line, adjustment in checked:
        if adjustment.measure not in measures:
            measures.append(adjustment.measure)
    rows, levels = reach(prepared, np.array([i for i, _ in checked], dtype=np.int64))
    position = np.full(prepared.n, -1, dtype=np.int64)
    position[rows] = np.arange(len(rows))
    k = len(measures)
    # Groups along axis 1: one per measure, then the full-year variant of the whole scenario.
    direct = np.zeros((len(rows), k + 1, horizon))
    for line, adjustment in checked:
        actual, full_year = adjustment_deltas(adjustment, baseline[line], horizon)
        p = position[line]
        direct[p, measures.index(adjustment.measure)] += actual
        direct[p, k] += full_year
    induced = propagate(prepared, levels, position, direct)

    total_direct = direct[:, :k].sum(axis=1)
    total_induced = induced[:, :k].sum(axis=1)
    messages += floor_problems(prepared, rows, baseline[rows], total_direct + total_induced)
    if messages:
        raise SimulationError(unique_messages(messages))

    weights = prepared.saving_weights[:, rows]
    direct_savings = weights @ total_direct
    induced_savings = weights @ total_induced
    net_saving = direct_savings[0] + induced_savings[0]
    investment_net = direct_savings[1] + induced_savings[1]
    full_year_direct = float(weights[0] @ direct[:, k, horizon - 1])
    full_year_induced = float(weights[0] @ induced[:, k, horizon - 1])
    full_year_net = full_year_direct + full_year_induced
    sums = prepared.ratio_matrix @ baseline + prepared.ratio_matrix[:, rows] @ (
        total_direct + total_induced
    )
    ratios = []
    debt = float(debt_start)
    for y in range(horizon):
        year = ratios_from_sums(
            debt_start=debt, **dict(zip(RATIO_KEYS, sums[:, y].tolist(), strict=True))
        )
        ratios.append(year)
        debt = year.debt_end

    first_year_net = float(net_saving[0])
    target_met = first_met = gap = None
    if target_value is not None:
        target_met = full_year_net >= target_value - CENT_TOLERANCE
        first_met = first_year_net >= target_value - CENT_TOLERANCE
        gap = 0.0 if target_met else target_value - full_year_net
    return SimulationResult(
        prepared=prepared,
        horizon=horizon,
        baseline=baseline,
        rows=rows,
        direct=total_direct,
        induced=total_induced,
        measures=measures,
        measure_direct=direct[:, :k].transpose(1, 0, 2),
        measure_induced=induced[:, :k].transpose(1, 0, 2),
        ratios=ratios,
        direct_delta=direct_savings[0],
        induced_delta=induced_savings[0],
        net_saving=net_saving,
        investment_net_delta=investment_net,
        first_year_net_saving=first_year_net,
        full_year_net_saving=full_year_net,
        full_year_direct_saving=full_year_direct,
        full_year_induced_saving=full_year_induced,
        target=target_value,
        target_met=target_met,
        first_year_target_met=first_met,
        gap=gap,
        warnings=warnings_of(ratios, target_met, first_met),
        tax_revenue_delta=tax_revenue_delta,
        household_yearly_change=household,
        lever_effects=lever_effects,
    )


def warnings_of(ratios: list[Ratios], target_met: bool | None, first_met: bool | None) -> list[str]:
    warnings = []
    for y, year in enumerate(ratios, start=1):
        if year.epargne_brute <= 0:
            warnings.append(
                _(
                    "Épargne brute négative ou nulle en année %(year)s (%(amount)s) : la capacité "
                    "de désendettement n'est pas définie."
                )
                % {"year": y, "amount": euros(year.epargne_brute)}
            )
        elif year.capacite_desendettement > DEBT_CAPACITY_CEILING_YEARS:
            warnings.append(
                _(
                    "Capacité de désendettement de %(years)s ans en année %(year)s, au-delà du "
                    "plafond de référence de %(ceiling)s ans."
                )
                % {
                    "years": years_text(year.capacite_desendettement),
                    "year": y,
                    "ceiling": DEBT_CAPACITY_CEILING_YEARS,
                }
            )
    if target_met and first_met is False:
        warnings.append(
            _("L'objectif est atteint en année pleine, mais pas dès la première année.")
        )
    return warnings
