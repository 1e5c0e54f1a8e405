"""Load test of the online ballot over HTTP (issue 5 §6; never run by the test suite).

    .venv/bin/python bench/vote_load.py [--voters 200] [--threads 32] [--workers 2]

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust authentication). Creates a throwaway
database (dropped at the end unless --keep), migrates it, and creates through the ORM an
authority with a commune and a budget, a campaign in phase « Vote » with three categories
(caps 3, 2 and none), about 30 proposals on the ballot (published, instruction validated
feasible) and N voters with confirmed profiles in the territory. It then starts gunicorn
(2 sync workers, only on 127.0.0.1) and:

1. logs every voter in (GET /connexion/ for the CSRF token, POST the credentials);
2. sends every voter's additions, shuffled across voters, from a thread pool: in the capped
   categories each voter tries more proposals than the cap allows, so refusals happen, and
   additions of one voter often run at the same time (the ballot row lock is what keeps the
   caps);
3. checks the database: every acknowledged addition is stored, nothing refused is stored, no
   ballot goes over a cap, one ballot per voter, and the acknowledged count is the one the
   caps predict.

An addition is *acknowledged* when the htmx answer is HTTP 200 and carries both the
out-of-band announcement (`<span id="ballot-status" hx-swap-oob=...>`, rendered only when the
service accepted the choice) and the proposal's « Retirer » form (it is now on the ballot). It
is *refused* when the answer is HTTP 200 with the refusal paragraph (`class="refusal"`) and no
announcement. Anything else (another status, a redirect to the login, a timeout, both or
neither marker) is an *error*, and errors fail the run.

The requests carry `X-Forwarded-Proto: https`, as behind the TLS proxy of a deployment: with
DEBUG off the session and CSRF cookies are `Secure`, and settings trust that header.
Exits 1 if the final check fails (or any request errs), 2 if the setup fails.

The database, gunicorn and the HTTP client are in bench/vote_load_server.py, the printed
figures in bench/vote_load_report.py.
"""

from __future__ import annotations

import argparse
import http.client
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# Run as a script, Python puts bench/ first on the path, where bench/simulator.py would
# shadow the simulator app: the project root must come first.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.insert(0, str(ROOT))

from bench.vote_load_report import report  # noqa: E402
from bench.vote_load_server import (  # noqa: E402
    HOST,
    PG,
    Client,
    Response,
    create_database,
    drop_database,
    free_port,
    setup_django,
    start_gunicorn,
    stop_gunicorn,
    wait_until_up,
)

PASSWORD = "banc-d-essai-vote-2026"
SLUG = "banc-vote"
# (name, cap, proposals on the ballot, how many additions each voter tries: low, high)
CATEGORIES = [
    ("Sport", 3, 12, (4, 6)),
    ("Culture", 2, 10, (3, 4)),
    ("Nature", None, 8, (2, 4)),
]
ANNOUNCEMENT = 'id="ballot-status" hx-swap-oob'
REFUSAL = 'class="refusal"'


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


@dataclass
class Plan:
    slug: str
    usernames: list[str]
    # category name -> cap; proposal reference -> category name
    caps: dict[str, int | None]
    category_of: dict[int, str]
    # (voter index, reference) in the order they are sent
    additions: list[tuple[int, int]]
    expected_acknowledged: int


