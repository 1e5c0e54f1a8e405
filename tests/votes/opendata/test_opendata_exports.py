"""Open-data files of a large campaign built as background jobs (votes/opendata/exports.py).

In tests the task runs at once (immediate backend): the POST returns the job's page, done.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from budget.jobs.models import Job
from tests.factories import make_user
from tests.votes.opendata.test_opendata_files import opendata_campaign
from tests.votes.ratelimit_helpers import assert_refused, small_limits
from votes.campaigns.models import Phase
from votes.opendata.services import ballots_pb, opendata_csv, opendata_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def large(settings):
    # The campaign of opendata_campaign has a handful of ballots: it is "large" from one.
    settings.OPENDATA_EXPORT_JOB_MIN_BALLOTS = 1


def prepare_url(campaign, dataset: str, fmt: str) -> str:
    return reverse(
        "votes:opendata_prepare", kwargs={"slug": campaign.slug, "dataset": dataset, "fmt": fmt}
    )


def page_url(campaign) -> str:
    return reverse("votes:opendata", kwargs={"slug": campaign.slug})


def test_a_large_campaign_page_offers_to_prepare_each_file_instead_of_links(client, large):
    campaign = opendata_campaign().campaign

    html = client.get(page_url(campaign)).content.decode()

    assert prepare_url(campaign, "resultats", "csv") in html
    assert prepare_url(campaign, "resultats", "xlsx") in html
    assert prepare_url(campaign, "bulletins", "pb") in html
    assert (
        reverse("votes:opendata_csv", kwargs={"slug": campaign.slug, "dataset": "resultats"})
        not in html
    )
    assert "chaque fichier est préparé à la demande" in html


def test_a_small_campaign_keeps_its_immediate_links(client):
    campaign = opendata_campaign().campaign

    html = client.get(page_url(campaign)).content.decode()

    assert (
        reverse("votes:opendata_csv", kwargs={"slug": campaign.slug, "dataset": "resultats"})
        in html
    )
    assert "/preparer/" not in html


def test_preparing_a_csv_runs_a_job_whose_public_page_offers_the_same_file(client, large):
    campaign = opendata_campaign().campaign

    response = client.post(prepare_url(campaign, "resultats", "csv"))

    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.kind, job.status) == (Job.Kind.OPENDATA_EXPORT, Job.Status.SUCCEEDED)
    page = client.get(job.get_absolute_url())  # anonymous: the file is public
    assert page.status_code == 200
    assert f"Télécharger {campaign.slug}-resultats.csv" in page.content.decode()
    download = client.get(reverse("budget:job_file", kwargs={"pk": job.pk}))
    assert download.status_code == 200
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert b"".join(download) == opendata_csv(campaign=campaign, dataset="resultats")


def test_the_excel_variant_the_workbook_and_the_ballots_are_prepared_too(client, large):
    campaign = opendata_campaign().campaign

    for dataset, fmt in (("voix", "csv-excel"), ("propositions", "xlsx"), ("bulletins", "pb")):
        client.post(prepare_url(campaign, dataset, fmt))

    files = {
        job.params["format"]: bytes(job.result_data)
        for job in Job.objects.filter(status=Job.Status.SUCCEEDED)
    }
    assert files["csv-excel"] == opendata_csv(campaign=campaign, dataset="voix", semicolon=True)
    assert files["pb"] == ballots_pb(campaign).encode("utf-8")
    # A workbook carries its creation time: compare its size, not its bytes.
    assert files["xlsx"][:2] == b"PK"
    assert (
        abs(len(files["xlsx"]) - len(opendata_workbook(campaign=campaign, dataset="propositions")))
        < 50
    )


def test_a_fresh_file_is_reused_by_the_next_person(client, large):
    campaign = opendata_campaign().campaign
    first = client.post(prepare_url(campaign, "resultats", "csv"))

    second = client.post(prepare_url(campaign, "resultats", "csv"))

    assert Job.objects.count() == 1
    assert second["Location"] == first["Location"]


def test_a_file_of_live_data_is_built_again_once_stale(client, large, settings):
    settings.OPENDATA_EXPORT_FRESH_SECONDS = 0
    campaign = opendata_campaign().campaign
    client.post(prepare_url(campaign, "resultats", "csv"))

    client.post(prepare_url(campaign, "resultats", "csv"))

    assert Job.objects.filter(status=Job.Status.SUCCEEDED).count() == 2


def test_each_format_is_its_own_job(client, large):
    campaign = opendata_campaign().campaign

    client.post(prepare_url(campaign, "resultats", "csv"))
    client.post(prepare_url(campaign, "resultats", "xlsx"))

    assert Job.objects.count() == 2


@pytest.mark.parametrize(
    ("dataset", "fmt"),
    [("inconnu", "csv"), ("resultats", "pdf"), ("bulletins", "csv"), ("instantane", "csv")],
)
def test_an_unknown_file_is_not_found_and_starts_nothing(client, large, dataset, fmt):
    campaign = opendata_campaign().campaign

    response = client.post(prepare_url(campaign, dataset, fmt))

    assert response.status_code == 404
    assert not Job.objects.exists()


def test_a_dataset_not_open_yet_starts_nothing(client, large):
    campaign = opendata_campaign(phase=Phase.VOTING).campaign

    response = client.post(prepare_url(campaign, "resultats", "csv"))

    assert response.status_code == 404
    assert not Job.objects.exists()


def test_a_small_campaign_does_not_start_jobs(client):
    campaign = opendata_campaign().campaign

    response = client.post(prepare_url(campaign, "resultats", "csv"))

    assert response.status_code == 404
    assert not Job.objects.exists()


def test_preparing_cannot_be_asked_by_a_get(client, large):
    campaign = opendata_campaign().campaign

    assert client.get(prepare_url(campaign, "resultats", "csv")).status_code == 405
    assert not Job.objects.exists()


def test_a_direct_file_link_of_a_large_campaign_leads_to_its_line_of_the_page(client, large):
    campaign = opendata_campaign().campaign

    csv = client.get(
        reverse("votes:opendata_csv", kwargs={"slug": campaign.slug, "dataset": "resultats"})
    )
    ballots = client.get(reverse("votes:opendata_ballots", kwargs={"slug": campaign.slug}))

    assert csv.status_code == 302 and csv["Location"] == page_url(campaign) + "#jeu-resultats"
    assert ballots["Location"] == page_url(campaign) + "#jeu-bulletins"
    assert not Job.objects.exists()


def test_one_address_preparing_too_many_files_is_refused(client, large, settings):
    small_limits(settings, "opendata_export", ip=2)
    campaign = opendata_campaign().campaign
    client.post(prepare_url(campaign, "resultats", "csv"))
    client.post(prepare_url(campaign, "resultats", "xlsx"))

    refused = client.post(prepare_url(campaign, "voix", "csv"))

    assert_refused(refused)
    assert Job.objects.count() == 2


def test_the_public_job_page_does_not_name_who_started_it(client, large):
    campaign = opendata_campaign().campaign
    someone = make_user(username="marcel.lanceur")
    client.force_login(someone)
    client.post(prepare_url(campaign, "resultats", "csv"))
    client.logout()

    html = client.get(Job.objects.get().get_absolute_url()).content.decode()

    assert "marcel.lanceur" not in html
    assert "Le fichier est prêt." in html


def test_a_draft_campaign_prepares_nothing(client, large):
    data = opendata_campaign()
    data.campaign.phase = Phase.DRAFT
    data.campaign.save()

    assert client.post(prepare_url(data.campaign, "resultats", "csv")).status_code == 404
    assert not Job.objects.exists()
