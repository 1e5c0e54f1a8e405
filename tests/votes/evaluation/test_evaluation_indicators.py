"""The charter's indicators, computed from the campaign's data (checked by hand)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from budget.roles import ADMINISTRATOR
from tests.factories import make_user
from tests.votes.factories import make_campaign, make_instruction, make_proposal
from votes.campaigns.models import Phase, PhaseTransition
from votes.council.models import CouncilAnswer, FollowUp
from votes.evaluation.indicators import answer_delay_days, evaluation_indicators, proposal_counts
from votes.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def move(campaign, from_phase, to_phase, day: dt.date) -> None:
    transition = PhaseTransition.objects.create(
        campaign=campaign, from_phase=from_phase, to_phase=to_phase, by=make_user()
    )
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(18)))
    PhaseTransition.objects.filter(pk=transition.pk).update(at=at)


def decide(proposal, decision: str, by) -> None:
    CouncilAnswer.objects.create(
        proposal=proposal, decision=decision, answer="Motivé.", answered_by=by
    )


def test_the_proposals_are_followed_from_instruction_to_completion():
    campaign = make_campaign(phase=Phase.ANSWERED)
    admin = make_user(roles=(ADMINISTRATOR,))
    proposals = [make_proposal(campaign) for _ in range(4)]
    make_proposal(campaign, status=Proposal.Status.HIDDEN)  # not published: not counted
    for proposal in proposals[:3]:
        make_instruction(proposal, validated_at=timezone.now())
    make_instruction(proposals[3])  # not validated by finance: not instructed
    decide(proposals[0], CouncilAnswer.Decision.ADOPTED, admin)
    decide(proposals[1], CouncilAnswer.Decision.ADOPTED_CHANGED, admin)
    decide(proposals[2], CouncilAnswer.Decision.REJECTED, admin)
    FollowUp.objects.create(
        proposal=proposals[0], status=FollowUp.Status.DONE, progress=100, updated_by=admin
    )
    FollowUp.objects.create(
        proposal=proposals[1], status=FollowUp.Status.IN_PROGRESS, updated_by=admin
    )

    assert proposal_counts(campaign) == {
        "published": 4,
        "instructed": 3,
        "answered": 3,
        "adopted": 2,
        "carried_out": 1,
    }
    table = {t.code: t for t in evaluation_indicators(campaign)}["indicateurs-propositions"]
    assert [row[1:] for row in table.rows] == [[4, 100], [3, 75], [3, 75], [2, 50], [1, 25]]


def test_the_answer_delay_runs_from_the_close_of_the_vote_to_the_publication():
    campaign = make_campaign(phase=Phase.ANSWERED)
    move(campaign, Phase.INSTRUCTION, Phase.VOTING, dt.date(2026, 3, 1))
    move(campaign, Phase.VOTING, Phase.TALLY, dt.date(2026, 3, 31))
    move(campaign, Phase.COUNCIL, Phase.ANSWERED, dt.date(2026, 6, 15))

    assert answer_delay_days(campaign) == 76


def test_no_delay_before_the_answers_are_published():
    campaign = make_campaign(phase=Phase.COUNCIL)
    move(campaign, Phase.VOTING, Phase.TALLY, dt.date(2026, 3, 31))

    assert answer_delay_days(campaign) is None
    table = {t.code: t for t in evaluation_indicators(campaign)}["indicateurs-delai"]
    assert table.rows[0][1] == "—"


def test_participation_reuses_the_statistics_tables():
    campaign = make_campaign(phase=Phase.TALLY)

    codes = [t.code for t in evaluation_indicators(campaign)]

    assert codes == [
        "participants",
        "commune",
        "commune_rates",
        "age",
        "indicateurs-propositions",
        "indicateurs-delai",
    ]
