from __future__ import annotations

import re
from decimal import Decimal

import pytest

from budget.explorer.views import describe_rule
from budget.models import Budget
from budget.roles import ADMINISTRATOR
from tests.factories import make_budget, make_line, make_rule, make_user

pytestmark = pytest.mark.django_db

NNBSP = "\u202f"
NBSP = "\u00a0"


@pytest.fixture
def pool():
    """Swimming-pool staff (012) moves ticket revenue (70) and is moved by opening hours."""
    budget = make_budget(slug="ville-2026-bp")
    staff = make_line(
        budget,
        chapter="012",
        chapter_label="Charges de personnel",
        account="64111",
        account_label="Rémunération principale",
        function="413",
        function_label="Piscines",
        label="Personnel de la piscine",
        amount=Decimal("200000"),
        floor=Decimal("80000"),
        service="Direction des sports",
    )
    tickets = make_line(
        budget,
        direction="recette",
        chapter="70",
        account="7066",
        function="413",
        label="Billetterie piscine",
        amount=Decimal("60000"),
    )
    energy = make_line(
        budget,
        chapter="011",
        account="60612",
        function="413",
        label="Énergie piscine",
        amount=Decimal("50000"),
    )
    make_rule(
        staff,
        tickets,
        coefficient=Decimal("0.3"),
        lag=1,
        description="Moins d'heures d'ouverture, moins d'entrées.",
    )
    make_rule(energy, staff, coefficient=Decimal("0.1"), lag=0, cumulative=True)
    return budget, staff, tickets, energy


def test_it_shows_the_amount_and_classification_of_a_line(client, pool):
    budget, staff, _tickets, _energy = pool

    response = client.get(f"/budgets/{budget.slug}/lignes/{staff.code}/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Personnel de la piscine</h1>" in body
    assert f"200{NNBSP}000{NBSP}€" in body
    # 200 000 € for 16 000 inhabitants
    assert f"12,50{NBSP}€" in body
    assert "012 — Charges de personnel" in body
    assert "64111 — Rémunération principale" in body
    assert "413 — Piscines" in body
    assert "Direction des sports" in body
    assert f"80{NNBSP}000{NBSP}€" in body  # the floor
    assert "Oui, modifiable dans le simulateur" in body
    assert re.search(r'<span class="term"[^>]*>Plancher<span class="definition"', body)


def test_it_explains_what_the_line_affects_and_what_affects_it(client, pool):
    budget, staff, tickets, energy = pool

    body = client.get(f"/budgets/{budget.slug}/lignes/{staff.code}/").content.decode()

    assert (
        f"Une baisse de 1{NNBSP}000{NBSP}€ de cette ligne entraîne une baisse de "
        f"300{NBSP}€ de « Billetterie piscine » l&#x27;année suivante."
    ) in body
    assert (
        f"Une baisse de 1{NNBSP}000{NBSP}€ de « Énergie piscine » entraîne une baisse de "
        f"100{NBSP}€ de cette ligne la même année."
    ) in body
    assert "L&#x27;effet est cumulatif" in body
    assert "même année" in body  # the lag of the incoming rule, in the rules table
    assert '<td class="num">0,3</td>' in body  # coefficients keep their real decimals
    assert "Moins d&#x27;heures d&#x27;ouverture, moins d&#x27;entrées." in body
    assert f'href="/budgets/{budget.slug}/lignes/{tickets.code}/"' in body
    assert f'href="/budgets/{budget.slug}/lignes/{energy.code}/"' in body


def test_it_charts_the_effect_of_a_ten_percent_change(client, pool):
    budget, staff, _tickets, _energy = pool

    body = client.get(f"/budgets/{budget.slug}/lignes/{staff.code}/").content.decode()

    assert 'id="line-impacts"' in body and "data-plotly=" in body
    plotly = body.index("/static/vendor/plotly-arbitrages.min.js")
    assert plotly < body.index("/static/js/charts.js")
    table = body[body.index('<details class="data-table">') :]
    table = table[: table.index("</details>")]
    # Outgoing: 0,3 × 10 % × 200 000 = 6 000 €; incoming: 0,1 × 10 % × 50 000 = 500 €.
    assert f"20{NNBSP}000{NBSP}€" in table and f"6{NNBSP}000{NBSP}€" in table
    assert f"5{NNBSP}000{NBSP}€" in table and f"500{NBSP}€" in table


def test_a_negative_coefficient_reads_as_a_rise_years_later(client):
    budget = make_budget()
    works = make_line(
        budget,
        section="investissement",
        chapter="21",
        account="2188",
        label="Éclairage LED",
        amount=Decimal("100000"),
    )
    power = make_line(
        budget, chapter="011", account="60612", label="Électricité", amount=Decimal("80000")
    )
    make_rule(works, power, coefficient=Decimal("-0.25"), lag=2)

    body = client.get(f"/budgets/{budget.slug}/lignes/{works.code}/").content.decode()

    assert (
        f"Une baisse de 1{NNBSP}000{NBSP}€ de cette ligne entraîne une hausse de "
        f"250{NBSP}€ de « Électricité » 2 ans plus tard."
    ) in body
    assert '<td class="num">−0,25</td>' in body


def test_describe_rule_keeps_cents_and_says_when_nothing_changes():
    assert describe_rule(
        coefficient=Decimal("0.333333"), lag=0, cumulative=False, source=None, target="B"
    ) == (
        f"Une baisse de 1{NNBSP}000{NBSP}€ de cette ligne entraîne une baisse de "
        f"333,33{NBSP}€ de « B » la même année."
    )
    assert "n'entraîne aucune variation" in describe_rule(
        coefficient=Decimal("0"), lag=1, cumulative=False, source="A", target=None
    )


def test_a_line_without_rules_says_so(client):
    budget = make_budget()
    line = make_line(budget)

    body = client.get(f"/budgets/{budget.slug}/lignes/{line.code}/").content.decode()

    assert "Aucun impact induit" in body
    assert "data-plotly=" not in body


def test_a_compte_administratif_line_shows_both_amounts(client):
    budget = make_budget(stage=Budget.Stage.ADMINISTRATIF)
    line = make_line(budget, amount=Decimal("1000"), realised=Decimal("900"))

    body = client.get(f"/budgets/{budget.slug}/lignes/{line.code}/").content.decode()

    assert 'data-amount="realised"' in body
    assert f"900{NBSP}€" in body and f"1{NNBSP}000{NBSP}€" in body


def test_an_unknown_code_is_404(client):
    budget = make_budget()
    make_line(budget)

    assert client.get(f"/budgets/{budget.slug}/lignes/FD-99999/").status_code == 404


def test_a_line_of_another_budget_is_404(client):
    other = make_budget()
    line = make_line(other, account="60632")
    budget = make_budget()

    assert client.get(f"/budgets/{budget.slug}/lignes/{line.code}/").status_code == 404


def test_a_line_of_an_unpublished_budget_is_404_for_the_public(client):
    budget = make_budget(published=False)
    line = make_line(budget)

    assert client.get(f"/budgets/{budget.slug}/lignes/{line.code}/").status_code == 404
    client.force_login(make_user(roles=(ADMINISTRATOR,)))
    assert client.get(f"/budgets/{budget.slug}/lignes/{line.code}/").status_code == 200
