"""The calculation engine: pure functions over pandas DataFrames, no ORM inside.

A lines frame has one row per budget line with the columns of LINE_COLUMNS; amounts are
euros as float64 (exact for cent values at budget scale) and are rounded to the cent only
when results leave the engine.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from budget.finance import (
    DEBT_CAPACITY_CEILING_YEARS,
    DEPENSE,
    FONCTIONNEMENT,
    INVESTISSEMENT,
    LINE_COLUMNS,
    RATIO_KEYS,
    RECETTE,
    REEL,
    Ratios,
    ratio_masks,
    ratios_from_sums,
)
from simulator.tax import PROPERTY_TAX_ACCOUNT, TAX_MEASURE, TaxLever


def empty_lines_frame() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype=object) for column in LINE_COLUMNS}).astype(
        {"amount": float}
    )


_CODE_PREFIXES = {
    "F": FONCTIONNEMENT,
    "I": INVESTISSEMENT,
}


def lines_from_records(records: Iterable[dict]) -> pd.DataFrame:
    """A lines frame from plain dicts (JSON input, tests, benchmarks), defaults filled in.

    Section and direction default to what the line code says (`FD-...` is an operating
    expenditure, `IR-...` an investment revenue: the convention of BudgetLine.code); kind
    defaults to real, function and label to "", floor to none, adjustable to "real".
    """
    rows = []
    for record in records:
        row = dict(record)
        prefix = str(row["code"]).strip()[:2]
        row.setdefault("section", _CODE_PREFIXES.get(prefix[:1], ""))
        row.setdefault("direction", RECETTE if prefix[1:2] == "R" else DEPENSE)
        row.setdefault("kind", REEL)
        row.setdefault("function", "")
        row.setdefault("label", "")
        row.setdefault("floor", float("nan"))
        row.setdefault("adjustable", row["kind"] == REEL)
        rows.append(row)
    columns = [*LINE_COLUMNS, "label", "adjustable", "floor"]
    frame = pd.DataFrame(
        rows, columns=list(dict.fromkeys([*columns, *(k for r in rows for k in r)]))
    )
    return frame.astype({"amount": float, "floor": float, "adjustable": bool})


def rules_from_records(records: Iterable[dict]) -> pd.DataFrame:
    """A rules frame from plain dicts; lag defaults to 0 and cumulative to False."""
    rows = [{"lag": 0, "cumulative": False, **record} for record in records]
    frame = pd.DataFrame(rows, columns=["source", "target", "coefficient", "lag", "cumulative"])
    return frame.astype({"coefficient": float, "lag": int, "cumulative": bool})


# --------------------------------------------------------------------------------------------
# Simulation (domain.md §5): measures and linked impacts over a horizon of years.
# --------------------------------------------------------------------------------------------

MAX_HORIZON = 10
MAX_LAG = 10
# Half a cent: below it a difference is floating-point noise, not money.
CENT_TOLERANCE = 0.005


class SimulationError(ValueError):
    """A scenario the engine refuses; `messages` lists every problem found, in French."""

    def __init__(self, messages: list[str] | str) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("\n".join(self.messages))


@dataclass(frozen=True)
class Adjustment:
    """A change to one line: `amount` euros or `percent` of the line's baseline, per year.

    `direct=False` marks a change the engine makes on the citizen's behalf (the tax lever):
    it is still a direct effect, but escapes the adjustable flag and the policy-area cap.
    """

    line: str
    amount: float | None = None
    percent: float | None = None
    start_year: int = 1
    recurring: bool = True
    first_year_share: float = 1.0
    measure: str | None = None
    direct: bool = True


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


class PreparedBudget:
    """What a (lines, rules) pair costs to analyse once: the screen caches it per budget.

    Read-only after construction (its arrays are locked), so one instance may serve
    concurrent requests; only a small cache of baselines per horizon and growth rates fills.
    """

    def __init__(self, lines: pd.DataFrame, rules: pd.DataFrame | None = None) -> None:
        missing = [c for c in LINE_COLUMNS if c not in lines.columns]
        if missing:
            raise SimulationError(
                f"Colonnes manquantes dans les lignes du budget : {', '.join(missing)}."
            )
        frame = lines.reset_index(drop=True)
        self.frame = frame
        self.n = len(frame)
        codes = frame["code"].astype(str).str.strip()
        self.codes = _frozen(codes.to_numpy(dtype=object))
        self.index: dict[str, int] = {code: i for i, code in enumerate(self.codes)}
        problems: list[str] = []
        if len(self.index) != self.n:
            duplicated = sorted(set(codes[codes.duplicated()]))
            problems.append(f"Codes de ligne en double : {', '.join(duplicated)}.")
        if "label" in frame.columns:
            labels = frame["label"].fillna("").astype(str).str.strip()
        else:
            labels = pd.Series([""] * self.n)
        self.labels = _frozen(labels.to_numpy(dtype=object))
        self.amount = _frozen(frame["amount"].astype(float).to_numpy(copy=True))
        for i in np.flatnonzero(~np.isfinite(self.amount)):
            problems.append(f"{self.line_name(i)} n'a pas de montant.")

        masks = ratio_masks(frame)
        self.real = _frozen((frame["kind"] == REEL).to_numpy())
        if "adjustable" in frame.columns:
            adjustable = frame["adjustable"].fillna(False).astype(bool).to_numpy()
        else:
            adjustable = self.real.copy()
        self.adjustable = _frozen(adjustable & self.real)
        if "floor" in frame.columns:
            self.floor = _frozen(pd.to_numeric(frame["floor"]).astype(float).to_numpy(copy=True))
        else:
            self.floor = _frozen(np.full(self.n, np.nan))
        self.functions = _frozen(frame["function"].fillna("").astype(str).to_numpy(dtype=object))
        self.chapters = _frozen(frame["chapter"].astype(str).to_numpy(dtype=object))
        self.accounts = _frozen(frame["account"].astype(str).to_numpy(dtype=object))
        self.ratio_matrix = _frozen(
            np.vstack([masks[key].to_numpy(dtype=float) for key in RATIO_KEYS])
        )
        # Saving contribution: spending less or earning more both count as a saving.
        sign = np.where(frame["direction"] == RECETTE, 1.0, -1.0)
        operating = self.real & (frame["section"] == FONCTIONNEMENT).to_numpy()
        investment = (
            self.real
            & (frame["section"] == INVESTISSEMENT).to_numpy()
            & (frame["chapter"].astype(str) != "16").to_numpy()
        )
        self.saving_weights = _frozen(np.vstack([sign * operating, sign * investment]))
        self.chapter_codes, self.chapter_values = pd.factorize(frame["chapter"].astype(str))
        self._baselines: dict[tuple, np.ndarray] = {}

        self._prepare_rules(rules, problems)
        if problems:
            raise SimulationError(problems)

    def line_name(self, i: int) -> str:
        label = self.labels[i]
        return f"La ligne {self.codes[i]} ({label})" if label else f"La ligne {self.codes[i]}"

    def _prepare_rules(self, rules: pd.DataFrame | None, problems: list[str]) -> None:
        if rules is None or len(rules) == 0:
            src = tgt = lag = np.zeros(0, dtype=np.int64)
            coef = np.zeros(0)
            cumulative = np.zeros(0, dtype=bool)
        else:
            rules = rules.reset_index(drop=True)
            src_codes = rules["source"].astype(str).str.strip()
            tgt_codes = rules["target"].astype(str).str.strip()
            src = src_codes.map(self.index).to_numpy(dtype=float)
            tgt = tgt_codes.map(self.index).to_numpy(dtype=float)
            coef = rules["coefficient"].astype(float).to_numpy()
            lag_values = rules["lag"].astype(float).to_numpy() if "lag" in rules else None
            lag_values = np.zeros(len(rules)) if lag_values is None else lag_values
            cumulative = (
                rules["cumulative"].fillna(False).astype(bool).to_numpy()
                if "cumulative" in rules
                else np.zeros(len(rules), dtype=bool)
            )
            unknown_source, unknown_target = np.isnan(src), np.isnan(tgt)
            self_loop = (src_codes == tgt_codes).to_numpy()
            bad_lag = ~((lag_values >= 0) & (lag_values <= MAX_LAG) & (lag_values % 1 == 0))
            bad = unknown_source | unknown_target | self_loop | ~np.isfinite(coef) | bad_lag
            for r in np.flatnonzero(bad):
                where = f"L'impact induit {src_codes[r]} → {tgt_codes[r]}"
                if unknown_source[r]:
                    problems.append(f"{where} vise une ligne inconnue : {src_codes[r]}.")
                if unknown_target[r]:
                    problems.append(f"{where} vise une ligne inconnue : {tgt_codes[r]}.")
                if self_loop[r]:
                    problems.append(f"{where} relie une ligne à elle-même.")
                if not np.isfinite(coef[r]):
                    problems.append(f"{where} n'a pas de coefficient.")
                if bad_lag[r]:
                    problems.append(
                        f"{where} a un décalage de {lag_values[r]:g} an(s) ; "
                        f"il doit être un entier de 0 à {MAX_LAG}."
                    )
            if problems:
                return
            src, tgt, lag = src.astype(np.int64), tgt.astype(np.int64), lag_values.astype(np.int64)
        levels = self._source_levels(src, tgt, problems)
        # Process rules level by level: every rule into a level-k line starts from a lower
        # level, so a level's sources are final before their own rules run.
        order = np.argsort(levels, kind="stable")
        self.rule_source = _frozen(src[order])
        self.rule_target = _frozen(tgt[order])
        self.rule_coefficient = _frozen(coef[order])
        self.rule_lag = _frozen(lag[order])
        self.rule_cumulative = _frozen(cumulative[order])
        self.rule_level = _frozen(levels[order])
        # Outgoing rules per source line (CSR layout), to walk from the adjusted lines only.
        by_source = np.argsort(self.rule_source, kind="stable")
        self.out_rules = _frozen(by_source)
        self.out_start = _frozen(
            np.searchsorted(self.rule_source[by_source], np.arange(self.n + 1))
        )

    def _source_levels(self, src: np.ndarray, tgt: np.ndarray, problems: list[str]) -> np.ndarray:
        """Kahn layering of the rule graph: the level of each rule's source line."""
        level = np.full(self.n, -1, dtype=np.int64)
        if len(src) == 0:
            return np.zeros(0, dtype=np.int64)
        involved = np.zeros(self.n, dtype=bool)
        involved[src] = involved[tgt] = True
        remaining = np.ones(len(src), dtype=bool)
        indegree = np.bincount(tgt, minlength=self.n)
        depth = 0
        ready = np.flatnonzero(involved & (indegree == 0))
        while len(ready):
            level[ready] = depth
            leaving = remaining & np.isin(src, ready)
            remaining &= ~leaving
            indegree -= np.bincount(tgt[leaving], minlength=self.n)
            newly = np.unique(tgt[leaving])
            ready = newly[indegree[newly] == 0]
            depth += 1
        if remaining.any():
            problems.append(self._cycle_message(src[remaining], tgt[remaining]))
            return np.zeros(len(src), dtype=np.int64)
        return level[src]

    def _cycle_message(self, src: np.ndarray, tgt: np.ndarray) -> str:
        # Every line left after Kahn's layering has a predecessor left: walking back from any
        # of them must meet a line twice, and the walk between the two visits is a cycle.
        predecessor = dict(zip(tgt.tolist(), src.tolist(), strict=True))
        node, seen = int(tgt[0]), []
        while node not in seen:
            seen.append(node)
            node = predecessor[node]
        cycle = seen[seen.index(node) :][::-1]
        # Start from the line that comes first in the budget, so the message is stable.
        first = cycle.index(min(cycle))
        cycle = cycle[first:] + cycle[:first]
        path = " → ".join(str(self.codes[i]) for i in [*cycle, cycle[0]])
        return f"Les impacts induits forment un cycle : {path}."

    def baseline(self, horizon: int, growth_rates: dict | None = None) -> np.ndarray:
        """Voted amounts repeated each year, grown per chapter: amount × (1 + rate)^(y − 1)."""
        rates = {str(k): float(v) for k, v in (growth_rates or {}).items() if float(v) != 0}
        key = (horizon, tuple(sorted(rates.items())))
        cached = self._baselines.get(key)
        if cached is not None:
            return cached
        chapter_rates = np.array([rates.get(c, 0.0) for c in self.chapter_values], dtype=float)
        line_rates = chapter_rates[self.chapter_codes] if len(chapter_rates) else np.zeros(self.n)
        factors = (1 + line_rates)[:, None] ** np.arange(horizon)[None, :]
        baseline = _frozen(self.amount[:, None] * factors)
        if len(self._baselines) >= 8:
            self._baselines.clear()
        self._baselines[key] = baseline
        return baseline


