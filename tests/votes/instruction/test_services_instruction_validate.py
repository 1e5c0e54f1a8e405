"""instruction_validate and instruction_return: the finance service's decision."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from budget.roles import ADMINISTRATOR, FINANCE, INSTRUCTOR, MODERATOR
from tests.factories import make_user
from tests.votes.factories import make_campaign, make_instruction, make_proposal, make_service
from votes.campaigns.models import Phase
from votes.campaigns.phases import PhaseError
from votes.instruction.finance import instruction_return, instruction_validate
from votes.instruction.models import Instruction

pytestmark = pytest.mark.django_db

Status = Instruction.Status
Validation = Instruction.Validation


@pytest.fixture
def finance():
    return make_user(roles=(FINANCE,))


@pytest.fixture
def instructor():
    return make_user(roles=(INSTRUCTOR,))


def submitted(instructor, *, phase=Phase.INSTRUCTION, **fields):
    campaign = make_campaign(phase=phase)
    service = make_service(campaign.authority, members=[instructor])
    proposal = make_proposal(campaign, service=service)
    fields.setdefault("validation", Validation.SUBMITTED)
    return make_instruction(proposal, instructed_by=instructor, **fields)


def test_finance_validates_a_submitted_instruction(finance, instructor):
    instruction = submitted(instructor)
    before = timezone.now()

    instruction_validate(instruction=instruction, by=finance)

    instruction.refresh_from_db()
    assert instruction.validation == Validation.VALIDATED
    assert instruction.validated_by == finance
    assert instruction.validated_at >= before


@pytest.mark.parametrize("roles", [(INSTRUCTOR,), (ADMINISTRATOR,), (MODERATOR,), ()])
def test_only_finance_validates(instructor, roles):
    instruction = submitted(instructor)

    with pytest.raises(PermissionDenied):
        instruction_validate(instruction=instruction, by=make_user(roles=roles))

    instruction.refresh_from_db()
    assert instruction.validation == Validation.SUBMITTED


def test_the_instructor_of_the_service_cannot_validate_it(instructor):
    instruction = submitted(instructor)

    with pytest.raises(PermissionDenied):
        instruction_validate(instruction=instruction, by=instructor)

    instruction.refresh_from_db()
    assert instruction.validated_by is None


def test_a_finance_officer_who_instructed_it_cannot_validate_it(instructor):
    both = make_user(roles=(FINANCE, INSTRUCTOR))
    instruction = submitted(instructor)
    Instruction.objects.filter(pk=instruction.pk).update(instructed_by=both)

    with pytest.raises(ValidationError) as error:
        instruction_validate(instruction=instruction, by=both)

    assert error.value.messages == [
        "Vous avez instruit cette proposition : une autre personne doit la valider."
    ]
    instruction.refresh_from_db()
    assert instruction.validation == Validation.SUBMITTED


@pytest.mark.parametrize("validation", [Validation.DRAFT, Validation.RETURNED])
def test_a_draft_or_returned_instruction_cannot_be_validated(finance, instructor, validation):
    instruction = submitted(instructor, validation=validation)

    with pytest.raises(ValidationError) as error:
        instruction_validate(instruction=instruction, by=finance)

    assert error.value.messages[0].startswith("Seule une instruction soumise")
    instruction.refresh_from_db()
    assert instruction.validation == validation


def test_an_already_validated_instruction_is_not_validated_again(finance, instructor):
    instruction = submitted(instructor, validation=Validation.VALIDATED)

    with pytest.raises(ValidationError):
        instruction_validate(instruction=instruction, by=finance)

    instruction.refresh_from_db()
    assert instruction.validated_by is None


def test_an_instruction_without_a_verdict_cannot_be_validated(finance, instructor):
    instruction = submitted(instructor, status=Status.TO_INSTRUCT)

    with pytest.raises(ValidationError) as error:
        instruction_validate(instruction=instruction, by=finance)

    assert error.value.messages == ["Une instruction sans avis ne peut pas être validée."]
    instruction.refresh_from_db()
    assert instruction.validation == Validation.SUBMITTED


def test_validation_reads_the_row_as_it_is_now_not_as_the_caller_saw_it(finance, instructor):
    # The caller's copy says "submitted"; meanwhile the instruction was sent back: the locked
    # re-read sees it and refuses instead of validating figures nobody submitted.
    instruction = submitted(instructor)
    Instruction.objects.filter(pk=instruction.pk).update(validation=Validation.RETURNED)

    with pytest.raises(ValidationError):
        instruction_validate(instruction=instruction, by=finance)

    instruction.refresh_from_db()
    assert instruction.validation == Validation.RETURNED


@pytest.mark.parametrize("phase", [Phase.FRAMING, Phase.VOTING, Phase.COUNCIL])
def test_validation_is_phase_gated(finance, instructor, phase):
    instruction = submitted(instructor, phase=phase)

    with pytest.raises(PhaseError) as error:
        instruction_validate(instruction=instruction, by=finance)

    assert "valider une instruction" in error.value.messages[0]
    instruction.refresh_from_db()
    assert instruction.validation == Validation.SUBMITTED


def test_finance_sends_an_instruction_back_with_a_comment(finance, instructor):
    instruction = submitted(instructor)

    instruction_return(instruction=instruction, by=finance, comment="  Le coût oublie la TVA. ")

    instruction.refresh_from_db()
    assert instruction.validation == Validation.RETURNED
    assert instruction.return_comment == "Le coût oublie la TVA."


def test_sending_back_needs_a_comment(finance, instructor):
    instruction = submitted(instructor)

    with pytest.raises(ValidationError) as error:
        instruction_return(instruction=instruction, by=finance, comment="   ")

    assert error.value.message_dict["comment"] == [
        "Expliquez au service pourquoi l'instruction lui est renvoyée."
    ]
    instruction.refresh_from_db()
    assert instruction.validation == Validation.SUBMITTED


def test_only_finance_sends_back(instructor):
    instruction = submitted(instructor)

    with pytest.raises(PermissionDenied):
        instruction_return(instruction=instruction, by=instructor, comment="Non.")

    instruction.refresh_from_db()
    assert instruction.validation == Validation.SUBMITTED


def test_a_validated_instruction_cannot_be_sent_back(finance, instructor):
    instruction = submitted(instructor, validation=Validation.VALIDATED)

    with pytest.raises(ValidationError):
        instruction_return(instruction=instruction, by=finance, comment="Trop tard.")

    instruction.refresh_from_db()
    assert instruction.validation == Validation.VALIDATED
    assert instruction.return_comment == ""


def test_sending_back_is_phase_gated(finance, instructor):
    instruction = submitted(instructor, phase=Phase.TALLY)

    with pytest.raises(PhaseError):
        instruction_return(instruction=instruction, by=finance, comment="Non.")

    instruction.refresh_from_db()
    assert instruction.validation == Validation.SUBMITTED
