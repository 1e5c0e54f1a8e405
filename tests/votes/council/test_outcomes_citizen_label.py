"""The "label citoyen": on every page that shows proposals, for the adopted ones (with or
without changes), and only once the council's answers are published."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.votes.council.test_answers_services import answer_all, council_campaign
from tests.votes.council.test_follow_ups_services import answered_campaign

pytestmark = pytest.mark.django_db

LABEL = "Label citoyen"


def _labelled_in_cards(body: str) -> set[str]:
    """References of the proposal cards (list page) that carry the label."""
    cards = re.findall(r'<li class="card">(.*?)</li>\s*(?=<li class="card">|</ul>)', body, re.S)
    found = set()
    for card in cards:
        reference = re.search(r"(P-\d{4})", card).group(1)
        if LABEL in card:
            found.add(reference)
    return found


def _labelled_in_rows(body: str) -> set[str]:
    rows = re.findall(r"<tr class=\"status-[a-z_]+\">(.*?)</tr>", body, re.S)
    return {re.search(r"(P-\d{4})", row).group(1) for row in rows if LABEL in row}


def _labelled_in_outcomes(body: str) -> set[str]:
    articles = re.findall(r'<article id="(P-\d{4})"(.*?)</article>', body, re.S)
    return {reference for reference, article in articles if LABEL in article}


def test_the_proposal_list_labels_the_adopted_proposals(client):
    c = answered_campaign()

    body = client.get(reverse("votes:proposal_list", kwargs={"slug": c.campaign.slug}))

    assert _labelled_in_cards(body.content.decode()) == {"P-0001", "P-0002"}


def test_the_proposal_list_labels_without_a_query_per_card(client, django_assert_max_num_queries):
    c = answered_campaign()
    target = reverse("votes:proposal_list", kwargs={"slug": c.campaign.slug})
    client.get(target)

    with django_assert_max_num_queries(8):
        client.get(target)


@pytest.mark.parametrize(("reference", "labelled"), [(1, True), (2, True), (3, False), (4, False)])
def test_the_proposal_page_labels_an_adopted_proposal(client, reference, labelled):
    c = answered_campaign()

    body = client.get(
        reverse("votes:proposal", kwargs={"slug": c.campaign.slug, "reference": reference})
    ).content.decode()

    assert (LABEL in body) is labelled
    if labelled:
        assert 'title="Proposition citoyenne adoptée par le conseil"' in body


def test_the_results_page_labels_the_adopted_proposals(client):
    c = answered_campaign()

    body = client.get(reverse("votes:results", kwargs={"slug": c.campaign.slug})).content

    assert _labelled_in_rows(body.decode()) == {"P-0001", "P-0002"}


def test_the_outcomes_page_labels_the_adopted_proposals(client):
    c = answered_campaign()

    body = client.get(reverse("votes:outcomes", kwargs={"slug": c.campaign.slug})).content

    assert _labelled_in_outcomes(body.decode()) == {"P-0001", "P-0002"}


def test_no_page_shows_the_label_before_publication(client):
    c = council_campaign()
    answer_all(c)
    client.force_login(c.admin)  # the administrator's preview neither
    slug = c.campaign.slug
    pages = [
        reverse("votes:proposal_list", kwargs={"slug": slug}),
        reverse("votes:proposal", kwargs={"slug": slug, "reference": 1}),
        reverse("votes:results", kwargs={"slug": slug}),
        reverse("votes:outcomes", kwargs={"slug": slug}),
    ]

    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert LABEL not in response.content.decode(), page
