"""The categories a .pb file becomes (issue 5 §5): categories_from_meta."""

from __future__ import annotations

from decimal import Decimal

import pytest

from votes.results.pabulib import PbElection, PbError, PbProject, categories_from_meta

PROJECTS = [
    PbProject(project_id="a", cost=Decimal(10), categories=["green"]),
    PbProject(project_id="b", cost=Decimal(20), categories=["kids", "green"]),
    PbProject(project_id="c", cost=Decimal(30), categories=["kids"]),
]


def categories(meta, projects=PROJECTS):
    return categories_from_meta(PbElection(meta={"budget": "1000", **meta}, projects=projects))


def test_without_budget_per_category_the_file_is_one_category():
    (category,) = categories(
        {
            "description": "Quartier Nord",
            "max_length": "3",
            "categories": "green,kids",
            "max_length_per_category": "1",
            "min_project_score_threshold": "50",
        }
    )

    assert category.name == "Quartier Nord"
    assert category.envelope == Decimal(1000)
    assert category.max_approvals == 3
    assert category.knapsack is False
    assert category.threshold == 50
    assert category.project_ids == ("a", "b", "c")


def test_without_max_length_the_number_of_approvals_is_unlimited():
    (category,) = categories({"description": "Nord"})

    assert category.max_approvals is None
    assert category.threshold is None


def test_a_file_wide_max_sum_cost_makes_the_single_category_a_knapsack():
    (category,) = categories({"description": "Nord", "max_sum_cost": "1000"})

    assert category.knapsack is True
    assert category.max_sum_cost == Decimal(1000)


def test_budget_per_category_gives_one_category_per_meta_category_in_order():
    kids, green = categories(
        {
            "categories": "kids,green",
            "budget_per_category": "600,400",
            "max_length": "5",
        }
    )

    assert (kids.name, kids.envelope, kids.max_approvals) == ("kids", Decimal(600), 5)
    assert (green.name, green.envelope, green.max_approvals) == ("green", Decimal(400), 5)
    # "b" is tagged kids and green: it belongs to the first META lists.
    assert kids.project_ids == ("b", "c")
    assert green.project_ids == ("a",)
    assert kids.knapsack is False


def test_per_category_caps_and_knapsack_come_from_meta():
    green, kids = categories(
        {
            "categories": "green,kids",
            "budget_per_category": "600,400",
            "max_length": "5",
            "max_length_per_category": "2",
            "max_sum_cost_per_category": "600,300",
        }
    )

    assert (green.max_approvals, kids.max_approvals) == (2, 2)
    assert (green.knapsack, kids.knapsack) == (True, True)
    assert (green.max_sum_cost, kids.max_sum_cost) == (Decimal(600), Decimal(300))
    assert green.project_ids == ("a", "b")


def test_it_refuses_a_budget_list_that_does_not_match_the_categories():
    with pytest.raises(PbError) as error:
        categories({"categories": "green,kids", "budget_per_category": "600"})

    assert str(error.value) == ("META : « budget_per_category » : 1 valeur(s) pour 2 catégories.")


def test_it_refuses_budgets_per_category_without_categories():
    with pytest.raises(PbError) as error:
        categories({"budget_per_category": "600,400"})

    assert str(error.value) == "META : « budget_per_category » demande la liste « categories »."


def test_it_refuses_a_project_outside_the_categories():
    with pytest.raises(PbError) as error:
        categories(
            {"categories": "green", "budget_per_category": "600"},
            projects=[*PROJECTS[:1], PbProject(project_id="z", cost=Decimal(1))],
        )

    assert str(error.value) == (
        "Le projet z n'appartient à aucune catégorie de META « categories »."
    )
