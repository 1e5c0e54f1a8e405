"""manage.py simulate with the budget's revenue levers ("levers": slug → value)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.simulator.factories import pool_budget, with_levers

pytestmark = pytest.mark.django_db


@pytest.fixture
def budget():
    budget, _lines = with_levers(*pool_budget())
    return budget


def run(tmp_path, budget, scenario, *extra):
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario), encoding="utf-8")
    call_command("simulate", budget.slug, str(path), *extra)


def test_a_lever_moves_the_scenario_with_its_household_effect(tmp_path, capsys, budget):
    run(tmp_path, budget, {"levers": {"cantine": 2}}, "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["full_year_net_saving"] == 50_000
    (lever,) = out["levers"]
    assert lever["slug"] == "cantine" and lever["revenue_delta"] == 50_000
    assert lever["household_yearly_change"] == pytest.approx(50_000 / 6_000)


def test_the_text_output_says_what_each_lever_brings(tmp_path, capsys, budget):
    run(tmp_path, budget, {"levers": {"teom": 12}})
    out = capsys.readouterr().out
    assert "Levier Taxe d'enlèvement des ordures ménagères : 12 au lieu de 10" in out
    assert "+10\u00a0€ par foyer et par an" in out


def test_an_unknown_lever_is_refused(tmp_path, budget):
    with pytest.raises(CommandError) as error:
        run(tmp_path, budget, {"levers": {"octroi": 3}})
    assert str(error.value) == "Levier inconnu pour ce budget : « octroi »."


def test_a_value_out_of_bounds_is_refused_by_the_engine(tmp_path, budget):
    with pytest.raises(CommandError) as error:
        run(tmp_path, budget, {"levers": {"cantine": 9}})
    assert str(error.value) == (
        "Levier « Prix du repas à la cantine » : 9 est hors des bornes fixées (de 1 à 4)."
    )
