"""The "next phase" screen with WARNINGS: it lists them with links, a POST without the
confirmation shows them again and moves nothing, the confirmed POST moves; administrators only.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER
from tests.factories import make_user
from tests.votes.factories import make_campaign, make_category, make_instruction, make_proposal
from votes.campaigns.models import Campaign, Phase, PhaseTransition
from votes.campaigns.workflow import move_warnings, warnings_digest
from votes.instruction.models import Instruction
from votes.voting.models import PollingStation

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(make_user(username="mission", roles=(ADMINISTRATOR,)))
    return client


@pytest.fixture
def campaign() -> Campaign:
    """In instruction: one proposal ready for the ballot, one left without a service."""
    campaign = make_campaign(slug="bp-2026", phase=Phase.INSTRUCTION)
    make_category(campaign)
    ready = make_proposal(campaign, title="Prête")
    make_instruction(ready, validation=Instruction.Validation.VALIDATED)
    make_proposal(campaign, title="Oubliée")
    return campaign


URL = "/gestion/campagnes/bp-2026/phase/suivante/"


def phase_in_db(campaign: Campaign) -> str:
    return Campaign.objects.get(pk=campaign.pk).phase


def test_the_screen_lists_the_warnings_with_links_and_a_confirmation(admin_client, campaign):
    content = admin_client.get(URL).content.decode()

    assert "À lire avant de confirmer" in content
    assert "1 proposition(s) publiée(s) ne sont pas instruites" in content
    assert '<a href="/gestion/instruction/bp-2026/2/">P-0002 — Oubliée</a>' in content
    digest = warnings_digest(move_warnings(campaign, Phase.VOTING))
    assert f'name="confirm" value="{digest}"' in content
    assert "Confirmer malgré ces points : passer à la phase « Vote »" in content


def test_a_post_without_confirmation_shows_the_warnings_and_moves_nothing(admin_client, campaign):
    response = admin_client.post(URL, {"to_phase": Phase.VOTING})

    assert response.status_code == 200
    content = response.content.decode()
    assert "P-0002 — Oubliée" in content
    assert "Confirmer malgré ces points" in content
    assert phase_in_db(campaign) == Phase.INSTRUCTION
    assert not PhaseTransition.objects.exists()


def test_the_confirmed_post_moves(admin_client, campaign):
    digest = warnings_digest(move_warnings(campaign, Phase.VOTING))

    response = admin_client.post(URL, {"to_phase": Phase.VOTING, "confirm": digest}, follow=True)

    assert phase_in_db(campaign) == Phase.VOTING
    assert "La campagne est passée en phase « Vote »." in response.content.decode()


def test_without_warnings_the_move_runs_at_once(admin_client):
    campaign = make_campaign(slug="bp-2026", phase=Phase.INSTRUCTION)
    make_category(campaign)
    make_instruction(make_proposal(campaign), validation=Instruction.Validation.VALIDATED)

    content = admin_client.get(URL).content.decode()
    response = admin_client.post(URL, {"to_phase": Phase.VOTING})

    assert "À lire avant de confirmer" not in content
    assert "Confirmer : passer à la phase « Vote »" in content
    assert response.status_code == 302
    assert phase_in_db(campaign) == Phase.VOTING


def test_closing_the_vote_warns_about_an_open_station(admin_client):
    campaign = make_campaign(slug="bp-2026", phase=Phase.VOTING)
    station = PollingStation.objects.create(campaign=campaign, name="Mairie")
    PollingStation.objects.create(campaign=campaign, name="École", closed_at=timezone.now())

    content = admin_client.post(URL, {"to_phase": Phase.TALLY}).content.decode()

    assert f'<a href="/bureau/{station.pk}/clore/">Mairie (0 bulletin(s) saisi(s))</a>' in content
    assert "École" not in content
    assert phase_in_db(campaign) == Phase.VOTING


def test_the_supports_screening_is_reported_after_the_move(admin_client):
    campaign = make_campaign(
        slug="bp-2026", phase=Phase.SUPPORTS, supports_enabled=True, supports_threshold=1
    )
    make_proposal(campaign)

    response = admin_client.post(URL, {"to_phase": Phase.INSTRUCTION}, follow=True)

    assert [str(message) for message in response.context["messages"]] == [
        "La campagne est passée en phase « Instruction par les services ». Seuil de 1 soutiens : "
        "0 proposition(s) passent à l'instruction, 1 ne sont pas retenues."
    ]


@pytest.mark.parametrize("role", [FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER, None])
def test_other_roles_cannot_confirm_a_move(client, campaign, role):
    client.force_login(make_user(roles=(role,) if role else ()))
    digest = warnings_digest(move_warnings(campaign, Phase.VOTING))

    assert client.get(URL).status_code == 403
    response = client.post(URL, {"to_phase": Phase.VOTING, "confirm": digest})

    assert response.status_code == 403
    assert phase_in_db(campaign) == Phase.INSTRUCTION


def test_an_anonymous_visitor_is_sent_to_log_in(client, campaign):
    response = client.post(URL, {"to_phase": Phase.VOTING, "confirm": "x"})

    assert response.status_code == 302 and response.url.startswith("/connexion/")
    assert phase_in_db(campaign) == Phase.INSTRUCTION
