"""Load test of the vote over HTTP (issue 13 §2; never run by the test suite).

    python bench/vote_load.py [--rate 100] [--open-seconds 60] [--closed-seconds 15]
                              [--concurrency 50] [--workers 2] [--conn-max-age 60]

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust authentication). Creates a throwaway
database (dropped at the end unless --keep), migrates it, and creates through the ORM a
campaign in phase « Vote » with three categories (caps 3, 2 and none; 30 proposals on the
ballot), voters with confirmed profiles, their sessions (written straight into the session
table: the login and its Argon2 check are not what is measured) and a batch of printed voting
codes. Then gunicorn (sync workers, 127.0.0.1 only, bench/vote_load_settings.py: the production
settings plus a bare view and a query-count header) and, in one run, side by side:

1. open loop: ballot additions sent at a constant rate whatever the answers (each on schedule
   from a large thread pool; latency counted from the scheduled instant);
2. closed loop: N concurrent voters, each sending its next addition when the last is answered,
   then the same N clients against a bare Django view running one ORM query;
3. two application instances (two gunicorn masters on two ports, requests round-robin) sharing
   the database: additions of the same voters on both, and every voting code confirmed at the
   same instant from two sessions, one per instance;
4. kill -9 of one gunicorn worker in the middle of an open-loop storm.

Each voter tries more additions than the caps allow, so refusals happen. An addition is
*acknowledged* when the answer is HTTP 200 with the announcement and the proposal's « Retirer »
form, *refused* with HTTP 200 and the refusal paragraph; anything else is an *error*. The
database is then checked per phase: every acknowledged addition stored, no line stored that was
refused, no cap exceeded, one ballot per voter, one ballot and one use per code. Exits 1 if a
check fails, 2 if the setup fails.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# Run as a script, Python puts bench/ first on the path, where bench/simulator.py would
# shadow the simulator app: the project root must come first.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.insert(0, str(ROOT))

from bench.vote_load_report import Phase, report  # noqa: E402
from bench.vote_load_server import (  # noqa: E402
    CSRF_ALPHABET,
    HOST,
    PG,
    SLUG,
    Client,
    add,
    bare,
    bare_write,
    closed_loop,
    code_confirm,
    code_ready,
    create_database,
    drop_database,
    free_port,
    gunicorn_command,
    open_loop,
    setup_django,
    start_gunicorn,
    stop_gunicorn,
    wait_until_up,
    worker_pids,
)

# (name, cap, proposals on the ballot, how many additions each voter tries: low, high)
CATEGORIES = [
    ("Sport", 3, 12, (4, 6)),
    ("Culture", 2, 10, (3, 4)),
    ("Nature", None, 8, (2, 4)),
]


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


@dataclass
class Plan:
    caps: dict[str, int | None]
    category_of: dict[int, str]
    by_category: dict[str, list[int]]
    user_ids: list[int]
    sessions: list[str]
    codes: list[str]


def create_data(voters: int, codes: int, seed: int) -> Plan:
    """The campaign, its ballot, its voters and their sessions, and printed codes."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import transaction
    from django.utils import timezone

    from budget.models import Authority, Budget, Commune
    from budget.roles import FACILITATOR
    from votes.accounts.models import Profile
    from votes.campaigns.models import Campaign, Category, Phase
    from votes.instruction.models import Instruction
    from votes.proposals.models import Proposal
    from votes.voting.codes import code_batch_create, code_sheet_produce

    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        authority = Authority.objects.create(
            name="Communauté du banc d'essai", slug="banc-essai", siren="200099999", population=1
        )
        commune = Commune.objects.create(authority=authority, insee_code="45999", name="Bancville")
        budget = Budget.objects.create(
            authority=authority, year=2026, slug="banc-essai-2026", debt_start=Decimal("0")
        )
        campaign = Campaign.objects.create(
            authority=authority,
            budget=budget,
            kind=Campaign.Kind.PROJECTS,
            title="Vote du banc d'essai",
            slug=SLUG,
            phase=Phase.VOTING,
        )
        caps: dict[str, int | None] = {}
        category_of: dict[int, str] = {}
        by_category: dict[str, list[int]] = {}
        reference = 0
        for position, (name, cap, size, _tries) in enumerate(CATEGORIES):
            category = Category.objects.create(
                campaign=campaign,
                name=name,
                envelope=Decimal("1000000"),
                vote_cap=cap,
                position=position,
            )
            caps[name] = cap
            for _index in range(size):
                reference += 1
                proposal = Proposal.objects.create(
                    campaign=campaign,
                    category=category,
                    reference=reference,
                    kind=Proposal.Kind.PROJECT,
                    title=f"Projet {reference}",
                    description="Projet du banc d'essai.",
                    estimate=Decimal(rng.randrange(5, 200) * 1000),
                )
                Instruction.objects.create(
                    proposal=proposal,
                    status=Instruction.Status.FEASIBLE,
                    validation=Instruction.Validation.VALIDATED,
                    instructed_cost=proposal.estimate,
                    validated_at=now,
                )
                category_of[reference] = name
                by_category.setdefault(name, []).append(reference)
        users = User.objects.bulk_create(
            User(username=f"votant{i}@banc.example.org", password="!") for i in range(voters)
        )
        Profile.objects.bulk_create(
            Profile(
                user=user,
                pseudonym=f"votant-{index}",
                commune=commune,
                birth_year=1950 + index % 55,
                email_confirmed_at=now,
                consented_at=now,
            )
            for index, user in enumerate(users)
        )
        # Sessions as the login view leaves them; written in bulk (encoded by SessionStore).
        store = SessionStore()
        rows, keys = [], []
        for user in users:
            key = secrets.token_hex(16)
            data = {
                SESSION_KEY: str(user.pk),
                BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                HASH_SESSION_KEY: user.get_session_auth_hash(),
            }
            rows.append(
                Session(
                    session_key=key,
                    session_data=store.encode(data),
                    expire_date=now + datetime.timedelta(days=1),
                )
            )
            keys.append(key)
        Session.objects.bulk_create(rows)
        team = User.objects.create(username="animation@banc.example.org", password="!")
        from django.contrib.auth.models import Group

        team.groups.add(Group.objects.get(name=FACILITATOR))
        batch, _plain = code_batch_create(campaign=campaign, label="Banc", size=codes, by=team)
        printed = code_sheet_produce(batch=batch, by=team)
    return Plan(caps, category_of, by_category, [u.pk for u in users], keys, printed)


