"""Forms of the account screens. They check types and formats for an early message; the
services in votes/services/accounts.py are the authority and check everything again."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budget.models import Authority, Commune
from votes.accounts.models import Profile
from votes.accounts.services import (
    FIRST_BIRTH_YEAR,
    birth_year_problems,
    normalise_email,
    pseudonym_problems,
)

OUTSIDE = "outside"


def residence_choices(authority: Authority | None) -> list:
    """Communes of one territory, or of all, grouped by authority when there are several."""
    communes = Commune.objects.select_related("authority").order_by("authority__name", "name")
    if authority is not None:
        communes = communes.filter(authority=authority)
    groups: dict[str, list[tuple[str, str]]] = {}
    for commune in communes:
        groups.setdefault(commune.authority.name, []).append((str(commune.pk), commune.name))
    choices: list = [
        ("", _("— Choisissez —")),
        (OUTSIDE, _("Je n'habite pas sur le territoire")),
    ]
    if len(groups) == 1:
        choices += next(iter(groups.values()))
    else:
        choices += list(groups.items())
    return choices


class ResidenceMixin:
    """A single list for "where do you live": a commune, or outside the territory."""

    def _setup_residence(self, authority: Authority | None) -> None:
        self.authority = authority
        self.fields["residence"].choices = residence_choices(authority)

    def chosen_residence(self) -> tuple[Commune | None, bool]:
        value = self.cleaned_data["residence"]
        if value == OUTSIDE:
            return None, True
        return Commune.objects.select_related("authority").get(pk=int(value)), False


def _residence_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Commune de résidence"),
        help_text=_(
            "Sert aux statistiques anonymes de participation par commune, et à vérifier qui "
            "peut voter."
        ),
        error_messages={
            "required": _(
                "Indiquez votre commune de résidence, ou « Je n'habite pas sur le territoire »."
            ),
            "invalid_choice": _(
                "Choisissez votre commune de résidence dans la liste, ou « Je n'habite pas "
                "sur le territoire »."
            ),
        },
    )


def _pseudonym_field() -> forms.CharField:
    return forms.CharField(
        label=_("Pseudonyme public"),
        max_length=40,
        help_text=_(
            "Affiché à côté de vos propositions. De 3 à 40 caractères : lettres, chiffres, "
            "- et _. N'y mettez ni votre adresse e-mail ni votre nom complet si vous tenez à "
            "rester discret."
        ),
        error_messages={
            "max_length": _("Le pseudonyme ne doit pas dépasser 40 caractères."),
        },
    )


def _gender_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Genre (facultatif)"),
        choices=Profile.Gender.choices,
        required=False,
        initial=Profile.Gender.UNSAID,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choisissez une des réponses proposées.")},
    )


def _clean_pseudonym(value: str) -> str:
    value = value.strip()
    problems = pseudonym_problems(value)
    if problems:
        raise ValidationError(problems)
    return value


class SignupForm(ResidenceMixin, forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=150,
        help_text=_("Pour vous connecter et confirmer votre compte. Jamais affichée."),
        error_messages={
            "required": _("Indiquez votre adresse e-mail."),
            "invalid": _("Saisissez une adresse e-mail valide, par exemple nom@exemple.fr."),
            "max_length": _("L'adresse e-mail ne doit pas dépasser 150 caractères."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
        error_messages={"required": _("Choisissez un mot de passe.")},
    )
    pseudonym = _pseudonym_field()
    residence = _residence_field()
    birth_year = forms.IntegerField(
        label=_("Année de naissance"),
        help_text=_("L'âge minimum pour voter est vérifié au moment du vote."),
        error_messages={
            "required": _("Indiquez votre année de naissance."),
            "invalid": _("Saisissez l'année en chiffres, par exemple 1984."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "bday-year"}),
    )
    gender = _gender_field()
    notify_results = forms.BooleanField(
        label=_("Prévenez-moi par e-mail des résultats et des réponses du conseil"),
        label_suffix="",
        required=False,
    )
    consent = forms.BooleanField(
        label=_(
            "J'ai lu ces informations et j'accepte le traitement de mes données décrit ci-dessus."
        ),
        label_suffix="",
        error_messages={
            "required": _(
                "Cochez la case pour accepter le traitement de vos données, sans quoi le "
                "compte ne peut pas être créé."
            )
        },
    )

    def __init__(self, *args, authority: Authority | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._setup_residence(authority)
        self.fields["birth_year"].widget.attrs.update(
            min=FIRST_BIRTH_YEAR, max=timezone.localdate().year
        )

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])

    def clean_pseudonym(self) -> str:
        return _clean_pseudonym(self.cleaned_data["pseudonym"])

    def clean_birth_year(self) -> int:
        value = self.cleaned_data["birth_year"]
        problems = birth_year_problems(value)
        if problems:
            raise ValidationError(problems)
        return value

    def clean(self) -> dict:
        cleaned = super().clean()
        password, email = cleaned.get("password"), cleaned.get("email")
        if password:
            user = get_user_model()(username=email or "", email=email or "")
            try:
                validate_password(password, user=user)
            except ValidationError as error:
                self.add_error("password", error)
        return cleaned


class ProfileForm(ResidenceMixin, forms.Form):
    pseudonym = _pseudonym_field()
    residence = _residence_field()
    gender = _gender_field()
    notify_results = forms.BooleanField(
        label=_("Prévenez-moi par e-mail des résultats et des réponses du conseil"),
        label_suffix="",
        required=False,
    )

    def __init__(self, *args, authority: Authority | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._setup_residence(authority)

    @classmethod
    def initial_for(cls, profile: Profile) -> dict:
        return {
            "pseudonym": profile.pseudonym,
            "residence": OUTSIDE if profile.outside_territory else str(profile.commune_id),
            "gender": profile.gender or Profile.Gender.UNSAID,
            "notify_results": profile.notify_results,
        }

    def clean_pseudonym(self) -> str:
        return _clean_pseudonym(self.cleaned_data["pseudonym"])


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Votre mot de passe, pour confirmer"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Saisissez votre mot de passe pour confirmer.")},
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("Mot de passe incorrect : le compte n'a pas été supprimé."))
        return password


class EmailAuthenticationForm(AuthenticationForm):
    """Citizens' usernames are their lowercased e-mail: accept the address in any case."""

    def clean_username(self) -> str:
        username = self.cleaned_data.get("username", "")
        return normalise_email(username) if "@" in username else username
