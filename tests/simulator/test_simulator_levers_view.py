"""The simulator screen with the revenue levers of the parameters sheet: each one moves the
scenario through the engine and shows its per-household figure; out of bounds is refused."""

from __future__ import annotations

import html
from decimal import Decimal

import pytest

from simulator.models import Scenario
from tests.simulator.factories import LEVERS, pool_budget, with_levers

pytestmark = pytest.mark.django_db


@pytest.fixture
def budget():
    budget, lines = with_levers(*pool_budget())
    return budget


def post(client, budget, **levers):
    data = {"horizon": "3", **{f"lever__{slug}": value for slug, value in levers.items()}}
    response = client.post(
        f"/budgets/{budget.slug}/simulateur/", data, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_screen_offers_every_lever_of_the_sheet_with_its_bounds(client, budget):
    body = html.unescape(client.get(f"/budgets/{budget.slug}/simulateur/").content.decode())
    for lever in LEVERS:
        assert lever["label"] in body
        assert f'name="lever__{lever["slug"]}"' in body
    assert 'min="0" max="15" step="0.5" value="10"' in body  # TEOM: a rate is never negative
    assert 'min="1" max="4" step="0.1" value="1.5"' in body  # canteen: the sheet's bounds
    assert "actuel : 1,50\u00a0€" in body


@pytest.mark.parametrize(
    ("slug", "value", "saving", "household"),
    [
        # 3 000 000 × 2 / 100 = 60 000 a year, over 6 000 households.
        ("teom", "12", "60\u202f000\u00a0€", "+10\u00a0€ par foyer et par an"),
        # 0,50 € more on 100 000 meals = 50 000 a year, over 6 000 households.
        ("cantine", "2", "50\u202f000\u00a0€", "+8\u00a0€ par foyer et par an"),
    ],
)
def test_each_rate_or_price_lever_moves_the_scenario_and_shows_its_household_effect(
    client, budget, slug, value, saving, household
):
    body = post(client, budget, **{slug: value})
    assert f"Votre scénario économise {saving} par an en année pleine" in body
    assert f'<td class="num">{saving}</td>' in body  # the yearly revenue in the table
    assert household in body
    assert "Leviers de recettes" in body


def test_a_loan_brings_investment_revenue_and_its_interest_per_household(client, budget):
    body = post(client, budget, emprunt="1000000")
    # The interest, 3.5 % from year 2, is a cost in the full-year effect.
    assert "Votre scénario coûte 35\u202f000\u00a0€ par an en année pleine" in body
    assert "1\u202f000\u202f000\u00a0€ (année 1, investissement)" in body
    # 35 000 € of interest over 5 000 households.
    assert "+7\u00a0€ par foyer et par an (intérêts)" in body
    assert "Intérêts des emprunts" in body  # the induced effect on the interest line


def test_every_lever_adds_up(client, budget):
    body = post(client, budget, teom="12", cantine="2", emprunt="1000000")
    assert "Votre scénario économise 75\u202f000\u00a0€ par an en année pleine" in body


@pytest.mark.parametrize(
    ("slug", "value", "message"),
    [
        (
            "teom",
            "-1",
            "Levier « Taxe d'enlèvement des ordures ménagères » : la valeur ne peut pas être "
            "négative (reçu : -1).",
        ),
        (
            "cantine",
            "5",
            "Levier « Prix du repas à la cantine » : 5 est hors des bornes fixées (de 1 à 4).",
        ),
    ],
)
def test_a_value_out_of_bounds_is_refused_with_its_reason(client, budget, slug, value, message):
    body = post(client, budget, **{slug: value})
    assert "Ce scénario n'est pas possible" in body
    assert message in body


def test_a_lever_left_at_its_current_value_changes_nothing(client, budget):
    body = post(client, budget, teom="10", cantine="1.5", emprunt="0")
    assert "ne change encore rien" in body


def test_a_saved_scenario_keeps_its_levers(client, budget, django_user_model):
    user = django_user_model.objects.create_user("ana", password="x")
    client.force_login(user)
    post(client, budget, cantine="2", inconnu="3")
    client.post(f"/budgets/{budget.slug}/simulateur/enregistrer/", {"title": "Cantine"})
    scenario = Scenario.objects.get(owner=user)
    # An unknown lever is dropped: the state comes from a browser.
    assert scenario.levers == {"cantine": "2"}
    body = html.unescape(client.get(scenario.get_absolute_url()).content.decode())
    assert 'value="2"' in body
    assert "+8\u00a0€ par foyer et par an" in body
    assert Decimal(scenario.levers["cantine"]) == 2
