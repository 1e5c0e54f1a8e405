from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from budget.models import MONEY, Commune
from simulator.models import AdjustmentFields, Measure, Scenario, adjustment_constraints
from votes.campaigns.models import Campaign, Category
from votes.council.choices import ADOPTED_DECISIONS
from votes.instruction.choices import FEASIBLE, InstructionValidation


class ProposalQuerySet(models.QuerySet):
    def published(self) -> ProposalQuerySet:
        return self.filter(status=Proposal.Status.PUBLISHED)

    def hidden(self) -> ProposalQuerySet:
        return self.filter(status=Proposal.Status.HIDDEN)

    def in_category(self, category: Category) -> ProposalQuerySet:
        return self.filter(category=category)

    def feasible(self) -> ProposalQuerySet:
        """Instruction validated as feasible (with or without conditions), whatever the status."""
        return self.filter(
            instruction__validation=InstructionValidation.VALIDATED,
            instruction__status__in=FEASIBLE,
        )

    def on_ballot(self) -> ProposalQuerySet:
        """Validated feasible (with or without conditions): only these go on the ballot."""
        return self.published().feasible()

    def flagged(self) -> ProposalQuerySet:
        """With at least one flag the moderation has not handled yet."""
        return self.filter(Exists(Flag.objects.open().filter(proposal=OuterRef("pk"))))

    def unflagged(self) -> ProposalQuerySet:
        return self.exclude(Exists(Flag.objects.open().filter(proposal=OuterRef("pk"))))

    def not_retained(self) -> ProposalQuerySet:
        return self.filter(status=Proposal.Status.NOT_RETAINED)

    def instructable(self) -> ProposalQuerySet:
        """What the services instruct: neither withdrawn by its author nor left below the
        supports threshold (hidden ones are instructed: a moderator may restore them)."""
        return self.exclude(status__in=(Proposal.Status.WITHDRAWN, Proposal.Status.NOT_RETAINED))

    def with_support_count(self) -> ProposalQuerySet:
        return self.annotate(support_count=Count("supports"))

    def with_comment_count(self) -> ProposalQuerySet:
        """The published comments, as `comment_count` (a subquery: joined with the supports'
        count, a second join would multiply both)."""
        # The model through the relation: proposals/ does not import the debate, which
        # imports proposals/.
        comment = self.model._meta.get_field("comments").related_model
        counted = (
            comment.objects.filter(proposal=OuterRef("pk"), status="published")
            .order_by()
            .values("proposal")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(comment_count=Coalesce(Subquery(counted), 0))

    def with_hidden_reason(self) -> ProposalQuerySet:
        """The reason of the latest hiding, as `hidden_reason` (None when never hidden)."""
        last_hide = (
            ModerationAction.objects.filter(
                proposal=OuterRef("pk"), action=ModerationAction.Action.HIDE
            )
            .order_by("-at", "-id")
            .values("reason")[:1]
        )
        return self.annotate(hidden_reason=Subquery(last_hide))

    def located(self) -> ProposalQuerySet:
        """Placed on the map (a point)."""
        return self.filter(latitude__isnull=False, longitude__isnull=False)

    def adopted(self) -> ProposalQuerySet:
        """Adopted by the council, with or without changes (they carry the citizen label)."""
        return self.filter(council_answer__decision__in=ADOPTED_DECISIONS)


class Proposal(models.Model):
    class Kind(models.TextChoices):
        PROJECT = "project", _("Projet")
        SAVING = "saving", _("Économie")

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Publiée")
        HIDDEN = "hidden", _("Masquée par la modération")
        WITHDRAWN = "withdrawn", _("Retirée par son auteur")
        # Below the campaign's threshold when the supports phase ended: public, not
        # instructed, not on the ballot, and still answered by the council.
        NOT_RETAINED = "not_retained", _("Non retenue à l'étape des soutiens")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="proposals")
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("rubrique")
    )
    reference = models.PositiveIntegerField(_("référence"))
    kind = models.CharField(_("type"), max_length=7, choices=Kind)
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), help_text=_("Markdown simple."))
    # SET_NULL: a deleted account's proposals stay, shown as "compte supprimé".
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )
    author_label = models.CharField(
        _("auteur affiché"),
        max_length=120,
        blank=True,
        help_text=_("Pour une proposition d'un panel : le nom du panel."),
    )
    estimate = models.DecimalField(
        _("estimation de l'auteur (€)"),
        null=True,
        blank=True,
        help_text=_("Coût pour un projet, économie par an pour une économie."),
        **MONEY,
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("commune")
    )
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    # On the map (issue 15): a point (WGS 84, both or neither) and a neighbourhood named in the
    # authority's territory (budget/territory.py); see votes/proposals/location.py.
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    neighbourhood = models.CharField(_("quartier"), max_length=100, blank=True)
    status = models.CharField(_("statut"), max_length=12, choices=Status, default=Status.PUBLISHED)
    scenario = models.ForeignKey(
        Scenario, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals"
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals"
    )
    service = models.ForeignKey(
        "votes.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("service instructeur"),
    )
    # A revenue proposal (issue 14) is a saving that sets a revenue lever of the budget (sheet
    # `leviers` of the simulator parameters): a new rate or price, within its bounds. It is
    # instructed, voted and counted toward the savings target like any saving.
    lever = models.CharField(_("levier de recettes"), max_length=60, blank=True)
    lever_value = models.DecimalField(
        _("valeur proposée pour le levier"),
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Nouveau taux (en %) ou nouveau tarif (en €)."),
    )
    # pabulib project_id of an imported election, empty otherwise.
    source_id = models.CharField(_("identifiant source"), max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposition")
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "reference"], name="votes_proposal_unique_reference"
            ),
            models.CheckConstraint(
                condition=Q(estimate__isnull=True) | Q(estimate__gte=0),
                name="votes_proposal_estimate_non_negative",
            ),
            models.CheckConstraint(
                condition=(Q(lever="") & Q(lever_value__isnull=True))
                | (~Q(lever="") & Q(lever_value__gte=0) & Q(kind="saving")),
                name="votes_proposal_lever_with_value",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="votes_proposal_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="votes_proposal_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="votes_proposal_point_complete",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "status", "category"])]

    def __str__(self) -> str:
        return f"{self.public_reference} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse(
            "votes:proposal", kwargs={"slug": self.campaign.slug, "reference": self.reference}
        )

    @property
    def public_reference(self) -> str:
        return f"P-{self.reference:04d}"

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def is_revenue(self) -> bool:
        """A saving that raises a revenue (a lever), rather than spending less."""
        return bool(self.lever)

    @property
    def author_display(self) -> str:
        if self.author_label:
            return self.author_label
        if self.author_id is None:
            return str(_("compte supprimé"))
        profile = getattr(self.author, "profile", None)
        return profile.pseudonym if profile else self.author.get_username()


