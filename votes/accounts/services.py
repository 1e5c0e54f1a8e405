"""Citizen accounts: sign-up, e-mail confirmation, profile changes, export and deletion."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from budget.models import Authority, Commune
from votes.accounts.models import Profile
from votes.emails import notify
from votes.notifications.models import PREFERENCE_KINDS
from votes.proposals.models import Flag

User = get_user_model()

PSEUDONYM_RE = re.compile(r"^[\w-]{3,40}$")
EMAIL_LIKE_RE = re.compile(r"@|\w\.(fr|com|org|net|eu)$", re.IGNORECASE)
FIRST_BIRTH_YEAR = 1900
# The username is the lowercased e-mail so that the login form accepts the e-mail address.
USERNAME_MAX_LENGTH = User._meta.get_field("username").max_length

CONFIRM_SALT = "votes.accounts.confirm-email"
CONFIRM_MAX_AGE = timedelta(days=3)


# --- rules shared by the forms and the services (the services are the authority) ----------


def normalise_email(email: str) -> str:
    return email.strip().lower()


def pseudonym_problems(pseudonym: str) -> list[str]:
    """Why a pseudonym cannot be used (its format only; uniqueness needs the database)."""
    # Checked first: the pseudonym is public, an e-mail address in it would be published.
    if EMAIL_LIKE_RE.search(pseudonym):
        return [
            _("Le pseudonyme est public : n'y mettez pas d'adresse e-mail ni de nom de domaine.")
        ]
    if not PSEUDONYM_RE.match(pseudonym):
        return [
            _(
                "Le pseudonyme doit faire de 3 à 40 caractères : lettres, chiffres, "
                "tirets (-) et tirets bas (_), sans espace."
            )
        ]
    return []


def birth_year_problems(birth_year: int | None) -> list[str]:
    last = timezone.localdate().year
    if birth_year is None or not FIRST_BIRTH_YEAR <= birth_year <= last:
        return [
            _("L'année de naissance doit être comprise entre %(first)d et %(last)d.")
            % {"first": FIRST_BIRTH_YEAR, "last": last}
        ]
    return []


def residence_problems(
    *, commune: Commune | None, outside_territory: bool, authority: Authority | None
) -> list[str]:
    # The database demands exactly one (votes_profile_residence_declared); say it in French.
    if commune is None and not outside_territory:
        return [_("Indiquez votre commune de résidence, ou « Je n'habite pas sur le territoire ».")]
    if commune is not None and outside_territory:
        return [
            _(
                "Choisissez soit une commune, soit « Je n'habite pas sur le territoire », "
                "pas les deux."
            )
        ]
    if commune is not None and authority is not None and commune.authority_id != authority.pk:
        return [
            _("La commune %(commune)s ne fait pas partie du territoire de %(authority)s.")
            % {"commune": commune.name, "authority": authority.name}
        ]
    return []


def email_taken(email: str) -> bool:
    email = normalise_email(email)
    return (
        User.objects.filter(email__iexact=email).exists()
        or User.objects.filter(username__iexact=email).exists()
    )


def pseudonym_taken(pseudonym: str, *, exclude_user: AbstractBaseUser | None = None) -> bool:
    # Case-insensitive, so that "Alice" cannot pass for "alice" on a public page.
    profiles = Profile.objects.filter(pseudonym__iexact=pseudonym)
    if exclude_user is not None:
        profiles = profiles.exclude(user=exclude_user)
    return profiles.exists()


def _raise_if(errors: dict[str, list[str]]) -> None:
    errors = {field: messages for field, messages in errors.items() if messages}
    if errors:
        raise ValidationError(errors)


# --- writes --------------------------------------------------------------------------------


@transaction.atomic
def account_create(
    *,
    email: str,
    password: str,
    pseudonym: str,
    commune: Commune | None,
    outside_territory: bool,
    birth_year: int,
    gender: str = "",
    notify_results: bool = False,
    consent: bool,
    authority: Authority | None = None,
) -> AbstractBaseUser:
    """A citizen account (user + profile) or a ValidationError naming every field at fault.

    `authority`, when given, is the territory the sign-up comes from: a commune outside it
    is refused. The e-mail stays unconfirmed until account_confirm_email().
    """
    email = normalise_email(email)
    pseudonym = pseudonym.strip()
    errors: dict[str, list[str]] = {
        "email": [],
        "password": [],
        "pseudonym": pseudonym_problems(pseudonym),
        "residence": residence_problems(
            commune=commune, outside_territory=outside_territory, authority=authority
        ),
        "birth_year": birth_year_problems(birth_year),
        "gender": [],
        "consent": [],
    }
    if len(email) > USERNAME_MAX_LENGTH:
        errors["email"].append(
            _("L'adresse e-mail ne doit pas dépasser %(max)d caractères.")
            % {"max": USERNAME_MAX_LENGTH}
        )
    else:
        try:
            User._meta.get_field("email").run_validators(email)
        except ValidationError as error:
            errors["email"].extend(error.messages)
    if not errors["email"] and email_taken(email):
        errors["email"].append(
            _(
                "Un compte existe déjà avec cette adresse e-mail. Connectez-vous, ou utilisez "
                "« Mot de passe oublié »."
            )
        )
    if not errors["pseudonym"] and pseudonym_taken(pseudonym):
        errors["pseudonym"].append(_("Ce pseudonyme est déjà pris : choisissez-en un autre."))
    try:
        validate_password(password, user=User(username=email, email=email))
    except ValidationError as error:
        errors["password"].extend(error.messages)
    if gender and gender not in Profile.Gender.values:
        errors["gender"].append(_("Choisissez une des réponses proposées."))
    if not consent:
        errors["consent"].append(
            _(
                "Cochez la case pour accepter le traitement de vos données, sans quoi le compte "
                "ne peut pas être créé."
            )
        )
    _raise_if(errors)

    try:
        # A savepoint, so that a lost race leaves the outer transaction usable.
        with transaction.atomic():
            user = User.objects.create_user(username=email, email=email, password=password)
            profile = Profile(
                user=user,
                pseudonym=pseudonym,
                commune=commune,
                outside_territory=outside_territory,
                birth_year=birth_year,
                gender=gender or Profile.Gender.UNSAID,
                notify_results=notify_results,
                consented_at=timezone.now(),
            )
            profile.full_clean()
            profile.save()
    except IntegrityError as error:
        # Two sign-ups with the same address or pseudonym at the same time: the unique
        # constraints keep one; the other gets the message it would have got a second later.
        raise ValidationError(
            _("Cette adresse e-mail ou ce pseudonyme vient d'être pris : réessayez.")
        ) from error
    return user


def account_confirmation_token(*, user: AbstractBaseUser) -> str:
    """Signed and timestamped; carries the address, so a link for an old address is void."""
    return signing.dumps({"user": user.pk, "email": user.email}, salt=CONFIRM_SALT)


def account_send_confirmation(*, user: AbstractBaseUser, site_url: str) -> int:
    """Send the confirmation link. `site_url` is the scheme and host, e.g. https://x.fr."""
    path = reverse("votes:account_confirm", kwargs={"token": account_confirmation_token(user=user)})
    return notify(
        to=[user.email],
        subject=_("Confirmez votre adresse e-mail"),
        template="votes/emails/account_confirm.txt",
        context={
            "pseudonym": user.profile.pseudonym,
            "url": site_url.rstrip("/") + path,
            "days": CONFIRM_MAX_AGE.days,
        },
    )


