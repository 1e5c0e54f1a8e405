"""Issue 14: a minimum of choices per category (Decidim's "minimum projects"), one rule for
every channel: refused for a code ballot, void on paper, flagged on the online review."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.votes.factories import make_commune, make_voter
from tests.votes.voting.test_codes_ballot import one_code
from tests.votes.voting.test_codes_services import voting_campaign
from tests.votes.voting.test_paper_services import person, station_with_officer
from votes.campaigns.models import Category
from votes.voting.codes import code_ballot_confirm, code_check
from votes.voting.models import Ballot, BallotLine, PaperVoter, VotingCode
from votes.voting.rules import CategoryRule, Choice, choice_problems

pytestmark = pytest.mark.django_db

MESSAGE = "Rubrique « Sport » : choisissez au moins 2 propositions."


def with_minimum(campaign, minimum=2):
    """« Sport » (references 1-3, 2 votes at most) now asks for 2 at least."""
    Category.objects.filter(campaign=campaign, name="Sport").update(min_votes=minimum)
    return campaign


# --- the pure rule ----------------------------------------------------------------------------

RULES = {
    1: CategoryRule(id=1, name="Sport", cap=3, minimum=2),
    2: CategoryRule(id=2, name="Parcs", cap=None, minimum=1),
}


def choose(*pairs):
    return [Choice(reference=r, category_id=c, cost=Decimal(0)) for r, c in pairs]


def test_a_category_below_its_minimum_is_named_in_the_message():
    assert choice_problems(choices=choose((1, 1)), categories=RULES) == [MESSAGE]


def test_the_minimum_exactly_is_accepted():
    assert choice_problems(choices=choose((1, 1), (2, 1)), categories=RULES) == []


def test_a_category_not_voted_in_has_no_minimum_to_reach():
    assert choice_problems(choices=choose((4, 2)), categories=RULES) == []


def test_a_minimum_of_one_reads_in_the_singular():
    rules = {2: CategoryRule(id=2, name="Parcs", cap=None, minimum=3)}
    assert choice_problems(choices=choose((4, 2)), categories=rules) == [
        "Rubrique « Parcs » : choisissez au moins 3 propositions."
    ]
    single = {2: CategoryRule(id=2, name="Parcs", cap=None, minimum=1)}
    assert choice_problems(choices=[], categories=single) == []


# --- voting code: the whole ballot is refused, nothing written ---------------------------------


def test_a_code_ballot_below_the_minimum_is_refused_and_nothing_is_written():
    campaign = with_minimum(voting_campaign())
    code = code_check(campaign=campaign, raw=one_code(campaign))

    with pytest.raises(ValidationError) as error:
        code_ballot_confirm(code=code, choices=[1])

    assert error.value.messages == [MESSAGE]
    assert not Ballot.objects.exists() and not BallotLine.objects.exists()
    assert VotingCode.objects.get(pk=code.pk).used_at is None


def test_a_code_ballot_at_the_minimum_is_recorded():
    campaign = with_minimum(voting_campaign())
    code = code_check(campaign=campaign, raw=one_code(campaign))

    ballot = code_ballot_confirm(code=code, choices=[1, 2])

    assert sorted(ballot.lines.values_list("proposal__reference", flat=True)) == [1, 2]


def test_the_code_ballot_page_states_the_minimum_and_refuses_below_it_in_place(client):
    campaign = with_minimum(voting_campaign())
    code = one_code(campaign)
    entered = client.post(
        reverse("votes:code_enter", kwargs={"slug": campaign.slug}), {"code": code}
    )

    page = client.get(entered.url).content.decode()
    refused = client.post(entered.url, {"choix": ["1"]})

    assert "Au moins 2 choix si vous votez dans cette rubrique." in page
    assert refused.status_code == 400
    assert MESSAGE in refused.content.decode()
    assert not Ballot.objects.exists()


# --- paper: the ballot is void with the message, no line is written ---------------------------


def test_a_paper_ballot_below_the_minimum_is_void_with_the_message_and_no_line():
    from votes.voting.paper import paper_ballot_record

    station, officer = station_with_officer(with_minimum(voting_campaign()))

    ballot = paper_ballot_record(
        station=station, officer=officer, references=[1, 4], voter=person(station.campaign)
    )

    assert ballot.is_void
    assert MESSAGE in ballot.void_reason
    assert not BallotLine.objects.exists()
    # The voter is registered (they did vote, on a void ballot), as for any broken rule.
    assert PaperVoter.objects.count() == 1


def test_a_paper_ballot_at_the_minimum_is_counted():
    from votes.voting.paper import paper_ballot_record

    station, officer = station_with_officer(with_minimum(voting_campaign()))

    ballot = paper_ballot_record(
        station=station, officer=officer, references=[1, 2], voter=person(station.campaign)
    )

    assert not ballot.is_void and ballot.lines.count() == 2


# --- online: the rule text and the warning on the ballot and its review ------------------------


def online_ballot(campaign, references):
    voter = make_voter(commune=make_commune(campaign.authority))
    ballot = Ballot.objects.create(campaign=campaign, channel=Ballot.Channel.ONLINE, voter=voter)
    for proposal in campaign.proposals.filter(reference__in=references):
        BallotLine.objects.create(ballot=ballot, proposal=proposal, category=proposal.category)
    return voter


def test_the_online_review_names_a_category_below_its_minimum(client):
    campaign = with_minimum(voting_campaign())
    client.force_login(online_ballot(campaign, [1]))

    body = client.get(reverse("votes:ballot_review", kwargs={"slug": campaign.slug}))

    content = body.content.decode()
    assert "Si vous votez dans cette rubrique, choisissez au moins 2 propositions." in content
    assert MESSAGE in content


def test_the_online_review_is_quiet_once_the_minimum_is_reached(client):
    campaign = with_minimum(voting_campaign())
    client.force_login(online_ballot(campaign, [1, 2]))

    body = client.get(reverse("votes:ballot_review", kwargs={"slug": campaign.slug}))

    assert MESSAGE not in body.content.decode()


def test_the_campaign_page_states_the_minimum_with_the_cap(client):
    campaign = with_minimum(voting_campaign())

    body = client.get(campaign.get_absolute_url()).content.decode()

    assert "2 votes au plus ; au moins 2 votes pour qui y vote" in body
