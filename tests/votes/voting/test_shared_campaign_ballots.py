"""A campaign an EPCI shares among its communes: one ballot per resident, holding the whole
territory's categories and the resident's own commune's only, online and on paper."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from budget.models import Authority
from budget.roles import OFFICER
from tests.factories import make_authority, make_user
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
from votes.voting.ballots import ballot_add
from votes.voting.models import Ballot, BallotLine, PollingStation
from votes.voting.paper import paper_ballot_record

pytestmark = pytest.mark.django_db

REFUSAL = (
    "La rubrique « Quartiers d'Ormes » est réservée aux habitants de Ormes : votre bulletin ne "
    "peut contenir que les rubriques de tout le territoire et celles de votre commune."
)


@pytest.fixture
def shared():
    return shared_campaign()


def shared_campaign():
    """A metropolis's campaign: one whole-territory category (reference 1) and one per commune
    (Saran: 2, Ormes: 3)."""
    epci = make_authority(name="Orléans Métropole", kind=Authority.Kind.EPCI)
    saran = make_commune(epci, name="Saran")
    ormes = make_commune(epci, name="Ormes")
    campaign = make_campaign(authority=epci, kind=Campaign.Kind.PROJECTS, phase=Phase.VOTING)
    categories = [
        make_category(campaign, name="Toute la métropole", envelope=Decimal("500000")),
        make_category(campaign, name="Quartiers de Saran", commune=saran),
        make_category(campaign, name="Quartiers d'Ormes", commune=ormes),
    ]
    proposals = []
    for category in categories:
        proposal = make_proposal(campaign, category=category)
        make_instruction(
            proposal, validation=Instruction.Validation.VALIDATED, instructed_cost=Decimal(9000)
        )
        proposals.append(proposal)
    return campaign, saran, ormes, proposals


def test_a_resident_chooses_in_the_whole_territory_and_their_own_commune(shared):
    campaign, saran, _ormes, (territory, own, _other) = shared
    voter = make_voter(commune=saran)

    ballot_add(campaign=campaign, user=voter, proposal=territory)
    ballot_add(campaign=campaign, user=voter, proposal=own)

    assert sorted(BallotLine.objects.values_list("proposal__reference", flat=True)) == [1, 2]
    assert Ballot.objects.count() == 1


def test_another_communes_category_is_refused_online_and_nothing_is_written(shared):
    campaign, saran, _ormes, (_territory, _own, other) = shared
    voter = make_voter(commune=saran)

    with pytest.raises(ValidationError) as refusal:
        ballot_add(campaign=campaign, user=voter, proposal=other)

    assert refusal.value.messages == [REFUSAL]
    assert not BallotLine.objects.exists()
    assert not Ballot.objects.exists()


def test_a_refused_choice_leaves_the_ballot_as_it_was(shared):
    campaign, saran, _ormes, (territory, _own, other) = shared
    voter = make_voter(commune=saran)
    ballot_add(campaign=campaign, user=voter, proposal=territory)

    with pytest.raises(ValidationError):
        ballot_add(campaign=campaign, user=voter, proposal=other)

    assert list(BallotLine.objects.values_list("proposal__reference", flat=True)) == [1]


def station(campaign):
    officer = make_user(roles=(OFFICER,))
    polling = PollingStation.objects.create(campaign=campaign, name="Mairie")
    polling.officers.add(officer)
    return polling, officer


def test_a_paper_ballot_with_another_communes_category_is_void_with_the_reason(shared):
    campaign, saran, _ormes, _proposals = shared
    polling, officer = station(campaign)

    ballot = paper_ballot_record(
        station=polling,
        officer=officer,
        references=[1, 3],
        voter={"name": "Jeanne Martin", "birth_date": date(1961, 3, 12), "commune": saran},
    )

    assert ballot.is_void
    assert REFUSAL in ballot.void_reason
    assert not BallotLine.objects.exists()


def test_a_paper_ballot_of_an_account_follows_the_profiles_commune(shared):
    campaign, _saran, ormes, _proposals = shared
    polling, officer = station(campaign)
    voter = make_voter(commune=ormes)

    ballot = paper_ballot_record(
        station=polling, officer=officer, references=[1, 3], voter={"user": voter}
    )

    assert not ballot.is_void
    assert sorted(ballot.lines.values_list("proposal__reference", flat=True)) == [1, 3]


def test_a_paper_ballot_of_the_own_commune_and_the_territory_is_valid(shared):
    campaign, saran, _ormes, _proposals = shared
    polling, officer = station(campaign)

    ballot = paper_ballot_record(
        station=polling,
        officer=officer,
        references=[1, 2],
        voter={"name": "Jeanne Martin", "birth_date": date(1961, 3, 12), "commune": saran},
    )

    assert not ballot.is_void
    assert sorted(ballot.lines.values_list("proposal__reference", flat=True)) == [1, 2]


def test_a_resident_registered_under_their_member_commune_votes_in_its_part(shared):
    campaign, saran, _ormes, (territory, own, other) = shared
    # The commune of Saran lists itself too: the same INSEE code, another authority's row.
    town = make_authority(name="Ville de Saran", member_of=campaign.authority)
    voter = make_voter(commune=make_commune(town, name="Saran", insee_code=saran.insee_code))

    ballot_add(campaign=campaign, user=voter, proposal=territory)
    ballot_add(campaign=campaign, user=voter, proposal=own)
    with pytest.raises(ValidationError) as refusal:
        ballot_add(campaign=campaign, user=voter, proposal=other)

    assert refusal.value.messages == [REFUSAL]
    assert sorted(BallotLine.objects.values_list("proposal__reference", flat=True)) == [1, 2]


def test_a_resident_of_a_commune_outside_the_metropolis_is_still_refused(shared):
    campaign, _saran, _ormes, (territory, _own, _other) = shared
    voter = make_voter(commune=make_commune(make_authority(name="Tours"), name="Tours"))

    with pytest.raises(ValidationError) as refusal:
        ballot_add(campaign=campaign, user=voter, proposal=territory)

    assert "ne fait pas partie du territoire" in refusal.value.messages[0]
    assert not Ballot.objects.exists()
