from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from budget.models import Authority
from budget.spreadsheets.cells import parse_amount, size_problem


class _SizeLimitedFileForm(forms.Form):
    """Refuses a file over settings.BUDGET_IMPORT_MAX_BYTES before anything reads it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Lets the page refuse an oversized file before uploading it (the server checks too).
        self.fields["file"].widget.attrs["data-max-bytes"] = settings.BUDGET_IMPORT_MAX_BYTES
        # Read by static/js/upload.js (no inline script: the Content-Security-Policy).
        self.fields["file"].widget.attrs["data-too-big"] = _(
            "Ce fichier dépasse la taille maximale acceptée."
        )

    def clean_file(self) -> UploadedFile:
        uploaded = self.cleaned_data["file"]
        limit = settings.BUDGET_IMPORT_MAX_BYTES
        if uploaded.size > limit:
            raise forms.ValidationError(size_problem(uploaded.size, limit))
        return uploaded


class AmountField(forms.DecimalField):
    """Euros typed the French way: "1 500 000,50" as well as "1500000.50"."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            parsed = parse_amount(value)
            if parsed is None:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            value = str(parsed)
        return super().to_python(value)


class BudgetUploadForm(_SizeLimitedFileForm):
    file = forms.FileField(
        label=_("Fichier budgétaire"),
        help_text=_("Format SCDL Budget, en CSV (point-virgule ou virgule) ou en Excel .xlsx."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )
    authority = forms.ModelChoiceField(
        queryset=Authority.objects.all(),
        required=False,
        label=_("Collectivité"),
        empty_label=_("D'après le fichier (BGT_NOM et SIRET)"),
        help_text=_("Laissez vide pour retrouver ou créer la collectivité d'après le fichier."),
    )
    population = forms.IntegerField(
        required=False, min_value=0, label=_("Population"), help_text=_("Facultatif.")
    )
    debt_start = AmountField(
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=2,
        label=_("Encours de dette au 1er janvier (€)"),
        help_text=_("Le format SCDL ne le contient pas ; facultatif."),
    )

    def __init__(self, *args, authorities: set[int] | None = None, **kwargs) -> None:
        """`authorities`: those where the account holds its role (None: all of them). Held in
        some authorities only, it imports for one of them, never one found or created from
        the file."""
        super().__init__(*args, **kwargs)
        if authorities is not None:
            field = self.fields["authority"]
            field.queryset = Authority.objects.filter(pk__in=authorities)
            field.required = True
            field.empty_label = None
            field.help_text = ""


class ParamsUploadForm(_SizeLimitedFileForm):
    file = forms.FileField(
        label=_("Classeur des paramètres (.xlsx)"),
        help_text=_(
            "Le classeur téléchargé depuis cette page, complété par la direction des finances."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class TerritoryUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier GeoJSON du territoire"),
        help_text=_(
            "Une FeatureCollection de polygones (Polygon ou MultiPolygon), en WGS 84 : les "
            "quartiers portent leur nom dans la propriété indiquée ci-dessous ; les objets sans "
            "cette propriété dessinent le contour du territoire."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,application/geo+json"}),
    )
    name_property = forms.CharField(
        label=_("Propriété portant le nom du quartier"),
        max_length=60,
        initial="nom",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["data-max-bytes"] = settings.TERRITORY_MAX_BYTES
        self.fields["file"].widget.attrs["data-too-big"] = _(
            "Ce fichier dépasse la taille maximale acceptée."
        )

    def clean_file(self) -> UploadedFile:
        uploaded = self.cleaned_data["file"]
        limit = settings.TERRITORY_MAX_BYTES
        if uploaded.size > limit:
            raise forms.ValidationError(size_problem(uploaded.size, limit))
        return uploaded


class AuthorityForm(forms.ModelForm):
    """The authority as the team edits it (the admin): its EPCI must be an EPCI."""

    class Meta:
        model = Authority
        fields = [
            "name",
            "slug",
            "siren",
            "kind",
            "member_of",
            "population",
            "territory",
            "territory_updated_at",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "member_of" in self.fields:
            self.fields["member_of"].queryset = Authority.objects.filter(
                kind=Authority.Kind.EPCI
            ).exclude(pk=self.instance.pk)

    def clean(self) -> dict:
        data = super().clean()
        parent = data.get("member_of")
        if parent is None:
            return data
        if self.instance.pk is not None and parent.pk == self.instance.pk:
            self.add_error("member_of", _("Une collectivité ne peut pas être membre d'elle-même."))
        elif parent.kind != Authority.Kind.EPCI:
            self.add_error(
                "member_of",
                _("%(name)s n'est pas un EPCI : une collectivité n'est membre que d'un EPCI.")
                % {"name": parent.name},
            )
        elif data.get("kind") == Authority.Kind.EPCI:
            self.add_error(
                "member_of", _("Un EPCI n'est membre d'aucun autre : laissez ce champ vide.")
            )
        return data
