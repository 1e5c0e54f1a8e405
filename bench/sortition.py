"""Benchmark of the panel draw (simulator/sortition.py) on synthetic pools.

    .venv/bin/python bench/sortition.py [--pools 60 200 500] [--size 24] [--algorithm maximin]

No database: each pool is generated in memory (gender, six age bands, four areas, seeded),
with quotas around the pool's shares (gender parity, every band and area within ±1 of its
share); the script times one draw per pool, then the same draw again (the library is imported
on the first one: its import is timed apart) and checks that both panels are identical.
Never run by the tests.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from votes.panels import sortition  # noqa: E402
from votes.panels.sortition import Person, QuotaSpec  # noqa: E402

AGES = ["16-17", "18-24", "25-34", "35-49", "50-64", "65+"]
AREAS = ["Nord", "Sud", "Est", "Ouest"]


def synthetic(n: int, size: int, seed: int = 0) -> tuple[list[Person], list[QuotaSpec]]:
    rng = random.Random(seed)
    pool = [
        Person(
            str(i),
            {
                "gender": rng.choice(["woman", "man"]),
                "age_band": rng.choices(AGES, weights=[1, 3, 4, 5, 5, 5])[0],
                "area": rng.choice(AREAS),
            },
        )
        for i in range(1, n + 1)
    ]
    quotas = [
        QuotaSpec("gender", "woman", size // 2, size - size // 2),
        QuotaSpec("gender", "man", size // 2, size - size // 2),
    ]
    for attribute in ("age_band", "area"):
        counts = Counter(p.attributes[attribute] for p in pool)
        for value, count in counts.items():
            share = round(size * count / n)
            quotas.append(QuotaSpec(attribute, value, max(0, share - 1), share + 1))
    return pool, quotas


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pools", type=int, nargs="+", default=[60, 200, 500])
    parser.add_argument("--size", type=int, default=24)
    parser.add_argument("--algorithm", default=sortition.DEFAULT_ALGORITHM)
    args = parser.parse_args()
    started = time.perf_counter()
    import votes.panels.sortition_library  # noqa: F401 (the first draw's import, timed apart)

    print(f"library import: {time.perf_counter() - started:.2f} s")
    for n in args.pools:
        pool, quotas = synthetic(n, args.size)
        timings, results = [], []
        for _run in range(2):
            started = time.perf_counter()
            results.append(
                sortition.draw(
                    pool, quotas, size=args.size, seed="bench", reserve=5, algorithm=args.algorithm
                )
            )
            timings.append(time.perf_counter() - started)
        same = "identical" if results[0] == results[1] else "DIFFERENT"
        print(
            f"pool {n:>5}, panel {args.size}, {args.algorithm}: "
            f"{timings[0]:.2f} s then {timings[1]:.2f} s ({same} panels)"
        )


if __name__ == "__main__":
    main()
