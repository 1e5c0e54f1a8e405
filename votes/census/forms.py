from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from votes.census.imports import IMPORT_MAX_BYTES


class CensusUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Liste des inscrits (CSV ou XLSX)"),
        help_text=_(
            "Une ligne par personne ; colonnes : nom, prénoms (ou une colonne « nom et "
            "prénom »), date de naissance, code postal. 20 Mo au plus. Seule une empreinte "
            "chiffrée de chaque ligne est conservée, jamais le fichier."
        ),
        error_messages={"required": _("Choisissez le fichier de la liste.")},
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if not uploaded.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Envoyez un fichier CSV ou un classeur Excel (.xlsx)."))
        if uploaded.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 20 Mo."))
        return uploaded


class CensusRequiredForm(forms.Form):
    required = forms.BooleanField(
        label=_("Réserver le vote aux personnes inscrites sur la liste"), required=False
    )


class CensusVerifyForm(forms.Form):
    surname = forms.CharField(label=_("Nom"), max_length=150)
    given_names = forms.CharField(
        label=_("Prénoms"),
        max_length=150,
        help_text=_("Tous vos prénoms, comme sur la liste électorale."),
    )
    birth_date = forms.DateField(
        label=_("Date de naissance"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    postcode = forms.CharField(
        label=_("Code postal"),
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
