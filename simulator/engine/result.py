"""A scenario's outcome and the views of it the screen, the exports and the command read."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from budget.finance import Ratios
from simulator.engine.base import CENT_TOLERANCE
from simulator.engine.prepared import PreparedBudget


@dataclass(eq=False)
class SimulationResult:
    """A scenario's outcome. Arrays are years along the last axis (year 1 first).

    Deltas are kept only for the lines the scenario reaches (`rows`, indices into the
    prepared lines): the rest of the budget is its baseline.
    """

    prepared: PreparedBudget
    horizon: int
    baseline: np.ndarray
    rows: np.ndarray
    direct: np.ndarray
    induced: np.ndarray
    measures: list[str | None]
    measure_direct: np.ndarray
    measure_induced: np.ndarray
    ratios: list[Ratios]
    direct_delta: np.ndarray
    induced_delta: np.ndarray
    net_saving: np.ndarray
    investment_net_delta: np.ndarray
    first_year_net_saving: float
    full_year_net_saving: float
    full_year_direct_saving: float
    full_year_induced_saving: float
    target: float | None
    target_met: bool | None
    first_year_target_met: bool | None
    gap: float | None
    warnings: list[str]
    tax_revenue_delta: float | None = None
    household_yearly_change: float | None = None
    lever_effects: list = field(default_factory=list)  # engine.levers.LeverEffect, in order

    @property
    def years(self) -> list[int]:
        return list(range(1, self.horizon + 1))

    @cached_property
    def changed_rows(self) -> np.ndarray:
        """Positions (in `rows`) of the lines whose amount really moves in some year."""
        moved = (np.abs(self.direct) >= CENT_TOLERANCE) | (np.abs(self.induced) >= CENT_TOLERANCE)
        return np.flatnonzero(moved.any(axis=1))

    @cached_property
    def final(self) -> np.ndarray:
        final = self.baseline.copy()
        final[self.rows] += self.direct + self.induced
        return final

    def line_years(self, *, changed_only: bool = True) -> pd.DataFrame:
        """One row per line and year: baseline, direct, induced, final (euros, unrounded)."""
        if changed_only:
            rows = self.rows[self.changed_rows]
            direct, induced = self.direct[self.changed_rows], self.induced[self.changed_rows]
        else:
            rows = np.arange(self.prepared.n)
            direct = np.zeros_like(self.baseline)
            induced = np.zeros_like(self.baseline)
            direct[self.rows], induced[self.rows] = self.direct, self.induced
        baseline = self.baseline[rows]
        h = self.horizon
        return pd.DataFrame(
            {
                "code": np.repeat(self.prepared.codes[rows], h),
                "label": np.repeat(self.prepared.labels[rows], h),
                "year": np.tile(np.arange(1, h + 1), len(rows)),
                "baseline": baseline.ravel(),
                "direct": direct.ravel(),
                "induced": induced.ravel(),
                "final": (baseline + direct + induced).ravel(),
            }
        )

    @cached_property
    def measure_effects(self) -> pd.DataFrame:
        """Per measure and year, its direct and induced saving contributions.

        Induced effects are those its own adjustments set off (the engine is linear, so each
        measure's changes are propagated on their own).
        """
        weights = self.prepared.saving_weights[:, self.rows]
        records = []
        for k, measure in enumerate(self.measures):
            direct = weights @ self.measure_direct[k]
            induced = weights @ self.measure_induced[k]
            for y in range(self.horizon):
                records.append(
                    {
                        "measure": measure,
                        "year": y + 1,
                        "direct_delta": direct[0, y],
                        "induced_delta": induced[0, y],
                        "net_saving": direct[0, y] + induced[0, y],
                        "investment_net_delta": direct[1, y] + induced[1, y],
                    }
                )
        columns = ["measure", "year", "direct_delta", "induced_delta", "net_saving"]
        return pd.DataFrame(records, columns=[*columns, "investment_net_delta"])

    def totals(self, by: str) -> pd.DataFrame:
        """Real lines summed per year, before and after the scenario.

        `by` is `section` (with direction: spending and revenue never mix), `direction`,
        `chapter` or `function` (both within section and direction).
        """
        keys = {
            "section": ["section", "direction"],
            "direction": ["direction"],
            "chapter": ["section", "direction", "chapter"],
            "function": ["section", "direction", "function"],
        }.get(by)
        if keys is None:
            raise ValueError(f"Unknown grouping: {by}")
        real = self.prepared.real
        frame = self.prepared.frame.loc[real, keys].fillna("").astype(str)
        groups = frame.groupby(keys, sort=True).ngroup().to_numpy()
        result = frame.drop_duplicates().sort_values(keys, ignore_index=True)
        count = len(result)
        before = np.vstack(
            [np.bincount(groups, self.baseline[real, y], count) for y in range(self.horizon)]
        )
        after = np.vstack(
            [np.bincount(groups, self.final[real, y], count) for y in range(self.horizon)]
        )
        label_column = f"{by}_label"
        if label_column in self.prepared.frame.columns:
            labels = self.prepared.frame.loc[real].groupby(frame[by])[label_column].first()
            result["label"] = result[by].map(labels).fillna("")
        result = result.loc[result.index.repeat(self.horizon)].reset_index(drop=True)
        result["year"] = np.tile(np.arange(1, self.horizon + 1), count)
        result["baseline"] = before.T.ravel()
        result["final"] = after.T.ravel()
        result["change"] = result["final"] - result["baseline"]
        return result

    @property
    def function_totals(self) -> pd.DataFrame:
        return self.totals("function")

    def as_dict(self) -> dict:
        """The output of the `simulate` command: amounts to the cent, ratios unrounded."""
        years = []
        for y, ratios in enumerate(self.ratios):
            data = ratios.as_dict()
            data.pop("debt_start")
            years.append(
                {
                    "year": y + 1,
                    **{
                        key: _cents(value) if key in _AMOUNTS else value
                        for key, value in data.items()
                    },
                    "direct_delta": _cents(self.direct_delta[y]),
                    "induced_delta": _cents(self.induced_delta[y]),
                    "net_saving": _cents(self.net_saving[y]),
                    "investment_net_delta": _cents(self.investment_net_delta[y]),
                }
            )
        lines = []
        for position in self.changed_rows:
            row = self.rows[position]
            baseline = self.baseline[row]
            direct, induced = self.direct[position], self.induced[position]
            lines.append(
                {
                    "code": str(self.prepared.codes[row]),
                    "label": str(self.prepared.labels[row]),
                    "years": [
                        {
                            "year": y + 1,
                            "baseline": _cents(baseline[y]),
                            "direct": _cents(direct[y]),
                            "induced": _cents(induced[y]),
                            # From the rounded parts, so that the printed columns add up.
                            "final": _cents(
                                _cents(baseline[y]) + _cents(direct[y]) + _cents(induced[y])
                            ),
                        }
                        for y in range(self.horizon)
                    ],
                }
            )
        return {
            "years": years,
            "target": None if self.target is None else _cents(self.target),
            "target_met": self.target_met,
            "first_year_net_saving": _cents(self.first_year_net_saving),
            "full_year_net_saving": _cents(self.full_year_net_saving),
            "lines": lines,
            "warnings": list(self.warnings),
        }


_AMOUNTS = frozenset(
    {
        "rrf",
        "drf",
        "interest",
        "epargne_gestion",
        "epargne_brute",
        "epargne_nette",
        "capital_repayment",
        "new_loans",
        "debt_end",
    }
)


def _cents(value: float) -> float:
    rounded = round(float(value), 2)
    return 0.0 if rounded == 0 else rounded  # no "-0.0" in the output
