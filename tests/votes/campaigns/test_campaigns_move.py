"""campaign_move: one phase forward at a time, back with a reason, administrators only."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER
from tests.factories import make_user
from tests.votes.factories import (
    make_campaign,
    make_category,
    make_commune,
    make_instruction,
    make_proposal,
    make_voter,
)
from votes.campaigns import workflow
from votes.campaigns.models import Campaign, Phase, PhaseTransition
from votes.campaigns.workflow import campaign_move
from votes.instruction.models import Instruction
from votes.proposals.models import Proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return make_user(roles=(ADMINISTRATOR,))


def phase_in_db(campaign: Campaign) -> str:
    return Campaign.objects.get(pk=campaign.pk).phase


def refused(campaign: Campaign, to_phase: str, by, reason: str = "") -> str:
    with pytest.raises(ValidationError) as caught:
        campaign_move(campaign=campaign, to_phase=to_phase, by=by, reason=reason)
    return " ".join(caught.value.messages)


def test_an_administrator_moves_a_campaign_one_phase_forward(admin):
    campaign = make_campaign(phase=Phase.FRAMING)

    transition = campaign_move(campaign=campaign, to_phase=Phase.PROPOSALS, by=admin)

    assert phase_in_db(campaign) == Phase.PROPOSALS
    assert campaign.phase == Phase.PROPOSALS
    saved = PhaseTransition.objects.get()
    assert saved == transition
    assert (saved.campaign, saved.from_phase, saved.to_phase) == (
        campaign,
        Phase.FRAMING,
        Phase.PROPOSALS,
    )
    assert saved.by == admin
    assert saved.at is not None
    assert saved.reason == ""
    assert not saved.is_backward


def test_every_move_is_recorded_in_order(admin):
    campaign = make_campaign(phase=Phase.FRAMING)

    campaign_move(campaign=campaign, to_phase=Phase.PROPOSALS, by=admin)
    campaign_move(campaign=campaign, to_phase=Phase.INSTRUCTION, by=admin)
    campaign_move(campaign=campaign, to_phase=Phase.PROPOSALS, by=admin, reason="Trop tôt.")

    moves = list(campaign.transitions.values_list("from_phase", "to_phase", "reason"))
    assert moves == [
        (Phase.FRAMING, Phase.PROPOSALS, ""),
        (Phase.PROPOSALS, Phase.INSTRUCTION, ""),
        (Phase.INSTRUCTION, Phase.PROPOSALS, "Trop tôt."),
    ]


def test_it_refuses_to_skip_a_phase(admin):
    campaign = make_campaign(phase=Phase.FRAMING)

    message = refused(campaign, Phase.INSTRUCTION, admin)

    assert message == (
        "Une campagne avance d'une phase à la fois : après « Contrat participatif » vient "
        "« Dépôt des propositions », pas « Instruction par les services »."
    )
    assert phase_in_db(campaign) == Phase.FRAMING
    assert campaign.phase == Phase.FRAMING
    assert not PhaseTransition.objects.exists()


def test_the_supports_phase_is_skipped_when_the_campaign_has_none(admin):
    campaign = make_campaign(phase=Phase.PROPOSALS, supports_enabled=False)

    message = refused(campaign, Phase.SUPPORTS, admin)
    assert "après « Dépôt des propositions » vient « Instruction par les services »" in message
    assert not PhaseTransition.objects.exists()

    campaign_move(campaign=campaign, to_phase=Phase.INSTRUCTION, by=admin)
    assert phase_in_db(campaign) == Phase.INSTRUCTION


def test_the_supports_phase_follows_the_proposals_when_enabled(admin):
    campaign = make_campaign(phase=Phase.PROPOSALS, supports_enabled=True, supports_threshold=10)

    message = refused(campaign, Phase.INSTRUCTION, admin)
    assert "vient « Soutiens »" in message
    assert not PhaseTransition.objects.exists()

    campaign_move(campaign=campaign, to_phase=Phase.SUPPORTS, by=admin)
    assert phase_in_db(campaign) == Phase.SUPPORTS


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_going_back_needs_a_written_reason(admin, reason):
    campaign = make_campaign(phase=Phase.INSTRUCTION)

    message = refused(campaign, Phase.PROPOSALS, admin, reason=reason)

    assert message == (
        "Revenir à une phase antérieure demande un motif écrit : il est conservé dans "
        "l'historique de la campagne."
    )
    assert phase_in_db(campaign) == Phase.INSTRUCTION
    assert not PhaseTransition.objects.exists()


def test_it_goes_back_to_any_earlier_phase_with_a_reason(admin):
    campaign = make_campaign(phase=Phase.INSTRUCTION)

    transition = campaign_move(
        campaign=campaign,
        to_phase=Phase.FRAMING,
        by=admin,
        reason="  Le contrat oubliait la rubrique Solidarités.  ",
    )

    assert phase_in_db(campaign) == Phase.FRAMING
    assert transition.is_backward
    assert transition.reason == "Le contrat oubliait la rubrique Solidarités."


def test_it_refuses_to_go_back_to_a_supports_phase_the_campaign_does_not_have(admin):
    campaign = make_campaign(phase=Phase.INSTRUCTION, supports_enabled=False)

    message = refused(campaign, Phase.SUPPORTS, admin, reason="Pour voir.")

    assert message == "La phase de soutiens n'est pas prévue dans le contrat de cette campagne."
    assert phase_in_db(campaign) == Phase.INSTRUCTION
    assert not PhaseTransition.objects.exists()


@pytest.mark.parametrize(
    "roles", [(), (FACILITATOR,), (INSTRUCTOR,), (FINANCE,), (MODERATOR,), (OFFICER,)]
)
def test_only_an_administrator_moves_a_campaign(roles):
    campaign = make_campaign(phase=Phase.FRAMING)

    with pytest.raises(PermissionDenied):
        campaign_move(campaign=campaign, to_phase=Phase.PROPOSALS, by=make_user(roles=roles))

    assert phase_in_db(campaign) == Phase.FRAMING
    assert not PhaseTransition.objects.exists()


def test_it_refuses_the_phase_the_campaign_is_in(admin):
    campaign = make_campaign(phase=Phase.PROPOSALS)

    assert refused(campaign, Phase.PROPOSALS, admin) == (
        "La campagne est déjà en phase « Dépôt des propositions »."
    )
    assert not PhaseTransition.objects.exists()


def test_it_refuses_an_unknown_phase(admin):
    campaign = make_campaign(phase=Phase.PROPOSALS)

    assert refused(campaign, "fin", admin) == "Phase inconnue : fin."
    assert phase_in_db(campaign) == Phase.PROPOSALS


def test_a_second_click_on_next_phase_with_a_stale_page_does_not_move_twice(admin):
    # Two administrators loaded the page while the campaign was in framing.
    mine = make_campaign(phase=Phase.FRAMING)
    theirs = Campaign.objects.get(pk=mine.pk)
    campaign_move(campaign=mine, to_phase=Phase.PROPOSALS, by=admin)

    message = refused(theirs, Phase.PROPOSALS, make_user(roles=(ADMINISTRATOR,)))

    assert message == "La campagne est déjà en phase « Dépôt des propositions »."
    assert phase_in_db(mine) == Phase.PROPOSALS
    assert PhaseTransition.objects.count() == 1


# --- leaving draft ---------------------------------------------------------------------------


def test_leaving_draft_needs_a_category_and_the_framing_text(admin):
    campaign = make_campaign(phase=Phase.DRAFT, framing="  ")

    message = refused(campaign, Phase.FRAMING, admin)

    assert "Créez au moins une rubrique" in message
    assert "Rédigez le contrat participatif" in message
    assert phase_in_db(campaign) == Phase.DRAFT
    assert not PhaseTransition.objects.exists()


def test_leaving_draft_without_a_category_is_refused(admin):
    campaign = make_campaign(phase=Phase.DRAFT, framing="Les règles.")

    message = refused(campaign, Phase.FRAMING, admin)

    assert message == (
        "Créez au moins une rubrique : les votants doivent savoir où iront leurs voix."
    )
    assert phase_in_db(campaign) == Phase.DRAFT


def test_leaving_draft_without_the_framing_text_is_refused(admin):
    campaign = make_campaign(phase=Phase.DRAFT, framing="")
    make_category(campaign)

    message = refused(campaign, Phase.FRAMING, admin)

    assert message.startswith("Rédigez le contrat participatif")
    assert phase_in_db(campaign) == Phase.DRAFT


def test_a_draft_with_a_category_and_its_framing_text_is_published(admin):
    campaign = make_campaign(phase=Phase.DRAFT, framing="Les règles.")
    make_category(campaign)

    campaign_move(campaign=campaign, to_phase=Phase.FRAMING, by=admin)

    assert phase_in_db(campaign) == Phase.FRAMING


# --- opening the vote ------------------------------------------------------------------------


def test_opening_the_vote_needs_a_proposal_on_the_ballot(admin):
    campaign = make_campaign(phase=Phase.INSTRUCTION)
    # None of these may go on the ballot.
    make_instruction(
        make_proposal(campaign),
        status=Instruction.Status.NOT_FEASIBLE,
        validation=Instruction.Validation.VALIDATED,
    )
    make_instruction(make_proposal(campaign), validation=Instruction.Validation.SUBMITTED)
    make_instruction(
        make_proposal(campaign, status=Proposal.Status.HIDDEN),
        validation=Instruction.Validation.VALIDATED,
    )

    message = refused(campaign, Phase.VOTING, admin)

    assert message.startswith("Aucune proposition n'est soumise au vote")
    assert phase_in_db(campaign) == Phase.INSTRUCTION
    assert not PhaseTransition.objects.exists()


def test_the_vote_opens_with_a_validated_feasible_proposal(admin):
    campaign = make_campaign(phase=Phase.INSTRUCTION)
    make_instruction(
        make_proposal(campaign),
        status=Instruction.Status.FEASIBLE_CONDITIONS,
        validation=Instruction.Validation.VALIDATED,
    )

    campaign_move(campaign=campaign, to_phase=Phase.VOTING, by=admin)

    assert phase_in_db(campaign) == Phase.VOTING


def test_a_precondition_of_another_campaign_does_not_count(admin):
    other = make_campaign(phase=Phase.INSTRUCTION)
    make_instruction(make_proposal(other), validation=Instruction.Validation.VALIDATED)
    campaign = make_campaign(phase=Phase.INSTRUCTION)

    refused(campaign, Phase.VOTING, admin)

    assert phase_in_db(campaign) == Phase.INSTRUCTION


def test_a_new_precondition_is_one_function(admin, monkeypatch):
    def council_ready(campaign: Campaign) -> str | None:
        return "Le rapport pour le conseil n'est pas prêt."

    monkeypatch.setitem(workflow.PRECONDITIONS, Phase.COUNCIL, [council_ready])
    campaign = make_campaign(phase=Phase.TALLY)

    assert refused(campaign, Phase.COUNCIL, admin) == "Le rapport pour le conseil n'est pas prêt."
    assert phase_in_db(campaign) == Phase.TALLY


def test_moving_back_skips_the_preconditions(admin):
    campaign = make_campaign(phase=Phase.VOTING)

    campaign_move(campaign=campaign, to_phase=Phase.DRAFT, by=admin, reason="Tout revoir.")

    assert phase_in_db(campaign) == Phase.DRAFT


def test_leaving_the_instruction_phase_publishes_the_validated_instructions_once(
    admin, mailoutbox, django_capture_on_commit_callbacks
):
    campaign = make_campaign(phase=Phase.INSTRUCTION)
    author = make_voter(commune=make_commune(campaign.authority), email="auteur@example.org")
    proposal = make_proposal(campaign, author=author)
    make_instruction(
        proposal,
        status=Instruction.Status.NOT_FEASIBLE,
        validation=Instruction.Validation.VALIDATED,
        public_reasoning="La piscine est déjà fermée le lundi.",
    )
    make_proposal(campaign)  # no instruction: nothing to publish
    # Voting needs at least one proposal on the ballot.
    make_instruction(make_proposal(campaign), validation=Instruction.Validation.VALIDATED)

    with django_capture_on_commit_callbacks(execute=True):
        campaign_move(campaign=campaign, to_phase=Phase.VOTING, by=admin, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        campaign_move(campaign=campaign, to_phase=Phase.INSTRUCTION, by=admin, reason="Erreur")
    with django_capture_on_commit_callbacks(execute=True):
        campaign_move(campaign=campaign, to_phase=Phase.VOTING, by=admin, reason="")

    to_author = [m for m in mailoutbox if m.to == ["auteur@example.org"]]
    assert len(to_author) == 1
    assert "La piscine est déjà fermée le lundi." in to_author[0].body
    assert Instruction.objects.get(proposal=proposal).published_at is not None
