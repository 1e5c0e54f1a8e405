"""/api/v1/authorities/, /api/v1/budgets/ and a budget's lines: only what the explorer shows."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budget.models import Budget
from tests.factories import make_authority, make_budget, make_line
from tests.votes.api.builders import api, draft_campaign, unpublished_budget
from tests.votes.factories import make_campaign, make_commune

pytestmark = pytest.mark.django_db


def slugs(response) -> list[str]:
    assert response.status_code == 200
    return [item["slug"] for item in response.json()["results"]]


# --- authorities -----------------------------------------------------------------------------


def test_an_authority_is_listed_with_its_communes_once_it_shows_a_budget(client):
    authority = make_authority(name="Lorme", slug="lorme")
    make_budget(authority=authority)
    make_commune(authority, insee_code="45001", name="Lorme-le-Haut")

    body = client.get(api("authority", slug="lorme")).json()

    assert slugs(client.get(api("authorities"))) == ["lorme"]
    assert body["name"] == "Lorme"
    assert body["communes"] == [
        {"insee_code": "45001", "name": "Lorme-le-Haut", "postal_codes": "", "population": None}
    ]


def test_an_authority_with_a_public_campaign_only_is_listed(client):
    campaign = make_campaign()
    Budget.objects.filter(pk=campaign.budget_id).update(published=False)

    assert slugs(client.get(api("authorities"))) == [campaign.authority.slug]


def test_an_authority_with_nothing_public_is_not_found(client):
    hidden = unpublished_budget().authority
    draft = draft_campaign()
    Budget.objects.filter(pk=draft.budget_id).update(published=False)

    assert slugs(client.get(api("authorities"))) == []
    assert client.get(api("authority", slug=hidden.slug)).status_code == 404
    assert client.get(api("authority", slug=draft.authority.slug)).status_code == 404


def test_authorities_filter_by_kind(client):
    make_budget(authority=make_authority(slug="metropole", kind="epci"))
    make_budget(authority=make_authority(slug="bourg"))

    assert slugs(client.get(api("authorities"), {"kind": "epci"})) == ["metropole"]


def test_an_authority_names_the_metropolis_it_belongs_to_and_the_members_can_be_listed(client):
    metropolis = make_authority(name="Métropole", slug="metropole", kind="epci")
    saran = make_authority(name="Saran", slug="saran", member_of=metropolis)
    make_budget(authority=make_authority(name="Bourg", slug="bourg"))
    for authority in (metropolis, saran):
        make_budget(authority=authority)

    assert client.get(api("authority", slug="saran")).json()["member_of"] == "metropole"
    assert client.get(api("authority", slug="metropole")).json()["member_of"] is None
    assert slugs(client.get(api("authorities"), {"member_of": "metropole"})) == ["saran"]


# --- budgets ---------------------------------------------------------------------------------


def test_an_unpublished_budget_is_absent_with_its_lines(client):
    budget = unpublished_budget()

    assert slugs(client.get(api("budgets"))) == []
    assert client.get(api("budget", slug=budget.slug)).status_code == 404
    assert client.get(api("budget_lines", slug=budget.slug)).status_code == 404


def test_a_budget_gives_its_figures_as_decimal_strings_and_its_links(client):
    budget = make_budget(debt_start=Decimal("1250000.5"), savings_target=Decimal(300000))

    body = client.get(api("budget", slug=budget.slug)).json()

    assert body["debt_start"] == "1250000.50"
    assert body["savings_target"] == "300000.00"
    assert body["stage_label"] == "Budget primitif"
    assert body["page"] == f"http://testserver/budgets/{budget.slug}/"
    assert body["lines"] == f"http://testserver/api/v1/budgets/{budget.slug}/lines/"


def test_budgets_filter_by_authority_year_and_stage(client):
    lorme = make_authority(slug="lorme")
    make_budget(authority=lorme, year=2025)
    wanted = make_budget(authority=lorme, year=2026, stage=Budget.Stage.ADMINISTRATIF)
    make_budget(authority=lorme, year=2026)
    make_budget(year=2026, stage=Budget.Stage.ADMINISTRATIF)

    found = slugs(client.get(api("budgets"), {"authority": "lorme", "year": 2026, "stage": "ca"}))

    assert found == [wanted.slug]


@pytest.mark.parametrize(
    ("parameters", "field", "message"),
    [
        ({"stage": "zz"}, "stage", "Sélectionnez un choix valide"),
        ({"year": "deux-mille"}, "year", "Saisissez un nombre entier."),
        ({"year": ""}, "year", "Valeur vide : donnez une valeur, ou retirez le paramètre."),
        ({"authority": "a b"}, "authority", "que des lettres, des nombres"),
    ],
)
def test_a_refused_filter_is_a_400_naming_it(client, parameters, field, message):
    make_budget()

    response = client.get(api("budgets"), parameters)

    assert response.status_code == 400
    assert message in " ".join(response.json()[field])


# --- lines -----------------------------------------------------------------------------------


def test_lines_come_in_the_file_order_with_the_explorer_columns_only(client):
    budget = make_budget()
    make_line(budget, account="60612", amount=Decimal("1500.5"), label="Électricité")
    make_line(budget, chapter="012", account="64111", floor=Decimal(10), service="RH secret")

    lines = client.get(api("budget_lines", slug=budget.slug)).json()["results"]

    assert [line["account"] for line in lines] == ["60612", "64111"]
    assert lines[0]["amount"] == "1500.50"
    assert lines[0]["label"] == "Électricité"
    assert lines[0]["realised"] is None
    assert "floor" not in lines[1] and "service" not in lines[1]
    assert "RH secret" not in str(lines)


def test_the_realised_amount_is_given_for_a_compte_administratif(client):
    budget = make_budget(stage=Budget.Stage.ADMINISTRATIF)
    make_line(budget, amount=Decimal(1000), realised=Decimal("987.6"))

    line = client.get(api("budget_lines", slug=budget.slug)).json()["results"][0]

    assert line["realised"] == "987.60"


def test_lines_filter_by_section_chapter_and_account_prefix(client):
    budget = make_budget()
    make_line(budget, account="60612")
    make_line(budget, account="60613")
    make_line(budget, chapter="012", account="64111")
    make_line(budget, section="investissement", chapter="21", account="2183")

    def accounts(**parameters):
        response = client.get(api("budget_lines", slug=budget.slug), parameters)
        return [line["account"] for line in response.json()["results"]]

    assert accounts(account="606") == ["60612", "60613"]
    assert accounts(chapter="012") == ["64111"]
    assert accounts(section="investissement") == ["2183"]


def test_lines_come_in_pages_with_links(client):
    budget = make_budget()
    for account in ("60611", "60612", "60613"):
        make_line(budget, account=account)
    url = api("budget_lines", slug=budget.slug)

    first = client.get(url, {"page_size": 2}).json()
    second = client.get(first["next"]).json()

    assert first["count"] == 3
    assert [line["account"] for line in first["results"]] == ["60611", "60612"]
    assert [line["account"] for line in second["results"]] == ["60613"]
    assert second["next"] is None
    assert client.get(url, {"page": 9}).status_code == 404


@pytest.mark.parametrize("size", ["0", "201", "-1", "deux", ""])
def test_a_page_size_outside_1_to_200_is_refused(client, size):
    budget = make_budget()

    response = client.get(api("budget_lines", slug=budget.slug), {"page_size": size})

    assert response.status_code == 400
    assert response.json() == {"page_size": ["Nombre d'éléments par page : un entier de 1 à 200."]}


@pytest.mark.parametrize("page", ["0", "", "deux", "last", "-1"])
def test_a_page_number_that_is_not_a_whole_number_from_1_is_refused(client, page):
    budget = make_budget()

    response = client.get(api("budget_lines", slug=budget.slug), {"page": page})

    assert response.status_code == 400
    assert response.json() == {"page": ["Numéro de page : un entier à partir de 1."]}


def test_lines_are_read_in_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    budget = make_budget()
    for n in range(30):
        make_line(budget, account=f"606{n:02d}")

    # The rate-limit counter in the database cache (6), the budget, the count, the lines.
    with django_assert_max_num_queries(9):
        response = client.get(api("budget_lines", slug=budget.slug))

    assert response.json()["count"] == 30
