"""Services (create, update) and the assignment of proposals to them, one by one and in bulk."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budget.roles import ADMINISTRATOR, FINANCE, INSTRUCTOR, MODERATOR
from tests.factories import make_authority, make_user
from tests.votes.factories import make_campaign, make_instruction, make_proposal, make_service
from votes.campaigns.models import Phase
from votes.campaigns.phases import PhaseError
from votes.instruction.assignment import (
    proposal_assign,
    proposals_assign_bulk,
    service_create,
    service_update,
)
from votes.instruction.models import Instruction, Service
from votes.proposals.models import Proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return make_user(roles=(ADMINISTRATOR,))


@pytest.fixture
def instructor():
    return make_user(roles=(INSTRUCTOR,))


def test_an_administrator_creates_a_service_with_its_instructors(admin, instructor):
    authority = make_authority()

    service = service_create(authority=authority, name=" Voirie ", members=[instructor], by=admin)

    assert service.name == "Voirie"
    assert list(service.members.all()) == [instructor]


@pytest.mark.parametrize("roles", [(FINANCE,), (INSTRUCTOR,), (MODERATOR,), ()])
def test_only_administrators_create_services(roles):
    with pytest.raises(PermissionDenied):
        service_create(authority=make_authority(), name="Voirie", by=make_user(roles=roles))

    assert not Service.objects.exists()


def test_a_member_must_have_the_instructor_role(admin):
    clerk = make_user(username="clerk")

    with pytest.raises(ValidationError) as error:
        service_create(authority=make_authority(), name="Voirie", members=[clerk], by=admin)

    assert "clerk" in error.value.message_dict["members"][0]
    assert not Service.objects.exists()


def test_two_services_of_an_authority_cannot_share_a_name(admin):
    authority = make_authority()
    make_service(authority, name="Voirie")

    with pytest.raises(ValidationError) as error:
        service_create(authority=authority, name="voirie", by=admin)

    assert error.value.message_dict["name"] == [
        "Un service « voirie » existe déjà pour cette collectivité."
    ]
    assert Service.objects.count() == 1


def test_an_administrator_renames_a_service_and_changes_its_members(admin, instructor):
    service = make_service(make_authority(), name="Voirie", members=[instructor])
    newcomer = make_user(roles=(INSTRUCTOR,))

    service_update(service=service, name="Voirie et réseaux", members=[newcomer], by=admin)

    service.refresh_from_db()
    assert service.name == "Voirie et réseaux"
    assert list(service.members.all()) == [newcomer]


def test_an_instructor_cannot_change_a_service(instructor):
    service = make_service(make_authority(), name="Voirie", members=[instructor])

    with pytest.raises(PermissionDenied):
        service_update(service=service, name="Autre", members=[], by=instructor)

    service.refresh_from_db()
    assert service.name == "Voirie"


def test_assigning_creates_the_instruction_to_instruct(admin):
    campaign = make_campaign(phase=Phase.PROPOSALS)
    service = make_service(campaign.authority)
    proposal = make_proposal(campaign)

    instruction = proposal_assign(
        proposal=proposal, service=service, by=admin, due_on=date(2026, 5, 1)
    )

    proposal.refresh_from_db()
    assert proposal.service == service
    assert instruction.status == Instruction.Status.TO_INSTRUCT
    assert instruction.validation == Instruction.Validation.DRAFT
    assert instruction.due_on == date(2026, 5, 1)
    assert instruction.history.first().history_user == admin


def test_reassigning_keeps_the_instruction_and_its_figures(admin):
    campaign = make_campaign(phase=Phase.INSTRUCTION)
    first, second = make_service(campaign.authority), make_service(campaign.authority)
    proposal = make_proposal(campaign, service=first)
    make_instruction(proposal, instructed_cost=100)

    proposal_assign(proposal=proposal, service=second, by=admin)

    proposal.refresh_from_db()
    assert proposal.service == second
    assert Instruction.objects.get(proposal=proposal).instructed_cost == 100


@pytest.mark.parametrize("roles", [(FINANCE,), (INSTRUCTOR,), (MODERATOR,), ()])
def test_only_administrators_assign(roles):
    campaign = make_campaign(phase=Phase.INSTRUCTION)
    proposal = make_proposal(campaign)

    with pytest.raises(PermissionDenied):
        proposal_assign(
            proposal=proposal, service=make_service(campaign.authority), by=make_user(roles=roles)
        )

    proposal.refresh_from_db()
    assert proposal.service is None
    assert not Instruction.objects.exists()


@pytest.mark.parametrize("phase", [Phase.DRAFT, Phase.FRAMING, Phase.VOTING, Phase.ANSWERED])
def test_assigning_is_refused_outside_its_phases(admin, phase):
    campaign = make_campaign(phase=phase)
    proposal = make_proposal(campaign)

    with pytest.raises(PhaseError) as error:
        proposal_assign(proposal=proposal, service=make_service(campaign.authority), by=admin)

    assert "attribuer une proposition à un service" in error.value.messages[0]
    assert not Instruction.objects.exists()


def test_a_service_of_another_authority_is_refused(admin):
    campaign = make_campaign(phase=Phase.INSTRUCTION)
    proposal = make_proposal(campaign)
    elsewhere = make_service(make_authority(), name="Voirie d'ailleurs")

    with pytest.raises(ValidationError) as error:
        proposal_assign(proposal=proposal, service=elsewhere, by=admin)

    assert error.value.messages == [
        "Le service « Voirie d'ailleurs » n'appartient pas à la collectivité de la campagne."
    ]
    proposal.refresh_from_db()
    assert proposal.service is None


def test_a_withdrawn_proposal_is_not_assigned(admin):
    campaign = make_campaign(phase=Phase.INSTRUCTION)
    proposal = make_proposal(campaign, status=Proposal.Status.WITHDRAWN)

    with pytest.raises(ValidationError) as error:
        proposal_assign(proposal=proposal, service=make_service(campaign.authority), by=admin)

    assert "retirée par son auteur" in error.value.messages[0]
    assert not Instruction.objects.exists()


def test_a_validated_instruction_cannot_change_service(admin):
    campaign = make_campaign(phase=Phase.INSTRUCTION)
    first, second = make_service(campaign.authority), make_service(campaign.authority)
    proposal = make_proposal(campaign, service=first)
    make_instruction(proposal, validation=Instruction.Validation.VALIDATED)

    with pytest.raises(ValidationError) as error:
        proposal_assign(proposal=proposal, service=second, by=admin)

    assert "ne peut plus changer de service" in error.value.messages[0]
    proposal.refresh_from_db()
    assert proposal.service == first


def test_bulk_assignment_assigns_every_checked_proposal(admin):
    campaign = make_campaign(phase=Phase.INSTRUCTION)
    service = make_service(campaign.authority)
    proposals = [make_proposal(campaign) for _ in range(3)]

    proposals_assign_bulk(proposals=proposals, service=service, by=admin)

    assert set(Proposal.objects.filter(service=service)) == set(proposals)
    assert Instruction.objects.filter(proposal__in=proposals).count() == 3


def test_bulk_assignment_is_all_or_nothing(admin):
    campaign = make_campaign(phase=Phase.INSTRUCTION)
    service = make_service(campaign.authority)
    fine = make_proposal(campaign)
    withdrawn = make_proposal(campaign, status=Proposal.Status.WITHDRAWN)

    with pytest.raises(ValidationError) as error:
        proposals_assign_bulk(proposals=[fine, withdrawn], service=service, by=admin)

    assert len(error.value.messages) == 1
    assert withdrawn.public_reference in error.value.messages[0]
    fine.refresh_from_db()
    assert fine.service is None
    assert not Instruction.objects.exists()


def test_bulk_assignment_needs_at_least_one_proposal(admin):
    campaign = make_campaign(phase=Phase.INSTRUCTION)

    with pytest.raises(ValidationError) as error:
        proposals_assign_bulk(proposals=[], service=make_service(campaign.authority), by=admin)

    assert error.value.messages == ["Cochez au moins une proposition."]


def test_bulk_assignment_is_phase_gated(admin):
    campaign = make_campaign(phase=Phase.VOTING)
    proposal = make_proposal(campaign)

    with pytest.raises(PhaseError):
        proposals_assign_bulk(
            proposals=[proposal], service=make_service(campaign.authority), by=admin
        )

    assert not Instruction.objects.exists()


def test_bulk_assignment_refuses_other_roles(instructor):
    campaign = make_campaign(phase=Phase.INSTRUCTION)
    proposal = make_proposal(campaign)

    with pytest.raises(PermissionDenied):
        proposals_assign_bulk(
            proposals=[proposal], service=make_service(campaign.authority), by=instructor
        )

    assert not Instruction.objects.exists()


def test_assigning_again_to_the_same_service_records_nothing_new(admin):
    campaign = make_campaign(phase=Phase.INSTRUCTION)
    service = make_service(campaign.authority)
    proposal = make_proposal(campaign)
    instruction = proposal_assign(proposal=proposal, service=service, by=admin)

    proposal_assign(proposal=proposal, service=service, by=admin)

    assert instruction.history.count() == 1
