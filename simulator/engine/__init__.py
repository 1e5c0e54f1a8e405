"""The calculation engine: pure functions over pandas DataFrames, no ORM inside.

A lines frame has one row per budget line with the columns of LINE_COLUMNS; amounts are
euros as float64 (exact for cent values at budget scale) and are rounded to the cent only
when results leave the engine. The budget's nomenclature and ratios come from budget.finance;
they are re-exported here so that callers of the engine need one import.
"""

from __future__ import annotations

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
    compute_ratios,
    ratio_masks,
    ratios_from_sums,
)
from simulator.engine.base import (
    CENT_TOLERANCE,
    MAX_HORIZON,
    MAX_LAG,
    Adjustment,
    SimulationError,
)
from simulator.engine.prepared import PreparedBudget, prepare
from simulator.engine.projection import simulate
from simulator.engine.records import empty_lines_frame, lines_from_records, rules_from_records
from simulator.engine.result import SimulationResult

__all__ = [
    "CENT_TOLERANCE",
    "DEBT_CAPACITY_CEILING_YEARS",
    "DEPENSE",
    "FONCTIONNEMENT",
    "INVESTISSEMENT",
    "LINE_COLUMNS",
    "MAX_HORIZON",
    "MAX_LAG",
    "RATIO_KEYS",
    "RECETTE",
    "REEL",
    "Adjustment",
    "PreparedBudget",
    "Ratios",
    "SimulationError",
    "SimulationResult",
    "compute_ratios",
    "empty_lines_frame",
    "lines_from_records",
    "prepare",
    "ratio_masks",
    "ratios_from_sums",
    "rules_from_records",
    "simulate",
]
