"""The printable council report and its XLSX download (issue 6 §2): content and access."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from budget.jobs.models import Job
from budget.roles import (
    ADMINISTRATOR,
    FACILITATOR,
    FINANCE,
    INSTRUCTOR,
    MODERATOR,
    OFFICER,
)
from budget.spreadsheets.reader import open_workbook
from tests.factories import make_user
from tests.votes.council.test_council_report_workbook import savings_campaign, send
from tests.votes.factories import make_campaign
from tests.votes.results.test_results_services import cast, on_ballot, projects_campaign
from votes.campaigns.models import PHASE_ORDER, Campaign, Phase
from votes.council.report import council_workbook
from votes.council.services import council_data

pytestmark = pytest.mark.django_db

NAMES = ["votes:council_report", "votes:council_report_xlsx", "votes:council_report_ods"]
BEFORE_TALLY = [p for p in PHASE_ORDER if PHASE_ORDER.index(p) < PHASE_ORDER.index(Phase.TALLY)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def url(campaign: Campaign, name: str = "votes:council_report") -> str:
    return reverse(name, kwargs={"slug": campaign.slug})


# The page is read with GET; the council file is asked for with POST (a task writes it).
METHOD = {
    "votes:council_report": "get",
    "votes:council_report_xlsx": "post",
    "votes:council_report_ods": "post",
}


def call(client, campaign_or_slug, name: str, **kwargs):
    slug = getattr(campaign_or_slug, "slug", campaign_or_slug)
    return getattr(client, METHOD[name])(reverse(name, kwargs={"slug": slug}), **kwargs)


def as_role(client, role: str) -> None:
    client.force_login(make_user(roles=(role,)))


def test_urls_are_named():
    assert reverse("votes:council_report", kwargs={"slug": "c"}) == "/gestion/campagnes/c/rapport/"
    assert (
        reverse("votes:council_report_xlsx", kwargs={"slug": "c"})
        == "/gestion/campagnes/c/rapport.xlsx"
    )
    assert (
        reverse("votes:council_report_ods", kwargs={"slug": "c"})
        == "/gestion/campagnes/c/rapport.ods"
    )


@pytest.mark.parametrize("name", NAMES)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, name):
    s = projects_campaign()

    response = call(client, s.campaign, name)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not Job.objects.exists()


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("roles", [(), (INSTRUCTOR,), (MODERATOR,), (FACILITATOR,), (OFFICER,)])
def test_it_refuses_whoever_does_not_prepare_the_council(client, name, roles):
    s = projects_campaign()
    client.force_login(make_user(roles=roles))

    assert call(client, s.campaign, name).status_code == 403
    assert not Job.objects.exists()


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("role", [ADMINISTRATOR, FINANCE])
def test_administrators_and_finance_get_the_report(client, name, role):
    s = projects_campaign()
    as_role(client, role)

    assert call(client, s.campaign, name, follow=True).status_code == 200


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("phase", BEFORE_TALLY)
def test_there_is_no_report_before_the_tally(client, name, phase):
    s = projects_campaign(phase=phase)
    as_role(client, ADMINISTRATOR)

    assert call(client, s.campaign, name).status_code == 404
    assert not Job.objects.exists()


@pytest.mark.parametrize("name", NAMES)
def test_an_unknown_campaign_is_not_found(client, name):
    as_role(client, FINANCE)

    assert call(client, "absente", name).status_code == 404


def test_the_page_only_answers_get_and_the_file_only_post(client):
    s = projects_campaign()
    as_role(client, ADMINISTRATOR)

    assert client.post(url(s.campaign)).status_code == 405
    assert client.get(url(s.campaign, "votes:council_report_xlsx")).status_code == 405
    assert not Job.objects.exists()


def test_the_draft_page_says_provisoire_and_has_the_print_button(client):
    s = projects_campaign()
    as_role(client, FINANCE)

    response = client.get(url(s.campaign))

    body = response.content.decode()
    assert "votes/report/report.html" in [t.name for t in response.templates]
    assert "PROVISOIRE — Rapport provisoire" in body
    # One mark a section: six, the « Conséquences budgétaires » included (issue 16 §7).
    assert body.count('<p class="report-draft-mark">PROVISOIRE</p>') == 6
    assert "data-print>Imprimer / PDF</button>" in body
    assert url(s.campaign, "votes:council_report_xlsx") in body
    assert "Empreinte SHA-256 de l'instantané transmis" not in body


def test_the_final_page_shows_the_fingerprint_and_the_sending_date(client):
    s = projects_campaign()
    snapshot = send(s.campaign)
    as_role(client, ADMINISTRATOR)

    body = client.get(url(s.campaign)).content.decode()

    assert f'<code class="fingerprint">{snapshot.sha256}</code>' in body
    assert "Rapport définitif" in body
    assert "transmis au conseil le" in body
    assert "PROVISOIRE" not in body
    assert "data-print>Imprimer / PDF</button>" in body


def test_the_page_has_the_sheets_of_the_workbook_with_charts_and_their_tables(client):
    s = projects_campaign()
    as_role(client, ADMINISTRATOR)

    body = client.get(url(s.campaign)).content.decode()

    for anchor, name in [
        ("synthese", "Synthèse"),
        ("resultats", "Résultats"),
        ("propositions", "Propositions et instruction"),
        ("participation", "Participation"),
        ("methode", "Méthode"),
    ]:
        assert f'<h2 id="{anchor}-title">{name}</h2>' in body
    assert "vendor/plotly-arbitrages.min.js" in body
    assert 'id="participation-canaux-chart"' in body
    assert 'id="rubrique-1-chart"' in body
    assert "Les données du graphique « Bulletins par canal de vote » :" in body
    assert "Consommation de l&#x27;enveloppe — Sport" in body
    # The data tables: French numbers and amounts, statuses in words.
    assert '<th scope="row">Papier</th><td class="num">1</td><td class="num">1</td>' in body
    assert '<td class="num">60\u202f000\u00a0€</td>' in body
    assert "non retenu — ne tient pas dans l&#x27;enveloppe restante" in body
    assert '<th scope="row">P-0005</th>' in body
    assert "Pas sur le bulletin" in body
    assert "&lt; 5" in body


def test_a_savings_page_shows_the_target_chart_and_the_gap(client):
    s = savings_campaign()
    as_role(client, FINANCE)

    body = client.get(url(s.campaign)).content.decode()

    assert "Économies cumulées et objectif — Énergie" in body
    assert '<td class="num">9\u202f999,50\u00a0€</td>' in body


def download(client, campaign, name: str = "votes:council_report_xlsx"):
    """Ask for the council file, then take it from the job's page, as a user would."""
    asked = call(client, campaign, name)
    job = Job.objects.get()
    assert asked.status_code == 302 and asked.url == job.get_absolute_url()
    assert (job.kind, job.status) == (Job.Kind.COUNCIL_FILE, Job.Status.SUCCEEDED)
    page = client.get(asked.url).content.decode()
    file_url = reverse("budget:job_file", kwargs={"pk": job.pk})
    assert f'href="{file_url}"' in page and url(campaign) in page
    return client.get(file_url)


