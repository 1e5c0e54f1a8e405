"""Closing a polling station: its paper ballots are signed off, none can be added afterwards."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER
from tests.factories import make_user
from tests.votes.council.test_council_preconditions import administrator
from tests.votes.factories import make_commune, make_voter
from tests.votes.voting.test_paper_services import station_with_officer
from votes.campaigns.models import Campaign, Phase
from votes.voting.closing import station_close
from votes.voting.models import Ballot, PaperVoter, PollingStation
from votes.voting.paper import paper_ballot_record, paper_ballots_import

pytestmark = pytest.mark.django_db

CSV = b"references;compte;nom;date_naissance;commune\n1;;Paul Durand;31/01/1970;45999\n"


def closed_at(station: PollingStation):
    return PollingStation.objects.get(pk=station.pk).closed_at


def in_phase(station: PollingStation, phase: str) -> None:
    Campaign.objects.filter(pk=station.campaign_id).update(phase=phase)
    station.campaign.refresh_from_db()


def test_an_officer_of_the_station_closes_it_during_the_vote():
    station, officer = station_with_officer()

    closed = station_close(station=station, by=officer)

    assert closed.closed_at is not None
    assert closed_at(station) == closed.closed_at


def test_an_administrator_closes_it_after_the_vote():
    station, _officer = station_with_officer()
    in_phase(station, Phase.TALLY)

    station_close(station=station, by=administrator())

    assert closed_at(station) is not None


@pytest.mark.parametrize(
    "roles", [(), (FACILITATOR,), (FINANCE,), (INSTRUCTOR,), (MODERATOR,), (OFFICER,)]
)
def test_nobody_else_closes_it(roles):
    station, _officer = station_with_officer()

    with pytest.raises(PermissionDenied):
        station_close(station=station, by=make_user(roles=roles))

    assert closed_at(station) is None


def test_an_officer_of_another_station_cannot_close_it():
    station, _officer = station_with_officer()
    _other, other_officer = station_with_officer(station.campaign, name="École")

    with pytest.raises(PermissionDenied):
        station_close(station=station, by=other_officer)

    assert closed_at(station) is None


@pytest.mark.parametrize("phase", [Phase.INSTRUCTION, Phase.COUNCIL])
def test_it_closes_only_during_the_vote_or_the_tally(phase):
    station, officer = station_with_officer()
    in_phase(station, phase)

    with pytest.raises(ValidationError) as caught:
        station_close(station=station, by=officer)

    assert caught.value.messages == [
        "Un bureau se clôt pendant le vote ou le dépouillement ; la campagne est en phase "
        f"« {Phase(phase).label} »."
    ]
    assert closed_at(station) is None


def test_it_refuses_to_close_twice():
    station, officer = station_with_officer()
    first = station_close(station=station, by=officer).closed_at

    with pytest.raises(ValidationError) as caught:
        station_close(station=station, by=officer)

    assert caught.value.messages[0].startswith("Le bureau « Mairie » est déjà clos depuis le ")
    assert closed_at(station) == first


def test_no_paper_ballot_is_recorded_into_a_closed_station():
    station, officer = station_with_officer()
    station_close(station=station, by=officer)
    voter = {
        "name": "Jeanne Martin",
        "birth_date": date(1961, 3, 12),
        "commune": make_commune(station.campaign.authority),
    }

    with pytest.raises(ValidationError) as caught:
        paper_ballot_record(station=station, officer=officer, references=[1], voter=voter)

    assert caught.value.messages[0].startswith("Le bureau « Mairie » est clos depuis le ")
    assert caught.value.messages[0].endswith(
        ": ses bulletins papier sont arrêtés, on ne peut plus en enregistrer."
    )
    assert not Ballot.objects.exists() and not PaperVoter.objects.exists()


def test_no_file_is_imported_into_a_closed_station():
    station, officer = station_with_officer()
    make_commune(station.campaign.authority, insee_code="45999")
    station_close(station=station, by=officer)

    with pytest.raises(ValidationError) as caught:
        paper_ballots_import(station=station, officer=officer, content=CSV)

    assert "est clos depuis le" in caught.value.messages[0]
    assert not Ballot.objects.exists() and not PaperVoter.objects.exists()


def test_another_station_still_records():
    station, officer = station_with_officer()
    other, other_officer = station_with_officer(station.campaign, name="École")
    station_close(station=station, by=officer)
    voter = {
        "name": "Jeanne Martin",
        "birth_date": date(1961, 3, 12),
        "commune": make_commune(station.campaign.authority),
    }

    paper_ballot_record(station=other, officer=other_officer, references=[1], voter=voter)

    assert Ballot.objects.filter(station=other).count() == 1


# --- views -----------------------------------------------------------------------------------


def url(station: PollingStation) -> str:
    return reverse("votes:station_close", kwargs={"pk": station.pk})


def test_url_is_named():
    assert reverse("votes:station_close", kwargs={"pk": 7}) == "/bureau/7/clore/"


def test_the_station_page_offers_to_close_it(client):
    station, officer = station_with_officer()
    client.force_login(officer)

    body = client.get(reverse("votes:station", kwargs={"pk": station.pk})).content.decode()

    assert url(station) in body


def test_an_officer_confirms_then_closes(client):
    station, officer = station_with_officer()
    client.force_login(officer)

    confirm = client.get(url(station))

    assert confirm.status_code == 200
    assert "Confirmer : clore le bureau « Mairie »" in confirm.content.decode()
    assert closed_at(station) is None

    response = client.post(url(station), follow=True)

    assert response.redirect_chain == [(reverse("votes:station", kwargs={"pk": station.pk}), 302)]
    body = response.content.decode()
    assert "Bureau « Mairie » clos : ses bulletins papier sont arrêtés." in body
    assert "Ce bureau est clos depuis le" in body
    assert url(station) not in body
    assert closed_at(station) is not None


def test_an_administrator_closes_from_the_sending_page(client):
    station, _officer = station_with_officer()
    in_phase(station, Phase.TALLY)
    client.force_login(administrator())

    response = client.post(url(station))

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "votes:council_send", kwargs={"slug": station.campaign.slug}
    )
    assert closed_at(station) is not None


def test_closing_twice_is_refused_in_place(client):
    station, officer = station_with_officer()
    station_close(station=station, by=officer)
    first = closed_at(station)
    client.force_login(officer)

    response = client.post(url(station))

    assert response.status_code == 400
    assert "Le bureau « Mairie » est déjà clos depuis le" in response.content.decode()
    assert closed_at(station) == first


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_users_are_sent_to_login(client, method):
    station, _officer = station_with_officer()

    response = getattr(client, method)(url(station))

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")
    assert closed_at(station) is None


@pytest.mark.parametrize(
    "roles",
    [None, (FACILITATOR,), (FINANCE,), (INSTRUCTOR,), (MODERATOR,), (OFFICER,)],
    ids=["citizen", "facilitator", "finance", "instructor", "moderator", "other-officer"],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_others_get_403(client, roles, method):
    station, _officer = station_with_officer()
    if roles is None:
        user = make_voter(commune=make_commune(station.campaign.authority))
    else:
        user = make_user(roles=roles)
    client.force_login(user)

    assert getattr(client, method)(url(station)).status_code == 403
    assert closed_at(station) is None


def test_an_administrator_role_is_enough(client):
    station, _officer = station_with_officer()
    client.force_login(make_user(roles=(ADMINISTRATOR,)))

    assert client.get(url(station)).status_code == 200
