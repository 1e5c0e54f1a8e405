"""Checking imported ballots against the caps a .pb file declares (issue 5 §5)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from votes.results.pabulib import (
    MAX_LENGTH,
    MAX_LENGTH_PER_CATEGORY,
    MAX_SUM_COST,
    MAX_SUM_COST_PER_CATEGORY,
    PbElection,
    PbError,
    PbProject,
    PbVote,
    check_ballots,
)

# Two thematic categories; "b" is tagged with both and belongs to the first META lists: green.
PROJECTS = [
    PbProject(project_id="a", cost=Decimal(10), categories=["green"]),
    PbProject(project_id="b", cost=Decimal(20), categories=["kids", "green"]),
    PbProject(project_id="c", cost=Decimal(30), categories=["kids"]),
    PbProject(project_id="d", cost=Decimal(40), categories=["kids"]),
    PbProject(project_id="e", cost=Decimal(5)),
]


def election(meta, *ballots):
    return PbElection(
        meta={"budget": "100", "categories": "green,kids", **meta},
        projects=PROJECTS,
        votes=[PbVote(voter_id=str(i), projects=list(b)) for i, b in enumerate(ballots, start=1)],
    )


def test_a_project_named_twice_counts_once_and_the_ballot_is_reported():
    # "aab" names three projects but only two distinct ones: within max_length once cleaned.
    check = check_ballots(election({"max_length": "2"}, "aab", "c", "cc"))

    assert [b.projects for b in check.accepted] == [("a", "b"), ("c",), ("c",)]
    assert check.duplicates_removed == 2
    assert check.rejected == []


def test_max_length_rejects_the_whole_ballot():
    check = check_ballots(election({"max_length": "2"}, "ab", "abc"))

    assert [b.voter_id for b in check.accepted] == ["1"]
    assert [(b.voter_id, b.cap) for b in check.rejected] == [("2", MAX_LENGTH)]


def test_max_length_per_category_applies_to_thematic_tags():
    # "b" is green (first in META): "ab" is two greens; "bcd" is one green and two kids.
    check = check_ballots(election({"max_length_per_category": "1"}, "ab", "ac", "bcd", "e"))

    assert [b.voter_id for b in check.accepted] == ["2", "4"]
    assert [b.cap for b in check.rejected] == [MAX_LENGTH_PER_CATEGORY] * 2


def test_the_given_category_order_decides_where_a_multi_tagged_project_belongs():
    # Listing kids first makes "b" a kid: "ab" is then one of each.
    check = check_ballots(
        election({"max_length_per_category": "1"}, "ab"), categories=["kids", "green"]
    )

    assert len(check.accepted) == 1


def test_per_category_caps_can_differ_by_category():
    meta = {"max_length_per_category": "2,1", "max_sum_cost_per_category": "30,100"}
    check = check_ballots(election(meta, "ab", "cd", "bc", "bcd"))

    # "ab": green 2 <= 2 but 30 <= 30. "cd": 2 kids > 1. "bc": fine. "bcd": 2 kids > 1.
    assert [b.voter_id for b in check.accepted] == ["1", "3"]
    assert [b.cap for b in check.rejected] == [MAX_LENGTH_PER_CATEGORY] * 2


def test_max_sum_cost_per_category_is_a_knapsack_per_category():
    check = check_ballots(election({"max_sum_cost_per_category": "25,70"}, "ab", "cd", "a", "ce"))

    # "ab": green 30 > 25. "cd": kids 70 <= 70. "ce": kids 30, "e" has no category.
    assert [b.voter_id for b in check.accepted] == ["2", "3", "4"]
    assert [b.cap for b in check.rejected] == [MAX_SUM_COST_PER_CATEGORY]


def test_max_sum_cost_caps_the_whole_ballot():
    check = check_ballots(election({"max_sum_cost": "60"}, "abc", "abcd"))

    assert [b.voter_id for b in check.accepted] == ["1"]
    assert [b.cap for b in check.rejected] == [MAX_SUM_COST]


def test_a_ballot_breaking_several_caps_is_counted_once_under_the_first():
    meta = {
        "max_length": "2",
        "max_length_per_category": "1",
        "max_sum_cost_per_category": "10,10",
        "max_sum_cost": "10",
    }
    check = check_ballots(election(meta, "abcd", "cd", "c", "ae", "a"))

    assert [b.cap for b in check.rejected] == [
        MAX_LENGTH,  # breaks all four
        MAX_LENGTH_PER_CATEGORY,  # 2 kids, also 70 > 10 and 70 > 10
        MAX_SUM_COST_PER_CATEGORY,  # kids 30 > 10, also 30 > 10 in all
        MAX_SUM_COST,  # 15 > 10, per category fine
    ]
    assert check.rejected_by_cap == {
        MAX_LENGTH: 1,
        MAX_LENGTH_PER_CATEGORY: 1,
        MAX_SUM_COST_PER_CATEGORY: 1,
        MAX_SUM_COST: 1,
    }
    assert [b.voter_id for b in check.accepted] == ["5"]


def test_min_length_and_min_project_cost_are_not_enforced():
    check = check_ballots(election({"min_length": "3", "min_project_cost": "15"}, "a", ""))

    assert len(check.accepted) == 2


def test_approvals_are_counted_from_accepted_ballots_only():
    check = check_ballots(election({"max_length": "2"}, "ab", "abc", "bb", "c"))

    assert check.approvals() == {"a": 1, "b": 2, "c": 1}


def test_it_refuses_a_per_category_list_that_does_not_match_the_categories():
    with pytest.raises(PbError) as error:
        check_ballots(election({"max_length_per_category": "1,2,3"}, "a"))

    assert str(error.value) == (
        "META : « max_length_per_category » : 3 valeur(s) pour 2 catégories."
    )
