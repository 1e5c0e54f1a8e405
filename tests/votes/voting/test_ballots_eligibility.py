"""Who may vote online: each refusal says why and writes nothing (ballot_for, ballot_add)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

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
from votes.voting.ballots import ballot_add, ballot_for, voter_ineligibility
from votes.voting.models import Ballot, BallotLine, PaperVoter, PollingStation

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign() -> Campaign:
    return make_campaign(kind=Campaign.Kind.PROJECTS, phase=Phase.VOTING)


@pytest.fixture
def proposal(campaign):
    proposal = make_proposal(campaign, category=make_category(campaign, name="Sport"))
    make_instruction(
        proposal, validation=Instruction.Validation.VALIDATED, instructed_cost=Decimal("5000")
    )
    return proposal


@pytest.fixture
def commune(campaign):
    return make_commune(campaign.authority, name="Saint-Jean")


def assert_refused(campaign, user, proposal, message: str) -> None:
    with pytest.raises(ValidationError) as refusal:
        ballot_for(campaign=campaign, user=user)
    assert refusal.value.messages == [message]
    with pytest.raises(ValidationError) as refusal:
        ballot_add(campaign=campaign, user=user, proposal=proposal)
    assert refusal.value.messages == [message]
    assert Ballot.objects.count() == 0
    assert BallotLine.objects.count() == 0


def test_a_resident_with_a_confirmed_address_gets_one_online_ballot(campaign, commune):
    voter = make_voter(commune=commune)

    first = ballot_for(campaign=campaign, user=voter)
    again = ballot_for(campaign=campaign, user=voter)

    assert first.pk == again.pk
    assert first.channel == Ballot.Channel.ONLINE
    assert first.voter == voter
    assert Ballot.objects.count() == 1


def test_it_refuses_before_the_voting_phase(campaign, commune, proposal):
    campaign.phase = Phase.INSTRUCTION
    campaign.save()
    voter = make_voter(commune=commune)

    assert_refused(
        campaign,
        voter,
        proposal,
        f"Impossible de voter : la campagne « {campaign.title} » est en phase « Instruction par "
        "les services » (possible seulement en phase : Vote).",
    )


def test_it_refuses_once_the_vote_is_closed(campaign, commune, proposal):
    voter = make_voter(commune=commune)
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.TALLY)

    # The phase is read again from the database: a page opened before the closing is stale.
    with pytest.raises(ValidationError) as refusal:
        ballot_add(campaign=campaign, user=voter, proposal=proposal)

    assert "en phase « Dépouillement »" in refusal.value.messages[0]
    assert Ballot.objects.count() == 0


def test_it_refuses_an_unconfirmed_email_address(campaign, commune, proposal):
    voter = make_voter(commune=commune, confirmed=False)

    assert_refused(
        campaign,
        voter,
        proposal,
        "Votre adresse e-mail n'est pas encore confirmée : cliquez sur le lien reçu par e-mail "
        "(ou demandez-en un nouveau) pour pouvoir voter.",
    )


def test_it_refuses_an_account_without_a_citizen_profile(campaign, proposal):
    officer = make_user(roles=(OFFICER,))

    assert_refused(
        campaign,
        officer,
        proposal,
        "Ce compte n'a pas de profil d'habitant (commune, année de naissance) : créez un compte "
        "citoyen pour voter.",
    )


def test_it_refuses_a_voter_living_outside_the_territory(campaign, proposal):
    voter = make_voter(outside_territory=True)

    assert_refused(
        campaign,
        voter,
        proposal,
        f"Vous avez déclaré habiter hors du territoire de {campaign.authority.name} : seuls ses "
        "habitants votent. Si vous y habitez, indiquez votre commune dans « Mes données ».",
    )


def test_it_refuses_a_commune_of_another_authority(campaign, proposal):
    elsewhere = make_commune(make_authority(), name="Ailleurs-sur-Loire")
    voter = make_voter(commune=elsewhere)

    assert_refused(
        campaign,
        voter,
        proposal,
        f"Votre commune, Ailleurs-sur-Loire, ne fait pas partie du territoire de "
        f"{campaign.authority.name} : seuls ses habitants votent. Si vous avez déménagé, "
        "corrigez votre commune dans « Mes données ».",
    )


def test_it_refuses_a_voter_too_young_this_year(campaign, commune, proposal):
    year = timezone.localdate().year
    born = year - 15  # 15 this year, the campaign asks 16
    voter = make_voter(commune=commune, birth_year=born)

    assert_refused(
        campaign,
        voter,
        proposal,
        f"Le vote est ouvert à partir de 16 ans (dans l'année {year}) : avec une naissance en "
        f"{born}, vous pourrez voter à partir de {born + 16}.",
    )


def test_a_voter_turning_the_minimum_age_this_year_may_vote(campaign, commune):
    # "16 ans dans l'année": born 16 years before the voting year, whatever the birthday.
    voter = make_voter(commune=commune, birth_year=timezone.localdate().year - 16)

    assert voter_ineligibility(campaign=campaign, user=voter) is None
    assert ballot_for(campaign=campaign, user=voter).pk is not None


def test_the_minimum_age_is_the_campaigns(commune):
    campaign = make_campaign(kind=Campaign.Kind.PROJECTS, phase=Phase.VOTING, min_voter_age=18)
    voter = make_voter(
        commune=make_commune(campaign.authority), birth_year=timezone.localdate().year - 17
    )

    problem = voter_ineligibility(campaign=campaign, user=voter)

    assert problem is not None
    assert problem.code == "age"
    assert problem.message.startswith("Le vote est ouvert à partir de 18 ans")


def test_it_refuses_a_voter_registered_as_having_voted_on_paper(campaign, commune, proposal):
    voter = make_voter(commune=commune)
    station = PollingStation.objects.create(campaign=campaign, name="Mairie annexe")
    PaperVoter.objects.create(
        campaign=campaign, station=station, user=voter, recorded_by=make_user(roles=(OFFICER,))
    )

    assert_refused(
        campaign,
        voter,
        proposal,
        "Vous avez déjà voté sur papier au bureau « Mairie annexe » : on ne vote qu'une fois, "
        "vous ne pouvez plus voter en ligne.",
    )


def test_a_paper_vote_in_another_campaign_does_not_count(campaign, commune):
    voter = make_voter(commune=commune)
    other = make_campaign(budget=campaign.budget, phase=Phase.VOTING)
    station = PollingStation.objects.create(campaign=other, name="Mairie")
    PaperVoter.objects.create(
        campaign=other, station=station, user=voter, recorded_by=make_user(roles=(OFFICER,))
    )

    assert voter_ineligibility(campaign=campaign, user=voter) is None
