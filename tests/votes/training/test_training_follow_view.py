"""The facilitator's follow-up of the panel's training (gestion/…/formation/suivi/)."""

from __future__ import annotations

import re

import pytest

from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER
from tests.factories import make_user
from tests.votes.factories import make_campaign
from tests.votes.training.factories import make_draw, make_page, make_question, make_volunteer
from votes.training import services as training

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel():
    campaign = make_campaign(slug="budget-inverse")
    alice, bruno, chloe = (
        make_volunteer(campaign, name=name) for name in ("Alice Martin", "Bruno Petit", "Chloé Roy")
    )
    make_draw(campaign, [alice, bruno], [chloe])
    pages = [make_page(campaign, title=title) for title in ("Deux sections", "Épargne", "Impacts")]
    make_question(pages[0], correct=0)
    make_question(pages[0], correct=1)
    training.training_page_complete(volunteer=alice, page=pages[0], answers=[0, 1])
    training.training_page_complete(volunteer=alice, page=pages[1], answers=[])
    training.training_page_complete(volunteer=chloe, page=pages[0], answers=[0, 0])
    return campaign


URL = "/gestion/campagnes/budget-inverse/formation/suivi/"


def row_of(body: str, name: str) -> str:
    match = re.search(rf"<tr>\s*<th scope=\"row\">{name}</th>(.*?)</tr>", body, re.S)
    assert match, name
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def test_anonymous_visitors_are_sent_to_the_login_page(client, panel):
    response = client.get(URL)

    assert response.status_code == 302 and response.url.startswith("/connexion/")


@pytest.mark.parametrize("roles", [(), (FINANCE,), (INSTRUCTOR,), (MODERATOR,), (OFFICER,)])
def test_other_roles_may_not_see_the_names(client, panel, roles):
    client.force_login(make_user(roles=roles))

    response = client.get(URL)

    assert response.status_code == 403 and "Alice Martin" not in response.content.decode()


@pytest.mark.parametrize("role", [ADMINISTRATOR, FACILITATOR])
def test_the_team_sees_one_row_per_panel_member(client, panel, role):
    client.force_login(make_user(roles=(role,)))

    body = client.get(URL).content.decode()

    assert row_of(body, "Alice Martin").startswith("titulaire 2 / 3 2 / 2")
    assert row_of(body, "Bruno Petit").startswith("titulaire 0 / 3 — pas encore commencé")
    assert row_of(body, "Chloé Roy").startswith("réserve 1 / 3 1 / 2")
    assert body.index("Alice Martin") < body.index("Bruno Petit") < body.index("Chloé Roy")


def test_the_chart_comes_with_its_data_table(client, panel):
    client.force_login(make_user(roles=(FACILITATOR,)))

    body = client.get(URL).content.decode()

    assert 'id="chart-training-completion"' in body and "plotly-arbitrages.min.js" in body
    assert "Voir les données du graphique" in body
    assert re.search(r'<th scope="row">1\. Deux sections</th><td class="num">2 / 3</td>', body)
    assert re.search(r'<th scope="row">3\. Impacts</th><td class="num">0 / 3</td>', body)


def test_the_queries_do_not_grow_with_the_panel(client, panel, django_assert_max_num_queries):
    client.force_login(make_user(roles=(FACILITATOR,)))
    with django_assert_max_num_queries(10) as few:  # 10: with the footer's accessibility level
        client.get(URL)
    members = [make_volunteer(panel) for _ in range(20)]
    make_draw(panel, members[:15], members[15:])
    for member in members:
        for page in panel.training_pages.filter(questions__isnull=True):
            training.training_page_complete(volunteer=member, page=page, answers=[])

    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(URL).content.decode()

    assert body.count('<th scope="row">Volontaire') == 20


def test_before_a_draw_is_published_the_page_says_so(client):
    campaign = make_campaign(slug="budget-inverse")
    make_page(campaign)
    client.force_login(make_user(roles=(FACILITATOR,)))

    body = client.get(URL).content.decode()

    assert "Aucun tirage au sort" in body and "encore publié" in body
    assert "chart-training-completion" not in body
