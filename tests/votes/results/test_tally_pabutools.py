"""Random small elections: our greedy and mes winners equal pabutools' (issue 5 §4-5).

pabutools is the independent reference implementation of the standard PB rules (a dev
dependency, imported only by tests and benchmarks). Both of its rules used here accept a custom
``tie_breaking``: we give them our one rule (more approvals, then lower cost, then lower
reference), so any disagreement is a real disagreement about the rules.

The helpers below are also used by test_pabulib_real_files.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance, Project
from pabutools.fractions import str_as_frac
from pabutools.rules import (
    completion_by_rule_combination,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)
from pabutools.tiebreaking import TieBreakingRule

from votes.results.tally import CategoryRule, Proposal, approvals_from_ballots, tally_category


def pabutools_winners(
    *,
    envelope: Decimal,
    projects: Sequence[tuple[str, Decimal, int]],
    ballots: Sequence[Sequence[str]],
) -> tuple[list[str], list[str]]:
    """(greedy, mes) winners by pabutools, in its selection order.

    ``projects`` are (name, cost, reference) of the projects that passed the threshold and
    ``ballots`` the non-empty ballots restricted to them: the election our rules see.
    """
    instance = Instance(budget_limit=str_as_frac(str(envelope)))
    by_name = {}
    for name, cost, _ in projects:
        by_name[name] = Project(name, str_as_frac(str(cost)))
        instance.add(by_name[name])
    profile = ApprovalProfile([ApprovalBallot(by_name[n] for n in ballot) for ballot in ballots])
    reference = {name: ref for name, _, ref in projects}
    # pabutools counts the approvals itself: our counts are not trusted here.
    score = {project.name: profile.approval_score(project) for project in instance}
    our_rule = TieBreakingRule(
        lambda _instance, _profile, project: (
            -score[project.name],
            project.cost,
            reference[project.name],
        )
    )
    params = {"sat_class": Cost_Sat, "tie_breaking": our_rule}
    greedy = greedy_utilitarian_welfare(instance, profile, **params)
    mes = completion_by_rule_combination(
        instance,
        profile,
        [method_of_equal_shares, greedy_utilitarian_welfare],
        [params, params],
    )
    return [p.name for p in greedy], [p.name for p in mes]


@st.composite
def elections(draw):
    count = draw(st.integers(min_value=1, max_value=6))
    costs = draw(st.lists(st.integers(min_value=0, max_value=20), min_size=count, max_size=count))
    references = draw(st.permutations(range(1, count + 1)))
    ballots = draw(
        st.lists(st.sets(st.sampled_from(references), max_size=count), min_size=0, max_size=12)
    )
    envelope = draw(st.integers(min_value=0, max_value=60))
    threshold = draw(st.none() | st.integers(min_value=0, max_value=4))
    return dict(zip(references, costs, strict=True)), ballots, envelope, threshold


def ours(costs, ballots, envelope, threshold, method):
    return tally_category(
        rule=CategoryRule(name="C", envelope=Decimal(envelope), threshold=threshold),
        proposals=[
            Proposal(reference=r, amount=Decimal(c), category="C") for r, c in costs.items()
        ],
        approvals=approvals_from_ballots(ballots),
        method=method,
        ballots=ballots,
    ).selected


def theirs(costs, ballots, envelope, threshold):
    approvals = approvals_from_ballots(ballots)
    eligible = [
        r for r in costs if threshold is None or approvals.get(r, {}).get("import", 0) >= threshold
    ]
    restricted = [[str(r) for r in ballot if r in eligible] for ballot in ballots]
    greedy, mes = pabutools_winners(
        envelope=Decimal(envelope),
        projects=[(str(r), Decimal(costs[r]), r) for r in eligible],
        ballots=[ballot for ballot in restricted if ballot],
    )
    return [int(r) for r in greedy], [int(r) for r in mes]


def same(our_selection, their_selection, costs):
    # pabutools takes free projects first, in an order of its own (a set's): the winners are
    # the same set; the order is compared whenever no project is free.
    if any(cost == 0 for cost in costs.values()):
        return sorted(our_selection) == sorted(their_selection)
    return our_selection == their_selection


@settings(max_examples=50, deadline=None)
@given(elections())
def test_greedy_agrees_with_pabutools(election):
    costs, ballots, envelope, threshold = election
    their_greedy, _ = theirs(costs, ballots, envelope, threshold)

    assert same(ours(costs, ballots, envelope, threshold, "greedy"), their_greedy, costs)


@settings(max_examples=50, deadline=None)
@given(elections())
def test_mes_agrees_with_pabutools(election):
    costs, ballots, envelope, threshold = election
    _, their_mes = theirs(costs, ballots, envelope, threshold)

    assert same(ours(costs, ballots, envelope, threshold, "mes"), their_mes, costs)


def test_the_cross_check_sees_the_tie_rule():
    # Two projects with 2 approvals each, 30 € and 20 €, 30 € to share: both libraries must
    # pick the cheaper one; pabutools' default (by name) would have picked "1".
    costs, ballots = {1: 30, 2: 20}, [{1, 2}, {1, 2}]
    their_greedy, their_mes = theirs(costs, ballots, 30, None)

    assert their_greedy == their_mes == [2]
    assert ours(costs, ballots, 30, None, "greedy") == ours(costs, ballots, 30, None, "mes") == [2]
