"""The moderation queue: flagged proposals with their flags, hidden ones, the history."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_user
from tests.votes.factories import make_campaign, make_proposal, make_voter
from votes.proposals.models import Flag, ModerationAction, Proposal

pytestmark = pytest.mark.django_db

URL = reverse("votes:moderation_queue")


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


@pytest.mark.parametrize("roles", [(), ("instructor",), ("finance",), ("facilitator",)])
def test_a_voter_or_a_service_gets_a_403(client, roles):
    client.force_login(make_user(roles=roles))

    assert client.get(URL).status_code == 403


def test_a_voter_with_a_citizen_account_gets_a_403(client):
    client.force_login(make_voter(outside_territory=True))

    assert client.get(URL).status_code == 403


def test_moderators_see_open_flags_hidden_proposals_and_the_history(client):
    moderator = make_user(roles=("moderator",), username="modo")
    campaign = make_campaign()
    flagged = make_proposal(campaign, title="Signalée")
    reporter = make_voter(outside_territory=True, pseudonym="Vigilant")
    Flag.objects.create(proposal=flagged, user=reporter, reason="Propos diffamatoires")
    handled = make_proposal(campaign, title="Déjà traitée")
    Flag.objects.create(proposal=handled, user=reporter, reason="Vieux", handled=True)
    hidden = make_proposal(campaign, title="Masquée", status=Proposal.Status.HIDDEN)
    ModerationAction.objects.create(
        proposal=hidden, moderator=moderator, action="hide", reason="Données personnelles"
    )
    client.force_login(moderator)

    response = client.get(URL)

    content = response.content.decode()
    assert [p.title for p in response.context["flagged"]] == ["Signalée"]
    assert "Vigilant : Propos diffamatoires" in content
    assert [p.title for p in response.context["hidden"]] == ["Masquée"]
    assert "Données personnelles" in content
    assert [a.reason for a in response.context["history"]] == ["Données personnelles"]
    assert "modo" in content
    assert "Déjà traitée" not in content


def test_the_number_of_queries_does_not_grow_with_the_flags(client, django_assert_max_num_queries):
    moderator = make_user(roles=("moderator",))
    campaign = make_campaign()
    for i in range(15):
        proposal = make_proposal(campaign)
        for _ in range(2):
            Flag.objects.create(
                proposal=proposal, user=make_voter(outside_territory=True), reason="Spam"
            )
        if i % 3 == 0:
            ModerationAction.objects.create(
                proposal=make_proposal(campaign, status=Proposal.Status.HIDDEN),
                moderator=moderator,
                action="hide",
                reason="x",
            )
    client.force_login(moderator)

    with django_assert_max_num_queries(10):
        response = client.get(URL)

    assert len(response.context["flagged"]) == 15
