"""Writes of the notifications: a person's choices, following a campaign, unsubscribing."""

from __future__ import annotations

import contextlib

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from votes.campaigns.models import Campaign, Phase
from votes.notifications.models import PREFERENCE_KINDS, Follow, Kind, Preferences
from votes.notifications.sending import ALL, unsubscribe_read


def _set_council_answers(user: AbstractBaseUser, value: bool) -> None:
    try:
        profile = user.profile
    except ObjectDoesNotExist:
        return  # a team account has no profile, and never gets these e-mails
    if profile.notify_results != value:
        profile.notify_results = value
        profile.save(update_fields=["notify_results"])


@transaction.atomic
def preferences_update(*, user: AbstractBaseUser, choices: dict[str, bool]) -> Preferences:
    """Record what a person wants to receive; kinds not in `choices` keep their value."""
    if not user.is_authenticated:
        raise PermissionDenied
    unknown = set(choices) - set(Kind.values)
    if unknown:
        raise ValidationError(
            _("Notification inconnue : %(kinds)s.") % {"kinds": ", ".join(sorted(unknown))}
        )
    # Two saves at once (two tabs) both creating the row: the one-to-one decides, and
    # select_for_update keeps the second from overwriting a field the first just set.
    Preferences.objects.get_or_create(user=user)
    preferences = Preferences.objects.select_for_update().get(user=user)
    changed = []
    for kind, value in choices.items():
        if kind == Kind.COUNCIL_ANSWERS:
            _set_council_answers(user, bool(value))
        elif getattr(preferences, kind) != bool(value):
            setattr(preferences, kind, bool(value))
            changed.append(kind)
    if changed:
        preferences.save(update_fields=[*changed, "updated_at"])
    return preferences


def current_choices(user: AbstractBaseUser) -> dict[str, bool]:
    """Every kind and whether this person receives it (the defaults without a row)."""
    preferences = Preferences.objects.filter(user=user).first()
    choices = {
        kind.value: True if preferences is None else getattr(preferences, kind.value)
        for kind in PREFERENCE_KINDS
    }
    with contextlib.suppress(ObjectDoesNotExist):  # a team account has no profile
        choices[Kind.COUNCIL_ANSWERS] = user.profile.notify_results
    return choices


@transaction.atomic
def unsubscribe_apply(*, token: str) -> tuple[AbstractBaseUser, str]:
    """Stop one kind, or all of them, for the person the signed link names (no login)."""
    found = unsubscribe_read(token)
    if found is None:
        raise ValidationError(
            _(
                "Ce lien de désabonnement n'est pas valide (il a peut-être été coupé en deux "
                "dans le message). Vous pouvez choisir vos notifications dans votre compte."
            )
        )
    user_id, kind = found
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise ValidationError(_("Ce compte n'existe plus : il ne reçoit plus aucun message."))
    kinds = Kind.values if kind == ALL else [kind]
    preferences_update(user=user, choices=dict.fromkeys(kinds, False))
    return user, kind


@transaction.atomic
def follow_set(*, user: AbstractBaseUser, campaign: Campaign, follow: bool) -> bool:
    """Follow a campaign (told when a phase opens) or stop; returns whether followed."""
    if not user.is_authenticated:
        raise PermissionDenied
    if campaign.phase == Phase.DRAFT:
        raise ValidationError(_("Cette campagne n'est pas encore publiée."))
    if not follow:
        Follow.objects.filter(user=user, campaign=campaign).delete()
        return False
    try:
        # A double click: the second insert meets votes_follow_unique_campaign.
        with transaction.atomic():
            Follow.objects.create(user=user, campaign=campaign)
    except IntegrityError:
        pass
    return True
