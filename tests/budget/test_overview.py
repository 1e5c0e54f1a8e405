from __future__ import annotations

import re
from decimal import Decimal

import pytest

from budget.roles import FACILITATOR, FINANCE
from tests.factories import make_authority, make_budget, make_line, make_user

pytestmark = pytest.mark.django_db

NNBSP = "\u202f"
NBSP = "\u00a0"


def eur(text: str) -> str:
    """ "490 000" -> the French rendering of the money filter."""
    return text.replace(" ", NNBSP) + NBSP + "€"


def figure(body: str, attribute: str, key: str) -> str:
    match = re.search(rf'data-{attribute}="{key}">(.*?)</li>', body, re.S)
    assert match, f"no figure {key}"
    return match.group(1)


def figure_classes(body: str, key: str) -> str:
    match = re.search(rf'<li class="([^"]*)" data-ratio="{key}">', body)
    assert match
    return match.group(1)


def eight_line_budget(**budget_fields):
    """Operating: 013, 70, 73 and a 775 sale in revenue; 011, 012, 66 in expenditure.
    Investment: chapter 16 repayment with a 166 and a 16449 line, a new loan; one ordre line."""
    authority = make_authority(population=budget_fields.pop("population", 1000))
    budget = make_budget(authority=authority, debt_start=Decimal("500000"), **budget_fields)
    revenue = {"direction": "recette"}
    make_line(budget, chapter="013", account="6419", amount=Decimal("10000"), **revenue)
    make_line(
        budget,
        chapter="70",
        account="7066",
        amount=Decimal("50000"),
        function="413",
        function_label="Piscine",
        label="Billetterie piscine",
        **revenue,
    )
    make_line(budget, chapter="73", account="73111", amount=Decimal("400000"), **revenue)
    make_line(budget, chapter="77", account="775", amount=Decimal("30000"), **revenue)
    make_line(
        budget,
        chapter="011",
        account="60612",
        amount=Decimal("120000"),
        function="212",
        function_label="Écoles primaires",
        label="Électricité des écoles",
    )
    make_line(budget, chapter="012", account="64111", amount=Decimal("250000"))
    make_line(budget, chapter="66", account="66111", amount=Decimal("20000"))
    invest = {"section": "investissement", "chapter": "16"}
    make_line(budget, account="1641", amount=Decimal("40000"), **invest)
    make_line(budget, account="166", amount=Decimal("15000"), **invest)
    make_line(budget, account="16449", amount=Decimal("5000"), **invest)
    make_line(budget, account="1641", amount=Decimal("60000"), direction="recette", **invest)
    make_line(budget, kind="ordre", chapter="042", account="6811", amount=Decimal("35000"))
    return budget


def test_it_shows_real_totals_by_section_and_direction_with_amounts_per_inhabitant(client):
    budget = eight_line_budget()

    response = client.get(f"/budgets/{budget.slug}/")

    assert response.status_code == 200
    body = response.content.decode()
    # Operating revenue: 10 000 + 50 000 + 400 000 + 30 000 (a sale is still a real revenue).
    operating_revenue = figure(body, "total", "fonctionnement-recette")
    assert eur("490 000") in operating_revenue
    assert eur("490") + " " in operating_revenue and "par habitant" in operating_revenue
    assert eur("390 000") in figure(body, "total", "fonctionnement-depense")
    # Investment expenditure: 40 000 + 15 000 + 5 000.
    assert eur("60 000") in figure(body, "total", "investissement-depense")
    assert eur("60") + " " in figure(body, "total", "investissement-depense")
    assert eur("60 000") in figure(body, "total", "investissement-recette")


def test_it_shows_order_operations_apart(client):
    budget = eight_line_budget()

    body = client.get(f"/budgets/{budget.slug}/").content.decode()

    order_table = body[body.index('class="order-totals"') :]
    order_table = order_table[: order_table.index("</table>")]
    assert eur("35 000") in order_table
    # The ordre line is not in the real operating expenditure.
    assert eur("425 000") not in body


