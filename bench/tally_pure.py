"""Benchmark of the pure tally (votes/tally.py) on a Paris-scale synthetic campaign.

    .venv/bin/python bench/tally_pure.py [--voters 100000] [--projects 600] [--categories 20]
                                         [--approvals 5] [--seed 0] [--pabutools-mes N]

No database: the ballots are generated in memory (project popularity log-normal, about
``--approvals`` approvals per voter, at least one), then timed:

1. counting the approvals per project from the ballots (what a GROUP BY does in the database);
2. our ``greedy`` over every category, from the counts;
3. our ``mes`` over every category, from the ballots (split by category included);
4. pabutools' greedy on the same data, category by category, with our tie rule (building its
   Instance and ApprovalProfile timed apart from the rule), and the ratio to ours;
5. with ``--pabutools-mes N``, pabutools' mes + greedy completion on the first N categories,
   and the ratio to ours on the same categories.

Winners are compared with pabutools' on every timed category (a wrong fast tally is no use).
pabutools is a dev dependency: this file is never run by the tests.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from votes.results.tally import IMPORT, CategoryRule, Proposal, split_ballots, tally, tally_category


def synthetic_campaign(
    *, voters: int, projects: int, categories: int, approvals: float, seed: int
) -> tuple[list[Proposal], list[CategoryRule], list[list[int]]]:
    rng = np.random.default_rng(seed)
    names = [f"Rubrique {i + 1}" for i in range(categories)]
    category_of = [names[i % categories] for i in range(projects)]
    costs = (rng.integers(100, 4000, size=projects) * 100).tolist()  # 10,000 to 400,000 €
    proposals = [
        Proposal(reference=i + 1, amount=Decimal(costs[i]), category=category_of[i])
        for i in range(projects)
    ]
    rules = []
    for name in names:
        total = sum(c for c, cat in zip(costs, category_of, strict=True) if cat == name)
        rules.append(CategoryRule(name=name, envelope=Decimal(int(total * 0.35))))

    # Top-k of Gumbel-perturbed log weights = k draws without replacement, by popularity.
    log_weights = rng.normal(0.0, 1.0, size=projects)
    sizes = np.clip(1 + rng.poisson(approvals - 1, size=voters), 1, 25)
    widest = int(sizes.max())
    ballots: list[list[int]] = []
    chunk = 5000
    for start in range(0, voters, chunk):
        stop = min(voters, start + chunk)
        keys = log_weights + rng.gumbel(size=(stop - start, projects))
        top = np.argpartition(-keys, widest, axis=1)[:, :widest]
        order = np.take_along_axis(top, np.argsort(-np.take_along_axis(keys, top, 1), 1), 1)
        for row, size in zip(order.tolist(), sizes[start:stop].tolist(), strict=True):
            ballots.append([index + 1 for index in row[:size]])
    return proposals, rules, ballots


def timed(function, *args, repeat: int = 1, **kwargs):
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return result, statistics.median(times)


def count_approvals(ballots: list[list[int]]) -> dict[int, dict[str, int]]:
    counts: Counter[int] = Counter()
    for ballot in ballots:
        counts.update(ballot)
    return {reference: {IMPORT: count} for reference, count in counts.items()}


def pabutools_election(rule: CategoryRule, proposals: list[Proposal], ballots: list[set[int]]):
    from pabutools.election import ApprovalBallot, ApprovalProfile, Instance, Project
    from pabutools.fractions import str_as_frac
    from pabutools.tiebreaking import TieBreakingRule

    instance = Instance(budget_limit=str_as_frac(str(rule.envelope)))
    by_reference = {}
    for proposal in proposals:
        by_reference[proposal.reference] = Project(
            str(proposal.reference), str_as_frac(str(proposal.amount))
        )
        instance.add(by_reference[proposal.reference])
    profile = ApprovalProfile(
        [ApprovalBallot(by_reference[r] for r in ballot) for ballot in ballots]
    )
    score = Counter(str(r) for ballot in ballots for r in ballot)
    tie = TieBreakingRule(
        lambda _i, _p, project: (-score[project.name], project.cost, int(project.name))
    )
    return instance, profile, tie


def pabutools_greedy(instance, profile, tie) -> list[int]:
    from pabutools.election import Cost_Sat
    from pabutools.rules import greedy_utilitarian_welfare

    chosen = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat, tie_breaking=tie)
    return [int(project.name) for project in chosen]


def pabutools_mes(instance, profile, tie) -> list[int]:
    from pabutools.election import Cost_Sat
    from pabutools.rules import (
        completion_by_rule_combination,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
    )

    params = {"sat_class": Cost_Sat, "tie_breaking": tie}
    chosen = completion_by_rule_combination(
        instance, profile, [method_of_equal_shares, greedy_utilitarian_welfare], [params, params]
    )
    return [int(project.name) for project in chosen]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=100_000)
    parser.add_argument("--projects", type=int, default=600)
    parser.add_argument("--categories", type=int, default=20)
    parser.add_argument("--approvals", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pabutools-mes", type=int, default=0, metavar="N")
    args = parser.parse_args()

    start = time.perf_counter()
    proposals, rules, ballots = synthetic_campaign(
        voters=args.voters,
        projects=args.projects,
        categories=args.categories,
        approvals=args.approvals,
        seed=args.seed,
    )
    generated = time.perf_counter() - start
    lines = sum(len(b) for b in ballots)
    print(
        f"campaign: {len(ballots):,} voters, {len(proposals)} projects, {len(rules)} categories, "
        f"{lines:,} ballot lines ({lines / len(ballots):.2f} per voter); generated in "
        f"{generated:.1f} s"
    )

    approvals, t_count = timed(count_approvals, ballots, repeat=3)
    greedy, t_greedy = timed(tally, proposals=proposals, approvals=approvals, rules=rules, repeat=5)
    mes, t_mes = timed(
        tally, proposals=proposals, approvals=approvals, rules=rules, method="mes", ballots=ballots
    )
    print(f"count approvals from ballots (Python)   {t_count * 1000:9.1f} ms")
    print(f"our greedy, all categories              {t_greedy * 1000:9.1f} ms")
    print(f"our mes, all categories (split incl.)   {t_mes * 1000:9.1f} ms")

    by_category = {rule.name: [p for p in proposals if p.category == rule.name] for rule in rules}
    # One list of per-voter approvals per category, as a caller tallying one category has.
    split = {
        name: [set(ballot) for ballot, voters in grouped.items() for _ in range(voters)]
        for name, grouped in split_ballots(ballots, proposals).items()
    }
    per_category_mes = []
    for rule in rules:
        _, seconds = timed(
            tally_category,
            rule=rule,
            proposals=by_category[rule.name],
            approvals=approvals,
            method="mes",
            ballots=split.get(rule.name, []),
        )
        per_category_mes.append(seconds)
    voters_per_category = [len(split.get(rule.name, [])) for rule in rules]
    mean_ms = statistics.mean(per_category_mes) * 1000
    print(
        f"our mes per category                    {mean_ms:9.1f} ms mean,"
        f" {max(per_category_mes) * 1000:.1f} ms max "
        f"({statistics.mean(voters_per_category):,.0f} voters per category on average)"
    )
    mes_stage = sum(1 for r in mes for row in r.rows if row.stage == "equal_shares")
    completion = sum(1 for r in mes for row in r.rows if row.stage == "completion")
    differ = sum(1 for g, m in zip(greedy, mes, strict=True) if set(g.selected) != set(m.selected))
    print(
        f"mes selected {mes_stage} projects by equal shares and {completion} by completion; "
        f"its winners differ from greedy's in {differ} of {len(rules)} categories"
    )

    try:
        import pabutools  # noqa: F401
    except ImportError:
        print("pabutools is not installed (pip install -e '.[dev]'): no comparison")
        return

    t_build = t_their_greedy = 0.0
    elections = {}
    for rule, ours in zip(rules, greedy, strict=True):
        election, seconds = timed(
            pabutools_election, rule, by_category[rule.name], split.get(rule.name, [])
        )
        t_build += seconds
        elections[rule.name] = election
        theirs, seconds = timed(pabutools_greedy, *election)
        t_their_greedy += seconds
        assert theirs == ours.selected, f"greedy differs from pabutools in {rule.name}"
    print(f"pabutools: build Instance + Profile     {t_build * 1000:9.1f} ms")
    print(
        f"pabutools greedy, all categories        {t_their_greedy * 1000:9.1f} ms"
        f"   (ours is {t_their_greedy / t_greedy:,.0f}x faster;"
        f" with its build: {(t_build + t_their_greedy) / t_greedy:,.0f}x)"
    )
    print("greedy winners equal pabutools' in every category")

    if args.pabutools_mes:
        chosen = rules[: args.pabutools_mes]
        t_theirs = 0.0
        for rule, ours in zip(chosen, mes, strict=False):
            theirs, seconds = timed(pabutools_mes, *elections[rule.name])
            t_theirs += seconds
            assert theirs == ours.selected, f"mes differs from pabutools in {rule.name}"
        t_ours = sum(per_category_mes[: len(chosen)])
        print(
            f"pabutools mes, {len(chosen)} categories             {t_theirs * 1000:9.1f} ms"
            f"   (ours on the same: {t_ours * 1000:.1f} ms, {t_theirs / t_ours:,.1f}x faster)"
        )
        print(f"mes winners equal pabutools' in those {len(chosen)} categories")


if __name__ == "__main__":
    main()
