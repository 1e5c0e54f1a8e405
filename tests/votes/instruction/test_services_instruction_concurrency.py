"""Two finance decisions on one instruction at the same instant: exactly one wins (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from budget.roles import FINANCE, INSTRUCTOR
from tests.factories import make_user
from tests.votes.factories import make_campaign, make_instruction, make_proposal, make_service
from votes.campaigns.models import Phase
from votes.instruction.finance import instruction_return, instruction_validate
from votes.instruction.models import Instruction

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (make test-postgres)"
    ),
]

ROUNDS = 5


@pytest.mark.django_db(transaction=True)
def test_a_validation_and_a_return_at_once_never_both_apply():
    instructor = make_user(roles=(INSTRUCTOR,))
    validator, returner = make_user(roles=(FINANCE,)), make_user(roles=(FINANCE,))
    campaign = make_campaign(phase=Phase.INSTRUCTION)
    service = make_service(campaign.authority, members=[instructor])
    for _round in range(ROUNDS):
        instruction = make_instruction(
            make_proposal(campaign, service=service),
            validation=Instruction.Validation.SUBMITTED,
            instructed_by=instructor,
        )
        start = threading.Barrier(2)
        outcomes: list[str] = []

        def act(decide, start: threading.Barrier, outcomes: list[str]) -> None:
            try:
                start.wait()
                decide()
                outcomes.append("done")
            except ValidationError:
                outcomes.append("refused")
            finally:
                connections.close_all()

        threads = [
            threading.Thread(
                target=act,
                args=(
                    lambda i=instruction: instruction_validate(instruction=i, by=validator),
                    start,
                    outcomes,
                ),
            ),
            threading.Thread(
                target=act,
                args=(
                    lambda i=instruction: instruction_return(
                        instruction=i, by=returner, comment="TVA oubliée."
                    ),
                    start,
                    outcomes,
                ),
            ),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert sorted(outcomes) == ["done", "refused"]
        instruction.refresh_from_db()
        if instruction.validation == Instruction.Validation.VALIDATED:
            assert (instruction.validated_by, instruction.return_comment) == (validator, "")
        else:
            assert instruction.validation == Instruction.Validation.RETURNED
            assert instruction.validated_by is None
