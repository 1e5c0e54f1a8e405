"""/gestion/instruction/<slug>/validation/ and the validate / send back actions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from budget.roles import ADMINISTRATOR, FINANCE, INSTRUCTOR, MODERATOR
from tests.factories import make_user
from tests.votes.factories import make_campaign, make_instruction, make_proposal, make_service
from votes.campaigns.models import Phase
from votes.instruction.models import Instruction

pytestmark = pytest.mark.django_db

Validation = Instruction.Validation


class World:
    def __init__(self, *, phase=Phase.INSTRUCTION):
        self.campaign = make_campaign(phase=phase)
        self.instructor = make_user(roles=(INSTRUCTOR,))
        self.finance = make_user(roles=(FINANCE,))
        service = make_service(self.campaign.authority, members=[self.instructor])
        self.proposal = make_proposal(self.campaign, service=service, title="Éteindre la nuit")
        self.instruction = make_instruction(
            self.proposal, validation=Validation.SUBMITTED, instructed_by=self.instructor
        )
        kwargs = {"slug": self.campaign.slug, "reference": self.proposal.reference}
        self.queue = reverse("votes:instruction_queue", kwargs={"slug": self.campaign.slug})
        self.validate = reverse("votes:instruction_validate", kwargs=kwargs)
        self.send_back = reverse("votes:instruction_return", kwargs=kwargs)


def test_anonymous_visitors_are_sent_to_login(client):
    world = World()

    for url in (world.queue, world.validate, world.send_back):
        method = client.get if url == world.queue else client.post
        response = method(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/connexion/")
    world.instruction.refresh_from_db()
    assert world.instruction.validation == Validation.SUBMITTED


@pytest.mark.parametrize("roles", [(INSTRUCTOR,), (MODERATOR,), ()])
def test_the_queue_is_for_finance_and_administrators(client, roles):
    world = World()
    client.force_login(make_user(roles=roles))

    assert client.get(world.queue).status_code == 403


def test_finance_sees_the_submitted_instructions(client):
    world = World()
    make_instruction(make_proposal(world.campaign, title="Brouillon"), validation=Validation.DRAFT)
    client.force_login(world.finance)

    response = client.get(world.queue)

    body = response.content.decode()
    assert "Éteindre la nuit" in body
    assert "Brouillon" not in body
    assert list(response.context["waiting"]) == [world.instruction]


def test_an_administrator_sees_the_queue_without_the_buttons(client):
    world = World()
    client.force_login(make_user(roles=(ADMINISTRATOR,)))

    response = client.get(world.queue)

    assert response.status_code == 200
    assert response.context["can_validate"] is False
    assert "Renvoyer au service" not in response.content.decode()


def test_finance_validates_from_the_queue(client):
    world = World()
    client.force_login(world.finance)

    response = client.post(world.validate)

    assert response.status_code == 302
    assert response["Location"] == world.queue
    world.instruction.refresh_from_db()
    assert world.instruction.validation == Validation.VALIDATED
    assert world.instruction.validated_by == world.finance


def test_validating_with_htmx_re_renders_the_queue(client):
    world = World()
    client.force_login(world.finance)

    response = client.post(world.validate, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="queue"')
    assert "Instruction de P-0001 validée." in body
    assert "Aucune instruction en attente de validation." in body


@pytest.mark.parametrize("roles", [(INSTRUCTOR,), (ADMINISTRATOR,), (MODERATOR,)])
def test_other_roles_cannot_validate_or_send_back(client, roles):
    world = World()
    client.force_login(make_user(roles=roles))

    assert client.post(world.validate).status_code == 403
    assert client.post(world.send_back, {"comment": "Non."}).status_code == 403
    world.instruction.refresh_from_db()
    assert world.instruction.validation == Validation.SUBMITTED


def test_the_instructor_of_the_service_cannot_validate(client):
    world = World()
    client.force_login(world.instructor)

    assert client.post(world.validate).status_code == 403
    world.instruction.refresh_from_db()
    assert world.instruction.validation == Validation.SUBMITTED


def test_finance_sends_back_with_a_comment(client):
    world = World()
    client.force_login(world.finance)

    client.post(world.send_back, {"comment": "Il manque l'échéancier."})

    world.instruction.refresh_from_db()
    assert world.instruction.validation == Validation.RETURNED
    assert world.instruction.return_comment == "Il manque l'échéancier."


def test_sending_back_without_a_comment_is_refused_in_place(client):
    world = World()
    client.force_login(world.finance)

    response = client.post(world.send_back, {"comment": " "}, headers={"HX-Request": "true"})

    assert "Expliquez au service pourquoi l&#x27;instruction lui est renvoyée." in (
        response.content.decode()
    )
    world.instruction.refresh_from_db()
    assert world.instruction.validation == Validation.SUBMITTED


def test_a_refusal_without_htmx_comes_back_as_a_message(client):
    world = World()
    Instruction.objects.filter(pk=world.instruction.pk).update(validation=Validation.DRAFT)
    client.force_login(world.finance)

    response = client.post(world.validate, follow=True)

    assert "Seule une instruction soumise par son service" in response.content.decode()
    world.instruction.refresh_from_db()
    assert world.instruction.validation == Validation.DRAFT


def test_validation_is_refused_after_the_instruction_phase(client):
    world = World(phase=Phase.VOTING)
    client.force_login(world.finance)

    response = client.post(world.validate, follow=True)

    assert "Impossible de valider une instruction" in response.content.decode()
    world.instruction.refresh_from_db()
    assert world.instruction.validation == Validation.SUBMITTED


def test_the_next_parameter_only_goes_back_to_this_site(client):
    world = World()
    client.force_login(world.finance)

    response = client.post(world.validate, {"next": "https://evil.example/"})

    assert response["Location"] == world.queue
