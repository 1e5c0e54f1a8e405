"""Writes of the questionnaire: the team's questions, the anonymous responses."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budget.roles import ADMINISTRATOR, FACILITATOR, FINANCE, INSTRUCTOR, MODERATOR, OFFICER
from tests.factories import make_user
from tests.votes.evaluation.factories import make_question
from tests.votes.factories import make_campaign
from votes.evaluation.models import EvaluationAnswer, EvaluationQuestion, EvaluationResponse
from votes.evaluation.services import (
    evaluation_question_create,
    evaluation_question_delete,
    evaluation_question_update,
    evaluation_response_record,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [ADMINISTRATOR, FACILITATOR])
def test_the_team_adds_a_scale_question_with_its_labels_cleaned(role):
    campaign = make_campaign()

    question = evaluation_question_create(
        campaign=campaign,
        by=make_user(roles=(role,)),
        kind="scale",
        text="<b>Clair</b> ?",
        low_label="<script>x</script>pas du tout",
        high_label="tout à fait",
    )

    question.refresh_from_db()
    assert (question.text, question.low_label, question.high_label) == (
        "Clair ?",
        "pas du tout",
        "tout à fait",
    )
    assert question.position == 1


def test_a_text_question_keeps_no_scale_labels():
    question = evaluation_question_create(
        campaign=make_campaign(),
        by=make_user(roles=(FACILITATOR,)),
        kind="text",
        text="Que changer ?",
        low_label="bas",
        high_label="haut",
    )

    assert (question.low_label, question.high_label) == ("", "")


@pytest.mark.parametrize("roles", [(), (FINANCE,), (INSTRUCTOR,), (MODERATOR,), (OFFICER,)])
def test_other_roles_can_neither_add_edit_nor_remove_a_question(roles):
    campaign = make_campaign()
    question = make_question(campaign)
    user = make_user(roles=roles)

    with pytest.raises(PermissionDenied):
        evaluation_question_create(campaign=campaign, by=user, kind="scale", text="Piraté")
    with pytest.raises(PermissionDenied):
        evaluation_question_update(question=question, by=user, text="Piraté")
    with pytest.raises(PermissionDenied):
        evaluation_question_delete(question=question, by=user)

    assert list(EvaluationQuestion.objects.values_list("text", flat=True)) == [question.text]


def test_a_response_is_recorded_with_no_user_and_no_address():
    campaign = make_campaign()
    scale = make_question(campaign)
    text = make_question(campaign, kind="text", text="Un mot ?")

    response = evaluation_response_record(
        campaign=campaign,
        moment="workshop",
        raw={scale.pk: "4", text.pk: "Très <em>bien</em> & utile <script>alert(1)</script>"},
    )

    fields = {f.name for f in EvaluationResponse._meta.get_fields()}
    assert fields == {"id", "campaign", "moment", "given_on", "answers"}
    assert {f.name for f in EvaluationAnswer._meta.get_fields()} == {
        "id",
        "response",
        "question",
        "scale",
        "text",
    }
    assert response.moment == "workshop"
    assert dict(response.answers.values_list("question_id", "scale")) == {
        scale.pk: 4,
        text.pk: None,
    }
    assert response.answers.get(question=text).text == "Très bien & utile"


@pytest.mark.parametrize("value", ["0", "6", "3.5", "beaucoup"])
def test_a_score_outside_one_to_five_is_refused_and_nothing_written(value):
    campaign = make_campaign()
    scale = make_question(campaign)
    text = make_question(campaign, kind="text", text="Un mot ?")

    with pytest.raises(ValidationError) as refusal:
        evaluation_response_record(
            campaign=campaign, moment="vote", raw={scale.pk: value, text.pk: "Bien"}
        )

    assert refusal.value.message_dict == {f"q{scale.pk}": ["Choisissez une note de 1 à 5."]}
    assert not EvaluationResponse.objects.exists()
    assert not EvaluationAnswer.objects.exists()


def test_an_empty_response_is_refused_and_nothing_written():
    campaign = make_campaign()
    scale = make_question(campaign)

    with pytest.raises(ValidationError) as refusal:
        evaluation_response_record(campaign=campaign, moment="vote", raw={scale.pk: " "})

    assert refusal.value.messages == ["Répondez à au moins une question avant d'envoyer."]
    assert not EvaluationResponse.objects.exists()


def test_a_too_long_text_is_refused_and_nothing_written():
    campaign = make_campaign()
    text = make_question(campaign, kind="text", text="Un mot ?")

    with pytest.raises(ValidationError) as refusal:
        evaluation_response_record(campaign=campaign, moment="vote", raw={text.pk: "x" * 2001})

    assert "Réponse trop longue" in refusal.value.message_dict[f"q{text.pk}"][0]
    assert not EvaluationResponse.objects.exists()


def test_an_unknown_moment_is_refused():
    campaign = make_campaign()
    scale = make_question(campaign)

    with pytest.raises(ValidationError):
        evaluation_response_record(campaign=campaign, moment="hier", raw={scale.pk: "3"})

    assert not EvaluationResponse.objects.exists()


def test_removing_a_question_removes_its_answers():
    campaign = make_campaign()
    scale = make_question(campaign)
    evaluation_response_record(campaign=campaign, moment="vote", raw={scale.pk: "5"})

    evaluation_question_delete(question=scale, by=make_user(roles=(ADMINISTRATOR,)))

    assert not EvaluationAnswer.objects.exists()
