"""The panel member's path through the personal link /formation/<token>/ (no account)."""

from __future__ import annotations

import uuid

import pytest

from tests.votes.factories import make_campaign
from tests.votes.training.factories import make_draw, make_page, make_question, make_volunteer
from votes.training.models import TrainingCompletion

pytestmark = pytest.mark.django_db


@pytest.fixture
def path():
    campaign = make_campaign()
    member = make_volunteer(campaign, name="Alice Martin")
    reserve = make_volunteer(campaign)
    make_draw(campaign, [member], [reserve])
    first = make_page(campaign, title="Le budget en deux sections", slug="deux-sections")
    make_question(
        first,
        text="Le salaire des agents est une dépense…",
        choices=["de fonctionnement", "d'investissement"],
        correct=0,
        explanation="Il revient chaque année.",
    )
    make_question(
        first,
        text="Une toiture neuve relève…",
        choices=["du fonctionnement", "de l'investissement"],
        correct=1,
        explanation="Des travaux qui durent.",
    )
    second = make_page(campaign, title="Épargne brute", slug="epargne-brute")
    return member, reserve, first, second


def home(volunteer) -> str:
    return f"/formation/{volunteer.token}/"


def page_url(volunteer, page) -> str:
    return f"/formation/{volunteer.token}/{page.slug}/"


def answers(page, *ranks) -> dict:
    return {f"q{q.pk}": str(rank) for q, rank in zip(page.questions.all(), ranks, strict=True)}


def text(response) -> str:
    return response.content.decode()


# --- access ----------------------------------------------------------------------------------


def test_an_unknown_token_is_404(client):
    assert client.get(f"/formation/{uuid.uuid4()}/").status_code == 404


def test_panel_members_and_the_reserve_reach_their_path(client, path):
    member, reserve, first, _second = path

    body = text(client.get(home(member)))

    assert "Bonjour Alice Martin" in body
    assert "sur 2." in body and "Commencer" in body
    assert f'href="{page_url(member, first)}"' in body
    assert '<meta name="robots" content="noindex">' in body
    assert client.get(home(reserve)).status_code == 200


def test_a_volunteer_outside_the_panel_gets_a_clear_refusal(client, path):
    member, _reserve, first, _second = path
    outsider = make_volunteer(member.campaign)

    response = client.get(home(outsider))

    assert response.status_code == 403
    assert "réservée aux membres du panel citoyen tiré au sort" in text(response)
    assert client.get(page_url(outsider, first)).status_code == 403
    assert client.post(page_url(outsider, first), answers(first, 0, 1)).status_code == 403
    assert not TrainingCompletion.objects.exists()


def test_no_one_follows_the_path_before_the_draw_is_published(client):
    campaign = make_campaign()
    volunteer = make_volunteer(campaign)
    make_draw(campaign, [volunteer], published=False)

    assert client.get(home(volunteer)).status_code == 403


def test_a_page_of_another_campaign_is_404(client, path):
    member, *_rest = path
    elsewhere = make_page(make_campaign(), slug="ailleurs")

    assert client.get(page_url(member, elsewhere)).status_code == 404


# --- reading and answering -------------------------------------------------------------------


def test_a_page_shows_its_content_and_its_questions_without_the_answers(client, path):
    member, _reserve, first, _second = path

    body = text(client.get(page_url(member, first)))

    assert "<h1>Le budget en deux sections</h1>" in body
    assert "Page 1 sur 2" in body
    assert "Le salaire des agents est une dépense…" in body
    assert 'type="radio"' in body
    assert "Il revient chaque année." not in body


def test_markdown_is_rendered_and_sanitised(client, path):
    member, _reserve, first, _second = path
    first.body = "## Deux sections\n\n**Fonctionnement**<script>alert(1)</script>\n"
    first.save()

    body = text(client.get(page_url(member, first)))

    assert "<h2>Deux sections</h2>" in body and "<strong>Fonctionnement</strong>" in body
    assert "<script>alert(1)</script>" not in body and "alert(1)" not in body


def test_answering_records_the_page_and_shows_the_corrections(client, path):
    member, _reserve, first, second = path

    body = text(client.post(page_url(member, first), answers(first, 0, 0)))

    completion = TrainingCompletion.objects.get()
    assert (completion.volunteer, completion.page, completion.correct_answers) == (
        member,
        first,
        1,
    )
    assert "1 bonne réponse sur 2." in body
    assert "Juste" in body and "Pas tout à fait" in body
    assert "la bonne réponse : « de l&#x27;investissement »" in body
    assert "Il revient chaque année." in body and "Des travaux qui durent." in body
    assert f'href="{page_url(member, second)}"' in body
    assert "1 page terminée sur 2." in text(client.get(home(member)))


def test_an_htmx_answer_gets_only_the_check_section(client, path):
    member, _reserve, first, _second = path

    body = text(
        client.post(page_url(member, first), answers(first, 0, 1), headers={"HX-Request": "true"})
    )

    assert body.lstrip().startswith('<section id="check"')
    assert "<h1>" not in body and "2 bonnes réponses sur 2." in body


def test_a_missing_answer_is_asked_for_and_nothing_recorded(client, path):
    member, _reserve, first, _second = path
    data = answers(first, 0, 1)
    data.pop(f"q{first.questions.last().pk}")

    response = client.post(page_url(member, first), data)

    assert response.status_code == 200
    assert "Choisissez une réponse." in text(response)
    assert not TrainingCompletion.objects.exists()


def test_an_impossible_answer_is_refused_and_nothing_recorded(client, path):
    member, _reserve, first, _second = path
    data = answers(first, 0, 1)
    data[f"q{first.questions.first().pk}"] = "7"

    response = client.post(page_url(member, first), data)

    assert "Choisissez une des réponses proposées." in text(response)
    assert not TrainingCompletion.objects.exists()


def test_answering_again_keeps_the_first_score(client, path):
    member, _reserve, first, _second = path
    client.post(page_url(member, first), answers(first, 1, 0))

    body = text(client.post(page_url(member, first), answers(first, 0, 1)))

    assert "2 bonnes réponses sur 2." in body
    assert "votre premier résultat (0 bonne" in body
    assert TrainingCompletion.objects.get().correct_answers == 0
    assert "Page déjà terminée le" in text(client.get(page_url(member, first)))


def test_a_page_without_questions_is_finished_with_one_button(client, path):
    member, _reserve, _first, second = path

    assert "J'ai lu cette page" in text(client.get(page_url(member, second)))
    body = text(client.post(page_url(member, second), {}))

    assert "C'est noté, merci." in body
    assert TrainingCompletion.objects.get().page == second
