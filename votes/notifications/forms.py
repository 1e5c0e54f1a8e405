"""The notification choices of "my account"."""

from __future__ import annotations

from django import forms

from votes.notifications.models import PREFERENCE_KINDS


class PreferencesForm(forms.Form):
    """One box per kind; the council's answers to voters stay in the profile form (asked at
    sign-up, Profile.notify_results), where they were."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for kind in PREFERENCE_KINDS:
            self.fields[kind.value] = forms.BooleanField(
                label=kind.label, required=False, label_suffix=""
            )
