from __future__ import annotations

import html
import json
import re
from decimal import Decimal

import pytest

from simulator.models import Scenario
from tests.simulator.factories import make_measure, pool_budget
from tests.votes.factories import make_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool():
    budget, lines = pool_budget(savings_target=Decimal("50000"))
    measure = make_measure(
        budget,
        lines["pool_staff"],
        slug="piscine-lundi",
        title="Fermer la piscine le lundi",
        policy_area="Sport",
        amount=Decimal("-45000"),
    )
    return budget, lines, measure


def test_it_shows_the_catalogue_the_sliders_and_an_empty_result(client, pool):
    budget, lines, measure = pool

    response = client.get(f"/budgets/{budget.slug}/simulateur/")

    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Fermer la piscine le lundi" in body
    # Alone, the measure saves 45 000 of staff but loses 4 500 of tickets: 40 500 a year.
    assert "40\u202f500\u00a0€/an" in body
    assert 'name="line__FD-64111-413"' in body
    assert "ne change encore rien" in body
    assert 'id="chart-waterfall"' in body
    # No measure moves money yet: no sankey, which plotly.js cannot lay out without nodes.
    sankey = re.search(
        r'<div id="chart-sankey" [^>]*data-plotly="([^"]*)"', response.content.decode()
    )
    figure = json.loads(html.unescape(sankey.group(1)))
    assert figure["data"] == []
    assert figure["layout"]["annotations"][0]["text"] == "Aucune mesure ne déplace encore d'argent."


def test_the_htmx_partial_summarises_direct_and_induced_effects(client, pool):
    budget, lines, measure = pool

    response = client.post(
        f"/budgets/{budget.slug}/simulateur/",
        {"measures": ["piscine-lundi"], "horizon": "3", "target": "50000"},
        headers={"HX-Request": "true"},
    )

    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "<h1" not in body  # only the results partial
    assert (
        "Votre scénario économise 40\u202f500\u00a0€ par an en année pleine, dont "
        "−4\u202f500\u00a0€ d'effets induits ; il manque 9\u202f500\u00a0€ pour atteindre "
        "l'objectif de 50\u202f000\u00a0€." in body
    )
    assert 'value="81"' in body  # 40 500 / 50 000 of the way
    for chart in ("chart-waterfall", "chart-sankey", "chart-areas", "chart-ratios"):
        assert f'id="{chart}"' in body
    assert "Billetterie piscine" in body  # the induced line is listed


def test_a_slider_change_is_kept_in_the_session_and_reaches_the_target(client, pool):
    budget, lines, measure = pool

    client.post(
        f"/budgets/{budget.slug}/simulateur/",
        {"line__FD-60612-814": "-60", "horizon": "2", "target": "50000"},
        headers={"HX-Request": "true"},
    )
    response = client.get(f"/budgets/{budget.slug}/simulateur/")

    body = html.unescape(response.content.decode())
    assert 'value="-60"' in body
    assert "économise 60\u202f000\u00a0€ par an en année pleine" in body
    assert "l'objectif de 50\u202f000\u00a0€ est atteint" in body


def test_a_refused_scenario_says_why_and_keeps_the_choices(client, pool):
    budget, lines, measure = pool

    # −80 % of pool staff (300 000) would go below its floor of 100 000.
    response = client.post(
        f"/budgets/{budget.slug}/simulateur/",
        {"line__FD-64111-413": "-80", "horizon": "1"},
        headers={"HX-Request": "true"},
    )

    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert 'role="alert"' in body
    assert "plancher" in body
    assert "Personnel de la piscine" in body
    assert client.session[f"simulator:{budget.slug}"]["line_percents"] == {"FD-64111-413": "-80"}


def test_a_non_adjustable_line_sent_by_hand_is_refused(client, pool):
    budget, lines, measure = pool

    response = client.post(
        f"/budgets/{budget.slug}/simulateur/",
        {"line__FD-66111": "-10"},
        headers={"HX-Request": "true"},
    )

    assert "n'est pas ajustable" in html.unescape(response.content.decode())


def test_anonymous_visitors_cannot_save(client, pool):
    budget, lines, measure = pool

    response = client.post(f"/budgets/{budget.slug}/simulateur/enregistrer/", {"title": "x"})

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")
    assert Scenario.objects.count() == 0


def test_an_unpublished_budget_is_not_found(client):
    budget, lines = pool_budget(published=False)

    assert client.get(f"/budgets/{budget.slug}/simulateur/").status_code == 404


def test_the_open_campaign_caps_how_many_policy_areas_a_scenario_touches(client, pool):
    budget, lines, measure = pool
    make_campaign(budget=budget, max_policy_areas=1)

    response = client.post(
        f"/budgets/{budget.slug}/simulateur/",
        {"line__FD-64111-413": "-5", "line__FD-60612-814": "-5"},
        headers={"HX-Request": "true"},
    )

    body = html.unescape(response.content.decode())
    assert 'role="alert"' in body
    assert "politiques publiques" in body
    assert (
        "Le scénario touche 2 politiques publiques (413 Piscines, 814 Éclairage public) alors "
        "que 1 au plus sont permises." in body
    )
