"""The freeze: once the results went to the council, every write on ballots, codes, paper
ballots and instructions is refused, whatever the phase (the phase is forced back to one that
would allow the write, to show the freeze alone refuses it)."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR
from tests.factories import make_user
from tests.votes.council.test_council_preconditions import administrator, ready_campaign
from tests.votes.factories import (
    make_commune,
    make_instruction,
    make_proposal,
    make_service,
    make_voter,
)
from tests.votes.voting.test_codes_services import voting_campaign
from tests.votes.voting.test_paper_services import station_with_officer
from votes.campaigns.freeze import FrozenError
from votes.campaigns.models import Campaign, Phase
from votes.campaigns.workflow import council_send
from votes.council.models import CouncilSnapshot
from votes.council.services import snapshot_text
from votes.instruction.assignment import proposal_assign, proposals_assign_bulk
from votes.instruction.finance import instruction_return, instruction_validate
from votes.instruction.instructing import instruction_save, instruction_submit
from votes.instruction.models import Instruction
from votes.instruction.sheet_services import instruction_sheet_import
from votes.proposals.models import Proposal
from votes.proposals.services_moderation import moderation_hide, moderation_restore
from votes.voting.ballots import ballot_add, ballot_for, ballot_remove
from votes.voting.closing import code_batch_close, station_close
from votes.voting.codes import (
    code_ballot_confirm,
    code_batch_create,
    code_batch_revoke,
    code_check,
    code_sheet_produce,
)
from votes.voting.models import (
    Ballot,
    BallotLine,
    PaperVoter,
    PollingStation,
    VotingCode,
    VotingCodeBatch,
)
from votes.voting.paper import paper_ballot_record, paper_ballots_import

pytestmark = pytest.mark.django_db

Status = Instruction.Status
Validation = Instruction.Validation
FROZEN = "ont été transmis au conseil : bulletins, instructions et dépouillement ne peuvent plus"


def freeze(campaign: Campaign, phase: str) -> None:
    """A snapshot on record, and the campaign put back in `phase` behind the services' back."""
    content = snapshot_text({"campaign": {"slug": campaign.slug}})
    CouncilSnapshot.objects.create(
        campaign=campaign,
        content=content,
        sha256=CouncilSnapshot.fingerprint(content),
        created_by=make_user(roles=(ADMINISTRATOR,)),
    )
    Campaign.objects.filter(pk=campaign.pk).update(phase=phase)
    campaign.refresh_from_db()


def refused_as_frozen(call) -> None:
    with pytest.raises(FrozenError) as caught:
        call()
    assert FROZEN in caught.value.messages[0]


# --- ballots ---------------------------------------------------------------------------------


def test_no_online_ballot_is_opened_or_added_to():
    campaign = voting_campaign()
    voter = make_voter(commune=make_commune(campaign.authority))
    proposal = campaign.proposals.get(reference=1)
    freeze(campaign, Phase.VOTING)

    refused_as_frozen(lambda: ballot_add(campaign=campaign, user=voter, proposal=proposal))
    refused_as_frozen(lambda: ballot_for(campaign=campaign, user=voter))

    assert not Ballot.objects.exists()


def test_no_choice_is_removed_from_an_online_ballot():
    campaign = voting_campaign()
    voter = make_voter(commune=make_commune(campaign.authority))
    proposal = campaign.proposals.get(reference=1)
    ballot_add(campaign=campaign, user=voter, proposal=proposal)
    freeze(campaign, Phase.VOTING)

    refused_as_frozen(lambda: ballot_remove(campaign=campaign, user=voter, proposal=proposal))

    assert BallotLine.objects.filter(ballot__voter=voter, proposal=proposal).exists()


def test_no_voting_code_ballot_is_confirmed():
    campaign = voting_campaign()
    facilitator = make_user(roles=(FACILITATOR,))
    batch, _codes = code_batch_create(campaign=campaign, label="Atelier", size=2, by=facilitator)
    codes = code_sheet_produce(batch=batch, by=facilitator)
    code = code_check(campaign=campaign, raw=codes[0])
    freeze(campaign, Phase.VOTING)

    refused_as_frozen(lambda: code_ballot_confirm(code=code, choices=[1]))

    assert not Ballot.objects.exists()
    assert VotingCode.objects.get(pk=code.pk).used_at is None


def test_no_paper_ballot_is_recorded_or_imported():
    station, officer = station_with_officer()
    campaign = station.campaign
    commune = make_commune(campaign.authority, insee_code="45999")
    freeze(campaign, Phase.VOTING)
    voter = {"name": "Jeanne Martin", "birth_date": date(1961, 3, 12), "commune": commune}
    content = b"references;compte;nom;date_naissance;commune\n1;;Paul Durand;31/01/1970;45999\n"

    refused_as_frozen(
        lambda: paper_ballot_record(station=station, officer=officer, references=[1], voter=voter)
    )
    refused_as_frozen(
        lambda: paper_ballots_import(station=station, officer=officer, content=content)
    )

    assert not Ballot.objects.exists() and not PaperVoter.objects.exists()


# --- codes and stations ----------------------------------------------------------------------


