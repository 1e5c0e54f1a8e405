"""The facilitator's live dashboard: figures by the engine, a cheap polled partial."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER
from tests.factories import make_user
from tests.votes.workshops.factories import make_group, make_workshop_setup
from votes.workshops.models import WorkshopGroup
from votes.workshops.progress import rows_fingerprint
from votes.workshops.services import dashboard_rows, group_choices_save

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def setup():
    setup = make_workshop_setup()
    pool = make_group(setup, "Table 1", kind=WorkshopGroup.Kind.WOMEN)
    lights = make_group(setup, "Table 2")
    make_group(setup, "Table 3")
    group_choices_save(group=pool, measures=["piscine-lundi"])
    group_choices_save(group=lights, measures=["eclairage-nuit"])
    return setup


def url(setup) -> str:
    return f"/gestion/ateliers/{setup.workshop.pk}/suivi/"


def test_each_group_has_its_net_savings_progress_and_measures(setup):
    now = timezone.now() + dt.timedelta(minutes=2, seconds=5)

    rows = dashboard_rows(setup.workshop, now=now)

    assert [row.name for row in rows] == ["Table 1", "Table 2", "Table 3"]
    pool, lights, empty = rows
    # 45 000 of staff, minus 10 % of it in lost tickets: 40 500 a year, from the first year.
    assert (pool.full_year_net_saving, pool.first_year_net_saving) == (
        Decimal("40500.00"),
        Decimal("40500.00"),
    )
    assert (pool.progress, pool.kind, pool.measures) == (
        81,
        "Femmes",
        ["Fermer la piscine le lundi"],
    )
    assert pool.since == "il y a 2 min"
    # The lights go off in the spring: 30 000 × 0.75 the first year.
    assert (lights.full_year_net_saving, lights.first_year_net_saving) == (
        Decimal("30000.00"),
        Decimal("22500.00"),
    )
    assert lights.progress == 60
    assert (empty.full_year_net_saving, empty.progress, empty.measures) == (Decimal("0.00"), 0, [])
    assert empty.since == "aucune modification"


def test_a_scenario_the_campaign_rules_refuse_shows_why(setup):
    setup.campaign.max_policy_areas = 1
    setup.campaign.save()
    group = setup.workshop.groups.get(name="Table 3")
    group_choices_save(group=group, measures=["piscine-lundi", "eclairage-nuit"])

    rows = dashboard_rows(setup.workshop)

    refused = rows[2]
    assert refused.full_year_net_saving is None and refused.progress is None
    assert refused.errors and "politique" in refused.errors[0]


def test_a_workshop_without_groups_has_no_rows():
    assert dashboard_rows(make_workshop_setup().workshop) == []


def test_the_page_shows_the_table_the_chart_and_polls_its_partial(client, setup):
    client.force_login(setup.facilitator)

    response = client.get(url(setup))

    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "<h1>Suivi en direct — Atelier du panel</h1>" in body
    assert 'hx-trigger="every 5s"' in body
    assert f'hx-get="{url(setup)}?v=' in body
    assert 'id="chart-workshop-progress"' in body
    assert "Objectif : 50\u202f000\u00a0€ d'économies par an, en année pleine." in body


def test_the_partial_has_every_group_figures_and_no_page_around(client, setup):
    client.force_login(setup.facilitator)

    response = client.get(url(setup), headers=HTMX)

    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "<h1" not in body and "<nav" not in body
    assert body.lstrip().startswith('<div id="progress"')
    assert 'hx-trigger="every 5s"' in body
    table_1 = body[body.index('id="group-') : body.index("Table 2")]
    assert "Table 1" in table_1 and "Femmes" in table_1
    assert 'value="81"' in table_1 and "81\u00a0%" in table_1
    assert "1 mesure" in table_1 and "Fermer la piscine le lundi" in table_1
    assert "40\u202f500\u00a0€" in table_1
    assert "à l'instant" in table_1
    assert "30\u202f000\u00a0€" in body and "22\u202f500\u00a0€" in body
    assert 'id="chart-workshop-progress"' in body


def test_an_unchanged_dashboard_answers_204_so_nothing_is_redrawn(client, setup):
    client.force_login(setup.facilitator)
    fingerprint = rows_fingerprint(dashboard_rows(setup.workshop))

    unchanged = client.get(f"{url(setup)}?v={fingerprint}", headers=HTMX)
    group_choices_save(group=setup.workshop.groups.get(name="Table 3"), measures=["eclairage-nuit"])
    changed = client.get(f"{url(setup)}?v={fingerprint}", headers=HTMX)

    assert unchanged.status_code == 204 and unchanged.content == b""
    assert changed.status_code == 200
    assert "30\u202f000\u00a0€" in changed.content.decode()


def _partial_queries(client, setup) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(setup), headers=HTMX)
    assert response.status_code == 200
    return len(queries)


def test_the_polled_partial_costs_the_same_few_queries_however_many_groups(client, setup):
    client.force_login(setup.facilitator)
    three_groups = _partial_queries(client, setup)
    for n in range(4, 10):
        group = make_group(setup, f"Table {n}")
        group_choices_save(group=group, measures=["piscine-lundi", "eclairage-nuit"])

    nine_groups = _partial_queries(client, setup)

    assert nine_groups == three_groups
    assert three_groups <= 14


def test_an_administrator_follows_any_workshop(client, setup):
    client.force_login(make_user(roles=(ADMINISTRATOR,)))

    assert client.get(url(setup)).status_code == 200


@pytest.mark.parametrize(
    "roles", [(), (INSTRUCTOR,), (FINANCE,), (MODERATOR,), (OFFICER,), (FACILITATOR,)]
)
def test_nobody_else_sees_the_dashboard(client, setup, roles):
    # (FACILITATOR,): another facilitator, who does not run this workshop.
    client.force_login(make_user(roles=roles))

    assert client.get(url(setup)).status_code == 403
    assert client.get(url(setup), headers=HTMX).status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, setup):
    response = client.get(url(setup))
    polled = client.get(url(setup), headers=HTMX)

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")
    assert polled["HX-Redirect"].startswith("/connexion/?next=")