def prepare(lines: pd.DataFrame, rules: pd.DataFrame | None = None) -> PreparedBudget:
    return PreparedBudget(lines, rules)


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


def _euros(value: float) -> str:
    """French amount for messages: "1 234 567 €", cents only when there are some."""
    cents = round(abs(float(value)) * 100)
    units, fraction = divmod(cents, 100)
    digits = f"{units:,}".replace(",", "\u202f")
    sign = "−" if value < 0 and cents else ""
    text = f"{sign}{digits},{fraction:02d}" if fraction else f"{sign}{digits}"
    return f"{text}\u00a0€"


def _years_text(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


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
            f"L'horizon doit être compris entre 1 et {MAX_HORIZON} ans (reçu : {horizon})."
        )
    tax_revenue_delta = household = None
    if tax is not None:
        tax_messages, tax_adjustment = _tax_adjustment(prepared, tax)
        messages += tax_messages
        if not tax_messages:
            tax_revenue_delta = tax.revenue_delta
            household = tax.household_yearly_change
        if tax_adjustment is not None:
            adjustments.append(tax_adjustment)
    rates, rate_messages = _growth_rates(growth_rates)
    messages += rate_messages
    target_value = _number_or_none(target)
    if target_value is not None and not math.isfinite(target_value):
        messages.append(f"L'objectif d'économies doit être un montant (reçu : {target}).")
    if max_policy_areas is not None and not (
        isinstance(max_policy_areas, int | np.integer) and max_policy_areas >= 0
    ):
        messages.append(
            "Le nombre de politiques publiques permises doit être un entier positif ou nul "
            f"(reçu : {max_policy_areas})."
        )
        max_policy_areas = None
    checked = _check_adjustments(
        prepared, adjustments, horizon if horizon_ok else None, max_policy_areas, messages
    )
    if not horizon_ok:
        raise SimulationError(_unique(messages))

    baseline = prepared.baseline(horizon, rates)
    measures: list[str | None] = []
    for _, adjustment in checked:
        if adjustment.measure not in measures:
            measures.append(adjustment.measure)
    rows, levels = _reach(prepared, np.array([i for i, _ in checked], dtype=np.int64))
    position = np.full(prepared.n, -1, dtype=np.int64)
    position[rows] = np.arange(len(rows))
    k = len(measures)
    # Groups along axis 1: one per measure, then the full-year variant of the whole scenario.
    direct = np.zeros((len(rows), k + 1, horizon))
    for line, adjustment in checked:
        actual, full_year = _adjustment_deltas(adjustment, baseline[line], horizon)
        p = position[line]
        direct[p, measures.index(adjustment.measure)] += actual
        direct[p, k] += full_year
    induced = _propagate(prepared, levels, position, direct)

    total_direct = direct[:, :k].sum(axis=1)
    total_induced = induced[:, :k].sum(axis=1)
    messages += _floor_problems(prepared, rows, baseline[rows], total_direct + total_induced)
    if messages:
        raise SimulationError(_unique(messages))

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
        warnings=_warnings(ratios, target_met, first_met),
        tax_revenue_delta=tax_revenue_delta,
        household_yearly_change=household,
    )


