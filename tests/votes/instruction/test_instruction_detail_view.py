"""/gestion/instruction/<slug>/<reference>/: the instruction form of one proposal."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from budget.roles import ADMINISTRATOR, FINANCE, INSTRUCTOR, MODERATOR
from tests.factories import make_user
from tests.simulator.factories import pool_budget
from tests.votes.factories import (
    make_campaign,
    make_instruction,
    make_proposal,
    make_service,
    make_voter,
)
from votes.campaigns.models import Campaign, Phase
from votes.instruction.models import Instruction
from votes.proposals.models import Proposal, ProposalAdjustment

pytestmark = pytest.mark.django_db

Status = Instruction.Status
Validation = Instruction.Validation


class World:
    def __init__(self, *, phase=Phase.INSTRUCTION, kind=Proposal.Kind.PROJECT, budget=None):
        extra = {"budget": budget} if budget else {}
        self.campaign = make_campaign(phase=phase, kind=Campaign.Kind.MIXED, **extra)
        self.instructor = make_user(roles=(INSTRUCTOR,))
        self.service = make_service(
            self.campaign.authority, name="Voirie", members=[self.instructor]
        )
        self.proposal = make_proposal(
            self.campaign,
            kind=kind,
            service=self.service,
            title="Piste cyclable",
            description="Une piste **sûre**. <script>alert(1)</script>",
        )
        self.instruction = make_instruction(
            self.proposal, status=Status.TO_INSTRUCT, public_reasoning="", internal_notes="Secret"
        )
        self.url = reverse(
            "votes:instruction_detail",
            kwargs={"slug": self.campaign.slug, "reference": self.proposal.reference},
        )


def form_data(**overrides) -> dict:
    data = {
        "status": Status.FEASIBLE,
        "instructed_cost": "150 000",
        "cost_schedule": "2027 : 100 000\n2028 : 50 000",
        "induced_operating_cost": "",
        "duration": "1 an",
        "conditions": "",
        "public_reasoning": "",
        "internal_notes": "Vu avec le bureau d'études.",
    }
    data.update(overrides)
    return data


def test_anonymous_visitors_are_sent_to_login(client):
    world = World()

    response = client.get(world.url)

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")


@pytest.mark.parametrize("roles", [(MODERATOR,), ()])
def test_users_without_an_instruction_role_get_403(client, roles):
    world = World()
    client.force_login(make_user(roles=roles))

    assert client.get(world.url).status_code == 403


def test_a_voter_gets_403(client):
    world = World()
    client.force_login(make_voter(outside_territory=True))

    assert client.get(world.url).status_code == 403
    assert client.post(world.url, form_data()).status_code == 403


def test_an_instructor_of_another_service_gets_403_and_writes_nothing(client):
    world = World()
    other = make_user(roles=(INSTRUCTOR,))
    make_service(world.campaign.authority, members=[other])
    client.force_login(other)

    assert client.get(world.url).status_code == 403
    assert client.post(world.url, form_data()).status_code == 403
    world.instruction.refresh_from_db()
    assert world.instruction.status == Status.TO_INSTRUCT


def test_an_unknown_proposal_is_404(client):
    world = World()
    client.force_login(world.instructor)

    url = reverse("votes:instruction_detail", kwargs={"slug": world.campaign.slug, "reference": 99})

    assert client.get(url).status_code == 404


def test_the_instructor_sees_the_proposal_and_the_form(client):
    world = World()
    client.force_login(world.instructor)

    response = client.get(world.url)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Piste cyclable" in body
    assert "<strong>sûre</strong>" in body
    assert "<script>alert(1)</script>" not in body
    assert 'name="status"' in body
    assert "Enregistrer et soumettre à la direction des finances" in body
    assert "Secret" in body  # internal notes are for the team


def test_the_instructor_saves_the_instruction(client):
    world = World()
    client.force_login(world.instructor)

    response = client.post(world.url, form_data())

    assert response.status_code == 302
    world.instruction.refresh_from_db()
    assert world.instruction.status == Status.FEASIBLE
    assert world.instruction.instructed_cost == Decimal("150000")
    assert world.instruction.cost_schedule == {"2027": "100000.00", "2028": "50000.00"}
    assert world.instruction.validation == Validation.DRAFT
    # The middleware names the user in the history of a web request.
    assert world.instruction.history.first().history_user == world.instructor


def test_save_and_submit_hands_it_to_finance(client):
    world = World()
    client.force_login(world.instructor)

    client.post(world.url, {**form_data(), "submit": "1"})

    world.instruction.refresh_from_db()
    assert world.instruction.validation == Validation.SUBMITTED


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"status": Status.NOT_FEASIBLE, "instructed_cost": "", "cost_schedule": ""},
            "public_reasoning",
            "La motivation publique est obligatoire pour l'avis « Non faisable »",
        ),
        ({"instructed_cost": "cher"}, "instructed_cost", "« cher » n'est pas un montant en euros."),
        ({"instructed_cost": "-3"}, "instructed_cost", "Le montant ne peut pas être négatif."),
        (
            {"instructed_cost": "120 000"},
            "cost_schedule",
            "ne correspond pas au coût instruit",
        ),
        (
            {"cost_schedule": "bientôt"},
            "cost_schedule",
            "« bientôt » n'est pas de la forme « année : montant ».",
        ),
        ({"status": "perhaps"}, "status", "Sélectionnez un choix valide."),
    ],
)
def test_bad_input_is_shown_in_place_and_nothing_is_written(client, data, field, message):
    world = World()
    client.force_login(world.instructor)

    response = client.post(world.url, form_data(**data))

    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field])
    world.instruction.refresh_from_db()
    assert world.instruction.status == Status.TO_INSTRUCT
    assert world.instruction.internal_notes == "Secret"


def test_a_submitted_instruction_shows_no_form_and_refuses_posts(client):
    world = World()
    Instruction.objects.filter(pk=world.instruction.pk).update(
        status=Status.FEASIBLE, validation=Validation.SUBMITTED
    )
    client.force_login(world.instructor)

    page = client.get(world.url)
    response = client.post(world.url, form_data(instructed_cost="1"), follow=True)

    assert page.context["form"] is None
    assert "Cette instruction ne peut pas être modifiée maintenant." in response.content.decode()
    world.instruction.refresh_from_db()
    assert world.instruction.instructed_cost is None


def test_after_the_instruction_phase_the_form_is_gone(client):
    world = World(phase=Phase.VOTING)
    client.force_login(world.instructor)

    response = client.get(world.url)

    assert response.context["form"] is None
    assert "l'instruction n'est plus modifiable" in response.content.decode()


def test_a_saving_shows_the_engine_figures_with_direct_and_induced_effects(client):
    budget, lines = pool_budget()
    world = World(kind=Proposal.Kind.SAVING, budget=budget)
    ProposalAdjustment.objects.create(
        proposal=world.proposal, line=lines["pool_staff"], percent=Decimal("-10")
    )
    client.force_login(world.instructor)

    response = client.get(world.url)

    # 30 000 direct, −3 000 induced (tickets × 0.1), 27 000 net.
    saving = response.context["saving"]
    assert (saving.net, saving.direct, saving.induced) == (
        Decimal("27000.00"),
        Decimal("30000.00"),
        Decimal("-3000.00"),
    )
    body = response.content.decode()
    assert "27\u202f000\u00a0€" in body
    assert "−3\u202f000\u00a0€" in body
    # The figure comes from the engine: there is no field to type it.
    assert "instructed_saving" not in response.context["form"].fields


def test_finance_sees_the_page_read_only_with_the_validation_buttons(client):
    world = World()
    Instruction.objects.filter(pk=world.instruction.pk).update(
        status=Status.FEASIBLE, instructed_cost=5, validation=Validation.SUBMITTED
    )
    client.force_login(make_user(roles=(FINANCE,)))

    response = client.get(world.url)

    assert response.status_code == 200
    assert response.context["form"] is None
    assert response.context["can_validate"] is True
    assert "Valider l'instruction" in response.content.decode()


def test_finance_cannot_post_figures(client):
    world = World()
    client.force_login(make_user(roles=(FINANCE,)))

    assert client.post(world.url, form_data()).status_code == 403
    world.instruction.refresh_from_db()
    assert world.instruction.status == Status.TO_INSTRUCT


def test_an_administrator_reads_but_cannot_post(client):
    world = World()
    client.force_login(make_user(roles=(ADMINISTRATOR,)))

    assert client.get(world.url).status_code == 200
    assert client.post(world.url, form_data()).status_code == 403


def test_the_page_shows_the_history_timeline(client):
    world = World()
    client.force_login(world.instructor)
    client.post(world.url, form_data())

    response = client.get(world.url)

    body = response.content.decode()
    assert "Historique" in body
    assert "Instruction enregistrée" in body
    assert "À instruire" in body and "Faisable" in body
    assert response.context["timeline"][0].user == world.instructor.get_username()
