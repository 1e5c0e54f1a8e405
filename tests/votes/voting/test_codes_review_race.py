"""One voting code confirmed at the same instant by several people, or from two tabs: one
ballot, the others told plainly that the code has voted, never a 500 (SQLite and PostgreSQL).

Real threads through the views (code_review), each with its own connection: on SQLite a file
database with BEGIN IMMEDIATE and the busy timeout (tests/concurrency.py).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.concurrency import run_together
from tests.votes.voting.test_codes_ballot import printed_codes
from tests.votes.voting.test_codes_services import voting_campaign
from votes.voting.models import Ballot, BallotLine, VotingCode

pytestmark = pytest.mark.postgres  # also runs on SQLite: see concurrent_database

PEOPLE = 8


def chosen(client: Client, campaign, code: str, reference: int) -> None:
    """The code typed and one proposal chosen: ready to confirm."""
    slug = campaign.slug
    entered = client.post(reverse("votes:code_enter", kwargs={"slug": slug}), {"code": code})
    assert entered.status_code == 302, entered.content.decode()[:500]
    picked = client.post(
        reverse("votes:code_ballot", kwargs={"slug": slug}), {"choix": [reference]}
    )
    assert picked.status_code == 302


def review_url(campaign) -> str:
    return reverse("votes:code_review", kwargs={"slug": campaign.slug})


def refusal_page(client: Client, response) -> str:
    """What a refused confirmation shows: the review page (400) if it reached the code's row
    lock, else, when it started after the winner's commit, the code entry page it is sent to."""
    if response.status_code == 302:
        return client.get(response["Location"]).content.decode()
    assert response.status_code == 400
    return response.content.decode()


def test_eight_people_confirming_one_code_at_once_leave_one_ballot_and_seven_clear_refusals(
    concurrent_database,
):
    campaign = voting_campaign()
    code = printed_codes(campaign, size=1)[0]
    clients = [Client() for _ in range(PEOPLE)]
    for index, client in enumerate(clients):
        # References 1-6 and again: the one stored line tells which confirmation won.
        chosen(client, campaign, code, index % 6 + 1)

    responses, errors = run_together(
        [lambda c=c: (c, c.post(review_url(campaign))) for c in clients]
    )

    assert errors == []
    done = reverse("votes:code_done", kwargs={"slug": campaign.slug})
    won = [c for c, r in responses if r.get("Location") == done]
    refused = [(c, r) for c, r in responses if r.get("Location") != done]
    assert len(won) == 1
    assert len(refused) == PEOPLE - 1
    assert all(r.status_code in (302, 400) for _c, r in refused)
    pages = [refusal_page(c, r) for c, r in refused]
    assert all("Ce code a déjà servi à voter le" in page for page in pages)
    # Not offered to confirm a spent code again.
    assert all("Confirmer mon vote" not in page for page in pages)
    assert Ballot.objects.filter(campaign=campaign).count() == 1
    assert BallotLine.objects.filter(ballot__campaign=campaign).count() == 1
    assert VotingCode.objects.get().used_at is not None


def test_one_voter_confirming_from_two_tabs_at_once_gets_one_ballot_and_a_clear_answer(
    concurrent_database,
):
    campaign = voting_campaign()
    code = printed_codes(campaign, size=1)[0]
    first = Client()
    chosen(first, campaign, code, 1)
    # The second tab: the same browser, so the same session cookie.
    second = Client()
    second.cookies = first.cookies

    responses, errors = run_together(
        [lambda c=c: c.post(review_url(campaign)) for c in (first, second)]
    )

    assert errors == []
    assert all(r.status_code < 500 for r in responses)
    done = reverse("votes:code_done", kwargs={"slug": campaign.slug})
    assert [r.get("Location") for r in responses].count(done) == 1
    (other,) = [r for r in responses if r.get("Location") != done]
    page = refusal_page(first, other)
    # « Ce code a déjà servi à voter le … » or, when the other tab had finished before this
    # one read the session, « Votre code a déjà servi à voter : … (reçu …) ».
    assert "a déjà servi à voter" in page
    assert Ballot.objects.filter(campaign=campaign).count() == 1
