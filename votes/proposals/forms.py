"""Forms of the proposal screens: they parse the input; the services decide what is allowed."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from budget.models import Commune
from budget.territory import neighbourhood_names
from simulator.models import Measure, Scenario
from votes.campaigns.models import Campaign
from votes.proposals.attachments import ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS
from votes.proposals.models import Attachment, Proposal
from votes.proposals.revenue import revenue_levers
from votes.proposals.services import allowed_kinds

ACCEPT = ",".join(
    [ext for _label, extensions in ATTACHMENT_TYPES.values() for ext in extensions]
    + list(ATTACHMENT_TYPES)
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the service (type by content, size)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(item, initial) for item in files if item]


class EurosField(forms.DecimalField):
    """Euros as citizens type them: "12 000,50", "12000.50 €" (spaces of any width ignored)."""

    def to_python(self, value):
        if isinstance(value, str):
            for noise in (" ", "\u00a0", "\u202f", "€"):
                value = value.replace(noise, "")
        return super().to_python(value)


def attachment_help() -> str:
    # Built per form: a lazy string formatted at import would freeze the import's language.
    return gettext(
        "Images (JPEG, PNG, WebP) ou PDF, %(size)s Mo au plus chacun, %(count)s fichiers au plus."
    ) % {"size": MAX_ATTACHMENT_BYTES // (1024 * 1024), "count": MAX_ATTACHMENTS}


class ProposalFieldsForm(forms.Form):
    """What the author writes, at deposit and when editing."""

    title = forms.CharField(label=_("Titre"), max_length=200)
    category = forms.ModelChoiceField(
        label=_("Rubrique"),
        queryset=None,
        empty_label=_("— Choisissez une rubrique —"),
        error_messages={"invalid_choice": _("Choisissez une rubrique de cette campagne.")},
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Markdown simple : **gras**, *italique*, listes (- ...), liens [texte](https://...)."
        ),
    )
    estimate = EurosField(
        label=_("Votre estimation (€)"),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=2,
        localize=True,
        help_text=_("Coût pour un projet ; économie par an pour une économie. Facultatif."),
        error_messages={
            "min_value": _(
                "L'estimation ne peut pas être négative : indiquez un montant positif ou nul."
            ),
        },
    )
    commune = forms.ModelChoiceField(
        label=_("Commune concernée"),
        queryset=None,
        required=False,
        empty_label=_("— Tout le territoire —"),
        error_messages={
            "invalid_choice": _("Choisissez une commune du territoire de la collectivité.")
        },
    )
    place = forms.CharField(
        label=_("Lieu précis"),
        max_length=200,
        required=False,
        help_text=_("Une rue, un équipement, un quartier… Facultatif."),
    )
    # On the map (votes/proposals/location.py): filled by clicking the map or with the
    # keyboard, or typed; the neighbourhood list is the alternative to the map.
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        max_digits=8,
        decimal_places=6,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "max_decimal_places": _("Six décimales au plus (environ 10 cm)."),
            "max_digits": _("Six décimales au plus (environ 10 cm)."),
        },
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        max_digits=9,
        decimal_places=6,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "max_decimal_places": _("Six décimales au plus (environ 10 cm)."),
            "max_digits": _("Six décimales au plus (environ 10 cm)."),
        },
    )
    neighbourhood = forms.ChoiceField(label=_("Quartier"), required=False)
    attachments = MultipleFileField(label=_("Pièces jointes"))

    LOCATION_FIELDS = ("latitude", "longitude", "neighbourhood")

    def __init__(self, campaign: Campaign, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["category"].queryset = campaign.categories.all()
        self.fields["commune"].queryset = Commune.objects.filter(authority_id=campaign.authority_id)
        self.fields["attachments"].help_text = attachment_help()
        names = neighbourhood_names(campaign.authority.territory)
        if names:
            self.fields["neighbourhood"].choices = [
                ("", gettext("— Aucun, ou d'après le point —")),
                *((name, name) for name in names),
            ]
            self.fields["neighbourhood"].help_text = gettext(
                "Sans point sur la carte, le quartier suffit. Avec un point, il est trouvé "
                "d'après le point si vous le laissez vide."
            )
        else:
            del self.fields["neighbourhood"]

    def other_fields(self) -> list:
        return [f for f in self.visible_fields() if f.name not in self.LOCATION_FIELDS]

    def location_fields(self) -> list:
        return [f for f in self.visible_fields() if f.name in self.LOCATION_FIELDS]


class ProposalCreateForm(ProposalFieldsForm):
    kind = forms.ChoiceField(label=_("Type de proposition"), choices=Proposal.Kind.choices)
    # A saving started from the simulator: its share token or its measure's slug.
    scenario = forms.CharField(required=False, widget=forms.HiddenInput)
    measure = forms.CharField(required=False, widget=forms.HiddenInput)
    # A revenue proposal (votes/proposals/revenue.py): a lever of the budget and its new value.
    lever = forms.ChoiceField(label=_("Recette proposée"), required=False)
    lever_value = forms.DecimalField(
        label=_("Nouvelle valeur proposée"),
        required=False,
        max_digits=16,
        decimal_places=4,
        localize=True,
        help_text=_("Nouveau taux (en %) ou nouveau tarif (en €), dans les bornes indiquées."),
    )

    field_order = ["kind", "title", "category"]

    def __init__(self, campaign: Campaign, *args, **kwargs) -> None:
        super().__init__(campaign, *args, **kwargs)
        kinds = allowed_kinds(campaign)
        self.fields["kind"].choices = [(k, Proposal.Kind(k).label) for k in kinds]
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0]
            self.fields["kind"].widget = forms.HiddenInput()
        else:
            self.fields["kind"].widget = forms.RadioSelect(choices=self.fields["kind"].choices)
            self.fields["kind"].help_text = _(
                "Une rubrique avec une enveloppe reçoit des projets ; une rubrique avec un "
                "objectif d'économies reçoit des économies."
            )
        levers = revenue_levers(campaign.budget)
        if levers and Proposal.Kind.SAVING in kinds:
            self.fields["lever"].choices = [
                ("", gettext("— Aucune : une économie de dépense —")),
                *(
                    (
                        lever.slug,
                        gettext("%(lever)s (actuel : %(current)s ; de %(min)s à %(max)s)")
                        % {
                            "lever": lever.label,
                            "current": _plain(lever.current),
                            "min": _plain(lever.floor()),
                            "max": "…" if lever.maximum is None else _plain(lever.maximum),
                        },
                    )
                    for lever in levers
                ),
            ]
            self.fields["lever"].help_text = gettext(
                "Pour une économie : proposer une recette nouvelle ou plus élevée (tarif, "
                "redevance, taux) au lieu d'une baisse de dépense."
            )
        else:
            del self.fields["lever"]
            del self.fields["lever_value"]

    def clean_scenario(self) -> Scenario | None:
        token = self.cleaned_data["scenario"].strip()
        if not token:
            return None
        try:
            uuid.UUID(token)
        except ValueError:
            raise forms.ValidationError(_("Ce lien de scénario n'est pas valable.")) from None
        scenario = Scenario.objects.filter(share_token=token).first()
        if scenario is None:
            raise forms.ValidationError(_("Ce scénario n'existe pas (ou plus)."))
        return scenario

    def clean_measure(self) -> Measure | None:
        slug = self.cleaned_data["measure"].strip()
        if not slug:
            return None
        measure = Measure.objects.filter(budget_id=self.campaign.budget_id, slug=slug).first()
        if measure is None:
            raise forms.ValidationError(
                _("Cette mesure n'existe pas dans le budget de la campagne.")
            )
        return measure


def _plain(value: float) -> str:
    return f"{value:g}".replace(".", ",")


class ProposalEditForm(ProposalFieldsForm):
    remove_attachments = forms.ModelMultipleChoiceField(
        label=_("Pièces jointes à supprimer"),
        queryset=Attachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, campaign: Campaign, *args, proposal: Proposal, **kwargs) -> None:
        kwargs.setdefault(
            "initial",
            {
                "title": proposal.title,
                "category": proposal.category_id,
                "description": proposal.description,
                "estimate": proposal.estimate,
                "commune": proposal.commune_id,
                "place": proposal.place,
                "latitude": proposal.latitude,
                "longitude": proposal.longitude,
                "neighbourhood": proposal.neighbourhood,
            },
        )
        super().__init__(campaign, *args, **kwargs)
        self.fields["remove_attachments"].queryset = proposal.attachments.all()
        if not proposal.attachments.exists():
            del self.fields["remove_attachments"]


class FlagForm(forms.Form):
    reason = forms.CharField(
        label=_("Pourquoi signalez-vous cette proposition ?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Indiquez pourquoi vous signalez cette proposition.")},
        help_text=_("Propos injurieux, données personnelles, hors sujet… La modération lira."),
    )


class ModerationForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif (conservé et envoyé à l'auteur)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Indiquez le motif : il est conservé et envoyé à l'auteur."),
        },
    )
