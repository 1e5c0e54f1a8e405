"""votes.voting.ballot_hot: the common click in a few statements, the same decisions as the
full path (votes.voting.ballots), and None (the full path then) for anything unusual."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from budget.roles import OFFICER
from tests.factories import make_authority, make_user
from tests.votes.census.factories import make_census
from tests.votes.council.test_council_freeze import freeze
from tests.votes.factories import make_category, make_commune, make_proposal, make_voter
from tests.votes.voting.test_ballots_views import campaign, on_ballot, sport, voter
from tests.votes.voting.test_shared_campaign_ballots import shared_campaign
from votes.campaigns.models import Phase
from votes.voting.ballot_hot import ballot_add_hot, ballot_remove_hot
from votes.voting.ballots import ballot_add, ballot_for
from votes.voting.models import Ballot, BallotLine, PaperVoter, PollingStation

pytestmark = pytest.mark.django_db

__all__ = ["campaign", "sport", "voter"]  # fixtures shared with the view tests


def add(campaign, voter, proposal):
    return ballot_add_hot(slug=campaign.slug, reference=proposal.reference, user=voter)


def remove(campaign, voter, proposal):
    return ballot_remove_hot(slug=campaign.slug, reference=proposal.reference, user=voter)


def lines(voter) -> list[int]:
    return sorted(BallotLine.objects.filter(ballot__voter=voter).values_list("proposal", flat=True))


def test_an_accepted_addition_writes_the_line_and_moves_the_ballots_update_time(
    campaign, sport, voter
):
    first, second = on_ballot(campaign, sport, "Un", "1000"), on_ballot(campaign, sport, "Deux")
    ballot = ballot_add(campaign=campaign, user=voter, proposal=first)
    before = Ballot.objects.get(pk=ballot.pk).updated_at

    hot = add(campaign, voter, second)

    assert hot.refusal == ""
    assert [c.reference for c in hot.choices] == [first.reference, second.reference]
    assert hot.cost == Decimal("5000.00")
    line = BallotLine.objects.get(ballot=ballot, proposal=second)
    assert line.category_id == sport.pk
    assert Ballot.objects.get(pk=ballot.pk).updated_at > before


def test_the_first_addition_creates_the_ballot_with_a_receipt_and_tells_the_voter(
    campaign, sport, voter, django_capture_on_commit_callbacks
):
    proposal = on_ballot(campaign, sport, "Un")

    with django_capture_on_commit_callbacks() as callbacks:
        hot = add(campaign, voter, proposal)

    assert hot.refusal == ""
    ballot = Ballot.objects.get(campaign=campaign, voter=voter)
    assert ballot.channel == Ballot.Channel.ONLINE
    assert len(ballot.receipt) == 14
    assert lines(voter) == [proposal.pk]
    # The "vote recorded" e-mail, enqueued after the commit (beside the event's log line).
    assert sum("notification_send" in repr(callback) for callback in callbacks) == 1


def test_a_refusal_by_the_cap_is_the_full_paths_message_and_writes_nothing(campaign, sport, voter):
    proposals = [on_ballot(campaign, sport, f"Projet {i}") for i in range(4)]
    for proposal in proposals[:3]:
        ballot_add(campaign=campaign, user=voter, proposal=proposal)
    with pytest.raises(ValidationError) as full:
        ballot_add(campaign=campaign, user=voter, proposal=proposals[3])

    hot = add(campaign, voter, proposals[3])

    assert hot.refusal == full.value.messages[0]
    assert hot.refusal.startswith("Vous avez utilisé vos 3 votes dans « Sport »")
    assert len(lines(voter)) == 3


def test_a_refusal_by_the_envelope_is_the_full_paths_message(campaign, voter):
    works = make_category(
        campaign, name="Travaux", vote_cap=None, knapsack=True, envelope=Decimal("10000")
    )
    big, other = on_ballot(campaign, works, "Gros", "8000"), on_ballot(campaign, works, "Autre")
    ballot_add(campaign=campaign, user=voter, proposal=big)
    with pytest.raises(ValidationError) as full:
        ballot_add(campaign=campaign, user=voter, proposal=other)

    hot = add(campaign, voter, other)

    assert hot.refusal == full.value.messages[0]
    assert "il ne reste que" in hot.refusal
    assert lines(voter) == [big.pk]


def test_a_proposal_already_chosen_is_refused_as_the_full_path_does(campaign, sport, voter):
    proposal = on_ballot(campaign, sport, "Un")
    ballot_add(campaign=campaign, user=voter, proposal=proposal)

    hot = add(campaign, voter, proposal)

    assert hot.refusal == "Cette proposition est déjà dans votre bulletin."
    assert lines(voter) == [proposal.pk]


@pytest.mark.parametrize("phase", [Phase.INSTRUCTION, Phase.TALLY])
def test_a_closed_vote_is_left_to_the_full_path(campaign, sport, voter, phase):
    proposal = on_ballot(campaign, sport, "Un")
    campaign.phase = phase
    campaign.save(update_fields=["phase"])

    assert add(campaign, voter, proposal) is None
    assert lines(voter) == []


def test_a_frozen_campaign_is_left_to_the_full_path(campaign, sport, voter):
    proposal = on_ballot(campaign, sport, "Un")
    freeze(campaign, Phase.VOTING)

    assert add(campaign, voter, proposal) is None
    assert lines(voter) == []


def test_an_ineligible_voter_is_left_to_the_full_path(campaign, sport):
    proposal = on_ballot(campaign, sport, "Un")
    commune = make_commune(campaign.authority)
    unconfirmed = make_voter(commune=commune, confirmed=False)
    outside = make_voter(outside_territory=True)
    too_young = make_voter(commune=commune, birth_year=timezone.localdate().year - 10)
    elsewhere = make_voter(commune=make_commune(make_authority()))
    on_paper = make_voter(commune=commune)
    station = PollingStation.objects.create(campaign=campaign, name="Mairie annexe")
    PaperVoter.objects.create(
        campaign=campaign, station=station, user=on_paper, recorded_by=make_user(roles=(OFFICER,))
    )
    no_profile = make_user()

    for user in [unconfirmed, outside, too_young, elsewhere, on_paper, no_profile]:
        assert add(campaign, user, proposal) is None, user
        assert not Ballot.objects.filter(voter=user).exists()


def test_a_proposal_not_on_the_ballot_or_unknown_is_left_to_the_full_path(campaign, sport, voter):
    unlisted = make_proposal(campaign, category=sport, title="Pas instruite")
    ballot_for(campaign=campaign, user=voter)

    assert add(campaign, voter, unlisted) is None
    assert ballot_add_hot(slug=campaign.slug, reference=999, user=voter) is None
    assert ballot_add_hot(slug="inconnue", reference=unlisted.reference, user=voter) is None
    assert lines(voter) == []


def test_a_removal_deletes_the_line_and_gives_the_choices_left(campaign, sport, voter):
    first, second = on_ballot(campaign, sport, "Un"), on_ballot(campaign, sport, "Deux")
    for proposal in (first, second):
        ballot_add(campaign=campaign, user=voter, proposal=proposal)

    hot = remove(campaign, voter, first)

    assert hot.refusal == ""
    assert [c.reference for c in hot.choices] == [second.reference]
    assert lines(voter) == [second.pk]


def test_a_removal_of_a_proposal_not_chosen_or_without_ballot_is_left_to_the_full_path(
    campaign, sport, voter
):
    first, second = on_ballot(campaign, sport, "Un"), on_ballot(campaign, sport, "Deux")

    assert remove(campaign, voter, first) is None  # no ballot yet
    ballot_add(campaign=campaign, user=voter, proposal=first)
    assert remove(campaign, voter, second) is None
    assert lines(voter) == [first.pk]


def test_a_removal_in_a_closed_vote_is_left_to_the_full_path(campaign, sport, voter):
    proposal = on_ballot(campaign, sport, "Un")
    ballot_add(campaign=campaign, user=voter, proposal=proposal)
    campaign.phase = Phase.TALLY
    campaign.save(update_fields=["phase"])

    assert remove(campaign, voter, proposal) is None
    assert lines(voter) == [proposal.pk]


# --- what only the full path knows: the census list and a shared campaign's communes -----


def test_a_campaign_reserved_to_a_census_list_takes_the_full_path(campaign, sport, voter):
    proposal = on_ballot(campaign, sport, "Un")
    make_census(campaign)

    assert add(campaign, voter, proposal) is None
    assert not BallotLine.objects.exists()


def test_an_htmx_click_of_a_voter_not_verified_on_the_list_is_refused_and_writes_nothing(
    client, campaign, sport, voter
):
    proposal = on_ballot(campaign, sport, "Un")
    make_census(campaign)
    client.force_login(voter)

    response = client.post(
        reverse(
            "votes:ballot_add", kwargs={"slug": campaign.slug, "reference": proposal.reference}
        ),
        HTTP_HX_REQUEST="true",
    )

    assert response["HX-Reswap"] == "none"
    assert (
        "réservé aux personnes inscrites sur la liste de la campagne" in response.content.decode()
    )
    assert not Ballot.objects.exists()
    assert not BallotLine.objects.exists()


def test_a_category_of_one_commune_of_a_shared_campaign_takes_the_full_path():
    campaign, saran, _ormes, (territory, _own, other) = shared_campaign()
    voter = make_voter(commune=saran)

    assert add(campaign, voter, other) is None
    assert not BallotLine.objects.exists()
    # The whole territory's category stays on the quick path.
    assert add(campaign, voter, territory).refusal == ""


def test_an_htmx_click_on_another_communes_category_is_refused_with_the_reason(client):
    campaign, saran, _ormes, (_territory, _own, other) = shared_campaign()
    voter = make_voter(commune=saran)
    client.force_login(voter)

    response = client.post(
        reverse("votes:ballot_add", kwargs={"slug": campaign.slug, "reference": other.reference}),
        HTTP_HX_REQUEST="true",
    )

    assert "est réservée aux habitants de Ormes" in response.content.decode()
    assert not BallotLine.objects.exists()
