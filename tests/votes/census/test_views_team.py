"""The team's census screen: upload (check, preview, confirm), the requirement, who may."""

from __future__ import annotations

import html
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from budget.imports.uploads import _stash_path
from budget.jobs.models import Job
from budget.roles import ADMINISTRATOR, FACILITATOR, OFFICER
from tests.factories import make_user
from tests.votes.census.factories import JEANNE, make_census
from tests.votes.factories import make_campaign, make_commune, make_voter
from votes.census.models import CensusEntry, CensusList
from votes.census.services import census_verify
from votes.census.views import UPLOAD_KEY

pytestmark = pytest.mark.django_db

GOOD = "nom;prénoms;date de naissance;code postal\nMartin;Jeanne Louise;12/03/1961;45000\n"


@pytest.fixture
def admin_client(client):
    client.force_login(make_user(roles=(ADMINISTRATOR,)))
    return client


def upload(client, campaign, text: str, name: str = "liste.csv"):
    url = reverse("votes:census_upload", args=[campaign.slug])
    return client.post(url, {"file": SimpleUploadedFile(name, text.encode("utf-8"))})


def test_a_bad_file_is_refused_with_its_rows_and_nothing_is_written_or_kept(admin_client):
    campaign = make_campaign()
    response = upload(admin_client, campaign, GOOD + "Durand;Paul;32/01/1990;45100\n")
    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert "Rien n'a été enregistré" in text
    assert "Ligne 3, colonne date de naissance" in text
    assert not CensusEntry.objects.exists() and not CensusList.objects.exists()
    assert UPLOAD_KEY not in admin_client.session


def test_a_good_file_waits_as_hashes_only_then_the_confirmation_writes_it(admin_client):
    campaign = make_campaign()
    response = upload(admin_client, campaign, GOOD)
    assert response.status_code == 200
    assert "1 personne sur la liste" in html.unescape(response.content.decode())
    assert not CensusEntry.objects.exists()
    token = admin_client.session[UPLOAD_KEY]["token"]
    stashed = _stash_path(token).read_bytes()
    assert b"Martin" not in stashed and len(stashed) == 64
    confirm = reverse("votes:census_upload_confirm", args=[campaign.slug])
    response = admin_client.post(confirm, {"token": token})
    assert response.status_code == 302
    assert CensusEntry.objects.filter(campaign=campaign).count() == 1
    census = CensusList.objects.get(campaign=campaign)
    assert census.rows == 1 and census.uploaded_at is not None and not census.required
    assert not _stash_path(token).exists() and UPLOAD_KEY not in admin_client.session
    # A second confirmation finds nothing to write.
    admin_client.post(confirm, {"token": token})
    assert CensusEntry.objects.count() == 1


def test_replacing_the_list_keeps_the_votes_and_verifications_of_those_still_on_it(
    admin_client,
):
    campaign = make_campaign()
    make_census(campaign)
    voter = make_voter(commune=make_commune(campaign.authority))
    name, born, postcode = JEANNE
    entry = census_verify(
        campaign=campaign, user=voter, name=name, birth_date=born, postcode=postcode
    )
    CensusEntry.objects.exclude(pk=entry.pk).update(voted_at=entry.verified_at, channel="paper")
    upload(admin_client, campaign, GOOD + "Roux;Ana;01/01/1980;45000\n")
    admin_client.post(
        reverse("votes:census_upload_confirm", args=[campaign.slug]),
        {"token": admin_client.session[UPLOAD_KEY]["token"]},
    )
    entry.refresh_from_db()
    assert entry.verified_user == voter
    # Paul left the list but had voted on paper: his mark stays; Ana joined.
    assert CensusEntry.objects.filter(campaign=campaign).count() == 3
    assert CensusEntry.objects.filter(channel="paper").count() == 1
    assert CensusList.objects.get(campaign=campaign).rows == 2


def test_the_vote_cannot_be_reserved_before_a_list_is_sent(admin_client):
    campaign = make_campaign()
    url = reverse("votes:census_required", args=[campaign.slug])
    response = admin_client.post(url, {"required": "on"}, follow=True)
    assert "Envoyez d'abord la liste" in html.unescape(response.content.decode())
    assert not CensusList.objects.filter(required=True).exists()
    make_census(campaign, required=False)
    admin_client.post(url, {"required": "on"})
    assert CensusList.objects.get(campaign=campaign).required


def test_the_team_screen_shows_counts_and_no_name(admin_client):
    campaign = make_campaign()
    make_census(campaign)
    response = admin_client.get(reverse("votes:census_team", args=[campaign.slug]))
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert "Comptes vérifiés" in text and "MARTIN" not in text


@pytest.mark.parametrize("roles", [(), (FACILITATOR,), (OFFICER,)])
@pytest.mark.parametrize("name", ["census_team", "census_upload", "census_required"])
def test_only_administrators_reach_the_team_screens(client, roles, name):
    campaign = make_campaign()
    client.force_login(make_user(roles=roles))
    url = reverse(f"votes:{name}", args=[campaign.slug])
    response = client.get(url) if name == "census_team" else client.post(url, {"required": "on"})
    assert response.status_code == 403
    assert not CensusList.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client):
    campaign = make_campaign()
    response = client.get(reverse("votes:census_team", args=[campaign.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_birth_dates_in_the_file_never_reach_the_database(admin_client):
    campaign = make_campaign()
    upload(admin_client, campaign, GOOD)
    admin_client.post(
        reverse("votes:census_upload_confirm", args=[campaign.slug]),
        {"token": admin_client.session[UPLOAD_KEY]["token"]},
    )
    entry = CensusEntry.objects.get()
    assert date(1961, 3, 12).isoformat() not in entry.key and "martin" not in entry.key


def test_a_large_list_is_checked_by_a_job_that_holds_only_hashes(admin_client, settings, tmp_path):
    settings.UPLOADS_PENDING_DIR = str(tmp_path)
    settings.UPLOAD_CHECK_IN_REQUEST_MAX_BYTES = 100
    campaign = make_campaign()
    response = upload(admin_client, campaign, GOOD + "Durand;Paul;01/07/1990;45100\n")
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    # What the job kept (its report) holds the two hashes, no name.
    kept = bytes(job.result_data)
    assert b"Martin" not in kept and b"Durand" not in kept
    assert not CensusEntry.objects.exists()
    url = reverse("votes:census_team", args=[campaign.slug])
    preview = html.unescape(admin_client.get(f"{url}?verification={job.pk}").content.decode())
    assert "2 personnes sur la liste" in preview
    admin_client.post(
        reverse("votes:census_upload_confirm", args=[campaign.slug]),
        {"token": admin_client.session[UPLOAD_KEY]["token"]},
    )
    assert CensusEntry.objects.filter(campaign=campaign).count() == 2