def create_data(voters: int, seed: int) -> Plan:
    """The campaign, its ballot and its voters, and what each voter will try to add."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.db import transaction
    from django.utils import timezone

    from budget.models import Authority, Budget, Commune
    from votes.accounts.models import Profile
    from votes.campaigns.models import Campaign, Category, Phase
    from votes.instruction.models import Instruction
    from votes.proposals.models import Proposal

    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        authority = Authority.objects.create(
            name="Communauté du banc d'essai",
            slug="banc-essai",
            siren="200099999",
            population=80000,
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
        # Argon2 on purpose (the configured hasher, so logins cost what they cost), computed
        # once: hashing 200 passwords one by one would take longer than the load itself.
        password = make_password(PASSWORD)
        usernames = [f"votant{i}@banc.example.org" for i in range(voters)]
        users = User.objects.bulk_create(
            User(username=name, email=name, password=password) for name in usernames
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

    additions: list[tuple[int, int]] = []
    expected = 0
    for voter in range(voters):
        for name, cap, _size, (low, high) in CATEGORIES:
            tries = rng.randint(low, high)
            additions += [(voter, ref) for ref in rng.sample(by_category[name], tries)]
            expected += tries if cap is None else min(tries, cap)
    rng.shuffle(additions)
    return Plan(SLUG, usernames, caps, category_of, additions, expected)


# --------------------------------------------------------------------------------------------
# Logging in and reading the answers
# --------------------------------------------------------------------------------------------


def log_in(client: Client, username: str) -> float:
    """Seconds for the two requests; raises if the server did not open a session."""
    page = client.get("/connexion/")
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    if page.status != 200 or found is None:
        raise RuntimeError(f"login page: HTTP {page.status}")
    body = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": found.group(1)}
    )
    answer = client.request("POST", "/connexion/", body)
    if answer.status != 302 or "sessionid" not in client.cookies:
        raise RuntimeError(f"login of {username}: HTTP {answer.status}, no session")
    return page.seconds + answer.seconds


@dataclass
class Outcome:
    voter: int
    reference: int
    kind: str  # "acknowledged", "refused", "error" or "not sent"
    seconds: float = 0.0
    detail: str = ""
    overlapped: bool = False


def classify(answer: Response, slug: str, reference: int) -> tuple[str, str]:
    remove_form = f"/campagnes/{slug}/vote/retirer/{reference}/"
    announced = ANNOUNCEMENT in answer.body
    if answer.status != 200:
        return "error", f"HTTP {answer.status}"
    if announced and remove_form in answer.body and REFUSAL not in answer.body:
        return "acknowledged", ""
    if not announced and REFUSAL in answer.body:
        found = re.search(r'class="refusal"[^>]*>([^<]*)<', answer.body)
        return "refused", found.group(1).strip() if found else ""
    return "error", "HTTP 200 without a clear acknowledgement or refusal"


# --------------------------------------------------------------------------------------------
# The load
# --------------------------------------------------------------------------------------------


def run_load(plan: Plan, port: int, threads: int, limit: float):
    clients = [Client(port) for _ in plan.usernames]
    deadline = time.monotonic() + limit
    in_flight: Counter[int] = Counter()
    in_flight_lock = threading.Lock()

    def login(index: int) -> float | str:
        if time.monotonic() > deadline:
            return "not sent"
        try:
            return log_in(clients[index], plan.usernames[index])
        except (OSError, RuntimeError, http.client.HTTPException) as error:
            return f"{type(error).__name__}: {error}"

    def add(item: tuple[int, int]) -> Outcome:
        voter, reference = item
        if time.monotonic() > deadline:
            return Outcome(voter, reference, "not sent")
        client = clients[voter]
        if "sessionid" not in client.cookies:
            return Outcome(voter, reference, "not sent", detail="not logged in")
        with in_flight_lock:
            overlapped = in_flight[voter] > 0
            in_flight[voter] += 1
        try:
            answer = client.request(
                "POST",
                f"/campagnes/{plan.slug}/vote/ajouter/{reference}/",
                headers={"X-CSRFToken": client.csrf(), "HX-Request": "true"},
            )
        except (OSError, http.client.HTTPException) as error:
            return Outcome(voter, reference, "error", detail=f"{type(error).__name__}: {error}")
        finally:
            with in_flight_lock:
                in_flight[voter] -= 1
        kind, detail = classify(answer, plan.slug, reference)
        return Outcome(voter, reference, kind, answer.seconds, detail, overlapped)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        started = time.perf_counter()
        logins = list(pool.map(login, range(len(clients))))
        login_seconds = time.perf_counter() - started
        started = time.perf_counter()
        outcomes = list(pool.map(add, plan.additions))
        add_seconds = time.perf_counter() - started
    return logins, login_seconds, outcomes, add_seconds


# --------------------------------------------------------------------------------------------
# The final check
# --------------------------------------------------------------------------------------------


def final_check(plan: Plan, outcomes: list[Outcome]) -> list[str]:
    """Every problem found in the database, as sentences (an empty list means all is well)."""
    from django.contrib.auth.models import User
    from django.db.models import Count, F

    from votes.voting.models import Ballot, BallotLine

    problems: list[str] = []
    user_ids = dict(User.objects.filter(username__in=plan.usernames).values_list("username", "pk"))
    voter_of_user = {user_ids[name]: index for index, name in enumerate(plan.usernames)}
    lines = BallotLine.objects.filter(ballot__campaign__slug=plan.slug)
    stored = {
        (voter_of_user[user], reference)
        for user, reference in lines.values_list("ballot__voter_id", "proposal__reference")
    }
    acknowledged = {(o.voter, o.reference) for o in outcomes if o.kind == "acknowledged"}
    uncertain = {(o.voter, o.reference) for o in outcomes if o.kind == "error"}

    lost = acknowledged - stored
    if lost:
        problems.append(
            f"{len(lost)} acknowledged additions are not stored, e.g. {sorted(lost)[:5]}"
        )
    # A stored line nobody was told about is a refused (or never sent) addition written anyway,
    # unless its answer was lost in transit.
    unexplained = stored - acknowledged - uncertain
    if unexplained:
        problems.append(
            f"{len(unexplained)} stored lines were never acknowledged, "
            f"e.g. {sorted(unexplained)[:5]}"
        )

    per_category = Counter(
        (voter_of_user[user], category)
        for user, category in lines.values_list("ballot__voter_id", "proposal__category__name")
    )
    for (voter, category), count in per_category.items():
        cap = plan.caps[category]
        if cap is not None and count > cap:
            problems.append(f"voter {voter} has {count} lines in « {category} » (cap {cap})")
    mismatched = lines.exclude(category_id=F("proposal__category_id")).count()
    if mismatched:
        problems.append(f"{mismatched} lines carry another category than their proposal's")

    ballots = Ballot.objects.filter(campaign__slug=plan.slug)
    doubles = ballots.values("voter_id").annotate(n=Count("pk")).filter(n__gt=1).count()
    if doubles:
        problems.append(f"{doubles} voters have more than one ballot")
    if ballots.filter(voter__isnull=True).exists():
        problems.append("ballots without a voter")
    voters_with_choice = {voter for voter, _ref in acknowledged}
    with_ballot = {voter_of_user[user] for user in ballots.values_list("voter_id", flat=True)}
    if not uncertain and with_ballot != voters_with_choice:
        problems.append(
            f"{len(with_ballot)} ballots for {len(voters_with_choice)} voters with a choice"
        )

    sent = [o for o in outcomes if o.kind != "not sent"]
    if (
        len(sent) == len(outcomes)
        and not uncertain
        and len(acknowledged) != plan.expected_acknowledged
    ):
        problems.append(
            f"{len(acknowledged)} acknowledged additions, the caps allow exactly "
            f"{plan.expected_acknowledged}"
        )
    for outcome in outcomes:
        if outcome.kind == "refused" and plan.caps[plan.category_of[outcome.reference]] is None:
            problems.append(
                f"an addition in the uncapped category was refused: « {outcome.detail} »"
            )
            break
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=200)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--conn-max-age", type=int, default=0, help="CONN_MAX_AGE of gunicorn")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument(
        "--time-limit", type=float, default=300.0, help="seconds; later requests are not sent"
    )
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
    server = None
    static_root = tempfile.TemporaryDirectory(prefix="vote_load_static_")
    try:
        started = time.perf_counter()
        setup_django(args.database)
        plan = create_data(args.voters, args.seed)
        from django.db import connections

        connections.close_all()
        print(f"database {args.database} ready in {time.perf_counter() - started:.1f} s")
        port = free_port()
        server = start_gunicorn(
            args.database, port, args.workers, args.conn_max_age, static_root.name
        )
        try:
            wait_until_up(server, port)
        except RuntimeError as error:
            print(error, file=sys.stderr)
            return 2
        logins, login_seconds, outcomes, add_seconds = run_load(
            plan, port, args.threads, args.time_limit
        )
        stop_gunicorn(server)
        errors = report(args, logins, login_seconds, outcomes, add_seconds)
        problems = final_check(plan, outcomes)
        connections.close_all()
        if problems:
            print("FINAL COUNT CHECK: FAILED")
            for problem in problems:
                print(f"  - {problem}")
            return 1
        stored = sum(o.kind == "acknowledged" for o in outcomes)
        print(
            f"FINAL COUNT CHECK: ok ({stored} acknowledged = stored lines, no cap exceeded, "
            f"one ballot per voter, {plan.expected_acknowledged} expected from the caps)"
        )
        return 1 if errors else 0
    finally:
        if server is not None:
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
