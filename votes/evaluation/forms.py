"""Forms of the satisfaction questionnaire: the team's question, the participant's answers."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from votes.evaluation.models import SCALE_MAX, SCALE_MIN, EvaluationQuestion


class QuestionForm(forms.ModelForm):
    class Meta:
        model = EvaluationQuestion
        fields = ["kind", "text", "low_label", "high_label"]


class QuestionWordingForm(forms.ModelForm):
    class Meta:
        model = EvaluationQuestion
        fields = ["text", "low_label", "high_label"]


def answer_fields(questions: list[EvaluationQuestion], data=None) -> list[dict]:
    """What the answer form prints per question: its name, its choices, the value sent back
    (so that nothing typed is lost when the form is refused)."""
    fields = []
    for question in questions:
        name = f"q{question.pk}"
        fields.append(
            {
                "question": question,
                "name": name,
                "scale": [str(n) for n in range(SCALE_MIN, SCALE_MAX + 1)]
                if question.kind == EvaluationQuestion.Kind.SCALE
                else None,
                "value": (data or {}).get(name, ""),
            }
        )
    return fields


TEXT_HELP = _("Facultatif. N'indiquez ni votre nom ni rien qui permette de vous reconnaître.")
