"""instruction_timeline: who changed what, when, from which value to which."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budget.roles import ADMINISTRATOR, FINANCE, INSTRUCTOR
from tests.factories import make_user
from tests.votes.factories import make_campaign, make_proposal, make_service
from votes.campaigns.models import Campaign, Phase
from votes.instruction.assignment import proposal_assign
from votes.instruction.finance import instruction_return, instruction_validate
from votes.instruction.history import instruction_timeline
from votes.instruction.instructing import instruction_save, instruction_submit
from votes.instruction.models import Instruction

pytestmark = pytest.mark.django_db

Status = Instruction.Status


def test_the_timeline_tells_the_whole_story_newest_first():
    admin = make_user(username="admin", roles=(ADMINISTRATOR,))
    instructor = make_user(username="ines", roles=(INSTRUCTOR,), first_name="Inès", last_name="Roy")
    finance = make_user(username="fabien", roles=(FINANCE,))
    campaign = make_campaign(phase=Phase.INSTRUCTION, kind=Campaign.Kind.PROJECTS)
    service = make_service(campaign.authority, name="Voirie", members=[instructor])
    proposal = make_proposal(campaign)

    instruction = proposal_assign(proposal=proposal, service=service, by=admin)
    instruction_save(
        instruction=instruction, by=instructor, status=Status.FEASIBLE, instructed_cost=1000
    )
    instruction_submit(instruction=instruction, by=instructor)
    instruction_return(instruction=instruction, by=finance, comment="TVA oubliée.")
    instruction_save(
        instruction=instruction,
        by=instructor,
        status=Status.FEASIBLE,
        instructed_cost=Decimal("1200"),
    )
    instruction_submit(instruction=instruction, by=instructor)
    instruction_validate(instruction=instruction, by=finance)

    timeline = instruction_timeline(instruction)

    assert [(entry.action, entry.user) for entry in timeline] == [
        ("Validée par la direction des finances", "fabien"),
        ("Soumise à la direction des finances", "Inès Roy"),
        ("Instruction enregistrée", "Inès Roy"),
        ("Renvoyée au service", "fabien"),
        ("Soumise à la direction des finances", "Inès Roy"),
        ("Instruction enregistrée", "Inès Roy"),
        ("Attribuée au service « Voirie »", "admin"),
    ]
    changes = {(change.label, change.old, change.new) for change in timeline[2].changes}
    assert changes == {
        ("coût instruit (investissement, €)", "1\u202f000\u00a0€", "1\u202f200\u00a0€"),
    }
    first_save = {(c.label, c.old, c.new) for c in timeline[5].changes}
    assert ("avis", "À instruire", "Faisable") in first_save
    assert ("coût instruit (investissement, €)", "—", "1\u202f000\u00a0€") in first_save
    assert ("instruite par", "—", "Inès Roy") in first_save
    returned = {(c.label, c.old, c.new) for c in timeline[3].changes}
    assert returned == {
        ("validation", "Soumise à la direction des finances", "Renvoyée au service"),
        ("commentaire de renvoi", "—", "TVA oubliée."),
    }
    validated = {c.label for c in timeline[0].changes}
    assert validated == {"validation", "validée par", "validée le"}
    assert timeline[0].at >= timeline[-1].at


def test_a_new_instruction_shows_only_its_non_default_values():
    admin = make_user(roles=(ADMINISTRATOR,))
    campaign = make_campaign(phase=Phase.INSTRUCTION)
    service = make_service(campaign.authority, name="Finances")

    instruction = proposal_assign(proposal=make_proposal(campaign), service=service, by=admin)

    (entry,) = instruction_timeline(instruction)
    assert entry.action == "Attribuée au service « Finances »"
    assert entry.changes == []
