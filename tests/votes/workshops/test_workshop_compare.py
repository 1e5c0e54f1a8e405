"""/gestion/ateliers/<id>/comparaison/: the groups' choices side by side, consensus first."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER
from tests.factories import make_user
from tests.votes.workshops.factories import make_group, make_workshop_setup
from votes.workshops.consolidation import workshop_comparison
from votes.workshops.models import WorkshopGroup
from votes.workshops.services import group_argument_set, group_choices_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    """Table 1 (women) chose the pool and the lights, Table 2 the lights, Table 3 nothing."""
    setup = make_workshop_setup()
    one = make_group(setup, "Table 1", kind=WorkshopGroup.Kind.WOMEN)
    two = make_group(setup, "Table 2", kind=WorkshopGroup.Kind.MEN)
    make_group(setup, "Table 3", kind=WorkshopGroup.Kind.WOMEN)
    group_choices_save(group=one, measures=["piscine-lundi", "eclairage-nuit"])
    group_choices_save(group=two, measures=["eclairage-nuit"])
    group_argument_set(group=one, measure=setup.lights, text="Les voisins le font déjà.")
    return setup


def url(setup) -> str:
    return f"/gestion/ateliers/{setup.workshop.pk}/comparaison/"


def body(response) -> str:
    return html.unescape(response.content.decode())


def row(page: str, measure) -> str:
    start = page.index(f'<tr id="measure-{measure.pk}"')
    return page[start : page.index("</tr>", start)]


def test_the_comparison_reads_choices_arguments_and_the_engine_figures(setup):
    data = workshop_comparison(setup.workshop)

    assert [view.group.name for view in data.groups] == ["Table 1", "Table 2", "Table 3"]
    assert [row.title for row in data.comparison.rows] == [
        "Éteindre l'éclairage la nuit",
        "Fermer la piscine le lundi",
    ]
    assert data.comparison.consensus_ids == [setup.lights.pk]
    assert data.comparison.full_year.values == (
        Decimal("70500.00"),
        Decimal("30000.00"),
        Decimal("0.00"),
    )
    assert data.target == Decimal("50000")
    assert [(g.name, text) for g, text in data.arguments_for(setup.lights.pk)] == [
        ("Table 1", "Les voisins le font déjà.")
    ]
    assert [g.name for g in data.groups_for(setup.lights.pk)] == ["Table 1", "Table 2"]


def test_the_matrix_marks_choices_for_every_reader_and_labels_the_consensus(client, setup):
    client.force_login(setup.facilitator)

    response = client.get(url(setup))

    page = body(response)
    assert response.status_code == 200
    assert "<h1>Comparaison des groupes — Atelier du panel</h1>" in page
    lights = row(page, setup.lights)
    assert 'class="consensus"' in lights
    assert '<span class="badge consensus-badge">consensus</span>' in lights
    assert (
        lights.count('<span aria-hidden="true">✓</span><span class="visually-hidden">choisie') == 2
    )
    assert lights.count('<span class="visually-hidden">non choisie</span>') == 1
    assert "2 sur 3" in lights
    pool = row(page, setup.pool)
    assert "consensus" not in pool and "1 sur 3" in pool
    assert "ici par 2 groupes sur 3" in page


def test_each_group_net_saving_and_the_spread_are_shown_with_charts(client, setup):
    client.force_login(setup.facilitator)

    page = body(client.get(url(setup)))

    savings = page[page.index('id="savings-caption"') : page.index('id="spread-caption"')]
    assert re.search(
        r"Table 1.*?70\u202f500\u00a0€.*?63\u202f000\u00a0€.*?\+20\u202f500\u00a0€", savings, re.S
    )
    assert re.search(
        r"Table 2.*?30\u202f000\u00a0€.*?22\u202f500\u00a0€.*?−20\u202f000\u00a0€", savings, re.S
    )
    spread = page[
        page.index('id="spread-caption"') : page.index(
            "</table>", page.index('id="spread-caption"')
        )
    ]
    assert re.search(r"Minimum.*?0\u00a0€.*?Table 3", spread, re.S)
    assert re.search(r"Médiane.*?30\u202f000\u00a0€", spread, re.S)
    assert re.search(r"Maximum.*?70\u202f500\u00a0€.*?Table 1", spread, re.S)
    assert 'id="chart-workshop-spread"' in page
    assert 'id="chart-workshop-consensus"' in page
    assert (
        "Voir les données du graphique « Économie nette de chaque groupe face à l'objectif »"
        in page
    )


def test_the_split_by_kind_gives_the_share_of_each_kind_choosing_each_measure(client, setup):
    client.force_login(setup.facilitator)

    page = body(client.get(url(setup)))

    kinds = page[
        page.index('id="kinds-caption"') : page.index("</table>", page.index('id="kinds-caption"'))
    ]
    assert 'Femmes<br><span class="help">2 groupes' in kinds
    assert 'Hommes<br><span class="help">1 groupe' in kinds
    pool = kinds[kinds.index("Fermer la piscine") :]
    assert "1 sur 2 (50\u00a0%)" in pool and "0 sur 1 (0\u00a0%)" in pool


def test_without_kinds_there_is_no_split(client):
    setup = make_workshop_setup()
    group_choices_save(group=make_group(setup, "Table 1"), measures=["piscine-lundi"])
    client.force_login(setup.facilitator)

    page = body(client.get(url(setup)))

    assert "Choix par type de groupe" not in page
    assert "Fermer la piscine le lundi" in page


def test_a_scenario_the_campaign_rules_refuse_shows_why_and_stays_out_of_the_spread(client, setup):
    setup.campaign.max_policy_areas = 1
    setup.campaign.save()
    client.force_login(setup.facilitator)

    page = body(client.get(url(setup)))

    assert "Scénario impossible :" in page
    data = workshop_comparison(setup.workshop)
    assert data.comparison.full_year.values[0] is None
    assert data.comparison.full_year.minimum == Decimal("0.00")


def test_a_workshop_without_groups_says_so(client):
    setup = make_workshop_setup()
    client.force_login(setup.facilitator)

    response = client.get(url(setup))

    assert response.status_code == 200
    assert "Aucun groupe : ajoutez-en depuis la page de l'atelier." in body(response)


def _queries(client, setup) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(setup)).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_however_many_groups(client, setup):
    client.force_login(setup.facilitator)
    three = _queries(client, setup)
    for n in range(4, 9):
        group_choices_save(group=make_group(setup, f"Table {n}"), measures=["piscine-lundi"])

    assert _queries(client, setup) == three


def test_an_administrator_sees_any_workshop_comparison(client, setup):
    client.force_login(make_user(roles=(ADMINISTRATOR,)))

    assert client.get(url(setup)).status_code == 200


@pytest.mark.parametrize(
    "roles", [(), (INSTRUCTOR,), (FINANCE,), (MODERATOR,), (OFFICER,), (FACILITATOR,)]
)
def test_nobody_else_sees_the_comparison(client, setup, roles):
    # (FACILITATOR,): another facilitator, who does not run this workshop.
    client.force_login(make_user(roles=roles))

    assert client.get(url(setup)).status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, setup):
    response = client.get(url(setup))

    assert response.status_code == 302
    assert response["Location"] == f"/connexion/?next={url(setup)}"


def test_an_unknown_workshop_is_not_found(client, setup):
    client.force_login(setup.facilitator)

    assert client.get("/gestion/ateliers/999999/comparaison/").status_code == 404
