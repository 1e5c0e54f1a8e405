"""Poll officers' pages: record one ballot, upload a station's CSV, see the station's counts."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from budget.roles import FACILITATOR, OFFICER
from tests.factories import make_user
from tests.votes.factories import make_commune
from tests.votes.voting.test_paper_services import station_with_officer
from votes.voting.models import Ballot, PaperVoter

pytestmark = pytest.mark.django_db


def station_url(station, name="votes:station"):
    return reverse(name, kwargs={"pk": station.pk})


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    station, _officer = station_with_officer()
    response = client.get(station_url(station))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("roles", [(), (FACILITATOR,), (OFFICER,)])
@pytest.mark.parametrize("name", ["votes:station", "votes:station_import"])
def test_only_the_officers_of_the_station_reach_its_pages(client, roles, name):
    station, _officer = station_with_officer()
    client.force_login(make_user(roles=roles))
    assert client.get(station_url(station, name)).status_code == 403
    assert client.post(station_url(station, name), {"references": "1"}).status_code == 403
    assert not Ballot.objects.exists()


def test_an_officer_sees_the_station_counts_but_no_count_per_proposal(client):
    station, officer = station_with_officer()
    client.force_login(officer)
    response = client.get(station_url(station))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Bulletins enregistrés" in page and "dont bulletins nuls" in page
    assert "voix par proposition restent cachées" in page


def test_the_officer_lists_their_stations(client):
    station, officer = station_with_officer()
    client.force_login(officer)
    page = client.get(reverse("votes:station_list")).content.decode()
    assert station_url(station) in page


def test_an_officer_records_a_ballot_from_the_form(client):
    station, officer = station_with_officer()
    commune = make_commune(station.campaign.authority)
    client.force_login(officer)
    response = client.post(
        station_url(station),
        {
            "name": "Jeanne Martin",
            "birth_date": "1961-03-12",
            "commune": commune.pk,
            "references": "P-0001, 4",
        },
    )
    assert response.status_code == 302
    ballot = Ballot.objects.get()
    assert not ballot.is_void
    assert sorted(ballot.lines.values_list("proposal__reference", flat=True)) == [1, 4]


def test_a_void_ballot_is_announced_to_the_officer(client):
    station, officer = station_with_officer()
    commune = make_commune(station.campaign.authority)
    client.force_login(officer)
    response = client.post(
        station_url(station),
        {
            "name": "Jeanne Martin",
            "birth_date": "1961-03-12",
            "commune": commune.pk,
            "references": "1, 2, 3",
        },
        follow=True,
    )
    assert "Bulletin enregistré comme NUL" in response.content.decode()
    assert Ballot.objects.get().is_void


def test_an_unknown_account_is_refused_in_place(client):
    station, officer = station_with_officer()
    client.force_login(officer)
    response = client.post(station_url(station), {"account": "personne", "references": "1"})
    assert response.status_code == 400
    assert "Aucun compte ne porte cet identifiant" in response.content.decode()
    assert not Ballot.objects.exists() and not PaperVoter.objects.exists()


def test_an_unreadable_reference_is_refused_in_place(client):
    station, officer = station_with_officer()
    commune = make_commune(station.campaign.authority)
    client.force_login(officer)
    response = client.post(
        station_url(station),
        {
            "name": "Jeanne Martin",
            "birth_date": "1961-03-12",
            "commune": commune.pk,
            "references": "1, deux",
        },
    )
    assert response.status_code == 400
    assert "« deux » n&#x27;est pas une référence" in response.content.decode()
    assert not Ballot.objects.exists()


def test_a_csv_upload_reports_ballots_and_void_ones(client):
    station, officer = station_with_officer()
    make_commune(station.campaign.authority, insee_code="45999")
    client.force_login(officer)
    content = (
        b"references;nom;date_naissance;commune\n"
        b"1;Jeanne Martin;12/03/1961;45999\n"
        b"1,2,3;Paul Durand;01/01/1970;45999\n"
    )
    response = client.post(
        station_url(station, "votes:station_import"),
        {"file": SimpleUploadedFile("bureau.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 bulletins enregistrés (bulletins nuls : 1)." in page
    assert "3 choix pour 2 votes au plus" in page
    assert Ballot.objects.count() == 2


def test_a_bad_csv_upload_lists_its_problems_and_writes_nothing(client):
    station, officer = station_with_officer()
    client.force_login(officer)
    content = b"references;nom;date_naissance;commune\n1;Jeanne Martin;12/03/1961;Atlantis\n"
    response = client.post(
        station_url(station, "votes:station_import"),
        {"file": SimpleUploadedFile("bureau.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 400
    assert "Ligne 2 : commune « Atlantis » inconnue" in response.content.decode()
    assert not Ballot.objects.exists() and not PaperVoter.objects.exists()
