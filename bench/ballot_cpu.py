"""CPU time per request of the ballot addition, in process (issue 13 §2; never run by tests).

    python bench/ballot_cpu.py [--requests 300] [--postgres] [--profile 25]

The throughput of bench/vote_load.py moves with whatever else runs on the machine; the CPU time
a request costs the Python process hardly does. So this measures, with Django's test client
and the bench settings (bench/vote_load_settings.py: the production settings and middleware,
the bench's bare views; its query-count middleware left out), `time.process_time()` per
request after a warm-up, for:

- the bare view `/_banc/nu/` (one ORM query, no session);
- the bare signed-in write `/_banc/ecriture/` (session, account, CSRF, one row written);
- an accepted htmx addition to a ballot holding two choices, and its removal (timed apart);
- a refused htmx addition (the category's cap reached).

Each request goes through the whole middleware stack as gunicorn's would (HTTPS behind a proxy,
CSRF cookie and header, the voter's session cookie). The data is bench/vote_load.py's
(`create_data`): a campaign in phase « Vote », 3 categories, 30 proposals. SQLite in a
throwaway file by default; `--postgres` creates a throwaway PostgreSQL database (`--database`,
dropped at the end). The database's own CPU time (the PostgreSQL server) is not counted: only
the Python process, which is what limits the closed loop.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.insert(0, str(ROOT))

from bench.vote_load_server import PG, SECRET_KEY, SLUG, create_database, drop_database  # noqa: E402

SECURE = {
    "HTTP_HOST": "testserver",
    "HTTP_X_FORWARDED_PROTO": "https",
    "HTTP_ORIGIN": "https://testserver",
}
HTMX = {"HTTP_HX_REQUEST": "true"}
CSRF = "b" * 32


def setup(postgres: bool, database: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.vote_load_settings"
    os.environ["SECRET_KEY"] = SECRET_KEY
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["CONN_MAX_AGE"] = "60"
    os.environ.pop("DEBUG", None)
    if postgres:
        create_database(database)
        os.environ["DATABASE_URL"] = f"{PG}/{database}"
    else:
        path = Path(tempfile.mkdtemp()) / "ballot_cpu.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    # The events (one JSON line per vote) are still formatted and written, to nowhere.
    sink = open(os.devnull, "w")  # noqa: SIM115 - kept open for the whole run
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(sink)


def client_for(session_key: str | None):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = CSRF
    if session_key:
        client.cookies["sessionid"] = session_key
    return client


def counted(statements: list[str]):
    """An execute wrapper keeping every statement run (savepoints and COMMIT included)."""

    def wrapper(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    return wrapper


def cpu_ms(calls, requests: int, warmup: int) -> float:
    """Mean CPU milliseconds of one call, over `requests` calls after `warmup`."""
    for index in range(warmup):
        calls(index)
    total = 0.0
    for index in range(warmup, warmup + requests):
        start = time.process_time()
        calls(index)
        total += time.process_time() - start
    return total * 1000 / requests


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="timed requests per kind")
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--voters", type=int, default=20)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--database", default="arb_bench_ballot_cpu")
    parser.add_argument("--profile", type=int, default=0, help="print the N costliest functions")
    args = parser.parse_args()
    setup(args.postgres, args.database)
    try:
        return run(args)
    finally:
        if args.postgres:
            from django.db import connections

            connections.close_all()
            drop_database(args.database)


def run(args) -> int:
    from django.db import connection
    from django.test.utils import override_settings

    from bench.vote_load import create_data
    from votes.campaigns.models import Campaign
    from votes.proposals.models import Proposal
    from votes.voting.ballots import ballot_add

    plan = create_data(args.voters, 1, seed=0)
    from django.contrib.auth import get_user_model

    campaign = Campaign.objects.get(slug=SLUG)
    users = list(get_user_model().objects.filter(pk__in=plan.user_ids).order_by("pk"))
    sport = plan.by_category["Sport"]  # cap 3
    proposals = {p.reference: p for p in Proposal.objects.filter(campaign=campaign)}
    # Two choices each: the timed addition is the third (accepted), a fourth is refused.
    for user in users:
        for reference in sport[:2]:
            ballot_add(campaign=campaign, user=user, proposal=proposals[reference])
    base = f"/campagnes/{SLUG}/vote"
    from django.conf import settings

    middleware = [m for m in settings.MIDDLEWARE if "QueryCount" not in m]
    with override_settings(MIDDLEWARE=middleware):
        anonymous = client_for(None)
        voters = [client_for(key) for key in plan.sessions]

        def voter(index: int):
            return voters[index % len(voters)]

        def post(client, path: str, **extra):
            response = client.post(path, HTTP_X_CSRFTOKEN=CSRF, **SECURE, **extra)
            assert response.status_code == 200, (
                path,
                response.status_code,
                response.content.decode()[-1500:],
            )
            return response

        def bare(index: int) -> None:
            response = anonymous.get(f"/_banc/nu/?c={SLUG}", **SECURE)
            assert response.status_code == 200

        def write(index: int) -> None:
            post(voter(index), "/_banc/ecriture/")

        timings: dict[str, float] = {}

        def add(index: int) -> None:
            response = post(voter(index), f"{base}/ajouter/{sport[2]}/", **HTMX)
            assert b"est ajout" in response.content, response.content[:400]

        def remove(index: int) -> None:
            response = post(voter(index), f"{base}/retirer/{sport[2]}/", **HTMX)
            assert b"est retir" in response.content, response.content[:400]

        def pair(index: int) -> None:
            start = time.process_time()
            add(index)
            middle = time.process_time()
            remove(index)
            timings["add"] = timings.get("add", 0.0) + middle - start
            timings["remove"] = timings.get("remove", 0.0) + time.process_time() - middle

        def refused(index: int) -> None:
            response = post(voter(index), f"{base}/ajouter/{sport[3]}/", **HTMX)
            assert b'class="refusal"' in response.content, response.content[:400]

        figures: dict[str, float] = {}
        figures["bare"] = cpu_ms(bare, args.requests, args.warmup)
        figures["write"] = cpu_ms(write, args.requests, args.warmup)
        cpu_ms(pair, args.warmup, 0)
        timings.clear()
        cpu_ms(pair, args.requests, 0)
        figures["add"] = timings["add"] * 1000 / args.requests
        figures["remove"] = timings["remove"] * 1000 / args.requests
        # The third choice is added for the refused additions, and kept.
        for index in range(len(voters)):
            add(index)
        figures["refused"] = cpu_ms(refused, args.requests, args.warmup)
        for index in range(len(voters)):
            remove(index)

        added, removed = [], []
        with connection.execute_wrapper(counted(added)):
            add(0)
        with connection.execute_wrapper(counted(removed)):
            remove(0)

        if args.profile:
            profiler = cProfile.Profile()
            for index in range(args.requests):
                profiler.enable()
                add(index)
                profiler.disable()
                remove(index)
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats(os.environ.get("BALLOT_CPU_SORT", "cumulative"))
            stats.print_stats(args.profile)
            print(out.getvalue())

    print(
        f"{connection.vendor}, {args.requests} requests each after {args.warmup} of warm-up, "
        f"CPU time of this process per request:"
    )
    for name, label in [
        ("bare", "bare view /_banc/nu/ (one ORM query)"),
        ("write", "bare signed-in write /_banc/ecriture/"),
        ("add", "accepted ballot addition (htmx)"),
        ("remove", "its removal (htmx)"),
        ("refused", "refused addition (cap reached)"),
    ]:
        ms = figures[name]
        print(
            f"  {label:<42} {ms:6.2f} ms   bare/this {figures['bare'] / ms:6.1%}"
            f"   write/this {figures['write'] / ms:6.1%}"
        )
    print(f"  queries per accepted addition: {len(added)}; per removal: {len(removed)}")
    if os.environ.get("BALLOT_CPU_SQL"):
        for sql in added:
            print("   ", sql[:300])
    return 0


if __name__ == "__main__":
    sys.exit(main())
