"""Issue 14's savings rules, pure: the threshold in % of the expressed ballots, and MES on
savings (the target as budget), cross-checked with pabutools where it applies."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance, Project
from pabutools.fractions import str_as_frac
from pabutools.rules import method_of_equal_shares
from pabutools.tiebreaking import TieBreakingRule

from votes.results.tally import (
    CategoryRule,
    Proposal,
    Stage,
    Status,
    approvals_from_ballots,
    savings_threshold,
    tally,
    tally_category,
)


def savings(target, measures, ballots, *, percent=None, threshold=None, method="greedy"):
    """measures: (reference, saving); ballots: the approved references of each voter."""
    rule = CategoryRule(
        name="É",
        kind="savings",
        target=Decimal(target),
        threshold=threshold,
        threshold_percent=None if percent is None else Decimal(str(percent)),
    )
    return tally_category(
        rule=rule,
        proposals=[Proposal(reference=r, amount=Decimal(a), category="É") for r, a in measures],
        approvals=approvals_from_ballots(ballots),
        method=method,
        ballots=ballots,
    )


# 10 ballots: measure 1 approved by 3 (30 %), measure 2 by 2 (20 %), measure 3 by 1.
TEN = [{1, 2}, {1, 2}, {1, 3}] + [{4}] * 7
FOUR = [(1, 10), (2, 10), (3, 10), (4, 100)]


def test_exactly_the_threshold_percent_is_kept():
    result = savings(1000, FOUR, TEN, percent=30)

    # 30 % of 10 ballots = 3 approvals: measure 1 (3) passes, measure 2 (2) does not.
    assert result.threshold == 3
    assert result.ballots == 10
    assert result.threshold_percent == Decimal(30)
    assert result.row(1).status == Status.SELECTED
    assert result.row(2).status == Status.BELOW_THRESHOLD


def test_just_over_the_percent_needs_one_more_approval():
    # 30.01 % of 10 = 3.001: rounded up, 4 approvals; measure 1 with 3 is below.
    result = savings(1000, FOUR, TEN, percent="30.01")

    assert result.threshold == 4
    assert result.row(1).status == Status.BELOW_THRESHOLD
    assert result.selected == [4]


def test_the_percent_is_of_the_ballots_expressed_in_the_category():
    # Ballots approving nothing here do not count: 2 of them, 30 % of 2 = 0.6 → 1 approval.
    result = savings(100, [(1, 10), (2, 20)], [{1}, {2}], percent=30)

    assert (result.ballots, result.threshold) == (2, 1)
    assert result.selected == [1, 2]


def test_without_any_vote_no_saving_is_kept_and_the_gap_is_the_target():
    result = savings(50, [(1, 10), (2, 20)], [], percent=10)

    assert (result.ballots, result.threshold) == (0, 1)
    assert result.selected == []
    assert [row.status for row in result.rows] == [Status.BELOW_THRESHOLD] * 2
    assert (result.saved, result.target_met, result.gap) == (Decimal(0), False, Decimal(50))


def test_a_zero_percent_threshold_still_needs_one_approval():
    result = savings(50, [(1, 10), (2, 20)], [{1}], percent=0)

    assert result.threshold == 1
    assert result.selected == [1]


def test_the_count_threshold_and_the_percent_the_highest_wins():
    assert savings(1000, FOUR, TEN, percent=10, threshold=3).threshold == 3
    assert savings(1000, FOUR, TEN, percent=40, threshold=3).threshold == 4


def test_ties_at_the_threshold_follow_the_tie_rule():
    # 1 and 2 both have 2 approvals of 4 ballots (50 %): lower saving first, then reference.
    ballots = [{1, 2}, {1, 2}, {3}, {3}]
    result = savings(25, [(2, 20), (1, 20), (3, 5)], ballots, percent=50)

    assert [row.reference for row in result.rows] == [3, 1, 2]
    assert result.selected == [3, 1]
    assert result.row(2).status == Status.TARGET_REACHED


def test_a_percent_without_the_ballots_is_refused():
    rule = CategoryRule(name="É", kind="savings", target=10, threshold_percent=Decimal(5))
    with pytest.raises(ValueError, match="needs the ballots"):
        savings_threshold(rule)
    with pytest.raises(ValueError, match="needs the ballots"):
        tally(proposals=[], approvals={}, rules=[rule])


def test_the_campaign_tally_counts_each_categorys_ballots():
    rules = [
        CategoryRule(name="A", kind="savings", target=100, threshold_percent=50),
        CategoryRule(name="B", kind="savings", target=100, threshold_percent=50),
    ]
    proposals = [
        Proposal(reference=1, amount=10, category="A"),
        Proposal(reference=2, amount=10, category="B"),
        Proposal(reference=3, amount=10, category="B"),
    ]
    ballots = [{1, 2}, {3}, {3}]
    a, b = tally(
        proposals=proposals, approvals=approvals_from_ballots(ballots), rules=rules, ballots=ballots
    )

    assert (a.ballots, a.threshold, a.selected) == (1, 1, [1])
    # 3 ballots in B, 50 % → 2 approvals: 3 (2) passes, 2 (1) does not.
    assert (b.ballots, b.threshold, b.selected) == (3, 2, [3])


def test_mes_on_savings_gives_each_group_some_of_its_savings():
    # Target 100, 10 voters with 10 each. 7 approve big measures 1 and 2 (60 each), 3 approve
    # 3 and 4 (30 each). Greedy keeps 1 and 2 (120 ≥ 100) and none of the minority's; equal
    # shares lets the 7 pay 60 for measure 1 (1/7 € per euro saved, the cheapest), then the 3
    # pay 30 for measure 3 with their 10 € each; the completion adds 2 (90 < 100).
    measures = [(1, 60), (2, 60), (3, 30), (4, 30)]
    ballots = [{1, 2}] * 7 + [{3, 4}] * 3

    greedy = savings(100, measures, ballots)
    mes = savings(100, measures, ballots, method="mes")

    assert greedy.selected == [1, 2]
    assert mes.method == "mes" and mes.voters == 10
    assert [(r.reference, r.stage) for r in mes.rows if r.status == Status.SELECTED] == [
        (1, Stage.EQUAL_SHARES),
        (3, Stage.EQUAL_SHARES),
        (2, Stage.COMPLETION),
    ]
    assert mes.row(4).status == Status.TARGET_REACHED
    assert (mes.saved, mes.target_met) == (Decimal(150), True)


def test_mes_on_savings_reports_the_gap_when_nothing_more_is_approved():
    result = savings(100, [(1, 30)], [{1}], method="mes")

    assert result.selected == [1]
    assert (result.saved, result.target_met, result.gap) == (Decimal(30), False, Decimal(70))


# --- cross-check with pabutools ----------------------------------------------------------


def pabutools_equal_shares(target, measures, ballots):
    """pabutools' MES (cost satisfaction, no completion) with the target as budget."""
    instance = Instance(budget_limit=str_as_frac(str(target)))
    projects = {r: Project(str(r), str_as_frac(str(a))) for r, a in measures}
    for project in projects.values():
        instance.add(project)
    profile = ApprovalProfile(
        [ApprovalBallot(projects[r] for r in ballot) for ballot in ballots if ballot]
    )
    score = {p.name: profile.approval_score(p) for p in instance}
    our_rule = TieBreakingRule(
        lambda _i, _p, project: (-score[project.name], project.cost, int(project.name))
    )
    chosen = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, tie_breaking=our_rule)
    return [int(p.name) for p in chosen]


