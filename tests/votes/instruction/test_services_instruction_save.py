"""instruction_save and instruction_submit: who may instruct, when, and which figures."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budget.roles import ADMINISTRATOR, FINANCE, INSTRUCTOR, MODERATOR
from tests.factories import make_user
from tests.simulator.factories import make_measure, pool_budget
from tests.votes.factories import (
    make_campaign,
    make_instruction,
    make_proposal,
    make_service,
    make_voter,
)
from votes.campaigns.models import Campaign, Phase
from votes.campaigns.phases import PhaseError
from votes.instruction.instructing import instruction_save, instruction_submit
from votes.instruction.models import Instruction
from votes.proposals.models import Proposal, ProposalAdjustment

pytestmark = pytest.mark.django_db

Status = Instruction.Status
Validation = Instruction.Validation


@pytest.fixture
def instructor():
    return make_user(roles=(INSTRUCTOR,))


def assigned(instructor, *, kind=Proposal.Kind.PROJECT, phase=Phase.INSTRUCTION, **campaign):
    campaign_kind = Campaign.Kind.PROJECTS if kind == Proposal.Kind.PROJECT else None
    if campaign_kind:
        campaign.setdefault("kind", campaign_kind)
    campaign = make_campaign(phase=phase, **campaign)
    service = make_service(campaign.authority, members=[instructor])
    proposal = make_proposal(campaign, kind=kind, service=service)
    instruction = make_instruction(
        proposal, status=Status.TO_INSTRUCT, public_reasoning="", validation=Validation.DRAFT
    )
    return instruction


def test_the_assigned_service_instructor_records_a_feasible_project(instructor):
    instruction = assigned(instructor)

    instruction_save(
        instruction=instruction,
        by=instructor,
        status=Status.FEASIBLE,
        instructed_cost=Decimal("150000"),
        cost_schedule={2027: Decimal("100000"), 2028: Decimal("50000")},
        induced_operating_cost=Decimal("8000"),
        duration="18 mois",
        internal_notes="Devis de mars.",
    )

    instruction.refresh_from_db()
    assert instruction.status == Status.FEASIBLE
    assert instruction.instructed_cost == Decimal("150000")
    assert instruction.cost_schedule == {"2027": "100000.00", "2028": "50000.00"}
    assert instruction.induced_operating_cost == Decimal("8000")
    assert instruction.duration == "18 mois"
    assert instruction.internal_notes == "Devis de mars."
    assert instruction.instructed_by == instructor
    assert instruction.validation == Validation.DRAFT


def test_an_instructor_of_another_service_is_refused(instructor):
    instruction = assigned(instructor)
    other = make_user(roles=(INSTRUCTOR,))
    make_service(instruction.proposal.campaign.authority, members=[other])

    with pytest.raises(PermissionDenied):
        instruction_save(
            instruction=instruction, by=other, status=Status.FEASIBLE, instructed_cost=1
        )

    instruction.refresh_from_db()
    assert instruction.status == Status.TO_INSTRUCT


@pytest.mark.parametrize("roles", [(FINANCE,), (MODERATOR,), (ADMINISTRATOR,), ()])
def test_finance_moderators_administrators_and_citizens_cannot_change_figures(instructor, roles):
    instruction = assigned(instructor)
    user = make_user(roles=roles)

    with pytest.raises(PermissionDenied):
        instruction_save(
            instruction=instruction, by=user, status=Status.FEASIBLE, instructed_cost=1
        )

    instruction.refresh_from_db()
    assert instruction.instructed_cost is None


def test_a_voter_cannot_instruct(instructor):
    instruction = assigned(instructor)
    voter = make_voter(outside_territory=True)

    with pytest.raises(PermissionDenied):
        instruction_save(instruction=instruction, by=voter, status=Status.NOT_FEASIBLE)


def test_a_member_of_the_service_without_the_instructor_role_is_refused(instructor):
    instruction = assigned(instructor)
    member = make_user()
    instruction.proposal.service.members.add(member)

    with pytest.raises(PermissionDenied):
        instruction_save(
            instruction=instruction, by=member, status=Status.FEASIBLE, instructed_cost=1
        )


@pytest.mark.parametrize(
    "phase", [Phase.DRAFT, Phase.FRAMING, Phase.VOTING, Phase.TALLY, Phase.COUNCIL]
)
def test_it_refuses_to_instruct_outside_the_instruction_phases(instructor, phase):
    instruction = assigned(instructor, phase=phase)

    with pytest.raises(PhaseError) as error:
        instruction_save(
            instruction=instruction, by=instructor, status=Status.FEASIBLE, instructed_cost=1
        )

    assert "Impossible de instruire une proposition" in error.value.messages[0]
    instruction.refresh_from_db()
    assert instruction.status == Status.TO_INSTRUCT


@pytest.mark.parametrize("phase", [Phase.PROPOSALS, Phase.SUPPORTS, Phase.INSTRUCTION])
def test_it_allows_instructing_during_proposals_supports_and_instruction(instructor, phase):
    instruction = assigned(instructor, phase=phase)

    instruction_save(
        instruction=instruction, by=instructor, status=Status.FEASIBLE, instructed_cost=1
    )

    instruction.refresh_from_db()
    assert instruction.status == Status.FEASIBLE


@pytest.mark.parametrize("status", [Status.NOT_FEASIBLE, Status.OUT_OF_POWERS])
def test_a_negative_verdict_needs_a_public_reasoning(instructor, status):
    instruction = assigned(instructor)

    with pytest.raises(ValidationError) as error:
        instruction_save(
            instruction=instruction, by=instructor, status=status, public_reasoning="   "
        )

    assert (
        "La motivation publique est obligatoire" in error.value.message_dict["public_reasoning"][0]
    )
    instruction.refresh_from_db()
    assert instruction.status == Status.TO_INSTRUCT


def test_a_feasible_verdict_needs_no_reasoning(instructor):
    instruction = assigned(instructor)

    instruction_save(
        instruction=instruction, by=instructor, status=Status.FEASIBLE, instructed_cost=10
    )

    instruction.refresh_from_db()
    assert instruction.public_reasoning == ""


def test_feasible_with_conditions_needs_the_conditions(instructor):
    instruction = assigned(instructor)

    with pytest.raises(ValidationError) as error:
        instruction_save(
            instruction=instruction,
            by=instructor,
            status=Status.FEASIBLE_CONDITIONS,
            instructed_cost=10,
        )

    assert error.value.message_dict["conditions"] == ["Indiquez les conditions de faisabilité."]


def test_a_feasible_project_needs_its_instructed_cost(instructor):
    instruction = assigned(instructor)

    with pytest.raises(ValidationError) as error:
        instruction_save(instruction=instruction, by=instructor, status=Status.FEASIBLE)

    assert error.value.message_dict["instructed_cost"] == [
        "Le coût instruit est obligatoire pour un projet faisable."
    ]
    instruction.refresh_from_db()
    assert instruction.status == Status.TO_INSTRUCT


def test_the_cost_schedule_must_add_up_to_the_instructed_cost(instructor):
    instruction = assigned(instructor)

    with pytest.raises(ValidationError) as error:
        instruction_save(
            instruction=instruction,
            by=instructor,
            status=Status.FEASIBLE,
            instructed_cost=Decimal("120000"),
            cost_schedule={2027: Decimal("100000"), 2028: Decimal("50000")},
        )

    # 100 000 + 50 000 = 150 000, not 120 000.
    message = error.value.message_dict["cost_schedule"][0]
    assert "150\u202f000\u00a0€" in message
    assert "120\u202f000\u00a0€" in message
    instruction.refresh_from_db()
    assert instruction.cost_schedule == {}


def test_a_schedule_without_a_total_cost_is_refused(instructor):
    instruction = assigned(instructor)

    with pytest.raises(ValidationError) as error:
        instruction_save(
            instruction=instruction,
            by=instructor,
            status=Status.TO_INSTRUCT,
            cost_schedule={2027: Decimal("100")},
        )

    assert "instructed_cost" in error.value.message_dict


def test_negative_amounts_are_refused(instructor):
    instruction = assigned(instructor)

    with pytest.raises(ValidationError) as error:
        instruction_save(
            instruction=instruction,
            by=instructor,
            status=Status.FEASIBLE,
            instructed_cost=Decimal("10"),
            induced_operating_cost=Decimal("-5"),
        )

    assert error.value.message_dict["induced_operating_cost"] == [
        "Le montant ne peut pas être négatif."
    ]


def test_a_saving_without_adjustments_takes_the_typed_saving(instructor):
    instruction = assigned(instructor, kind=Proposal.Kind.SAVING)

    instruction_save(
        instruction=instruction,
        by=instructor,
        status=Status.FEASIBLE,
        instructed_saving=Decimal("42000"),
    )

    instruction.refresh_from_db()
    assert instruction.instructed_saving == Decimal("42000")
    assert instruction.direct_saving is None


def test_a_feasible_saving_without_adjustments_needs_its_saving(instructor):
    instruction = assigned(instructor, kind=Proposal.Kind.SAVING)

    with pytest.raises(ValidationError) as error:
        instruction_save(instruction=instruction, by=instructor, status=Status.FEASIBLE)

    assert error.value.message_dict["instructed_saving"] == [
        "L'économie nette par an est obligatoire pour une économie faisable."
    ]


def test_a_saving_with_adjustments_gets_its_saving_from_the_engine(instructor):
    budget, lines = pool_budget()
    instruction = assigned(instructor, kind=Proposal.Kind.SAVING, budget=budget)
    ProposalAdjustment.objects.create(
        proposal=instruction.proposal, line=lines["pool_staff"], percent=Decimal("-10")
    )

    instruction_save(
        instruction=instruction,
        by=instructor,
        status=Status.FEASIBLE,
        instructed_saving=Decimal("999999"),  # typed by mistake: the engine's figure wins
    )

    # Pool staff 300 000 × −10 % = 30 000 less spent (direct); the rule pool staff → tickets
    # × 0.1 loses 0.1 × 30 000 = 3 000 of ticket revenue (induced): 27 000 net a year.
    instruction.refresh_from_db()
    assert instruction.direct_saving == Decimal("30000.00")
    assert instruction.induced_saving == Decimal("-3000.00")
    assert instruction.instructed_saving == Decimal("27000.00")


def test_a_saving_built_from_a_measure_gets_its_full_year_effect(instructor):
    budget, lines = pool_budget()
    measure = make_measure(
        budget,
        lines["electricity"],
        slug="led",
        title="Éclairage LED",
        amount=Decimal("-20000"),
        start_year=2,
        first_year_share=Decimal("0.5"),
    )
    instruction = assigned(instructor, kind=Proposal.Kind.SAVING, budget=budget)
    Proposal.objects.filter(pk=instruction.proposal.pk).update(measure=measure)

    instruction_save(instruction=instruction, by=instructor, status=Status.FEASIBLE)

    # Electricity −20 000 a year, half of it the first year: the full-year effect counts the
    # whole 20 000; nothing is linked to electricity, so no induced effect.
    instruction.refresh_from_db()
    assert instruction.instructed_saving == Decimal("20000.00")
    assert instruction.direct_saving == Decimal("20000.00")
    assert instruction.induced_saving == Decimal("0.00")


def test_an_adjustment_the_engine_refuses_is_reported(instructor):
    budget, lines = pool_budget()
    instruction = assigned(instructor, kind=Proposal.Kind.SAVING, budget=budget)
    # Pool staff has a floor of 100 000: cutting 250 000 would go below it.
    ProposalAdjustment.objects.create(
        proposal=instruction.proposal, line=lines["pool_staff"], amount=Decimal("-250000")
    )

    with pytest.raises(ValidationError) as error:
        instruction_save(instruction=instruction, by=instructor, status=Status.FEASIBLE)

    message = error.value.message_dict["instructed_saving"][0]
    assert message.startswith("Le calcul de l'économie par le simulateur échoue")
    assert "plancher" in message
    instruction.refresh_from_db()
    assert instruction.instructed_saving is None


@pytest.mark.parametrize(
    ("validation", "expected"),
    [
        (Validation.SUBMITTED, "attendez sa validation ou son renvoi"),
        (Validation.VALIDATED, "elle ne peut plus être modifiée"),
    ],
)
def test_a_submitted_or_validated_instruction_is_frozen(instructor, validation, expected):
    instruction = assigned(instructor)
    Instruction.objects.filter(pk=instruction.pk).update(
        status=Status.FEASIBLE, instructed_cost=10, validation=validation
    )

    with pytest.raises(ValidationError) as error:
        instruction_save(
            instruction=instruction, by=instructor, status=Status.FEASIBLE, instructed_cost=99
        )

    assert expected in error.value.messages[0]
    instruction.refresh_from_db()
    assert instruction.instructed_cost == Decimal("10")


def test_a_returned_instruction_is_editable_again(instructor):
    instruction = assigned(instructor)
    Instruction.objects.filter(pk=instruction.pk).update(
        status=Status.FEASIBLE, instructed_cost=10, validation=Validation.RETURNED
    )

    instruction_save(
        instruction=instruction, by=instructor, status=Status.FEASIBLE, instructed_cost=12
    )

    instruction.refresh_from_db()
    assert instruction.instructed_cost == Decimal("12")


def test_submitting_hands_the_instruction_to_finance(instructor):
    instruction = assigned(instructor)
    instruction_save(
        instruction=instruction, by=instructor, status=Status.FEASIBLE, instructed_cost=10
    )

    instruction_submit(instruction=instruction, by=instructor)

    instruction.refresh_from_db()
    assert instruction.validation == Validation.SUBMITTED


def test_an_instruction_without_a_verdict_cannot_be_submitted(instructor):
    instruction = assigned(instructor)

    with pytest.raises(ValidationError) as error:
        instruction_submit(instruction=instruction, by=instructor)

    assert error.value.messages == ["Choisissez un avis avant de soumettre l'instruction."]
    instruction.refresh_from_db()
    assert instruction.validation == Validation.DRAFT


def test_only_the_service_instructor_submits(instructor):
    instruction = assigned(instructor)
    Instruction.objects.filter(pk=instruction.pk).update(status=Status.FEASIBLE)

    with pytest.raises(PermissionDenied):
        instruction_submit(instruction=instruction, by=make_user(roles=(FINANCE,)))


def test_submitting_is_phase_gated(instructor):
    instruction = assigned(instructor, phase=Phase.VOTING)
    Instruction.objects.filter(pk=instruction.pk).update(status=Status.FEASIBLE)

    with pytest.raises(PhaseError):
        instruction_submit(instruction=instruction, by=instructor)

    instruction.refresh_from_db()
    assert instruction.validation == Validation.DRAFT