def _unique(messages: list[str]) -> list[str]:
    return list(dict.fromkeys(messages))


def _growth_rates(growth_rates: dict | None) -> tuple[dict[str, float], list[str]]:
    rates, messages = {}, []
    for chapter, value in (growth_rates or {}).items():
        try:
            rate = float(value)
        except (TypeError, ValueError):
            rate = float("nan")
        if not math.isfinite(rate) or rate <= -1:
            messages.append(
                f"Le taux d'évolution du chapitre {chapter} doit être un nombre supérieur "
                f"à −100 % (reçu : {value})."
            )
        else:
            rates[str(chapter).strip()] = rate
    return rates, messages


def _tax_adjustment(prepared: PreparedBudget, tax: TaxLever) -> tuple[list[str], Adjustment | None]:
    messages = tax.problems()
    if tax.revenue_line is not None:
        line = prepared.index.get(str(tax.revenue_line).strip())
        if line is None:
            messages.append(
                f"Taxe foncière : la ligne « {str(tax.revenue_line).strip()} » n'existe pas "
                "dans ce budget."
            )
    else:
        candidates = [
            i
            for i in np.flatnonzero(prepared.accounts == PROPERTY_TAX_ACCOUNT)
            if prepared.real[i] and prepared.saving_weights[0, i] > 0
        ]
        line = candidates[0] if len(candidates) == 1 else None
        if not candidates:
            messages.append(
                "Taxe foncière : aucune ligne de recette réelle de fonctionnement au compte "
                f"{PROPERTY_TAX_ACCOUNT} dans ce budget ; indiquez la ligne à utiliser."
            )
        elif len(candidates) > 1:
            codes = ", ".join(str(prepared.codes[i]) for i in candidates)
            messages.append(
                f"Taxe foncière : plusieurs lignes au compte {PROPERTY_TAX_ACCOUNT} ({codes}) ; "
                "indiquez celle à utiliser."
            )
    if messages or line is None or float(tax.points) == 0:
        return messages, None
    adjustment = Adjustment(
        line=str(prepared.codes[line]),
        amount=tax.revenue_delta,
        measure=TAX_MEASURE,
        direct=False,
    )
    return messages, adjustment