@st.composite
def elections(draw):
    count = draw(st.integers(min_value=1, max_value=6))
    amounts = draw(st.lists(st.integers(min_value=1, max_value=20), min_size=count, max_size=count))
    references = draw(st.permutations(range(1, count + 1)))
    ballots = draw(
        st.lists(st.sets(st.sampled_from(references), max_size=count), min_size=0, max_size=12)
    )
    target = draw(st.integers(min_value=0, max_value=60))
    percent = draw(st.none() | st.integers(min_value=0, max_value=60))
    return list(zip(references, amounts, strict=True)), ballots, target, percent


@settings(max_examples=60, deadline=None)
@given(elections())
def test_mes_on_savings_agrees_with_pabutools_then_completes_to_the_target(election):
    measures, ballots, target, percent = election
    result = savings(target, measures, ballots, percent=percent, method="mes")

    eligible = {row.reference for row in result.rows if row.status != Status.BELOW_THRESHOLD}
    restricted = [[r for r in ballot if r in eligible] for ballot in ballots]
    theirs = pabutools_equal_shares(target, [m for m in measures if m[0] in eligible], restricted)
    ours = [r.reference for r in result.rows if r.stage == Stage.EQUAL_SHARES]
    # Equal shares: the same measures as pabutools, in the same order.
    assert ours == theirs
    # Completion: the rest in the tie order, kept while the target is not reached.
    amount = dict(measures)
    saved = sum(amount[r] for r in ours)
    rest = [r for r in result.rows if r.reference in eligible and r.stage != Stage.EQUAL_SHARES]
    for row in rest:
        expected = Status.SELECTED if saved < target else Status.TARGET_REACHED
        assert row.status == expected
        if expected == Status.SELECTED:
            saved += amount[row.reference]
    assert result.saved == saved
