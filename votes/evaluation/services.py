"""Writes of the satisfaction questionnaire: the team's questions, the participants' answers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from votes.access import can_edit_evaluation, require
from votes.evaluation.models import (
    SCALE_MAX,
    SCALE_MIN,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationResponse,
)
from votes.text import plain_text

TEXT_MAX = 2000


@transaction.atomic
def evaluation_question_create(
    *, campaign, by, kind: str, text: str, low_label: str = "", high_label: str = ""
) -> EvaluationQuestion:
    require(can_edit_evaluation(by, campaign))
    last = campaign.evaluation_questions.aggregate(last=Max("position"))["last"]
    is_scale = kind == EvaluationQuestion.Kind.SCALE
    return EvaluationQuestion.objects.create(
        campaign=campaign,
        kind=kind,
        text=plain_text(text),
        low_label=plain_text(low_label) if is_scale else "",
        high_label=plain_text(high_label) if is_scale else "",
        position=(last or 0) + 1,
    )


@transaction.atomic
def evaluation_question_update(
    *, question: EvaluationQuestion, by, text: str, low_label: str = "", high_label: str = ""
) -> EvaluationQuestion:
    """The wording only: its kind stays, so that the answers already given still fit it."""
    require(can_edit_evaluation(by, question))
    is_scale = question.kind == EvaluationQuestion.Kind.SCALE
    question.text = plain_text(text)
    question.low_label = plain_text(low_label) if is_scale else ""
    question.high_label = plain_text(high_label) if is_scale else ""
    question.save(update_fields=["text", "low_label", "high_label"])
    return question


@transaction.atomic
def evaluation_question_delete(*, question: EvaluationQuestion, by) -> None:
    # Its answers go with it: a question removed is no longer reported.
    require(can_edit_evaluation(by, question))
    question.delete()


def _checked(questions: list[EvaluationQuestion], raw: dict[int, str]) -> dict[int, int | str]:
    """The answers given, or a ValidationError per question (field name ``q<pk>``)."""
    errors: dict[str, str] = {}
    answers: dict[int, int | str] = {}
    for question in questions:
        value = (raw.get(question.pk) or "").strip()
        if not value:
            continue
        if question.kind == EvaluationQuestion.Kind.SCALE:
            if value not in {str(n) for n in range(SCALE_MIN, SCALE_MAX + 1)}:
                errors[f"q{question.pk}"] = _("Choisissez une note de 1 à 5.")
                continue
            answers[question.pk] = int(value)
        else:
            text = plain_text(value)
            if len(text) > TEXT_MAX:
                errors[f"q{question.pk}"] = _(
                    "Réponse trop longue : %(max)s caractères au plus."
                ) % {"max": TEXT_MAX}
                continue
            if text:
                answers[question.pk] = text
    if errors:
        raise ValidationError(errors)
    if not answers:
        raise ValidationError(_("Répondez à au moins une question avant d'envoyer."))
    return answers


@transaction.atomic
def evaluation_response_record(*, campaign, moment: str, raw: dict[int, str]) -> EvaluationResponse:
    """Record one anonymous response: nothing is written if any answer is refused. Who
    answers is not asked: the view keeps the answer-once guard in the visitor's session."""
    if moment not in EvaluationResponse.Moment.values:
        raise ValidationError(_("Moment du questionnaire inconnu."))
    questions = list(campaign.evaluation_questions.all())
    answers = _checked(questions, raw)
    response = EvaluationResponse.objects.create(campaign=campaign, moment=moment)
    by_pk = {question.pk: question for question in questions}
    EvaluationAnswer.objects.bulk_create(
        EvaluationAnswer(
            response=response,
            question=by_pk[pk],
            scale=value if isinstance(value, int) else None,
            text=value if isinstance(value, str) else "",
        )
        for pk, value in answers.items()
    )
    return response
