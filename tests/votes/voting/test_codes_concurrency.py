"""Ten people typing the same code at the same instant leave one ballot (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from tests.votes.voting.test_codes_services import facilitator, voting_campaign
from votes.voting.codes import (
    code_ballot_confirm,
    code_batch_create,
    code_check,
    code_sheet_produce,
)
from votes.voting.models import Ballot, BallotLine, VotingCode

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (make test-postgres)"
    ),
]

USERS = 10


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_uses_of_one_code_leave_one_ballot():
    campaign = voting_campaign()
    by = facilitator()
    batch, _codes = code_batch_create(campaign=campaign, label="Atelier", size=1, by=by)
    codes = code_sheet_produce(batch=batch, by=by)
    code = code_check(campaign=campaign, raw=codes[0])
    start = threading.Barrier(USERS)
    refused: list[str] = []
    errors: list[BaseException] = []

    def vote(reference: int) -> None:
        try:
            start.wait()
            code_ballot_confirm(code=code, choices=[reference])
        except ValidationError as error:
            refused.append(error.messages[0])
        except BaseException as error:  # noqa: BLE001 - reported to the main thread below
            errors.append(error)
        finally:
            connections.close_all()

    # Each thread chooses a different proposal: the one line stored tells which one won.
    references = [1, 2, 3, 4, 5, 6, 1, 2, 3, 4]
    threads = [threading.Thread(target=vote, args=(ref,)) for ref in references]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Ballot.objects.filter(campaign=campaign).count() == 1
    assert BallotLine.objects.filter(ballot__campaign=campaign).count() == 1
    assert len(refused) == USERS - 1
    assert all("déjà servi" in message for message in refused)
    assert VotingCode.objects.get().used_at is not None
