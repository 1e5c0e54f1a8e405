"""The statistics screen and its exports: who may see them, what they show ("< 5", the
outside-territory warning, the snapshot's figures once sent), the CSV and XLSX files."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER
from tests.factories import make_user
from tests.votes.factories import make_campaign, make_commune, make_proposal, make_voter
from votes.campaigns.models import Phase
from votes.council.models import CouncilSnapshot
from votes.council.services import snapshot_build, snapshot_text
from votes.voting.models import Ballot

pytestmark = pytest.mark.django_db

ALLOWED = [ADMINISTRATOR, FINANCE, FACILITATOR]
REFUSED = [INSTRUCTOR, MODERATOR, OFFICER]
ROUTES = ["votes:statistics", "votes:statistics_csv", "votes:statistics_xlsx"]


@pytest.fixture
def campaign():
    campaign = make_campaign(phase=Phase.TALLY, slug="budget-2026")
    amont = make_commune(campaign.authority, name="Amont", population=1000)
    for _ in range(12):
        make_proposal(campaign, author=make_voter(commune=amont))
    for _ in range(3):
        make_proposal(campaign, author=make_voter(outside_territory=True))
    for _ in range(7):
        Ballot.objects.create(campaign=campaign, channel="online", voter=make_voter(commune=amont))
    return campaign


def flood(campaign, n: int = 30) -> None:
    for _ in range(n):
        make_proposal(campaign, author=make_voter(outside_territory=True))


def main(response) -> str:
    """The page without the header (its CSRF token changes with every request)."""
    page = response.content.decode()
    return page[page.index('<main id="contenu"') : page.index("</main>")]


def url(name: str, campaign, query: str = "") -> str:
    return reverse(name, kwargs={"slug": campaign.slug}) + query


def login(client, role: str | None):
    user = make_user(roles=(role,)) if role else make_voter(outside_territory=True)
    client.force_login(user)
    return user


@pytest.mark.parametrize("name", ROUTES)
def test_anonymous_visitors_are_sent_to_login(client, campaign, name):
    response = client.get(url(name, campaign))

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")


@pytest.mark.parametrize("name", ROUTES)
@pytest.mark.parametrize("role", [None, *REFUSED])
def test_it_refuses_citizens_and_other_roles(client, campaign, name, role):
    login(client, role)

    assert client.get(url(name, campaign)).status_code == 403


@pytest.mark.parametrize("name", ROUTES)
@pytest.mark.parametrize("role", ALLOWED)
def test_administrator_finance_and_facilitators_see_it(client, campaign, name, role):
    login(client, role)

    assert client.get(url(name, campaign)).status_code == 200


def test_it_refuses_post(client, campaign):
    login(client, ADMINISTRATOR)

    assert client.post(url("votes:statistics", campaign)).status_code == 405


def test_an_unknown_campaign_is_404(client):
    login(client, ADMINISTRATOR)

    assert client.get("/gestion/campagnes/inconnue/statistiques/").status_code == 404


def test_the_screen_shows_charts_tables_and_the_small_cell_rule(client, campaign):
    login(client, FINANCE)

    page = client.get(url("votes:statistics", campaign)).content.decode()

    assert "Statistiques de participation" in page
    assert "toute case qui compterait moins de 5 personnes est affichée « &lt; 5 »" in page
    assert "« masqué » : une case de 5 personnes ou plus cachée" in page
    assert "Participants par phase et canal" in page
    assert "Participants par tranche d&#x27;âge" in page
    assert "Des propositions aux décisions" in page
    assert "Participants pour 1 000 habitants" in page
    assert '<td class="num">&lt; 5</td>' in page  # the 3 outside authors
    assert "Chiffres provisoires" in page
    assert 'id="stat-participants"' in page  # the plotly figure
    # 3 outside authors: too few to be a flood, and their share would give the count back.
    assert "Participations venues de l'extérieur du territoire" not in page


def test_a_flood_from_outside_is_flagged_on_the_screen(client, campaign):
    flood(campaign)
    login(client, FACILITATOR)

    page = client.get(url("votes:statistics", campaign)).content.decode()

    assert "Participations venues de l'extérieur du territoire" in page
    assert "Attention : 33 propositions (73 %) viennent de comptes hors du territoire." in page


def test_after_sending_the_screen_keeps_the_snapshot_figures(client, campaign):
    text = snapshot_text(snapshot_build(campaign))
    admin = login(client, ADMINISTRATOR)
    snapshot = CouncilSnapshot.objects.create(
        campaign=campaign,
        content=text,
        sha256=CouncilSnapshot.fingerprint(text),
        created_by=admin,
    )
    before = main(client.get(url("votes:statistics", campaign)))
    csv_before = client.get(url("votes:statistics_csv", campaign)).content

    flood(campaign)
    campaign.phase = Phase.COUNCIL
    campaign.save()
    after = main(client.get(url("votes:statistics", campaign)))

    assert after == before
    assert client.get(url("votes:statistics_csv", campaign)).content == csv_before
    assert snapshot.sha256 in after
    assert "Seule l'étape « Adoptées par le conseil » est lue en direct" in after
    assert "Attention" not in after


def read_csv(response, delimiter: str) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=delimiter))


def test_the_csv_export_has_every_table_with_less_than_5(client, campaign):
    login(client, ADMINISTRATOR)

    response = client.get(url("votes:statistics_csv", campaign))
    rows = read_csv(response, ",")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="statistiques-budget-2026-provisoire.csv"' in response["Content-Disposition"]
    assert rows[0] == ["Participants par phase et canal"]
    assert rows[1] == [
        "Population",
        "Résidents du territoire",
        "Résidence inconnue",
        "Total territoire",
        "Hors territoire",
    ]
    assert rows[2] == ["Auteurs de propositions", "12", "< 5", "12", "< 5"]
    assert ["Participants par commune"] in rows
    assert ["Des propositions aux décisions"] in rows


def test_the_semicolon_csv_is_for_french_excel(client, campaign):
    login(client, ADMINISTRATOR)

    rows = read_csv(client.get(url("votes:statistics_csv", campaign, "?sep=semicolon")), ";")

    assert rows[2] == ["Auteurs de propositions", "12", "< 5", "12", "< 5"]
    amont = next(
        row for row in rows if row and row[0] == "Amont" and len(row) > 3 and row[1] == "1000"
    )
    assert amont[2] == "12,0"  # 12 authors per 1,000 inhabitants, with a decimal comma


def test_the_xlsx_export_has_one_sheet_per_table_with_bold_frozen_headers(client, campaign):
    login(client, ADMINISTRATOR)

    response = client.get(url("votes:statistics_xlsx", campaign))
    workbook = load_workbook(io.BytesIO(response.content))

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert workbook.sheetnames == [
        "Participants par phase et canal",
        "Origine des propositions déposé",
        "Bulletins papier",
        "Participants par tranche d'âge",
        "Participants par genre",
        "Participants par commune",
        "Participants pour 1 000 habitan",
        "Des propositions aux décisions",
        "Notes",
    ]
    sheet = workbook["Participants par phase et canal"]
    assert [c.value for c in sheet[1]] == [
        "Population",
        "Résidents du territoire",
        "Résidence inconnue",
        "Total territoire",
        "Hors territoire",
    ]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[2]] == ["Auteurs de propositions", 12, "< 5", 12, "< 5"]
    rates = workbook["Participants pour 1 000 habitan"]
    assert rates["C2"].value == 12
    assert rates["C2"].number_format == "0.0"
