from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from budget.models import MONEY, Authority, Budget
from budget.roles import ADMINISTRATOR
from votes.access import campaign_filter, is_administrator

# A share of the ballots, in percent with two decimals (12.50 %), for the savings threshold.
PERCENT = {"max_digits": 5, "decimal_places": 2}


class Phase(models.TextChoices):
    """The campaign's phases, in order (domain.md §2)."""

    DRAFT = "draft", _("Brouillon")
    FRAMING = "framing", _("Contrat participatif")
    PROPOSALS = "proposals", _("Dépôt des propositions")
    SUPPORTS = "supports", _("Soutiens")
    INSTRUCTION = "instruction", _("Instruction par les services")
    VOTING = "voting", _("Vote")
    TALLY = "tally", _("Dépouillement")
    COUNCIL = "council", _("Transmis au conseil")
    ANSWERED = "answered", _("Avis argumentés publiés")


PHASE_ORDER = [phase.value for phase in Phase]


class CampaignQuerySet(models.QuerySet):
    def public(self) -> CampaignQuerySet:
        return self.exclude(phase=Phase.DRAFT)

    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> CampaignQuerySet:
        """A campaign in draft exists only for its administrators (those of its authority or
        of itself, when the role is held there only)."""
        if not is_administrator(user):
            return self.public()
        scope = campaign_filter(user, ADMINISTRATOR)
        return self if scope is None else self.filter(~Q(phase=Phase.DRAFT) | scope)


class Campaign(models.Model):
    class Kind(models.TextChoices):
        PROJECTS = "projects", _("Budget participatif (projets)")
        SAVINGS = "savings", _("Budget participatif inversé (économies)")
        MIXED = "mixed", _("Mixte (projets et économies)")

    class TallyRule(models.TextChoices):
        GREEDY = "greedy", _("Par nombre de voix dans l'enveloppe (glouton)")
        MES = "mes", _("Méthode des parts égales (proportionnelle)")

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="campaigns")
    budget = models.ForeignKey(
        Budget, on_delete=models.PROTECT, related_name="campaigns", null=True, blank=True
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind, default=Kind.SAVINGS)
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    framing = models.TextField(
        _("contrat participatif"),
        blank=True,
        help_text=_("Règles, engagements, suites données (Markdown)."),
    )
    phase = models.CharField(_("phase"), max_length=12, choices=Phase, default=Phase.DRAFT)
    min_voter_age = models.PositiveSmallIntegerField(_("âge minimum pour voter"), default=16)
    supports_enabled = models.BooleanField(_("phase de soutiens"), default=False)
    # A number of supports, not a share of voters: a participation team announces "30
    # supports" in the contract, and a share of a turnout nobody knows yet cannot be checked
    # by a citizen. Frozen once the supports phase opens (campaigns/services.py).
    supports_threshold = models.PositiveIntegerField(
        _("seuil de soutiens"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Nombre de soutiens qu'une proposition doit atteindre pendant la phase de soutiens "
            "pour être instruite ; figé à l'ouverture de cette phase."
        ),
    )
    max_policy_areas = models.PositiveSmallIntegerField(
        _("politiques publiques touchées au plus par un scénario"), null=True, blank=True
    )
    max_categories_per_voter = models.PositiveSmallIntegerField(
        _("rubriques au plus par votant"), null=True, blank=True
    )
    tally_rule = models.CharField(
        _("règle de dépouillement"), max_length=6, choices=TallyRule, default=TallyRule.GREEDY
    )
    savings_threshold = models.DecimalField(
        _("seuil des économies (pourcentage des bulletins)"),
        null=True,
        blank=True,
        help_text=_(
            "Part minimale des bulletins exprimés dans la rubrique qu'une mesure d'économie "
            "doit recueillir pour être retenue ; une rubrique peut fixer la sienne. Vide = au "
            "moins une voix."
        ),
        **PERCENT,
    )
    # The debate (votes/debate/): the phase rule says when comments are open
    # (campaigns/phases.py); this switch lets the team close them at any time.
    comments_enabled = models.BooleanField(
        _("commentaires"),
        default=True,
        help_text=_(
            "Les habitants commentent les propositions pendant le dépôt et l'instruction, et "
            "les réponses du conseil une fois publiées ; décochez pour fermer le débat."
        ),
    )
    # Notifications (votes/notifications/): the reminder to those who have not voted yet.
    reminder_days = models.PositiveSmallIntegerField(
        _("rappel avant la clôture du vote (jours)"),
        null=True,
        blank=True,
        default=3,
        help_text=_(
            "Un e-mail de rappel part ce nombre de jours avant la fin du vote prévue au "
            "calendrier, à qui suit la campagne ou y a participé sans avoir voté ; vide = "
            "pas de rappel."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campagne")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_voter_age__lte=120), name="votes_campaign_min_age_range"
            ),
            models.CheckConstraint(
                condition=Q(savings_threshold__isnull=True)
                | Q(savings_threshold__gte=0, savings_threshold__lte=100),
                name="votes_campaign_savings_threshold_percent",
                violation_error_message=_(
                    "Le seuil des économies est un pourcentage des bulletins, entre 0 et 100."
                ),
            ),
            models.CheckConstraint(
                condition=Q(supports_threshold__isnull=True) | Q(supports_threshold__gte=1),
                name="votes_campaign_supports_threshold_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("votes:campaign", kwargs={"slug": self.slug})

    @property
    def phase_index(self) -> int:
        return PHASE_ORDER.index(self.phase)

    def reached(self, phase: str) -> bool:
        return self.phase_index >= PHASE_ORDER.index(phase)


class PhaseSchedule(models.Model):
    """Planned dates of a phase, shown on the public timeline."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="schedule")
    phase = models.CharField(_("phase"), max_length=12, choices=Phase)
    starts_on = models.DateField(_("début"), null=True, blank=True)
    ends_on = models.DateField(_("fin"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendrier de phase")
        ordering = ["starts_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "phase"], name="votes_phaseschedule_unique_phase"
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="votes_phaseschedule_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.get_phase_display()}"


class PhaseTransition(models.Model):
    """Every move of a campaign from phase to phase (who, when, why)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="transitions")
    from_phase = models.CharField(_("de"), max_length=12, choices=Phase)
    to_phase = models.CharField(_("vers"), max_length=12, choices=Phase)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("par")
    )
    at = models.DateTimeField(_("le"), auto_now_add=True)
    reason = models.TextField(_("motif"), blank=True)

    class Meta:
        verbose_name = _("changement de phase")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_phase=models.F("to_phase")),
                name="votes_phasetransition_moves",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.from_phase} → {self.to_phase}"

    @property
    def is_backward(self) -> bool:
        return PHASE_ORDER.index(self.to_phase) < PHASE_ORDER.index(self.from_phase)


