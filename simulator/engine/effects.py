"""Effects of the adjustments: direct deltas per year, linked impacts with their lags, and the
floors they must not cross.
"""

from __future__ import annotations

import numpy as np

from simulator.engine.base import CENT_TOLERANCE, Adjustment, _, euros
from simulator.engine.prepared import PreparedBudget


def adjustment_deltas(
    adjustment: Adjustment, baseline: np.ndarray, horizon: int
) -> tuple[np.ndarray, np.ndarray]:
    """Yearly deltas of one adjustment: as scheduled, and its full-year variant.

    The full-year variant counts the first year whole and drops a one-off starting in the
    last year: the last year then shows what the measure brings in a normal year.
    """
    if adjustment.amount is not None:
        base = np.full(horizon, adjustment.amount)
    else:
        base = adjustment.percent / 100 * baseline
    years = np.arange(1, horizon + 1)
    start = adjustment.start_year
    active = (years > start) if adjustment.recurring else np.zeros(horizon, dtype=bool)
    shares = active.astype(float)
    full_shares = shares.copy()
    shares[start - 1] = adjustment.first_year_share
    full_shares[start - 1] = 1.0
    if not adjustment.recurring and start == horizon:
        full_shares[:] = 0.0
    return base * shares, base * full_shares


def reach(prepared: PreparedBudget, seed_lines: np.ndarray) -> tuple[np.ndarray, list]:
    """The lines a scenario reaches (adjusted ones and all rule descendants), and the rules
    whose source it reaches, grouped by level in the order they must run.

    The walk starts from the adjusted lines, so its cost follows what the scenario touches,
    not the size of the budget or of its rule graph.
    """
    reached = np.zeros(prepared.n, dtype=bool)
    reached[seed_lines] = True
    frontier = np.unique(seed_lines)
    found = []
    while len(frontier):
        starts = prepared.out_start[frontier]
        counts = prepared.out_start[frontier + 1] - starts
        total = int(counts.sum())
        if not total:
            break
        # Every index of every [start, start + count) range, without a Python loop.
        offsets = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(total)
        rules = prepared.out_rules[offsets]
        found.append(rules)
        targets = np.unique(prepared.rule_target[rules])
        frontier = targets[~reached[targets]]
        reached[frontier] = True
    if not found:
        return np.flatnonzero(reached), []
    # Rules are stored level by level: sorting their indices puts them in running order.
    rules = np.sort(np.concatenate(found))
    bounds = np.flatnonzero(np.diff(prepared.rule_level[rules])) + 1
    return np.flatnonzero(reached), np.split(rules, bounds)


def propagate(
    prepared: PreparedBudget, levels: list, position: np.ndarray, direct: np.ndarray
) -> np.ndarray:
    """Induced deltas (lines × groups × years) from direct ones, rule level by rule level.

    `position` maps a line index to its row in `direct` (-1 for lines out of reach).
    """
    induced = np.zeros_like(direct)
    groups, horizon = direct.shape[1:]
    years = np.arange(horizon)
    for rules in levels:
        sources = position[prepared.rule_source[rules]]
        targets = position[prepared.rule_target[rules]]
        change = direct[sources] + induced[sources]
        cumulative = prepared.rule_cumulative[rules]
        if cumulative.any():
            change[cumulative] = np.cumsum(change[cumulative], axis=2)
        # Year y takes the source's year y − lag; index 0 of the padded array is "no year".
        padded = np.concatenate([np.zeros((len(rules), groups, 1)), change], axis=2)
        shift = np.maximum(years[None, :] - prepared.rule_lag[rules][:, None] + 1, 0)
        lagged = np.take_along_axis(padded, shift[:, None, :], axis=2)
        np.add.at(induced, targets, prepared.rule_coefficient[rules][:, None, None] * lagged)
    return induced


def floor_problems(
    prepared: PreparedBudget, rows: np.ndarray, baseline: np.ndarray, delta: np.ndarray
) -> list[str]:
    """Lines the scenario pushes below their floor (or below zero without one)."""
    final = baseline + delta
    floors = prepared.floor[rows]
    limit = np.where(np.isnan(floors), 0.0, floors)[:, None]
    # Only a fall counts: a baseline already under its floor is the budget's, not the scenario's.
    below = (final < limit - CENT_TOLERANCE) & (delta < -CENT_TOLERANCE)
    messages = []
    for p in np.flatnonzero(below.any(axis=1)):
        years = ", ".join(
            _("%(amount)s en année %(year)s au lieu de %(baseline)s")
            % {
                "amount": euros(final[p, y]),
                "year": y + 1,
                "baseline": euros(baseline[p, y]),
            }
            for y in np.flatnonzero(below[p])
        )
        values = {"line": prepared.line_ref(rows[p]), "years": years}
        if np.isnan(floors[p]):
            messages.append(_("La ligne %(line)s deviendrait négative : %(years)s.") % values)
        else:
            messages.append(
                _("La ligne %(line)s descendrait sous son plancher de %(floor)s : %(years)s.")
                % {**values, "floor": euros(floors[p])}
            )
    return messages
