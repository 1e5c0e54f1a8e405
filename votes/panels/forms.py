"""Forms of the citizen panel screens: sign-up, import, quotas, draw. The services write."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from budget.models import Commune
from votes.campaigns.models import Campaign
from votes.panels import sortition
from votes.panels.imports import IMPORT_MAX_BYTES, valid_phone
from votes.panels.models import PanelDraw, Quota, Volunteer
from votes.panels.services import OCCUPATIONS

MAX_PANEL = 500
ALGORITHM_LABELS = {
    sortition.MAXIMIN: _(
        "maximin (recommandé jusqu'à 300 volontaires) : la plus petite chance d'être tiré au "
        "sort est rendue aussi grande que les quotas le permettent"
    ),
    sortition.NASH: _(
        "nash : maximise le produit des chances, ce qui les rend proches les unes des autres"
    ),
    sortition.LEXIMIN: _(
        "leximin : comme maximin, puis la deuxième plus petite chance, etc. (solveur Gurobi, "
        "sous licence)"
    ),
    sortition.PROFILES: _(
        "maximin par profils (recommandé au-delà de 300 volontaires) : la même plus petite "
        "chance que maximin, calculée sur les profils (genre, âge, quartier…) plutôt que "
        "personne par personne ; deux volontaires de même profil ont exactement la même "
        "chance ; quelques secondes même pour des milliers de volontaires"
    ),
}
LIBRARY_ALGORITHMS = {sortition.MAXIMIN, sortition.NASH, sortition.LEXIMIN}


class VolunteerForm(forms.Form):
    name = forms.CharField(label=_("Nom et prénom"), max_length=200)
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        required=False,
        error_messages={"invalid": _("Saisissez une adresse e-mail valide, ex. nom@exemple.fr.")},
    )
    phone = forms.CharField(
        label=_("Téléphone"),
        required=False,
        max_length=30,
        help_text=_(
            "Une adresse e-mail ou un téléphone au moins, pour vous prévenir si vous êtes "
            "tiré(e) au sort."
        ),
    )
    gender = forms.ChoiceField(
        label=_("Genre"), choices=Volunteer.Gender.choices, widget=forms.RadioSelect
    )
    age_band = forms.ChoiceField(
        label=_("Tranche d'âge"), choices=[("", "—"), *Volunteer.AgeBand.choices]
    )
    occupation = forms.ChoiceField(
        label=_("Catégorie socio-professionnelle (facultatif)"),
        required=False,
        choices=[("", _("Je préfère ne pas répondre")), *OCCUPATIONS],
    )
    availability = forms.CharField(
        label=_("Disponibilités (facultatif)"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Par exemple : soirs de semaine, samedi matin."),
    )
    consent = forms.BooleanField(
        required=True,
        error_messages={
            "required": _("Sans votre accord, nous ne pouvons pas vous inscrire au tirage.")
        },
    )

    def __init__(
        self, *args, campaign: Campaign, mode: str, areas: list[str], retain_until: dt.date, **kw
    ) -> None:
        super().__init__(*args, **kw)
        self.mode = mode
        if mode == "commune":
            self.fields["commune"] = forms.ModelChoiceField(
                label=_("Votre commune"),
                queryset=Commune.objects.filter(authority=campaign.authority_id),
                empty_label="—",
            )
        elif mode == "choice":
            self.fields["area"] = forms.ChoiceField(
                label=_("Votre quartier"), choices=[("", "—"), *((a, a) for a in areas)]
            )
        else:
            self.fields["area"] = forms.CharField(label=_("Votre quartier"), max_length=120)
        self.fields["consent"].label = _(
            "J'accepte que mes réponses servent au tirage au sort du panel citoyen, et que mon "
            "nom et mes coordonnées soient conservés jusqu'au %(date)s."
        ) % {"date": date_format(retain_until, "j F Y")}
        # The place question comes before the optional ones.
        place = "commune" if mode == "commune" else "area"
        order = ["name", "email", "phone", "gender", "age_band", place]
        self.order_fields([*order, "occupation", "availability", "consent"])

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not valid_phone(phone):
            raise forms.ValidationError(_("Saisissez un numéro de téléphone, ex. 06 12 34 56 78."))
        return phone

    def clean(self):
        data = super().clean()
        contact_errors = self.has_error("email") or self.has_error("phone")
        if not data.get("email") and not data.get("phone") and not contact_errors:
            raise forms.ValidationError(
                _("Indiquez une adresse e-mail ou un téléphone, pour qu'on puisse vous prévenir.")
            )
        return data


class VolunteerImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier des volontaires (CSV ou XLSX)"),
        help_text=_(
            "Une ligne par personne ; colonnes : nom, email, telephone, genre, tranche_age, "
            "commune ou quartier, csp (facultatif), disponibilites (facultatif). 2 Mo au plus."
        ),
        error_messages={"required": _("Choisissez le fichier à importer.")},
    )
    consent_confirmed = forms.BooleanField(
        label=_(
            "Ces personnes ont donné leur accord écrit pour le tirage et la conservation de "
            "leurs coordonnées jusqu'à la date indiquée."
        ),
        error_messages={"required": _("Confirmez le consentement des personnes du fichier.")},
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if not uploaded.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Envoyez un fichier CSV ou un classeur Excel (.xlsx)."))
        if uploaded.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 2 Mo."))
        return uploaded


class QuotaForm(forms.Form):
    attribute = forms.ChoiceField(label=_("Critère"), choices=Quota.Attribute.choices)
    value = forms.CharField(
        label=_("Valeur"),
        max_length=120,
        help_text=_(
            "Femme, homme, autre ; une tranche d'âge (18-24…) ; le nom d'une commune ou d'un "
            "quartier ; une catégorie socio-professionnelle (1 à 8 ou son nom)."
        ),
    )
    minimum = forms.IntegerField(label=_("Minimum"), min_value=0, max_value=MAX_PANEL)
    maximum = forms.IntegerField(label=_("Maximum"), min_value=0, max_value=MAX_PANEL)

    def clean(self):
        data = super().clean()
        low, high = data.get("minimum"), data.get("maximum")
        if low is not None and high is not None and low > high:
            self.add_error("maximum", _("Le maximum doit être supérieur ou égal au minimum."))
        return data


class DrawForm(forms.Form):
    size = forms.IntegerField(label=_("Taille du panel"), min_value=1, max_value=MAX_PANEL)
    reserve_size = forms.IntegerField(
        label=_("Taille de la liste de réserve"), min_value=0, max_value=MAX_PANEL, initial=0
    )
    seed = forms.CharField(
        label=_("Graine publiée"),
        max_length=PanelDraw._meta.get_field("seed").max_length,
        help_text=_(
            "Annoncée publiquement avant le tirage et que personne ne connaît d'avance : par "
            "exemple les numéros d'un tirage de loterie nationale à venir, tapés tels quels."
        ),
    )
    algorithm = forms.ChoiceField(label=_("Algorithme"), widget=forms.RadioSelect)

    def __init__(self, *args, pool_size: int = 0, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pool_size = pool_size
        self.fields["algorithm"].choices = [
            (name, ALGORITHM_LABELS[name]) for name in sortition.available_algorithms()
        ]
        self.fields["algorithm"].initial = sortition.recommended_algorithm(pool_size)

    def clean_algorithm(self) -> str:
        algorithm = self.cleaned_data["algorithm"]
        if algorithm in LIBRARY_ALGORITHMS and self.pool_size > sortition.LIBRARY_POOL_LIMIT:
            raise forms.ValidationError(
                _(
                    "Avec %(count)s volontaires, l'algorithme « %(algorithm)s » prendrait des "
                    "heures : il calcule la loterie personne par personne (au-delà de "
                    "%(limit)s volontaires). Choisissez « maximin par profils », qui garantit "
                    "la même plus petite chance que maximin en quelques secondes."
                ),
                params={
                    "count": self.pool_size,
                    "algorithm": algorithm,
                    "limit": sortition.LIBRARY_POOL_LIMIT,
                },
            )
        return algorithm

    def clean_seed(self) -> str:
        seed = self.cleaned_data["seed"].strip()
        if not seed:
            raise forms.ValidationError(_("Saisissez la graine publiée."))
        return seed
