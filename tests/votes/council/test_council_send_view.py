"""The sending-to-council screen: the preconditions listed, the sending refused in place while
one fails, the fingerprint once sent; administrators only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from budget.roles import FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER
from tests.factories import make_user
from tests.votes.council.test_council_preconditions import administrator, open_batch, ready_campaign
from tests.votes.factories import make_commune, make_voter
from votes.campaigns.models import Campaign, Phase, PhaseTransition
from votes.council.models import CouncilSnapshot
from votes.voting.models import PollingStation

pytestmark = pytest.mark.django_db


def url(campaign: Campaign) -> str:
    return reverse("votes:council_send", kwargs={"slug": campaign.slug})


def nothing_written(campaign: Campaign) -> bool:
    return (
        not CouncilSnapshot.objects.exists()
        and Campaign.objects.get(pk=campaign.pk).phase == Phase.TALLY
        and not PhaseTransition.objects.exists()
    )


def test_url_is_named():
    assert reverse("votes:council_send", kwargs={"slug": "bp"}) == "/gestion/campagnes/bp/conseil/"


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_users_are_sent_to_login(client, method):
    s = ready_campaign()

    response = getattr(client, method)(url(s.campaign))

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")
    assert nothing_written(s.campaign)


@pytest.mark.parametrize(
    "roles",
    [None, (FACILITATOR,), (FINANCE,), (INSTRUCTOR,), (MODERATOR,), (OFFICER,)],
    ids=["citizen", "facilitator", "finance", "instructor", "moderator", "officer"],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_everyone_but_an_administrator_gets_403(client, roles, method):
    s = ready_campaign()
    if roles is None:
        user = make_voter(commune=make_commune(s.campaign.authority))
    else:
        user = make_user(roles=roles)
    client.force_login(user)

    assert getattr(client, method)(url(s.campaign)).status_code == 403
    assert nothing_written(s.campaign)


def test_an_unknown_campaign_is_not_found(client):
    client.force_login(administrator())

    assert client.get("/gestion/campagnes/inconnue/conseil/").status_code == 404


def test_each_precondition_is_listed_with_its_state_in_words(client):
    s = ready_campaign()
    open_batch(s.campaign, "Salon")
    client.force_login(administrator())

    body = client.get(url(s.campaign)).content.decode()

    assert body.count("✓ Remplie") == 3
    assert body.count("✗ Non remplie") == 1
    assert "Le dépouillement compte 7 bulletins exprimés." in body
    assert "Le lot de codes « Salon » n&#x27;est pas clos" in body
    assert "Transmettre au conseil" in body
    assert reverse("votes:code_batches", kwargs={"slug": s.campaign.slug}) in body


def test_an_open_station_comes_with_its_close_link(client):
    s = ready_campaign()
    station = PollingStation.objects.create(campaign=s.campaign, name="Gymnase")
    client.force_login(administrator())

    body = client.get(url(s.campaign)).content.decode()

    assert "Bureaux de vote à clore" in body
    assert reverse("votes:station_close", kwargs={"pk": station.pk}) in body


def test_before_the_tally_nothing_is_computed_nor_offered(client):
    s = ready_campaign()
    Campaign.objects.filter(pk=s.campaign.pk).update(phase=Phase.VOTING)
    client.force_login(administrator())

    body = client.get(url(s.campaign)).content.decode()

    assert "se fait depuis la phase « Dépouillement »" in body
    assert "bulletins exprimés" not in body
    assert "Transmettre au conseil</button>" not in body


def test_sending_is_refused_in_place_while_a_precondition_fails(client):
    s = ready_campaign()
    PollingStation.objects.filter(campaign=s.campaign).update(closed_at=None)
    client.force_login(administrator())

    response = client.post(url(s.campaign))

    body = response.content.decode()
    assert response.status_code == 400
    assert "La transmission est refusée ; rien n'a été enregistré" in body
    assert "Le bureau « Mairie » n&#x27;est pas clos" in body
    assert nothing_written(s.campaign)


def test_an_administrator_sends_and_sees_the_fingerprint(client):
    s = ready_campaign()
    admin = make_user(roles=("administrator",), first_name="Claire", last_name="Dupont")
    client.force_login(admin)

    response = client.post(url(s.campaign), follow=True)

    snapshot = CouncilSnapshot.objects.get(campaign=s.campaign)
    body = response.content.decode()
    assert response.redirect_chain == [(url(s.campaign), 302)]
    assert "Les résultats sont transmis au conseil" in body
    assert snapshot.sha256 in body
    assert "Claire Dupont" in body
    assert reverse("votes:council_snapshot", kwargs={"slug": s.campaign.slug}) in body
    assert "sha256sum conseil-" in body and "Get-FileHash" in body
    assert Campaign.objects.get(pk=s.campaign.pk).phase == Phase.COUNCIL


def test_posting_again_once_sent_changes_nothing(client):
    s = ready_campaign()
    client.force_login(administrator())
    client.post(url(s.campaign))
    snapshot = CouncilSnapshot.objects.get()

    response = client.post(url(s.campaign))

    assert response.status_code == 200
    assert list(CouncilSnapshot.objects.all()) == [snapshot]
    assert PhaseTransition.objects.count() == 1


@pytest.mark.parametrize(
    ("phase", "shown"),
    [(Phase.VOTING, False), (Phase.TALLY, True), (Phase.COUNCIL, True), (Phase.ANSWERED, True)],
)
def test_the_campaign_page_links_to_it_from_the_tally_on(client, phase, shown):
    s = ready_campaign()
    Campaign.objects.filter(pk=s.campaign.pk).update(phase=phase)
    client.force_login(administrator())

    body = client.get(reverse("votes:campaign_admin", kwargs={"slug": s.campaign.slug}))

    assert (url(s.campaign) in body.content.decode()) is shown
