"""Voting code screens: the team's batch page and sheet, the voter's code entry and ballot."""

from __future__ import annotations

import base64
import re

import pytest
from django.urls import reverse

from budget.jobs.models import Job
from budget.roles import FACILITATOR, OFFICER
from tests.factories import make_user
from tests.votes.voting.test_codes_ballot import printed_codes
from tests.votes.voting.test_codes_services import facilitator, voting_campaign
from votes.voting.codes import code_ballot_confirm, code_batch_create, code_check
from votes.voting.models import Ballot, VotingCode, VotingCodeBatch

pytestmark = pytest.mark.django_db


def batches_url(campaign):
    return reverse("votes:code_batches", kwargs={"slug": campaign.slug})


def sheet_url(batch):
    return reverse("votes:code_sheet", kwargs={"slug": batch.campaign.slug, "pk": batch.pk})


# --- team pages ------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(batches_url(voting_campaign()))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("roles", [(), (OFFICER,)])
def test_citizens_and_officers_cannot_reach_the_codes_page(client, roles):
    campaign = voting_campaign()
    batch, _codes = code_batch_create(campaign=campaign, label="Atelier", size=2, by=facilitator())
    client.force_login(make_user(roles=roles))
    assert client.get(batches_url(campaign)).status_code == 403
    assert client.post(sheet_url(batch), {"format": "sheet"}).status_code == 403
    assert VotingCode.objects.exclude(plain="").count() == 2


def test_the_codes_page_shows_used_and_unused_counts(client):
    campaign = voting_campaign()
    codes = printed_codes(campaign, size=3)
    code_ballot_confirm(code=code_check(campaign=campaign, raw=codes[0]), choices=[1])
    client.force_login(facilitator())
    response = client.get(batches_url(campaign))
    assert response.status_code == 200
    row = re.search(r'<tr id="lot-\d+">(.*?)</tr>', response.content.decode(), re.S).group(1)
    assert re.findall(r"<td>(\d+)</td>", row) == ["3", "1", "2"]


def test_a_facilitator_generates_a_batch(client):
    campaign = voting_campaign()
    client.force_login(make_user(roles=(FACILITATOR,)))
    response = client.post(batches_url(campaign), {"label": "Atelier", "size": "7"})
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert (job.kind, job.status) == (Job.Kind.VOTING_CODES, Job.Status.SUCCEEDED)
    assert VotingCodeBatch.objects.get().codes.count() == 7
    page = client.get(response.url).content.decode()
    assert "Lot « Atelier » créé : 7 codes." in page


def test_an_invalid_batch_form_is_shown_again_and_nothing_is_written(client):
    campaign = voting_campaign()
    client.force_login(facilitator())
    response = client.post(batches_url(campaign), {"label": "Atelier", "size": "100001"})
    assert response.status_code == 400
    assert "inférieure ou égale à 100000" in response.content.decode()
    assert not VotingCodeBatch.objects.exists() and not Job.objects.exists()


