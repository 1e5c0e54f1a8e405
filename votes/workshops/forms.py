"""Forms of the workshop screens; the services write (simulator/workshops.py)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from budget.roles import ADMINISTRATOR, FACILITATOR
from simulator.models import Measure
from votes.campaigns.forms import attach_errors as attach_errors  # shared by the workshop views
from votes.campaigns.models import Campaign
from votes.voting.models import VotingCodeBatch
from votes.workshops.models import Workshop, WorkshopGroup
from votes.workshops.services import ARGUMENT_MAX_LENGTH, TITLE_MAX_LENGTH

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class _StartsAtMixin:
    def _starts_at_widget(self) -> None:
        field = self.fields["starts_at"]
        field.widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)
        field.input_formats = [DATETIME_FORMAT, "%d/%m/%Y %H:%M"]


class WorkshopCreateForm(_StartsAtMixin, forms.ModelForm):
    class Meta:
        model = Workshop
        fields = ["campaign", "title", "starts_at", "place"]
        labels = {"campaign": _("Campagne")}
        help_texts = {
            "place": _("Par exemple : « Médiathèque, salle polyvalente »."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Groups simulate on the campaign's budget: a campaign without one has no workshop.
        self.fields["campaign"].queryset = Campaign.objects.filter(budget__isnull=False)
        self._starts_at_widget()


class WorkshopEditForm(_StartsAtMixin, forms.ModelForm):
    """The campaign never changes: the groups' scenarios are made on its budget."""

    class Meta:
        model = Workshop
        fields = ["title", "starts_at", "place", "code_batch", "facilitator"]
        labels = {"code_batch": _("Lot de codes de vote des membres du panel")}
        help_texts = {
            "code_batch": _(
                "Facultatif : le lot de codes de vote remis aux membres du panel à cet atelier."
            ),
        }

    def __init__(self, *args, can_hand_over: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._starts_at_widget()
        self.fields["code_batch"].queryset = VotingCodeBatch.objects.filter(
            campaign=self.instance.campaign_id, revoked_at__isnull=True
        )
        self.fields["code_batch"].empty_label = _("Aucun")
        if can_hand_over:
            self.fields["facilitator"].queryset = (
                get_user_model()
                .objects.filter(
                    Q(groups__name__in=[FACILITATOR, ADMINISTRATOR]) | Q(is_superuser=True),
                    is_active=True,
                )
                .distinct()
                .order_by("username")
            )
            self.fields["facilitator"].label_from_instance = lambda user: user.get_username()
        else:
            del self.fields["facilitator"]


class GroupForm(forms.ModelForm):
    class Meta:
        model = WorkshopGroup
        fields = ["name", "kind"]
        labels = {"name": _("Nom du groupe")}
        help_texts = {
            "name": _("Par exemple : « Table 1 »."),
            "kind": _("Facultatif : permet de comparer les choix par type de groupe."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Non précisé")), *WorkshopGroup.Kind.choices]


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Code de votre groupe"),
        max_length=40,
        help_text=_("6 caractères, affichés par l'animateur ou l'animatrice, par exemple K7QM3X."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "join-code-input",
            }
        ),
    )


class RenameForm(forms.Form):
    # No max_length here: the service says what is wrong (empty, too long), in one message.
    title = forms.CharField(label=_("Nom de nos choix"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs["maxlength"] = TITLE_MAX_LENGTH


class ArgumentForm(forms.Form):
    """One per chosen measure on the group's screen, each with its own ids."""

    text = forms.CharField(required=False, strip=False, widget=forms.Textarea)

    def __init__(self, *args, measure: Measure, **kwargs) -> None:
        kwargs.setdefault("auto_id", f"arg-{measure.slug}-%s")
        super().__init__(*args, **kwargs)
        self.measure = measure
        field = self.fields["text"]
        field.label = _("Pourquoi nous choisissons « %(title)s »") % {"title": measure.title}
        field.help_text = _("%(max)s caractères au plus.") % {"max": ARGUMENT_MAX_LENGTH}
        # hx-preserve: a swap of the arguments (a measure ticked) keeps what is being typed.
        field.widget.attrs.update(
            {"rows": 3, "maxlength": ARGUMENT_MAX_LENGTH, "hx-preserve": "true"}
        )