def additions_for(plan: Plan, voters: range, rng: random.Random) -> list[tuple[int, int]]:
    """What each of these voters tries to add, shuffled across voters."""
    additions: list[tuple[int, int]] = []
    for voter in voters:
        for name, _cap, _size, (low, high) in CATEGORIES:
            tries = rng.randint(low, high)
            additions += [(voter, ref) for ref in rng.sample(plan.by_category[name], tries)]
    rng.shuffle(additions)
    return additions


def voter_client(plan: Plan, voter: int, port: int) -> Client:
    client = Client(port)
    client.set_cookie("sessionid", plan.sessions[voter])
    # An unmasked 32-character secret: Django accepts it in the header and the form field.
    client.set_cookie("csrftoken", "".join(secrets.choice(CSRF_ALPHABET) for _ in range(32)))
    return client


# --------------------------------------------------------------------------------------------
# The database checks
# --------------------------------------------------------------------------------------------


def check_phase(plan: Plan, phase: Phase, *, lost_answers_allowed: bool = False) -> None:
    """Fill phase.stored, phase.cap_violations and phase.problems from the database."""
    from django.db.models import Count

    from votes.voting.models import Ballot, BallotLine

    voters = {o.voter for o in phase.additions}
    voter_of_user = {plan.user_ids[v]: v for v in voters}
    lines = BallotLine.objects.filter(ballot__voter_id__in=voter_of_user)
    stored = {
        (voter_of_user[user], ref)
        for user, ref in lines.values_list("ballot__voter_id", "proposal__reference")
    }
    acknowledged = {(o.voter, o.reference) for o in phase.additions if o.kind == "acknowledged"}
    uncertain = {(o.voter, o.reference) for o in phase.additions if o.kind == "error"}
    phase.acknowledged, phase.stored = len(acknowledged), len(stored)
    lost = acknowledged - stored
    if lost:
        phase.problems.append(f"{len(lost)} acknowledged additions not stored")
    unexplained = stored - acknowledged - (uncertain if lost_answers_allowed else set())
    if unexplained:
        phase.problems.append(f"{len(unexplained)} stored lines never acknowledged")
    phase.unanswered_stored = len((stored - acknowledged) & uncertain)
    per_category = Counter(
        (voter_of_user[user], category)
        for user, category in lines.values_list("ballot__voter_id", "proposal__category__name")
    )
    phase.cap_violations = sum(
        1
        for (_voter, category), count in per_category.items()
        if plan.caps[category] is not None and count > plan.caps[category]
    )
    if phase.cap_violations:
        phase.problems.append(f"{phase.cap_violations} (voter, category) over the cap")
    doubles = (
        Ballot.objects.filter(voter_id__in=voter_of_user)
        .values("voter_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    if doubles:
        phase.problems.append(f"{doubles} voters with more than one ballot")


def check_codes(plan: Plan, phase: Phase) -> None:
    from django.db.models import Count

    from votes.voting.models import Ballot, VotingCode

    done = Counter(o.voter for o in phase.codes if o.kind == "acknowledged")
    twice = sum(1 for n in done.values() if n > 1)
    used = VotingCode.objects.filter(used_at__isnull=False).count()
    per_code = Ballot.objects.filter(code__isnull=False).values("code_id").annotate(n=Count("pk"))
    doubles = sum(1 for row in per_code if row["n"] > 1)
    phase.code_summary = (
        f"{len(plan.codes)} codes each confirmed twice at once (one session per instance): "
        f"{len(done)} confirmed, {twice} confirmed twice, {used} used in the database, "
        f"{per_code.count()} code ballots, {doubles} codes with two ballots"
    )
    if twice or doubles or used != len(done) or per_code.count() != len(done):
        phase.problems.append("a code was used more than once (or a use went unrecorded)")
    if any(o.kind == "error" for o in phase.codes):
        phase.problems.append("a code confirmation answered neither success nor a clear refusal")


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------


@dataclass
class Slices:
    open: range
    closed: range
    two: range
    kill: range


def slices(args) -> Slices:
    # About 12 additions per voter; generous so that no phase runs out before its time.
    per_voter = 12
    open_n = int(args.rate * args.open_seconds / per_voter) + 20
    closed_n = int(150 * args.closed_seconds / per_voter) + 20
    two_n = args.two_voters
    kill_n = int(args.rate * args.kill_seconds / per_voter) + 20
    edges = [0, open_n, open_n + closed_n, open_n + closed_n + two_n]
    edges.append(edges[-1] + kill_n)
    return Slices(*(range(a, b) for a, b in zip(edges, edges[1:], strict=False)))


def run(args, plan: Plan, parts: Slices, ports: list[int], servers) -> list[Phase]:
    rng = random.Random(args.seed)
    phases: list[Phase] = []

    def clients_for(voters: range, port: int) -> dict[int, Client]:
        return {v: voter_client(plan, v, port) for v in voters}

    # 1. Open loop on the first instance.
    clients = clients_for(parts.open, ports[0])
    items = additions_for(plan, parts.open, rng)
    outcomes, seconds = open_loop(
        items,
        lambda item, due: add(clients[item[0]], *item, since=due),
        args.rate,
        args.open_seconds,
    )
    phases.append(Phase(f"open loop, {args.rate:g}/s offered", outcomes, seconds))

    # 2. Closed loop, the application, then the bare view, same clients count.
    clients = clients_for(parts.closed, ports[0])
    items = additions_for(plan, parts.closed, rng)
    outcomes, seconds = closed_loop(
        items,
        lambda item, _due: add(clients[item[0]], *item),
        args.concurrency,
        args.closed_seconds,
    )
    phases.append(Phase(f"closed loop, {args.concurrency} voters", outcomes, seconds))
    bare_client = voter_client(plan, parts.closed[0], ports[0])
    outcomes, seconds = closed_loop(
        range(10**9),
        lambda _item, _due: bare(bare_client),
        args.concurrency,
        args.closed_seconds,
    )
    phases.append(Phase(f"closed loop, bare view ({args.concurrency})", outcomes, seconds))
    # The floor of any vote: signed in, CSRF checked, one row written and committed. Its own
    # clients (one per voter, as above), so that no two requests queue on one account.
    write_clients = [voter_client(plan, voter, ports[0]) for voter in parts.closed]
    outcomes, seconds = closed_loop(
        range(10**9),
        lambda item, _due: bare_write(write_clients[item % len(write_clients)]),
        args.concurrency,
        args.closed_seconds,
    )
    phases.append(Phase(f"closed loop, bare write ({args.concurrency})", outcomes, seconds))

    # 3. Two instances: additions round-robin, and every code confirmed once on each.
    if len(ports) > 1:
        clients_a = clients_for(parts.two, ports[0])
        clients_b = {
            v: Client(ports[1], cookies=c.cookies, lock=c.lock) for v, c in clients_a.items()
        }
        items = additions_for(plan, parts.two, rng)
        code_sessions = []
        for index, code in enumerate(plan.codes):
            pair = []
            for port in ports[:2]:
                session = Client(port)
                session.set_cookie(
                    "csrftoken", "".join(secrets.choice(CSRF_ALPHABET) for _ in range(32))
                )
                code_ready(session, code, 1 + index % 30)
                pair.append(session)
            code_sessions.append(pair)
        # Additions spread evenly, the two confirmations of each code side by side in the
        # schedule (one per instance), so that they meet in flight.
        work = _interleave(
            [("add", i, item) for i, item in enumerate(items)],
            [("code", i, session) for i, pair in enumerate(code_sessions) for session in pair],
        )

        def send(entry, due):
            kind, index, payload = entry
            if kind == "code":
                return code_confirm(payload, index)
            voter, reference = payload
            client = (clients_a if index % 2 == 0 else clients_b)[voter]
            return add(client, voter, reference, since=due)

        outcomes, seconds = open_loop(work, send, args.rate, len(work) / args.rate)
        phase = Phase("two instances, round-robin", [], seconds)
        phase.additions = [o for o in outcomes if o.reference]
        phase.codes = [o for o in outcomes if not o.reference]
        phase.outcomes = outcomes
        phases.append(phase)

    # 4. kill -9 of one worker of the first instance, halfway through an open-loop storm.
    clients = clients_for(parts.kill, ports[0])
    items = additions_for(plan, parts.kill, rng)
    killed: list[int] = []

    def kill_one() -> None:
        pids = worker_pids(servers[0])
        if pids:
            os.kill(pids[0], signal.SIGKILL)
            killed.append(pids[0])

    outcomes, seconds = open_loop(
        items,
        lambda item, due: add(clients[item[0]], *item, since=due),
        args.rate,
        args.kill_seconds,
        on_half=kill_one,
    )
    phase = Phase(f"kill -9 of a worker, {args.rate:g}/s", outcomes, seconds)
    phase.killed = killed
    phases.append(phase)
    return phases


def _interleave(adds: list, codes: list) -> list:
    if not codes:
        return adds
    step = max(1, len(adds) // (len(codes) // 2 + 1))
    result: list = []
    for position, pair in enumerate(range(0, len(codes), 2)):
        result += adds[position * step : (position + 1) * step] + codes[pair : pair + 2]
    return result + adds[(len(codes) // 2) * step :]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=100.0, help="open loop, additions/s")
    parser.add_argument("--open-seconds", type=float, default=60.0)
    parser.add_argument("--closed-seconds", type=float, default=15.0)
    parser.add_argument("--concurrency", type=int, default=50, help="closed-loop clients")
    parser.add_argument("--kill-seconds", type=float, default=10.0)
    parser.add_argument("--two-voters", type=int, default=60)
    parser.add_argument("--codes", type=int, default=40)
    parser.add_argument("--instances", type=int, default=2, choices=(1, 2))
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers each")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per worker (1: sync workers)"
    )
    parser.add_argument("--conn-max-age", type=int, default=60, help="CONN_MAX_AGE")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--database", default="bench_vote_load")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", args.database):
        parser.error("--database: lowercase letters, digits and _ only")

    try:
        create_database(args.database)
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"cannot create the database on {HOST}:5432: {error}", file=sys.stderr)
        return 2
    servers: list = []
    static_root = tempfile.TemporaryDirectory(prefix="vote_load_static_")
    try:
        started = time.perf_counter()
        setup_django(args.database, args.conn_max_age)
        parts = slices(args)
        plan = create_data(parts.kill.stop, args.codes, args.seed)
        from django.db import connections

        connections.close_all()
        print(
            f"database {args.database} ready in {time.perf_counter() - started:.1f} s "
            f"({parts.kill.stop} voters, {args.codes} codes)"
        )
        ports = [free_port() for _ in range(args.instances)]
        for port in ports:
            servers.append(
                start_gunicorn(
                    args.database,
                    port,
                    args.workers,
                    args.threads,
                    args.conn_max_age,
                    static_root.name,
                )
            )
        try:
            for server, port in zip(servers, ports, strict=True):
                wait_until_up(server, port)
        except RuntimeError as error:
            print(error, file=sys.stderr)
            return 2
        print("gunicorn: " + " ".join(gunicorn_command(ports[0], args.workers, args.threads)[1:]))
        phases = run(args, plan, parts, ports, servers)
        for server in servers:
            stop_gunicorn(server)
        for phase in phases:
            if phase.name.startswith("closed loop, bare"):
                continue  # no ballot: nothing to check in the database
            check_phase(plan, phase, lost_answers_allowed=phase.name.startswith("kill"))
            if phase.codes:
                check_codes(plan, phase)
        connections.close_all()
        return report(args, phases)
    finally:
        for server in servers:
            stop_gunicorn(server)
        static_root.cleanup()
        if args.keep:
            print(f"database kept: {PG}/{args.database}")
        else:
            from django.apps import apps

            if apps.ready:
                from django.db import connections

                connections.close_all()
            drop_database(args.database)


if __name__ == "__main__":
    sys.exit(main())
