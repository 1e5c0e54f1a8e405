"""/gestion/instruction/: the team's entry point (campaigns, and what my services must do)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from budget.roles import ADMINISTRATOR, FINANCE, INSTRUCTOR, MODERATOR
from tests.factories import make_user
from tests.votes.factories import make_campaign, make_instruction, make_proposal, make_service
from votes.campaigns.models import Phase
from votes.instruction.models import Instruction

pytestmark = pytest.mark.django_db

URL = reverse("votes:instruction_home")
Validation = Instruction.Validation


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == "/connexion/?next=/gestion/instruction/"


@pytest.mark.parametrize("roles", [(MODERATOR,), ()])
def test_other_roles_get_403(client, roles):
    client.force_login(make_user(roles=roles))

    assert client.get(URL).status_code == 403


def test_an_instructor_sees_what_their_services_must_instruct(client):
    instructor = make_user(roles=(INSTRUCTOR,))
    campaign = make_campaign(phase=Phase.INSTRUCTION, title="Budget inversé")
    mine = make_service(campaign.authority, members=[instructor])
    other = make_service(campaign.authority)
    todo = make_instruction(
        make_proposal(campaign, service=mine, title="À faire"), validation=Validation.DRAFT
    )
    make_instruction(
        make_proposal(campaign, service=mine, title="Déjà soumise"),
        validation=Validation.SUBMITTED,
    )
    make_instruction(
        make_proposal(campaign, service=other, title="Pas à moi"), validation=Validation.DRAFT
    )
    make_campaign(phase=Phase.DRAFT, title="Brouillon caché")
    client.force_login(instructor)

    response = client.get(URL)

    assert list(response.context["mine"]) == [todo]
    body = response.content.decode()
    assert "Budget inversé" in body
    assert "Brouillon caché" not in body
    assert "Pas à moi" not in body


@pytest.mark.parametrize("roles", [(ADMINISTRATOR,), (FINANCE,)])
def test_finance_and_administrators_see_the_campaigns(client, roles):
    campaign = make_campaign(phase=Phase.INSTRUCTION, title="Budget inversé")
    make_instruction(make_proposal(campaign), validation=Validation.SUBMITTED)
    client.force_login(make_user(roles=roles))

    response = client.get(URL)

    (row,) = response.context["campaigns"]
    assert (row.title, row.proposal_count, row.waiting) == ("Budget inversé", 1, 1)
