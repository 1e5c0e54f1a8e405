"""The evaluation page and its XLSX: who reads them, what they hold."""

from __future__ import annotations

import html
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER
from tests.factories import make_user
from tests.votes.evaluation.factories import answer, make_question
from tests.votes.factories import make_campaign, make_proposal, make_voter
from tests.votes.guarantor.factories import make_guarantor
from votes.campaigns.models import Phase

pytestmark = pytest.mark.django_db

ROUTES = ["votes:evaluation", "votes:evaluation_xlsx"]


@pytest.fixture
def campaign():
    campaign = make_campaign(phase=Phase.TALLY)
    make_proposal(campaign)
    question = make_question(campaign, text="Satisfait ?")
    for _ in range(3):
        answer(question, scale=2)
    return campaign


def url(name: str, campaign) -> str:
    return reverse(name, kwargs={"slug": campaign.slug})


@pytest.mark.parametrize("name", ROUTES)
def test_anonymous_visitors_are_sent_to_log_in(client, campaign, name):
    response = client.get(url(name, campaign))

    assert response.status_code == 302
    assert "/connexion/" in response["Location"]


@pytest.mark.parametrize("name", ROUTES)
@pytest.mark.parametrize("roles", [(), (INSTRUCTOR,), (MODERATOR,), (OFFICER,)])
def test_other_roles_and_citizens_get_403(client, campaign, name, roles):
    client.force_login(make_user(roles=roles))
    assert client.get(url(name, campaign)).status_code == 403
    client.force_login(make_voter(outside_territory=True))
    assert client.get(url(name, campaign)).status_code == 403


@pytest.mark.parametrize("name", ROUTES)
def test_the_guarantor_of_another_campaign_gets_403(client, campaign, name):
    client.force_login(make_guarantor(make_campaign()))

    assert client.get(url(name, campaign)).status_code == 403


@pytest.mark.parametrize("role", [ADMINISTRATOR, FINANCE, FACILITATOR, "guarantor"])
def test_the_team_and_the_guarantor_read_the_indicators(client, campaign, role):
    user = make_guarantor(campaign) if role == "guarantor" else make_user(roles=(role,))
    client.force_login(user)

    page = html.unescape(client.get(url("votes:evaluation", campaign)).content.decode())

    assert "Devenir des propositions" in page
    assert "De la clôture du vote à la publication des avis" in page
    assert '<th scope="row">Satisfait ?</th><td class="num">< 5</td>' in page


def test_the_page_takes_no_post(client, campaign):
    client.force_login(make_user(roles=(ADMINISTRATOR,)))

    assert client.post(url("votes:evaluation", campaign)).status_code == 405


def test_the_xlsx_has_one_sheet_per_table_with_the_figures(client, campaign):
    client.force_login(make_user(roles=(FINANCE,)))

    response = client.get(url("votes:evaluation_xlsx", campaign))

    assert response["Content-Disposition"] == (
        f'attachment; filename="evaluation-{campaign.slug}.xlsx"'
    )
    book = load_workbook(io.BytesIO(response.content))
    assert "Devenir des propositions" in book.sheetnames
    rows = list(book["Devenir des propositions"].iter_rows(values_only=True))
    assert ("Propositions publiées", 1, 100) in rows
    assert book.sheetnames[-1] == "Notes"


def test_free_answers_are_read_escaped_and_only_from_five(client, campaign):
    question = make_question(campaign, kind="text", text="Un mot ?")
    client.force_login(make_user(roles=(FACILITATOR,)))
    for n in range(4):
        answer(question, text=f"avis {n} <b>gras</b>")

    page = client.get(url("votes:evaluation", campaign)).content.decode()

    assert "Moins de 5 réponses écrites" in page
    assert "avis 0" not in page

    answer(question, text="avis 4")
    page = client.get(url("votes:evaluation", campaign)).content.decode()

    assert "avis 0 &lt;b&gt;gras&lt;/b&gt;" in page
    assert "<b>gras</b>" not in page
