"""The census counts: entries, verified accounts, votes by channel; no name anywhere."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from budget.roles import ADMINISTRATOR
from tests.factories import make_user
from tests.votes.census.factories import JEANNE, PAUL, make_census
from tests.votes.factories import make_commune, make_voter
from tests.votes.voting.test_codes_services import voting_campaign
from tests.votes.voting.test_paper_services import station_with_officer
from votes.census.models import CensusEntry
from votes.census.services import census_verify
from votes.census.stats import census_table
from votes.voting.ballots import ballot_add
from votes.voting.paper import paper_ballot_record

pytestmark = pytest.mark.django_db

RONAN = ("LE GALL Ronan", JEANNE[1], "45000")


def test_the_counts_say_how_many_verified_and_voted_by_channel():
    station, officer = station_with_officer()
    campaign = station.campaign
    make_census(campaign, people=(JEANNE, PAUL, RONAN))
    voter = make_voter(commune=make_commune(campaign.authority))
    name, born, postcode = PAUL
    census_verify(campaign=campaign, user=voter, name=name, birth_date=born, postcode=postcode)
    ballot_add(campaign=campaign, user=voter, proposal=campaign.proposals.get(reference=1))
    paper_ballot_record(
        station=station,
        officer=officer,
        references=[1],
        voter={
            "name": JEANNE[0],
            "birth_date": JEANNE[1],
            "commune": make_commune(campaign.authority),
            "postcode": JEANNE[2],
        },
    )
    counts = CensusEntry.objects.filter(campaign=campaign).counts()
    assert counts == {
        "entries": 3,
        "verified": 1,
        "voted": 2,
        "online": 1,
        "code": 0,
        "paper": 1,
    }
    rows = {row[0]: row[1] for row in census_table(campaign).rows}
    assert rows["Comptes vérifiés"] == 1 and rows["Ont voté, tous canaux"] == 2


def test_a_campaign_without_a_list_has_no_census_table():
    assert census_table(voting_campaign()) is None


def test_the_statistics_page_shows_the_totals_and_no_name(client):
    campaign = voting_campaign()
    make_census(campaign)
    client.force_login(make_user(roles=(ADMINISTRATOR,)))
    response = client.get(reverse("votes:statistics", args=[campaign.slug]))
    text = html.unescape(response.content.decode())
    assert "Liste des inscrits (en direct)" in text
    assert "Inscriptions enregistrées" in text and "MARTIN" not in text
