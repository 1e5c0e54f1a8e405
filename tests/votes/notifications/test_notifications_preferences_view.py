"""votes/notifications/views.py: the choices of "my account"."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from tests.factories import make_user
from tests.votes.factories import make_campaign, make_commune, make_voter
from votes.notifications.models import Follow, Kind, Preferences
from votes.notifications.services import current_choices

pytestmark = pytest.mark.django_db
URL = reverse("votes:notification_preferences")
MYDATA = reverse("votes:account_mydata")


@pytest.fixture
def voter():
    campaign = make_campaign()
    return make_voter(commune=make_commune(campaign.authority))


def test_my_account_shows_every_choice_ticked_by_default(client, voter):
    client.force_login(voter)
    page = html.unescape(client.get(MYDATA).content.decode())
    assert "Mes notifications par e-mail" in page
    for kind in (Kind.VOTE_RECORDED, Kind.PHASE_OPENED, Kind.VOTE_REMINDER):
        assert str(kind.label) in page
    assert page.count('type="checkbox" name="vote_reminder" id="id_vote_reminder" checked') == 1


def test_unticking_a_choice_saves_it_in_place(client, voter):
    client.force_login(voter)
    data = {"vote_recorded": "on", "phase_opened": "on", "proposal_answer": "on"}
    response = client.post(URL, data, HTTP_HX_REQUEST="true")
    page = html.unescape(response.content.decode())
    assert page.lstrip().startswith('<form method="post"')
    assert "Vos choix de notifications sont enregistrés." in page
    saved = Preferences.objects.get(user=voter)
    assert (saved.vote_recorded, saved.vote_reminder, saved.proposal_comment) == (
        True,
        False,
        False,
    )


def test_without_htmx_the_page_comes_back_with_a_message(client, voter):
    client.force_login(voter)
    response = client.post(URL, {"vote_reminder": "on"})
    assert response.status_code == 302
    assert current_choices(voter)[Kind.VOTE_RECORDED] is False


def test_the_council_answers_choice_of_the_profile_is_left_alone(client, voter):
    voter.profile.notify_results = True
    voter.profile.save(update_fields=["notify_results"])
    client.force_login(voter)
    client.post(URL, {})
    voter.profile.refresh_from_db()
    assert voter.profile.notify_results is True


def test_a_team_account_chooses_too(client):
    user = make_user(roles=("moderator",))
    client.force_login(user)
    client.post(URL, {"vote_recorded": "on"})
    assert Preferences.objects.get(user=user).vote_recorded is True


def test_anonymous_visitors_are_sent_to_log_in_and_nothing_is_written(client):
    response = client.post(URL, {"vote_recorded": "on"})
    assert response.status_code == 302 and "/connexion/" in response["Location"]
    assert not Preferences.objects.exists()


def test_the_campaigns_i_follow_are_listed(client, voter):
    campaign = make_campaign(title="Budget 2027")
    Follow.objects.create(user=voter, campaign=campaign)
    client.force_login(voter)
    assert "Budget 2027" in client.get(MYDATA).content.decode()
