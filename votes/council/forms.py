"""Forms of the council's answers, their import, and the implementation follow-up."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from votes.council.answers import ANSWER_MAX, IMPORT_MAX_BYTES
from votes.council.follow_ups import MILESTONE_TEXT_MAX, PHOTO_ALT_MAX
from votes.council.models import CouncilAnswer, FollowUp


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision du conseil"),
        choices=CouncilAnswer.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez la décision du conseil.")},
    )
    answer = forms.CharField(
        label=_("Réponse argumentée"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=ANSWER_MAX,
        help_text=_(
            "Publiée telle quelle sur la page « Suites données » et envoyée à l'auteur. Markdown "
            "simple : **gras**, *italique*, listes, liens."
        ),
        error_messages={
            "required": _("Rédigez la réponse argumentée : le conseil motive chaque décision.")
        },
    )
    deliberation_reference = forms.CharField(
        label=_("Référence de la délibération"),
        max_length=60,
        required=False,
        help_text=_("Par exemple : DEL-2027-042."),
    )
    deliberation_date = forms.DateField(
        label=_("Date de la délibération"),
        required=False,
        widget=DateInput(),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": _("Saisissez une date valide (JJ/MM/AAAA).")},
    )

    @staticmethod
    def initial_from(answer: CouncilAnswer | None) -> dict:
        if answer is None:
            return {}
        return {
            "decision": answer.decision,
            "answer": answer.answer,
            "deliberation_reference": answer.deliberation_reference,
            "deliberation_date": answer.deliberation_date,
        }

    def clean_deliberation_date(self):
        value = self.cleaned_data["deliberation_date"]
        if value is not None and value > timezone.localdate():
            raise forms.ValidationError(_("La date de la délibération est dans le futur."))
        return value


class AnswerImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tableur des avis complété (.xlsx ou .ods)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.ods"}),
        help_text=_(
            "La feuille des avis téléchargée ici, ou la feuille « Propositions et instruction » "
            "du rapport au conseil avec les colonnes « Décision » et « Réponse argumentée » "
            "ajoutées. 5 Mo au plus."
        ),
        error_messages={"required": _("Choisissez le fichier à importer.")},
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if not uploaded.name.lower().endswith((".xlsx", ".ods")):
            raise forms.ValidationError(
                _("Envoyez un classeur Excel (.xlsx) ou LibreOffice (.ods).")
            )
        if uploaded.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("Le fichier dépasse 5 Mo : envoyez seulement la feuille des avis.")
            )
        return uploaded


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label=_("État"), choices=FollowUp.Status.choices)
    progress = forms.IntegerField(
        label=_("Avancement (%)"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("De 0 à 100. « Réalisée » met l'avancement à 100 %."),
        error_messages={
            "min_value": _("L'avancement est un pourcentage, de 0 à 100."),
            "max_value": _("L'avancement est un pourcentage, de 0 à 100."),
            "invalid": _("L'avancement est un nombre entier, de 0 à 100."),
        },
    )

    spent = forms.DecimalField(
        label=_("Montant dépensé (€)"),
        min_value=0,
        max_digits=16,
        decimal_places=2,
        required=False,
        # "12 500,50" as French people write it (the decimal comma).
        localize=True,
        help_text=_("Ce que la réalisation a coûté jusqu'ici, affiché publiquement."),
        error_messages={
            "min_value": _("Le montant dépensé ne peut pas être négatif."),
            "invalid": _("Le montant dépensé est un nombre, en euros (ex. 12500,50)."),
        },
    )
    # A FileField, not an ImageField: the service checks the image (votes/council/photos.py)
    # and says why it is refused in one place.
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("JPEG, PNG ou WebP, 5 Mo au plus. Elle est publique."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    photo_alt = forms.CharField(
        label=_("Description de la photo"),
        max_length=PHOTO_ALT_MAX,
        required=False,
        help_text=_("Obligatoire avec une photo : ce qu'elle montre, pour qui ne la voit pas."),
    )
    remove_photo = forms.BooleanField(label=_("Retirer la photo"), required=False)

    def __init__(self, *args, prefix: str = "", **kwargs) -> None:
        super().__init__(*args, prefix=prefix or None, **kwargs)

    def clean(self):
        data = super().clean()
        # A finished work is complete by definition: the database refuses anything else.
        if data.get("status") == FollowUp.Status.DONE and "progress" not in self.errors:
            data["progress"] = 100
        elif data.get("progress") is None and "progress" not in self.errors:
            self.add_error("progress", _("Indiquez l'avancement, de 0 à 100."))
        return data


class MilestoneForm(forms.Form):
    on = forms.DateField(
        label=_("Date"),
        widget=DateInput(),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "required": _("Indiquez la date de l'étape."),
            "invalid": _("Saisissez une date valide (JJ/MM/AAAA)."),
        },
    )
    text = forms.CharField(
        label=_("Étape"),
        max_length=MILESTONE_TEXT_MAX,
        error_messages={"required": _("Décrivez l'étape en quelques mots.")},
    )

    def __init__(self, *args, prefix: str = "", **kwargs) -> None:
        super().__init__(*args, prefix=prefix or None, **kwargs)


class OutcomeFilterForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision"),
        required=False,
        choices=[("", _("Toutes les décisions")), *CouncilAnswer.Decision.choices],
    )
