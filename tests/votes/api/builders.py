"""The data the API tests read: the open-data campaign (ballots, instructions, a hidden
proposal) taken on to the published answers, a draft campaign, an unpublished budget."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse

from budget.models import Budget
from tests.factories import make_budget, make_line, make_user
from tests.votes.factories import make_campaign, make_category, make_proposal
from tests.votes.opendata.test_opendata_files import OpenData, opendata_campaign
from votes.campaigns.models import Campaign, Phase
from votes.council.models import CouncilAnswer, FollowUp, Milestone

SECRETS = (
    "NOTE-INTERNE-SECRETE",
    "COMMENTAIRE-DE-RENVOI",
    "jeanne.secret",
    "electeur.secret",
    "@example.org",
    "Proposition masquée",
    "REPONSE-PAS-ENCORE-PUBLIEE",
)


def api(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs or None)


def answer(proposal, decision: str, text: str, *, by=None) -> CouncilAnswer:
    return CouncilAnswer.objects.create(
        proposal=proposal,
        decision=decision,
        answer=text,
        deliberation_reference="DEL-2026-12",
        deliberation_date=datetime.date(2026, 11, 30),
        answered_by=by or make_user(username="elu.secret"),
    )


@dataclass
class Answered:
    data: OpenData
    follow_up: FollowUp

    @property
    def campaign(self) -> Campaign:
        return self.data.campaign


def answered_campaign(phase: str = Phase.ANSWERED) -> Answered:
    """The open-data campaign with the council's answers: P1 adopted and followed up (two
    milestones), P2 rejected. ``phase`` COUNCIL: answers recorded but not yet published."""
    data = opendata_campaign(Phase.COUNCIL)
    clerk = make_user(username="elu.secret")
    answer(data.p1, CouncilAnswer.Decision.ADOPTED, "Adoptée : le terrain sera refait.", by=clerk)
    answer(data.p2, CouncilAnswer.Decision.REJECTED, "REPONSE-PAS-ENCORE-PUBLIEE", by=clerk)
    follow_up = FollowUp.objects.create(
        proposal=data.p1, status=FollowUp.Status.IN_PROGRESS, progress=40, updated_by=clerk
    )
    Milestone.objects.create(follow_up=follow_up, on=datetime.date(2027, 1, 15), text="Études")
    Milestone.objects.create(follow_up=follow_up, on=datetime.date(2027, 3, 1), text="Travaux")
    Campaign.objects.filter(pk=data.campaign.pk).update(phase=phase)
    data.campaign.refresh_from_db()
    return Answered(data=data, follow_up=follow_up)


def draft_campaign() -> Campaign:
    """A campaign in draft with a category and a proposal: none of it is public."""
    campaign = make_campaign(phase=Phase.DRAFT, title="Brouillon secret", slug="brouillon")
    make_category(campaign, name="Rubrique du brouillon")
    make_proposal(campaign, title="Proposition du brouillon")
    return campaign


def unpublished_budget() -> Budget:
    budget = make_budget(year=2030, published=False)
    make_line(budget, amount=Decimal("999.99"), label="Ligne non publiée")
    return budget
