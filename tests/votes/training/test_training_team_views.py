"""The team's editing of the training path: pages (order, add, edit, delete) and questions."""

from __future__ import annotations

import pytest

from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER
from tests.factories import make_user
from tests.votes.factories import make_campaign
from tests.votes.training.factories import make_page, make_question
from votes.training.models import TrainingPage, TrainingQuestion

pytestmark = pytest.mark.django_db

OUTSIDERS = [(), (FINANCE,), (INSTRUCTOR,), (MODERATOR,), (OFFICER,)]
QUESTION = {
    "text": "Le salaire des agents est une dépense…",
    "choices": "de fonctionnement\n\nd'investissement\n",
    "correct": "1",
    "explanation": "Il revient chaque année.",
}


@pytest.fixture
def campaign():
    return make_campaign(slug="budget-inverse")


@pytest.fixture
def team(client):
    client.force_login(make_user(roles=(FACILITATOR,)))
    return client


def base(campaign) -> str:
    return f"/gestion/campagnes/{campaign.slug}/formation/"


def page_base(page) -> str:
    return f"{base(page.campaign)}pages/{page.slug}/"


def text(response) -> str:
    return response.content.decode()


# --- access ----------------------------------------------------------------------------------


def team_urls(campaign) -> list[str]:
    page = make_page(campaign, slug="deux-sections")
    question = make_question(page)
    return [
        base(campaign),
        base(campaign) + "ajouter/",
        base(campaign) + "suivi/",
        page_base(page),
        page_base(page) + "supprimer/",
        page_base(page) + "questions/ajouter/",
        f"{page_base(page)}questions/{question.pk}/",
        f"{page_base(page)}questions/{question.pk}/supprimer/",
    ]


def test_anonymous_visitors_are_sent_to_the_login_page(client, campaign):
    for url in team_urls(campaign):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/connexion/"), url


@pytest.mark.parametrize("roles", OUTSIDERS)
def test_other_roles_get_403_and_write_nothing(client, campaign, roles):
    client.force_login(make_user(roles=roles))
    for url in team_urls(campaign):
        assert client.get(url).status_code == 403, url
        # 405 on the read-only pages (the list, the follow-up): they take no POST at all.
        posted = client.post(url, {"title": "T", "body": "B", **QUESTION})
        assert posted.status_code in (403, 405), url
    page = TrainingPage.objects.get()
    assert page.title.startswith("Page") and TrainingQuestion.objects.count() == 1
    assert client.post(page_base(page) + "deplacer/", {"direction": "up"}).status_code == 403


@pytest.mark.parametrize("role", [ADMINISTRATOR, FACILITATOR])
def test_administrators_and_facilitators_reach_every_team_page(client, campaign, role):
    client.force_login(make_user(roles=(role,)))
    for url in team_urls(campaign):
        assert client.get(url).status_code == 200, url


def test_an_unknown_campaign_or_page_is_404(team, campaign):
    assert team.get("/gestion/campagnes/nulle-part/formation/").status_code == 404
    assert team.get(base(campaign) + "pages/nulle-part/").status_code == 404


# --- pages ----------------------------------------------------------------------------------


def test_the_list_shows_the_pages_in_order_with_their_questions(team, campaign):
    first = make_page(campaign, title="Deux sections")
    make_question(first)
    make_page(campaign, title="Épargne brute")

    body = text(team.get(base(campaign)))

    assert body.index("Deux sections") < body.index("Épargne brute")
    assert 'name="direction" value="down"' in body and 'name="direction" value="up"' in body


def test_a_page_is_added_at_the_end(team, campaign):
    make_page(campaign, title="Existante")

    response = team.post(
        base(campaign) + "ajouter/", {"title": "Les impacts induits", "body": "Texte."}
    )

    page = TrainingPage.objects.get(slug="les-impacts-induits")
    assert response.status_code == 302 and response.url == page_base(page)
    assert page.position == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "body": "Texte."}, "Donnez un titre à la page."),
        ({"title": "Titre", "body": ""}, "Écrivez le contenu de la page."),
        ({"title": "Titre", "body": "   "}, "Écrivez le contenu de la page."),
        ({"title": "Titre", "body": "x" * 20_001}, "20000 caractères"),
    ],
)
def test_a_bad_page_is_refused_with_a_message_and_nothing_written(team, campaign, data, message):
    response = team.post(base(campaign) + "ajouter/", data)

    assert response.status_code == 200 and message in text(response)
    assert not TrainingPage.objects.exists()


def test_a_page_is_edited_and_its_preview_is_sanitised(team, campaign):
    page = make_page(campaign, title="Ancien", slug="ancien")

    response = team.post(
        page_base(page), {"title": "Nouveau", "body": "**Gras**<script>alert(1)</script>"}
    )

    page.refresh_from_db()
    assert response.status_code == 302
    assert (page.title, page.slug) == ("Nouveau", "ancien")
    body = text(team.get(page_base(page)))
    assert "<strong>Gras</strong>" in body and "<script>alert(1)</script>" not in body


