"""instruction_publish (authors told once) and the ballot: only validated feasible proposals."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from budget.roles import ADMINISTRATOR, FINANCE, INSTRUCTOR
from tests.factories import make_user
from tests.votes.factories import make_campaign, make_instruction, make_proposal, make_voter
from votes.campaigns.models import Phase
from votes.campaigns.phases import PhaseError
from votes.instruction.models import Instruction
from votes.instruction.publication import (
    instruction_is_public,
    instruction_publish,
    published_instruction_ids,
)
from votes.proposals.models import Proposal

pytestmark = pytest.mark.django_db

Status = Instruction.Status
Validation = Instruction.Validation


@pytest.fixture
def admin():
    return make_user(roles=(ADMINISTRATOR,))


def author(email: str):
    return make_voter(outside_territory=True, email=email)


def test_each_author_of_a_validated_instruction_gets_one_e_mail(
    admin, mailoutbox, django_capture_on_commit_callbacks
):
    campaign = make_campaign(phase=Phase.INSTRUCTION, title="Budget inversé 2026")
    feasible = make_proposal(campaign, title="Piscine l'été", author=author("a@example.org"))
    make_instruction(feasible, status=Status.FEASIBLE, validation=Validation.VALIDATED)
    refused = make_proposal(campaign, title="Fermer la mairie", author=author("b@example.org"))
    make_instruction(
        refused,
        status=Status.NOT_FEASIBLE,
        public_reasoning="L'accueil du public est une obligation légale.",
        validation=Validation.VALIDATED,
    )
    pending = make_proposal(campaign, author=author("c@example.org"))
    make_instruction(pending, validation=Validation.SUBMITTED)

    with django_capture_on_commit_callbacks(execute=True):
        report = instruction_publish(campaign=campaign, by=admin, site_url="https://ville.fr/")

    assert report.published == 2
    assert sorted(message.to[0] for message in mailoutbox) == ["a@example.org", "b@example.org"]
    by_address = {message.to[0]: message for message in mailoutbox}
    yes = by_address["a@example.org"]
    assert yes.subject == f"Votre proposition {feasible.public_reference} a été instruite"
    assert "Avis : Faisable." in yes.body
    assert "sera soumise au vote" in yes.body
    assert f"https://ville.fr/campagnes/{campaign.slug}/propositions/{feasible.reference}/" in (
        yes.body
    )
    no = by_address["b@example.org"]
    assert "Avis : Non faisable." in no.body
    assert "L'accueil du public est une obligation légale." in no.body
    assert "ne sera donc pas soumise au vote" in no.body


def test_publishing_twice_sends_no_second_e_mail(
    admin, mailoutbox, django_capture_on_commit_callbacks
):
    campaign = make_campaign(phase=Phase.INSTRUCTION)
    proposal = make_proposal(campaign, author=author("a@example.org"))
    instruction = make_instruction(proposal, validation=Validation.VALIDATED)

    with django_capture_on_commit_callbacks(execute=True):
        instruction_publish(campaign=campaign, by=admin)
    with django_capture_on_commit_callbacks(execute=True):
        second = instruction_publish(campaign=campaign, by=admin)

    assert len(mailoutbox) == 1
    assert second.published == 0
    assert published_instruction_ids(campaign) == {instruction.pk}


def test_instructions_validated_later_are_published_the_next_time(
    admin, mailoutbox, django_capture_on_commit_callbacks
):
    campaign = make_campaign(phase=Phase.INSTRUCTION)
    first = make_proposal(campaign, author=author("a@example.org"))
    make_instruction(first, validation=Validation.VALIDATED)
    later = make_proposal(campaign, author=author("b@example.org"))
    late = make_instruction(later, validation=Validation.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        instruction_publish(campaign=campaign, by=admin)
    Instruction.objects.filter(pk=late.pk).update(validation=Validation.VALIDATED)

    with django_capture_on_commit_callbacks(execute=True):
        instruction_publish(campaign=campaign, by=admin)

    assert [message.to[0] for message in mailoutbox] == ["a@example.org", "b@example.org"]


def test_authors_without_an_address_are_counted_not_e_mailed(
    admin, mailoutbox, django_capture_on_commit_callbacks
):
    campaign = make_campaign(phase=Phase.VOTING)
    panel = make_proposal(campaign, author_label="Panel citoyen n° 1")
    make_instruction(panel, validation=Validation.VALIDATED)
    deleted = make_proposal(campaign, author=None)
    make_instruction(deleted, validation=Validation.VALIDATED)

    with django_capture_on_commit_callbacks(execute=True):
        report = instruction_publish(campaign=campaign, by=admin)

    assert report.published == 2
    assert report.without_address == 2
    assert mailoutbox == []


def test_hidden_proposals_are_not_published(admin, mailoutbox, django_capture_on_commit_callbacks):
    campaign = make_campaign(phase=Phase.INSTRUCTION)
    hidden = make_proposal(campaign, status=Proposal.Status.HIDDEN, author=author("a@example.org"))
    make_instruction(hidden, validation=Validation.VALIDATED)

    with django_capture_on_commit_callbacks(execute=True):
        report = instruction_publish(campaign=campaign, by=admin)

    assert report.published == 0
    assert mailoutbox == []


@pytest.mark.parametrize("roles", [(FINANCE,), (INSTRUCTOR,), ()])
def test_only_administrators_publish(mailoutbox, roles):
    campaign = make_campaign(phase=Phase.INSTRUCTION)
    proposal = make_proposal(campaign, author=author("a@example.org"))
    make_instruction(proposal, validation=Validation.VALIDATED)

    with pytest.raises(PermissionDenied):
        instruction_publish(campaign=campaign, by=make_user(roles=roles))

    assert published_instruction_ids(campaign) == set()
    assert mailoutbox == []


@pytest.mark.parametrize("phase", [Phase.DRAFT, Phase.PROPOSALS, Phase.SUPPORTS])
def test_publishing_waits_for_the_instruction_phase(admin, mailoutbox, phase):
    campaign = make_campaign(phase=phase)
    proposal = make_proposal(campaign, author=author("a@example.org"))
    make_instruction(proposal, validation=Validation.VALIDATED)

    with pytest.raises(PhaseError) as error:
        instruction_publish(campaign=campaign, by=admin)

    assert error.value.messages[0].startswith("Impossible de publier les instructions")
    assert published_instruction_ids(campaign) == set()
    assert mailoutbox == []


def test_a_validated_instruction_is_public_once_published_or_once_voting_opens(admin):
    campaign = make_campaign(phase=Phase.INSTRUCTION)
    proposal = make_proposal(campaign)
    instruction = make_instruction(proposal, validation=Validation.VALIDATED)
    assert not instruction_is_public(instruction)

    instruction_publish(campaign=campaign, by=admin)

    instruction.refresh_from_db()
    assert instruction.published_at is not None
    assert instruction_is_public(instruction)
    campaign.phase = Phase.VOTING
    campaign.save()
    other = make_instruction(make_proposal(campaign), validation=Validation.VALIDATED)
    assert instruction_is_public(other)


def test_an_instruction_not_validated_is_never_public():
    campaign = make_campaign(phase=Phase.VOTING)
    instruction = make_instruction(make_proposal(campaign), validation=Validation.SUBMITTED)

    assert not instruction_is_public(instruction)


def test_only_validated_feasible_published_proposals_go_on_the_ballot():
    campaign = make_campaign(phase=Phase.INSTRUCTION)

    def proposal(status, validation, proposal_status=Proposal.Status.PUBLISHED):
        made = make_proposal(campaign, status=proposal_status)
        make_instruction(made, status=status, validation=validation, public_reasoning="Vu.")
        return made

    feasible = proposal(Status.FEASIBLE, Validation.VALIDATED)
    with_conditions = proposal(Status.FEASIBLE_CONDITIONS, Validation.VALIDATED)
    proposal(Status.NOT_FEASIBLE, Validation.VALIDATED)
    proposal(Status.OUT_OF_POWERS, Validation.VALIDATED)
    proposal(Status.FEASIBLE, Validation.SUBMITTED)
    proposal(Status.FEASIBLE, Validation.RETURNED)
    proposal(Status.FEASIBLE, Validation.DRAFT)
    proposal(Status.FEASIBLE, Validation.VALIDATED, Proposal.Status.HIDDEN)
    proposal(Status.FEASIBLE, Validation.VALIDATED, Proposal.Status.WITHDRAWN)
    make_proposal(campaign)  # never instructed

    assert set(Proposal.objects.on_ballot()) == {feasible, with_conditions}