def test_it_computes_the_ratios_on_real_lines_only(client):
    budget = eight_line_budget()

    body = client.get(f"/budgets/{budget.slug}/").content.decode()

    rrf = 10_000 + 50_000 + 400_000  # the 775 sale is excluded
    drf = 120_000 + 250_000 + 20_000
    interest = 20_000
    repayment = 40_000  # 166 and 16449 are excluded
    debt_end = 500_000 - repayment + 60_000
    assert eur("460 000") in figure(body, "ratio", "rrf")
    assert eur("390 000") in figure(body, "ratio", "drf")
    assert eur(f"{rrf - (drf - interest):,}".replace(",", " ")) in figure(
        body, "ratio", "epargne_gestion"
    )
    assert eur("70 000") in figure(body, "ratio", "epargne_brute")
    assert eur("70") + " " in figure(body, "ratio", "epargne_brute")
    assert eur("30 000") in figure(body, "ratio", "epargne_nette")
    # 70 000 / 460 000 = 15,2 %
    assert f"15,2{NBSP}%" in figure(body, "ratio", "taux_epargne_brute")
    assert eur("520 000") in figure(body, "ratio", "debt_end")
    assert debt_end == 520_000
    # 520 000 / 70 000 = 7,43 years: under the 12-year ceiling, no alert.
    capacity = figure(body, "ratio", "capacite_desendettement")
    assert "7,4 ans" in capacity
    assert "alert" not in figure_classes(body, "capacite_desendettement")


def test_it_alerts_when_the_debt_capacity_is_above_twelve_years(client):
    budget = make_budget(debt_start=Decimal("1300000"))
    make_line(budget, direction="recette", chapter="73", account="73111", amount=Decimal("200000"))
    make_line(budget, chapter="011", account="60612", amount=Decimal("100000"))

    body = client.get(f"/budgets/{budget.slug}/").content.decode()

    # 1 300 000 / 100 000 = 13 years
    assert "13,0 ans" in figure(body, "ratio", "capacite_desendettement")
    assert "plafond national de 12 ans" in figure(body, "ratio", "capacite_desendettement")
    assert "alert" in figure_classes(body, "capacite_desendettement")


def test_it_alerts_when_the_debt_capacity_is_undefined(client):
    budget = make_budget(debt_start=Decimal("100000"))
    make_line(budget, direction="recette", chapter="73", account="73111", amount=Decimal("100000"))
    make_line(budget, chapter="012", account="64111", amount=Decimal("120000"))

    body = client.get(f"/budgets/{budget.slug}/").content.decode()

    assert "Non définie" in figure(body, "ratio", "capacite_desendettement")
    assert "alert" in figure_classes(body, "capacite_desendettement")
    assert "alert" in figure_classes(body, "epargne_brute")
    assert eur("−20 000") in figure(body, "ratio", "epargne_brute")


def test_it_hides_amounts_per_inhabitant_when_the_population_is_unknown(client):
    budget = eight_line_budget(population=None)

    body = client.get(f"/budgets/{budget.slug}/").content.decode()

    assert "par habitant" not in figure(body, "total", "fonctionnement-recette")
    assert "par habitant" not in figure(body, "ratio", "epargne_brute")


def test_it_draws_the_expenditure_sunburst_by_function_by_default(client):
    budget = eight_line_budget()

    body = client.get(f"/budgets/{budget.slug}/").content.decode()

    assert re.search(r'<div id="budget-sunburst" class="[^"]*" data-plotly="\{', body)
    # No inline script (the Content-Security-Policy): plotly.js, served locally, is loaded
    # before the static script that draws the figure.
    assert "Plotly.newPlot" not in body
    plotly = body.index("/static/vendor/plotly-arbitrages.min.js")
    assert plotly < body.index("/static/js/charts.js")
    # htmx must not restore the swapped chart's class after Plotly.newPlot has set it.
    assert """content='{"attributesToSettle": [], """ in body
    assert re.search(r'<a [^>]*aria-current="true"[^>]*>Par fonction</a>', body)
    assert re.search(r'<a [^>]*aria-current="true"[^>]*>Dépenses</a>', body)
    assert not re.search(r'<a [^>]*aria-current="true"[^>]*>Par nature</a>', body)
    table = body[body.index('<details class="data-table">') :]
    assert "Dépenses réelles par fonction" in table
    assert "Non ventilé" in table and "212 Écoles primaires" in table
    assert "Électricité des écoles" in table
    # The ordre line (6811) is left out of the chart and said so.
    assert "6811" not in table
    assert "opérations d&#x27;ordre" in body or "opérations d'ordre" in body


