"""Issue 14: an online ballot is saved choice by choice, so a category left under its minimum
is not refused when a choice is made; its choices there are left out of the count instead."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.votes.voting.test_codes_services import voting_campaign
from tests.votes.voting.test_minimum_votes import online_ballot, with_minimum
from votes.results.services import approvals_by_channel, expressed_ballots

pytestmark = pytest.mark.django_db


def approvals(campaign) -> dict[int, int]:
    by_id = approvals_by_channel(campaign)
    return {
        proposal.reference: sum(by_id.get(proposal.pk, {}).values())
        for proposal in campaign.proposals.all()
    }


def test_choices_in_a_category_left_under_its_minimum_are_not_counted():
    campaign = with_minimum(voting_campaign())
    online_ballot(campaign, [1, 4])  # one choice in « Sport » (2 asked), one in « Parcs »

    counted = approvals(campaign)

    assert counted[1] == 0
    # The minimum is per category: the choice in « Parcs » (no minimum) still counts.
    assert counted[4] == 1


def test_choices_reaching_the_minimum_are_counted():
    campaign = with_minimum(voting_campaign())
    online_ballot(campaign, [1, 2])
    online_ballot(campaign, [2])

    counted = approvals(campaign)

    assert (counted[1], counted[2], counted[3]) == (1, 1, 0)


def test_a_ballot_under_the_minimum_is_not_in_the_base_of_a_threshold():
    campaign = with_minimum(voting_campaign())
    online_ballot(campaign, [1])
    online_ballot(campaign, [1, 3])
    sport = campaign.categories.get(name="Sport")

    base = expressed_ballots(campaign, list(campaign.proposals.values_list("pk", flat=True)))

    assert base[sport.pk] == 1


def test_without_any_minimum_every_choice_counts():
    campaign = voting_campaign()
    online_ballot(campaign, [1, 4])

    counted = approvals(campaign)

    assert (counted[1], counted[4]) == (1, 1)


def test_the_online_ballot_says_the_choices_under_the_minimum_are_not_counted(client):
    campaign = with_minimum(voting_campaign())
    client.force_login(online_ballot(campaign, [1]))

    body = client.get(reverse("votes:ballot_review", kwargs={"slug": campaign.slug}))

    assert (
        "Rubrique « Sport » : choisissez au moins 2 propositions. Tant que ce minimum n'est pas "
        "atteint, vos choix dans cette rubrique ne sont pas comptés."
    ) in body.content.decode()
