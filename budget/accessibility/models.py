"""The accessibility statement (déclaration d'accessibilité, RGAA): one per site.

One record for the whole site, not one per authority: the law (article 47 of the loi
n° 2005-102, décret n° 2019-768) asks for a statement per online service, and the RGAA audit
measures the pages of this service — the same templates for every authority that publishes on
it. A metropolis and its communes on one instance share one statement; an authority with its
own instance has its own.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

SITE = "site"


class StatementQuerySet(models.QuerySet):
    def current(self) -> AccessibilityStatement | None:
        return self.filter(key=SITE).first()


class AccessibilityStatement(models.Model):
    class Level(models.TextChoices):
        # RGAA: "non conforme" when no audit was made or under 50 % of the criteria met.
        NONE = "none", _("non conforme")
        PARTIAL = "partial", _("partiellement conforme")
        TOTAL = "total", _("totalement conforme")

    key = models.CharField(max_length=10, default=SITE, unique=True, editable=False)
    entity = models.CharField(
        _("entité responsable"),
        max_length=200,
        help_text=_("La collectivité qui publie le site, par exemple « Ville de Montargis »."),
    )
    level = models.CharField(
        _("état de conformité"), max_length=8, choices=Level, default=Level.NONE
    )
    rate = models.DecimalField(
        _("taux de conformité (pourcentage des critères RGAA respectés)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    rgaa_version = models.CharField(_("référentiel"), max_length=40, default="RGAA 4.1.2")
    audited_by = models.CharField(
        _("audit réalisé par"),
        max_length=200,
        blank=True,
        help_text=_("Vide : aucun audit n'a encore été réalisé."),
    )
    established_on = models.DateField(_("déclaration établie le"))
    non_compliant = models.TextField(
        _("contenus non accessibles : non-conformités"),
        blank=True,
        help_text=_("Une ligne par non-conformité."),
    )
    derogations = models.TextField(_("dérogations pour charge disproportionnée"), blank=True)
    exempt = models.TextField(_("contenus non soumis à l'obligation d'accessibilité"), blank=True)
    technologies = models.TextField(
        _("technologies utilisées"), default="HTML5, CSS, JavaScript, SVG"
    )
    test_environment = models.TextField(
        _("environnement de test (navigateurs et technologies d'assistance)"),
        default="Firefox et NVDA ; Chromium et axe-core ; Safari et VoiceOver",
    )
    tested_pages = models.TextField(_("pages ayant fait l'objet de la vérification"), blank=True)
    contact_email = models.EmailField(_("adresse de contact"))
    contact_address = models.TextField(_("adresse postale de contact"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = StatementQuerySet.as_manager()

    class Meta:
        verbose_name = _("déclaration d'accessibilité")
        constraints = [
            models.CheckConstraint(condition=Q(key=SITE), name="budget_accessibility_one_per_site"),
            # The level follows the rate (RGAA): total = 100 %, partial = 50 % or more,
            # none = under 50 % or no audit.
            models.CheckConstraint(
                condition=Q(level="total", rate=100)
                | Q(level="partial", rate__gte=50, rate__lt=100)
                | Q(level="none", rate__isnull=True)
                | Q(level="none", rate__lt=50),
                name="budget_accessibility_level_matches_rate",
                violation_error_message=_(
                    "L'état de conformité ne correspond pas au taux : totalement conforme = "
                    "100 %, partiellement conforme = 50 % ou plus, non conforme = moins de 50 % "
                    "ou pas d'audit."
                ),
            ),
            models.CheckConstraint(
                condition=Q(rate__isnull=True) | Q(rate__gte=0, rate__lte=100),
                name="budget_accessibility_rate_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entity} — {self.get_level_display()}"

    @property
    def rate_text(self) -> str:
        """72.50 → "72,5" (French decimal comma, no trailing zero)."""
        if self.rate is None:
            return ""
        return format(Decimal(self.rate).normalize(), "f").replace(".", ",")

    def clean(self) -> None:
        # The friendly side of budget_accessibility_level_matches_rate, on the field.
        rate = self.rate
        if rate is not None and not (0 <= rate <= 100):
            raise ValidationError({"rate": _("Le taux est un pourcentage, entre 0 et 100.")})
        if self.level == self.Level.TOTAL and rate != Decimal(100):
            raise ValidationError({"level": _("« Totalement conforme » demande un taux de 100 %.")})
        if self.level == self.Level.PARTIAL and (rate is None or not 50 <= rate < 100):
            raise ValidationError(
                {
                    "level": _(
                        "« Partiellement conforme » demande un taux d'au moins 50 % et de "
                        "moins de 100 %."
                    )
                }
            )
        if self.level == self.Level.NONE and rate is not None and rate >= 50:
            raise ValidationError(
                {
                    "level": _(
                        "Avec un taux de 50 % ou plus, le site est au moins partiellement conforme."
                    )
                }
            )
