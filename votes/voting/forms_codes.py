"""Forms of the voting codes and paper ballots screens; the services write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from budget.models import Commune
from votes.campaigns.models import Campaign
from votes.voting.codes import MAX_BATCH_SIZE
from votes.voting.paper import parse_references


class CodeBatchForm(forms.Form):
    label = forms.CharField(
        label=_("Libellé du lot"),
        max_length=120,
        help_text=_("Pour qui sont ces codes : « Atelier du 12 mars », « Bureau de la mairie »…"),
    )
    size = forms.IntegerField(
        label=_("Nombre de codes"),
        min_value=1,
        max_value=MAX_BATCH_SIZE,
        help_text=_("De 1 à 100 000."),
    )


class CodeEntryForm(forms.Form):
    code = forms.CharField(
        label=_("Votre code de vote"),
        max_length=40,
        help_text=_("12 caractères, avec ou sans tirets ni espaces, par exemple K7QM-3XHT-9WPD."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class PaperBallotForm(forms.Form):
    account = forms.CharField(
        label=_("Compte du votant (identifiant ou adresse électronique)"),
        required=False,
        max_length=254,
        help_text=_("Si le votant a un compte ; sinon, remplissez les trois champs suivants."),
    )
    code = forms.CharField(
        label=_("Ou code de vote (carte présentée par le votant)"),
        required=False,
        max_length=40,
        help_text=_(
            "Le code sert alors d'émargement : il ne pourra plus voter en ligne, et un code qui "
            "a déjà voté en ligne est refusé."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    name = forms.CharField(label=_("Nom et prénom"), required=False, max_length=200)
    birth_date = forms.DateField(
        label=_("Date de naissance"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    commune = forms.ModelChoiceField(
        label=_("Commune de résidence"), queryset=Commune.objects.none(), required=False
    )
    postcode = forms.CharField(
        label=_("Code postal"),
        required=False,
        max_length=10,
        help_text=_("Demandé quand la campagne vérifie la liste des inscrits."),
    )
    references = forms.CharField(
        label=_("Propositions cochées"),
        required=False,
        help_text=_(
            "Les références cochées sur le bulletin, séparées par des virgules (P-0012, 15…). "
            "Laissez vide pour un bulletin blanc."
        ),
    )

    def __init__(self, *args, campaign: Campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.filter(authority=campaign.authority_id)

    def clean_references(self) -> list[int]:
        try:
            return parse_references(self.cleaned_data["references"])
        except ValueError as error:
            raise forms.ValidationError(
                _("« %(token)s » n'est pas une référence de proposition (ex. P-0012 ou 12).")
                % {"token": error.args[0]}
            ) from error


class PaperImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV des bulletins du bureau"),
        help_text=_(
            "Une ligne par bulletin ; colonnes : references ; compte ; nom ; date_naissance ; "
            "commune ; code_postal (quand la campagne vérifie la liste des inscrits). Les "
            "références sont séparées par des virgules."
        ),
    )
