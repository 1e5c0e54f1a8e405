"""Revenue levers beyond the property tax (pure engine): a rate on a base, a price per unit,
new loans with their interest; each with what it means for a household."""

from __future__ import annotations

import pytest

from simulator.engine import SimulationError, lines_from_records, rules_from_records, simulate
from simulator.engine.levers import (
    LOAN,
    PRICE,
    RATE,
    Lever,
    LeverChoice,
    household_text,
    lever_rules,
)

TEOM = Lever(
    slug="teom",
    kind=RATE,
    label="Taxe d'enlèvement des ordures ménagères",
    line="FR-7331",
    current=10,
    minimum=0,
    maximum=15,
    base=3_000_000,
    households=6_000,
)
CANTEEN = Lever(
    slug="cantine",
    kind=PRICE,
    label="Prix du repas à la cantine",
    line="FR-7067",
    current=1.5,
    minimum=1,
    maximum=4,
    base=100_000,  # meals a year
    households=6_000,
)
LOANS = Lever(
    slug="emprunt",
    kind=LOAN,
    label="Emprunts nouveaux",
    line="IR-1641",
    maximum=2_000_000,
    households=5_000,
    interest_line="FD-66111",
    interest_rate=3.5,
)


def lines(**overrides):
    records = [
        {"code": "FR-7331", "chapter": "73", "account": "7331", "amount": 300_000},
        {"code": "FR-7067", "chapter": "70", "account": "7067", "amount": 150_000},
        {"code": "IR-1641", "chapter": "16", "account": "1641", "amount": 0, "adjustable": False},
        {"code": "FD-66111", "chapter": "66", "account": "66111", "amount": 40_000},
        {"code": "FD-60612", "chapter": "011", "account": "60612", "amount": 600_000},
        {"code": "ID-2315", "chapter": "23", "account": "2315", "amount": 100_000},
    ]
    return lines_from_records(records)


def run(*choices, horizon=3, rules=(), **kwargs):
    return simulate(
        lines(),
        rules_from_records([*rules, *lever_rules([c.lever for c in choices])]),
        [],
        horizon=horizon,
        debt_start=1_000_000,
        levers=list(choices),
        **kwargs,
    )


def test_a_rate_of_twelve_percent_instead_of_ten_brings_two_percent_of_the_base():
    result = run(LeverChoice(TEOM, 12))
    data = result.as_dict()
    assert [y["direct"] for y in data["lines"][0]["years"]] == [60_000] * 3
    assert result.full_year_net_saving == 60_000
    (effect,) = result.lever_effects
    assert effect.revenue_delta == 60_000
    # 60 000 € over 6 000 households.
    assert effect.household_yearly_change == pytest.approx(10)
    assert household_text(effect.household_yearly_change) == "+10\u00a0€ par foyer et par an"


def test_a_meal_at_two_euros_instead_of_one_fifty_brings_fifty_cents_a_meal():
    result = run(LeverChoice(CANTEEN, 2))
    assert result.full_year_net_saving == pytest.approx(50_000)
    assert result.lever_effects[0].household_yearly_change == pytest.approx(50_000 / 6_000)
    assert result.measure_effects["measure"].unique().tolist() == ["cantine"]


def test_a_lower_price_costs_revenue():
    result = run(LeverChoice(CANTEEN, 1.2))
    assert result.full_year_net_saving == pytest.approx(-30_000)
    assert household_text(result.lever_effects[0].household_yearly_change) == (
        "−5\u00a0€ par foyer et par an"
    )


def test_a_loan_is_investment_revenue_once_and_its_interest_follows_every_year_after():
    result = run(LeverChoice(LOANS, 1_000_000))
    by_code = {line["code"]: line["years"] for line in result.as_dict()["lines"]}
    assert [y["direct"] for y in by_code["IR-1641"]] == [1_000_000, 0, 0]
    # 3.5 % a year from year 2, an induced effect that lasts (cumulative rule, lag 1).
    assert [y["induced"] for y in by_code["FD-66111"]] == [0, 35_000, 35_000]
    assert [y["net_saving"] for y in result.as_dict()["years"]] == [0, -35_000, -35_000]
    # The debt grows by the loan.
    assert result.ratios[0].debt_end == pytest.approx(2_000_000)
    effect = result.lever_effects[0]
    assert effect.yearly_interest == 35_000
    assert effect.household_yearly_change == pytest.approx(7)


