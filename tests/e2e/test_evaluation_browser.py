"""The satisfaction questionnaire in a browser, on the demo: the form passes axe, is
answered with the mouse and the keyboard's labels, and thanks the visitor once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.e2e.conftest import assert_accessible
from votes.evaluation.models import EvaluationResponse

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_questionnaire_is_accessible_and_answered_once(live_server, page, demo):
    before = EvaluationResponse.objects.filter(campaign=demo).count()
    url = live_server.url + reverse("votes:evaluation_answer", args=[demo.slug]) + "?moment=vote"

    page.goto(url)
    assert_accessible(page)
    page.get_by_role(
        "group", name="Le fonctionnement du budget participatif était-il clair ?"
    ).get_by_label("4").check()
    page.get_by_label("Que faudrait-il améliorer ?").fill("Des horaires plus larges.")
    page.get_by_role("button", name="Envoyer mon avis").click()

    assert page.get_by_text("Merci : votre réponse anonyme est enregistrée.").is_visible()
    assert_accessible(page)
    assert EvaluationResponse.objects.filter(campaign=demo).count() == before + 1
    assert page.get_by_role("button", name="Envoyer mon avis").count() == 0
