"""The greedy rule for savings (issue 5 §4), on small cases computed by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from votes.results.tally import CategoryRule, Proposal, Status, tally, tally_category

# (reference, instructed saving, approvals)
MEASURES = [(1, 60, 10), (2, 50, 8), (3, 30, 5), (4, 20, 2)]


def run(target, measures=MEASURES, *, threshold=3):
    rule = CategoryRule(
        name="Économies", kind="savings", target=Decimal(target), threshold=threshold
    )
    proposals = [
        Proposal(reference=r, amount=Decimal(s), category="Économies") for r, s, _ in measures
    ]
    approvals = {r: {"online": a} for r, _, a in measures}
    return tally_category(rule=rule, proposals=proposals, approvals=approvals)


def test_it_selects_until_the_target_is_reached_then_stops():
    # 60, then 60 + 50 = 110 >= 100: the target is met; 3 is not needed; 4 is below 3 approvals.
    result = run(100)

    assert result.selected == [1, 2]
    assert [(r.reference, r.status, r.cumulative_saving) for r in result.rows] == [
        (1, Status.SELECTED, Decimal(60)),
        (2, Status.SELECTED, Decimal(110)),
        (3, Status.TARGET_REACHED, Decimal(110)),
        (4, Status.BELOW_THRESHOLD, Decimal(110)),
    ]
    assert result.saved == Decimal(110)
    assert result.target_met is True
    assert result.gap == Decimal(0)


def test_it_reports_the_gap_when_the_target_is_missed():
    # 60 + 50 + 30 = 140 of 200: a gap of 60 (measure 4 is below the threshold).
    result = run(200)

    assert result.selected == [1, 2, 3]
    assert result.saved == Decimal(140)
    assert result.target_met is False
    assert result.gap == Decimal(60)


def test_a_target_met_exactly_stops_the_selection():
    result = run(110)

    assert result.selected == [1, 2]
    assert result.row(3).status == Status.TARGET_REACHED
    assert result.gap == Decimal(0)


def test_the_tie_rule_orders_measures_with_equal_approvals():
    # Equal approvals: the lower saving first, then the lower reference.
    result = run(40, [(5, 40, 4), (2, 30, 4), (9, 30, 4)], threshold=None)

    assert [r.reference for r in result.rows] == [2, 9, 5]
    assert result.selected == [2, 9]
    assert result.row(5).status == Status.TARGET_REACHED


def test_a_measure_without_approvals_is_never_kept_even_without_a_threshold():
    # Issue 14: a saving cuts a service; one nobody approved is not "retenu", target or not.
    result = run(80, [(1, 60, 3), (2, 30, 0)], threshold=None)

    assert result.selected == [1]
    assert result.row(2).status == Status.BELOW_THRESHOLD
    assert result.threshold == 1
    assert result.target_met is False
    assert result.gap == Decimal(20)


def test_mes_applies_to_savings_categories_too():
    rules = [CategoryRule(name="Économies", kind="savings", target=Decimal(50))]
    proposals = [Proposal(reference=1, amount=Decimal(60), category="Économies")]

    (result,) = tally(
        proposals=proposals, approvals={1: {"import": 1}}, rules=rules, method="mes", ballots=[{1}]
    )

    # 60 is more than the target the one voter holds: equal shares cannot pay for it; the
    # completion keeps it since the target is not reached without it.
    assert result.method == "mes"
    assert result.selected == [1]
    assert result.row(1).stage == "completion"


def test_it_refuses_a_savings_category_without_a_target():
    with pytest.raises(ValueError, match="needs a target"):
        tally_category(rule=CategoryRule(name="É", kind="savings"), proposals=[], approvals={})