def test_levers_add_up_and_escape_the_policy_area_cap():
    result = run(LeverChoice(TEOM, 11), LeverChoice(CANTEEN, 2), max_policy_areas=0)
    assert result.full_year_net_saving == pytest.approx(30_000 + 50_000)
    assert [e.slug for e in result.lever_effects] == ["teom", "cantine"]


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        (
            LeverChoice(TEOM, -1),
            "Levier « Taxe d'enlèvement des ordures ménagères » : la valeur ne peut pas être "
            "négative (reçu : -1).",
        ),
        (
            LeverChoice(TEOM, 16),
            "Levier « Taxe d'enlèvement des ordures ménagères » : 16 est hors des bornes fixées "
            "(de 0 à 15).",
        ),
        (
            LeverChoice(CANTEEN, 0.5),
            "Levier « Prix du repas à la cantine » : 0,5 est hors des bornes fixées (de 1 à 4).",
        ),
        (
            LeverChoice(LOANS, 3_000_000),
            "Levier « Emprunts nouveaux » : 3000000 est hors des bornes fixées (de 0 à 2000000).",
        ),
        (
            LeverChoice(TEOM, float("nan")),
            "Levier « Taxe d'enlèvement des ordures ménagères » : nan n'est pas un nombre.",
        ),
    ],
)
def test_a_value_outside_the_legal_or_given_bounds_is_refused(choice, message):
    with pytest.raises(SimulationError) as error:
        run(choice)
    assert error.value.messages == [message]


def test_a_lever_on_the_wrong_line_is_refused():
    wrong = Lever(slug="x", kind=PRICE, label="Piscine", line="FD-60612", current=3, base=10)
    missing = Lever(slug="y", kind=RATE, label="TEOM", line="FR-9999", current=3, base=10)
    loan = Lever(
        slug="z",
        kind=LOAN,
        label="Emprunt",
        line="FR-7067",
        interest_line="FD-66111",
        interest_rate=2,
    )
    with pytest.raises(SimulationError) as error:
        run(LeverChoice(wrong, 4), LeverChoice(missing, 4), LeverChoice(loan, 10))
    assert error.value.messages == [
        "Levier « Piscine » : la ligne FD-60612 doit être une recette réelle de fonctionnement.",
        "Levier « TEOM » : la ligne « FR-9999 » n'existe pas dans ce budget.",
        "Levier « Emprunt » : la ligne FR-7067 doit être une recette réelle d'investissement.",
    ]


def test_an_inconsistent_lever_is_refused_with_its_reasons():
    bad = Lever(slug="b", kind=PRICE, label="Bad", line="FR-7067", current=-1, minimum=5, maximum=2)
    loan = Lever(slug="l", kind=LOAN, label="Loan", line="IR-1641")
    with pytest.raises(SimulationError) as error:
        run(LeverChoice(bad, 3), LeverChoice(loan, 10))
    assert error.value.messages == [
        "Levier « Bad » : la valeur actuelle et l'assiette ne peuvent pas être négatives.",
        "Levier « Bad » : le minimum dépasse le maximum.",
        "Levier « Loan » : un emprunt indique sa ligne d'intérêts et son taux.",
    ]


def test_refusals_are_translated():
    from django.utils import translation

    with translation.override("en"), pytest.raises(SimulationError) as error:
        run(LeverChoice(TEOM, 16))
    assert "outside" in error.value.messages[0]


def test_without_households_there_is_no_per_household_figure():
    lever = Lever(slug="p", kind=PRICE, label="Piscine", line="FR-7067", current=3, base=10_000)
    result = run(LeverChoice(lever, 4))
    assert result.lever_effects[0].household_yearly_change is None
    assert result.full_year_net_saving == 10_000
