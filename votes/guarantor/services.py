"""The guarantor's writes: an administrator assigns or removes a guarantor; the guarantor
publishes remarks. Nothing here edits or deletes a remark (see guarantor/models.py)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from budget.roles import ROLES as TEAM_ROLES
from budget.roles import has_role
from votes.access import is_administrator, is_guarantor, require
from votes.campaigns.models import Campaign
from votes.guarantor.models import Guarantor, GuarantorRemark

REMARK_MAX_LENGTH = 5000


def signature(user: AbstractBaseUser) -> str:
    return user.get_full_name() or user.get_username()


@transaction.atomic
def guarantor_assign(
    *, campaign: Campaign, user: AbstractBaseUser, title: str, by: AbstractBaseUser
) -> Guarantor:
    require(is_administrator(by, campaign))
    title = title.strip()
    if not title:
        raise ValidationError(
            {"title": _("Indiquez la qualité du garant (signée sous ses remarques).")}
        )
    # Independence: a member of the team (or a superuser, who holds every role) would be
    # checking their own work, and every write view would let them in through their role.
    if user.is_superuser or has_role(user, *TEAM_ROLES):
        raise ValidationError(
            {
                "user": _(
                    "« %(name)s » fait partie de l'équipe (rôle %(roles)s) : un garant est "
                    "indépendant et ne peut pas en être."
                )
                % {
                    "name": user.get_username(),
                    "roles": ", ".join(sorted(user.groups.values_list("name", flat=True)))
                    or "superutilisateur",
                }
            }
        )
    already = ValidationError(
        {"user": _("« %(name)s » est déjà garant de cette campagne.") % {"name": user}}
    )
    if Guarantor.objects.filter(campaign=campaign, user=user).exists():
        raise already
    guarantor = Guarantor(campaign=campaign, user=user, title=title, assigned_by=by)
    guarantor.full_clean(validate_constraints=False)
    try:
        # A savepoint: two administrators assigning the same person at once both pass the
        # check above; votes_guarantor_unique_user refuses the second, who gets the message.
        with transaction.atomic():
            guarantor.save()
    except IntegrityError:
        raise already from None
    return guarantor


@transaction.atomic
def guarantor_remove(*, guarantor: Guarantor, by: AbstractBaseUser) -> None:
    """End an assignment; the remarks already published stay, signed."""
    require(is_administrator(by, guarantor))
    guarantor.delete()


@transaction.atomic
def remark_publish(
    *,
    campaign: Campaign,
    by: AbstractBaseUser,
    text: str,
    corrects: GuarantorRemark | None = None,
) -> GuarantorRemark:
    """A dated, signed remark on the campaign's public page, by its guarantor only."""
    if not is_guarantor(by, campaign):
        raise PermissionDenied
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("La remarque est vide.")})
    if len(text) > REMARK_MAX_LENGTH:
        raise ValidationError(
            {
                "text": _("La remarque dépasse %(max)s caractères (%(length)s).")
                % {"max": REMARK_MAX_LENGTH, "length": len(text)}
            }
        )
    if corrects is not None and corrects.campaign_id != campaign.pk:
        raise ValidationError({"corrects": _("Cette remarque n'est pas de cette campagne.")})
    guarantor = Guarantor.objects.get(campaign=campaign, user=by)
    remark = GuarantorRemark(
        campaign=campaign,
        author=by,
        signed_name=signature(by),
        signed_title=guarantor.title,
        text=text,
        corrects=corrects,
    )
    remark.full_clean()
    remark.save()
    return remark
