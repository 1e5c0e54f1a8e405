"""Benchmark of the budget importer at metropolis scale (never run by the test suite).

    python bench/import.py                 # 50,000 lines, throwaway SQLite file under /tmp
    DATABASE_URL=postgres://... python bench/import.py --lines 50000 --rules 10000

Times budget_import on a first import and on a re-import of the same file (the idempotent
update path), then simulator_params_import with --rules impact rules, and compares each with
the 30-second goal.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# Run as a script, Python puts bench/ first on the path, where the engine benchmark
# (bench/simulator.py) would shadow the simulator app: the project root must come first.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.insert(0, str(ROOT))

GOAL_SECONDS = 30.0
CENT = Decimal("0.01")


def setup_django(database_file: Path | None) -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40)
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{database_file}"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    return connection.vendor


def timed(label: str, function, count: int, unit: str = "lignes"):
    started = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - started
    print(
        f"{label:<36} {seconds:7.2f} s  {count / seconds:9,.0f} {unit}/s  "
        f"{seconds / GOAL_SECONDS:5.0%} de l'objectif de {GOAL_SECONDS:.0f} s"
    )
    return result, seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Mesure l'import d'un budget de métropole.")
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--rules", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="arbitrages-bench-"))
    try:
        run(args, setup_django(workdir / "bench.sqlite3"))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(args: argparse.Namespace, vendor: str) -> None:
    from django.conf import settings

    from bench import generate
    from budget.imports.params import simulator_params_import
    from budget.imports.services import budget_import

    settings.BUDGET_IMPORT_MAX_BYTES = max(settings.BUDGET_IMPORT_MAX_BYTES, 200 * 1024 * 1024)
    lines = generate.generate_lines(args.lines, seed=args.seed)
    data = generate.scdl_csv(lines)
    codes = generate.derive_codes(lines)
    rules = generate.generate_rules(generate.real_codes(lines, codes), args.rules, seed=args.seed)
    workbook = generate.params_xlsx(codes, rules)

    print(
        f"Machine : {platform.machine()}, {os.cpu_count()} cœurs, Python "
        f"{platform.python_version()}, base {vendor}"
    )
    print(f"Fichier : {args.lines} lignes, {len(data) / 1e6:.1f} Mo ; {len(rules)} règles")

    def first():
        return budget_import(data=data, filename="metropole.csv")

    report, _ = timed("Premier import", first, args.lines)
    if not report.ok:
        for error in report.errors[:20]:
            print(f"  {error}")
        raise SystemExit("L'import a échoué : voir les erreurs ci-dessus.")

    def again():
        return budget_import(data=data, filename="metropole.csv", authority=report.authority)

    second, _ = timed("Ré-import du même fichier", again, args.lines)
    if not second.ok:
        raise SystemExit("Le ré-import a échoué.")

    # A budget supplémentaire-like revision: same lines, every amount moved.
    revised = generate.scdl_csv(
        [replace(line, amount=(line.amount * Decimal("1.013")).quantize(CENT)) for line in lines]
    )

    def revision():
        return budget_import(data=revised, filename="metropole.csv", authority=report.authority)

    third, _ = timed("Ré-import, tous les montants changés", revision, args.lines)
    if not third.ok:
        raise SystemExit("Le ré-import a échoué.")

    def params():
        return simulator_params_import(budget=report.budget, data=workbook)

    params_report, _ = timed(f"Paramètres ({len(rules)} règles)", params, len(rules), "règles")
    if not params_report.ok:
        for error in params_report.errors[:20]:
            print(f"  {error}")
        raise SystemExit("L'import des paramètres a échoué.")

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Mémoire maximale du processus : {peak:.0f} Mo")


if __name__ == "__main__":
    main()
