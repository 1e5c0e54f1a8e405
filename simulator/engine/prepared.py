"""A budget analysed once: its lines as locked arrays, its linked-impact rules checked and
layered, its baselines per horizon cached.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from budget.finance import (
    FONCTIONNEMENT,
    INVESTISSEMENT,
    LINE_COLUMNS,
    RATIO_KEYS,
    RECETTE,
    REEL,
    ratio_masks,
)
from simulator.engine.base import MAX_LAG, SimulationError, _


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
                _("Colonnes manquantes dans les lignes du budget : %(columns)s.")
                % {"columns": ", ".join(missing)}
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
            problems.append(
                _("Codes de ligne en double : %(codes)s.") % {"codes": ", ".join(duplicated)}
            )
        if "label" in frame.columns:
            labels = frame["label"].fillna("").astype(str).str.strip()
        else:
            labels = pd.Series([""] * self.n)
        self.labels = _frozen(labels.to_numpy(dtype=object))
        self.amount = _frozen(frame["amount"].astype(float).to_numpy(copy=True))
        for i in np.flatnonzero(~np.isfinite(self.amount)):
            problems.append(_("La ligne %(line)s n'a pas de montant.") % {"line": self.line_ref(i)})

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

    def line_ref(self, i: int) -> str:
        """How messages name a line: its code, then its label when it has one."""
        label = self.labels[i]
        return f"{self.codes[i]} ({label})" if label else str(self.codes[i])

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
                rule = {"source": src_codes[r], "target": tgt_codes[r]}
                unknown = _(
                    "L'impact induit %(source)s → %(target)s vise une ligne inconnue : %(line)s."
                )
                if unknown_source[r]:
                    problems.append(unknown % {**rule, "line": src_codes[r]})
                if unknown_target[r]:
                    problems.append(unknown % {**rule, "line": tgt_codes[r]})
                if self_loop[r]:
                    problems.append(
                        _("L'impact induit %(source)s → %(target)s relie une ligne à elle-même.")
                        % rule
                    )
                if not np.isfinite(coef[r]):
                    problems.append(
                        _("L'impact induit %(source)s → %(target)s n'a pas de coefficient.") % rule
                    )
                if bad_lag[r]:
                    problems.append(
                        _(
                            "L'impact induit %(source)s → %(target)s a un décalage de %(lag)s "
                            "an(s) ; il doit être un entier de 0 à %(max)s."
                        )
                        % {**rule, "lag": f"{lag_values[r]:g}", "max": MAX_LAG}
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
        return _("Les impacts induits forment un cycle : %(path)s.") % {"path": path}

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
