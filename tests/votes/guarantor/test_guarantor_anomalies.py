"""The anomalies: read from the logs the app keeps, each with who and when."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from budget.roles import FINANCE, MODERATOR, OFFICER
from tests.factories import make_user
from tests.votes.factories import make_campaign, make_instruction, make_proposal
from tests.votes.guarantor.factories import make_guarantor
from votes.campaigns.models import Phase, PhaseTransition
from votes.guarantor.oversight import Kind, campaign_anomalies
from votes.instruction.history import history_save
from votes.instruction.models import Instruction
from votes.proposals.models import ModerationAction
from votes.voting.models import Ballot, PaperVoter, PollingStation

pytestmark = pytest.mark.django_db

Validation = Instruction.Validation


def test_a_calm_campaign_has_no_anomaly():
    campaign = make_campaign()
    proposal = make_proposal(campaign)
    ModerationAction.objects.create(
        proposal=proposal, moderator=make_user(roles=(MODERATOR,)), action="hide", reason="Spam"
    )
    PhaseTransition.objects.create(
        campaign=campaign, from_phase=Phase.DRAFT, to_phase=Phase.PROPOSALS, by=make_user()
    )

    assert campaign_anomalies(campaign) == []


def test_a_hidden_then_restored_proposal_is_listed_with_the_moderator_and_reason():
    campaign = make_campaign()
    proposal = make_proposal(campaign, title="Piste cyclable")
    moderator = make_user(username="modo", roles=(MODERATOR,))
    ModerationAction.objects.create(
        proposal=proposal, moderator=moderator, action="hide", reason="Insulte"
    )
    restore = ModerationAction.objects.create(
        proposal=proposal, moderator=moderator, action="restore", reason="Erreur de lecture"
    )

    (anomaly,) = campaign_anomalies(campaign)

    assert anomaly.kind == Kind.MODERATION
    assert anomaly.who == "modo"
    assert anomaly.at == restore.at
    assert anomaly.reason == "Erreur de lecture"
    assert "« Piste cyclable » : masquée le" in anomaly.what
    assert anomaly.what.endswith("puis rétablie.")


def test_restored_then_hidden_again_is_listed_too():
    campaign = make_campaign()
    proposal = make_proposal(campaign)
    moderator = make_user(roles=(MODERATOR,))
    for action in ("hide", "restore", "hide"):
        ModerationAction.objects.create(
            proposal=proposal, moderator=moderator, action=action, reason=action
        )

    found = campaign_anomalies(campaign)

    assert [a.kind for a in found] == [Kind.MODERATION, Kind.MODERATION]
    assert found[0].what.endswith("puis masquée.")


def test_an_instruction_reopened_after_validation_is_listed_with_who_and_when():
    campaign = make_campaign(phase=Phase.INSTRUCTION)
    proposal = make_proposal(campaign)
    instruction = make_instruction(proposal)
    finance = make_user(username="fin", roles=(FINANCE,))
    instruction.validation = Validation.VALIDATED
    history_save(instruction, by=finance, reason="validate")
    admin = make_user(username="chef")
    instruction.validation = Validation.DRAFT
    history_save(instruction, by=admin, reason="reopen")

    (anomaly,) = campaign_anomalies(campaign)

    assert anomaly.kind == Kind.INSTRUCTION
    assert anomaly.who == "chef"
    assert anomaly.at == Instruction.history.latest("history_date").history_date
    assert (
        anomaly.what
        == "Proposition n° 1 : validation « En cours d'instruction » après « validée »."
    )
    assert anomaly.url == f"/gestion/instruction/{campaign.slug}/1/"


def test_a_validated_instruction_saved_again_validated_is_not_an_anomaly():
    campaign = make_campaign(phase=Phase.INSTRUCTION)
    instruction = make_instruction(make_proposal(campaign))
    instruction.validation = Validation.VALIDATED
    history_save(instruction, by=make_user(), reason="validate")
    history_save(instruction, by=make_user(), reason="publish")

    assert campaign_anomalies(campaign) == []


def test_a_phase_moved_back_is_listed_with_its_reason():
    campaign = make_campaign(phase=Phase.PROPOSALS)
    admin = make_user(username="admin1")
    PhaseTransition.objects.create(
        campaign=campaign,
        from_phase=Phase.SUPPORTS,
        to_phase=Phase.PROPOSALS,
        by=admin,
        reason="Dépôt prolongé d'une semaine",
    )

    (anomaly,) = campaign_anomalies(campaign)

    assert anomaly.kind == Kind.PHASE
    assert anomaly.who == "admin1"
    assert anomaly.what == "De « Soutiens » vers « Dépôt des propositions »."
    assert anomaly.reason == "Dépôt prolongé d'une semaine"


def _paper_ballot(station, officer, *, void=False):
    PaperVoter.objects.create(
        campaign=station.campaign, station=station, recorded_by=officer, user=make_user()
    )
    return Ballot.objects.create(
        campaign=station.campaign,
        channel=Ballot.Channel.PAPER,
        station=station,
        is_void=void,
        void_reason="Bulletin blanc : aucune proposition cochée." if void else "",
    )


def test_a_void_paper_ballot_is_listed_with_its_station_officer_and_reason():
    campaign = make_campaign(phase=Phase.VOTING)
    station = PollingStation.objects.create(campaign=campaign, name="Mairie")
    officer = make_user(username="assesseur", roles=(OFFICER,))
    _paper_ballot(station, officer)
    void = _paper_ballot(station, officer, void=True)

    (anomaly,) = campaign_anomalies(campaign)

    assert anomaly.kind == Kind.VOID
    assert anomaly.who == "assesseur (bureau « Mairie »)"
    assert anomaly.at == void.created_at
    assert anomaly.reason == "Bulletin blanc : aucune proposition cochée."


def test_without_a_register_entry_for_each_ballot_no_officer_is_claimed():
    campaign = make_campaign(phase=Phase.VOTING)
    station = PollingStation.objects.create(campaign=campaign, name="Mairie")
    Ballot.objects.create(
        campaign=campaign, channel="paper", station=station, is_void=True, void_reason="Illisible"
    )

    (anomaly,) = campaign_anomalies(campaign)

    assert anomaly.who == "bureau « Mairie »"


def test_a_paper_ballot_changed_after_its_recording_is_listed():
    campaign = make_campaign(phase=Phase.VOTING)
    station = PollingStation.objects.create(campaign=campaign, name="Gymnase")
    ballot = _paper_ballot(station, make_user(roles=(OFFICER,)))
    later = ballot.created_at + timedelta(minutes=5)
    Ballot.objects.filter(pk=ballot.pk).update(updated_at=later)

    (anomaly,) = campaign_anomalies(campaign)

    assert anomaly.kind == Kind.PAPER
    assert anomaly.at == later
    assert anomaly.who == "bureau « Gymnase »"


def test_anomalies_of_another_campaign_are_not_listed():
    campaign, other = make_campaign(), make_campaign()
    PhaseTransition.objects.create(
        campaign=other, from_phase=Phase.SUPPORTS, to_phase=Phase.PROPOSALS, by=make_user()
    )

    assert campaign_anomalies(campaign) == []


def test_the_page_lists_them_latest_first(client):
    campaign = make_campaign(phase=Phase.PROPOSALS)
    guarantor = make_guarantor(campaign)
    by = make_user(username="admin1")
    first = PhaseTransition.objects.create(
        campaign=campaign, from_phase=Phase.SUPPORTS, to_phase=Phase.PROPOSALS, by=by, reason="A"
    )
    second = PhaseTransition.objects.create(
        campaign=campaign, from_phase=Phase.INSTRUCTION, to_phase=Phase.FRAMING, by=by, reason="B"
    )
    PhaseTransition.objects.filter(pk=first.pk).update(at=timezone.now() - timedelta(days=2))
    client.force_login(guarantor)

    page = client.get(f"/garant/{campaign.slug}/anomalies/").content.decode()

    assert second.get_to_phase_display() in page
    assert page.index("Instruction par les services") < page.index("Soutiens")
    assert page.count("<td>Retour à une phase précédente</td>") == 2
    assert "admin1" in page
