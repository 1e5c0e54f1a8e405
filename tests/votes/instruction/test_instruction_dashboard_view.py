"""/gestion/instruction/<slug>/ (dashboard) and its "publish and tell the authors" button."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from budget.roles import ADMINISTRATOR, FINANCE, INSTRUCTOR, MODERATOR
from tests.factories import make_user
from tests.votes.factories import (
    make_campaign,
    make_instruction,
    make_proposal,
    make_service,
    make_voter,
)
from votes.campaigns.models import Phase
from votes.instruction.models import Instruction
from votes.instruction.publication import published_instruction_ids

pytestmark = pytest.mark.django_db

Validation = Instruction.Validation


class World:
    def __init__(self, *, phase=Phase.INSTRUCTION):
        self.campaign = make_campaign(phase=phase, title="Budget inversé")
        service = make_service(self.campaign.authority, name="Voirie")
        yesterday = timezone.localdate() - timedelta(days=1)
        self.late = make_instruction(
            make_proposal(self.campaign, service=service, title="Retard"),
            validation=Validation.DRAFT,
            due_on=yesterday,
        )
        self.waiting = make_instruction(
            make_proposal(self.campaign, service=service, title="Attente"),
            validation=Validation.SUBMITTED,
        )
        author = make_voter(outside_territory=True, email="auteur@example.org")
        self.done = make_instruction(
            make_proposal(self.campaign, service=service, title="Fini", author=author),
            validation=Validation.VALIDATED,
        )
        self.url = reverse("votes:instruction_dashboard", kwargs={"slug": self.campaign.slug})
        self.publish = reverse("votes:instruction_publish", kwargs={"slug": self.campaign.slug})


def test_anonymous_visitors_are_sent_to_login(client):
    world = World()

    for response in (client.get(world.url), client.post(world.publish)):
        assert response.status_code == 302
        assert response["Location"].startswith("/connexion/")


@pytest.mark.parametrize("roles", [(MODERATOR,), ()])
def test_the_dashboard_is_for_the_instruction_team(client, roles):
    world = World()
    client.force_login(make_user(roles=roles))

    assert client.get(world.url).status_code == 403


@pytest.mark.parametrize("roles", [(ADMINISTRATOR,), (FINANCE,), (INSTRUCTOR,)])
def test_the_team_sees_counts_waiting_and_overdue_items(client, roles):
    world = World()
    client.force_login(make_user(roles=roles))

    response = client.get(world.url)

    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    assert dashboard.waiting == [world.waiting]
    assert dashboard.overdue == [world.late]
    body = response.content.decode()
    assert "<caption>Instructions par service et par état de validation</caption>" in body
    assert "Retard" in body and "Attente" in body


def test_only_the_administrator_gets_the_publish_button(client):
    world = World()
    client.force_login(make_user(roles=(FINANCE,)))

    body = client.get(world.url).content.decode()

    assert "Publier les instructions et prévenir les auteurs" not in body


def test_the_administrator_publishes_and_authors_are_told_once(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    world = World()
    client.force_login(make_user(roles=(ADMINISTRATOR,)))
    assert (
        "Publier les instructions et prévenir les auteurs" in client.get(world.url).content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(world.publish, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(world.publish, follow=True)

    assert [message.to for message in mailoutbox] == [["auteur@example.org"]]
    assert "http://testserver/campagnes/" in mailoutbox[0].body
    assert "1 instruction(s) publiée(s)" in first.content.decode()
    assert "Aucune nouvelle instruction validée à publier." in second.content.decode()
    assert published_instruction_ids(world.campaign) == {world.done.pk}


@pytest.mark.parametrize("roles", [(FINANCE,), (INSTRUCTOR,)])
def test_other_roles_cannot_publish(client, mailoutbox, roles):
    world = World()
    client.force_login(make_user(roles=roles))

    assert client.post(world.publish).status_code == 403
    assert mailoutbox == []
    assert published_instruction_ids(world.campaign) == set()


def test_publishing_before_the_instruction_phase_is_refused(client, mailoutbox):
    world = World(phase=Phase.SUPPORTS)
    client.force_login(make_user(roles=(ADMINISTRATOR,)))

    response = client.post(world.publish, follow=True)

    assert "Impossible de publier les instructions" in response.content.decode()
    assert mailoutbox == []
    assert published_instruction_ids(world.campaign) == set()
