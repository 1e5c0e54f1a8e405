"""The WARNINGS of a phase move: listed, then confirmed; a move not confirmed writes nothing.

Opening the vote warns about proposals not instructed or not validated (they will not be on
the ballot); closing it warns about open paper polling stations and code batches with codes
that never voted.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from budget.roles import ADMINISTRATOR
from tests.factories import make_user
from tests.votes.factories import make_campaign, make_category, make_instruction, make_proposal
from votes.campaigns.models import Campaign, Phase, PhaseTransition
from votes.campaigns.workflow import (
    MoveWarnings,
    campaign_move,
    move_warnings,
    warnings_digest,
)
from votes.instruction.models import Instruction
from votes.proposals.models import Proposal
from votes.voting.models import PollingStation, VotingCode, VotingCodeBatch

pytestmark = pytest.mark.django_db

VALIDATED = Instruction.Validation.VALIDATED


@pytest.fixture
def admin():
    return make_user(username="mission", roles=(ADMINISTRATOR,))


def instruction_campaign() -> Campaign:
    """In instruction, with one proposal ready for the ballot (so the vote may open)."""
    campaign = make_campaign(phase=Phase.INSTRUCTION)
    make_category(campaign)
    make_instruction(make_proposal(campaign), validation=VALIDATED)
    return campaign


def code_batch(campaign: Campaign, *, label: str, used: int, unused: int, printed: bool):
    batch = VotingCodeBatch.objects.create(
        campaign=campaign,
        label=label,
        size=used + unused,
        salt="2" * 64,
        created_by=make_user(),
        printed_at=timezone.now() if printed else None,
    )
    for n in range(used + unused):
        VotingCode.objects.create(
            batch=batch,
            code_hash=f"{label}-{n}".ljust(64, "0"),
            used_at=timezone.now() if n < used else None,
        )
    return batch


def phase_in_db(campaign: Campaign) -> str:
    return Campaign.objects.get(pk=campaign.pk).phase


def test_opening_the_vote_lists_proposals_not_instructed_and_not_validated():
    campaign = instruction_campaign()
    unassigned = make_proposal(campaign, title="Sans service")
    to_instruct = make_proposal(campaign, title="À instruire")
    make_instruction(to_instruct, status=Instruction.Status.TO_INSTRUCT)
    submitted = make_proposal(campaign, title="Soumise")
    make_instruction(submitted, validation=Instruction.Validation.SUBMITTED)
    # Validated not feasible: instructed, simply not on the ballot; hidden: not public.
    make_instruction(
        make_proposal(campaign), status=Instruction.Status.NOT_FEASIBLE, validation=VALIDATED
    )
    make_proposal(campaign, status=Proposal.Status.HIDDEN)

    not_instructed, not_validated = move_warnings(campaign, Phase.VOTING)

    assert not_instructed.message.startswith("2 proposition(s) publiée(s) ne sont pas instruites")
    assert [link.label for link in not_instructed.links] == [
        f"{unassigned.public_reference} — Sans service",
        f"{to_instruct.public_reference} — À instruire",
    ]
    assert not_instructed.links[0].url == (
        f"/gestion/instruction/{campaign.slug}/{unassigned.reference}/"
    )
    assert not_validated.message.startswith("1 proposition(s) sont instruites mais pas validées")
    assert [link.label for link in not_validated.links] == [
        f"{submitted.public_reference} — Soumise"
    ]


def test_closing_the_vote_lists_open_stations_and_code_batches_that_did_not_all_vote():
    campaign = make_campaign(phase=Phase.VOTING)
    station = PollingStation.objects.create(campaign=campaign, name="Mairie")
    PollingStation.objects.create(campaign=campaign, name="Closed", closed_at=timezone.now())
    code_batch(campaign, label="Atelier", used=1, unused=2, printed=True)
    code_batch(campaign, label="Jamais imprimé", used=0, unused=4, printed=False)
    code_batch(campaign, label="Tous votés", used=3, unused=0, printed=True)

    stations, batches = move_warnings(campaign, Phase.TALLY)

    assert stations.message.startswith("1 bureau(x) de vote papier ne sont pas clos")
    assert [(link.label, link.url) for link in stations.links] == [
        ("Mairie (0 bulletin(s) saisi(s))", f"/bureau/{station.pk}/clore/")
    ]
    assert batches.message.startswith("2 lot(s) de codes de vote ont des codes qui n'ont pas")
    assert [link.label for link in batches.links] == [
        "Atelier : 2 code(s) sur 3 n'ont pas voté",
        "Jamais imprimé : feuille jamais imprimée, 4 code(s) non distribués",
    ]
    assert {link.url for link in batches.links} == {f"/gestion/campagnes/{campaign.slug}/codes/"}


def test_other_moves_have_no_warnings():
    campaign = make_campaign(phase=Phase.PROPOSALS)
    make_proposal(campaign)

    assert move_warnings(campaign, Phase.INSTRUCTION) == []
    assert warnings_digest([]) == ""


def test_a_move_not_confirmed_is_refused_and_writes_nothing(admin):
    campaign = instruction_campaign()
    make_proposal(campaign, title="Sans service")

    with pytest.raises(MoveWarnings) as refusal:
        campaign_move(campaign=campaign, to_phase=Phase.VOTING, by=admin, warnings_read="")

    assert refusal.value.digest == warnings_digest(move_warnings(campaign, Phase.VOTING))
    assert [w.message for w in refusal.value.warnings][0].startswith("1 proposition(s)")
    assert phase_in_db(campaign) == Phase.INSTRUCTION
    assert not PhaseTransition.objects.exists()
    assert Instruction.objects.filter(published_at__isnull=False).count() == 0


def test_a_confirmed_move_runs(admin):
    campaign = instruction_campaign()
    make_proposal(campaign, title="Sans service")
    digest = warnings_digest(move_warnings(campaign, Phase.VOTING))

    campaign_move(campaign=campaign, to_phase=Phase.VOTING, by=admin, warnings_read=digest)

    assert phase_in_db(campaign) == Phase.VOTING


def test_warnings_that_changed_since_they_were_read_are_shown_again(admin):
    campaign = instruction_campaign()
    make_proposal(campaign, title="Sans service")
    digest = warnings_digest(move_warnings(campaign, Phase.VOTING))
    make_proposal(campaign, title="Arrivée entre-temps")

    with pytest.raises(MoveWarnings) as refusal:
        campaign_move(campaign=campaign, to_phase=Phase.VOTING, by=admin, warnings_read=digest)

    assert "Arrivée entre-temps" in refusal.value.warnings[0].links[1].label
    assert phase_in_db(campaign) == Phase.INSTRUCTION


def test_a_move_without_warnings_runs_at_once(admin):
    campaign = instruction_campaign()

    campaign_move(campaign=campaign, to_phase=Phase.VOTING, by=admin, warnings_read="")

    assert phase_in_db(campaign) == Phase.VOTING


def test_scripts_that_pass_no_digest_are_not_asked(admin):
    campaign = instruction_campaign()
    make_proposal(campaign, title="Sans service")

    campaign_move(campaign=campaign, to_phase=Phase.VOTING, by=admin)

    assert phase_in_db(campaign) == Phase.VOTING