def test_no_code_batch_is_created_revoked_printed_or_closed():
    campaign = voting_campaign()
    facilitator = make_user(roles=(FACILITATOR,))
    batch, _codes = code_batch_create(campaign=campaign, label="Atelier", size=2, by=facilitator)
    freeze(campaign, Phase.VOTING)

    refused_as_frozen(
        lambda: code_batch_create(campaign=campaign, label="Encore", size=2, by=facilitator)
    )
    refused_as_frozen(lambda: code_batch_revoke(batch=batch, by=facilitator))
    refused_as_frozen(lambda: code_sheet_produce(batch=batch, by=facilitator))
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.TALLY)
    refused_as_frozen(lambda: code_batch_close(batch=batch, by=administrator()))

    saved = VotingCodeBatch.objects.get()
    assert saved == batch
    assert (saved.revoked_at, saved.printed_at, saved.closed_at) == (None, None, None)
    assert not saved.codes.filter(plain="").exists()


def test_no_station_is_closed():
    station, officer = station_with_officer()
    freeze(station.campaign, Phase.TALLY)

    refused_as_frozen(lambda: station_close(station=station, by=officer))

    assert PollingStation.objects.get(pk=station.pk).closed_at is None


# --- instructions ----------------------------------------------------------------------------


class Desk:
    """A proposal of an instructor's service, its instruction in `validation`, and finance."""

    def __init__(self, validation=Validation.DRAFT):
        self.campaign = voting_campaign(phase=Phase.INSTRUCTION)
        self.admin = administrator()
        self.instructor = make_user(roles=(INSTRUCTOR,))
        self.finance = make_user(roles=(FINANCE,))
        self.service = make_service(self.campaign.authority, members=[self.instructor])
        self.other = make_service(self.campaign.authority)
        self.proposal = make_proposal(self.campaign, service=self.service)
        self.instruction = make_instruction(
            self.proposal,
            status=Status.FEASIBLE,
            instructed_cost=Decimal(5000),
            validation=validation,
            instructed_by=self.instructor,
        )
        freeze(self.campaign, Phase.INSTRUCTION)
        self.history = self.instruction.history.count()

    def unchanged(self, validation=Validation.DRAFT) -> bool:
        saved = Instruction.objects.get(pk=self.instruction.pk)
        proposal = Proposal.objects.get(pk=self.proposal.pk)
        return (
            saved.validation == validation
            and saved.instructed_cost == Decimal(5000)
            and proposal.service_id == self.service.pk
            and saved.history.count() == self.history
        )


def test_no_proposal_is_assigned():
    desk = Desk()

    refused_as_frozen(
        lambda: proposal_assign(proposal=desk.proposal, service=desk.other, by=desk.admin)
    )
    refused_as_frozen(
        lambda: proposals_assign_bulk(proposals=[desk.proposal], service=desk.other, by=desk.admin)
    )

    assert desk.unchanged()


def test_no_instruction_is_saved_or_submitted():
    desk = Desk()

    refused_as_frozen(
        lambda: instruction_save(
            instruction=desk.instruction,
            by=desk.instructor,
            status=Status.FEASIBLE,
            instructed_cost=Decimal(9000),
        )
    )
    refused_as_frozen(lambda: instruction_submit(instruction=desk.instruction, by=desk.instructor))

    assert desk.unchanged()


def test_no_instruction_is_validated_or_returned():
    desk = Desk(validation=Validation.SUBMITTED)

    refused_as_frozen(lambda: instruction_validate(instruction=desk.instruction, by=desk.finance))
    refused_as_frozen(
        lambda: instruction_return(instruction=desk.instruction, by=desk.finance, comment="Non.")
    )

    assert desk.unchanged(Validation.SUBMITTED)


def test_no_instruction_sheet_is_imported():
    desk = Desk()

    refused_as_frozen(
        lambda: instruction_sheet_import(campaign=desk.campaign, data=b"PK", by=desk.admin)
    )

    assert desk.unchanged()


def test_no_proposal_is_hidden_or_restored_since_the_tally_reads_them():
    campaign = voting_campaign()
    moderator = make_user(roles=(MODERATOR,))
    shown = campaign.proposals.get(reference=1)
    hidden = campaign.proposals.get(reference=2)
    Proposal.objects.filter(pk=hidden.pk).update(status=Proposal.Status.HIDDEN)
    freeze(campaign, Phase.COUNCIL)

    refused_as_frozen(
        lambda: moderation_hide(proposal=shown, moderator=moderator, reason="Injurieux.")
    )
    refused_as_frozen(
        lambda: moderation_restore(proposal=hidden, moderator=moderator, reason="Erreur.")
    )

    statuses = dict(campaign.proposals.values_list("reference", "status"))
    assert (statuses[1], statuses[2]) == (Proposal.Status.PUBLISHED, Proposal.Status.HIDDEN)


# --- the tally stays reproducible ------------------------------------------------------------


def _selected_on_page(body: str) -> set[str]:
    rows = re.findall(r'<tr class="status-selected">.*?</tr>', body, flags=re.S)
    return {re.search(r"P-\d{4}", row).group(0) for row in rows}


def test_the_results_page_shows_what_went_to_the_council(client):
    s = ready_campaign()
    snapshot = council_send(campaign=s.campaign, by=administrator())
    sent = {ref for result in json.loads(snapshot.content)["results"] for ref in result["selected"]}

    body = client.get(reverse("votes:results", kwargs={"slug": s.campaign.slug})).content.decode()

    assert sent == {s.p1.public_reference, s.p3.public_reference}
    assert _selected_on_page(body) == sent
    assert snapshot.sha256 in body