def _number_or_none(value) -> float | None:
    """None stays None; anything that is not a number becomes NaN, which checks refuse."""
    if value is None:
        return None
    if isinstance(value, bool):
        return float("nan")
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _check_adjustments(
    prepared: PreparedBudget,
    adjustments: list[Adjustment],
    horizon: int | None,
    max_policy_areas: int | None,
    messages: list[str],
) -> list[tuple[int, Adjustment]]:
    """Validate every adjustment; return the usable ones (line index, normalised adjustment)."""
    usable = []
    areas: list[str] = []
    for adjustment in adjustments:
        code = str(adjustment.line).strip()
        line = prepared.index.get(code)
        name = prepared.line_name(line) if line is not None else f"La ligne « {code} »"
        of_line = name.replace("La ligne", "de la ligne", 1)
        problems = []
        if line is None:
            problems.append(f"{name} n'existe pas dans ce budget.")
        elif not prepared.real[line]:
            problems.append(f"{name} est une opération d'ordre : elle ne peut pas être modifiée.")
        elif adjustment.direct and not prepared.adjustable[line]:
            problems.append(
                f"{name} n'est pas ajustable : elle ne peut pas être modifiée directement."
            )
        amount = _number_or_none(adjustment.amount)
        percent = _number_or_none(adjustment.percent)
        if (amount is None) == (percent is None):
            problems.append(
                f"L'ajustement {of_line} doit indiquer soit un montant, soit un pourcentage "
                "(un seul)."
            )
        elif not math.isfinite(amount if amount is not None else percent):
            problems.append(f"L'ajustement {of_line} n'a pas une valeur numérique valide.")
        share = _number_or_none(adjustment.first_year_share)
        if share is None or not (0 <= share <= 1):
            problems.append(
                f"La part de la première année de l'ajustement {of_line} doit être comprise "
                f"entre 0 et 1 (reçu : {adjustment.first_year_share})."
            )
        if not isinstance(adjustment.recurring, bool | np.bool_):
            problems.append(
                f"L'ajustement {of_line} doit dire s'il est récurrent par vrai ou faux "
                f"(reçu : {adjustment.recurring})."
            )
        start = adjustment.start_year
        start_is_int = isinstance(start, int | np.integer) and not isinstance(start, bool)
        if horizon is not None and not (start_is_int and 1 <= start <= horizon):
            problems.append(
                f"L'année de départ de l'ajustement {of_line} doit être comprise entre 1 et "
                f"{horizon} (reçu : {start})."
            )
        elif horizon is None and not (start_is_int and 1 <= start <= MAX_HORIZON):
            problems.append(
                f"L'année de départ de l'ajustement {of_line} doit être un entier de 1 à "
                f"{MAX_HORIZON} (reçu : {start})."
            )
        if problems:
            messages.extend(problems)
            continue
        value = amount if amount is not None else percent
        if adjustment.direct and value != 0 and prepared.functions[line] not in areas:
            areas.append(prepared.functions[line])
        usable.append(
            (
                line,
                Adjustment(
                    line=code,
                    amount=amount,
                    percent=percent,
                    start_year=int(start),
                    recurring=bool(adjustment.recurring),
                    first_year_share=share,
                    measure=adjustment.measure,
                    direct=adjustment.direct,
                ),
            )
        )
    if max_policy_areas is not None and len(areas) > max_policy_areas:
        named = ", ".join(_area_name(prepared, area) for area in sorted(areas))
        messages.append(
            f"Le scénario touche {len(areas)} politiques publiques ({named}) alors que "
            f"{max_policy_areas} au plus sont permises."
        )
    return usable


