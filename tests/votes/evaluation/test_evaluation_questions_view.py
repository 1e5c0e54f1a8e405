"""The team's screen of the questionnaire: who reaches it, what it writes, bad input."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER
from tests.factories import make_user
from tests.votes.evaluation.factories import make_question
from tests.votes.factories import make_campaign, make_commune, make_voter
from tests.votes.guarantor.factories import make_guarantor
from votes.evaluation.models import EvaluationQuestion

pytestmark = pytest.mark.django_db

DENIED = [(), (FINANCE,), (INSTRUCTOR,), (MODERATOR,), (OFFICER,)]


def screens(question) -> dict[str, str]:
    slug = question.campaign.slug
    return {
        "list": reverse("votes:evaluation_questions", kwargs={"slug": slug}),
        "edit": reverse("votes:evaluation_question_edit", kwargs={"slug": slug, "pk": question.pk}),
        "delete": reverse(
            "votes:evaluation_question_delete", kwargs={"slug": slug, "pk": question.pk}
        ),
    }


def form_data(**extra) -> dict:
    return {"kind": "scale", "text": "Piraté", "low_label": "", "high_label": "", **extra}


@pytest.mark.parametrize("screen", ["list", "edit", "delete"])
def test_anonymous_visitors_are_sent_to_log_in(client, screen):
    question = make_question(make_campaign())

    response = client.post(screens(question)[screen], form_data())

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")
    assert EvaluationQuestion.objects.get().text == question.text


@pytest.mark.parametrize("roles", DENIED)
@pytest.mark.parametrize("screen", ["list", "edit", "delete"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_roles_outside_the_questionnaire_get_403(client, roles, screen, method):
    question = make_question(make_campaign())
    client.force_login(make_user(roles=roles))

    response = getattr(client, method)(screens(question)[screen], form_data())

    # The delete screen takes POST only: a GET is refused before the method check.
    assert response.status_code == 403
    assert list(EvaluationQuestion.objects.values_list("text", flat=True)) == [question.text]


def test_a_citizen_and_the_guarantor_get_403(client):
    campaign = make_campaign()
    question = make_question(campaign)
    guarantor = make_guarantor(campaign)
    for user in (make_voter(commune=make_commune(campaign.authority)), guarantor):
        client.force_login(user)
        assert client.post(screens(question)["list"], form_data()).status_code == 403
        assert client.post(screens(question)["edit"], form_data()).status_code == 403
        assert client.post(screens(question)["delete"]).status_code == 403
    assert EvaluationQuestion.objects.count() == 1


@pytest.mark.parametrize("role", [ADMINISTRATOR, FACILITATOR])
def test_the_team_adds_then_removes_a_question(client, role):
    campaign = make_campaign()
    client.force_login(make_user(roles=(role,)))
    address = reverse("votes:evaluation_questions", kwargs={"slug": campaign.slug})

    response = client.post(
        address,
        form_data(text="Le vote était-il simple ?", low_label="non", high_label="oui"),
        follow=True,
    )

    assert "Question « Le vote était-il simple ? » ajoutée." in html.unescape(
        response.content.decode()
    )
    question = EvaluationQuestion.objects.get(campaign=campaign)
    assert (question.low_label, question.high_label) == ("non", "oui")

    client.post(screens(question)["delete"])

    assert not EvaluationQuestion.objects.exists()


def test_an_empty_question_is_refused_in_place_and_nothing_written(client):
    campaign = make_campaign()
    client.force_login(make_user(roles=(FACILITATOR,)))
    address = reverse("votes:evaluation_questions", kwargs={"slug": campaign.slug})

    response = client.post(address, form_data(text="", low_label="gardé"))

    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Ce champ est obligatoire." in page
    assert 'value="gardé"' in page
    assert not EvaluationQuestion.objects.exists()


def test_an_unknown_kind_is_refused_and_nothing_written(client):
    campaign = make_campaign()
    client.force_login(make_user(roles=(ADMINISTRATOR,)))
    address = reverse("votes:evaluation_questions", kwargs={"slug": campaign.slug})

    response = client.post(address, form_data(kind="carré", text="Q ?"))

    assert response.status_code == 400
    assert "Sélectionnez un choix valide." in html.unescape(response.content.decode())
    assert not EvaluationQuestion.objects.exists()


def test_the_wording_is_edited_and_the_kind_kept(client):
    question = make_question(make_campaign())
    client.force_login(make_user(roles=(FACILITATOR,)))

    response = client.post(
        screens(question)["edit"],
        {"kind": "text", "text": "Clair ?", "low_label": "non", "high_label": "oui"},
        follow=True,
    )

    assert "Question modifiée." in html.unescape(response.content.decode())
    question.refresh_from_db()
    assert (question.kind, question.text, question.low_label) == ("scale", "Clair ?", "non")


def test_an_emptied_wording_is_refused_in_place_and_nothing_written(client):
    question = make_question(make_campaign())
    client.force_login(make_user(roles=(ADMINISTRATOR,)))

    response = client.post(screens(question)["edit"], {"text": "", "low_label": "gardé"})

    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Ce champ est obligatoire." in page
    assert 'value="gardé"' in page
    question.refresh_from_db()
    assert (question.text, question.low_label) == ("Êtes-vous satisfait de la démarche ?", "")
