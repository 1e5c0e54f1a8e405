"""Questions and anonymous responses built in code for the questionnaire tests."""

from __future__ import annotations

from votes.evaluation.models import EvaluationAnswer, EvaluationQuestion, EvaluationResponse


def make_question(campaign, **fields) -> EvaluationQuestion:
    fields.setdefault("text", "Êtes-vous satisfait de la démarche ?")
    fields.setdefault("kind", EvaluationQuestion.Kind.SCALE)
    return EvaluationQuestion.objects.create(campaign=campaign, **fields)


def answer(question, *, scale=None, text="", moment="vote") -> EvaluationResponse:
    response = EvaluationResponse.objects.create(campaign=question.campaign, moment=moment)
    EvaluationAnswer.objects.create(response=response, question=question, scale=scale, text=text)
    return response