def _area_name(prepared: PreparedBudget, function: str) -> str:
    if not function:
        return "sans fonction"
    frame = prepared.frame
    if "function_label" in frame.columns:
        labels = frame.loc[frame["function"].astype(str) == function, "function_label"]
        label = next((str(x) for x in labels if isinstance(x, str) and x.strip()), "")
        if label:
            return f"{function} {label}"
    return function


def _adjustment_deltas(
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


def _reach(prepared: PreparedBudget, seed_lines: np.ndarray) -> tuple[np.ndarray, list]:
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


def _propagate(
    prepared: PreparedBudget, levels: list, position: np.ndarray, direct: np.ndarray
) -> np.ndarray:
    """Induced deltas (lines × groups × years) from direct ones, rule level by rule level.

    `position` maps a line index to its row in `direct` (-1 for lines out of reach).
    """
    induced = np.zeros_like(direct)
    _, groups, horizon = direct.shape
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


def _floor_problems(
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
        name = prepared.line_name(rows[p])
        years = ", ".join(
            f"{_euros(final[p, y])} en année {y + 1} au lieu de {_euros(baseline[p, y])}"
            for y in np.flatnonzero(below[p])
        )
        if np.isnan(floors[p]):
            messages.append(f"{name} deviendrait négative : {years}.")
        else:
            messages.append(
                f"{name} descendrait sous son plancher de {_euros(floors[p])} : {years}."
            )
    return messages


def _warnings(ratios: list[Ratios], target_met: bool | None, first_met: bool | None) -> list[str]:
    warnings = []
    for y, year in enumerate(ratios, start=1):
        if year.epargne_brute <= 0:
            warnings.append(
                f"Épargne brute négative ou nulle en année {y} ({_euros(year.epargne_brute)}) : "
                "la capacité de désendettement n'est pas définie."
            )
        elif year.capacite_desendettement > DEBT_CAPACITY_CEILING_YEARS:
            warnings.append(
                f"Capacité de désendettement de {_years_text(year.capacite_desendettement)} ans "
                f"en année {y}, au-delà du plafond de référence de "
                f"{DEBT_CAPACITY_CEILING_YEARS} ans."
            )
    if target_met and first_met is False:
        warnings.append("L'objectif est atteint en année pleine, mais pas dès la première année.")
    return warnings