class ProposalAdjustment(AdjustmentFields):
    """A saving built from the simulator carries its line adjustments."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="adjustments")

    class Meta:
        verbose_name = _("ajustement de la proposition")
        ordering = ["id"]
        constraints = adjustment_constraints("votes_proposaladjustment")


class Attachment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("fichier"), upload_to="propositions/%Y/")
    name = models.CharField(_("nom"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pièce jointe")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Support(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supports"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("soutien")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="votes_support_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.proposal}"


class FlagQuerySet(models.QuerySet):
    def open(self) -> FlagQuerySet:
        """Not handled yet: a moderation decision on the proposal handles them all."""
        return self.filter(handled=False)


class Flag(models.Model):
    """A report of abusive content by a logged-in user (moderation is a posteriori)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("motif"))
    created_at = models.DateTimeField(auto_now_add=True)
    handled = models.BooleanField(_("traité"), default=False)

    objects = FlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("signalement")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="votes_flag_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal}: {self.reason[:40]}"


class ModerationAction(models.Model):
    """Hide or restore, with the reason kept on record."""

    class Action(models.TextChoices):
        HIDE = "hide", _("Masquer")
        RESTORE = "restore", _("Rétablir")

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="moderation_actions"
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=7, choices=Action)
    reason = models.TextField(_("motif"))
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("décision de modération")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.proposal}"
