"""Server time of the simulator screen at demo size (the issue's goal: ≤ 150 ms per update).

    DEBUG=1 .venv/bin/python bench/simulator_screen.py

Loads the demo commune into a throwaway SQLite database, then times the htmx partial that
answers every change on the screen, and the full page.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")
DB = Path(tempfile.mkdtemp()) / "bench.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from simulator.management.commands.load_demo import demo_load  # noqa: E402

RUNS = 30


def timed(call) -> tuple[list[float], int]:
    times, queries = [], 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = call()
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
        queries = len(captured)
    return sorted(times), queries


def main() -> None:
    call_command("migrate", verbosity=0)
    budget = demo_load().budget
    client = Client(HTTP_HOST="127.0.0.1")
    url = f"/budgets/{budget.slug}/simulateur/"
    data = {
        "measures": ["piscine-lundi", "eclairage-nuit", "led-eclairage", "prix-repas-scolaire"],
        "line__FD-6232-311": "-10",
        "horizon": "5",
        "target": "300000",
    }
    partial, partial_queries = timed(lambda: client.post(url, data, headers={"HX-Request": "true"}))
    page, page_queries = timed(lambda: client.get(url))
    lines = budget.lines.count()
    print(
        f"Demo budget: {lines} lines, {budget.impact_rules.count()} rules, "
        f"{budget.measures.count()} measures; {RUNS} runs each, SQLite"
    )
    for name, times, queries in (
        ("htmx partial (4 measures, 1 slider, 5 years)", partial, partial_queries),
        ("full page", page, page_queries),
    ):
        p95 = times[int(len(times) * 0.95) - 1]
        print(
            f"{name:48s} median {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  "
            f"queries {queries:3d}  p95 / 150 ms = {p95 / 150:.2f}"
        )


if __name__ == "__main__":
    main()
