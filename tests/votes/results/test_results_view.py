"""The published results page and its CSV and XLSX exports (issue 5 §4)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from budget.roles import (
    ADMINISTRATOR,
    FACILITATOR,
    FINANCE,
    INSTRUCTOR,
    MODERATOR,
    OFFICER,
)
from tests.factories import make_user
from tests.votes.factories import make_campaign, make_category
from tests.votes.results.test_results_services import cast, on_ballot, projects_campaign
from votes.campaigns.models import PHASE_ORDER, Campaign, Phase

pytestmark = pytest.mark.django_db

BEFORE_TALLY = [p for p in PHASE_ORDER if PHASE_ORDER.index(p) < PHASE_ORDER.index(Phase.TALLY)]
FROM_TALLY = [p for p in PHASE_ORDER if p not in BEFORE_TALLY]
TEAM = [ADMINISTRATOR, FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER]


def url(campaign: Campaign, name: str = "votes:results") -> str:
    return reverse(name, kwargs={"slug": campaign.slug})


def test_urls_are_named():
    assert reverse("votes:results", kwargs={"slug": "c"}) == "/campagnes/c/resultats/"
    assert reverse("votes:results_csv", kwargs={"slug": "c"}) == "/campagnes/c/resultats.csv"
    assert reverse("votes:results_xlsx", kwargs={"slug": "c"}) == "/campagnes/c/resultats.xlsx"


@pytest.mark.parametrize("phase", FROM_TALLY)
def test_the_results_are_public_from_the_tally_on(client, phase):
    s = projects_campaign(phase=phase)

    response = client.get(url(s.campaign))

    assert response.status_code == 200
    assert "votes/results/page.html" in [t.name for t in response.templates]


@pytest.mark.parametrize("phase", [p for p in BEFORE_TALLY if p != Phase.DRAFT])
@pytest.mark.parametrize("roles", [(), *[(role,) for role in TEAM]])
def test_no_count_per_proposal_is_shown_before_the_tally(client, phase, roles):
    s = projects_campaign(phase=phase)
    if roles:
        client.force_login(make_user(roles=roles))

    response = client.get(url(s.campaign))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Les résultats ne sont pas encore publiés" in body
    assert s.p1.public_reference not in body
    assert "retenu" not in body


@pytest.mark.parametrize("roles", [(role,) for role in TEAM])
def test_the_team_sees_the_turnout_while_the_vote_is_open(client, roles):
    s = projects_campaign(phase=Phase.VOTING)
    client.force_login(make_user(roles=roles))

    body = client.get(url(s.campaign)).content.decode()

    assert "Participation (visible par l'équipe seulement)" in body
    # See projects_campaign: 5 online, 1 code, 1 paper, 1 void paper ballot; 8 in all.
    assert '<th scope="row">En ligne</th><td class="num">5</td>' in body
    assert '<th scope="row">Bulletins papier nuls (comptés à part)</th><td class="num">1</td>' in (
        body
    )
    assert '<th scope="row">Total</th><td class="num">8</td>' in body


def test_the_public_does_not_see_the_turnout_while_the_vote_is_open(client):
    s = projects_campaign(phase=Phase.VOTING)
    client.force_login(make_user())

    body = client.get(url(s.campaign)).content.decode()

    assert "Participation" not in body


@pytest.mark.parametrize("roles", [(), (FACILITATOR,), (OFFICER,)])
def test_a_draft_is_not_found(client, roles):
    campaign = make_campaign(phase=Phase.DRAFT)
    if roles:
        client.force_login(make_user(roles=roles))

    assert client.get(url(campaign)).status_code == 404


def test_an_unknown_campaign_is_not_found(client):
    assert client.get("/campagnes/absente/resultats/").status_code == 404


@pytest.mark.parametrize("name", ["votes:results_csv", "votes:results_xlsx"])
@pytest.mark.parametrize("roles", [(), (ADMINISTRATOR,)])
def test_the_exports_do_not_exist_before_the_tally(client, name, roles):
    s = projects_campaign(phase=Phase.VOTING)
    if roles:
        client.force_login(make_user(roles=roles))

    assert client.get(url(s.campaign, name)).status_code == 404


def test_the_table_shows_each_proposal_with_its_status_in_french(client):
    s = projects_campaign()

    body = client.get(url(s.campaign)).content.decode()

    proposal_url = reverse(
        "votes:proposal", kwargs={"slug": s.campaign.slug, "reference": s.p1.reference}
    )
    assert f'<th scope="row"><a href="{proposal_url}">{s.p1.public_reference}</a></th>' in body
    assert "<strong>retenu</strong>" in body
    assert "non retenu — ne tient pas dans l&#x27;enveloppe restante" in body
    assert "non retenu — sous le seuil" in body
    # By hand (projects_campaign): 60,000 + 30,000 spent, 10,000 left.
    assert "90\u202f000\u00a0€ engagés sur une enveloppe de 100\u202f000\u00a0€" in body
    assert "reste 10\u202f000\u00a0€" in body
    assert "2 propositions retenues." in body
    assert s.p5.public_reference not in body


def test_the_rows_come_in_rank_order_with_their_counts_by_channel(client):
    s = projects_campaign()

    response = client.get(url(s.campaign))

    (view,) = response.context["categories"]
    assert [(r.label, r.by_channel, r.approvals) for r in view.rows] == [
        (s.p1.public_reference, [3, 1, 1], 5),
        (s.p3.public_reference, [4, 0, 0], 4),
        (s.p2.public_reference, [4, 0, 0], 4),
        (s.p4.public_reference, [1, 0, 0], 1),
    ]
    # No import ballot in this campaign: no "Import" column.
    assert response.context["channels"] == ["En ligne", "Code de vote", "Papier"]


def test_the_rule_is_printed_in_plain_words_with_the_tie_rule_and_the_threshold(client):
    s = projects_campaign()

    body = client.get(url(s.campaign)).content.decode()

    assert "Les projets sont classés par nombre de voix" in body
    assert (
        "À égalité de voix, le projet le moins cher passe d&#x27;abord, puis la plus petite "
        "référence." in body
    )
    assert "Seuil : une proposition doit recueillir au moins 2 voix pour être retenue." in body


def test_the_mes_rule_says_among_how_many_voters_the_envelope_is_shared(client):
    s = projects_campaign(rule="mes")

    body = client.get(url(s.campaign)).content.decode()

    assert "Méthode des parts égales" in body
    assert "entre les 6 votants de la rubrique" in body


def test_a_savings_category_says_whether_the_target_is_met(client):
    campaign = make_campaign(kind=Campaign.Kind.SAVINGS, phase=Phase.TALLY)
    category = make_category(campaign, savings_target=Decimal(50000))
    s1 = on_ballot(campaign, category, cost=Decimal(30000))
    cast(campaign, [s1])

    body = client.get(url(campaign)).content.decode()

    assert "Objectif non atteint : il manque 20\u202f000\u00a0€ par an." in body
    assert "la mesure à la plus petite économie passe d&#x27;abord" in body


def test_every_chart_is_followed_by_its_data_table(client):
    s = projects_campaign()

    response = client.get(url(s.campaign))

    body = response.content.decode()
    (view,) = response.context["categories"]
    assert [chart.title for chart in view.charts] == [
        "Voix par proposition",
        "Consommation de l'enveloppe",
    ]
    assert body.count('<details class="data-table">') == 2
    # Each chart's title sits one level under its category's heading.
    assert body.count('-title">Voix par proposition</h4>') == 1
    assert 'id="rubrique-1-voix"' in body
    assert view.charts[0].rows[0] == [s.p1.public_reference, s.p1.title, 5, "retenu"]
    assert view.charts[1].rows[-1] == ["Reste", "", "10\u202f000\u00a0€", ""]
    assert "/static/vendor/plotly-arbitrages.min.js" in body


def test_the_page_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    s = projects_campaign()
    client.get(url(s.campaign))  # warm up (content types, sessions)
    with django_assert_max_num_queries(8) as few:
        client.get(url(s.campaign))
    for _ in range(10):
        proposal = on_ballot(s.campaign, s.p1.category, cost=Decimal(5))
        cast(s.campaign, [proposal, s.p1], channel="code")

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url(s.campaign))

    assert len(response.context["categories"][0].rows) == 14


def test_the_csv_export_is_utf8_semicolon_separated_with_the_statuses(client):
    s = projects_campaign()

    response = client.get(url(s.campaign, "votes:results_csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="resultats-{s.campaign.slug}.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == [
        "Rubrique",
        "Rang",
        "Référence",
        "Identifiant source",
        "Titre",
        "En ligne",
        "Code de vote",
        "Papier",
        "Import",
        "Voix (total)",
        "Montant (€)",
        "Enveloppe restante ou économie cumulée (€)",
        "Statut",
    ]
    assert rows[1] == [
        "Sport",
        "1",
        s.p1.public_reference,
        "",
        s.p1.title,
        "3",
        "1",
        "1",
        "0",
        "5",
        "60000,00",
        "40000,00",
        "retenu",
    ]
    assert [row[-1] for row in rows[2:]] == [
        "retenu",
        "non retenu — ne tient pas dans l'enveloppe restante",
        "non retenu — sous le seuil",
    ]


def test_the_xlsx_export_has_a_bold_frozen_header_and_euro_amounts(client):
    s = projects_campaign()

    response = client.get(url(s.campaign, "votes:results_xlsx"))

    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Résultats"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet["C2"].value == s.p1.public_reference
    assert sheet["K2"].value == 60000
    assert "€" in sheet["K2"].number_format
    assert sheet["M4"].value == "non retenu — ne tient pas dans l'enveloppe restante"
    turnout = workbook["Participation"]
    assert [[c.value for c in row] for row in turnout.iter_rows(min_row=2)] == [
        ["En ligne", 5],
        ["Code de vote", 1],
        ["Papier", 1],
        ["Import", 0],
        ["Bulletins papier nuls", 1],
        ["Total", 8],
    ]


def test_an_imported_election_shows_its_import_channel(client):
    path = (
        Path(__file__).resolve().parents[3].parent
        / "shared/data/pabulib/Poland_Gdynia_2020_Babie_Doly__small.pb"
    )
    call_command("import_pabulib", str(path), "--campaign", "gdynia", stdout=io.StringIO())

    response = client.get("/campagnes/gdynia/resultats/")

    assert response.context["channels"] == ["Import"]
    assert '<th scope="row">Import</th><td class="num">306</td>' in response.content.decode()


def test_a_campaign_with_several_categories_gets_a_section_and_a_link_for_each(client):
    path = Path(__file__).resolve().parents[3].parent / "shared/data/pabulib"
    call_command(
        "import_pabulib",
        str(path / "Netherlands_Amsterdam_285.pb"),
        "--campaign",
        "a285",
        stdout=io.StringIO(),
    )

    response = client.get("/campagnes/a285/resultats/")

    body = response.content.decode()
    names = ["Straten pleinen en parken", "Gezondheid cultuur en kansen voor iedereen"]
    for index, name in enumerate(names, start=1):
        assert f'<li><a href="#rubrique-{index}">{name}</a></li>' in body
        assert f'<h2 id="rubrique-{index}">{name}</h2>' in body
    assert body.count('<details class="data-table">') == 3 * 2
    assert sum(len(view.rows) for view in response.context["categories"]) == 97


@pytest.mark.parametrize("roles", [(FINANCE,), (ADMINISTRATOR,)])
def test_finance_and_administrators_may_build_the_scenario_of_the_winners_from_here(client, roles):
    s = projects_campaign()
    client.force_login(make_user(roles=roles))

    body = client.get(url(s.campaign)).content.decode()

    assert reverse("votes:council_adopted_scenario", kwargs={"slug": s.campaign.slug}) in body


@pytest.mark.parametrize("roles", [(), (INSTRUCTOR,), (MODERATOR,), (FACILITATOR,), (OFFICER,)])
def test_nobody_else_sees_the_scenario_button(client, roles):
    s = projects_campaign()
    if roles:
        client.force_login(make_user(roles=roles))

    body = client.get(url(s.campaign)).content.decode()

    assert "scenario-adopte" not in body
