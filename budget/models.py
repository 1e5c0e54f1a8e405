from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from budget.roles import ADMINISTRATOR, FINANCE, Role, authorities_for

MONEY = {"max_digits": 16, "decimal_places": 2}

# Chapters and accounts that the simulator must never move directly: debt repayment (16),
# interest (66), carried-over result (002) and asset sales (775...).
NON_ADJUSTABLE_CHAPTERS = frozenset({"16", "66", "002"})
NON_ADJUSTABLE_ACCOUNT_PREFIXES = ("775",)


class Authority(models.Model):
    class Kind(models.TextChoices):
        COMMUNE = "commune", _("Commune")
        EPCI = "epci", _("EPCI / métropole")
        DEPARTEMENT = "departement", _("Département")
        REGION = "region", _("Région")

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind, default=Kind.COMMUNE)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    # The outline and neighbourhoods the maps draw, checked and reduced by budget/territory.py
    # (a GeoJSON FeatureCollection of MultiPolygons, each with {"name": …} or no property).
    territory = models.JSONField(_("territoire (GeoJSON)"), null=True, blank=True)
    territory_updated_at = models.DateTimeField(null=True, blank=True)
    # The EPCI (métropole, communauté) a commune belongs to: its page consolidates the
    # members' campaigns. Only an EPCI has members (AuthorityForm says so in French).
    member_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("membre de (EPCI)"),
    )

    class Meta:
        verbose_name = _("collectivité")
        verbose_name_plural = _("collectivités")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(siren="") | Q(siren__regex=r"^[0-9]{9}$"),
                name="budget_authority_siren_9_digits",
            ),
            models.CheckConstraint(
                condition=~Q(member_of=F("pk")),
                name="budget_authority_not_own_member",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    """A commune of an authority's territory (one row for a commune, many for an EPCI)."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="communes")
    insee_code = models.CharField(_("code INSEE"), max_length=5)
    name = models.CharField(_("nom"), max_length=200)
    postal_codes = models.CharField(
        _("codes postaux"), max_length=200, blank=True, help_text=_("séparés par des virgules")
    )
    # Optional: participation statistics compare the participants with it when known.
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    class Meta:
        verbose_name = _("commune")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "insee_code"], name="budget_commune_unique_insee"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BudgetQuerySet(models.QuerySet):
    def published(self) -> BudgetQuerySet:
        return self.filter(published=True)

    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> BudgetQuerySet:
        """An unpublished budget exists only for the staff who prepare it: the staff, and the
        administrators and finance of its authority (budget/roles.py)."""
        if user.is_authenticated and user.is_staff:
            return self
        authorities = authorities_for(user, ADMINISTRATOR, FINANCE)
        if authorities is None:
            return self
        return self.filter(Q(published=True) | Q(authority_id__in=authorities))


class Budget(models.Model):
    class Stage(models.TextChoices):
        PRIMITIF = "bp", _("Budget primitif")
        SUPPLEMENTAIRE = "bs", _("Budget supplémentaire")
        MODIFICATIVE = "dm", _("Décision modificative")
        ADMINISTRATIF = "ca", _("Compte administratif")

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="budgets")
    year = models.PositiveSmallIntegerField(_("exercice"))
    stage = models.CharField(_("étape"), max_length=2, choices=Stage, default=Stage.PRIMITIF)
    slug = models.SlugField(_("identifiant"), max_length=120, unique=True)
    debt_start = models.DecimalField(
        _("encours de dette au 1er janvier"), default=Decimal("0"), **MONEY
    )
    property_tax_base = models.DecimalField(
        _("base de taxe foncière"), null=True, blank=True, **MONEY
    )
    property_tax_rate = models.DecimalField(
        _("taux de taxe foncière (%)"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    property_tax_average_bill = models.DecimalField(
        _("cotisation moyenne de taxe foncière par foyer"), null=True, blank=True, **MONEY
    )
    # Yearly growth of the baseline per chapter for the simulator, e.g. {"012": "0.02"}.
    growth_rates = models.JSONField(_("taux d'évolution par chapitre"), default=dict, blank=True)
    savings_target = models.DecimalField(
        _("objectif d'économies proposé au simulateur"), null=True, blank=True, **MONEY
    )
    # Revenue levers beyond the property tax (sheet `leviers` of the simulator parameters,
    # budget/imports/levers.py): one dict per lever, numbers as strings, in the sheet's order.
    levers = models.JSONField(_("leviers de recettes"), default=list, blank=True)
    published = models.BooleanField(_("publié"), default=True)
    source_filename = models.CharField(_("fichier source"), max_length=255, blank=True)
    imported_at = models.DateTimeField(_("importé le"), null=True, blank=True)

    objects = BudgetQuerySet.as_manager()

    class Meta:
        verbose_name = _("budget")
        ordering = ["-year", "authority__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "year", "stage"], name="budget_budget_unique_year_stage"
            ),
            models.CheckConstraint(
                condition=Q(debt_start__gte=0), name="budget_budget_debt_start_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.authority.name} — {self.get_stage_display()} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("budget:overview", kwargs={"slug": self.slug})

    @property
    def uses_realised_amounts(self) -> bool:
        return self.stage == self.Stage.ADMINISTRATIF


class BudgetLineQuerySet(models.QuerySet):
    def real(self) -> BudgetLineQuerySet:
        return self.filter(kind=BudgetLine.Kind.REEL)

    def operating(self) -> BudgetLineQuerySet:
        return self.filter(section=BudgetLine.Section.FONCTIONNEMENT)

    def investment(self) -> BudgetLineQuerySet:
        return self.filter(section=BudgetLine.Section.INVESTISSEMENT)

    def expenditure(self) -> BudgetLineQuerySet:
        return self.filter(direction=BudgetLine.Direction.DEPENSE)

    def revenue(self) -> BudgetLineQuerySet:
        return self.filter(direction=BudgetLine.Direction.RECETTE)

    def adjustable(self) -> BudgetLineQuerySet:
        return self.filter(adjustable=True)


class BudgetLine(models.Model):
    class Section(models.TextChoices):
        FONCTIONNEMENT = "fonctionnement", _("Fonctionnement")
        INVESTISSEMENT = "investissement", _("Investissement")

    class Direction(models.TextChoices):
        DEPENSE = "depense", _("Dépense")
        RECETTE = "recette", _("Recette")

    class Kind(models.TextChoices):
        REEL = "reel", _("Réel")
        ORDRE = "ordre", _("Ordre")

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="lines")
    # Stable identifier: <F|I><D|R>-<account>[-<function>], "-2", "-3"... for duplicates.
    code = models.CharField(_("code"), max_length=80)
    position = models.PositiveIntegerField(_("rang dans le fichier"), default=0)
    section = models.CharField(_("section"), max_length=14, choices=Section)
    direction = models.CharField(_("sens"), max_length=7, choices=Direction)
    kind = models.CharField(_("nature d'opération"), max_length=5, choices=Kind)
    chapter = models.CharField(_("chapitre"), max_length=10)
    chapter_label = models.CharField(_("libellé du chapitre"), max_length=255, blank=True)
    account = models.CharField(_("compte"), max_length=20)
    account_label = models.CharField(_("libellé du compte"), max_length=255, blank=True)
    function = models.CharField(_("fonction"), max_length=10, blank=True)
    function_label = models.CharField(_("libellé de la fonction"), max_length=255, blank=True)
    operation = models.CharField(_("opération"), max_length=50, blank=True)
    label = models.CharField(_("libellé"), max_length=255, blank=True)
    amount = models.DecimalField(_("montant voté"), **MONEY)
    realised = models.DecimalField(_("montant réalisé"), null=True, blank=True, **MONEY)
    adjustable = models.BooleanField(_("ajustable"), default=False)
    floor = models.DecimalField(_("plancher"), null=True, blank=True, **MONEY)
    service = models.CharField(_("service responsable"), max_length=200, blank=True)

    objects = BudgetLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("ligne budgétaire")
        verbose_name_plural = _("lignes budgétaires")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "code"], name="budget_budgetline_unique_code"
            ),
            models.CheckConstraint(
                condition=Q(kind="reel") | Q(adjustable=False),
                name="budget_budgetline_order_not_adjustable",
            ),
            models.CheckConstraint(
                condition=Q(floor__isnull=True) | Q(floor__gte=0),
                name="budget_budgetline_floor_non_negative",
            ),
        ]
        indexes = [models.Index(fields=["budget", "section", "direction", "chapter"])]

    def __str__(self) -> str:
        return f"{self.code} — {self.display_label}"

    def get_absolute_url(self) -> str:
        return reverse("budget:line", kwargs={"slug": self.budget.slug, "code": self.code})

    @property
    def display_label(self) -> str:
        return self.label or self.account_label or self.account

    @property
    def is_real(self) -> bool:
        return self.kind == self.Kind.REEL

    def clean(self) -> None:
        if self.adjustable and self.kind == self.Kind.ORDRE:
            raise ValidationError(
                {"adjustable": _("Une ligne d'ordre ne peut pas être ajustable.")}
            )


def default_adjustable(*, kind: str, chapter: str, account: str) -> bool:
    """Adjustability on import (domain.md §3): real lines except debt, interest, 002, 775."""
    if kind != BudgetLine.Kind.REEL:
        return False
    if chapter in NON_ADJUSTABLE_CHAPTERS:
        return False
    return not account.startswith(NON_ADJUSTABLE_ACCOUNT_PREFIXES)


class ImpactRule(models.Model):
    """A linked impact: changing the source by Δ changes the target by coefficient × Δ."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="impact_rules")
    source = models.ForeignKey(
        BudgetLine,
        on_delete=models.CASCADE,
        related_name="outgoing_rules",
        verbose_name=_("source"),
    )
    target = models.ForeignKey(
        BudgetLine, on_delete=models.CASCADE, related_name="incoming_rules", verbose_name=_("cible")
    )
    coefficient = models.DecimalField(_("coefficient"), max_digits=12, decimal_places=6)
    lag = models.PositiveSmallIntegerField(
        _("décalage (années)"), default=0, validators=[MaxValueValidator(10)]
    )
    cumulative = models.BooleanField(
        _("cumulatif"),
        default=False,
        help_text=_("L'effet porte sur tout ce que la source a changé jusqu'ici."),
    )
    description = models.TextField(_("description"), blank=True)
    provenance = models.CharField(_("provenance"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("impact induit")
        verbose_name_plural = _("impacts induits")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(lag__lte=10), name="budget_impactrule_lag_max_10"),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="budget_impactrule_not_self"
            ),
            models.UniqueConstraint(
                fields=["source", "target", "lag"], name="budget_impactrule_unique_source_target"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source.code} → {self.target.code} (×{self.coefficient}, +{self.lag} an)"

    def clean(self) -> None:
        # Same budget, real lines, no cycle: the checks need the budget's other rules, so they
        # live in budget/rules.py (shared with the services and the Excel parameters import).
        from budget.rules import impact_rule_errors

        errors = impact_rule_errors(self)
        if errors:
            raise ValidationError(errors)


class GlossaryTerm(models.Model):
    """A term explained in the tooltips on every screen (editable by the team)."""

    key = models.SlugField(_("clé"), max_length=80, unique=True)
    term = models.CharField(_("terme"), max_length=120)
    definition = models.TextField(_("définition"))
    example = models.TextField(_("exemple"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("terme du glossaire")
        verbose_name_plural = _("glossaire")
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term


class RoleGrant(models.Model):
    """A role held in one authority only (budget/roles.py): the finance officer of commune A
    sees nothing of commune B. Being in the role's group instead holds it everywhere."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="role_grants",
        verbose_name=_("compte"),
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role)
    authority = models.ForeignKey(
        Authority,
        on_delete=models.CASCADE,
        related_name="role_grants",
        verbose_name=_("collectivité"),
    )
    granted_at = models.DateTimeField(_("accordé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("rôle dans une collectivité")
        verbose_name_plural = _("rôles dans une collectivité")
        ordering = ["authority__name", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "authority"], name="budget_rolegrant_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.authority}"


# The job record lives with its services and views in budget/jobs/, the rate-limit counter in
# budget/counters/; Django finds them here.
from budget.accessibility.models import AccessibilityStatement  # noqa: E402, F401
from budget.counters.models import Counter  # noqa: E402, F401
from budget.jobs.models import Job  # noqa: E402, F401
