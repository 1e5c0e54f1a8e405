"""instruction_dashboard: counts by verdict, state and service; waiting and overdue items."""

from __future__ import annotations

from datetime import date

import pytest

from tests.votes.factories import make_campaign, make_instruction, make_proposal, make_service
from votes.campaigns.models import Phase
from votes.instruction.dashboard import instruction_dashboard
from votes.instruction.models import Instruction
from votes.proposals.models import Proposal

pytestmark = pytest.mark.django_db

Status = Instruction.Status
Validation = Instruction.Validation
TODAY = date(2026, 4, 15)


def test_it_counts_by_status_validation_and_service():
    campaign = make_campaign(phase=Phase.INSTRUCTION)
    roads = make_service(campaign.authority, name="Voirie")
    sport = make_service(campaign.authority, name="Sports")

    def instructed(service, status, validation, due_on=None):
        proposal = make_proposal(campaign, service=service)
        return make_instruction(proposal, status=status, validation=validation, due_on=due_on)

    late = instructed(roads, Status.TO_INSTRUCT, Validation.DRAFT, date(2026, 4, 14))
    instructed(roads, Status.FEASIBLE, Validation.VALIDATED, date(2026, 4, 1))  # late but done
    waiting = instructed(roads, Status.NOT_FEASIBLE, Validation.SUBMITTED, TODAY)  # due today
    instructed(sport, Status.FEASIBLE_CONDITIONS, Validation.RETURNED, date(2026, 5, 1))
    make_proposal(campaign)  # not assigned
    make_proposal(campaign, status=Proposal.Status.WITHDRAWN)  # not counted
    make_instruction(make_proposal(make_campaign()), status=Status.FEASIBLE)  # another campaign

    dashboard = instruction_dashboard(campaign, today=TODAY)

    assert dashboard.total == 5
    assert dashboard.unassigned == 1
    assert dashboard.by_status == [
        ("À instruire", 1),
        ("Faisable", 1),
        ("Faisable sous conditions", 1),
        ("Non faisable", 1),
        ("Hors compétence de la collectivité", 0),
    ]
    assert dict(dashboard.by_validation) == {
        "En cours d'instruction": 1,
        "Soumise à la direction des finances": 1,
        "Validée par la direction des finances": 1,
        "Renvoyée au service": 1,
    }
    rows = {row.name: row for row in dashboard.services}
    assert rows["Voirie"].counts == {"draft": 1, "submitted": 1, "validated": 1, "returned": 0}
    assert (rows["Voirie"].total, rows["Voirie"].overdue) == (3, 1)
    assert rows["Sports"].counts == {"draft": 0, "submitted": 0, "validated": 0, "returned": 1}
    assert (rows["Sports"].total, rows["Sports"].overdue) == (1, 0)
    assert dashboard.waiting == [waiting]
    assert dashboard.overdue == [late]
