"""The htmx addition's query count: fixed, whatever the ballot or the campaign holds.

Every click of every voter pays it during the vote (issue 13). Counted with the test's
savepoints, which production replaces by BEGIN/COMMIT: the session, the account, then
votes.voting.ballot_hot's read (phase, freeze, eligibility, ballot, proposal, rule, choices),
preceded on PostgreSQL by the statement taking the row locks, then the line's insert and the
ballot's `updated_at` (one statement on PostgreSQL), or the ballot's and the line's inserts on
the first click. It was 12 through the ORM path, which the unusual cases still take.
"""

from __future__ import annotations

import pytest
from django.db import connection

from tests.votes.factories import make_category, make_proposal
from tests.votes.voting.test_ballots_views import HTMX, campaign, on_ballot, sport, url, voter
from votes.voting.ballots import ballot_add
from votes.voting.models import BallotLine

pytestmark = pytest.mark.django_db

# PostgreSQL takes the row locks in a statement of their own (votes.voting.ballot_hot).
LOCK = 1 if connection.vendor == "postgresql" else 0

__all__ = ["campaign", "sport", "voter"]  # fixtures shared with the view tests


@pytest.fixture
def crowded(campaign, sport):
    """Two more categories and twenty proposals: nothing may be read per proposal."""
    culture = make_category(campaign, name="Culture", vote_cap=None)
    make_category(campaign, name="Nature", vote_cap=2)
    listed = [on_ballot(campaign, sport if i % 2 else culture, f"Projet {i}") for i in range(20)]
    make_proposal(campaign, category=sport, title="Pas instruite")
    return listed


def test_an_accepted_addition_to_a_ballot_with_choices_runs_at_most_7_queries(
    client, campaign, voter, crowded, django_assert_max_num_queries
):
    for proposal in crowded[:4]:
        ballot_add(campaign=campaign, user=voter, proposal=proposal)
    client.force_login(voter)

    # PostgreSQL's lock statement is made up by writing the line and the ballot in one.
    with django_assert_max_num_queries(7):
        response = client.post(url("ballot_add", campaign, crowded[5].reference), **HTMX)

    assert "est ajoutée à votre bulletin" in response.content.decode()
    assert BallotLine.objects.filter(ballot__voter=voter).count() == 5


def test_the_first_addition_which_creates_the_ballot_runs_at_most_7_queries_8_on_postgresql(
    client, campaign, voter, crowded, django_assert_max_num_queries
):
    client.force_login(voter)

    # The ballot and its receipt are written, but no choice is read (a new ballot has none).
    with django_assert_max_num_queries(7 + LOCK):
        response = client.post(url("ballot_add", campaign, crowded[0].reference), **HTMX)

    assert "est ajoutée à votre bulletin" in response.content.decode()


def test_a_refused_addition_runs_at_most_5_queries_6_on_postgresql(
    client, campaign, voter, crowded, django_assert_max_num_queries
):
    sport_choices = [p for p in crowded if p.category.vote_cap == 3]
    for proposal in sport_choices[:3]:
        ballot_add(campaign=campaign, user=voter, proposal=proposal)
    client.force_login(voter)

    with django_assert_max_num_queries(5 + LOCK):
        response = client.post(url("ballot_add", campaign, sport_choices[3].reference), **HTMX)

    assert 'class="refusal"' in response.content.decode()
    assert BallotLine.objects.filter(ballot__voter=voter).count() == 3
