"""The team's glossary form; budget/glossary.py writes (and says when a term already exists)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from budget.models import GlossaryTerm


class GlossaryTermForm(forms.Form):
    term = forms.CharField(
        label=_("Terme"),
        max_length=120,
        help_text=_("Tel qu'il apparaît dans les pages, en minuscules : « épargne brute »."),
        error_messages={"required": _("Écrivez le terme à expliquer.")},
    )
    definition = forms.CharField(
        label=_("Définition"),
        max_length=1500,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Deux ou trois phrases simples : elles s'affichent en infobulle."),
        error_messages={"required": _("Écrivez la définition du terme.")},
    )
    example = forms.CharField(
        label=_("Exemple"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Facultatif : un cas concret, si possible chiffré."),
    )

    def __init__(self, *args, glossary_term: GlossaryTerm | None = None, **kwargs) -> None:
        if glossary_term is not None:
            kwargs.setdefault(
                "initial",
                {
                    "term": glossary_term.term,
                    "definition": glossary_term.definition,
                    "example": glossary_term.example,
                },
            )
        super().__init__(*args, **kwargs)

    def clean_term(self) -> str:
        term = " ".join(self.cleaned_data["term"].split())
        if not any(character.isalnum() for character in term):
            raise ValidationError(_("Le terme doit contenir au moins une lettre ou un chiffre."))
        return term

    def clean_definition(self) -> str:
        definition = self.cleaned_data["definition"].strip()
        if not definition:
            raise ValidationError(_("Écrivez la définition du terme."))
        return definition
