from __future__ import annotations

import html
import json
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from simulator.models import Scenario
from simulator.services import scenario_create, scenario_state
from simulator.state import ScenarioState
from tests.factories import make_user
from tests.simulator.factories import make_measure, pool_budget

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool():
    budget, lines = pool_budget()
    make_measure(
        budget,
        lines["pool_staff"],
        slug="piscine-lundi",
        title="Fermer la piscine le lundi",
        amount=Decimal("-45000"),
    )
    return budget, lines


def _saved(budget, owner, **state):
    return scenario_create(budget=budget, owner=owner, state=ScenarioState(**state), title="Plan A")


def test_saving_keeps_what_the_visitor_simulated(client, pool):
    budget, lines = pool
    user = make_user()
    client.force_login(user)
    client.post(
        f"/budgets/{budget.slug}/simulateur/",
        {
            "measures": ["piscine-lundi"],
            "line__FD-60612-814": "-10",
            "horizon": "4",
            "target": "30000",
        },
    )

    response = client.post(f"/budgets/{budget.slug}/simulateur/enregistrer/", {"title": "Plan A"})

    scenario = Scenario.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/scenarios/{scenario.pk}/"
    assert scenario.owner == user
    assert scenario.title == "Plan A"
    assert scenario.horizon == 4
    assert scenario.target == Decimal("30000")
    state = scenario_state(scenario)
    assert state.measures == ["piscine-lundi"]
    assert state.line_percents == {"FD-60612-814": Decimal("-10")}


def test_every_change_on_a_saved_scenario_is_saved(client, pool):
    budget, lines = pool
    user = make_user()
    scenario = _saved(budget, user, measures=["piscine-lundi"])
    client.force_login(user)

    response = client.post(
        f"/scenarios/{scenario.pk}/",
        {"line__FD-60612-814": "-20", "horizon": "2"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    scenario.refresh_from_db()
    state = scenario_state(scenario)
    assert state.measures == []  # the box was unticked
    assert state.line_percents == {"FD-60612-814": Decimal("-20")}
    assert scenario.horizon == 2


def test_someone_else_cannot_open_or_change_a_saved_scenario(client, pool):
    budget, lines = pool
    scenario = _saved(budget, make_user(), measures=["piscine-lundi"])
    client.force_login(make_user())

    assert client.get(f"/scenarios/{scenario.pk}/").status_code == 403
    assert client.post(f"/scenarios/{scenario.pk}/", {"horizon": "1"}).status_code == 403
    assert client.post(f"/scenarios/{scenario.pk}/renommer/", {"title": "x"}).status_code == 403
    scenario.refresh_from_db()
    assert scenario.horizon == 3
    assert scenario.title == "Plan A"


def test_anonymous_visitors_are_sent_to_login_for_a_saved_scenario(client, pool):
    budget, lines = pool
    scenario = _saved(budget, make_user())

    response = client.get(f"/scenarios/{scenario.pk}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


def test_the_share_link_shows_the_results_read_only(client, pool):
    budget, lines = pool
    scenario = _saved(budget, make_user(), measures=["piscine-lundi"])

    response = client.get(f"/partage/{scenario.share_token}/")

    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Plan A" in body
    assert "économise 40\u202f500\u00a0€ par an en année pleine" in body
    assert 'id="simulator-form"' not in body
    assert client.post(f"/partage/{scenario.share_token}/").status_code == 405


def test_a_logged_in_user_can_duplicate_a_shared_scenario(client, pool):
    budget, lines = pool
    original = _saved(budget, make_user(), measures=["piscine-lundi"], horizon=5)
    user = make_user()
    client.force_login(user)

    response = client.post(f"/partage/{original.share_token}/dupliquer/")

    copy = Scenario.objects.exclude(pk=original.pk).get()
    assert response["Location"] == f"/scenarios/{copy.pk}/"
    assert copy.owner == user
    assert copy.title == "Plan A (copie)"
    assert scenario_state(copy).measures == ["piscine-lundi"]
    assert copy.horizon == 5
    assert copy.share_token != original.share_token


def test_two_scenarios_compare_side_by_side(client, pool):
    budget, lines = pool
    a = _saved(budget, make_user(), measures=["piscine-lundi"])
    b = _saved(budget, make_user(), line_percents={"FD-60612-814": Decimal("-50")})

    response = client.get(f"/scenarios/comparer/?a={a.share_token}&b={b.share_token}")

    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "40\u202f500\u00a0€" in body
    assert "50\u202f000\u00a0€" in body
    assert 'id="chart-compare"' in body


def test_comparing_with_a_bad_link_is_not_found(client, pool):
    budget, lines = pool
    a = _saved(budget, make_user())

    assert client.get(f"/scenarios/comparer/?a={a.share_token}&b=nimporte").status_code == 404


def test_the_json_export_carries_the_choices_and_the_engine_output(client, pool):
    budget, lines = pool
    scenario = _saved(budget, make_user(), measures=["piscine-lundi"], horizon=2)

    response = client.get(f"/partage/{scenario.share_token}/export.json")

    data = json.loads(response.content)
    assert response["Content-Disposition"] == 'attachment; filename="plan-a.json"'
    assert data["scenario"]["measures"] == [
        {"slug": "piscine-lundi", "title": "Fermer la piscine le lundi"}
    ]
    assert [y["net_saving"] for y in data["result"]["years"]] == [40500.0, 40500.0]
    assert {line["code"] for line in data["result"]["lines"]} == {"FD-64111-413", "FR-70631-413"}


def test_the_xlsx_export_has_lines_effects_and_ratios(client, pool):
    budget, lines = pool
    scenario = _saved(budget, make_user(), measures=["piscine-lundi"], horizon=2)

    response = client.get(f"/partage/{scenario.share_token}/export.xlsx")

    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["Synthèse", "Mesures", "Lignes modifiées", "Ratios par année"]
    lines_sheet = workbook["Lignes modifiées"]
    rows = list(lines_sheet.iter_rows(min_row=2, values_only=True))
    # Tickets: 100 000 baseline, induced −4 500 (0.1 × −45 000).
    assert ("FR-70631-413", "Billetterie piscine", 1, 100000, 0, -4500, 95500) in rows
    assert lines_sheet.freeze_panes == "A2"
    ratios = workbook["Ratios par année"]
    header = [c.value for c in ratios[1]]
    year1 = dict(zip(header, [c.value for c in ratios[2]], strict=True))
    # Épargne brute: RRF 1 000 000 − 4 500 ; DRF 800 000 − 45 000.
    assert year1["Épargne brute (€)"] == 1000000 - 4500 - (800000 - 45000)
    assert ratios["B2"].number_format.startswith("#,##0.00")


def test_an_anonymous_visitor_can_export_the_session_scenario(client, pool):
    budget, lines = pool
    client.post(f"/budgets/{budget.slug}/simulateur/", {"measures": ["piscine-lundi"]})

    response = client.get(f"/budgets/{budget.slug}/simulateur/export.json")

    data = json.loads(response.content)
    assert data["result"]["full_year_net_saving"] == 40500.0


def test_my_scenarios_lists_only_mine(client, pool):
    budget, lines = pool
    me, other = make_user(), make_user()
    _saved(budget, me)
    scenario_create(budget=budget, owner=other, state=ScenarioState(), title="Pas à moi")
    client.force_login(me)

    body = client.get("/scenarios/").content.decode()

    assert "Plan A" in body
    assert "Pas à moi" not in body