def test_the_download_is_the_council_file_named_for_a_draft(client):
    s = projects_campaign()
    as_role(client, FINANCE)

    response = download(client, s.campaign)

    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        f'attachment; filename="rapport-conseil-{s.campaign.slug}-provisoire.xlsx"'
    )
    book = load_workbook(io.BytesIO(response.content))
    assert "Propositions et instruction" in book.sheetnames
    assert "PROVISOIRE" in book["Synthèse"]["A2"].value


def test_the_final_download_carries_the_fingerprint(client):
    s = projects_campaign()
    snapshot = send(s.campaign)
    as_role(client, ADMINISTRATOR)

    response = download(client, s.campaign)

    assert response["Content-Disposition"] == (
        f'attachment; filename="rapport-conseil-{s.campaign.slug}.xlsx"'
    )
    book = load_workbook(io.BytesIO(response.content))
    assert snapshot.sha256 in book["Résultats"]["A3"].value


def test_the_final_download_for_libreoffice_is_an_ods_with_the_same_sheets(client):
    s = projects_campaign()
    snapshot = send(s.campaign)
    as_role(client, ADMINISTRATOR)

    response = download(client, s.campaign, "votes:council_report_ods")

    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert response["Content-Disposition"] == (
        f'attachment; filename="rapport-conseil-{s.campaign.slug}.ods"'
    )
    data = council_workbook(council_data(s.campaign)[0], fingerprint=snapshot.sha256)
    xlsx = load_workbook(io.BytesIO(data))
    reader, error = open_workbook(response.content)
    assert error is None and reader.sheetnames == xlsx.sheetnames
    assert snapshot.sha256 in list(reader.rows("Résultats", max_row=3))[2][0]


def test_the_report_page_offers_both_council_files(client):
    s = projects_campaign()
    as_role(client, FINANCE)

    body = client.get(url(s.campaign)).content.decode()

    assert url(s.campaign, "votes:council_report_xlsx") in body
    assert url(s.campaign, "votes:council_report_ods") in body
    assert "Préparer le fichier du conseil (ODS pour LibreOffice, provisoire)" in body


@pytest.mark.parametrize("phase", [Phase.TALLY, Phase.COUNCIL, Phase.ANSWERED])
def test_the_campaign_page_links_to_the_report_from_the_tally_on(client, phase):
    campaign = make_campaign(phase=phase)
    as_role(client, ADMINISTRATOR)

    body = client.get(reverse("votes:campaign_admin", kwargs={"slug": campaign.slug})).content

    assert url(campaign).encode() in body


@pytest.mark.parametrize("phase", [Phase.PROPOSALS, Phase.VOTING])
def test_the_campaign_page_has_no_report_link_before_the_tally(client, phase):
    campaign = make_campaign(phase=phase)
    as_role(client, ADMINISTRATOR)

    body = client.get(reverse("votes:campaign_admin", kwargs={"slug": campaign.slug})).content

    assert url(campaign).encode() not in body


def test_the_page_costs_as_many_queries_whatever_the_number_of_proposals(client):
    s = projects_campaign()
    as_role(client, FINANCE)
    client.get(url(s.campaign))
    with CaptureQueriesContext(connection) as small:
        client.get(url(s.campaign))
    more = [on_ballot(s.campaign, s.p1.category, cost=Decimal(5)) for _ in range(5)]
    cast(s.campaign, more)

    with CaptureQueriesContext(connection) as large:
        client.get(url(s.campaign))

    assert len(large) == len(small)
