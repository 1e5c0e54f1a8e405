"""The officer's form at a station of a campaign that checks its list: the postcode, and the
reason of a refusal in plain words."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from tests.votes.census.factories import make_census
from tests.votes.factories import make_commune
from tests.votes.voting.test_paper_services import station_with_officer
from votes.census.models import CensusEntry
from votes.voting.models import Ballot, PaperVoter

pytestmark = pytest.mark.django_db


def post(client, station, **changes):
    data = {
        "name": "Jeanne Louise Martin",
        "birth_date": "1961-03-12",
        "commune": make_commune(station.campaign.authority).pk,
        "postcode": "45000",
        "references": "1",
    }
    return client.post(reverse("votes:station", kwargs={"pk": station.pk}), data | changes)


def test_a_person_on_the_list_votes_and_is_marked(client):
    station, officer = station_with_officer()
    make_census(station.campaign)
    client.force_login(officer)
    assert post(client, station).status_code == 302
    assert Ballot.objects.filter(channel=Ballot.Channel.PAPER).count() == 1
    assert CensusEntry.objects.get(channel=CensusEntry.Channel.PAPER).voted_at is not None


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"name": "Jeanne Dupont"}, "n'est pas sur la liste des inscrits"),
        ({"postcode": ""}, "Indiquez le code postal du votant"),
        ({"postcode": "45"}, "Le code postal s'écrit avec cinq chiffres."),
    ],
)
def test_the_officer_reads_why_a_person_is_refused_and_nothing_is_written(client, changes, reason):
    station, officer = station_with_officer()
    make_census(station.campaign)
    client.force_login(officer)
    response = post(client, station, **changes)
    assert response.status_code == 400
    assert reason in html.unescape(response.content.decode())
    assert not Ballot.objects.exists() and not PaperVoter.objects.exists()
    assert not CensusEntry.objects.exclude(channel="").exists()


def test_a_second_visit_is_refused_with_the_channel_it_voted_through(client):
    station, officer = station_with_officer()
    make_census(station.campaign)
    client.force_login(officer)
    post(client, station)
    response = post(client, station, name="MARTIN Jeanne-Louise")
    assert "a déjà voté sur papier" in html.unescape(response.content.decode())
    assert Ballot.objects.count() == 1
