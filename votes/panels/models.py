from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from budget.models import Commune


class Volunteer(models.Model):
    """A person of a campaign's pool, who may be drawn into its citizen panel.

    Personal data (name, contact) is seen only by the participation team; the attributes
    used by the quotas (gender, age band, area, socio-professional category) are public in
    aggregate only.
    """

    class Gender(models.TextChoices):
        WOMAN = "woman", _("Femme")
        MAN = "man", _("Homme")
        OTHER = "other", _("Autre")

    class AgeBand(models.TextChoices):
        A16 = "16-17", _("16 à 17 ans")
        A18 = "18-24", _("18 à 24 ans")
        A25 = "25-34", _("25 à 34 ans")
        A35 = "35-49", _("35 à 49 ans")
        A50 = "50-64", _("50 à 64 ans")
        A65 = "65+", _("65 ans et plus")

    class Source(models.TextChoices):
        FORM = "form", _("Formulaire public")
        IMPORT = "import", _("Import de fichier")

    campaign = models.ForeignKey(
        "votes.Campaign", on_delete=models.CASCADE, related_name="volunteers"
    )
    name = models.CharField(_("nom et prénom"), max_length=200)
    email = models.EmailField(_("adresse e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    gender = models.CharField(_("genre"), max_length=5, choices=Gender)
    age_band = models.CharField(_("tranche d'âge"), max_length=5, choices=AgeBand)
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteers",
        verbose_name=_("commune"),
    )
    # A neighbourhood (quartier) where the authority is one commune; else the commune's name.
    area = models.CharField(_("commune ou quartier"), max_length=120)
    occupation = models.CharField(_("catégorie socio-professionnelle"), max_length=60, blank=True)
    availability = models.CharField(_("disponibilités"), max_length=300, blank=True)
    source = models.CharField(_("origine"), max_length=6, choices=Source, default=Source.FORM)
    consented_at = models.DateTimeField(_("consentement donné le"))
    # Personal data is kept until this date, then deleted (shown on the pool page).
    retain_until = models.DateField(_("conservé jusqu'au"))
    # Personal link for a panel member (training path) without an account.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("volontaire")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "email"],
                condition=~Q(email=""),
                name="simulator_volunteer_unique_email",
            ),
            models.CheckConstraint(
                condition=~Q(email="") | ~Q(phone=""), name="simulator_volunteer_has_contact"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Quota(models.Model):
    """How many panel members must have one value of one attribute (minimum and maximum)."""

    class Attribute(models.TextChoices):
        GENDER = "gender", _("Genre")
        AGE_BAND = "age_band", _("Tranche d'âge")
        AREA = "area", _("Commune ou quartier")
        OCCUPATION = "occupation", _("Catégorie socio-professionnelle")

    campaign = models.ForeignKey("votes.Campaign", on_delete=models.CASCADE, related_name="quotas")
    attribute = models.CharField(_("critère"), max_length=10, choices=Attribute)
    value = models.CharField(_("valeur"), max_length=120)
    minimum = models.PositiveSmallIntegerField(_("minimum"))
    maximum = models.PositiveSmallIntegerField(_("maximum"))

    class Meta:
        verbose_name = _("quota")
        ordering = ["attribute", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "attribute", "value"], name="simulator_quota_unique_value"
            ),
            models.CheckConstraint(
                condition=Q(minimum__lte=models.F("maximum")),
                name="simulator_quota_min_le_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_attribute_display()} = {self.value} : {self.minimum}–{self.maximum}"


class PanelDraw(models.Model):
    """One sortition of a campaign's panel: its inputs and its outcome, kept for checking.

    ``selected`` and ``reserve`` hold volunteer ids (the reserve in its replacement order);
    ``pool_sha256`` fingerprints the anonymised pool (ids and attributes, no names) as
    published, so that anyone can re-run the draw with the same seed.
    """

    campaign = models.ForeignKey("votes.Campaign", on_delete=models.CASCADE, related_name="draws")
    size = models.PositiveSmallIntegerField(_("taille du panel"))
    reserve_size = models.PositiveSmallIntegerField(_("taille de la liste de réserve"), default=0)
    seed = models.CharField(_("graine publiée"), max_length=64)
    algorithm = models.CharField(_("algorithme"), max_length=20)
    quotas = models.JSONField(_("quotas appliqués"), default=list)
    pool = models.JSONField(_("vivier anonymisé"), default=list)
    pool_sha256 = models.CharField(_("empreinte du vivier (SHA-256)"), max_length=64)
    selected = models.JSONField(_("tirés au sort"), default=list)
    reserve = models.JSONField(_("réserve (dans l'ordre)"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("tiré le"), auto_now_add=True)
    published = models.BooleanField(_("publié"), default=False)

    class Meta:
        verbose_name = _("tirage au sort du panel")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gte=1), name="simulator_paneldraw_size"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.created_at:%Y-%m-%d}"
