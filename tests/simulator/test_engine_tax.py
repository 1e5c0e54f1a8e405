"""The property-tax lever: revenue on the 73111 line and what it means for a household."""

from __future__ import annotations

import pytest

from simulator.engine import SimulationError, lines_from_records, simulate
from simulator.tax import TAX_MEASURE, TaxLever, household_change_text


def budget(*extra):
    return lines_from_records(
        [
            {
                "code": "FR-73111",
                "chapter": "731",
                "account": "73111",
                "amount": 1_000_000,
                "label": "Impôts directs locaux",
                # The finance service does not open this line to sliders: the lever still works.
                "adjustable": False,
            },
            {"code": "FD-60612", "chapter": "011", "account": "60612", "amount": 600_000},
            *extra,
        ]
    )


def test_one_more_point_on_a_base_of_four_million_brings_forty_thousand_euros():
    lever = TaxLever(points=1, base=4_000_000, current_rate=25, average_bill=950)
    result = simulate(budget(), None, [], horizon=2, debt_start=0, tax=lever)
    data = result.as_dict()
    # 4 000 000 × 1 / 100 every year from year 1.
    assert result.tax_revenue_delta == 40_000
    assert data["lines"][0]["code"] == "FR-73111"
    assert [y["direct"] for y in data["lines"][0]["years"]] == [40_000, 40_000]
    assert [y["net_saving"] for y in data["years"]] == [40_000, 40_000]
    assert data["years"][0]["rrf"] == 1_040_000
    assert data["full_year_net_saving"] == 40_000
    # A bill of 950 € at 25 %: each point is 950 / 25 = 38 €.
    assert result.household_yearly_change == pytest.approx(38)
    assert household_change_text(result.household_yearly_change) == "+38\u00a0€ par foyer et par an"
    assert result.measure_effects["measure"].tolist() == [TAX_MEASURE, TAX_MEASURE]


def test_a_cut_in_the_rate_lowers_revenue_and_bills():
    lever = TaxLever(points=-0.5, base=4_000_000, current_rate=25, average_bill=950)
    result = simulate(budget(), None, [], horizon=1, debt_start=0, tax=lever)
    assert result.as_dict()["years"][0]["net_saving"] == -20_000
    assert household_change_text(result.household_yearly_change) == "−19\u00a0€ par foyer et par an"


def test_the_tax_lever_does_not_count_as_a_policy_area():
    lever = TaxLever(points=1, base=4_000_000, current_rate=25)
    result = simulate(budget(), None, [], debt_start=0, tax=lever, max_policy_areas=0)
    assert result.household_yearly_change is None
    assert result.full_year_net_saving == 40_000


def test_it_uses_the_line_it_is_given():
    other = {"code": "FR-73111-2", "chapter": "731", "account": "73111", "amount": 10_000}
    lever = TaxLever(points=2, base=1_000_000, current_rate=20, revenue_line="FR-73111-2")
    result = simulate(budget(other), None, [], horizon=1, debt_start=0, tax=lever)
    assert result.as_dict()["lines"][0]["code"] == "FR-73111-2"
    assert result.as_dict()["lines"][0]["years"][0]["final"] == 30_000


def test_it_refuses_a_budget_without_a_property_tax_line():
    lines = lines_from_records(
        [{"code": "FD-60612", "chapter": "011", "account": "60612", "amount": 600_000}]
    )
    with pytest.raises(SimulationError) as caught:
        simulate(lines, None, [], debt_start=0, tax=TaxLever(points=1, base=1, current_rate=20))
    assert caught.value.messages == [
        "Taxe foncière : aucune ligne de recette réelle de fonctionnement au compte 73111 "
        "dans ce budget ; indiquez la ligne à utiliser."
    ]


def test_it_refuses_two_candidate_lines_without_a_choice():
    other = {"code": "FR-73111-2", "chapter": "731", "account": "73111", "amount": 10_000}
    with pytest.raises(SimulationError) as caught:
        simulate(
            budget(other), None, [], debt_start=0, tax=TaxLever(points=1, base=1, current_rate=20)
        )
    assert caught.value.messages == [
        "Taxe foncière : plusieurs lignes au compte 73111 (FR-73111, FR-73111-2) ; "
        "indiquez celle à utiliser."
    ]


def test_it_refuses_an_unknown_line_and_a_rate_falling_below_zero():
    lever = TaxLever(points=-30, base=1_000, current_rate=25, revenue_line="FR-999")
    with pytest.raises(SimulationError) as caught:
        simulate(budget(), None, [], debt_start=0, tax=lever)
    assert caught.value.messages == [
        "Taxe foncière : une baisse de 30 points ferait passer le taux actuel de 25 % sous zéro.",
        "Taxe foncière : la ligne « FR-999 » n'existe pas dans ce budget.",
    ]


def test_zero_points_change_nothing():
    lever = TaxLever(points=0, base=4_000_000, current_rate=25, average_bill=950)
    result = simulate(budget(), None, [], debt_start=0, tax=lever)
    assert result.as_dict()["lines"] == []
    assert result.household_yearly_change == 0


def test_it_refuses_points_that_are_not_a_number():
    lever = TaxLever(points="deux", base=4_000_000, current_rate=25)
    with pytest.raises(SimulationError) as caught:
        simulate(budget(), None, [], debt_start=0, tax=lever)
    assert caught.value.messages == [
        "Taxe foncière : la variation du taux en points n'est pas un nombre (reçu : deux)."
    ]
