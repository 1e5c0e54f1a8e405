"""The public read-only preview of the training pages: /campagnes/<slug>/formation/."""

from __future__ import annotations

import pytest

from budget.roles import FACILITATOR
from tests.factories import make_user
from tests.votes.factories import make_campaign
from tests.votes.training.factories import make_page, make_question
from votes.campaigns.models import Phase

pytestmark = pytest.mark.django_db


def test_anyone_reads_the_pages_in_order_without_the_answers(client):
    campaign = make_campaign(slug="budget-inverse")
    first = make_page(campaign, title="Deux sections", body="Le **fonctionnement**.")
    make_question(
        first,
        text="Le salaire est une dépense…",
        choices=["de fonctionnement", "d'investissement"],
        explanation="Il revient chaque année.",
    )
    make_page(campaign, title="Épargne brute")

    body = client.get("/campagnes/budget-inverse/formation/").content.decode()

    assert body.index("1. Deux sections") < body.index("2. Épargne brute")
    assert "Le <strong>fonctionnement</strong>." in body
    assert "Le salaire est une dépense…" in body
    assert "Il revient chaque année." not in body and "bonne réponse" not in body


def test_a_script_in_a_page_is_not_rendered(client):
    campaign = make_campaign(slug="budget-inverse")
    make_page(campaign, body='Texte<script>alert("x")</script> [lien](javascript:alert(1))')

    body = client.get("/campagnes/budget-inverse/formation/").content.decode()

    assert "<script>alert" not in body and "javascript:alert" not in body


def test_a_draft_campaign_has_no_public_training(client):
    campaign = make_campaign(slug="brouillon", phase=Phase.DRAFT)
    make_page(campaign)

    assert client.get("/campagnes/brouillon/formation/").status_code == 404
    client.force_login(make_user(roles=(FACILITATOR,)))
    assert client.get("/campagnes/brouillon/formation/").status_code == 200


def test_the_campaign_page_links_to_the_training_once_it_has_pages(client):
    campaign = make_campaign(slug="budget-inverse")
    link = 'href="/campagnes/budget-inverse/formation/"'

    assert link not in client.get("/campagnes/budget-inverse/").content.decode()
    make_page(campaign)
    assert link in client.get("/campagnes/budget-inverse/").content.decode()


def test_an_unknown_campaign_is_404(client):
    assert client.get("/campagnes/nulle-part/formation/").status_code == 404
