"""The Method of Equal Shares with greedy completion (issue 5 §4), computed by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from votes.results.tally import (
    CategoryRule,
    Proposal,
    Stage,
    Status,
    approvals_from_ballots,
    tally,
    tally_category,
)


def run(envelope, costs, ballots, *, threshold=None):
    """costs: reference -> cost; ballots: one set of references per voter."""
    rule = CategoryRule(name="Sport", envelope=Decimal(envelope), threshold=threshold)
    proposals = [
        Proposal(reference=r, amount=Decimal(c), category="Sport") for r, c in costs.items()
    ]
    return tally_category(
        rule=rule,
        proposals=proposals,
        approvals=approvals_from_ballots(ballots, channel="online"),
        method="mes",
        ballots=ballots,
    )


def test_equal_shares_gives_the_minority_its_share_where_greedy_would_not():
    # 100 € among 10 voters: 10 € each. Six approve X1 and X2 (50 € each), four approve Y (40 €).
    # X1: 6 x 10 >= 50, each pays 50/6, price per euro of cost 1/6. Y: each of 4 pays 10: 1/4.
    # X1 first (tie with X2 on everything: lower reference). Its voters keep 10/6 each: X2 can
    # no longer be paid (10 < 50); Y can: selected. 10 € left, X2 does not fit.
    # Greedy would take X1 and X2 (6 approvals each) and leave Y out.
    ballots = [{1, 2}] * 6 + [{3}] * 4
    result = run(100, {1: 50, 2: 50, 3: 40}, ballots)

    assert result.selected == [1, 3]
    assert [(r.reference, r.status, r.stage, r.envelope_left) for r in result.rows] == [
        (1, Status.SELECTED, Stage.EQUAL_SHARES, Decimal(50)),
        (3, Status.SELECTED, Stage.EQUAL_SHARES, Decimal(10)),
        (2, Status.DOES_NOT_FIT, None, Decimal(10)),
    ]
    assert result.voters == 10
    greedy = tally_category(
        rule=CategoryRule(name="Sport", envelope=Decimal(100)),
        proposals=[
            Proposal(reference=r, amount=Decimal(50 if r < 3 else 40), category="Sport")
            for r in (1, 2, 3)
        ],
        approvals=approvals_from_ballots(ballots),
    )
    assert greedy.selected == [1, 2]


def test_the_money_left_is_completed_by_the_greedy_rule():
    # 4 voters, 25 € each. A (60 €) by voters 1-3: 75 >= 60, each pays 20, 1/3 per euro.
    # C (30 €) by voters 1-2: 1/2. B (40 €) by voter 4 alone: 25 < 40, never affordable.
    # A first; voters 1-2 keep 5 each: C no longer affordable; MES stops with 40 € left.
    # Completion by approvals: C (2) fits (10 € left), B (1) does not.
    ballots = [{1, 3}, {1, 3}, {1}, {2}]
    result = run(100, {1: 60, 2: 40, 3: 30}, ballots)

    assert result.selected == [1, 3]
    assert [(r.reference, r.stage, r.status) for r in result.rows] == [
        (1, Stage.EQUAL_SHARES, Status.SELECTED),
        (3, Stage.COMPLETION, Status.SELECTED),
        (2, None, Status.DOES_NOT_FIT),
    ]
    assert result.envelope_left == Decimal(10)


def test_an_equal_price_goes_to_the_cheaper_project():
    # 4 voters, 25 € each. P (40 €) by voters 1-2 pays 20 each: 1/2 per euro. Q (30 €) by
    # voters 3-4 pays 15 each: 1/2 too. Same approvals: the cheaper Q is selected first.
    result = run(100, {1: 40, 2: 30}, [{1}, {1}, {2}, {2}])

    assert result.selected == [2, 1]


def test_an_equal_price_goes_to_the_project_with_more_approvals_first():
    # 8 voters a..h, 10 € each (80 €). R (40 €, ref 3) by c, f, g, h: 1/4 per euro, first;
    # it takes all of c's money. Then P (20 €, ref 1) by a, b, c: c pays 0, a and b pay 10
    # each: 1/2. Q (16 €, ref 2) by d, e: 8 each: 1/2. A tie: P has 3 approvals, Q 2: P first
    # even though Q is cheaper.
    a, b, c, d, e, f, g, h = ({1}, {1}, {1, 3}, {2}, {2}, {3}, {3}, {3})
    result = run(80, {1: 20, 2: 16, 3: 40}, [a, b, c, d, e, f, g, h])

    assert result.selected == [3, 1, 2]
    assert all(r.stage == Stage.EQUAL_SHARES for r in result.rows)
    assert result.envelope_left == Decimal(4)


def test_only_ballots_approving_a_project_above_the_threshold_share_the_envelope():
    # Threshold 2. A (50 €) by voters 1-2, D (40 €) by voters 3-4, B (10 €) by voter 5 alone:
    # B is below the threshold, so voter 5 gets no share: 4 voters, 25 € each.
    # D: 20 each, 1/2; A: 25 each, 1/2: tie on price and approvals, D is cheaper. A stays
    # affordable and is selected by equal shares too. With 5 voters (20 € each) A would
    # cost more than its voters hold and only the completion would take it.
    ballots = [{1}, {1}, {2}, {2}, {3}]
    result = run(100, {1: 50, 2: 40, 3: 10}, ballots, threshold=2)

    assert result.voters == 4
    assert result.selected == [2, 1]
    assert result.row(1).stage == Stage.EQUAL_SHARES
    assert result.row(3).status == Status.BELOW_THRESHOLD


def test_without_ballots_the_completion_does_everything():
    result = run(50, {1: 30, 2: 20, 3: 10}, [])

    assert result.voters == 0
    # No approvals at all: cheaper first, 10 + 20 fit, 30 does not.
    assert result.selected == [3, 2]
    assert {r.stage for r in result.rows if r.status == Status.SELECTED} == {Stage.COMPLETION}


def test_a_free_project_with_supporters_is_taken_first():
    result = run(10, {1: 10, 2: 0}, [{1}, {1}, {2}])

    assert result.selected == [2, 1]
    assert result.row(2).stage == Stage.EQUAL_SHARES


def test_tally_splits_ballots_by_category():
    rules = [
        CategoryRule(name="Sport", envelope=Decimal(50)),
        CategoryRule(name="Culture", envelope=Decimal(30)),
    ]
    proposals = [
        Proposal(reference=1, amount=Decimal(50), category="Sport"),
        Proposal(reference=2, amount=Decimal(30), category="Culture"),
    ]
    # The third voter approves nothing in Culture: Culture's 30 € go to two voters only.
    ballots = [{1, 2}, {2}, {1}]

    sport, culture = tally(
        proposals=proposals,
        approvals=approvals_from_ballots(ballots, channel="paper"),
        rules=rules,
        method="mes",
        ballots=ballots,
    )

    assert (sport.voters, sport.selected) == (2, [1])
    assert (culture.voters, culture.selected) == (2, [2])


def test_a_campaign_without_any_ballot_is_completed_by_greedy():
    rules = [CategoryRule(name="Sport", envelope=Decimal(50))]
    proposals = [
        Proposal(reference=r, amount=Decimal(c), category="Sport") for r, c in [(1, 40), (2, 20)]
    ]

    (result,) = tally(proposals=proposals, approvals={}, rules=rules, method="mes", ballots=[])

    assert result.voters == 0
    assert result.selected == [2]


def test_it_refuses_approvals_that_disagree_with_the_ballots():
    rule = CategoryRule(name="Sport", envelope=Decimal(10))
    proposals = [Proposal(reference=1, amount=Decimal(5), category="Sport")]
    with pytest.raises(ValueError, match="has 3 approvals but 2 ballots"):
        tally_category(
            rule=rule,
            proposals=proposals,
            approvals={1: {"online": 3}},
            method="mes",
            ballots=[{1}, {1}],
        )


def test_it_refuses_mes_without_ballots_and_ballots_with_unknown_references():
    rules = [CategoryRule(name="Sport", envelope=Decimal(10))]
    proposals = [Proposal(reference=1, amount=Decimal(5), category="Sport")]
    with pytest.raises(ValueError, match="mes needs the ballots"):
        tally(proposals=proposals, approvals={}, rules=rules, method="mes")
    with pytest.raises(ValueError, match="unknown reference 9"):
        tally(proposals=proposals, approvals={}, rules=rules, method="mes", ballots=[{9}])
