"""The demo shows the satisfaction questionnaire and its results (make run)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from votes.campaigns.models import Campaign
from votes.evaluation.models import EvaluationResponse
from votes.evaluation.results import evaluation_counts

pytestmark = pytest.mark.django_db


def test_the_demo_campaign_has_its_questionnaire_and_answers(settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0, stdout=StringIO())
    out = StringIO()
    call_command("load_demo_campaign", stdout=out)
    call_command("load_demo_campaign", stdout=StringIO())  # a second run adds nothing

    campaign = Campaign.objects.get(slug="budget-inverse-2026")
    assert campaign.evaluation_questions.count() == 3
    assert EvaluationResponse.objects.filter(campaign=campaign).count() == 12
    clarity = evaluation_counts(campaign)["questions"][0]
    # By hand: 1 « 2 », 6 « 4 », 5 « 5 »; the lone « 2 » is hidden, and so is the smallest
    # shown cell (the 5), else it would come back by subtraction from the 12.
    assert clarity["counts"] == [None, None, None, 6, "masked"]
    assert clarity["answered"] == 12
    assert "Questionnaire de satisfaction : 12 réponses" in out.getvalue()
