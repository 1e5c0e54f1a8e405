"""The demo's revenue levers (sheet `leviers` of fixtures/demo_params.xlsx): each one moves a
scenario on the demo budget and shows its per-household effect, as `make run` shows them."""

from __future__ import annotations

import html
from io import StringIO

import pytest
from django.core.management import call_command

from budget.imports.levers import LEVER_COLUMNS
from budget.models import Budget
from fixtures import make_demo
from simulator.inputs import budget_levers, run_scenario
from simulator.state import ScenarioState

pytestmark = pytest.mark.django_db


@pytest.fixture
def budget(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    return Budget.objects.get()


def test_the_demo_generator_writes_the_lever_columns_the_import_reads():
    # make_demo.py runs without Django, so it keeps its own copy of the header: held equal here.
    assert make_demo.LEVER_HEADER == LEVER_COLUMNS


def test_the_demo_defines_the_levers_of_its_sheet(budget):
    # The property tax row fills the budget's own fields; the others are the engine's levers.
    assert [lever.slug for lever in budget_levers(budget)] == [
        row[0] for row in make_demo.LEVERS if row[1] != "taxe_fonciere"
    ]
    assert budget.property_tax_rate == make_demo.PROPERTY_TAX_RATE


def test_the_canteen_at_three_fifty_brings_its_revenue_and_its_linked_impact(budget):
    result, _inputs = run_scenario(budget, ScenarioState(levers={"tarif-cantine": "3.5"}))
    # 167 600 meals × 0,35 € = 58 660 € a year (8,26 € per household); fewer meals then, so
    # 0,22 € less food bought per euro of revenue (the impacts sheet): 12 905,20 € induced.
    assert result.full_year_direct_saving == pytest.approx(58_660)
    assert result.full_year_induced_saving == pytest.approx(12_905.2)
    assert result.lever_effects[0].household_yearly_change == pytest.approx(58_660 / 7_100)


def test_the_demo_loan_interest_is_counted_once(budget):
    result, _inputs = run_scenario(
        budget, ScenarioState(horizon=2, levers={"emprunt-nouveau": 1_000_000})
    )
    # The `impacts` sheet's own rule IR-1641-01 → FD-66111-01 at 3,5 %: 35 000 € from year 2.
    assert result.net_saving.tolist() == pytest.approx([0, -35_000])


@pytest.mark.parametrize(
    ("slug", "value"),
    [("tarif-cantine", "3.5"), ("tarif-piscine", "5"), ("emprunt-nouveau", "500000")],
)
def test_every_lever_of_the_demo_moves_the_screen_and_shows_its_household_effect(
    client, budget, slug, value
):
    page = html.unescape(client.get(f"/budgets/{budget.slug}/simulateur/").content.decode())
    assert f'name="lever__{slug}"' in page
    response = client.post(
        f"/budgets/{budget.slug}/simulateur/",
        {"horizon": "3", f"lever__{slug}": value},
        headers={"HX-Request": "true"},
    )
    body = html.unescape(response.content.decode())
    assert "ne change encore rien" not in body
    assert "par foyer et par an" in body