def test_it_switches_to_revenue_by_nature_with_query_parameters(client):
    budget = eight_line_budget()

    body = client.get(f"/budgets/{budget.slug}/?vue=nature&sens=recette").content.decode()

    assert re.search(r'<a [^>]*aria-current="true"[^>]*>Par nature</a>', body)
    assert re.search(r'<a [^>]*aria-current="true"[^>]*>Recettes</a>', body)
    table = body[body.index('<details class="data-table">') :]
    assert "Recettes réelles par nature" in table
    # 73111 is 400 000 of the 490 000 real revenue: 81,6 % of the total.
    assert "Compte 73111" in table or "73111" in table
    assert f"81,6{NBSP}%" in table
    assert "Électricité des écoles" not in table


def test_it_falls_back_to_the_default_chart_on_unknown_parameters(client):
    budget = eight_line_budget()

    response = client.get(f"/budgets/{budget.slug}/?vue=rien&sens=tout")

    assert response.status_code == 200
    assert re.search(
        r'<a [^>]*aria-current="true"[^>]*>Par fonction</a>', response.content.decode()
    )


def test_the_htmx_toggle_returns_only_the_chart(client):
    budget = eight_line_budget()

    response = client.get(
        f"/budgets/{budget.slug}/?vue=nature&sens=depense", headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="budget-chart"')
    assert 'id="budget-sunburst"' in body
    assert "<h1" not in body and "data-ratio" not in body and "<html" not in body
    assert re.search(r'<a [^>]*aria-current="true"[^>]*>Par nature</a>', body)
    assert 'hx-push-url="true"' in body
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_a_history_restore_gets_the_whole_page(client):
    budget = eight_line_budget()

    response = client.get(
        f"/budgets/{budget.slug}/?vue=nature",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )

    assert "<h1" in response.content.decode()


def test_key_terms_carry_a_glossary_tooltip(client):
    budget = eight_line_budget()

    body = client.get(f"/budgets/{budget.slug}/").content.decode()

    assert '<span class="term" tabindex="0"' in body
    for visible in ("Épargne brute", "Épargne nette", "Capacité de désendettement"):
        assert re.search(rf'<span class="term"[^>]*>{visible}<span class="definition"', body)
    assert 'role="tooltip"' in body


def test_it_is_404_for_an_unknown_budget(client):
    assert client.get("/budgets/nulle-part/").status_code == 404


def test_an_unpublished_budget_is_404_for_the_public_and_other_roles(client):
    budget = make_budget(published=False)

    assert client.get(f"/budgets/{budget.slug}/").status_code == 404
    client.force_login(make_user(roles=(FACILITATOR,)))
    assert client.get(f"/budgets/{budget.slug}/").status_code == 404


def test_an_unpublished_budget_is_visible_to_finance_and_staff(client):
    budget = make_budget(published=False)

    client.force_login(make_user(roles=(FINANCE,)))
    assert client.get(f"/budgets/{budget.slug}/").status_code == 200
    client.force_login(make_user(is_staff=True))
    assert client.get(f"/budgets/{budget.slug}/").status_code == 200


def test_an_empty_budget_still_renders(client):
    budget = make_budget()

    response = client.get(f"/budgets/{budget.slug}/")

    assert response.status_code == 200
    assert "aucune dépense réelle" in response.content.decode()
