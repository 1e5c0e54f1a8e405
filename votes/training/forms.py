"""Forms of the training path: the team's pages and questions, the panel member's answers.
The services (simulator/training.py) write and check again."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from votes.training.models import TrainingPage, TrainingQuestion
from votes.training.services import MAX_BODY, MAX_CHOICES, MIN_CHOICES, choices_errors


class TrainingPageForm(forms.Form):
    title = forms.CharField(
        label=_("Titre de la page"),
        max_length=200,
        error_messages={"required": _("Donnez un titre à la page.")},
    )
    body = forms.CharField(
        label=_("Contenu"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "Markdown simple : **gras**, *italique*, listes (- …), titres (## …), liens, "
            "tableaux. Le HTML est retiré."
        ),
        error_messages={"required": _("Écrivez le contenu de la page.")},
    )

    def __init__(self, *args, page: TrainingPage | None = None, **kwargs) -> None:
        if page is not None:
            kwargs.setdefault("initial", {"title": page.title, "body": page.body})
        super().__init__(*args, **kwargs)


class TrainingQuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Question"),
        max_length=300,
        error_messages={"required": _("Écrivez la question.")},
    )
    choices = forms.CharField(
        label=_("Réponses proposées"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Une réponse par ligne, de %(min)s à %(max)s réponses.")
        % {"min": MIN_CHOICES, "max": MAX_CHOICES},
        error_messages={"required": _("Écrivez les réponses proposées, une par ligne.")},
    )
    correct = forms.IntegerField(
        label=_("Numéro de la bonne réponse"),
        min_value=1,
        help_text=_("1 pour la première ligne, 2 pour la deuxième…"),
        error_messages={
            "required": _("Indiquez le numéro de la bonne réponse."),
            "invalid": _("Indiquez le numéro de la bonne réponse (un nombre)."),
            "min_value": _("Le numéro de la bonne réponse commence à 1."),
        },
    )
    explanation = forms.CharField(
        label=_("Explication"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Montrée après la réponse, qu'elle soit juste ou non."),
    )

    def __init__(self, *args, question: TrainingQuestion | None = None, **kwargs) -> None:
        if question is not None:
            kwargs.setdefault(
                "initial",
                {
                    "text": question.text,
                    "choices": "\n".join(question.choices),
                    "correct": question.correct + 1,
                    "explanation": question.explanation,
                },
            )
        super().__init__(*args, **kwargs)

    def clean_choices(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["choices"].splitlines()]
        choices = [line for line in lines if line]
        if any(len(choice) > 200 for choice in choices):
            raise ValidationError(_("Une réponse proposée dépasse 200 caractères."))
        return choices

    def clean(self) -> dict:
        data = super().clean()
        choices, correct = data.get("choices"), data.get("correct")
        if choices is not None and correct is not None:
            for field, messages in choices_errors(choices, correct - 1).items():
                self.add_error(field, messages)
            if "correct" in data and not self.has_error("correct"):
                data["correct"] = correct - 1  # the services count from 0
        return data


class TrainingAnswersForm(forms.Form):
    """One set of radio buttons per check question of a page; answers are choice ranks."""

    def __init__(self, *args, questions: Sequence[TrainingQuestion], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for number, question in enumerate(self.questions, start=1):
            self.fields[self.field_name(question)] = forms.TypedChoiceField(
                label=f"{number}. {question.text}",
                choices=[(str(i), choice) for i, choice in enumerate(question.choices)],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choisissez une réponse."),
                    "invalid_choice": _("Choisissez une des réponses proposées."),
                },
            )

    @staticmethod
    def field_name(question: TrainingQuestion) -> str:
        return f"q{question.pk}"

    def answers(self) -> list[int]:
        return [self.cleaned_data[self.field_name(q)] for q in self.questions]
