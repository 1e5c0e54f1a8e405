"""Forms of the agenda: they parse; votes/agenda/services.py decides what is allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from votes.agenda.models import Event
from votes.agenda.services import EVENT_FIELDS

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs) -> None:
        super().__init__(format=DATETIME_FORMAT, **kwargs)


class EventForm(forms.ModelForm):
    starts_at = forms.DateTimeField(
        label=_("Début"), widget=DateTimeLocalInput(), input_formats=[DATETIME_FORMAT]
    )
    ends_at = forms.DateTimeField(
        label=_("Fin"), widget=DateTimeLocalInput(), input_formats=[DATETIME_FORMAT]
    )

    class Meta:
        model = Event
        # The one list of what the team edits: the service writes exactly these.
        fields = list(EVENT_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "accessibility_notes": forms.Textarea(attrs={"rows": 3}),
            "latitude": forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            "longitude": forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        }
        help_texts = {"registration_enabled": _("Les personnes s'inscrivent sur la page.")}

    LOCATION_FIELDS = ("latitude", "longitude")

    def other_fields(self) -> list:
        return [f for f in self.visible_fields() if f.name not in self.LOCATION_FIELDS]

    def location_fields(self) -> list:
        return [f for f in self.visible_fields() if f.name in self.LOCATION_FIELDS]

    def _post_clean(self) -> None:
        # The service checks the whole event and says it in words (votes/agenda/services.py);
        # the model's own validation would repeat it with the constraint's name.
        pass


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Votre nom"), max_length=120)
    email = forms.EmailField(
        label=_("Votre adresse e-mail"),
        help_text=_("Pour la confirmation et le lien d'annulation ; jamais affichée."),
    )
