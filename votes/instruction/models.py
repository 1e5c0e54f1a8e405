from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from budget.models import MONEY, Authority
from votes.instruction.choices import FEASIBLE, InstructionStatus, InstructionValidation
from votes.proposals.models import Proposal


class Service(models.Model):
    """A department of the authority that instructs the proposals assigned to it."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(_("nom"), max_length=120)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="services", verbose_name=_("membres")
    )

    class Meta:
        verbose_name = _("service")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "name"], name="votes_service_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Instruction(models.Model):
    """The feasibility instruction of one proposal by its service, validated by finance."""

    # The choices live in instruction/choices.py, which the proposals' queryset reads
    # without importing this module (that imports Proposal).
    Status = InstructionStatus
    Validation = InstructionValidation
    FEASIBLE = FEASIBLE

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="instruction")
    status = models.CharField(_("avis"), max_length=13, choices=Status, default=Status.TO_INSTRUCT)
    # Projects: investment cost, an optional schedule {"1": 100000, "2": 50000}, and the
    # yearly running cost the project sets off.
    instructed_cost = models.DecimalField(
        _("coût instruit (investissement, €)"), null=True, blank=True, **MONEY
    )
    cost_schedule = models.JSONField(_("échéancier"), default=dict, blank=True)
    induced_operating_cost = models.DecimalField(
        _("coût de fonctionnement induit (€ par an)"), null=True, blank=True, **MONEY
    )
    # Savings: the yearly net saving (full-year effect) computed by the simulator engine.
    instructed_saving = models.DecimalField(
        _("économie nette instruite (€ par an)"), null=True, blank=True, **MONEY
    )
    direct_saving = models.DecimalField(
        _("dont effets directs (€ par an)"), null=True, blank=True, **MONEY
    )
    induced_saving = models.DecimalField(
        _("dont effets induits (€ par an)"), null=True, blank=True, **MONEY
    )
    duration = models.CharField(_("durée de réalisation"), max_length=120, blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    public_reasoning = models.TextField(_("motivation publique"), blank=True)
    internal_notes = models.TextField(_("notes internes (jamais publiques)"), blank=True)
    validation = models.CharField(
        _("validation"), max_length=9, choices=Validation, default=Validation.DRAFT
    )
    return_comment = models.TextField(_("commentaire de renvoi"), blank=True)
    instructed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    due_on = models.DateField(_("à rendre le"), null=True, blank=True)
    # Set once, when the instruction is made public and its author told (never twice).
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("instruction")
        constraints = [
            models.CheckConstraint(
                condition=Q(instructed_cost__isnull=True) | Q(instructed_cost__gte=0),
                name="votes_instruction_cost_non_negative",
            ),
            # Only an instruction with a verdict can be validated.
            models.CheckConstraint(
                condition=~Q(validation="validated") | ~Q(status="to_instruct"),
                name="votes_instruction_validated_has_verdict",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal.public_reference} : {self.get_status_display()}"

    @property
    def is_feasible(self) -> bool:
        return self.status in self.FEASIBLE

    @property
    def is_validated(self) -> bool:
        return self.validation == self.Validation.VALIDATED
