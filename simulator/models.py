from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from budget.models import MONEY, Budget, BudgetLine

MAX_HORIZON = 10


class AdjustmentFields(models.Model):
    """A change to one budget line, shared by measures and scenarios (engine semantics)."""

    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="+")
    amount = models.DecimalField(_("montant (€)"), null=True, blank=True, **MONEY)
    percent = models.DecimalField(
        _("pourcentage"), max_digits=7, decimal_places=3, null=True, blank=True
    )
    start_year = models.PositiveSmallIntegerField(
        _("année de départ"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_HORIZON)],
    )
    recurring = models.BooleanField(_("récurrent"), default=True)
    first_year_share = models.DecimalField(
        _("part de la première année"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("1"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        change = f"{self.percent} %" if self.percent is not None else f"{self.amount} €"
        return f"{self.line.code} : {change}"

    def clean(self) -> None:
        if (self.amount is None) == (self.percent is None):
            raise ValidationError(_("Indiquez soit un montant, soit un pourcentage (un seul)."))


def adjustment_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=(Q(amount__isnull=True) & Q(percent__isnull=False))
            | (Q(amount__isnull=False) & Q(percent__isnull=True)),
            name=f"{prefix}_amount_xor_percent",
        ),
        models.CheckConstraint(
            condition=Q(first_year_share__gte=0) & Q(first_year_share__lte=1),
            name=f"{prefix}_first_year_share_0_1",
        ),
        models.CheckConstraint(
            condition=Q(start_year__gte=1) & Q(start_year__lte=MAX_HORIZON),
            name=f"{prefix}_start_year_range",
        ),
    ]


class MeasureQuerySet(models.QuerySet):
    def catalogue(self) -> MeasureQuerySet:
        return self.filter(origin=Measure.Origin.CATALOGUE, published=True)


class Measure(models.Model):
    """A lever (levier): a named bundle of line adjustments."""

    class Origin(models.TextChoices):
        CATALOGUE = "catalogue", _("Catalogue de la direction des finances")
        PANEL = "panel", _("Groupe de panel")
        CITIZEN = "citizen", _("Citoyen")
        # A proposal adopted by the council, in its campaign's scenario (votes/council/).
        COUNCIL = "council", _("Proposition adoptée")

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="measures")
    slug = models.SlugField(_("identifiant"), max_length=100)
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    policy_area = models.CharField(_("politique publique"), max_length=120, blank=True)
    origin = models.CharField(_("origine"), max_length=10, choices=Origin, default=Origin.CATALOGUE)
    published = models.BooleanField(_("publiée"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    position = models.PositiveIntegerField(default=0)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("mesure")
        ordering = ["position", "title"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "slug"], name="simulator_measure_unique_slug")
        ]

    def __str__(self) -> str:
        return self.title


class MeasureAdjustment(AdjustmentFields):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="adjustments")

    class Meta:
        verbose_name = _("ajustement de la mesure")
        ordering = ["id"]
        constraints = adjustment_constraints("simulator_measureadjustment")


class Scenario(models.Model):
    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="scenarios")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="scenarios",
    )
    title = models.CharField(_("titre"), max_length=200, default=_("Mon scénario"))
    measures = models.ManyToManyField(Measure, blank=True, related_name="scenarios")
    horizon = models.PositiveSmallIntegerField(
        _("horizon (années)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_HORIZON)],
    )
    target = models.DecimalField(_("objectif d'économies"), null=True, blank=True, **MONEY)
    tax_rate_change = models.DecimalField(
        _("variation du taux de taxe foncière (points)"),
        max_digits=6,
        decimal_places=3,
        default=Decimal("0"),
    )
    # Revenue levers set on the screen: lever slug -> chosen value (string), see state.py.
    levers = models.JSONField(_("leviers de recettes"), default=dict, blank=True)
    share_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("scénario")
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(horizon__gte=1) & Q(horizon__lte=MAX_HORIZON),
                name="simulator_scenario_horizon_range",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("simulator:scenario", kwargs={"pk": self.pk})

    def get_share_url(self) -> str:
        return reverse("simulator:shared", kwargs={"token": self.share_token})


class ScenarioAdjustment(AdjustmentFields):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="adjustments")

    class Meta:
        verbose_name = _("ajustement du scénario")
        ordering = ["id"]
        constraints = [
            *adjustment_constraints("simulator_scenarioadjustment"),
            models.UniqueConstraint(
                fields=["scenario", "line"], name="simulator_scenarioadjustment_unique_line"
            ),
        ]
