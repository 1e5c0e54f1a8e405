"""The public questionnaire: offered after voting and at the end of a workshop, answered
once per browser session, anonymously, rate-limited; a refused answer writes nothing."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from tests.factories import make_user
from tests.votes.evaluation.factories import make_question
from tests.votes.factories import make_campaign
from tests.votes.ratelimit_helpers import assert_refused, small_limits
from tests.votes.workshops.factories import make_group, make_workshop_setup
from votes.campaigns.models import Phase
from votes.evaluation.models import EvaluationAnswer, EvaluationResponse
from votes.evaluation.views import SESSION_KEY
from votes.workshops.services import SESSION_KEY as GROUP_SESSION_KEY

pytestmark = pytest.mark.django_db


def url(campaign, moment: str = "") -> str:
    address = reverse("votes:evaluation_answer", kwargs={"slug": campaign.slug})
    return f"{address}?moment={moment}" if moment else address


def body(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def questions():
    campaign = make_campaign(phase=Phase.VOTING)
    return make_question(campaign), make_question(campaign, kind="text", text="Un mot ?")


def test_the_form_shows_every_question_and_keeps_the_moment(client, questions):
    scale, text = questions

    page = body(client.get(url(scale.campaign, "workshop")))

    assert scale.text in page and text.text in page
    assert f'name="q{scale.pk}" value="5"' in page
    assert 'name="moment" value="workshop"' in page
    assert "anonymes" in page


def test_an_answer_is_recorded_without_the_user_and_only_once_per_session(client, questions):
    scale, text = questions
    client.force_login(make_user())
    data = {"moment": "workshop", f"q{scale.pk}": "4", f"q{text.pk}": "Bien"}

    response = client.post(url(scale.campaign), data, follow=True)

    assert "Merci : votre réponse anonyme est enregistrée." in body(response)
    assert client.session[SESSION_KEY] == [scale.campaign.pk]
    recorded = EvaluationResponse.objects.get()
    assert recorded.moment == "workshop"
    assert set(EvaluationAnswer.objects.values_list("scale", "text")) == {(None, "Bien"), (4, "")}

    again = client.post(url(scale.campaign), data, follow=True)

    assert "Vous avez déjà répondu à ce questionnaire : merci !" in body(again)
    assert EvaluationResponse.objects.count() == 1
    assert f'name="q{scale.pk}"' not in body(client.get(url(scale.campaign)))


def test_a_bad_score_is_refused_in_place_keeping_the_text_and_writing_nothing(client, questions):
    scale, text = questions

    response = client.post(
        url(scale.campaign), {"moment": "vote", f"q{scale.pk}": "9", f"q{text.pk}": "Mon avis"}
    )

    assert response.status_code == 400
    page = body(response)
    assert "Choisissez une note de 1 à 5." in page
    assert ">Mon avis</textarea>" in page
    assert not EvaluationResponse.objects.exists()
    assert SESSION_KEY not in client.session


def test_an_empty_answer_is_refused_with_a_message(client, questions):
    scale, _text = questions

    response = client.post(url(scale.campaign), {"moment": "vote"})

    assert response.status_code == 400
    assert "Répondez à au moins une question avant d'envoyer." in body(response)
    assert not EvaluationResponse.objects.exists()


def test_answers_are_rate_limited_per_address(client, settings, questions):
    scale, _text = questions
    small_limits(settings, "evaluation_answer", ip=1)
    client.post(url(scale.campaign), {f"q{scale.pk}": ""})  # refused, but it counts

    response = client.post(url(scale.campaign), {f"q{scale.pk}": "3"})

    assert_refused(response)
    assert not EvaluationResponse.objects.exists()


def test_no_questionnaire_or_a_draft_campaign_is_404(client):
    assert client.get(url(make_campaign())).status_code == 404
    draft = make_campaign(phase=Phase.DRAFT)
    make_question(draft)
    assert client.get(url(draft)).status_code == 404


def test_the_code_vote_done_page_offers_the_questionnaire(client, questions):
    scale, _text = questions
    session = client.session
    session["voting_code_receipt"] = "ABCD-1234"
    session.save()

    page = body(client.get(reverse("votes:code_done", kwargs={"slug": scale.campaign.slug})))

    assert f'href="{url(scale.campaign, "vote")}"' in page


def test_the_code_vote_done_page_says_nothing_without_questions(client):
    campaign = make_campaign(phase=Phase.VOTING)
    session = client.session
    session["voting_code_receipt"] = "ABCD-1234"
    session.save()

    page = body(client.get(reverse("votes:code_done", kwargs={"slug": campaign.slug})))

    assert "Répondre au questionnaire" not in page


def test_the_workshop_group_screen_offers_the_questionnaire(client):
    setup = make_workshop_setup()
    make_question(setup.campaign)
    group = make_group(setup)
    session = client.session
    session[GROUP_SESSION_KEY] = group.pk
    session.save()

    page = body(client.get(reverse("votes:workshop_group")))

    assert f'href="{url(setup.campaign, "workshop")}"' in page