def test_a_bad_edit_changes_nothing(team, campaign):
    page = make_page(campaign, title="Ancien")

    response = team.post(page_base(page), {"title": "", "body": "Autre."})

    page.refresh_from_db()
    assert "Donnez un titre à la page." in text(response)
    assert page.title == "Ancien" and page.body != "Autre."


def test_pages_move_up_and_down(team, campaign):
    a, b = make_page(campaign, title="A"), make_page(campaign, title="B")

    team.post(page_base(b) + "deplacer/", {"direction": "up"})
    assert [p.title for p in TrainingPage.objects.all()] == ["B", "A"]
    team.post(page_base(b) + "deplacer/", {"direction": "down"})
    assert [p.title for p in TrainingPage.objects.all()] == ["A", "B"]
    response = team.post(page_base(a) + "deplacer/", {"direction": "sideways"}, follow=True)
    assert "Déplacement inconnu" in text(response)
    assert team.get(page_base(a) + "deplacer/").status_code == 405


def test_deleting_a_page_asks_first_then_removes_it_with_its_questions(team, campaign):
    page = make_page(campaign, title="À jeter")
    make_question(page)

    assert "Oui, supprimer cette page" in text(team.get(page_base(page) + "supprimer/"))
    assert TrainingPage.objects.exists()
    response = team.post(page_base(page) + "supprimer/", follow=True)

    assert "Page « À jeter » supprimée." in text(response)
    assert not TrainingPage.objects.exists() and not TrainingQuestion.objects.exists()


# --- questions -------------------------------------------------------------------------------


def test_a_question_is_added_with_one_choice_per_line(team, campaign):
    page = make_page(campaign)

    response = team.post(page_base(page) + "questions/ajouter/", QUESTION)

    assert response.status_code == 302 and response.url == page_base(page)
    question = TrainingQuestion.objects.get()
    assert question.choices == ["de fonctionnement", "d'investissement"]
    assert question.correct == 0 and question.explanation == "Il revient chaque année."
    assert "bonne réponse" in text(team.get(page_base(page)))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"text": ""}, "Écrivez la question."),
        ({"choices": ""}, "Écrivez les réponses proposées, une par ligne."),
        ({"choices": "une seule"}, "Proposez entre 2 et 6 réponses, une par ligne."),
        ({"choices": "Oui\noui"}, "Deux réponses proposées sont identiques."),
        ({"correct": "3"}, "Le numéro de la bonne réponse doit être entre 1 et 2."),
        ({"correct": "0"}, "Le numéro de la bonne réponse commence à 1."),
        ({"correct": "deux"}, "Indiquez le numéro de la bonne réponse (un nombre)."),
    ],
)
def test_a_bad_question_is_refused_with_a_message_and_nothing_written(
    team, campaign, changes, message
):
    page = make_page(campaign)

    response = team.post(page_base(page) + "questions/ajouter/", {**QUESTION, **changes})

    assert response.status_code == 200 and message in text(response)
    assert not TrainingQuestion.objects.exists()


def test_a_question_is_edited_with_its_form_filled_in(team, campaign):
    page = make_page(campaign)
    question = make_question(page, choices=["A", "B"], correct=1)
    url = f"{page_base(page)}questions/{question.pk}/"

    body = text(team.get(url))
    assert 'value="2"' in body and "A\nB</textarea>" in body
    team.post(url, {**QUESTION, "correct": "2"})

    question.refresh_from_db()
    assert question.choices == ["de fonctionnement", "d'investissement"]
    assert question.correct == 1


def test_a_bad_question_edit_changes_nothing(team, campaign):
    page = make_page(campaign)
    question = make_question(page, choices=["A", "B"], correct=1)

    response = team.post(f"{page_base(page)}questions/{question.pk}/", {**QUESTION, "correct": "9"})

    question.refresh_from_db()
    assert "doit être entre 1 et 2" in text(response)
    assert (question.choices, question.correct) == (["A", "B"], 1)


def test_a_question_of_another_page_is_404(team, campaign):
    page, other = make_page(campaign), make_page(campaign)
    question = make_question(other)

    assert team.get(f"{page_base(page)}questions/{question.pk}/").status_code == 404


def test_deleting_a_question_asks_first(team, campaign):
    page = make_page(campaign)
    question = make_question(page)
    url = f"{page_base(page)}questions/{question.pk}/supprimer/"

    assert "Oui, supprimer cette question" in text(team.get(url))
    assert TrainingQuestion.objects.exists()
    team.post(url)

    assert not TrainingQuestion.objects.exists()
