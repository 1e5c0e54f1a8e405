"""The questionnaire's section on the team's statistics page: chart, table, small cells."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from budget.roles import FINANCE
from tests.factories import make_user
from tests.votes.evaluation.factories import answer, make_question
from tests.votes.factories import make_campaign
from votes.campaigns.models import Phase

pytestmark = pytest.mark.django_db


def test_the_statistics_page_shows_the_questionnaire_with_small_cells_hidden(client):
    campaign = make_campaign(phase=Phase.TALLY)
    question = make_question(campaign, text="Satisfait ?")
    for _ in range(8):
        answer(question, scale=5, moment="workshop")
    client.force_login(make_user(roles=(FINANCE,)))

    page = html.unescape(
        client.get(reverse("votes:statistics", kwargs={"slug": campaign.slug})).content.decode()
    )

    assert "Questionnaire de satisfaction (en direct)" in page
    assert 'id="stat-evaluation"' in page  # the chart, drawn by static/js/charts.js
    assert '<th scope="row">Satisfait ?</th><td class="num">< 5</td>' in page
    assert '<td class="num">8</td>' in page


def test_without_questions_the_section_says_so(client):
    campaign = make_campaign(phase=Phase.TALLY)
    client.force_login(make_user(roles=(FINANCE,)))

    page = client.get(reverse("votes:statistics", kwargs={"slug": campaign.slug})).content.decode()

    assert "Aucun questionnaire de satisfaction pour cette campagne." in page
    assert 'id="stat-evaluation"' not in page
