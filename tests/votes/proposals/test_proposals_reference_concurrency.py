"""Two citizens submitting at the same instant get two different P-numbers (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from tests.votes.factories import make_campaign, make_category, make_voter
from votes.proposals.models import Proposal
from votes.proposals.services import proposal_create

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (make test-postgres)"
    ),
]

SUBMITTERS = 6


@pytest.mark.django_db(transaction=True)
def test_simultaneous_deposits_get_consecutive_references_without_error():
    campaign = make_campaign()
    category = make_category(campaign)
    voters = [make_voter(outside_territory=True) for _ in range(SUBMITTERS)]
    start = threading.Barrier(SUBMITTERS)
    errors: list[BaseException] = []

    def submit(voter) -> None:
        try:
            start.wait()
            proposal_create(
                campaign=campaign,
                author=voter,
                category=category,
                kind=Proposal.Kind.SAVING,
                title=f"Proposition de {voter.pk}",
                description="En même temps que les autres.",
            )
        except BaseException as error:  # noqa: BLE001 - reported to the main thread below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(voter,)) for voter in voters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    references = sorted(
        Proposal.objects.filter(campaign=campaign).values_list("reference", flat=True)
    )
    assert references == list(range(1, SUBMITTERS + 1))
