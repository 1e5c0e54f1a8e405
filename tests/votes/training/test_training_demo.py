"""fixtures/demo_training.py: the demo path, loaded once."""

from __future__ import annotations

import io

import pytest

from fixtures import demo_training
from tests.votes.factories import make_campaign
from votes.training.models import TrainingPage, TrainingQuestion
from votes.training.services import choices_errors

pytestmark = pytest.mark.django_db


def test_it_creates_four_pages_of_two_questions_in_order():
    campaign = make_campaign()
    out = io.StringIO()

    demo_training.load(campaign, stdout=out)

    pages = list(TrainingPage.objects.filter(campaign=campaign))
    assert [p.title for p in pages] == [
        "Le budget en deux sections",
        "Épargne brute et capacité de désendettement",
        "Les impacts induits",
        "Proposer une économie",
    ]
    assert [p.questions.count() for p in pages] == [2, 2, 2, 2]
    for question in TrainingQuestion.objects.all():
        assert choices_errors(question.choices, question.correct) == {}
        assert question.explanation
    assert "Formation du panel créée (4 pages)" in out.getvalue()


def test_a_second_run_changes_nothing():
    campaign = make_campaign()
    demo_training.load(campaign)
    page = TrainingPage.objects.first()
    page.title = "Retouchée par l'équipe"
    page.save()
    out = io.StringIO()

    demo_training.load(campaign, stdout=out)

    assert TrainingPage.objects.count() == 4 and TrainingQuestion.objects.count() == 8
    assert TrainingPage.objects.filter(title="Retouchée par l'équipe").exists()
    assert "déjà présente" in out.getvalue()
