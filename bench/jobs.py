"""Benchmark of the background jobs (issue 13): the request only enqueues, the worker works.

    .venv/bin/python bench/jobs.py                       # pool 5,000 → panel 500; 50,000 lines
    .venv/bin/python bench/jobs.py --pool 1000 --panel 100 --lines 5000
    .venv/bin/python bench/jobs.py --only draw --pool 300 --panel 30 --algorithm maximin

Migrates a throwaway SQLite file under /tmp (or uses DATABASE_URL: give it an empty database),
switches the tasks to the database backend (TASKS_BACKEND=database), and times through the
real pages (Django's test client, logged in):

1. the draw form's POST (enqueue and redirect), then `db_worker --batch` drawing the panel
   (maximin by profiles unless --algorithm; the browser test's pool and the demo's 12 quotas);
2. the budget file's upload (the request keeps the file and enqueues its check), the check
   by `db_worker --batch`, the preview page it leads to, the confirmation (enqueue and
   redirect), then `db_worker --batch` importing it.

Never run by the test suite.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.insert(0, str(ROOT))

IMPORT = "/gestion/import/"


def setup_django(database_file: Path) -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "1"
    os.environ["TASKS_BACKEND"] = "database"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database_file}")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    return connection.vendor


def timed(label: str, function):
    started = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - started
    print(f"{label:<58} {seconds:8.2f} s", flush=True)
    return result, seconds


def worker() -> None:
    from django.core.management import call_command

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def bench_draw(client, pool_size: int, panel: int, algorithm: str) -> None:
    from budget.jobs.models import Job
    from tests.votes.factories import make_campaign
    from tests.votes.panels.factories import bulk_pool, proportional_quotas

    campaign = make_campaign()
    # The browser test's city (tests/e2e/test_panel_city_draw_browser.py): genders, six age
    # bands, four areas, the demo's 12 quotas around the pool's shares.
    bulk_pool(campaign, pool_size, seed=13)
    quotas = proportional_quotas(campaign, panel)
    url = f"/gestion/campagnes/{campaign.slug}/panel/tirages/"
    timed("page des tirages (1er affichage)", lambda: client.get(url))
    data = {
        "size": panel,
        "reserve_size": panel // 10,
        "seed": "bench 1 2 3",
        "algorithm": algorithm,
    }
    response, _ = timed(
        f"tirage {panel} parmi {pool_size} ({len(quotas)} quotas) : requête (mise en file)",
        lambda: client.post(url, data),
    )
    assert response.status_code == 302 and "/gestion/taches/" in response.url, response
    cpu = time.process_time()
    timed(f"tirage {panel} parmi {pool_size} : exécutant ({algorithm}, db_worker)", worker)
    print(f"  dont temps CPU du processus : {time.process_time() - cpu:.2f} s", flush=True)
    job = Job.objects.get(kind=Job.Kind.PANEL_DRAW)
    print(f"  tâche : {job.get_status_display()} {job.error}".rstrip(), flush=True)


def bench_import(client, lines: int) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bench import generate
    from budget.jobs.models import Job

    data = generate.generate_scdl_csv(lines, seed=0)
    upload = SimpleUploadedFile("metropole.csv", data, content_type="text/csv")
    # The first request of a process imports the views and URL modules: timed apart, so that
    # the upload below is the request alone.
    timed("page d'import (1er affichage : chargement des modules)", lambda: client.get(IMPORT))
    response, _ = timed(
        f"import de {lines} lignes : envoi (requête : fichier gardé, vérification en file)",
        lambda: client.post(IMPORT, {"file": upload}),
    )
    assert response.status_code == 302 and "/gestion/taches/" in response.url, response
    timed(f"import de {lines} lignes : vérification (exécutant, db_worker)", worker)
    check = Job.objects.get(kind=Job.Kind.UPLOAD_CHECK)
    print(f"  tâche : {check.get_status_display()} {check.result_message or check.error}")
    response, _ = timed(
        f"import de {lines} lignes : aperçu après vérification (requête)",
        lambda: client.get(check.result_url),
    )
    assert response.status_code == 200
    token = client.session["budget_import_pending"]["token"]
    response, _ = timed(
        f"import de {lines} lignes : confirmation (mise en file)",
        lambda: client.post("/gestion/import/confirmer/", {"token": token}),
    )
    assert response.status_code == 302 and "/gestion/taches/" in response.url, response
    timed(f"import de {lines} lignes : exécutant (db_worker)", worker)
    job = Job.objects.get(kind=Job.Kind.BUDGET_IMPORT)
    print(f"  tâche : {job.get_status_display()} {job.result_message or job.error}", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=int, default=5_000)
    parser.add_argument("--panel", type=int, default=500)
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--algorithm", default="maximin-profils")
    parser.add_argument("--only", choices=["draw", "import"], help="one of the two benchmarks")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="arbitrages-bench-jobs-"))
    os.environ["UPLOADS_PENDING_DIR"] = str(workdir)
    try:
        vendor = setup_django(workdir / "bench.sqlite3")
        from django.test import Client

        from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE
        from tests.factories import make_user

        print(f"base : {vendor}, tâches : base de données (db_worker --batch)", flush=True)
        client = Client()
        client.force_login(make_user(roles=(ADMINISTRATOR, FACILITATOR, FINANCE)))
        if args.only != "import":
            bench_draw(client, args.pool, args.panel, args.algorithm)
        if args.only != "draw":
            bench_import(client, args.lines)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
