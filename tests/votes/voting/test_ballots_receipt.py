"""Receipts: anyone can check a ballot is recorded, and learn nothing of its content."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.votes.factories import (
    make_campaign,
    make_category,
    make_commune,
    make_instruction,
    make_proposal,
    make_voter,
)
from votes.campaigns.models import Campaign, Phase
from votes.instruction.models import Instruction
from votes.voting.ballots import ballot_add, ballot_check_receipt, ballot_remove, normalise_receipt
from votes.voting.models import Ballot

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign() -> Campaign:
    return make_campaign(kind=Campaign.Kind.PROJECTS, phase=Phase.VOTING)


def on_ballot(campaign, category, title: str):
    proposal = make_proposal(campaign, category=category, title=title)
    make_instruction(
        proposal, validation=Instruction.Validation.VALIDATED, instructed_cost=Decimal("1000")
    )
    return proposal


@pytest.fixture
def ballot(campaign) -> Ballot:
    voter = make_voter(commune=make_commune(campaign.authority))
    category = make_category(campaign)
    ballot_add(campaign=campaign, user=voter, proposal=on_ballot(campaign, category, "Piscine"))
    ballot_add(campaign=campaign, user=voter, proposal=on_ballot(campaign, category, "Skatepark"))
    return Ballot.objects.get(voter=voter)


def test_a_known_receipt_gives_the_number_of_choices(campaign, ballot):
    assert ballot_check_receipt(campaign=campaign, receipt=ballot.receipt) == 2


def test_a_receipt_is_recognised_without_dashes_in_lower_case_and_with_spaces(campaign, ballot):
    typed = " " + ballot.receipt.replace("-", " ").lower() + " "

    assert ballot_check_receipt(campaign=campaign, receipt=typed) == 2


def test_an_unknown_or_malformed_receipt_is_not_found(campaign, ballot):
    assert ballot_check_receipt(campaign=campaign, receipt="AAAA-AAAA-AAAA") is None
    assert ballot_check_receipt(campaign=campaign, receipt="pas un reçu") is None
    assert normalise_receipt("O0O0-1111-IIII") is None


def test_the_receipt_of_a_voting_code_ballot_is_found_as_typed(campaign):
    # Voting-code ballots draw their receipts from the same generator as online ones.
    category = make_category(campaign)
    ballot = Ballot.objects.create(
        campaign=campaign, channel=Ballot.Channel.CODE, receipt="K7QM-3XHT-9WPD"
    )
    ballot.lines.create(proposal=on_ballot(campaign, category, "Piscine"), category=category)

    assert ballot_check_receipt(campaign=campaign, receipt="K7QM-3XHT-9WPD") == 1
    assert ballot_check_receipt(campaign=campaign, receipt="k7qm 3xht 9wpd") == 1


def test_a_receipt_belongs_to_its_campaign(campaign, ballot):
    other = make_campaign(budget=campaign.budget, phase=Phase.VOTING)

    assert ballot_check_receipt(campaign=other, receipt=ballot.receipt) is None


def test_an_emptied_ballot_is_found_with_no_choice(campaign, ballot):
    for line in ballot.lines.select_related("proposal"):
        ballot_remove(campaign=campaign, user=ballot.voter, proposal=line.proposal)

    assert ballot_check_receipt(campaign=campaign, receipt=ballot.receipt) == 0


def test_the_public_page_says_the_ballot_is_recorded_and_not_what_it_says(client, campaign, ballot):
    url = reverse("votes:ballot_receipt", kwargs={"slug": campaign.slug})

    response = client.get(url, {"recu": ballot.receipt.lower()})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ce bulletin est enregistré : 2 choix." in page
    assert "Piscine" not in page and "Skatepark" not in page


def test_the_public_page_says_when_no_ballot_has_the_receipt(client, campaign, ballot):
    url = reverse("votes:ballot_receipt", kwargs={"slug": campaign.slug})

    response = client.get(url, {"recu": "AAAA-BBBB-CCCC"})

    assert "Aucun bulletin de cette campagne ne porte ce reçu." in response.content.decode()


def test_the_public_page_explains_a_malformed_receipt(client, campaign):
    url = reverse("votes:ballot_receipt", kwargs={"slug": campaign.slug})

    response = client.get(url, {"recu": "1234"})

    assert response.status_code == 200
    assert "Ce code n&#x27;a pas la forme d&#x27;un reçu" in response.content.decode()


def test_the_page_without_a_receipt_shows_only_the_form(client, campaign):
    url = reverse("votes:ballot_receipt", kwargs={"slug": campaign.slug})

    page = client.get(url).content.decode()

    assert 'name="recu"' in page
    assert 'id="receipt-result"' not in page


def test_the_receipt_page_of_a_draft_campaign_does_not_exist(client):
    draft = make_campaign(phase=Phase.DRAFT)

    response = client.get(reverse("votes:ballot_receipt", kwargs={"slug": draft.slug}))

    assert response.status_code == 404
