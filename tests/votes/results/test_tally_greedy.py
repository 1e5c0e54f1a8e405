"""The greedy rule for projects (issue 5 §4), on small cases computed by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from votes.results.tally import CHANNELS, CategoryRule, Proposal, Status, tally, tally_category


def run(envelope, projects, *, threshold=None):
    """projects: (reference, cost, approvals online) tuples, all in one category."""
    rule = CategoryRule(name="Sport", envelope=Decimal(envelope), threshold=threshold)
    proposals = [Proposal(reference=r, amount=Decimal(c), category="Sport") for r, c, _ in projects]
    approvals = {r: {"online": a} for r, _, a in projects}
    return tally_category(rule=rule, proposals=proposals, approvals=approvals)


def test_it_walks_down_the_approvals_and_skips_what_does_not_fit():
    # 100 €: A (60) fits, 40 left; B (50) does not; C (30) fits, 10 left.
    result = run(100, [(1, 60, 10), (2, 50, 8), (3, 30, 5)])

    assert result.selected == [1, 3]
    assert [(r.rank, r.reference, r.status, r.envelope_left) for r in result.rows] == [
        (1, 1, Status.SELECTED, Decimal(40)),
        (2, 2, Status.DOES_NOT_FIT, Decimal(40)),
        (3, 3, Status.SELECTED, Decimal(10)),
    ]
    assert result.spent == Decimal(90)
    assert result.envelope_left == Decimal(10)


def test_an_approval_tie_goes_to_the_cheaper_project():
    # Both have 5 approvals; 60 € fits only one: the cheaper (50 €, reference 2) comes first.
    result = run(60, [(1, 60, 5), (2, 50, 5)])

    assert [r.reference for r in result.rows] == [2, 1]
    assert result.selected == [2]
    assert result.row(1).status == Status.DOES_NOT_FIT


def test_a_cost_tie_goes_to_the_lower_reference():
    result = run(40, [(7, 40, 5), (3, 40, 5)])

    assert [r.reference for r in result.rows] == [3, 7]
    assert result.selected == [3]


def test_more_approvals_win_over_a_lower_cost():
    result = run(50, [(1, 10, 4), (2, 50, 5)])

    assert result.selected == [2]
    assert result.row(1).status == Status.DOES_NOT_FIT


def test_a_threshold_removes_projects_before_the_rule_runs():
    # B (4 approvals) would fit, but the threshold is 5: it is never considered.
    result = run(100, [(1, 60, 10), (2, 10, 4), (3, 30, 5)], threshold=5)

    assert result.selected == [1, 3]
    assert result.row(2).status == Status.BELOW_THRESHOLD
    assert result.row(2).envelope_left == Decimal(10)
    assert result.envelope_left == Decimal(10)


def test_a_project_with_zero_approvals_can_be_selected_without_a_threshold():
    result = run(100, [(1, 60, 3), (2, 30, 0)])

    assert result.selected == [1, 2]
    assert result.row(2).approvals == 0


def test_a_threshold_of_one_keeps_unapproved_projects_out():
    result = run(100, [(1, 60, 3), (2, 30, 0)], threshold=1)

    assert result.selected == [1]
    assert result.row(2).status == Status.BELOW_THRESHOLD


def test_approvals_are_added_across_channels():
    # 2 online + 1 code + 3 paper = 6 beats 5 online; 60 € fits one of them.
    rule = CategoryRule(name="Sport", envelope=Decimal(60))
    proposals = [
        Proposal(reference=1, amount=Decimal(50), category="Sport"),
        Proposal(reference=2, amount=Decimal(60), category="Sport"),
    ]
    approvals = {1: {"online": 5}, 2: {"online": 2, "code": 1, "paper": 3}}

    result = tally_category(rule=rule, proposals=proposals, approvals=approvals)

    assert result.selected == [2]
    row = result.row(2)
    assert row.approvals == 6
    assert row.approvals_by_channel == {"online": 2, "code": 1, "paper": 3, "import": 0}
    assert result.approvals_by_channel == {"online": 7, "code": 1, "paper": 3, "import": 0}
    assert tuple(row.approvals_by_channel) == CHANNELS


def test_amounts_keep_their_cents():
    result = run("100.50", [(1, "60.25", 3), (2, "40.25", 2)])

    assert result.selected == [1, 2]
    assert result.envelope_left == Decimal("0.00")


def test_each_category_is_tallied_with_its_own_envelope():
    rules = [
        CategoryRule(name="Sport", envelope=Decimal(50)),
        CategoryRule(name="Culture", envelope=Decimal(100)),
    ]
    proposals = [
        Proposal(reference=1, amount=Decimal(60), category="Sport"),
        Proposal(reference=2, amount=Decimal(40), category="Sport"),
        Proposal(reference=3, amount=Decimal(60), category="Culture", source_id="X-3"),
    ]
    approvals = {1: {"online": 9}, 2: {"online": 1}, 3: {"paper": 2}}

    sport, culture = tally(proposals=proposals, approvals=approvals, rules=rules)

    assert (sport.name, sport.selected) == ("Sport", [2])
    assert (culture.name, culture.selected) == ("Culture", [3])
    assert culture.rows[0].source_id == "X-3"


def test_it_refuses_a_proposal_in_an_unknown_category():
    with pytest.raises(ValueError, match="unknown category 'Voirie'"):
        tally(
            proposals=[Proposal(reference=1, amount=Decimal(1), category="Voirie")],
            approvals={},
            rules=[CategoryRule(name="Sport", envelope=Decimal(10))],
        )


def test_it_refuses_a_projects_category_without_an_envelope():
    with pytest.raises(ValueError, match="needs an envelope"):
        tally_category(rule=CategoryRule(name="Sport"), proposals=[], approvals={})


def test_it_refuses_an_unknown_rule_and_an_unknown_channel():
    rule = CategoryRule(name="Sport", envelope=Decimal(10))
    proposal = Proposal(reference=1, amount=Decimal(1), category="Sport")
    with pytest.raises(ValueError, match="unknown rule 'borda'"):
        tally_category(rule=rule, proposals=[proposal], approvals={}, method="borda")
    with pytest.raises(ValueError, match="unknown channel"):
        tally_category(rule=rule, proposals=[proposal], approvals={1: {"fax": 1}})


def test_it_refuses_a_reference_twice():
    rule = CategoryRule(name="Sport", envelope=Decimal(10))
    proposals = [Proposal(reference=1, amount=Decimal(1), category="Sport")] * 2
    with pytest.raises(ValueError, match="appears twice"):
        tally_category(rule=rule, proposals=proposals, approvals={})
    with pytest.raises(ValueError, match="appears twice in the campaign"):
        tally(
            proposals=[proposals[0], Proposal(reference=1, amount=Decimal(1), category="Art")],
            approvals={},
            rules=[rule, CategoryRule(name="Art", envelope=Decimal(10))],
        )
