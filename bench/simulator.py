"""Benchmark of the simulator engine on synthetic budgets.

    .venv/bin/python bench/simulator.py [--sizes 300 10000 50000] [--horizon 5] [--calls 50]

Per size: the time of `prepare(lines, rules)` (done once per budget and cached by the screen),
then the median and 95th percentile of `simulate` calls on the prepared budget, with and
without `as_dict()`, against the 20 ms goal of a recomputation; `reached` is how many lines
the 20 adjustments and their linked impacts touch; `from frames` is the median of `simulate`
called on the raw frames (prepare included), as a caller without the cache would pay.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.engine import Adjustment, prepare, simulate  # noqa: E402

GOAL_MS = 20.0

# (section, direction, chapter, account prefix, share of the lines)
SHAPES = [
    ("fonctionnement", "depense", "011", "606", 0.25),
    ("fonctionnement", "depense", "012", "641", 0.15),
    ("fonctionnement", "depense", "65", "657", 0.10),
    ("fonctionnement", "depense", "66", "661", 0.01),
    ("fonctionnement", "recette", "70", "706", 0.10),
    ("fonctionnement", "recette", "73", "731", 0.05),
    ("fonctionnement", "recette", "74", "741", 0.05),
    ("fonctionnement", "recette", "77", "775", 0.01),
    ("fonctionnement", "depense", "042", "681", 0.02),
    ("investissement", "depense", "21", "213", 0.12),
    ("investissement", "depense", "23", "231", 0.08),
    ("investissement", "depense", "16", "164", 0.02),
    ("investissement", "recette", "13", "132", 0.02),
    ("investissement", "recette", "16", "164", 0.02),
]


def synthetic_budget(
    size: int, *, rules_share: float = 0.2, seed: int = 42
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    weights = np.array([shape[4] for shape in SHAPES])
    shape_of = rng.choice(len(SHAPES), size=size, p=weights / weights.sum())
    section, direction, chapter, prefix, _ = (
        np.array(c, dtype=object) for c in zip(*SHAPES, strict=True)
    )
    order = chapter[shape_of] == "042"
    non_adjustable = np.isin(chapter[shape_of], ["16", "66"]) | (prefix[shape_of] == "775")
    lines = pd.DataFrame(
        {
            "code": [f"L{i:06d}" for i in range(size)],
            "section": section[shape_of],
            "direction": direction[shape_of],
            "kind": np.where(order, "ordre", "reel"),
            "chapter": chapter[shape_of],
            "account": [f"{p}{i % 100:02d}" for i, p in enumerate(prefix[shape_of])],
            "function": rng.integers(0, 9, size).astype(str),
            # Large amounts and small coefficients: no line can go negative in the bench.
            "amount": rng.uniform(50_000, 1_000_000, size).round(2),
            "label": [f"Ligne {i}" for i in range(size)],
            "adjustable": ~order & ~non_adjustable,
            "floor": np.nan,
        }
    )
    # Acyclic by construction: a rule always goes from a lower to a higher random rank.
    count = int(size * rules_share)
    rank = rng.permutation(size)
    pairs = set()
    while len(pairs) < count:
        a, b = rng.integers(0, size, 2)
        if a != b:
            pairs.add((a, b) if rank[a] < rank[b] else (b, a))
    sources, targets = np.array(sorted(pairs)).T
    rules = pd.DataFrame(
        {
            "source": lines["code"].to_numpy()[sources],
            "target": lines["code"].to_numpy()[targets],
            "coefficient": rng.uniform(-0.02, 0.02, count).round(4),
            "lag": rng.integers(0, 4, count),
            "cumulative": rng.random(count) < 0.3,
        }
    )
    return lines, rules


def synthetic_adjustments(lines: pd.DataFrame, count: int = 20, seed: int = 7) -> list[Adjustment]:
    rng = np.random.default_rng(seed)
    codes = lines.loc[lines["adjustable"], "code"].to_numpy()
    chosen = rng.choice(codes, size=count, replace=False)
    adjustments = []
    for i, code in enumerate(chosen):
        if i % 2:
            change = {"percent": round(float(rng.uniform(-5, 5)), 1)}
        else:
            change = {"amount": round(float(rng.uniform(-20_000, 20_000)), 2)}
        adjustments.append(
            Adjustment(
                line=str(code),
                start_year=int(rng.integers(1, 3)),
                recurring=bool(i % 4),
                first_year_share=float(rng.choice([1.0, 0.5, 0.25])),
                measure=f"mesure {i % 5}",
                **change,
            )
        )
    return adjustments


def timed(function, calls: int) -> list[float]:
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 10_000, 50_000])
    parser.add_argument("--horizon", type=int, default=5)
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--rules-share", type=float, default=0.2, help="rules per line")
    args = parser.parse_args()
    print(f"horizon {args.horizon} years, {args.calls} calls per size, goal {GOAL_MS:g} ms")
    header = (
        f"{'lines':>7} {'rules':>6} {'prepare ms':>10} {'median ms':>9} {'p95 ms':>7} "
        f"{'p95/goal':>8} {'+as_dict median':>15} {'+as_dict p95':>12} {'reached':>7} "
        f"{'from frames ms':>14}"
    )
    print(header)
    for size in args.sizes:
        lines, rules = synthetic_budget(size, rules_share=args.rules_share)
        adjustments = synthetic_adjustments(lines)
        start = time.perf_counter()
        prepared = prepare(lines, rules)
        prepare_ms = (time.perf_counter() - start) * 1000

        def run(prepared=prepared, adjustments=adjustments):
            return simulate(
                prepared,
                adjustments=adjustments,
                horizon=args.horizon,
                debt_start=5_000_000,
                growth_rates={"012": 0.02, "011": 0.015},
                target=100_000,
            )

        reached = len(run().rows)  # also warms the baseline cache, as a second request would
        plain = timed(run, args.calls)
        with_dict = timed(lambda run=run: run().as_dict(), args.calls)
        p95 = float(np.percentile(plain, 95))
        # Without the cache: prepare and simulate on every call (a few calls suffice).
        from_frames = timed(
            lambda lines=lines, rules=rules, adjustments=adjustments: simulate(
                lines, rules, adjustments, horizon=args.horizon, debt_start=5_000_000
            ),
            5,
        )
        print(
            f"{size:>7} {len(rules):>6} {prepare_ms:>10.1f} {statistics.median(plain):>9.2f} "
            f"{p95:>7.2f} {p95 / GOAL_MS:>8.2f} {statistics.median(with_dict):>15.2f} "
            f"{float(np.percentile(with_dict, 95)):>12.2f} {reached:>7} "
            f"{statistics.median(from_frames):>14.1f}"
        )


if __name__ == "__main__":
    main()
