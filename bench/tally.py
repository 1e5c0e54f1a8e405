"""Benchmark of the tally from the database (issue 5 §6; never run by the test suite).

    .venv/bin/python bench/tally.py            # throwaway SQLite file under /tmp
    DATABASE_URL=postgres://... .venv/bin/python bench/tally.py   # an empty database

Generates a Paris-scale campaign (100,000 voters, 600 projects, 20 categories, about 5
approvals per voter; the generator of bench/tally_pure.py) into the database as ballots and
ballot lines of three channels, then times (median of --repeat runs):

1. the full tally from the database, ``votes.services.results.campaign_tally`` (greedy): the
   proposals query, the GROUP BY of the approvals, the turnout, and the pure rules;
2. the pure function alone (``votes.tally.tally`` on inputs already in memory);
3. the floor: one raw SQL GROUP BY counting the ballot lines per proposal and channel (the
   same join and filter the service needs), and the ratio of (1) to it;
4. for information, the full ``mes`` tally from the database (it reads every ballot line).

Goal: (1) under 2 s and within 3 times (3).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# Run as a script, Python puts bench/ first on the path, where bench/simulator.py would
# shadow the simulator app: the project root must come first.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.insert(0, str(ROOT))

GOAL_SECONDS = 2.0
GOAL_RATIO = 3.0
BATCH = 10_000


def setup_django(database_file: Path) -> str:
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


def timed(function, repeat: int):
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return result, statistics.median(times)


def generate(args: argparse.Namespace):
    """The campaign in the database, and the pure tally's inputs for the same data."""
    from django.db import transaction

    from bench.tally_pure import synthetic_campaign
    from budget.models import Authority
    from votes.campaigns.models import Campaign, Category, Phase
    from votes.instruction.models import Instruction
    from votes.proposals.models import Proposal
    from votes.voting.models import Ballot, BallotLine

    proposals, rules, ballots = synthetic_campaign(
        voters=args.voters,
        projects=args.projects,
        categories=args.categories,
        approvals=args.approvals,
        seed=args.seed,
    )
    with transaction.atomic():
        campaign = Campaign.objects.create(
            authority=Authority.objects.create(
                name="Paris (banc d'essai)", slug=f"bench-{time.time_ns()}"
            ),
            kind=Campaign.Kind.PROJECTS,
            title="Banc d'essai",
            slug=f"bench-{time.time_ns()}",
            phase=Phase.TALLY,
        )
        categories = {
            rule.name: Category.objects.create(
                campaign=campaign, name=rule.name, envelope=rule.envelope, position=index
            )
            for index, rule in enumerate(rules)
        }
        rows = Proposal.objects.bulk_create(
            Proposal(
                campaign=campaign,
                category=categories[p.category],
                reference=p.reference,
                kind=Proposal.Kind.PROJECT,
                title=f"Projet {p.reference}",
                description="Projet du banc d'essai.",
                estimate=p.amount,
            )
            for p in proposals
        )
        Instruction.objects.bulk_create(
            Instruction(
                proposal=row,
                status=Instruction.Status.FEASIBLE,
                validation=Instruction.Validation.VALIDATED,
                instructed_cost=row.estimate,
            )
            for row in rows
        )
        by_reference = {row.reference: row for row in rows}
        # Most vote online, some with a code, some on paper: the GROUP BY sees three channels.
        channels = ["online"] * 8 + ["code", "paper"]
        for start in range(0, len(ballots), BATCH):
            chunk = ballots[start : start + BATCH]
            made = Ballot.objects.bulk_create(
                Ballot(campaign=campaign, channel=channels[(start + i) % len(channels)])
                for i in range(len(chunk))
            )
            BallotLine.objects.bulk_create(
                (
                    BallotLine(
                        ballot_id=ballot.pk,
                        proposal_id=by_reference[reference].pk,
                        category_id=by_reference[reference].category_id,
                    )
                    for ballot, references in zip(made, chunk, strict=True)
                    for reference in references
                ),
                batch_size=BATCH,
            )
    approvals: dict[int, dict[str, int]] = {}
    for index, ballot in enumerate(ballots):
        channel = channels[index % len(channels)]
        for reference in ballot:
            counts = approvals.setdefault(reference, {})
            counts[channel] = counts.get(channel, 0) + 1
    return campaign, proposals, rules, ballots, approvals


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Mesure le dépouillement depuis la base.")
    parser.add_argument("--voters", type=int, default=100_000)
    parser.add_argument("--projects", type=int, default=600)
    parser.add_argument("--categories", type=int, default=20)
    parser.add_argument("--approvals", type=float, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-mes", action="store_true", help="ne pas mesurer mes")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="arbitrages-bench-tally-"))
    try:
        run(args, setup_django(workdir / "bench.sqlite3"))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(args: argparse.Namespace, vendor: str) -> None:
    from django.db import connection

    from votes.results.services import campaign_tally
    from votes.results.tally import tally

    print(
        f"Machine : {platform.machine()}, {os.cpu_count()} cœurs, Python "
        f"{platform.python_version()}, base {vendor}"
    )
    started = time.perf_counter()
    campaign, proposals, rules, ballots, approvals = generate(args)
    lines = sum(len(ballot) for ballot in ballots)
    print(
        f"Campagne : {len(ballots):,} votants, {len(proposals)} projets, {len(rules)} rubriques, "
        f"{lines:,} choix ({lines / len(ballots):.2f} par votant) ; écrite en "
        f"{time.perf_counter() - started:.1f} s"
    )
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    floor_sql = (
        "SELECT l.proposal_id, b.channel, COUNT(*) FROM votes_ballotline l "
        "JOIN votes_ballot b ON b.id = l.ballot_id "
        "WHERE b.campaign_id = %s AND NOT b.is_void GROUP BY l.proposal_id, b.channel"
    )

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(floor_sql, [campaign.pk])
            return cursor.fetchall()

    def bare():
        with connection.cursor() as cursor:
            cursor.execute("SELECT proposal_id, COUNT(*) FROM votes_ballotline GROUP BY 1")
            return cursor.fetchall()

    floor()  # warm the page cache: every figure below reads from memory alike
    full, full_s = timed(lambda: campaign_tally(campaign=campaign), args.repeat)
    pure, pure_s = timed(
        lambda: tally(proposals=proposals, approvals=approvals, rules=rules), args.repeat
    )
    _, floor_s = timed(floor, args.repeat)
    _, bare_s = timed(bare, args.repeat)
    same = [r.selected for r in full] == [r.selected for r in pure]
    print(f"Dépouillement complet depuis la base (greedy) : {full_s:7.3f} s")
    print(f"Fonction pure seule (greedy)                  : {pure_s:7.3f} s")
    print(f"Plancher : un GROUP BY SQL (jointure bulletin): {floor_s:7.3f} s")
    print(f"  (GROUP BY sans jointure ni filtre          : {bare_s:7.3f} s)")
    print(f"Rapport complet / plancher                    : {full_s / floor_s:7.2f} ×")
    fast = "atteint" if full_s < GOAL_SECONDS else "MANQUÉ"
    close = "atteint" if full_s <= GOAL_RATIO * floor_s else "MANQUÉ"
    print(
        f"Objectifs : < {GOAL_SECONDS:.0f} s → {fast} ; ≤ {GOAL_RATIO:.0f} × le plancher → {close}"
    )
    print(f"Mêmes projets retenus que la fonction pure : {'oui' if same else 'NON'}")
    if not args.no_mes:
        mes, mes_s = timed(lambda: campaign_tally(campaign=campaign, rule="mes"), 1)
        pure_mes, pure_mes_s = timed(
            lambda: tally(
                proposals=proposals, approvals=approvals, rules=rules, method="mes", ballots=ballots
            ),
            1,
        )
        same_mes = [r.selected for r in mes] == [r.selected for r in pure_mes]
        print(f"Pour information, mes depuis la base          : {mes_s:7.3f} s")
        print(f"  mes, fonction pure seule                    : {pure_mes_s:7.3f} s")
        print(f"  mêmes projets retenus : {'oui' if same_mes else 'NON'}")


if __name__ == "__main__":
    main()
