"""Forms of the ballot screens: they parse the input; the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from votes.voting.ballots import normalise_receipt


class ReceiptForm(forms.Form):
    recu = forms.CharField(
        label=_("Code de reçu"),
        max_length=40,
        help_text=_("12 lettres et chiffres, avec ou sans tirets : par exemple K7QM-3XHT-9WPD."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_recu(self) -> str:
        receipt = normalise_receipt(self.cleaned_data["recu"])
        if receipt is None:
            raise forms.ValidationError(
                _(
                    "Ce code n'a pas la forme d'un reçu : 12 lettres et chiffres, par exemple "
                    "K7QM-3XHT-9WPD (sans O, I, L, S, 0, 1 ni 5)."
                )
            )
        return receipt
