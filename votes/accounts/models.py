from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from budget.models import Commune


class Profile(models.Model):
    """What a citizen account adds to Django's user: public pseudonym, residence, age."""

    class Gender(models.TextChoices):
        WOMAN = "woman", _("Femme")
        MAN = "man", _("Homme")
        OTHER = "other", _("Autre")
        UNSAID = "unsaid", _("Je préfère ne pas le dire")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    pseudonym = models.CharField(_("pseudonyme public"), max_length=40, unique=True)
    # Null with outside_territory=True: declared as living outside the authority's territory.
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        verbose_name=_("commune de résidence"),
    )
    outside_territory = models.BooleanField(_("hors du territoire"), default=False)
    birth_year = models.PositiveSmallIntegerField(_("année de naissance"))
    gender = models.CharField(
        _("genre"), max_length=6, choices=Gender, default=Gender.UNSAID, blank=True
    )
    email_confirmed_at = models.DateTimeField(_("adresse confirmée le"), null=True, blank=True)
    notify_results = models.BooleanField(
        _("être prévenu(e) des résultats et des réponses du conseil"), default=False
    )
    consented_at = models.DateTimeField(_("consentement donné le"))

    class Meta:
        verbose_name = _("profil")
        constraints = [
            models.CheckConstraint(
                condition=(Q(commune__isnull=False) & Q(outside_territory=False))
                | (Q(commune__isnull=True) & Q(outside_territory=True)),
                name="votes_profile_residence_declared",
            ),
            models.CheckConstraint(
                condition=Q(birth_year__gte=1900) & Q(birth_year__lte=2100),
                name="votes_profile_birth_year_range",
            ),
        ]

    def __str__(self) -> str:
        return self.pseudonym

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None