class Category(models.Model):
    """A rubrique (Consul's heading): an envelope for projects or a target for savings."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("nom"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    envelope = models.DecimalField(_("enveloppe (€)"), null=True, blank=True, **MONEY)
    savings_target = models.DecimalField(
        _("objectif d'économies (€ par an)"), null=True, blank=True, **MONEY
    )
    vote_cap = models.PositiveSmallIntegerField(
        _("votes par votant"),
        null=True,
        blank=True,
        help_text=_("Nombre maximal de propositions choisies par votant ; vide = sans limite."),
    )
    knapsack = models.BooleanField(
        _("mode enveloppe"),
        default=False,
        help_text=_("Le total des projets choisis par un votant ne peut dépasser l'enveloppe."),
    )
    min_approvals = models.PositiveIntegerField(
        _("voix minimales pour être retenue"), null=True, blank=True
    )
    min_votes = models.PositiveSmallIntegerField(
        _("votes par votant au moins"),
        default=0,
        help_text=_(
            "Nombre minimal de propositions qu'un votant choisit dans la rubrique s'il y vote ; "
            "0 = pas de minimum."
        ),
    )
    savings_threshold = models.DecimalField(
        _("seuil des économies (pourcentage des bulletins)"),
        null=True,
        blank=True,
        help_text=_(
            "Part minimale des bulletins exprimés dans la rubrique qu'une mesure doit "
            "recueillir pour être retenue ; vide = le seuil de la campagne."
        ),
        **PERCENT,
    )
    # A shared campaign of an EPCI (Consul's headings by district): a category of one commune
    # of its territory, open to that commune's residents only; empty = the whole territory.
    # The voter's commune is their profile's (votes/voting/shared.py).
    commune = models.ForeignKey(
        "budget.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune"),
        help_text=_(
            "Campagne partagée d'un EPCI : rubrique réservée aux habitants de cette commune ; "
            "vide = tout le territoire."
        ),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("rubrique")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="votes_category_unique_name"),
            models.CheckConstraint(
                condition=Q(envelope__isnull=True) | Q(envelope__gte=0),
                name="votes_category_envelope_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(savings_target__isnull=True) | Q(savings_target__gte=0),
                name="votes_category_target_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(vote_cap__isnull=True) | Q(vote_cap__gte=1),
                name="votes_category_cap_positive",
            ),
            models.CheckConstraint(
                condition=Q(knapsack=False) | Q(envelope__isnull=False),
                name="votes_category_knapsack_needs_envelope",
            ),
            models.CheckConstraint(
                condition=Q(min_votes__gte=0),
                name="votes_category_min_votes_non_negative",
                violation_error_message=_(
                    "Le nombre minimal de votes par votant est d'au moins 0."
                ),
            ),
            models.CheckConstraint(
                condition=Q(vote_cap__isnull=True) | Q(min_votes__lte=models.F("vote_cap")),
                name="votes_category_min_votes_within_cap",
                violation_error_message=_(
                    "Le minimum de votes par votant ne peut dépasser le maximum."
                ),
            ),
            models.CheckConstraint(
                condition=Q(savings_threshold__isnull=True)
                | Q(savings_threshold__gte=0, savings_threshold__lte=100),
                name="votes_category_savings_threshold_percent",
                violation_error_message=_(
                    "Le seuil des économies est un pourcentage des bulletins, entre 0 et 100."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name
