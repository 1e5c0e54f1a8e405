"""Forms of the guarantor's pages; the services write (guarantor/services.py)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from votes.guarantor.models import GuarantorRemark
from votes.guarantor.services import REMARK_MAX_LENGTH


class AssignForm(forms.Form):
    account = forms.CharField(
        label=_("Compte du garant (identifiant ou adresse électronique)"), max_length=254
    )
    title = forms.CharField(
        label=_("Qualité"),
        max_length=160,
        help_text=_("Signée sous chaque remarque, par exemple « Garante de la concertation »."),
    )

    def clean_account(self):
        text = self.cleaned_data["account"].strip()
        found = list(
            get_user_model().objects.filter(Q(username__iexact=text) | Q(email__iexact=text))[:2]
        )
        if len(found) != 1:
            raise forms.ValidationError(
                _("Aucun compte unique ne porte l'identifiant ou l'adresse « %(text)s ».")
                % {"text": text}
            )
        return found[0]


class RemarkForm(forms.Form):
    text = forms.CharField(
        label=_("Remarque"),
        max_length=REMARK_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Publiée sur la page de la campagne, datée et signée. Elle ne pourra plus être "
            "modifiée ni retirée, par personne : une erreur se rectifie par une nouvelle "
            "remarque qui corrige celle-ci."
        ),
    )
    corrects = forms.ModelChoiceField(
        label=_("Corrige la remarque"),
        queryset=GuarantorRemark.objects.none(),
        required=False,
        empty_label=_("(aucune : nouvelle remarque)"),
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["corrects"].queryset = GuarantorRemark.objects.filter(campaign=campaign)
