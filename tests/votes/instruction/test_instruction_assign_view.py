"""/gestion/instruction/<slug>/attribution/: assign proposals one by one or in bulk."""

from __future__ import annotations

import pytest
from django.urls import reverse

from budget.roles import ADMINISTRATOR, FINANCE, INSTRUCTOR, MODERATOR
from tests.factories import make_authority, make_user
from tests.votes.factories import make_campaign, make_instruction, make_proposal, make_service
from votes.campaigns.models import Phase
from votes.instruction.models import Instruction
from votes.proposals.models import Proposal

pytestmark = pytest.mark.django_db


class World:
    def __init__(self, *, phase=Phase.INSTRUCTION):
        self.campaign = make_campaign(phase=phase)
        self.service = make_service(self.campaign.authority, name="Voirie")
        self.proposals = [make_proposal(self.campaign) for _ in range(3)]
        self.url = reverse("votes:instruction_assign", kwargs={"slug": self.campaign.slug})


@pytest.fixture
def admin(client):
    user = make_user(roles=(ADMINISTRATOR,))
    client.force_login(user)
    return user


def test_anonymous_visitors_are_sent_to_login(client):
    world = World()

    response = client.get(world.url)

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


@pytest.mark.parametrize("roles", [(FINANCE,), (INSTRUCTOR,), (MODERATOR,), ()])
def test_only_administrators_assign(client, roles):
    world = World()
    client.force_login(make_user(roles=roles))

    assert client.get(world.url).status_code == 403
    response = client.post(
        world.url, {"proposals": [world.proposals[0].pk], "service": world.service.pk}
    )
    assert response.status_code == 403
    assert not Instruction.objects.exists()


def test_the_page_lists_the_proposals_with_a_service_select_each(client, admin):
    world = World()
    make_proposal(world.campaign, status=Proposal.Status.WITHDRAWN, title="Retirée")

    response = client.get(world.url)

    body = response.content.decode()
    assert list(response.context["proposals"]) == world.proposals
    assert "Retirée" not in body
    for proposal in world.proposals:
        assert f'id="service-{proposal.pk}"' in body
        assert f'for="choose-{proposal.pk}"' in body


def test_assigning_one_proposal(client, admin):
    world = World()
    first = world.proposals[0]

    response = client.post(world.url, {"proposals": [first.pk], "service": world.service.pk})

    assert response.status_code == 302
    first.refresh_from_db()
    assert first.service == world.service
    assert Instruction.objects.filter(proposal=first).count() == 1


def test_assigning_in_bulk_with_a_due_date(client, admin):
    world = World()

    client.post(
        world.url,
        {
            "proposals": [p.pk for p in world.proposals[:2]],
            "service": world.service.pk,
            "due_on": "2026-06-30",
        },
    )

    instructions = Instruction.objects.filter(proposal__in=world.proposals[:2])
    assert instructions.count() == 2
    assert {str(i.due_on) for i in instructions} == {"2026-06-30"}
    world.proposals[2].refresh_from_db()
    assert world.proposals[2].service is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"service": "SERVICE"}, "proposals", "Cochez au moins une proposition."),
        ({"proposals": ["FIRST"]}, "service", "Choisissez un service."),
        (
            {"proposals": ["FIRST"], "service": "SERVICE", "due_on": "demain"},
            "due_on",
            "Saisissez une date valide.",
        ),
    ],
)
def test_bad_input_is_refused_in_place(client, admin, data, field, message):
    world = World()
    values = {"SERVICE": world.service.pk, "FIRST": world.proposals[0].pk}
    payload = {
        key: [values.get(v, v) for v in value]
        if isinstance(value, list)
        else values.get(value, value)
        for key, value in data.items()
    }

    response = client.post(world.url, payload)

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert not Instruction.objects.exists()


def test_a_service_of_another_authority_is_not_a_valid_choice(client, admin):
    world = World()
    elsewhere = make_service(make_authority())

    response = client.post(
        world.url, {"proposals": [world.proposals[0].pk], "service": elsewhere.pk}
    )

    assert response.status_code == 200
    assert "service" in response.context["form"].errors
    assert not Instruction.objects.exists()


def test_a_proposal_of_another_campaign_is_not_a_valid_choice(client, admin):
    world = World()
    foreign = make_proposal(make_campaign(budget=world.campaign.budget))

    response = client.post(world.url, {"proposals": [foreign.pk], "service": world.service.pk})

    assert response.context["form"].errors["proposals"] == [
        "Une des propositions choisies n'existe pas dans la campagne."
    ]
    assert not Instruction.objects.exists()


def test_a_service_refusal_is_shown_and_nothing_is_written(client, admin):
    world = World()
    frozen = world.proposals[0]
    other = make_service(world.campaign.authority, name="Sports")
    Proposal.objects.filter(pk=frozen.pk).update(service=other)
    make_instruction(frozen, validation=Instruction.Validation.VALIDATED)

    response = client.post(
        world.url,
        {"proposals": [frozen.pk, world.proposals[1].pk], "service": world.service.pk},
    )

    assert response.status_code == 200
    assert "ne peut plus changer de service" in response.content.decode()
    world.proposals[1].refresh_from_db()
    assert world.proposals[1].service is None


def test_assigning_is_refused_after_the_instruction_phase(client, admin):
    world = World(phase=Phase.VOTING)

    response = client.post(
        world.url, {"proposals": [world.proposals[0].pk], "service": world.service.pk}
    )

    assert response.status_code == 200
    assert "Impossible de attribuer une proposition à un service" in response.content.decode()
    assert not Instruction.objects.exists()
