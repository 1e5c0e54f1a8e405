"""The open-data files hold nothing private, and are not found where they must not be."""

from __future__ import annotations

import pytest
from django.urls import reverse

from budget.roles import ADMINISTRATOR
from tests.factories import make_user
from tests.votes.factories import make_campaign
from tests.votes.opendata.test_opendata_files import (
    BEFORE_TALLY,
    SECRETS,
    all_cells,
    file_url,
    opendata_campaign,
    workbook,
)
from votes.campaigns.models import Phase

pytestmark = pytest.mark.django_db


# --- nothing private -------------------------------------------------------------------------


@pytest.mark.parametrize("dataset", ["propositions", "instructions", "resultats", "voix"])
def test_no_private_field_is_in_any_file(client, dataset):
    s = opendata_campaign()

    csv_bytes = client.get(file_url(s.campaign, dataset)).content
    french_bytes = client.get(file_url(s.campaign, dataset) + "?sep=semicolon").content
    cells = all_cells(workbook(client.get(file_url(s.campaign, dataset, "xlsx"))))

    for secret in SECRETS:
        assert secret.encode() not in csv_bytes
        assert secret.encode() not in french_bytes
        assert secret not in cells
    assert b"Jeanne D." in csv_bytes or dataset != "propositions"


def test_no_private_field_is_in_the_statistics_nor_the_ballots(client):
    s = opendata_campaign()

    files = [
        client.get(file_url(s.campaign, "statistiques")).content,
        client.get(reverse("votes:opendata_ballots", kwargs={"slug": s.campaign.slug})).content,
        all_cells(workbook(client.get(file_url(s.campaign, "statistiques", "xlsx")))).encode(),
    ]

    for content in files:
        for secret in SECRETS:
            assert secret.encode() not in content


# --- not found -------------------------------------------------------------------------------


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
@pytest.mark.parametrize("dataset", ["inconnu", "bulletins", "instantane", "Resultats"])
def test_an_unknown_dataset_is_not_found(client, extension, dataset):
    s = opendata_campaign()

    assert client.get(file_url(s.campaign, dataset, extension)).status_code == 404


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
@pytest.mark.parametrize("dataset", ["resultats", "voix", "statistiques"])
@pytest.mark.parametrize("phase", [p for p in BEFORE_TALLY if p != Phase.DRAFT])
def test_the_tally_datasets_are_not_found_before_the_tally(client, extension, dataset, phase):
    s = opendata_campaign(phase)
    client.force_login(make_user(roles=(ADMINISTRATOR,)))

    assert client.get(file_url(s.campaign, dataset, extension)).status_code == 404


@pytest.mark.parametrize("phase", [Phase.FRAMING])
def test_the_proposals_are_not_found_before_the_proposals_phase(client, phase):
    campaign = make_campaign(phase=phase)

    assert client.get(file_url(campaign, "propositions")).status_code == 404


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
@pytest.mark.parametrize("roles", [(), (ADMINISTRATOR,)])
def test_nothing_of_a_draft_is_found(client, extension, roles):
    s = opendata_campaign(Phase.DRAFT)
    if roles:
        client.force_login(make_user(roles=roles))

    assert client.get(file_url(s.campaign, "propositions", extension)).status_code == 404


def test_an_unknown_campaign_is_not_found(client):
    assert client.get("/campagnes/absente/donnees/propositions.csv").status_code == 404


def test_a_file_cannot_be_posted(client):
    s = opendata_campaign()

    assert client.post(file_url(s.campaign, "propositions")).status_code == 405