@transaction.atomic
def account_confirm_email(*, token: str) -> Profile:
    """Mark the address as confirmed; ValidationError (code expired or invalid) otherwise."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ValidationError(
            _("Ce lien de confirmation a expiré (il est valable %(days)d jours).")
            % {"days": CONFIRM_MAX_AGE.days},
            code="expired",
        ) from error
    except signing.BadSignature as error:
        raise ValidationError(
            _("Ce lien de confirmation n'est pas valide : vérifiez qu'il a été copié en entier."),
            code="invalid",
        ) from error
    # Locked: two clicks on the link at once must not both write (the first date stays).
    profile = (
        Profile.objects.select_for_update()
        .select_related("user")
        .filter(user_id=data.get("user"))
        .first()
    )
    if profile is None or normalise_email(profile.user.email) != normalise_email(
        data.get("email", "")
    ):
        raise ValidationError(
            _("Ce lien de confirmation ne correspond à aucun compte (a-t-il été supprimé ?)."),
            code="invalid",
        )
    if profile.email_confirmed_at is None:
        profile.email_confirmed_at = timezone.now()
        profile.save(update_fields=["email_confirmed_at"])
    return profile


@transaction.atomic
def account_update_profile(
    *,
    user: AbstractBaseUser,
    pseudonym: str,
    commune: Commune | None,
    outside_territory: bool,
    gender: str = "",
    notify_results: bool = False,
    authority: Authority | None = None,
) -> Profile:
    """Change what the citizen may change; the birth year stays (the ballot checks the age)."""
    # Locked: a double submit must not interleave with another edit of the same profile.
    profile = Profile.objects.select_for_update().get(user=user)
    pseudonym = pseudonym.strip()
    errors: dict[str, list[str]] = {
        "pseudonym": pseudonym_problems(pseudonym),
        "residence": residence_problems(
            commune=commune, outside_territory=outside_territory, authority=authority
        ),
        "gender": [],
    }
    if not errors["pseudonym"] and pseudonym_taken(pseudonym, exclude_user=user):
        errors["pseudonym"].append(_("Ce pseudonyme est déjà pris : choisissez-en un autre."))
    if gender and gender not in Profile.Gender.values:
        errors["gender"].append(_("Choisissez une des réponses proposées."))
    _raise_if(errors)
    profile.pseudonym = pseudonym
    profile.commune = commune
    profile.outside_territory = outside_territory
    profile.gender = gender or Profile.Gender.UNSAID
    profile.notify_results = notify_results
    profile.full_clean()
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError as error:
        raise ValidationError(
            {"pseudonym": [_("Ce pseudonyme vient d'être pris : choisissez-en un autre.")]}
        ) from error
    return profile


@transaction.atomic
def account_delete(*, user: AbstractBaseUser) -> None:
    """Delete the account. Profile, supports, flags and scenarios go with it (CASCADE);
    proposals stay, shown as "compte supprimé" (Proposal.author is SET_NULL)."""
    try:
        User.objects.filter(pk=user.pk).delete()
    except ProtectedError as error:
        # Moderation decisions and phase moves name who made them and must stay on record.
        raise ValidationError(
            _(
                "Ce compte a pris des décisions qui restent au registre (modération, "
                "changements de phase) : demandez à l'administrateur de la plateforme de le "
                "désactiver."
            )
        ) from error


# --- export --------------------------------------------------------------------------------


def _account_section(user: AbstractBaseUser) -> dict[str, Any]:
    return {
        "username": user.get_username(),
        "email": user.email,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
    }


def _profile_section(user: AbstractBaseUser) -> dict[str, Any] | None:
    profile = Profile.objects.filter(user=user).select_related("commune__authority").first()
    if profile is None:
        return None
    commune = profile.commune
    return {
        "pseudonym": profile.pseudonym,
        "commune": (
            {
                "name": commune.name,
                "insee_code": commune.insee_code,
                "authority": commune.authority.name,
            }
            if commune
            else None
        ),
        "outside_territory": profile.outside_territory,
        "birth_year": profile.birth_year,
        "gender": profile.gender,
        "email_confirmed_at": profile.email_confirmed_at,
        "notify_results": profile.notify_results,
        "consented_at": profile.consented_at,
    }


def _proposal_ref(proposal) -> dict[str, Any]:
    return {
        "reference": proposal.public_reference,
        "campaign": proposal.campaign.title,
        "title": proposal.title,
    }


def _proposals_section(user: AbstractBaseUser) -> list[dict[str, Any]]:
    return [
        {
            **_proposal_ref(p),
            "kind": p.kind,
            "status": p.status,
            "description": p.description,
            "estimate": p.estimate,
            "place": p.place,
            "created_at": p.created_at,
            "updated_at": p.updated_at,
        }
        for p in user.proposals.select_related("campaign").order_by("created_at", "pk")
    ]


def _supports_section(user: AbstractBaseUser) -> list[dict[str, Any]]:
    return [
        {**_proposal_ref(s.proposal), "created_at": s.created_at}
        for s in user.supports.select_related("proposal__campaign").order_by("created_at", "pk")
    ]


def _flags_section(user: AbstractBaseUser) -> list[dict[str, Any]]:
    # Flag.user has no reverse accessor (related_name="+"): query the model.
    return [
        {
            **_proposal_ref(f.proposal),
            "reason": f.reason,
            "created_at": f.created_at,
            "handled": f.handled,
        }
        for f in Flag.objects.filter(user=user).select_related("proposal__campaign")
    ]


def _scenarios_section(user: AbstractBaseUser) -> list[dict[str, Any]]:
    return [
        {
            "title": s.title,
            "budget": str(s.budget),
            "share_token": s.share_token,
            "created_at": s.created_at,
            "updated_at": s.updated_at,
        }
        for s in user.scenarios.select_related("budget__authority")
    ]


def _comments_section(user: AbstractBaseUser) -> list[dict[str, Any]]:
    return [
        {
            **_proposal_ref(c.proposal),
            "topic": c.topic,
            "reply_to": c.parent_id,
            "id": c.pk,
            "body": c.body,
            "status": c.status,
            "created_at": c.created_at,
        }
        for c in user.comments.select_related("proposal__campaign").order_by("created_at", "pk")
    ]


def _notifications_section(user: AbstractBaseUser) -> dict[str, Any]:
    choices = getattr(user, "notification_preferences", None)
    return {
        "followed_campaigns": [f.campaign.slug for f in user.follows.select_related("campaign")],
        "choices": None
        if choices is None
        else {kind.value: getattr(choices, kind.value) for kind in PREFERENCE_KINDS},
    }


# One entry per kind of data held about a person. Later issues add theirs here (ballots,
# voting codes, council answers...): a function taking the user and returning JSON-able data,
# read through the user's related names so that this module needs no change elsewhere.
EXPORT_SECTIONS = {
    "account": _account_section,
    "profile": _profile_section,
    "proposals": _proposals_section,
    "supports": _supports_section,
    "flags": _flags_section,
    "scenarios": _scenarios_section,
    "comments": _comments_section,
    "notifications": _notifications_section,
}


def account_export(*, user: AbstractBaseUser) -> dict[str, Any]:
    """Everything held about the user, for the "Mes données" download (dates, Decimals and
    UUIDs as Python objects: serialise with DjangoJSONEncoder)."""
    data: dict[str, Any] = {"exported_at": timezone.now()}
    for name, section in EXPORT_SECTIONS.items():
        data[name] = section(user)
    return data