def test_the_sheet_shows_each_code_once_with_a_qr_code_and_a_csv(client):
    campaign = voting_campaign()
    batch, codes = code_batch_create(campaign=campaign, label="Atelier", size=3, by=facilitator())
    client.force_login(facilitator())
    response = client.post(sheet_url(batch), {"format": "sheet"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert all(page.count(code) == 1 for code in codes)
    assert page.count("<svg") == 3
    encoded = re.search(r"data:text/csv;charset=utf-8;base64,([A-Za-z0-9+/=]+)", page).group(1)
    lines = base64.b64decode(encoded).decode().lstrip("\ufeff").splitlines()
    assert lines[0] == "code;adresse"
    entry = reverse("votes:code_enter", kwargs={"slug": campaign.slug})
    assert sorted(line.split(";")[0] for line in lines[1:]) == sorted(codes)
    assert all(f"{entry}?code=" in line for line in lines[1:])
    assert not VotingCode.objects.exclude(plain="").exists()


def test_a_second_production_of_the_sheet_is_refused_with_the_reason(client):
    campaign = voting_campaign()
    batch, codes = code_batch_create(campaign=campaign, label="Atelier", size=2, by=facilitator())
    client.force_login(facilitator())
    client.post(sheet_url(batch), {"format": "csv"})
    response = client.post(sheet_url(batch), {"format": "sheet"}, follow=True)
    page = response.content.decode()
    assert "révoquez le lot et générez-en un autre" in page
    assert not any(code in page for code in codes)


def test_the_csv_alone_lists_every_code_and_is_downloaded_once(client):
    campaign = voting_campaign()
    batch, codes = code_batch_create(campaign=campaign, label="Atelier", size=4, by=facilitator())
    user = facilitator()
    client.force_login(user)
    asked = client.post(sheet_url(batch), {"format": "csv"})
    # A task writes the file (at once with the tests' backend); its job page offers it once.
    job = Job.objects.get()
    assert asked.url == job.get_absolute_url() and job.owner == user
    assert job.status == Job.Status.SUCCEEDED
    assert not VotingCode.objects.exclude(plain="").exists()
    page = client.get(asked.url).content.decode()
    assert "4 codes prêts." in page and not any(code in page for code in codes)
    file_url = reverse("budget:job_file", kwargs={"pk": job.pk})
    response = client.get(file_url)
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "no-store"
    lines = response.content.decode().lstrip("\ufeff").splitlines()
    assert sorted(line.split(";")[0] for line in lines[1:]) == sorted(codes)
    assert client.get(file_url).status_code == 404
    job.refresh_from_db()
    assert job.result_data is None


def test_revoking_a_batch_from_the_page(client):
    campaign = voting_campaign()
    batch, _codes = code_batch_create(campaign=campaign, label="Perdu", size=2, by=facilitator())
    client.force_login(facilitator())
    url = reverse("votes:code_batch_revoke", kwargs={"slug": campaign.slug, "pk": batch.pk})
    assert client.post(url).status_code == 302
    batch.refresh_from_db()
    assert batch.revoked_at is not None


# --- voters ----------------------------------------------------------------------------------


def enter_url(campaign):
    return reverse("votes:code_enter", kwargs={"slug": campaign.slug})


def test_the_qr_code_link_prefills_the_code(client):
    campaign = voting_campaign()
    response = client.get(enter_url(campaign) + "?code=K7QM3XHT9WPD")
    assert 'value="K7QM3XHT9WPD"' in response.content.decode()


def test_an_unknown_code_is_refused_in_place(client):
    campaign = voting_campaign()
    printed_codes(campaign)
    response = client.post(enter_url(campaign), {"code": "K7QM-3XHT-9WPD"})
    assert response.status_code == 400
    assert "Ce code est inconnu ou a été révoqué" in response.content.decode()
    assert "voting_code" not in client.session


def test_a_code_votes_after_review_and_nothing_is_written_before(client):
    campaign = voting_campaign()
    code = printed_codes(campaign)[0]
    response = client.post(enter_url(campaign), {"code": code.lower().replace("-", " ")})
    assert response.url == reverse("votes:code_ballot", kwargs={"slug": campaign.slug})
    page = client.get(response.url).content.decode()
    assert "2 choix au plus" in page
    response = client.post(response.url, {"choix": ["1", "2", "3", "5", "6"]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "« Sport » : 3 choix pour 2 votes au plus." in page
    assert "au-delà de l&#x27;enveloppe" in page
    assert 'value="3" id="choix-3" checked' in page
    response = client.post(
        reverse("votes:code_ballot", kwargs={"slug": campaign.slug}), {"choix": ["1", "4"]}
    )
    assert response.url == reverse("votes:code_review", kwargs={"slug": campaign.slug})
    assert "Proposition 4" in client.get(response.url).content.decode()
    assert not Ballot.objects.exists()
    assert VotingCode.objects.filter(used_at__isnull=False).count() == 0
    response = client.post(response.url, follow=True)
    ballot = Ballot.objects.get()
    assert ballot.receipt in response.content.decode()
    assert sorted(ballot.lines.values_list("proposal__reference", flat=True)) == [1, 4]
    assert "voting_code" not in client.session


def test_the_ballot_without_a_code_sends_back_to_code_entry(client):
    campaign = voting_campaign()
    response = client.get(reverse("votes:code_ballot", kwargs={"slug": campaign.slug}))
    assert response.url == enter_url(campaign)
